"""Lineages from NCBI's taxonomy (issue 15, return fields; issue 17, taxonomy): UniProtKB's
``lineage`` and ``lineage_ids``, UniParc's ``common_taxons`` and ``common_taxon_ids``, and the
query's ``taxonomy_id`` matching a clade, on both stores, with a taxdump and without.

Two releases: the foreign one (idmapping.dat alone, one yeast strain) with the taxdump of
test_taxonomy, and the demo one (UniProtKB flat files, UniParc XML) with a taxdump written here
from its own OX and OC lines. What a test expects is read from the taxdump written, not from
the store; without a taxonomy, ``lineage`` is the OC lines' names where the release has entry
files, and empty otherwise.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import LiveServer, api_settings, start_server
from idmapping.loader import load_release
from idmapping.web import create_app
from releases import ReleaseFacts, submit
from stores import BACKENDS, fresh_store
from test_taxonomy import LINEAGE, write_taxdump
from test_uniparc_results import listed, read_uniparc

CELLULAR = 131567
FIRST_MADE = 90_000_000
"""The first taxon id given to an OC name in the demo's taxdump (above every real OX id)."""


@dataclass(frozen=True)
class Taxonomy:
    """A written taxdump: each taxon's parent, rank and name."""

    parent: dict[int, int]
    rank: dict[int, str]
    name: dict[int, str]

    def path(self, taxon: int) -> list[int]:
        """The taxa above *taxon*, from the top (root left out) down to its parent."""
        up = []
        while self.parent[taxon] != taxon:
            taxon = self.parent[taxon]
            up.append(taxon)
        return [t for t in reversed(up) if t != 1]


def _flat_records(files: list[Path]) -> Iterator[tuple[int, list[str]]]:
    """``(OX taxon, OC names)`` of each entry of the release's UniProtKB flat files."""
    for path in files:
        if not re.match(r"uniprot_(sprot|trembl)\.dat", path.name):
            continue
        text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" \
            else path.read_text()
        for record in text.split("\n//"):
            ox = re.search(r"^OX   NCBI_TaxID=(\d+)", record, re.M)
            oc = " ".join(line[5:] for line in record.splitlines() if line.startswith("OC   "))
            if ox and oc:
                yield int(ox.group(1)), [n.strip() for n in oc.rstrip(".").split(";")]


def _demo_taxdump(facts: ReleaseFacts, directory: Path) -> tuple[list[Path], Taxonomy]:
    """A taxdump of the demo's organisms: each OC name a taxon (numbered from FIRST_MADE, one
    per lineage prefix), cellular organisms above the non-viral tops, the OX taxa below."""
    parent, rank, name = {1: 1, CELLULAR: 1}, {1: "no rank", CELLULAR: "no rank"}, {
        1: "root", CELLULAR: "cellular organisms"}
    made: dict[tuple[str, ...], int] = {}
    for taxon, names in _flat_records(facts.files):
        above = 1 if names[0] == "Viruses" else CELLULAR
        for depth in range(len(names)):
            prefix = tuple(names[:depth + 1])
            if prefix not in made:
                made[prefix] = FIRST_MADE + len(made)
                parent[made[prefix]], rank[made[prefix]] = above, "clade"
                name[made[prefix]] = prefix[-1]
            above = made[prefix]
        parent[taxon], rank[taxon], name[taxon] = above, "species", f"Species {taxon}"
    directory.mkdir(parents=True, exist_ok=True)
    nodes, names_file = directory / "nodes.dmp", directory / "names.dmp"
    nodes.write_text("".join(f"{t}\t|\t{p}\t|\t{rank[t]}\t|\t\t|\t0\t|\t1\t|\t1\t|\t1\t|\t0\t|"
                             f"\t1\t|\t0\t|\t0\t|\t\t|\n" for t, p in parent.items()))
    names_file.write_text("".join(f"{t}\t|\t{n}\t|\t\t|\tscientific name\t|\n"
                                  for t, n in name.items()))
    return [nodes, names_file], Taxonomy(parent, rank, name)


def _foreign_taxonomy() -> Taxonomy:
    return Taxonomy({t: p for t, p, *_ in LINEAGE}, {t: r for t, _, r, *_ in LINEAGE},
                    {t: n for t, _, _, n, _ in LINEAGE})


@dataclass
class Served:
    kind: str
    facts: ReleaseFacts
    taxonomy: Taxonomy | None
    server: LiveServer


CASES = [(kind, backend, loaded) for kind in ("foreign", "demo") for backend in BACKENDS
         for loaded in (True, False)]


@pytest.fixture(scope="module", params=CASES,
                ids=[f"{k}-{b}-{'taxonomy' if t else 'none'}" for k, b, t in CASES])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           release_facts: dict[str, ReleaseFacts]) -> Iterator[Served]:
    kind, backend, loaded = request.param
    facts = release_facts[kind]
    directory = tmp_path_factory.mktemp(f"lineages-{kind}")
    taxonomy, extra = None, []
    if loaded and kind == "foreign":
        extra, taxonomy = write_taxdump(directory / "taxdump")[:2], _foreign_taxonomy()
    elif loaded:
        extra, taxonomy = _demo_taxdump(facts, directory / "taxdump")
    with fresh_store(backend, directory) as store:
        load_release([*facts.files, *extra], store)
        server = start_server(create_app(api_settings(store)))
        try:
            yield Served(kind, facts, taxonomy, server)
        finally:
            server.stop()


def _kb_entries(served: Served, count: int = 12) -> list[str]:
    return [acc for acc, entry in served.facts.entries.items() if entry.taxon is not None][:count]


def _results(served: Served, job: str, dataset: str = "uniprotkb", **params: str
             ) -> httpx.Response:
    response = httpx.get(f"{served.server.url}/idmapping/{dataset}/results/{job}",
                         params={"size": "500", **params}, timeout=30)
    assert response.status_code == 200, response.text
    return response


def test_lineage_fields(served: Served) -> None:
    accessions = _kb_entries(served)
    job = submit(served.server.url, "UniProtKB_AC-ID", "UniProtKB", accessions)
    rows = _results(served, job, format="tsv", fields="accession,organism_id,lineage,lineage_ids")
    lines = rows.text.splitlines()
    assert lines[0] == "From\tEntry\tOrganism (ID)\tTaxonomic lineage\tTaxonomic lineage (Ids)"
    body = _results(served, job, fields="lineage,lineage_ids").json()["results"]
    oc = {taxon: names for taxon, names in _flat_records(served.facts.files)}
    assert len(lines) - 1 == len(body) == len(accessions)
    for line, result in zip(lines[1:], body, strict=True):
        _, _, taxon, names, ids = (line.split("\t") + ["", ""])[:5]
        tax = served.taxonomy
        if tax is not None and int(taxon) in tax.parent:
            path = tax.path(int(taxon))
            assert path, taxon
            assert names == ", ".join(f"{tax.name[t]} ({tax.rank[t]})" for t in path)
            assert ids == ", ".join(f"{t} ({tax.rank[t]})" for t in path)
            assert result["to"]["lineages"] == [
                {"scientificName": tax.name[t], "taxonId": t, "rank": tax.rank[t]} for t in path]
        else:  # no taxonomy: the OC lines' names where the release has them, never made up
            assert names == ", ".join(oc.get(int(taxon), []))
            assert ids == ""
            assert "lineages" not in result["to"]
    if served.kind == "demo" and served.taxonomy is None:
        assert any(line.split("\t")[3] for line in lines[1:]), "no OC lineage was written"


def test_taxonomy_id_matches_the_clade(served: Served) -> None:
    accessions = _kb_entries(served, 40)
    job = submit(served.server.url, "UniProtKB_AC-ID", "UniProtKB", accessions)
    taxa = {a: served.facts.entries[a].taxon for a in accessions}
    tax = served.taxonomy
    asked = [t for t in {*taxa.values()} if t is not None]
    if tax is not None:
        asked += [a for t in asked if t in tax.parent for a in tax.path(t)][:12]
    for taxon in dict.fromkeys(asked):
        body = _results(served, job, query=f"taxonomy_id:{taxon}", fields="accession").json()
        found = {r["to"]["primaryAccession"] for r in body["results"]}
        expected = {a for a, t in taxa.items() if t == taxon or (
            tax is not None and t in tax.parent and taxon in tax.path(t))}
        assert found == expected, taxon
    # organism_id stays exact whatever the taxonomy
    top = next(t for t in asked if t not in taxa.values()) if tax is not None else None
    if top is not None:
        body = _results(served, job, query=f"organism_id:{top}", fields="accession").json()
        assert body["results"] == []


def test_taxonomy_name_matches_the_lineage(served: Served) -> None:
    """``taxonomy_name``: a taxon's scientific name (any case) matches the entries at or below
    it in NCBI's taxonomy, besides the words of the entries' own OC lines."""
    accessions = _kb_entries(served, 40)
    job = submit(served.server.url, "UniProtKB_AC-ID", "UniProtKB", accessions)
    taxa = {a: served.facts.entries[a].taxon for a in accessions}
    oc = {taxon: names for taxon, names in _flat_records(served.facts.files)}
    tax = served.taxonomy
    named = [t for t in dict.fromkeys(taxa.values()) if t is not None]
    if tax is not None:
        named = [t for t in named if t in tax.parent]
        named += [a for t in named for a in tax.path(t)][:12]
    names = ({tax.name[t]: t for t in named} if tax is not None else
             {n: 0 for t in named for n in oc.get(t, [])[-2:]} or {"Saccharomyces": 0})
    for name, taxon in names.items():
        body = _results(served, job, query=f'taxonomy_name:"{name.upper()}"',
                        fields="accession").json()
        found = {r["to"]["primaryAccession"] for r in body["results"]}
        by_taxonomy = {a for a, t in taxa.items() if tax is not None and t in tax.parent and (
            t == taxon or taxon in tax.path(t))}
        by_words = {a for a, t in taxa.items() if name in oc.get(t, [])}
        assert by_taxonomy | by_words <= found, name
        if not oc:  # idmapping.dat alone: no OC words, the taxonomy's lineage only
            assert found == by_taxonomy, name
        if tax is not None and name.startswith("Species "):  # a name only the taxonomy gives
            assert found == by_taxonomy, name
    if tax is not None:
        assert any(tax.path(t) for t in named), "no lineage asked"


def test_common_taxons(served: Served) -> None:
    if served.kind != "demo":
        pytest.skip("the foreign release has no UniParc entries")
    accessions = _kb_entries(served, 60)
    job = submit(served.server.url, "UniProtKB_AC-ID", "UniParc", accessions)
    body = _results(served, job, dataset="uniparc",
                    fields="upi,organism_id,common_taxons,common_taxon_ids").json()["results"]
    tsv = _results(served, job, dataset="uniparc", format="tsv",
                   fields="upi,common_taxons,common_taxon_ids").text.splitlines()
    assert tsv[0] == "From\tEntry\tCommon taxonomies\tCommon taxonomies (IDs)"
    tax = served.taxonomy
    checked = 0
    for result, line in zip(body, tsv[1:], strict=True):
        organisms = [o["taxonId"] for o in result["to"].get("organisms", [])]
        if tax is None:
            assert "commonTaxons" not in result["to"]
            assert line.split("\t")[2:] == ["", ""]
            continue
        groups: dict[int, list[set[int]]] = {}
        for taxon in organisms:
            if taxon in tax.parent:
                lineage = [*tax.path(taxon), taxon]
                groups.setdefault(lineage[0], []).append(set(lineage))
        expected = []
        for top, lineages in groups.items():
            shared = set.intersection(*lineages)
            deepest = max(shared, key=lambda t: len(tax.path(t)))
            expected.append({"topLevel": tax.name[top], "commonTaxon": tax.name[deepest],
                             "commonTaxonId": deepest})
        assert result["to"].get("commonTaxons", []) == expected, result["to"]["uniParcId"]
        assert line.split("\t")[2:] == ["; ".join(e["commonTaxon"] for e in expected),
                                        "; ".join(str(e["commonTaxonId"]) for e in expected)]
        checked += bool(expected)
    if tax is not None:
        assert checked, "no UniParc entry had an organism of the taxonomy"


def test_uniparc_taxonomy_fields(served: Served) -> None:
    """UniParc's ``taxonomy_id`` matches an organism of the entry or (with a taxonomy) one
    below the taxon; ``taxonomy_name`` a taxon's scientific name the same way, and without a
    taxonomy answers why it cannot."""
    if served.kind != "demo":
        pytest.skip("the foreign release has no UniParc entries")
    job = submit(served.server.url, "UniProtKB_AC-ID", "UniParc", _kb_entries(served, 60))
    parcs = read_uniparc(served.facts.files)
    upis = listed(served.server.url, job)
    taxa = {u: {int(t) for t in parcs[u].props("NCBI_taxonomy_id")} for u in upis}
    tax = served.taxonomy

    def below(taxon: int, organisms: set[int]) -> bool:
        return taxon in organisms or (tax is not None and any(
            t in tax.parent and taxon in tax.path(t) for t in organisms))

    asked = sorted({t for ts in taxa.values() for t in ts})[:6]
    if tax is not None:
        asked += list(dict.fromkeys(a for ts in taxa.values() for t in sorted(ts)
                                    if t in tax.parent for a in tax.path(t)))[:10]
    above = 0
    for taxon in asked:
        expected = [u for u in upis if below(taxon, taxa[u])]
        assert listed(served.server.url, job, query=f"taxonomy_id:{taxon}") == expected, taxon
        above += bool(expected) and all(taxon not in taxa[u] for u in expected)
        if tax is not None and taxon in tax.name:
            assert listed(served.server.url, job,
                          query=f'taxonomy_name:"{tax.name[taxon].upper()}"') == expected, taxon
    if tax is not None:
        assert above, "no taxon above the entries' own organisms was asked"
        return
    response = httpx.get(f"{served.server.url}/idmapping/uniparc/results/{job}",
                         params={"query": "taxonomy_name:Eukaryota"}, timeout=30)
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "'taxonomy_name' is not held by this release: its data comes from the lineages of NCBI's "
        "taxonomy (taxdump's nodes.dmp and names.dmp; UniParc XML files give taxon ids only), "
        "which this release does not hold"]
