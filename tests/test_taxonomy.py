"""NCBI's taxonomy in a release (issue 17, item 4): taxdump's nodes.dmp, names.dmp,
merged.dmp and delnodes.dmp are sniffed and loaded with the foreign (yeast) release, and
``taxId`` then stands for a taxon and every taxon below it (a merged taxon for the one it was
merged into), on both stores; without a taxonomy, or with the setting off, for that taxon
exactly, as the explanations say. Clade spans computed at load give the same taxa as the walk
down the tree (here for this lineage; generated trees in test_taxonomy_spans.py).

The taxdump is written here, shaped as NCBI's files are (``\\t|\\t`` between fields, ``\\t|``
at the end of a line, thirteen fields in nodes.dmp, several name classes in names.dmp), with
the lineage of the taxon that the foreign release's NCBI_TaxID rows give its entries.
"""

from __future__ import annotations

import dataclasses
import gzip
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from conftest import api_settings, start_server
from idmapping.detect import detect_ids
from idmapping.errors import ReleaseFileError
from idmapping.explain import DESCENDANTS_OFF, NO_TAXONOMY, explain_ids
from idmapping.loader import load_release, sniff
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store
from idmapping.store.plans import AccessionMisses, AccessionPlan, LookupPlan
from idmapping.web import create_app
from releases import ReleaseFacts, submit
from stores import BACKENDS, fresh_store, older_xrefs, rewritten

# (taxon, parent, rank, scientific name, other names): the lineage of the S288C strain as
# NCBI's taxonomy gives it, two sibling strains, a sister species and a taxon elsewhere
LINEAGE = [
    (559292, 4932, "strain", "Saccharomyces cerevisiae S288C", ["Saccharomyces cerevisiae S288c"]),
    (4932, 4930, "species", "Saccharomyces cerevisiae", ["baker's yeast", "S. cerevisiae"]),
    (4930, 4893, "genus", "Saccharomyces", []),
    (4893, 4892, "family", "Saccharomycetaceae", []),
    (4892, 4891, "order", "Saccharomycetales", []),
    (4891, 147537, "class", "Saccharomycetes", []),
    (147537, 716545, "subphylum", "Saccharomycotina", []),
    (716545, 4890, "no rank", "saccharomyceta", []),
    (4890, 451864, "phylum", "Ascomycota", []),
    (451864, 4751, "subkingdom", "Dikarya", []),
    (4751, 33154, "kingdom", "Fungi", []),
    (33154, 2759, "clade", "Opisthokonta", []),
    (2759, 131567, "superkingdom", "Eukaryota", []),
    (131567, 1, "no rank", "cellular organisms", []),
    (1, 1, "no rank", "root", ["all"]),
    (285006, 4932, "strain", "Saccharomyces cerevisiae RM11-1a", []),
    (307796, 4932, "strain", "Saccharomyces cerevisiae YJM789", []),
    (27291, 4930, "species", "Saccharomyces paradoxus", []),
    (2, 131567, "superkingdom", "Bacteria", ["eubacteria"]),
]


# merged.dmp: (old taxon, the taxon it was merged into); delnodes.dmp: deleted taxa
MERGED = [(1000001, 4932), (1000002, 27291)]
DELETED = [1000003]


def nodes_dmp() -> str:
    return "".join(f"{t}\t|\t{p}\t|\t{r}\t|\t\t|\t4\t|\t1\t|\t1\t|\t1\t|\t3\t|\t1\t|\t0\t|\t0"
                   f"\t|\t\t|\n" for t, p, r, _, _ in LINEAGE)


def names_dmp() -> str:
    lines = []
    for taxon, _, _, name, others in LINEAGE:
        lines.append(f"{taxon}\t|\t{name}\t|\t\t|\tscientific name\t|\n")
        lines += [f"{taxon}\t|\t{o}\t|\t\t|\t{'synonym' if '.' in o else 'common name'}\t|\n"
                  for o in others]
    return "".join(lines)


def write_taxdump(directory: Path, compressed: bool = False) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    merged = "".join(f"{old}\t|\t{new}\t|\n" for old, new in MERGED)
    deleted = "".join(f"{taxon}\t|\n" for taxon in DELETED)
    for name, text in (("nodes.dmp", nodes_dmp()), ("names.dmp", names_dmp()),
                       ("merged.dmp", merged), ("delnodes.dmp", deleted)):
        if compressed:
            path = directory / f"{name}.gz"
            path.write_bytes(gzip.compress(text.encode()))
        else:
            path = directory / name
            path.write_text(text)
        files.append(path)
    return files


@pytest.fixture(scope="module")
def foreign(release_facts: dict[str, ReleaseFacts]) -> ReleaseFacts:
    return release_facts["foreign"]


@pytest.fixture(scope="module", params=BACKENDS)
def taxonomy_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   foreign: ReleaseFacts) -> Iterator[Store]:
    """The foreign release with the taxdump, names.dmp before nodes.dmp (either order
    loads)."""
    directory = tmp_path_factory.mktemp("taxonomy")
    nodes, names, merged, deleted = write_taxdump(directory / "taxdump")
    with fresh_store(str(request.param), directory) as store:
        load_release([names, merged, *foreign.files, deleted, nodes], store)
        yield store


@pytest.fixture(scope="module", params=BACKENDS)
def plain_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                foreign: ReleaseFacts) -> Iterator[Store]:
    """The foreign release alone: no taxonomy."""
    with fresh_store(str(request.param), tmp_path_factory.mktemp("plain")) as store:
        load_release(foreign.files, store)
        yield store


def _strain(foreign: ReleaseFacts) -> int:
    taxa = {e.taxon for e in foreign.entries.values()}
    assert len(taxa) == 1, taxa
    taxon = taxa.pop()
    assert taxon is not None and taxon in {t for t, *_ in LINEAGE}
    return taxon


def _ancestors(taxon: int) -> list[int]:
    parents = {t: p for t, p, *_ in LINEAGE}
    found = []
    while parents[taxon] != taxon:
        taxon = parents[taxon]
        found.append(taxon)
    return found


def _mapped(store: Store, accessions: list[str], tax_id: str, descendants: bool = True
            ) -> set[str]:
    run = map_ids(store, MappingRequest("UniProtKB_AC-ID", "UniProtKB", tuple(accessions),
                                        tax_id), descendants=descendants)
    return {p.to_id for p in run}


# -- sniffing and reading --------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True])
def test_taxdump_files_are_sniffed_by_content(tmp_path: Path, compressed: bool) -> None:
    files = write_taxdump(tmp_path, compressed)
    # the names say nothing: content alone tells them apart
    hidden = [p.rename(tmp_path / f"{n}.bin") for n, p in enumerate(files)]
    found = [sniff(p) for p in hidden]
    assert [f.format for f in found] == ["taxonomy_nodes", "taxonomy_names",
                                         "taxonomy_merged", "taxonomy_deleted"]
    assert all(f.compressed is compressed for f in found)


@pytest.mark.parametrize("which", ["nodes.dmp", "names.dmp"])
def test_malformed_taxdump_line_names_file_and_line(tmp_path: Path, which: str,
                                                     foreign: ReleaseFacts) -> None:
    nodes, names, _, _ = write_taxdump(tmp_path / "dump")
    path = nodes if which == "nodes.dmp" else names
    lines = path.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace("\t|\n", "\n")  # the line's closing '\t|' is missing
    path.write_text("".join(lines))
    with fresh_store("sqlite", tmp_path) as store, pytest.raises(ReleaseFileError) as caught:
        load_release([nodes, names], store)
    assert caught.value.path == str(path)
    assert caught.value.line == 4
    assert f"{path}, line 4" in str(caught.value)


def test_release_records_its_taxonomy(taxonomy_store: Store, plain_store: Store) -> None:
    assert taxonomy_store.has_taxonomy()
    current = taxonomy_store.current_release()
    assert current is not None and current.stats["taxa"] == len(LINEAGE)
    assert not plain_store.has_taxonomy()


# -- taxId with descendants ------------------------------------------------------------------


def test_species_matches_its_strain(taxonomy_store: Store, foreign: ReleaseFacts) -> None:
    strain = _strain(foreign)
    accessions = foreign.accessions()[:25]
    assert _mapped(taxonomy_store, accessions, str(strain)) == set(accessions)
    for above in _ancestors(strain):  # the species, the genus ... the root
        assert _mapped(taxonomy_store, accessions, str(above)) == set(accessions), above
    siblings = [t for t, p, *_ in LINEAGE if t != strain and p in (strain, _ancestors(strain)[0])]
    assert siblings
    for other in [*siblings, 27291, 2]:  # other strains, a sister species, the bacteria
        assert _mapped(taxonomy_store, accessions, str(other)) == set(), other


def test_species_matches_strain_for_other_targets(taxonomy_store: Store,
                                                  foreign: ReleaseFacts) -> None:
    accession = next(a for a, e in foreign.entries.items() if e.values.get("GeneID"))
    species = _ancestors(_strain(foreign))[0]
    run = map_ids(taxonomy_store, MappingRequest("UniProtKB_AC-ID", "GeneID", (accession,),
                                                 str(species)))
    assert [p.to_id for p in run] == foreign.values(accession, "GeneID")
    run = map_ids(taxonomy_store, MappingRequest("UniProtKB_AC-ID", "GeneID", (accession,),
                                                 "27291"))
    assert list(run) == [] and run.failed_ids == [accession]


def test_without_taxonomy_taxid_is_exact(plain_store: Store, foreign: ReleaseFacts) -> None:
    strain = _strain(foreign)
    accessions = foreign.accessions()[:10]
    assert _mapped(plain_store, accessions, str(strain)) == set(accessions)
    assert _mapped(plain_store, accessions, str(_ancestors(strain)[0])) == set()


def test_setting_off_taxid_is_exact(taxonomy_store: Store, foreign: ReleaseFacts) -> None:
    strain = _strain(foreign)
    accessions = foreign.accessions()[:10]
    species = str(_ancestors(strain)[0])
    assert _mapped(taxonomy_store, accessions, species, descendants=False) == set()
    assert _mapped(taxonomy_store, accessions, str(strain), descendants=False) == set(accessions)
    # the server's setting reaches its jobs (other ids each time: a job id names a request)
    for on, asked in ((True, accessions[:3]), (False, accessions[3:6])):
        live = start_server(create_app(
            api_settings(taxonomy_store, taxonomy_descendants=on), taxonomy_store))
        try:
            job = submit(live.url, "UniProtKB_AC-ID", "UniProtKB", asked, species)
            body = httpx.get(f"{live.url}/idmapping/results/{job}", timeout=30).json()
        finally:
            live.stop()
        assert {r["to"] for r in body.get("results", [])} == (set(asked) if on else set())


class Walking:
    """The store, its lookups walking down the taxonomy as for a release without clade
    spans."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def lookup(self, plan: LookupPlan, release: object = None) -> object:
        return self.store.lookup(dataclasses.replace(plan, walk=True), release)  # type: ignore[arg-type]

    def accession_misses(self, plan: AccessionPlan) -> object:
        # every input a miss, so that each goes through the walking lookup
        release = self.store.accession_misses(plan).release
        return AccessionMisses(release, list(range(len(plan.keys))))

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_clade_spans_find_what_the_walk_finds(taxonomy_store: Store,
                                              foreign: ReleaseFacts) -> None:
    accessions = foreign.accessions()[:25]
    walking = cast(Store, Walking(taxonomy_store))
    asked = [t for t, *_ in LINEAGE] + [old for old, _ in MERGED] + DELETED + [999999999]
    for taxon in asked:
        spans = _mapped(taxonomy_store, accessions, str(taxon))
        assert spans == _mapped(walking, accessions, str(taxon)), taxon


# -- merged and deleted taxa -----------------------------------------------------------------


def test_a_merged_taxon_maps_as_the_one_it_was_merged_into(taxonomy_store: Store,
                                                          plain_store: Store,
                                                          foreign: ReleaseFacts) -> None:
    accessions = foreign.accessions()[:10]
    into_species = next(old for old, new in MERGED if new == _ancestors(_strain(foreign))[0])
    into_sister = next(old for old, new in MERGED if new == 27291)
    assert _mapped(taxonomy_store, accessions, str(into_species)) == set(accessions)
    assert _mapped(taxonomy_store, accessions, str(into_sister)) == set()
    assert _mapped(plain_store, accessions, str(into_species)) == set()
    assert taxonomy_store.taxon_fate(into_species) == ("merged", _ancestors(_strain(foreign))[0])
    assert taxonomy_store.taxon_fate(DELETED[0]) == ("deleted", None)
    assert taxonomy_store.taxon_fate(999999999) == ("unknown", None)
    assert taxonomy_store.taxon_fate(_strain(foreign)) is None
    assert plain_store.taxon_fate(into_species) is None
    lineage = taxonomy_store.taxon_lineages([into_sister])[into_sister]
    assert {into_sister, 27291, 4930, 1} <= lineage


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_added_to_keeps_its_merged_and_deleted_taxa(backend: str, tmp_path: Path,
                                                              foreign: ReleaseFacts) -> None:
    accessions = foreign.accessions()[:5]
    into_species = next(old for old, new in MERGED if new == _ancestors(_strain(foreign))[0])
    # an id more for an entry of the release: a file of the release's own rows
    extra = tmp_path / "extra.dat"
    extra.write_text(f"{accessions[0]}\tGeneID\t987654321\n")
    with fresh_store(backend, tmp_path) as store:
        load_release([*foreign.files, *write_taxdump(tmp_path / "taxdump")], store)
        load_release([extra], store, add=True)
        assert store.taxon_fate(into_species) == ("merged", _ancestors(_strain(foreign))[0])
        assert store.taxon_fate(DELETED[0]) == ("deleted", None)
        assert _mapped(store, accessions, str(into_species)) == set(accessions)
        walking = cast(Store, Walking(store))
        for taxon in (1, _strain(foreign), 27291, into_species):
            assert _mapped(store, accessions, str(taxon)) == _mapped(walking, accessions,
                                                                      str(taxon))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_loaded_before_the_spans_and_key_index_reads_the_same(
        backend: str, tmp_path: Path, foreign: ReleaseFacts) -> None:
    accessions = foreign.accessions()[:10]
    ids = [*accessions, *[e.name for e in foreign.entries.values() if e.name][:5], "NOPE"]
    taxa = [t for t, *_ in LINEAGE]
    # what a release of an earlier version lacks: the index by key (the (db, key) index
    # alone, every key stored), the clade spans, merged and deleted taxa
    dropped = [*older_xrefs(backend, any_key=False),
               *(f"DROP TABLE {{}}{t}" for t in ("taxon_spans", "taxon_merged",
                                                   "taxon_deleted"))]
    with fresh_store(backend, tmp_path) as store:
        load_release([*foreign.files, *write_taxdump(tmp_path / "taxdump")], store)
        before = ([_mapped(store, accessions, str(t)) for t in taxa],
                  [h.databases for h in detect_ids(store, ids).ids])
        old = rewritten(store, backend, tmp_path, dropped)
        with old:
            assert old.taxon_fate(MERGED[0][0]) == ("unknown", None)
            after = ([_mapped(old, accessions, str(t)) for t in taxa],
                     [h.databases for h in detect_ids(old, ids).ids])
    assert after == before


def test_explanations_say_a_taxon_was_merged_or_deleted(taxonomy_store: Store,
                                                        foreign: ReleaseFacts) -> None:
    accession = foreign.accessions()[0]
    into_sister = next(old for old, new in MERGED if new == 27291)
    merged = _other_taxa(taxonomy_store, accession, str(into_sister))
    assert merged is not None
    assert merged["taxon"] == {"asked": into_sister, "fate": "merged", "mergedInto": 27291}
    assert (f"NCBI merged taxon {into_sister} into 27291 (merged.dmp)"
            in str(merged["message"]))
    deleted = _other_taxa(taxonomy_store, accession, str(DELETED[0]))
    assert deleted is not None and deleted["taxon"] == {"asked": DELETED[0],
                                                        "fate": "deleted"}
    assert "(delnodes.dmp)" in str(deleted["message"])
    unknown = _other_taxa(taxonomy_store, accession, "999999999")
    assert unknown is not None and unknown["taxon"]["fate"] == "unknown"  # type: ignore[index]
    into_species = next(old for old, new in MERGED if new == _ancestors(_strain(foreign))[0])
    assert _other_taxa(taxonomy_store, accession, str(into_species)) is None


# -- explanations ----------------------------------------------------------------------------


def _other_taxa(store: Store, accession: str, tax_id: str, descendants: bool = True
                ) -> dict[str, object] | None:
    request = MappingRequest("UniProtKB_AC-ID", "UniProtKB", (accession,), tax_id)
    _, found = explain_ids(store, request, [accession], descendants=descendants)
    reasons = {r.kind: r for r in found[0].reasons}
    reason = reasons.get("other_taxa")
    return None if reason is None else {"message": reason.message, **reason.facts}


def test_explanations_say_how_taxid_matched(taxonomy_store: Store, plain_store: Store,
                                            foreign: ReleaseFacts) -> None:
    strain = _strain(foreign)
    species = str(_ancestors(strain)[0])
    accession = foreign.accessions()[0]
    plain = _other_taxa(plain_store, accession, species)
    assert plain is not None and plain["note"] == NO_TAXONOMY
    assert NO_TAXONOMY in str(plain["message"]) and plain["taxa"] == [strain]
    off = _other_taxa(taxonomy_store, accession, species, descendants=False)
    assert off is not None and off["note"] == DESCENDANTS_OFF
    sister = _other_taxa(taxonomy_store, accession, "27291")
    assert sister is not None and "note" not in sister
    assert "not of taxon 27291 or below it" in str(sister["message"])
    # held below the species: not a taxon miss
    assert _other_taxa(taxonomy_store, accession, species) is None


# -- names -----------------------------------------------------------------------------------


def test_names_resolve_to_taxa(taxonomy_store: Store, plain_store: Store,
                               foreign: ReleaseFacts) -> None:
    species = _ancestors(_strain(foreign))[0]
    name = next(n for t, _, _, n, _ in LINEAGE if t == species)
    # the exact name (any case) gives that taxon only, not the strains its name begins
    assert taxonomy_store.taxa_named(name.upper()) == [(species, name, "species")]
    begun = taxonomy_store.taxa_named(name[:-3])
    expected = sorted((n.lower(), t) for t, _, _, n, _ in LINEAGE
                      if n.lower().startswith(name[:-3].lower()))
    assert [(n.lower(), t) for t, n, _ in begun] == expected and len(expected) > 1
    assert taxonomy_store.taxa_named("baker's yeast") == []  # common names are not matched
    assert taxonomy_store.taxa_named(name[:-3], limit=2) == begun[:2]
    assert plain_store.taxa_named(name) == []
    lineage = taxonomy_store.taxon_lineages([_strain(foreign), 27291, 999999999])
    assert lineage[_strain(foreign)] == {_strain(foreign), *_ancestors(_strain(foreign))}
    assert lineage[999999999] == {999999999}


def test_taxonomy_endpoint(taxonomy_store: Store, foreign: ReleaseFacts) -> None:
    live = start_server(create_app(api_settings(taxonomy_store), taxonomy_store))
    try:
        species = _ancestors(_strain(foreign))[0]
        name = next(n for t, _, _, n, _ in LINEAGE if t == species)
        found = httpx.get(f"{live.url}/idmapping/taxonomy", params={"name": name.lower()},
                          timeout=30)
        assert found.status_code == 200
        assert found.json() == {"taxonomy": True, "results": [
            {"taxonId": species, "scientificName": name, "rank": "species"}]}
        empty = httpx.get(f"{live.url}/idmapping/taxonomy", params={"name": " "}, timeout=30)
        assert empty.status_code == 400
        # /idmapping/run keeps UniProt's behaviour: a name as taxId maps to nothing
        job = submit(live.url, "UniProtKB_AC-ID", "UniProtKB", foreign.accessions()[:2], name)
        body = httpx.get(f"{live.url}/idmapping/results/{job}", timeout=30).json()
        assert body.get("results", []) == []
    finally:
        live.stop()


# -- the web form ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def taxonomy_url(taxonomy_store: Store) -> Iterator[str]:
    live = start_server(create_app(api_settings(taxonomy_store), taxonomy_store))
    yield live.url
    live.stop()


def _gene(foreign: ReleaseFacts) -> tuple[str, str]:
    """A gene name of the release held by one entry only, and that entry."""
    holders: dict[str, list[str]] = {}
    for accession in foreign.accessions():
        for gene in foreign.values(accession, "Gene_Name"):
            holders.setdefault(gene.lower(), []).append(accession)
    gene = next(g for g, held in holders.items() if len(held) == 1)
    return gene, holders[gene][0]


def test_form_resolves_a_scientific_name(taxonomy_url: str, foreign: ReleaseFacts) -> None:
    species = _ancestors(_strain(foreign))[0]
    name = next(n for t, _, _, n, _ in LINEAGE if t == species)
    gene, accession = _gene(foreign)
    response = httpx.post(f"{taxonomy_url}/id-mapping", timeout=30, data={
        "from": "Gene_Name", "to": "UniProtKB", "ids": gene, "taxId": name.lower()})
    assert response.status_code == 303, response.text
    job = response.headers["location"].rsplit("/", 1)[1]
    assert httpx.get(f"{taxonomy_url}/idmapping/details/{job}",
                     timeout=30).json()["taxId"] == str(species)
    for _ in range(600):
        status = httpx.get(f"{taxonomy_url}/idmapping/status/{job}", timeout=30)
        if status.status_code == 303:
            break
        time.sleep(0.05)
    body = httpx.get(f"{taxonomy_url}/idmapping/results/{job}", timeout=30).json()
    assert [r["to"] for r in body["results"]] == [accession]
    # a name no taxon has, and the beginning of several: the form again, saying so
    unknown = httpx.post(f"{taxonomy_url}/id-mapping", timeout=30, data={
        "from": "Gene_Name", "to": "UniProtKB", "ids": gene, "taxId": "Saccharomyces nonesuch"})
    assert unknown.status_code == 400
    assert "No taxon of this release&#39;s taxonomy is named" in unknown.text
    begun = httpx.post(f"{taxonomy_url}/id-mapping", timeout=30, data={
        "from": "Gene_Name", "to": "UniProtKB", "ids": gene, "taxId": name[:-3]})
    assert begun.status_code == 400 and f"{name} ({species})" in begun.text


def test_form_without_taxonomy_asks_for_an_id(plain_store: Store, foreign: ReleaseFacts
                                              ) -> None:
    live = start_server(create_app(api_settings(plain_store), plain_store))
    try:
        response = httpx.post(f"{live.url}/id-mapping", timeout=30, data={
            "from": "Gene_Name", "to": "UniProtKB", "ids": _gene(foreign)[0],
            "taxId": "Saccharomyces cerevisiae"})
    finally:
        live.stop()
    assert response.status_code == 400
    assert "this release holds no taxonomy" in response.text


def test_browser_form_looks_a_name_up(page: Any, taxonomy_url: str, foreign: ReleaseFacts
                                      ) -> None:
    species = _ancestors(_strain(foreign))[0]
    name = next(n for t, _, _, n, _ in LINEAGE if t == species)
    page.goto(f"{taxonomy_url}/id-mapping")
    page.select_option("#from", "Gene_Name")
    page.fill("#taxId", name)
    page.dispatch_event("#taxId", "change")
    page.wait_for_selector("#taxon-name:not(:empty)")
    assert page.input_value("#taxId") == str(species)
    assert f"is taxon {species} (species)" in page.inner_text("#taxon-name")
