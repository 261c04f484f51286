"""``query=`` on the UniProtKB search fields kept in ``kb_terms`` (issue 15, item 3): comments,
features, GO by evidence, citations, lineage, hosts, interactors, Rhea, families, dates, flags
and ``content``, on both releases and both stores; and UniProt's message for the fields whose
data no file holds.

Terms are drawn from the release files themselves (the UniProtKB flat files, read here line by
line, never from the store): for each field an entry states a word of, the query keeps that
entry and not one of the job's entries that lacks the word. The demo release's entries carry
function comments, chains, lineages and references; the foreign release has no entry file, so
its fields keep nothing. UniProt's own real entries (../shared/testdata, read in place, where
present) carry every other family.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest
from idmapping.loader import load_release
from idmapping.results.entryrows import read_filter
from idmapping.searchwords import like_pattern, term_rows, words
from idmapping.store import Store, open_store
from idmapping.store.queryfields import FIELDS, uniprot_fields
from idmapping.store.sql_results import OLD_QUERY
from idmapping.store.termfields import NOT_IN_FILES, STORED, TERM_FIELDS
from releases import ReleaseFacts, _text
from stores import BACKENDS, fresh_store

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
REAL = TESTDATA / "ebi-uniprot__uniprot-store" / "integration-test" / "src" / "test" / "resources"

_FREE_TEXT = ("FUNCTION CAUTION PATHWAY MISCELLANEOUS PTM SUBUNIT DOMAIN SIMILARITY "
              "DEVELOPMENTAL_STAGE INDUCTION TISSUE_SPECIFICITY ALLERGEN TOXIC_DOSE "
              "BIOTECHNOLOGY PHARMACEUTICAL DISRUPTION_PHENOTYPE ACTIVITY_REGULATION "
              "POLYMORPHISM").replace("_", " ").split()
"""Comment types whose flat-file text is the entry's text as it is (no ``Key=`` parts); the
others are checked by one value each."""

_BINDING = {"metal": "binding", "ca_bind": "binding", "np_bind": "binding"}
_EXPERIMENTAL = "ECO:0000269"


@dataclass
class Flat:
    """What one flat-file entry states, as ``(field, words, evidence codes)`` values."""

    accession: str
    values: list[tuple[str, str, set[str]]] = field(default_factory=list)

    def of(self, name: str) -> list[tuple[str, set[str]]]:
        return [(text, codes) for f, text, codes in self.values if f == name]

    def has(self, name: str, term: str) -> bool:
        """Whether a value of *name* holds the words of *term* in a row."""
        wanted = f" {words(term)} "
        return any(wanted in f" {text} " for text, _ in self.of(name))


def _evidence_free(text: str) -> tuple[str, set[str]]:
    codes = set(re.findall(r"ECO:[0-9]+", text))
    return re.sub(r"\{[^}]*\}", " ", text), codes


def _comments(lines: list[str]) -> Iterator[tuple[str, str]]:
    """``(type, body)`` of each ``CC   -!- TYPE: body`` block."""
    kind, body = "", []
    for line in lines:
        if line.startswith("CC   -!- "):
            if kind:
                yield kind, " ".join(body)
            kind, _, rest = line[9:].partition(":")
            body = [rest.strip()]
        elif line.startswith("CC       ") and kind:
            body.append(line[9:].strip())
        elif kind:
            yield kind, " ".join(body)
            kind, body = "", []
    if kind:
        yield kind, " ".join(body)


def _features(lines: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """``(key, qualifiers)`` of each FT feature."""
    key, qualifiers, last = "", {}, ""
    for line in lines:
        if not line.startswith("FT   "):
            continue
        if line[5] != " ":
            if key:
                yield key, qualifiers
            key, qualifiers, last = line[5:21].strip().lower(), {}, ""
        elif (m := re.match(r"FT\s+/(\w+)=\"?(.*?)\"?$", line)) and key:
            last = m.group(1)
            qualifiers[last] = qualifiers.get(last, "") + m.group(2)
        elif key and last:
            qualifiers[last] += " " + line[21:].strip().strip('"')
    if key:
        yield key, qualifiers


def flat_entry(text: str) -> Flat | None:
    """The search values an entry's flat-file text states, field by field."""
    ac = re.search(r"^AC   (\w+);", text, re.M)
    if not ac:
        return None
    lines = text.splitlines()
    flat = Flat(ac.group(1))

    def add(name: str, value: str, codes: set[str] | None = None) -> None:
        flat.values.append((name, words(value), codes or set()))

    for kind, body in _comments(lines):
        plain, codes = _evidence_free(body)
        if kind in _FREE_TEXT:
            add("cc_" + kind.lower().replace(" ", "_"), plain, codes)
        for intact in re.findall(r"EBI-[0-9]+", body) if kind == "INTERACTION" else ():
            add("interactor", intact)
        for rhea in re.findall(r"Rhea:(RHEA:[0-9]+)", body):
            add("rhea", rhea)
        if kind == "SUBCELLULAR LOCATION":
            add("cc_scl_term", plain.split(";")[0].split(".")[0])
        if kind == "DISEASE" and (mim := re.search(r"\[MIM:([0-9]+)\]", body)):
            add("cc_disease", mim.group(1), codes)
        if kind == "SEQUENCE CAUTION" and (seq := re.search(r"Sequence=([\w.]+)", body)):
            add("cc_sequence_caution", seq.group(1), codes)
        if kind == "ALTERNATIVE PRODUCTS" and "Event=Alternative splicing" in body:
            add("cc_ap_as", "alternative splicing", codes)
        if kind == "COFACTOR":
            for name in re.findall(r"Name=([^;]+);", body):
                add("cc_cofactor_chebi", name, codes)
    for key, qualifiers in _features(lines):
        name = f"ft_{_BINDING.get(key, key)}"
        note = qualifiers.get("note", "")
        if changed := re.match(r"^(?:[A-Z ]+ -> [A-Z ,]+|Missing)(?: \((.*)\))?$", note):
            note = changed.group(1) or ""  # the residues are the JSON's alternativeSequence
        value, codes = _evidence_free(note + " " + qualifiers.get("id", ""))
        add(name, value, set(re.findall(r"ECO:[0-9]+", qualifiers.get("evidence", ""))))
    for go, code in re.findall(r"^DR   GO; (GO:[0-9]+); [^;]+; (\w+):", text, re.M):
        add(f"go_{code.lower()}", go)
        add("go_automatic" if code == "IEA" else "go_manual", go)
    for name, key in (("lit_author", "RA"), ("lit_title", "RT")):
        for line in re.findall(rf"^{key}   (.*)$", text, re.M):
            for part in line.rstrip(";.").split(","):
                add(name, part.strip().strip('"'))
    for line in re.findall(r"^RP   (.*)$", text, re.M):
        add("scope", line)
    for pubmed in re.findall(r"^RX   .*PubMed=([0-9]+)", text, re.M):
        add("lit_pubmed", pubmed)
    for year in re.findall(r"^RL   (?:.*\(|Submitted \([A-Z]{3}-)([0-9]{4})\)", text, re.M):
        add("lit_pubdate", year)
    for line in re.findall(r"^OC   (.*)$", text, re.M):
        for name in line.rstrip(".").split(";"):
            add("taxonomy_name", name.strip())
    for host in re.findall(r"^OH   NCBI_TaxID=([0-9]+);", text, re.M):
        add("virus_host_id", host)
    return flat


def flat_entries(paths: list[Path]) -> dict[str, Flat]:
    """The entries of the UniProtKB flat files among *paths*, by accession."""
    found = {}
    for path in paths:
        text = _text(path)
        if not text.startswith("ID   "):
            continue
        for part in text.split("\n//"):
            if (entry := flat_entry(part)) is not None:
                found[entry.accession] = entry
    return found


def cases(flat: dict[str, Flat]) -> list[tuple[str, str, str | None]]:
    """``(query, an entry it keeps, one of the others it does not keep)`` per field the
    entries state: the longest word of a value (a year's range for ``lit_pubdate``), the
    first that some entry lacks (a word that another entry states too keeps that one as
    well, which the query does not check)."""
    by_field: dict[str, list[Flat]] = defaultdict(list)
    for entry in flat.values():
        for name in dict.fromkeys(f for f, _, _ in entry.values):
            by_field[name].append(entry)
    found = []
    for name, holders in sorted(by_field.items()):
        options = []
        for holder in holders:
            for text in dict.fromkeys(t for t, _ in holder.of(name) if t):
                term = text if name == "lit_pubdate" else max(text.split(), key=len)
                query = (f"{name}:[{term}-01-01 TO {term}-12-31]" if name == "lit_pubdate"
                         else f"{name}:{term}")
                lacks = next((e.accession for e in flat.values() if not e.has(name, term)),
                             None)
                options.append((query, holder.accession, lacks))
                if lacks is not None:
                    break
            if options and options[-1][2] is not None:
                break
        if options:
            found.append(options[-1])
    return found


def _kept(store: Store, query: str) -> set[str]:
    read = read_filter(DATASETS["uniprotkb"], query, None, False, False).query
    assert read is not None
    _, rows = store.filtered_results("terms", read, 0, None)
    return {to for _, to in rows}


def test_term_rows_follow_uniprots_rules() -> None:
    """The words of each field of an entry's JSON (a made-up entry: the rules, not data):
    ``_exp`` only for experimental evidence, GO by evidence code, features named by their
    type, one row per date, flags, and values kept apart so that a phrase stays in one."""
    entry = {
        "primaryAccession": "P0", "entryAudit": {"lastSequenceUpdateDate": "2001-02-03"},
        "proteinDescription": {"flag": "Precursor"},
        "organism": {"scientificName": "Homo sapiens", "lineage": ["Eukaryota", "Metazoa"]},
        "comments": [
            {"commentType": "FUNCTION", "texts": [{"value": "Binds zinc.", "evidences": [
                {"evidenceCode": "ECO:0000269"}]}]},
            {"commentType": "PTM", "texts": [{"value": "Phosphorylated.", "evidences": [
                {"evidenceCode": "ECO:0000250"}]}]},
            {"commentType": "SEQUENCE CAUTION", "sequenceCautionType": "Frameshift",
             "sequence": "AAA1.1", "evidences": [{"evidenceCode": "ECO:0000269"}]}],
        "features": [{"type": "Disulfide bond", "description": ""},
                     {"type": "Helix", "description": "first"},
                     {"type": "Helix", "description": "second"}],
        "uniProtKBCrossReferences": [{"database": "GO", "id": "GO:0005634", "properties": [
            {"key": "GoTerm", "value": "C:nucleus"},
            {"key": "GoEvidenceType", "value": "IEA:InterPro"}]}],
        "references": [{"citation": {"authors": ["Smith J."], "publicationDate": "1999"}},
                       {"citation": {"publicationDate": "MAR-2002"}},
                       {"citation": {"authors": ["Doe A."], "publicationDate": "2004"}}],
    }
    rows = {(f, t) for _, f, t in term_rows(entry)}
    fields = {f for f, _ in rows}
    assert ("cc_function_exp", " binds zinc ") in rows and "cc_ptm_exp" not in fields
    assert "cc_sc_framesh" in fields and "cc_sc_framesh_exp" not in fields  # none in UniProt
    assert ("ft_disulfid", " disulfide bond ") in rows
    assert ("ft_helix", " helix first | helix second ") in rows
    assert "go_iea" in fields and not {"go_automatic", "go_manual", "ft_positional"} & fields
    assert TERM_FIELDS["go_automatic"].reads == ("go_iea",)  # a gathering field reads others
    assert {("lit_pubdate", d) for d in ("1999-01-01", "2002-03-01", "2004-01-01")} <= rows
    assert ("lit_author", " smith j | doe a ") in rows
    assert ("date_sequence_modified", "2001-02-03") in rows
    assert ("precursor", " true ") in rows and ("evidence_exp", " true ") in rows
    assert ("taxonomy_name", " eukaryota | metazoa | homo sapiens ") in rows
    assert set(fields) <= STORED
    # a phrase is its words in a row, within one value
    assert like_pattern('"j doe"') == "% j doe %" and " j doe " not in " smith j | doe a "


# -- the releases under test (demo and foreign), through the API ------------------------------

def _submit(base: str, ids: list[str]) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={
        "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False, timeout=60)
    assert status.status_code == 303, status.text
    return job


def _found(base: str, job: str, query: str) -> set[str]:
    response = httpx.get(f"{base}/idmapping/uniprotkb/results/stream/{job}",
                         params={"format": "list", "query": query}, timeout=120)
    assert response.status_code == 200, f"{query}: {response.text[:300]}"
    return set(response.text.split())


@pytest.fixture(scope="module")
def release_flat(release: ReleaseFacts) -> dict[str, Flat]:
    return flat_entries(release.files)


@pytest.fixture(scope="module")
def job(release: ReleaseFacts, release_url: str, release_flat: dict[str, Flat]) -> str:
    """A job of up to 300 of the release's accessions, the entries with comments first."""
    described = [a for a, e in release_flat.items() if any(f.startswith("cc_")
                                                           for f, _, _ in e.values)]
    accessions = release.accessions()
    step = max(1, len(accessions) // 200)
    ids = list(dict.fromkeys(described[:100] + accessions[::step][:200]))
    return _submit(release_url, ids)


def test_each_field_family_keeps_the_entries_stating_the_term(
        release_url: str, job: str, release_flat: dict[str, Flat]) -> None:
    everything = _found(release_url, job, "*")
    flat = {a: e for a, e in release_flat.items() if a in everything}
    checked = cases(flat)
    if not flat:  # no entry file (the foreign release): every field keeps nothing, no 400
        for name in ("cc_function", "ft_chain", "go_ida", "lit_author", "taxonomy_name",
                     "lit_pubdate:[2000-01-01 TO *]", "precursor:true", "content:kinase"):
            assert _found(release_url, job, name if ":" in name else f"{name}:*") == set()
        return
    families = {q.split(":")[0].split("_")[0] for q, _, _ in checked}
    assert {"cc", "ft", "lit", "taxonomy"} <= families, checked
    for query, holder, other in checked:
        kept = _found(release_url, job, query)
        assert holder in kept, query
        if other is not None:
            assert other not in kept, query
    # content finds a word of any field; a phrase its words in a row, a wildcard a prefix
    query, holder, _ = next(c for c in checked if c[0].startswith("cc_function:"))
    term = query.split(":", 1)[1]
    assert holder in _found(release_url, job, f"content:{term}")
    assert holder in _found(release_url, job, f"cc_function:{term[:-1]}*")
    text = release_flat[holder].of("cc_function")[0][0].split()
    assert holder in _found(release_url, job, f'cc_function:"{text[0]} {text[1]}"')
    assert holder in _found(release_url, job, "cc_function:*")


def test_fields_without_data_in_any_file_answer_uniprots_message(release_url: str,
                                                                  job: str) -> None:
    """The 8 of UniProt's 278 UniProtKB fields whose data no file of a release holds (the
    count docs/api.md states) answer 400 saying where their data comes from."""
    assert len(uniprot_fields("uniprotkb") - set(FIELDS["uniprotkb"])) == len(NOT_IN_FILES) == 8
    for name, why in NOT_IN_FILES.items():
        response = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{job}",
                             params={"query": f"{name}:x"}, timeout=60)
        assert response.status_code == 400
        assert response.json()["messages"] == [
            f"'{name}' is not held by this release: its data comes from {why}"]


# -- UniProt's own entries (every family), in both stores -------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def real(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Store, dict[str, Flat]]]:
    if not REAL.is_dir():
        pytest.skip("../shared/testdata is absent")
    files = sorted((REAL / "entry").glob("*.dat")) + sorted((REAL / "it" / "uniprot").glob(
        "*.dat"))
    flat = flat_entries(files)
    with fresh_store(request.param, tmp_path_factory.mktemp("terms")) as store:
        load_release(files, store)
        store.write_results("terms", [(a, a) for a in flat])
        yield store, flat


def test_uniprots_entries_every_family(real: tuple[Store, dict[str, Flat]]) -> None:
    store, flat = real
    checked = cases(flat)
    names = {q.split(":")[0] for q, _, _ in checked}
    assert {"cc_function", "cc_subunit", "cc_ptm", "cc_similarity", "cc_scl_term",
            "cc_disease", "cc_sequence_caution", "interactor", "rhea", "go_ida", "go_iea",
            "go_manual", "go_automatic", "lit_author", "lit_title", "lit_pubmed",
            "lit_pubdate", "taxonomy_name", "virus_host_id", "ft_chain", "ft_mod_res",
            "ft_binding"} <= names, sorted(names)
    for query, holder, other in checked:
        kept = _kept(store, query)
        assert holder in kept, query
        if other is not None:
            assert other not in kept, query
    # fields that gather others (UniProt's groups and second names) keep what those keep
    for gathered, gatherers in (("ft_binding", ("ft_sites", "ft_positional")),
                                ("ft_chain", ("ft_molecule_processing", "ft_positional")),
                                ("cc_similarity", ("family",)),
                                ("cc_sequence_caution", ("cc_sc",))):
        query, holder, other = next(c for c in checked if c[0].startswith(f"{gathered}:"))
        for gatherer in gatherers:
            kept = _kept(store, gatherer + query[len(gathered):])
            assert holder in kept, (gatherer, query)
            if len(gatherers) == 1:  # a second name: the same values (a group has more)
                assert other is None or other not in kept, (gatherer, query)
    # content: a word of any field, a cross-reference's id among them
    texts = {ac.group(1): _text(p) for p in sorted((REAL / "entry").glob("*.dat"))
             if (ac := re.search(r"^AC   (\w+);", _text(p), re.M))}
    holder, text = next((a, t) for a, t in texts.items() if "\nDR   EMBL; " in t)
    embl = re.findall(r"^DR   EMBL; (\w+);", text, re.M)[0]
    kept = _kept(store, f"content:{embl}")
    assert holder in kept and not {a for a, t in texts.items() if embl not in t} & kept
    # an id of several words: the prefix and all
    query = next(q for q, _, _ in checked if q.startswith("rhea:"))
    holder = next(h for q, h, _ in checked if q.startswith("rhea:"))
    rhea = next(t for t, _ in flat[holder].of("rhea")).replace("rhea ", "RHEA:")
    assert holder in _kept(store, f"rhea:{rhea}"), query


def test_uniprots_entries_exp_fields_keep_experimental_evidence(
        real: tuple[Store, dict[str, Flat]]) -> None:
    """``cc_<type>_exp``/``ft_<type>_exp`` keep an entry with a value of that type that has
    experimental evidence (ECO:0000269), and not one whose values of it have none."""
    store, flat = real
    checked = 0
    for name in sorted({f for e in flat.values() for f, _, _ in e.values
                        if f.startswith(("cc_", "ft_")) and f + "_exp" in TERM_FIELDS}):
        proven = [a for a, e in flat.items() if any(_EXPERIMENTAL in c for _, c in e.of(name))]
        unproven = [a for a, e in flat.items() if e.of(name) and not any(
            {_EXPERIMENTAL, "ECO:0000314", "ECO:0000315", "ECO:0000316", "ECO:0000353",
             "ECO:0000270"} & c for _, c in e.of(name))]
        if not proven:
            continue
        kept = _kept(store, f"{name}_exp:*")
        assert set(proven) <= kept, name
        assert not set(unproven) & kept, name
        checked += 1
    assert checked >= 3
    everything = set(flat)
    assert _kept(store, "evidence_exp:true") | _kept(store, "evidence_exp:false") == everything


def test_uniprots_entries_flags_and_dates(real: tuple[Store, dict[str, Flat]]) -> None:
    store, flat = real
    texts = {a: _text(p) for p in sorted((REAL / "entry").glob("*.dat"))
             for a in re.findall(r"^AC   (\w+);", _text(p), re.M)[:1]}
    precursors = {a for a, t in texts.items() if re.search(r"^DE   Flags:.*Precursor", t, re.M)}
    others = set(texts) - precursors
    assert precursors and others
    assert precursors <= _kept(store, "precursor:true")
    assert not others & _kept(store, "precursor:true")
    assert others <= _kept(store, "precursor:false")
    for accession, text in texts.items():
        day, month, year = re.findall(r"^DT   (\d\d)-(\w\w\w)-(\d{4}), sequence version", text,
                                      re.M)[0]
        months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
        date = f"{year}-{months.index(month) + 1:02d}-{day}"
        assert accession in _kept(store, f"date_sequence_modified:[{date} TO {date}]")
        assert accession not in _kept(store, f"date_sequence_modified:{{{date} TO *]")


# -- a release loaded before kb_terms ---------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_loaded_before_the_terms_table_names_the_field(backend: str,
                                                                  tmp_path: Path) -> None:
    """A release without ``kb_terms`` (loaded by an earlier version) answers UniProt-like
    400s naming the fields that read it; the other fields still work."""
    import sqlite3

    dat = tmp_path / "idmapping.dat"
    dat.write_text("P12345\tUniProtKB-ID\tABC_HUMAN\nP12345\tNCBI_TaxID\t9606\n")
    with fresh_store(backend, tmp_path) as store:
        load_release([dat], store)
        release = store.current_release()
        assert release is not None
        if backend == "sqlite":
            store.close()
            [path] = [p for p in (tmp_path / "store.releases").iterdir()
                      if p.suffix == ".sqlite"]
            with sqlite3.connect(path) as conn:
                conn.execute("DROP TABLE kb_terms")
            old = open_store(str(tmp_path / "store.sqlite"))
        else:
            import psycopg

            with psycopg.connect(store.url, autocommit=True) as conn:
                conn.execute(f"DROP TABLE idmapping_r{release.id}.kb_terms")
            old = store
        with old:
            old.write_results("terms", [("P12345", "P12345")])
            assert _kept(old, "organism_id:9606") == {"P12345"}
            for text, names in (("cc_function:kinase", "cc_function"),
                                ("reviewed:true OR ft_chain:x OR lit_author:smith",
                                 "ft_chain', 'lit_author")):
                read = read_filter(DATASETS["uniprotkb"], text, None, False, False).query
                assert read is not None
                with pytest.raises(InvalidRequest) as raised:
                    old.filtered_results("terms", read, 0, 10)
                assert raised.value.messages == [OLD_QUERY.format(names)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_files_added_to_a_release_keep_the_base_releases_terms(backend: str,
                                                               tmp_path: Path) -> None:
    """``load --add``: the new release copies the base's ``kb_terms`` and adds the new
    files' words."""
    if not REAL.is_dir():
        pytest.skip("../shared/testdata is absent")
    files = sorted((REAL / "entry").glob("*.dat")) + sorted((REAL / "it" / "uniprot").glob(
        "*.dat"))
    first, then = files[: len(files) // 2], files[len(files) // 2:]
    with fresh_store(backend, tmp_path) as store:
        load_release(first, store)
        load_release(then, store, add=True)
        flat = flat_entries(files)
        store.write_results("terms", [(a, a) for a in flat])
        for part in (first, then):
            query, holder, _ = next(c for c in cases(flat_entries(part))
                                    if c[0].startswith("taxonomy_name:"))
            assert holder in _kept(store, query), query
