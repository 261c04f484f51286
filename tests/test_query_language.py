"""``query=`` on entry results (issue 15, item 3): UniProt's search fields, aliases, ranges,
wildcards and boolean logic, on both releases and both stores.

What each field should keep is computed from the release files (idmapping.dat, sec_ac.txt, the
delac files, the UniProtKB flat files and the UniRef and UniParc XML files), never from the
store; a field whose data the release lacks keeps nothing. Every facet value is accepted back
as a query and keeps the facet's count.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest
from idmapping.results.entryrows import read_filter
from idmapping.store.query import LEADING_WILDCARD
from idmapping.store.queryfields import FIELDS, MODEL_ORGANISMS, NOT_HELD, uniprot_fields
from idmapping.store.sql_results import OLD_QUERY
from releases import ReleaseFacts
from stores import BACKENDS, store_lacking

_MODEL_FACET = {9606, 10090, 10116, 9913, 7955, 7227, 6239, 44689, 3702, 39947, 83333,
                224308, 559292}
"""UniProt's "Popular organisms" (its uniprotkb.facet.properties)."""


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


@dataclass
class Record:
    """What a UniProtKB flat-file entry states."""

    accession: str
    genes: set[str] = field(default_factory=set)
    existence: int = 0
    length: int = 0
    mass: int = 0
    created: str = ""
    fragment: bool = False
    xrefs: set[tuple[str, str]] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)
    organism: str = ""
    names: list[str] = field(default_factory=list)


_MONTHS = {m: n for n, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
                                        "SEP", "OCT", "NOV", "DEC"), 1)}


def flat_entries(release: ReleaseFacts) -> dict[str, Record]:
    """The entries of the release's UniProtKB flat files, by accession."""
    found: dict[str, Record] = {}
    for path in release.files:
        if not re.search(r"uniprot_(sprot|trembl)\.dat", path.name):
            continue
        for text in _text(path).split("\n//"):
            ac = re.search(r"^AC   (\w+);", text, re.M)
            if not ac:
                continue
            record = Record(ac.group(1))
            for line in re.findall(r"^GN   (.*)$", text, re.M):
                for part in line.split(";"):
                    if "=" in part:
                        record.genes |= {g.split("{")[0].strip().lower()
                                         for g in part.split("=", 1)[1].split(",")}
            if m := re.search(r"^PE   (\d):", text, re.M):
                record.existence = int(m.group(1))
            if m := re.search(r"^SQ   SEQUENCE\s+(\d+) AA;\s+(\d+) MW;", text, re.M):
                record.length, record.mass = int(m.group(1)), int(m.group(2))
            if m := re.search(r"^DT   (\d\d)-(\w\w\w)-(\d{4}), integrated", text, re.M):
                record.created = f"{m.group(3)}-{_MONTHS[m.group(2)]:02d}-{m.group(1)}"
            record.fragment = bool(re.search(r"^DE   Flags:.*Fragment", text, re.M))
            record.xrefs = {(db.lower(), ident.lower()) for db, ident in
                            re.findall(r"^DR   ([^;]+); ([^;]+);", text, re.M)}
            words = " ".join(re.findall(r"^KW   (.*)$", text, re.M)).rstrip(".")
            record.keywords = {k.strip().lower() for k in words.split(";") if k.strip()}
            record.organism = " ".join(re.findall(r"^OS   (.*)$", text, re.M)).lower()
            record.names = [n.split("{")[0].strip().lower() for n in
                            re.findall(r"^DE   .*(?:Full|Short)=([^;]+);", text, re.M)]
            found[record.accession] = record
    return found


def _xml_entries(release: ReleaseFacts, prefix: str) -> list[str]:
    return [e for p in release.files if p.name.startswith(prefix)
            for e in re.findall(r"<entry .*?</entry>", _text(p), re.S)]


def submit(base: str, to_db: str, ids: list[str]) -> str:
    response = httpx.post(f"{base}/idmapping/run",
                          data={"from": "UniProtKB_AC-ID", "to": to_db, "ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False, timeout=60)
    assert status.status_code == 303, status.text
    return job


def found(base: str, job: str, query: str, dataset: str = "uniprotkb") -> set[str]:
    """The ``to`` ids a query keeps (the stream, as a list)."""
    response = httpx.get(f"{base}/idmapping/{dataset}/results/stream/{job}",
                         params={"format": "list", "query": query}, timeout=120)
    assert response.status_code == 200, f"{query}: {response.text[:300]}"
    return set(response.text.split())


def refused(base: str, job: str, query: str, dataset: str = "uniprotkb") -> list[str]:
    response = httpx.get(f"{base}/idmapping/{dataset}/results/{job}", params={"query": query},
                         timeout=60)
    assert response.status_code == 400, f"{query}: {response.text[:300]}"
    return list(response.json()["messages"])


@dataclass
class KbJob:
    job: str
    tos: set[str]
    """Every ``to`` of the job, unfiltered."""
    flat: dict[str, Record]


@pytest.fixture(scope="module")
def kb(release: ReleaseFacts, release_url: str) -> KbJob:
    accessions = release.accessions()
    step = max(1, len(accessions) // 300)
    ids = accessions[::step][:300] + list(release.deleted)[:3]
    ids += [s for s, primaries in release.secondary.items() if primaries[0] in ids][:3]
    job = submit(release_url, "UniProtKB", ids)
    return KbJob(job, found(release_url, job, "*"), flat_entries(release))


def _cases(release: ReleaseFacts, kb: KbJob) -> list[tuple[str, set[str]]]:
    """``(query, the job's entries it must keep)`` of each field, values drawn from the files
    (a field whose data the release lacks has no case)."""
    entries = {a: release.entries[a] for a in kb.tos if a in release.entries}
    flat = {a: r for a, r in kb.flat.items() if a in kb.tos}
    cases: list[tuple[str, set[str]]] = []

    def first(values: Callable[[str], list[Any]]) -> Any:
        return next((v[0] for a in sorted(entries) if (v := values(a))), None)

    def add(query: str, keep: Callable[[str], bool]) -> None:
        cases.append((query, {a for a in kb.tos if keep(a)}))

    def dat(kind: str, a: str) -> set[str]:
        return {v.lower() for v in release.entries[a].values.get(kind, [])} \
            if a in release.entries else set()

    some = sorted(entries)[len(entries) // 2]
    add(f"accession:{some.lower()}", lambda a: a == some)
    add(f"accession_id:{some}", lambda a: a == some)
    name = first(lambda a: [entries[a].name] if entries[a].name else [])
    for fname in ("id", "id_default"):
        add(f"{fname}:{name}", lambda a: a in entries and entries[a].name == name)
    taxon = first(lambda a: [entries[a].taxon] if entries[a].taxon else [])
    for fname in ("organism_id", "taxonomy_id"):
        add(f"{fname}:{taxon}", lambda a: a in entries and entries[a].taxon == taxon)
    # other_organism: the organisms outside the popular ones only (UniProt's facet field)
    add(f"other_organism:{taxon}", lambda a: a in entries and entries[a].taxon == taxon
        and taxon not in _MODEL_FACET)
    other = first(lambda a: [t] if (t := entries[a].taxon) and t not in _MODEL_FACET else [])
    if other is not None:
        add(f"other_organism:{other}", lambda a: a in entries and entries[a].taxon == other)
    add(f"model_organism:{taxon}", lambda a: a in entries and entries[a].taxon == taxon
        and taxon in _MODEL_FACET)
    for flag in (True, False):
        add(f"reviewed:{str(flag).lower()}", lambda a, f=flag: a in entries
            and entries[a].reviewed is f)
    deleted = set(release.deleted)
    add("active:false", lambda a: a in deleted)
    add("active:true", lambda a: a not in deleted)
    for kind, fname in (("UniParc", "uniparc"), ("UniRef50", "uniref_cluster_50"),
                        ("UniRef90", "uniref_cluster_90"), ("UniRef100", "uniref_cluster_100"),
                        ("CRC64", "checksum")):
        value = first(lambda a, k=kind: sorted(dat(k, a)))
        if value:
            add(f"{fname}:{value.upper()}", lambda a, k=kind, v=value: v in dat(k, a))
    secondary = next((s for s, p in sorted(release.secondary.items()) if p[0] in kb.tos), None)
    if secondary:
        add(f"sec_acc:{secondary}", lambda a: a in release.secondary[secondary])
    genes = ("Gene_Name", "Gene_Synonym", "Gene_OrderedLocusName", "Gene_ORFName")

    def gene_names(a: str) -> set[str]:
        return set().union(*(dat(k, a) for k in genes)) | (
            flat[a].genes if a in flat else set())

    gene = first(lambda a: sorted(gene_names(a)))
    if gene:
        for fname in ("gene", "gene_exact", "GENE"):
            add(f"{fname}:{gene}", lambda a: gene in gene_names(a))
    if not flat:
        return cases
    # the entry files' fields
    record = flat[sorted(flat)[len(flat) // 3]]
    add(f"length:{record.length}", lambda a: a in flat and flat[a].length == record.length)
    add(f"mass:{record.mass}", lambda a: a in flat and flat[a].mass == record.mass)
    for pe in range(1, 6):
        add(f"existence:{pe}", lambda a, pe=pe: a in flat
            and flat[a].existence == pe)
    for flag in (True, False):
        add(f"fragment:{str(flag).lower()}", lambda a, f=flag: a in flat
            and flat[a].fragment is f)
        add(f"structure_3d:{str(flag).lower()}", lambda a, f=flag: a in flat
            and any(db == "pdb" for db, _ in flat[a].xrefs) is f)
    add(f"date_created:{record.created}", lambda a: a in flat
        and flat[a].created == record.created)
    db, ident = sorted(record.xrefs)[0]
    add(f"xref:{db}-{ident}", lambda a: a in flat and (db, ident) in flat[a].xrefs)
    add(f"database:{db.upper()}", lambda a: a in flat and any(
        d == db for d, _ in flat[a].xrefs))
    go = first(lambda a: sorted(i for d, i in flat[a].xrefs if d == "go") if a in flat else [])
    if go:
        add(f"go:{go.removeprefix('go:')}", lambda a: a in flat and ("go", go) in flat[a].xrefs)
    proteome = first(lambda a: sorted(i for d, i in flat[a].xrefs if d == "proteomes")
                     if a in flat else [])
    if proteome:
        add(f"proteome:{proteome.upper()}", lambda a: a in flat
            and ("proteomes", proteome) in flat[a].xrefs)
    keyword = sorted(record.keywords)[0]
    add(f'keyword:"{keyword}"', lambda a: a in flat and keyword in flat[a].keywords)
    genus = record.organism.split()[0]
    add(f"organism_name:{genus}", lambda a: a in flat and genus in flat[a].organism)
    protein = record.names[0]
    add(f'protein_name:"{protein}"', lambda a: a in flat and any(
        protein in n for n in flat[a].names))
    add("annotation_score:5", lambda a: False)  # flat files carry no annotation score
    return cases


def test_each_field_keeps_the_entries_the_files_name(release: ReleaseFacts, release_url: str,
                                                     kb: KbJob) -> None:
    cases = _cases(release, kb)
    assert len(cases) >= 15
    wrong = {query: (sorted(got)[:5], sorted(want)[:5])
             for query, want in cases if (got := found(release_url, kb.job, query)) != want}
    assert wrong == {}
    # the values drawn do keep something: the cases test the filter, not an empty answer
    assert sum(1 for _, want in cases if want) >= 10


def test_every_facet_value_is_accepted_back_with_its_count(release_url: str,
                                                           kb: KbJob) -> None:
    names = "reviewed,fragment,structure_3d,model_organism,existence,annotation_score," \
            "proteins_with,length"
    response = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{kb.job}",
                         params={"facets": names, "size": "0"}, timeout=60)
    assert response.status_code == 200, response.text
    checked = 0
    for facet in response.json().get("facets", []):
        for item in facet["values"]:
            query = f"{facet['name']}:{item['value']}"
            assert len(found(release_url, kb.job, query)) == item["count"], query
            checked += 1
    assert checked >= 2  # status and organism, whatever the release


def test_ranges(release: ReleaseFacts, release_url: str, kb: KbJob) -> None:
    flat = {a: r for a, r in kb.flat.items() if a in kb.tos}
    if not flat:
        # no entry files: nothing has a length, and a range keeps nothing
        assert found(release_url, kb.job, "length:[1 TO *]") == set()
        return
    lengths = sorted(r.length for r in flat.values())
    low, high = lengths[len(lengths) // 4], lengths[len(lengths) // 2]
    assert found(release_url, kb.job, f"length:[{low} TO {high}]") == {
        a for a, r in flat.items() if low <= r.length <= high}
    assert found(release_url, kb.job, f"length:{{{low} TO {high}}}") == {
        a for a, r in flat.items() if low < r.length < high}
    assert found(release_url, kb.job, f"mass:[{low * 100} TO *]") == {
        a for a, r in flat.items() if r.mass >= low * 100}
    created = sorted(r.created for r in flat.values())[0]
    assert found(release_url, kb.job, f"date_created:[{created} TO *]") == set(flat)
    assert found(release_url, kb.job, f"date_created:[* TO {created}T00:00:00Z]") == {
        a for a, r in flat.items() if r.created <= created}
    assert found(release_url, kb.job, "date_created:[1900-01-01 TO NOW]") == {
        a for a, r in flat.items() if r.created >= "1900-01-01"}
    assert refused(release_url, kb.job, "date_created:[yesterday TO *]") == [
        "'yesterday' is not a valid date for 'date_created': expected YYYY-MM-DD, e.g. "
        "[2020-01-01 TO *]"]
    assert refused(release_url, kb.job, "gene:[a TO b]") == [
        "'gene' filter type 'range' is invalid. Expected 'term' filter type"]


def test_wildcards_and_warning_41(release: ReleaseFacts, release_url: str, kb: KbJob) -> None:
    entries = sorted(a for a in kb.tos if a in release.entries)
    some = entries[len(entries) // 2]
    prefix = some[:4]
    assert found(release_url, kb.job, f"accession:{prefix}*") == {
        a for a in kb.tos if a.startswith(prefix)}
    assert found(release_url, kb.job, f"accession:{some[:-1]}?") == {
        a for a in kb.tos if len(a) == len(some) and a.startswith(some[:-1])}
    # a leading wildcard is removed, as UniProt removes it, and a page says so
    page = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{kb.job}",
                     params={"query": f"accession:*{some}", "format": "json"}, timeout=60)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["warnings"][0] == LEADING_WILDCARD == {
        "code": 41, "message": "Leading wildcard (*, ?) was removed for this search. Please "
        "check the help page for more information on using wildcards on queries."}
    assert [r["to"]["primaryAccession"] for r in body["results"]] == [some]
    assert found(release_url, kb.job, f"accession:?{some}") == {some}
    plain = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{kb.job}",
                      params={"query": f"accession:{some}"}, timeout=60).json()
    assert "warnings" not in plain


def test_boolean_logic(release: ReleaseFacts, release_url: str, kb: KbJob) -> None:
    entries = {a: release.entries[a] for a in kb.tos if a in release.entries}
    taxa = sorted({e.taxon for e in entries.values() if e.taxon})
    taxon = max(taxa, key=lambda t: sum(1 for e in entries.values() if e.taxon == t))
    of_taxon = {a for a, e in entries.items() if e.taxon == taxon}
    reviewed = {a for a, e in entries.items() if e.reviewed is True}
    unreviewed = {a for a, e in entries.items() if e.reviewed is False}
    assert found(release_url, kb.job, f"reviewed:true AND organism_id:{taxon}") == \
        reviewed & of_taxon
    assert found(release_url, kb.job, f"reviewed:true OR organism_id:{taxon}") == \
        reviewed | of_taxon
    assert found(release_url, kb.job, f"organism_id:{taxon} NOT reviewed:true") == \
        of_taxon - reviewed
    assert found(release_url, kb.job, f"(reviewed:false OR reviewed:true) AND "
                                      f"-organism_id:{taxon}") == \
        (reviewed | unreviewed) - of_taxon
    some = sorted(entries)[:2]
    assert found(release_url, kb.job, f"accession:({some[0]} OR {some[1]})") == set(some)


def test_uniref_fields_and_aliases(release: ReleaseFacts, release_url: str, kb: KbJob) -> None:
    accessions = sorted(a for a in kb.tos if a in release.entries)[:150]
    job = submit(release_url, "UniRef90", accessions)
    tos = found(release_url, job, "*", "uniref")
    clusters = {}
    for text in _xml_entries(release, "uniref90"):
        ident = re.search(r'<entry id="([^"]+)"', text)
        if ident and ident.group(1) in tos:
            clusters[ident.group(1)] = text
    if not clusters:
        assert found(release_url, job, "identity:0.9", "uniref") == set()
        return
    assert found(release_url, job, "identity:0.9", "uniref") == set(clusters)
    assert found(release_url, job, "identity:1.0", "uniref") == set()
    some, text = sorted(clusters.items())[0]
    member = re.findall(r'"UniProtKB accession" value="([^"]+)"', text)[-1]
    holders = {c for c, t in clusters.items() if f'value="{member}"' in t}
    for query in (f"uniprotkb:{member}", f"uniprot_id:{member}"):
        assert found(release_url, job, query, "uniref") == holders
    counts = {c: int(re.search(r'"member count" value="(\d+)"', t).group(1))
              for c, t in clusters.items()}
    assert found(release_url, job, f"count:[{counts[some]} TO *]", "uniref") == {
        c for c, n in counts.items() if n >= counts[some]}
    updated = re.search(r'updated="([^"]+)"', text).group(1)
    for fname in ("date_modified", "created"):
        assert found(release_url, job, f"{fname}:[{updated} TO *]", "uniref") == {
            c for c, t in clusters.items()
            if re.search(r'updated="([^"]+)"', t).group(1) >= updated}
    # cluster: the members' UniRef ids, where the release's XML states them
    related = {c: set(re.findall(r'"UniRef(?:100|90|50) ID" value="([^"]+)"', t))
               for c, t in clusters.items()}
    for other in sorted({o for r in related.values() for o in r})[:3] or ["UniRef50_X"]:
        assert found(release_url, job, f"cluster:{other}", "uniref") == {
            c for c, r in related.items() if other in r}


def test_uniparc_fields_and_aliases(release: ReleaseFacts, release_url: str, kb: KbJob) -> None:
    accessions = sorted(a for a in kb.tos if a in release.entries)[:150]
    job = submit(release_url, "UniParc", accessions)
    tos = found(release_url, job, "*", "uniparc")
    held = {}
    for text in _xml_entries(release, "uniparc"):
        upi = re.search(r'UniParcId="([^"]+)"', text)
        if upi and upi.group(1) in tos:
            held[upi.group(1)] = text
    if not held:
        assert found(release_url, job, "length:[1 TO *]", "uniparc") == set()
        return
    upi, text = sorted(held.items())[0]
    for query in (f"upi:{upi}", f"uniparc:{upi.lower()}"):
        assert found(release_url, job, query, "uniparc") == {upi}
    kb_ids = re.findall(r'type="UniProtKB/[^"]+" id="([^"]+)"[^>]*active="Y"', text)
    for query in (f"uniprotkb:{kb_ids[0]}", f"accession:{kb_ids[0]}"):
        assert found(release_url, job, query, "uniparc") == {
            u for u, t in held.items() if re.search(
                rf'type="UniProtKB/[^"]+" id="{kb_ids[0]}"[^>]*active="Y"', t)}
    checksum = re.search(r'checksum="([^"]+)"', text).group(1)
    assert found(release_url, job, f"checksum:{checksum}", "uniparc") == {
        u for u, t in held.items() if f'checksum="{checksum}"' in t}
    components = {u: re.findall(r'"proteomeid_component" value="[^":]*:([^"]*)"', t)
                  for u, t in held.items()}
    for component in sorted({c for cs in components.values() for c in cs})[:3] or ["x"]:
        assert found(release_url, job, f'proteomecomponent:"{component}"', "uniparc") == {
            u for u, cs in components.items()
            if f" {component.lower()} " in f" {' '.join(dict.fromkeys(c.lower() for c in cs))} "}


def test_unknown_and_unsupported_fields(release_url: str, kb: KbJob) -> None:
    assert refused(release_url, kb.job, "xyz:1") == ["'xyz' is not a valid search field"]
    message = refused(release_url, kb.job, "chebi:15378")[0]
    assert message == ("'chebi' is not held by this release: its data comes from ChEBI's "
                       "compound files (names and InChIKeys of the small molecules of catalytic "
                       "activity and cofactor comments), which a release's files do not include")
    assert "proteome files" in refused(release_url, kb.job, "proteome_canonical:x")[0]
    # both messages at once, with a sort's
    response = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{kb.job}",
                         params={"query": "xyz:1", "sort": "colour asc"}, timeout=60)
    assert response.json()["messages"] == ["'xyz' is not a valid search field",
                                           "Invalid sort field 'colour'"]


def test_the_field_table_knows_uniprots_fields() -> None:
    """UniProt's own counts of its fields (its search-field configuration): 278 UniProtKB
    fields, 12 UniRef, 18 UniParc; and the popular organisms of its facet."""
    assert [len(uniprot_fields(d)) for d in ("uniprotkb", "uniref", "uniparc")] == [278, 12, 18]
    assert set(MODEL_ORGANISMS) == _MODEL_FACET


def test_docs_list_every_field() -> None:
    """docs/api.md names each field searched, with its file, and each one not searched."""
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text()
    for dataset, fields in FIELDS.items():
        # "- `a`, `b`: source": a field's line names it, then the file its data comes from
        section = text.split(f"**{_TITLES[dataset]}, searched**")[1].split("**")[0]
        listed = {name: line.split(": ", 1)[1]
                  for line in re.findall(r"^- (`.*)$", section, re.M)
                  for name in re.findall(r"`(\w+)`", line.split(": ", 1)[0])}
        for name, spec in fields.items():
            assert listed.get(name, "").startswith(spec.source), (dataset, name)
        for name in NOT_HELD[dataset]:
            assert f"`{name}`" in text, name


_TITLES = {"uniprotkb": "UniProtKB", "uniref": "UniRef", "uniparc": "UniParc"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_loaded_before_a_column_names_the_field(backend: str, tmp_path: Path) -> None:
    """A release whose kb_entries lack a column a field reads (loaded by an earlier version)
    answers a 400 naming the field; the fields it holds still work."""
    with store_lacking(backend, tmp_path, "fragment") as old:
        dataset = DATASETS["uniprotkb"]
        working = read_filter(dataset, "organism_id:9606", None, False, False).query
        assert working is not None
        assert old.filtered_results("job1", working, 0, 10) == (1, [("P12345", "P12345")])
        for text in ("fragment:true", "reviewed:true OR fragment:false"):
            query = read_filter(dataset, text, None, False, False).query
            assert query is not None
            with pytest.raises(InvalidRequest) as raised:
                old.filtered_results("job1", query, 0, 10)
            assert raised.value.messages == [OLD_QUERY.format("fragment")]
