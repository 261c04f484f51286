"""``facets=`` on entry results (issue 15, item 2): UniProt's facets, in its JSON shape, counted
over a job's (filtered) pairs, on both releases and both stores.

Expected counts come from the release files (idmapping.dat, and the UniProtKB flat files and
UniRef XML where the release has them), never from the store: distinct entries, as UniProt's
Solr counts documents.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import LiveServer, api_settings, start_server
from idmapping.errors import InvalidRequest
from idmapping.store.base import Store
from idmapping.store.plans import FacetQuery, FilterQuery
from idmapping.store.sql_results import OLD_FACETS
from idmapping.web import create_app
from releases import ReleaseFacts
from stores import BACKENDS, store_lacking

FACETS = "reviewed,model_organism,proteins_with,existence,annotation_score,length"
"""What UniProt's website asks of every UniProtKB job."""

MODEL = {9606: "Human", 10090: "Mouse", 10116: "Rat", 9913: "Bovine", 7955: "Zebrafish",
         7227: "Fruit fly", 6239: "C. elegans", 44689: "Slime mold", 3702: "A. thaliana",
         39947: "Rice", 83333: "E. coli K12", 224308: "B. subtilis", 559292: "S. cerevisiae"}
EXISTENCE = {1: "Protein level", 2: "Transcript level", 3: "Homology", 4: "Predicted",
             5: "Uncertain", 6: "Unknown"}
LENGTHS = [("[1 TO 200]", "1 - 200", 1, 200), ("[201 TO 400]", "201 - 400", 201, 400),
           ("[401 TO 600]", "401 - 600", 401, 600), ("[601 TO 800]", "601 - 800", 601, 800),
           ("[801 TO *]", ">= 801", 801, 10**9)]
WARNING = "Filters are not supported for mapping results with more than {} IDs"


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


def flat_facts(release: ReleaseFacts) -> dict[str, tuple[int, int]]:
    """``accession -> (existence, length)`` of each entry of the release's flat files."""
    return {a: (pe, n) for a, (pe, n, _, _) in flat_records(release).items()}


def flat_records(release: ReleaseFacts) -> dict[str, tuple[int, int, bool, bool]]:
    """``accession -> (existence, length, has a PDB xref, is a fragment)`` of each entry of
    the release's flat files."""
    found = {}
    for path in release.files:
        if not re.search(r"uniprot_(sprot|trembl)\.dat", path.name):
            continue
        for record in _text(path).split("\n//"):
            ac = re.search(r"^AC   (\w+);", record, re.M)
            pe = re.search(r"^PE   (\d):", record, re.M)
            sq = re.search(r"^SQ   SEQUENCE\s+(\d+) AA;", record, re.M)
            if ac and pe and sq:
                found[ac.group(1)] = (int(pe.group(1)), int(sq.group(1)),
                                      bool(re.search(r"^DR   PDB;", record, re.M)),
                                      bool(re.search(r"^DE   Flags:.*Fragment", record, re.M)))
    return found


def uniref_ids(release: ReleaseFacts) -> set[str]:
    """The ids of the UniRef entries of the release's UniRef files."""
    return {m for p in release.files if p.name.startswith("uniref")
            for m in re.findall(r'<entry id="(UniRef\w+)"', _text(p))}


def submit(base: str, to_db: str, ids: list[str]) -> str:
    response = httpx.post(f"{base}/idmapping/run",
                          data={"from": "UniProtKB_AC-ID", "to": to_db, "ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def chosen(release: ReleaseFacts) -> list[str]:
    """Accessions spread over the release, entries with and without entry files."""
    accessions = release.accessions()
    step = max(1, len(accessions) // 80)
    return accessions[::step][:80]


@pytest.fixture(scope="module")
def kb_job(release: ReleaseFacts, release_url: str) -> tuple[str, list[str]]:
    ids = chosen(release)
    return submit(release_url, "UniProtKB", ids), ids


def get(base: str, job: str, dataset: str = "uniprotkb", **params: Any) -> httpx.Response:
    return httpx.get(f"{base}/idmapping/{dataset}/results/{job}", params=params, timeout=60)


def by_name(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in body.get("facets", [])}


def expected_reviewed(release: ReleaseFacts, ids: list[str]) -> list[dict[str, Any]]:
    counts = Counter(release.entries[a].reviewed for a in ids)
    labels = {True: ("true", "Reviewed (Swiss-Prot)"), False: ("false", "Unreviewed (TrEMBL)")}
    return [{"label": labels[v][1], "value": labels[v][0], "count": counts[v]}
            for v in (True, False) if counts[v]]  # index desc: "true" before "false"


def expected_model(release: ReleaseFacts, ids: list[str]) -> list[dict[str, Any]]:
    counts = Counter(t for a in ids if (t := release.entries[a].taxon) in MODEL)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return [{"label": MODEL[t], "value": str(t), "count": n} for t, n in ordered]


def test_website_facets_in_uniprots_shape(release: ReleaseFacts, release_url: str,
                                          kb_job: tuple[str, list[str]]) -> None:
    job, ids = kb_job
    response = get(release_url, job, facets=FACETS, size="0")
    assert response.status_code == 200, response.text
    assert response.headers["x-total-results"] == str(len(ids))
    body = response.json()
    assert list(body)[:2] == ["facets", "results"] and body["results"] == []
    facets = by_name(body)
    for facet in body["facets"]:
        assert list(facet) == ["label", "name", "allowMultipleSelection", "values"]
        for item in facet["values"]:
            assert list(item) in (["label", "value", "count"], ["value", "count"])
            assert isinstance(item["value"], str) and item["count"] > 0
    # asked order, facets without values left out
    names = [n for n in FACETS.split(",") if n in facets]
    assert [f["name"] for f in body["facets"]] == names
    assert facets["reviewed"]["label"] == "Status"
    assert facets["reviewed"]["allowMultipleSelection"] is False
    assert facets["reviewed"]["values"] == expected_reviewed(release, ids)
    assert facets["model_organism"]["label"] == "Popular organisms"
    assert facets["model_organism"]["allowMultipleSelection"] is True
    assert facets["model_organism"]["values"] == expected_model(release, ids)

    flat = flat_facts(release)
    documented = [flat[a] for a in ids if a in flat]
    existence = Counter(pe for pe, _ in documented)
    want = sorted(existence.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    if want:
        assert facets["existence"]["label"] == "Protein existence"
        assert facets["existence"]["values"] == [
            {"label": EXISTENCE[pe], "value": str(pe), "count": n} for pe, n in want]
    else:
        assert "existence" not in facets and "length" not in facets
    lengths = [{"label": label, "value": value,
                "count": sum(1 for _, n in documented if low <= n <= high)}
               for value, label, low, high in LENGTHS]
    if documented:
        assert facets["length"]["label"] == "Sequence length"
        assert facets["length"]["values"] == [i for i in lengths if i["count"]]
    # flat files carry no annotation score
    assert "annotation_score" not in facets
    if "proteins_with" in facets:
        values = [int(i["value"]) for i in facets["proteins_with"]["values"]]
        assert values == sorted(values) and all(1 <= v <= 58 for v in values)
        assert all(i["count"] <= len(documented) for i in facets["proteins_with"]["values"])


def test_structure_and_fragment_count_the_entry_files(
        release: ReleaseFacts, release_url: str, kb_job: tuple[str, list[str]]) -> None:
    job, ids = kb_job
    records = flat_records(release)
    documented = [records[a] for a in ids if a in records]
    facets = by_name(get(release_url, job, facets="structure_3d,fragment", size="0").json())
    for name, position, labels in (
            ("structure_3d", 2, ("With 3D Structure", "Without 3D Structure")),
            ("fragment", 3, ("Yes", "No"))):
        counts = Counter(r[position] for r in documented)
        want = [{"label": label, "value": value, "count": counts[flag]}
                for flag, value, label in ((True, "true", labels[0]),
                                           (False, "false", labels[1])) if counts[flag]]
        assert facets.get(name, {}).get("values", []) == want
        if want:
            assert facets[name]["allowMultipleSelection"] is False


def test_counts_follow_the_query(release: ReleaseFacts, release_url: str,
                                 kb_job: tuple[str, list[str]]) -> None:
    job, ids = kb_job
    response = get(release_url, job, facets="reviewed,model_organism", query="reviewed:false")
    assert response.status_code == 200, response.text
    kept = [a for a in ids if release.entries[a].reviewed is False]
    assert response.headers["x-total-results"] == str(len(kept))
    facets = by_name(response.json())
    assert facets.get("reviewed", {}).get("values", []) == expected_reviewed(release, kept)
    assert facets.get("model_organism", {}).get("values", []) == expected_model(release, kept)
    # the page itself is the first 25 of the filtered pairs
    assert len(response.json()["results"]) == min(25, len(kept))


def test_a_facet_counts_entries_not_pairs(release: ReleaseFacts, release_url: str) -> None:
    ids = chosen(release)[:3]
    # the same accession asked three times: three pairs, one entry
    job = submit(release_url, "UniProtKB", ids[:1] * 3 + ids[1:])
    response = get(release_url, job, facets="reviewed")
    values = by_name(response.json())["reviewed"]["values"]
    assert sum(v["count"] for v in values) == len(set(ids))


def test_unknown_facet_names(release_url: str, kb_job: tuple[str, list[str]]) -> None:
    job, _ = kb_job
    response = get(release_url, job, facets="invalid, reviewed,invalid2")
    assert response.status_code == 400
    names = ("reviewed, fragment, structure_3d, model_organism, other_organism, existence, "
             "annotation_score, proteome, proteins_with, length")
    assert response.json()["messages"] == [
        f"Invalid facet name 'invalid'. Expected value can be [{names}].",
        f"Invalid facet name 'invalid2'. Expected value can be [{names}].",
    ]
    # the names are checked whatever the format
    assert get(release_url, job, facets="invalid", format="tsv").status_code == 400


def organisms(release: ReleaseFacts) -> dict[str, tuple[int, str]]:
    """``accession -> (taxon, OS text)`` of each entry of the release's flat files."""
    found = {}
    for path in release.files:
        if not re.search(r"uniprot_(sprot|trembl)\.dat", path.name):
            continue
        for record in _text(path).split("\n//"):
            ac = re.search(r"^AC   (\w+);", record, re.M)
            ox = re.search(r"^OX   NCBI_TaxID=(\d+)", record, re.M)
            os_ = " ".join(re.findall(r"^OS   (.*)$", record, re.M))
            if ac and ox:
                found[ac.group(1)] = (int(ox.group(1)), os_)
    return found


def test_other_organisms_and_proteomes(release: ReleaseFacts, release_url: str,
                                       kb_job: tuple[str, list[str]]) -> None:
    job, ids = kb_job
    known = organisms(release)
    others = Counter(known[a][0] for a in dict.fromkeys(ids)
                     if a in known and known[a][0] not in MODEL)
    response = get(release_url, job, facets="other_organism,proteome", size="0")
    assert response.status_code == 200, response.text
    facets = by_name(response.json())
    if not others:
        assert "other_organism" not in facets
    else:
        facet = facets["other_organism"]
        assert (facet["label"], facet["allowMultipleSelection"]) == ("Other organisms", True)
        items = facet["values"]
        assert [i["count"] for i in items] == sorted(others.values(), reverse=True)[:5]
        for item in items:  # the OS line's scientific name, of a taxon with that many entries
            taxa = [t for t, n in others.items() if n == item["count"]
                    and next(known[a][1] for a in ids if known.get(a, (0,))[0] == t)
                    .startswith(item["value"])]
            assert taxa and list(item) == ["value", "count"], item
            # the facet's value is accepted back as a query, keeping its count
            kept = get(release_url, job, query=f'other_organism:"{item["value"]}"', size="0")
            assert kept.headers["x-total-results"] == str(sum(
                1 for a in ids if known.get(a, (0,))[0] in taxa)), item
    # proteomes: the DR Proteomes lines of the entry files (the demo's have none)
    proteomes = Counter(p for a in dict.fromkeys(ids) for p in release_proteomes(release)
                        .get(a, []))
    assert facets.get("proteome", {}).get("values", []) == [
        {"value": p, "count": n} for p, n in sorted(proteomes.items(),
                                                     key=lambda kv: (-kv[1], kv[0]))[:5]]


def release_proteomes(release: ReleaseFacts) -> dict[str, list[str]]:
    found = {}
    for path in release.files:
        if re.search(r"uniprot_(sprot|trembl)\.dat", path.name):
            for record in _text(path).split("\n//"):
                ac = re.search(r"^AC   (\w+);", record, re.M)
                if ac:
                    found[ac.group(1)] = list(dict.fromkeys(
                        re.findall(r"^DR   Proteomes; (UP\d+);", record, re.M)))
    return found


def test_tsv_and_streams_ignore_facets(release_url: str, kb_job: tuple[str, list[str]]) -> None:
    job, ids = kb_job
    plain = get(release_url, job, format="tsv", size="5")
    faceted = get(release_url, job, format="tsv", size="5", facets="reviewed")
    assert faceted.status_code == 200 and faceted.text == plain.text
    stream = httpx.get(f"{release_url}/idmapping/uniprotkb/results/stream/{job}",
                       params={"format": "json", "facets": "reviewed"}, timeout=60)
    assert stream.status_code == 200 and list(stream.json()) == ["results"]


def test_uniref_identity(release: ReleaseFacts, release_url: str) -> None:
    ids = chosen(release)
    job = submit(release_url, "UniRef90", ids)
    pairs = httpx.get(f"{release_url}/idmapping/uniref/results/stream/{job}",
                      params={"format": "list"}, timeout=60).text.split()
    known = uniref_ids(release)
    with_entries = {to for to in pairs if to in known}
    response = get(release_url, job, "uniref", facets="identity", size="0")
    assert response.status_code == 200, response.text
    facets = by_name(response.json())
    if with_entries:
        assert facets["identity"] == {
            "label": "Clusters", "name": "identity", "allowMultipleSelection": True,
            "values": [{"label": "90%", "value": "0.9", "count": len(with_entries)}]}
    else:
        assert facets == {}


@pytest.fixture(scope="module")
def capped(release_store: Store) -> Iterator[LiveServer]:
    live = start_server(create_app(api_settings(release_store, max_facet_pairs=10),
                                   release_store))
    yield live
    live.stop()


def test_past_the_cap_facets_give_warning_20(release: ReleaseFacts, capped: LiveServer) -> None:
    ids = chosen(release)
    big = submit(capped.url, "UniProtKB", ids[:11])
    body = get(capped.url, big, facets="reviewed", size="3").json()
    assert list(body)[:2] == ["warnings", "results"] and "facets" not in body
    assert body["warnings"] == [{"code": 20, "message": WARNING.format(10)}]
    assert len(body["results"]) == 3
    small = submit(capped.url, "UniProtKB", ids[:10])
    body = get(capped.url, small, facets="reviewed").json()
    assert "warnings" not in body
    assert by_name(body)["reviewed"]["values"] == expected_reviewed(release, ids[:10])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_loaded_before_facets_names_the_reason(backend: str, tmp_path: Path) -> None:
    """A release whose kb_entries lack the facet columns (loaded by an earlier version):
    status and organism are still counted, the others answer UniProt-shaped 400s."""
    with store_lacking(backend, tmp_path, "proteins_with") as old:
        everything = FilterQuery("uniprotkb")
        assert old.facet_counts("job1", everything, FacetQuery("reviewed")) == [(0, 1),
                                                                                (1, 1)]
        assert old.facet_counts("job1", everything, FacetQuery(
            "taxon", among=(9606, 10090))) == [(9606, 1), (10090, 1)]
        for column in ("proteins_with", "structure_3d"):
            with pytest.raises(InvalidRequest) as raised:
                old.facet_counts("job1", everything, FacetQuery(column))
            assert raised.value.messages == [OLD_FACETS.format(column)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("column, facet", [
    ("scientific", FacetQuery("other_organism")),
    ("proteomes", FacetQuery("proteomes", split=True)),
])
def test_organism_and_proteome_facets_over_an_older_release(
        backend: str, column: str, facet: FacetQuery, tmp_path: Path) -> None:
    """kb_entries loaded before the scientific-name and proteome columns: those facets answer
    UniProt-shaped 400s naming the reason; the others still count."""
    with store_lacking(backend, tmp_path, column) as old:
        everything = FilterQuery("uniprotkb")
        with pytest.raises(InvalidRequest) as raised:
            old.facet_counts("job1", everything, facet)
        assert raised.value.messages == [OLD_FACETS.format(facet.column)]
        assert old.facet_counts("job1", everything, FacetQuery("reviewed")) == [(0, 1), (1, 1)]
