"""UniParc results (issue 15): the ``database_facet`` facet, the search fields of UniParc's
cross-references (databases, ids, taxa, genes, proteins, proteomes, features) and the return
fields read from UniParc XML, on both releases and both stores, and on UniProt's own UniParc
XML samples where ../shared/testdata is present.

What a test expects is read from the release's UniParc XML here, with the standard library,
never from the store.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import api_settings, start_server
from idmapping.errors import InvalidRequest
from idmapping.loader import load_release
from idmapping.store.plans import FacetQuery, FilterQuery
from idmapping.store.query import translate_query
from idmapping.store.sql_results import OLD_FACETS, OLD_QUERY
from idmapping.uniprot.uniparcdb import FACET_LABELS, facet_number, search_name
from idmapping.web import create_app
from releases import ReleaseFacts, submit
from stores import BACKENDS, fresh_store, store_lacking

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
UNIPARC_SAMPLES = [
    TESTDATA / "ebi-uniprot__uniprot-store" / "integration-test" / "src" / "test" / "resources"
    / "uniparc" / "UPI0000127191_UPI0000127192_UPI0000127193.xml",
    *sorted((TESTDATA / "ebi-uniprot__uniprot-store" / "spark-indexer" / "src" / "test"
             / "resources" / "2020_02" / "uniparc").glob("UPI*.xml")),
]


@dataclass
class Parc:
    """One UniParc entry as its XML states it."""

    upi: str
    xrefs: list[dict[str, Any]] = field(default_factory=list)
    features: list[tuple[str, str]] = field(default_factory=list)

    @property
    def numbers(self) -> set[int]:
        return {n for x in self.xrefs if (n := facet_number(x["type"])) is not None}

    def props(self, name: str) -> list[str]:
        return [v for x in self.xrefs for k, v in x["props"] if k == name]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_uniparc(paths: list[Path]) -> dict[str, Parc]:
    """The UniParc entries of the UniParc XML files among *paths*."""
    found: dict[str, Parc] = {}
    for path in paths:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if b"<uniparc" not in data[:4000]:
            continue
        for entry in ET.fromstring(data):
            if _local(entry.tag) != "entry":
                continue
            upi = next(c.text for c in entry if _local(c.tag) == "accession")
            parc = Parc(str(upi))
            for child in entry:
                if _local(child.tag) == "dbReference":
                    parc.xrefs.append({**child.attrib, "props": [
                        (p.get("type"), p.get("value")) for p in child]})
                elif _local(child.tag) == "signatureSequenceMatch":
                    parc.features.append((child.get("database", ""), child.get("id", "")))
            found[parc.upi] = parc
    return found


def listed(base: str, job: str, **params: str) -> list[str]:
    """The ``to`` ids of a UniParc job's (filtered) pairs, in order."""
    response = httpx.get(f"{base}/idmapping/uniparc/results/stream/{job}",
                         params={"format": "list", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.text.split()


def faceted(base: str, job: str, **params: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/idmapping/uniparc/results/{job}",
                         params={"facets": "database_facet", "size": "0", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return {f["name"]: f for f in response.json().get("facets", [])}


def expected_facet(entries: list[Parc]) -> list[dict[str, Any]]:
    """UniProt's database_facet of *entries*: distinct entries by number, by number, 40."""
    counts = Counter(n for parc in entries for n in parc.numbers)
    return [{"label": FACET_LABELS[n], "value": str(n), "count": c}
            for n, c in sorted(counts.items())][:40]


@pytest.fixture(scope="module")
def parc_job(release: ReleaseFacts, release_url: str) -> tuple[str, list[str]]:
    """A UniParc job over accessions spread across the release, and its ``to`` ids."""
    accessions = release.accessions()
    ids = accessions[::max(1, len(accessions) // 60)][:60]
    job = submit(release_url, "UniProtKB_AC-ID", "UniParc", ids)
    return job, listed(release_url, job)


@pytest.fixture(scope="module")
def parcs(release: ReleaseFacts) -> dict[str, Parc]:
    return read_uniparc(release.files)


def test_facet_labels_are_uniprots() -> None:
    config = REFERENCE / "uniprot-config" / "common-rest__uniparc.facet.properties"
    if not config.is_file():
        pytest.skip("../shared/reference is absent")
    labels = dict(re.findall(r"^facet\.uniparc\.database_facet\.value\.(\d+)=(.*)$",
                             config.read_text(), re.M))
    assert {int(k): v for k, v in labels.items()} == FACET_LABELS


def test_database_facet(release_url: str, parc_job: tuple[str, list[str]],
                        parcs: dict[str, Parc]) -> None:
    job, upis = parc_job
    assert upis, "the job maps to UniParc ids"
    facets = faceted(release_url, job)
    want = expected_facet([parcs[u] for u in dict.fromkeys(upis) if u in parcs])
    if not parcs:  # a release without UniParc XML: nothing to count, as UniProt leaves it out
        assert facets == {}
        return
    assert want, "the job's UniParc entries have cross-references"
    assert facets == {"database_facet": {"label": "Database", "name": "database_facet",
                                         "allowMultipleSelection": True, "values": want}}


def test_facet_follows_the_query(release_url: str, parc_job: tuple[str, list[str]],
                                 parcs: dict[str, Parc]) -> None:
    job, upis = parc_job
    documented = [parcs[u] for u in dict.fromkeys(upis) if u in parcs]
    if not documented:
        pytest.skip("the release has no UniParc XML")
    number = max(Counter(n for p in documented for n in p.numbers).items(),
                 key=lambda kv: (kv[1], -kv[0]))[0]
    kept = [u for u in upis if u in parcs and number in parcs[u].numbers]
    assert listed(release_url, job, query=f"database_facet:{number}") == kept
    facets = faceted(release_url, job, query=f"database_facet:{number}")
    assert facets["database_facet"]["values"] == expected_facet(
        [parcs[u] for u in dict.fromkeys(kept)])
    # NOT keeps the others, entries without XML among them
    assert listed(release_url, job, query=f"NOT database_facet:{number}") == [
        u for u in upis if u not in kept]


def test_cross_reference_search_fields(release_url: str, parc_job: tuple[str, list[str]],
                                       parcs: dict[str, Parc]) -> None:
    job, upis = parc_job
    documented = [parcs[u] for u in dict.fromkeys(upis) if u in parcs]
    if not documented:
        pytest.skip("the release has no UniParc XML")
    last = documented[-1]
    xref = last.xrefs[-1]
    taxon = next(v for p in documented for v in p.props("NCBI_taxonomy_id"))
    database = search_name(xref["type"])
    cases = {
        f"dbid:{xref['id']}": lambda p: any(x["id"] == xref["id"] for x in p.xrefs),
        f'database:"{database}"': lambda p: any(search_name(x["type"]).lower()
                                                 == database.lower() for x in p.xrefs),
        f'active:"{database}"': lambda p: any(search_name(x["type"]).lower() == database.lower()
                                               and x["active"] == "Y" for x in p.xrefs),
        f"organism_id:{taxon}": lambda p: taxon in p.props("NCBI_taxonomy_id"),
        f"database:refseq AND organism_id:{taxon}": lambda p: (
            taxon in p.props("NCBI_taxonomy_id")
            and any(x["type"].lower() == "refseq" for x in p.xrefs)),
    }
    if last.props("protein_name"):
        word = last.props("protein_name")[0].split()[0]
        cases[f"protein_name:{word}"] = lambda p: any(
            word.lower() in v.lower() for v in p.props("protein_name"))
    for query, holds in cases.items():
        want = [u for u in upis if u in parcs and holds(parcs[u])]
        assert want, query
        assert listed(release_url, job, query=query) == want, query


def test_return_fields(release_url: str, parc_job: tuple[str, list[str]],
                       parcs: dict[str, Parc]) -> None:
    job, upis = parc_job
    response = httpx.get(f"{release_url}/idmapping/uniparc/results/stream/{job}",
                         params={"format": "tsv", "fields": "upi,organism_id,protein,pfam"},
                         timeout=60)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[0] == "From\tEntry\tOrganism ID\tProtein names\tPfam"
    for line in lines[1:]:
        _, upi, taxa, proteins, pfam = line.split("\t")
        parc = parcs.get(upi)
        if parc is None:
            assert (taxa, proteins, pfam) == ("", "", "")
            continue
        assert taxa == "; ".join(dict.fromkeys(parc.props("NCBI_taxonomy_id")))
        assert proteins == "; ".join(dict.fromkeys(parc.props("protein_name")))
        assert pfam == ",".join(i for d, i in parc.features if d.lower() == "pfam")


# -- UniProt's own UniParc XML, loaded beside an idmapping.dat naming its accessions -----------


def taxon_name(taxon: int) -> str:
    """The scientific name the sample release's taxonomy gives *taxon*."""
    return f"Organism {taxon:x}"


@dataclass
class Sample:
    url: str
    parcs: dict[str, Parc]
    accessions: list[str]


@pytest.fixture(scope="module", params=BACKENDS)
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Sample]:
    """A release of UniProt's UniParc XML samples and an idmapping.dat giving each active
    UniProtKB accession of them its UniParc id, on each backend, served."""
    files = [p for p in UNIPARC_SAMPLES if p.is_file()]
    if not files:
        pytest.skip("../shared/testdata is absent")
    parcs = read_uniparc(files)
    rows = {}
    for parc in parcs.values():
        for x in parc.xrefs:
            if x["type"] in ("UniProtKB/Swiss-Prot", "UniProtKB/TrEMBL") and x["active"] == "Y":
                rows.setdefault(x["id"], parc.upi)
    directory = tmp_path_factory.mktemp("uniparc-sample")
    dat = directory / "idmapping.dat"
    dat.write_text("".join(f"{a}\tUniParc\t{u}\n" for a, u in sorted(rows.items())))
    # a taxonomy naming every taxon of the samples but the last, under the root
    taxa = sorted({int(t) for p in parcs.values() for t in p.props("NCBI_taxonomy_id")})
    nodes, names = directory / "nodes.dmp", directory / "names.dmp"
    rest = "\t|\t\t|\t4\t|\t1\t|\t1\t|\t1\t|\t3\t|\t1\t|\t0\t|\t0\t|\t\t|\n"
    nodes.write_text(f"1\t|\t1\t|\tno rank{rest}" + "".join(
        f"{t}\t|\t1\t|\tspecies{rest}" for t in taxa))
    names.write_text("".join(f"{t}\t|\t{taxon_name(t)}\t|\t\t|\tscientific name\t|\n"
                             for t in taxa[:-1]))
    with fresh_store(str(request.param), directory) as store:
        load_release([dat, nodes, names, *files], store)
        live = start_server(create_app(api_settings(store), store))
        try:
            yield Sample(live.url, parcs, sorted(rows))
        finally:
            live.stop()


def test_real_uniparc_facet_fields_and_queries(sample: Sample) -> None:
    job = submit(sample.url, "UniProtKB_AC-ID", "UniParc", sample.accessions)
    upis = listed(sample.url, job)
    assert set(upis) <= set(sample.parcs) and upis
    facets = faceted(sample.url, job)
    assert facets["database_facet"]["values"] == expected_facet(
        [sample.parcs[u] for u in dict.fromkeys(upis)])
    components = 0
    for parc in (sample.parcs[u] for u in dict.fromkeys(upis)):
        # proteomeid_component: "UP000005640:Chromosome 8", as UniProt writes it back
        proteomes = parc.props("proteomeid_component")
        for proteome in proteomes:
            assert listed(sample.url, job, query=f"proteome:{proteome.split(':')[0]}") == [
                u for u in upis if any(p.startswith(proteome.split(":")[0] + ":")
                                       for p in sample.parcs[u].props("proteomeid_component"))]
        for component in (p.split(":", 1)[1] for p in proteomes if ":" in p):
            assert listed(sample.url, job, query=f'proteomecomponent:"{component}"') == [
                u for u in upis if f" {component.lower()} " in " " + " ".join(dict.fromkeys(
                    p.split(":", 1)[-1].lower()
                    for p in sample.parcs[u].props("proteomeid_component"))) + " "]
            components += 1
        for _, ident in parc.features[:2]:
            assert parc.upi in listed(sample.url, job, query=f'feature_id:"{ident}"')
        row = httpx.get(f"{sample.url}/idmapping/uniparc/results/{job}", timeout=60, params={
            "format": "tsv", "fields": "upi,proteome,gene,gene3d",
            "query": f"upi:{parc.upi}"}).text.splitlines()[1].split("\t")
        assert row[2] == "; ".join(dict.fromkeys(proteomes))
        assert row[3] == "; ".join(dict.fromkeys(parc.props("gene_name")))
        assert row[4] == ",".join(i for d, i in parc.features if d == "Gene3D")
        body = httpx.get(f"{sample.url}/idmapping/uniparc/results/{job}", timeout=60, params={
            "fields": "upi,gene3d", "query": f"upi:{parc.upi}"}).json()
        kept = body["results"][0]["to"].get("sequenceFeatures", [])
        assert [f["databaseId"] for f in kept] == [i for d, i in parc.features if d == "Gene3D"]
    assert components, "the samples name proteome components"
    inactive = {x["id"] for p in sample.parcs.values() for x in p.xrefs if x["active"] != "Y"}
    assert inactive, "the samples hold inactive cross-references"
    ident = sorted(inactive)[0]
    assert listed(sample.url, job, query=f"dbid:{ident}") == [
        u for u in upis if any(x["id"] == ident for x in sample.parcs[u].xrefs)]


def test_organism_name_facet_and_field(sample: Sample) -> None:
    job = submit(sample.url, "UniProtKB_AC-ID", "UniParc", sample.accessions)
    upis = list(dict.fromkeys(listed(sample.url, job)))
    named = {int(t) for p in sample.parcs.values() for t in p.props("NCBI_taxonomy_id")}
    last = max(named)  # the taxonomy leaves it unnamed
    counts = Counter(t for u in upis for t in {int(v) for v in
                                               sample.parcs[u].props("NCBI_taxonomy_id")}
                     if t != last)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], taxon_name(kv[0])))[:5]
    response = httpx.get(f"{sample.url}/idmapping/uniparc/results/{job}", timeout=60,
                         params={"facets": "organism_name,database_facet", "size": "0"})
    assert response.status_code == 200, response.text
    facets = response.json()["facets"]
    assert [f["name"] for f in facets] == ["organism_name", "database_facet"]
    assert facets[0] == {"label": "Organisms", "name": "organism_name",
                         "allowMultipleSelection": True,
                         "values": [{"value": taxon_name(t), "count": n} for t, n in ordered]}
    # the organisms' names come from the taxonomy (a taxon it does not name shows its id)
    response = httpx.get(f"{sample.url}/idmapping/uniparc/results/stream/{job}", timeout=60,
                         params={"format": "tsv", "fields": "upi,organism,organism_id"})
    for line in response.text.splitlines()[1:]:
        _, upi, names, ids = line.split("\t")
        taxa = list(dict.fromkeys(int(t) for t in sample.parcs[upi].props("NCBI_taxonomy_id")))
        assert names == "; ".join(taxon_name(t) if t != last else str(t) for t in taxa)
        assert ids == "; ".join(str(t) for t in taxa)
    taxon = ordered[0][0]
    assert listed(sample.url, job, query=f'organism_name:"{taxon_name(taxon).upper()}"') == [
        u for u in listed(sample.url, job)
        if str(taxon) in sample.parcs[u].props("NCBI_taxonomy_id")]


def test_organism_name_facet_needs_a_taxonomy(release_url: str,
                                              parc_job: tuple[str, list[str]]) -> None:
    job, _ = parc_job
    response = httpx.get(f"{release_url}/idmapping/uniparc/results/{job}", timeout=60,
                         params={"facets": "organism_name"})
    assert response.status_code == 400
    [message] = response.json()["messages"]
    assert message.startswith("Invalid request received. Facet 'organism_name' counts "
                              "organisms by their scientific names")


# -- refusals and older releases --------------------------------------------------------------


def test_a_database_facet_term_is_a_number() -> None:
    with pytest.raises(InvalidRequest):
        translate_query("uniparc", "database_facet:refseq")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("dataset", "field", "column"), [
    ("uniparc", "proteomecomponent", "component"), ("uniref", "cluster", "clusters")])
def test_a_release_loaded_before_a_later_column(backend: str, tmp_path: Path, dataset: str,
                                                field: str, column: str) -> None:
    """UniParc's ``proteomecomponent`` and UniRef's ``cluster`` over a release loaded before
    their columns: a 400 naming the field, not an error of the store."""
    with store_lacking(backend, tmp_path, column, f"{dataset}_entries") as old:
        translation = translate_query(dataset, f"{field}:x")
        query = FilterQuery(dataset, translation.where, tuple(translation.params),
                            reads=translation.reads)
        with pytest.raises(InvalidRequest) as raised:
            old.filtered_results("job1", query, 0, 10)
        assert raised.value.messages == [OLD_QUERY.format(field)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_loaded_before_names_the_reason(backend: str, tmp_path: Path) -> None:
    with store_lacking(backend, tmp_path, "databases", "uniparc_entries") as old:
        with pytest.raises(InvalidRequest) as raised:
            old.facet_counts("job1", FilterQuery("uniparc"),
                             FacetQuery("databases", tokens=(100,)))
        assert raised.value.messages == [OLD_FACETS.format("databases")]
        translation = translate_query("uniparc", "database_facet:100")
        query = FilterQuery("uniparc", translation.where, tuple(translation.params),
                            reads=translation.reads)
        with pytest.raises(InvalidRequest) as raised:
            old.filtered_results("job1", query, 0, 10)
        assert raised.value.messages == [OLD_QUERY.format("database_facet")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_adding_to_a_release_loaded_before(backend: str, tmp_path: Path) -> None:
    """``load --add`` over a release whose entry tables lack the later columns copies its
    entries (the columns stay empty) instead of failing."""
    with store_lacking(backend, tmp_path, "databases", "uniparc_entries") as old:
        more = tmp_path / "more.dat"
        more.write_text("Q99999\tUniProtKB-ID\tQ99999_MOUSE\nQ99999\tNCBI_TaxID\t10090\n")
        before = old.current_release()
        added = load_release([more], old, add=True)
        assert before is not None and added.id != before.id
        assert added.stats["entries"] == before.stats["entries"] + 1
        old.write_results("job2", [("P12345", "P12345")])
        assert old.facet_counts("job2", FilterQuery("uniparc"),
                                FacetQuery("databases", tokens=(100,))) == []


def test_refseq_suggestions_whatever_the_case_of_the_database(sample: Sample) -> None:
    """Older UniParc XML writes ``REFSEQ``, newer ``RefSeq``: both ids are suggested for an
    unmapped RefSeq protein id."""
    refseq: dict[str, list[tuple[str, str]]] = {}
    for parc in sample.parcs.values():
        for x in parc.xrefs:
            if x["type"].lower() == "refseq":
                refseq.setdefault(x["id"], []).append((x["type"], parc.upi))
    spellings = {t for listed_ in refseq.values() for t, _ in listed_}
    assert len(spellings) > 1, spellings
    chosen = {next(i for i, found in refseq.items() if found[0][0] == s) for s in spellings}
    job = submit(sample.url, "RefSeq_Protein", "UniProtKB", sorted(chosen))
    body = httpx.get(f"{sample.url}/idmapping/uniprotkb/results/{job}", timeout=60).json()
    suggested = {(s["from"], s["to"]) for s in body["suggestedIds"]}
    for ident in chosen:  # a UniParc id listing the id is suggested
        assert any((ident, upi) in suggested for _, upi in refseq[ident]), ident
