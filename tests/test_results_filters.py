"""``query``, ``sort`` and ``includeIsoform`` apply to entry results at every size (issue 15,
item 1): a filtered request never gets unfiltered rows. Past a ``max_filter`` cap (a setting,
none by default) a page says so with UniProt's warning 20, and a stream is refused with the
same message.

The release is made here: 30,000 entries share one GeneID (one id maps to all of them), a
third of them reviewed; a second GeneID maps to a handful. Expected answers are computed from
the written files, not from the store.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from lxml import etree

from conftest import LiveServer, api_settings, start_server
from idmapping.loader import load_release
from idmapping.results.entryrows import FILTER_WARNING
from idmapping.web import create_app
from stores import BACKENDS, fresh_store

BIG = 30_000
BIG_GENE = "424242"
SMALL = 7
SMALL_GENE = "515151"
CAP = 1_000
"""The ``max_filter`` of the capped server: between the small job and the big one."""

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _accession(n: int) -> str:
    """A valid, unique UniProtKB accession for entry *n* (``Q`` + digit + 3 + digit)."""
    middle, rest = "", n // 10
    for _ in range(3):
        rest, digit = divmod(rest, 36)
        middle = _DIGITS[digit] + middle
    return f"Q{n % 10}{middle}{(n // 7) % 10}"


@dataclass(frozen=True)
class FilterRelease:
    """The written release: which accessions each gene maps to, and which are reviewed."""

    files: list[Path]
    genes: dict[str, list[str]]
    reviewed: frozenset[str]


def _write_release(directory: Path) -> FilterRelease:
    lines = []
    genes: dict[str, list[str]] = {BIG_GENE: [], SMALL_GENE: []}
    reviewed = set()
    for n in range(BIG + SMALL):
        accession = _accession(n)
        gene = BIG_GENE if n < BIG else SMALL_GENE
        is_reviewed = n % 3 == 0
        # UniProt's names: a reviewed entry has a mnemonic, an unreviewed one ACCESSION_SPECIES
        name = f"R{n}_HUMAN" if is_reviewed else f"{accession}_HUMAN"
        lines.append(f"{accession}\tUniProtKB-ID\t{name}\n{accession}\tGeneID\t{gene}\n"
                     f"{accession}\tNCBI_TaxID\t9606\n")
        genes[gene].append(accession)
        if is_reviewed:
            reviewed.add(accession)
    path = directory / "idmapping.dat"
    path.write_text("".join(lines))
    return FilterRelease([path], genes, frozenset(reviewed))


@dataclass
class Served:
    release: FilterRelease
    open: LiveServer
    capped: LiveServer
    jobs: dict[str, str]
    """Gene id -> its job id (the jobs are in the store both servers share)."""


@pytest.fixture(scope="module")
def filter_release(tmp_path_factory: pytest.TempPathFactory) -> FilterRelease:
    return _write_release(tmp_path_factory.mktemp("filter-release"))


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           filter_release: FilterRelease) -> Iterator[Served]:
    with fresh_store(request.param, tmp_path_factory.mktemp("filter-store")) as store:
        load_release(filter_release.files, store)
        open_server = start_server(create_app(api_settings(store), store))
        capped = start_server(create_app(api_settings(store, max_filter=CAP), store))
        try:
            jobs = {}
            for gene in (BIG_GENE, SMALL_GENE):
                response = httpx.post(f"{open_server.url}/idmapping/run", data={
                    "from": "GeneID", "to": "UniProtKB", "ids": gene}, timeout=120)
                assert response.status_code == 200, response.text
                jobs[gene] = response.json()["jobId"]
                status = httpx.get(f"{open_server.url}/idmapping/status/{jobs[gene]}",
                                   follow_redirects=False, timeout=60)
                assert status.status_code == 303, status.text
            yield Served(filter_release, open_server, capped, jobs)
        finally:
            capped.stop()
            open_server.stop()


def _expected(served: Served, gene: str) -> set[str]:
    return {a for a in served.release.genes[gene] if a in served.release.reviewed}


def _stream(server: LiveServer, job: str, **params: str) -> httpx.Response:
    return httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}", params=params,
                     timeout=120)


def _accessions(fmt: str, body: bytes) -> list[str]:
    """The accessions of a stream of UniProtKB entries, in order, in each format (TSV and xlsx
    with ``From`` first)."""
    if fmt == "list":
        return body.decode().split()
    if fmt == "tsv":
        return [line.split("\t")[1] for line in body.decode().splitlines()[1:]]
    if fmt == "json":
        import orjson
        return [r["to"]["primaryAccession"] for r in orjson.loads(body)["results"]]
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            sheet = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
            strings = [t.text or "" for t in etree.fromstring(
                book.read("xl/sharedStrings.xml")).iter("{*}t")] \
                if "xl/sharedStrings.xml" in book.namelist() else []
        found = []
        for row in list(sheet.iter("{*}row"))[1:]:
            cells = row.findall("{*}c")  # From, then the fields asked for
            cell = cells[1]
            if cell.get("t") == "s":
                found.append(strings[int(cell.findtext("{*}v") or "0")])
            else:
                found.append(cell.findtext(".//{*}t") or cell.findtext("{*}v") or "")
        return found
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["tsv", "json", "list", "xlsx"])
def test_a_30000_pair_job_streams_only_the_rows_the_query_keeps(served: Served, fmt: str) -> None:
    job = served.jobs[BIG_GENE]
    params = {"format": fmt, "query": "reviewed:true"}
    if fmt in ("tsv", "xlsx"):
        params["fields"] = "accession,reviewed"
    response = _stream(served.open, job, **params)
    assert response.status_code == 200, response.text[:500]
    found = _accessions(fmt, response.content)
    expected = _expected(served, BIG_GENE)
    assert len(expected) == 10_000
    assert len(found) == len(expected) and set(found) == expected


def test_a_30000_pair_job_pages_only_the_rows_the_query_keeps(served: Served) -> None:
    job = served.jobs[BIG_GENE]
    url: str | None = (f"{served.open.url}/idmapping/uniprotkb/results/{job}"
                      "?query=reviewed:true&format=tsv&fields=accession,reviewed&size=500")
    expected = _expected(served, BIG_GENE)
    seen: list[str] = []
    for _ in range(3):  # the first pages, following Link
        assert url is not None
        response = httpx.get(url, timeout=60)
        assert response.status_code == 200, response.text[:500]
        assert response.headers["x-total-results"] == str(len(expected))
        rows = [line.split("\t") for line in response.text.splitlines()[1:]]
        assert len(rows) == 500 and all(r[2] == "reviewed" for r in rows)
        seen += [r[1] for r in rows]
        link = response.headers.get("link", "")
        url = link[1:link.index(">")] if link else None
    assert set(seen) <= expected and len(set(seen)) == 1500


def test_sort_applies_to_a_30000_pair_job(served: Served) -> None:
    job = served.jobs[BIG_GENE]
    response = _stream(served.open, job, format="list", sort="accession desc")
    assert response.status_code == 200, response.text[:500]
    assert response.text.split() == sorted(served.release.genes[BIG_GENE], reverse=True)
    page = httpx.get(f"{served.open.url}/idmapping/uniprotkb/results/{job}",
                     params={"format": "list", "sort": "accession asc", "size": "5"}, timeout=60)
    assert page.text.split() == sorted(served.release.genes[BIG_GENE])[:5]


def test_past_the_cap_a_page_says_it_is_unfiltered(served: Served) -> None:
    job = served.jobs[BIG_GENE]
    response = httpx.get(f"{served.capped.url}/idmapping/uniprotkb/results/{job}",
                         params={"query": "reviewed:true", "size": "10"}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert {"code": 20, "message": FILTER_WARNING.format(CAP)} in body["warnings"]
    assert response.headers["x-total-results"] == str(BIG)  # what the warning says: unfiltered


@pytest.mark.parametrize("params", [{"query": "reviewed:true"}, {"sort": "accession desc"},
                                    {"includeIsoform": "true"}])
@pytest.mark.parametrize("fmt", ["tsv", "json", "list", "fasta"])
def test_past_the_cap_a_stream_is_refused_never_unfiltered(
        served: Served, fmt: str, params: dict[str, str]) -> None:
    response = _stream(served.capped, served.jobs[BIG_GENE], format=fmt, **params)
    assert response.status_code == 400, response.text[:500]
    assert FILTER_WARNING.format(CAP) in response.text


def test_under_the_cap_the_filter_applies(served: Served) -> None:
    job = served.jobs[SMALL_GENE]
    expected = _expected(served, SMALL_GENE)
    assert 0 < len(expected) < SMALL
    page = httpx.get(f"{served.capped.url}/idmapping/uniprotkb/results/{job}",
                     params={"query": "reviewed:true"}, timeout=60)
    body = page.json()
    assert {r["to"]["primaryAccession"] for r in body["results"]} == expected
    assert not any(w.get("code") == 20 for w in body.get("warnings", []))
    stream = _stream(served.capped, job, format="list", query="reviewed:false")
    assert set(stream.text.split()) == set(served.release.genes[SMALL_GENE]) - expected
