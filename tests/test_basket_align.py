"""The results page as UniProt's seed describes it (issue 19): constraints, the basket and
alignments, in a real browser and over the API, on both releases and both stores.

Sequences are read from the release's own entry files (the demo carries them; the foreign
release has none, where alignments must say so), and alignments are compared with Clustal
Omega run here on the same sequences.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import subprocess
import time
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from Bio import AlignIO, Phylo, SwissProt
from Bio.SeqIO.FastaIO import SimpleFastaParser

from releases import ReleaseFacts, submit

CLUSTALO = shutil.which("clustalo")
needs_clustalo = pytest.mark.skipif(CLUSTALO is None, reason="clustalo is not installed")


@cache
def _sequences(files: tuple[Path, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in files:
        if path.name.startswith("uniprot_") and path.name.endswith(".dat.gz"):
            with gzip.open(path, "rt") as handle:
                for record in SwissProt.parse(handle):
                    found[record.accessions[0]] = record.sequence
        elif "varsplic" in path.name:
            with gzip.open(path, "rt") as handle:
                for header, sequence in SimpleFastaParser(handle):
                    found[header.split("|")[1]] = sequence
    return found


def sequences(release: ReleaseFacts) -> dict[str, str]:
    """Accession (isoforms too) → sequence, as the release's entry files state them."""
    return _sequences(tuple(release.files))


def with_sequence(release: ReleaseFacts, count: int) -> list[str]:
    """*count* canonical accessions of the release with a sequence (none in a release
    without entry files: then any accessions)."""
    held = sequences(release)
    pool = [a for a in release.accessions() if a in held] if held else release.accessions()
    assert len(pool) >= count
    return pool[:count]


def aligned(base: str, ids: list[str]) -> dict[str, Any]:
    """Submit an alignment, wait for it, return its JSON."""
    response = httpx.post(f"{base}/align/run", data={"ids": ",".join(ids)}, timeout=30)
    assert response.status_code == 200, response.text
    job = response.json()["jobId"]
    deadline = time.monotonic() + 120
    while True:
        status = httpx.get(f"{base}/align/status/{job}", timeout=30)
        if status.status_code == 303:
            assert status.headers["location"].endswith(f"/align/results/{job}")
            break
        assert status.status_code == 200, status.text
        assert time.monotonic() < deadline
        time.sleep(0.1)
    result = httpx.get(f"{base}/align/results/{job}", timeout=30)
    assert result.status_code == 200 and result.json()["jobId"] == job
    return dict(result.json())


def clustalo(records: list[tuple[str, str]]) -> list[str]:
    """The aligned rows Clustal Omega gives *records* (``(name, sequence)``), run here."""
    assert CLUSTALO is not None
    fasta = "".join(f">{name}\n{sequence}\n" for name, sequence in records)
    done = subprocess.run([CLUSTALO, "-i", "-", "--outfmt=fasta"], input=fasta,
                          capture_output=True, text=True, check=True)
    return [str(r.seq) for r in AlignIO.read(io.StringIO(done.stdout), "fasta")]


def identity(rows: list[str]) -> list[float]:
    """Per column: the share of rows with the column's most common residue (gaps aside)."""
    shares = []
    for column in zip(*rows, strict=True):
        counts = Counter(c for c in column if c != "-")
        shares.append(round(max(counts.values(), default=0) / len(rows), 4))
    return shares


# ---------------------------------------------------------------------------------------------
# The API


@needs_clustalo
def test_align_api(release: ReleaseFacts, release_url: str) -> None:
    held = sequences(release)
    absent = release.absent_accessions(1)[0]
    if not held:  # no entry files: nothing to align, and the answer says which entries
        ids = with_sequence(release, 3)
        response = httpx.post(f"{release_url}/align/run",
                              data={"ids": ",".join([*ids, absent])}, timeout=30)
        assert response.status_code == 400
        message = response.json()["messages"][0]
        assert "no sequence" in message and all(i in message for i in [*ids, absent])
        return
    isoforms = [i for i in held if "-" in i][:1]
    ids = [*with_sequence(release, 3 - len(isoforms)), *isoforms]
    found = aligned(release_url, [*ids, absent])
    assert found["missing"] == [absent]
    rows = [s["sequence"] for s in found["sequences"]]
    assert [s["id"] for s in found["sequences"]] == ids
    assert [r.replace("-", "") for r in rows] == [held[i] for i in ids]
    assert found["length"] == len(rows[0]) and {len(r) for r in rows} == {found["length"]}
    assert found["identity"] == pytest.approx(identity(rows))
    assert rows == clustalo([(i, held[i]) for i in ids])
    tree = Phylo.read(io.StringIO(found["guideTree"]), "newick")
    assert sorted(leaf.name for leaf in tree.get_terminals()) == sorted(ids)
    job = httpx.post(f"{release_url}/align/run", data={"ids": ",".join([*ids, absent])},
                     timeout=30).json()["jobId"]
    for fmt in ("clustal", "fasta"):
        text = httpx.get(f"{release_url}/align/results/{job}",
                         params={"format": fmt, "download": "true"}, timeout=30)
        assert text.status_code == 200
        assert "attachment" in text.headers["content-disposition"]
        parsed = AlignIO.read(io.StringIO(text.text), fmt)
        assert [(r.id, str(r.seq)) for r in parsed] == list(zip(ids, rows, strict=True))
    # the same request is the same job; a mapping route does not serve it
    assert httpx.get(f"{release_url}/idmapping/results/{job}", timeout=30).status_code == 404


def test_align_refusals(release: ReleaseFacts, release_url: str,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = with_sequence(release, 2)
    one = httpx.post(f"{release_url}/align/run", data={"ids": ids[0]}, timeout=30)
    assert one.status_code == 400 and "at least 2" in one.json()["messages"][0]
    many = release.accessions()[:101] + release.absent_accessions(101)
    over = httpx.post(f"{release_url}/align/run", data={"ids": ",".join(many[:101])},
                      timeout=30)
    assert over.status_code == 400 and "max_align_sequences" in over.json()["messages"][0]
    assert httpx.get(f"{release_url}/align/status/NOSUCHJOB", timeout=30).status_code == 404
    bad = httpx.get(f"{release_url}/align/results/NOSUCHJOB?format=pdf", timeout=30)
    assert bad.status_code == 400
    monkeypatch.setenv("PATH", "/nonexistent")  # the server looks clustalo up on each request
    missing = httpx.post(f"{release_url}/align/run", data={"ids": ",".join(ids)}, timeout=30)
    assert missing.status_code == 503
    assert "clustalo" in missing.json()["messages"][0]
    page = httpx.get(f"{release_url}/id-mapping/basket", timeout=30)
    assert 'id="align-unavailable"' in page.text and "not installed" in page.text


# ---------------------------------------------------------------------------------------------
# The browser


def expect(locator: Any) -> Any:
    """Playwright's polling assertions (imported here: the API tests run without it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def counter(page: Any) -> int:
    return int(page.inner_text("#basket-count").replace(",", ""))


def row_keys(page: Any) -> list[str]:
    return [str(k) for k in page.locator("#results-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.key)")]


def test_constraints_and_basket(page: Any, release: ReleaseFacts, release_url: str) -> None:
    held = sequences(release)
    pool = with_sequence(release, 6)
    reviewed = [a for a in release.accessions() if release.entries[a].reviewed
                and (a in held or not held)][:2]
    first = list(dict.fromkeys([*reviewed, *pool]))[:4]
    second = [a for a in pool if a not in first][:2]
    if len(second) < 2:
        second = [a for a in release.accessions() if a not in first][:2]
    job1 = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", first)
    job2 = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", second)
    # constraints: the query box filters the rows, the URL carries the query
    page.goto(f"{release_url}/id-mapping/{job1}")
    assert row_keys(page) == first
    page.fill("#query", "reviewed:true")
    page.click("#query-button")
    page.wait_for_url(re.compile(r"query=reviewed%3Atrue"))
    wanted = [a for a in first if release.entries[a].reviewed]
    assert row_keys(page) == wanted
    assert page.inner_text("#query-count") == (
        f"{len(wanted)} of {len(first)} results match reviewed:true.")
    assert parse_qs(urlsplit(page.url).query)["query"] == ["reviewed:true"]
    stream = page.get_attribute("#download-form", "action")
    assert page.input_value("#download-form input[name=query]") == "reviewed:true"
    assert stream and stream.endswith(f"/uniprotkb/results/stream/{job1}")
    assert page.inner_text("#basket-count") == "0"
    if wanted:
        page.click("#basket-add-all")
        expect(page.locator("#basket-count")).to_have_text(str(len(wanted)))
    # a bad query: UniProt's 400 message, and the box keeps it
    response = page.goto(f"{release_url}/id-mapping/{job1}?query=reviewed%3A(")
    assert response.status == 400
    assert "invalid syntax" in page.inner_text(".alert.error")
    assert page.input_value("#query") == "reviewed:("
    # a page, then all of another job, into the basket
    page.goto(f"{release_url}/id-mapping/{job1}")
    page.check(f"#results-table tr[data-key='{first[-1]}'] input.row-pick")
    page.click("#basket-add")
    expect(page.locator("#basket-note")).to_contain_text("added to the basket")
    assert counter(page) == len(set(wanted) | {first[-1]})
    page.check("#select-page")
    page.click("#basket-add")
    expect(page.locator("#basket-count")).to_have_text(str(len(first)))
    page.goto(f"{release_url}/id-mapping/{job2}")
    assert counter(page) == len(first)  # kept across page loads
    page.click("#basket-add-all")
    expect(page.locator("#basket-count")).to_have_text(str(len(first) + len(second)))
    # the basket page lists both jobs' entries, in the order they were added
    page.click("#basket-link")
    page.wait_for_url(re.compile(r"/id-mapping/basket$"))
    listed = page.locator("#basket-table tbody tr")
    everything = list(dict.fromkeys([*wanted, first[-1], *first, *second]))
    assert listed.evaluate_all("rows => rows.map(r => r.dataset.key)") == everything
    jobs = page.locator("#basket-table tbody td a").all_inner_texts()
    assert jobs == [job1 if a in first else job2 for a in everything]
    # downloads through a mapping job of the basket: list, then FASTA
    with page.expect_download() as waiting:
        page.click("#basket-download-button")
    assert Path(waiting.value.path()).read_text().split() == everything
    page.check("input[name='basket-format'][value='fasta']")
    with page.expect_download() as waiting:
        page.click("#basket-download-button")
    fasta = Path(waiting.value.path()).read_text()
    records = {h.split("|")[1]: s for h, s in SimpleFastaParser(io.StringIO(fasta))}
    assert records == {a: held[a] for a in everything if a in held}
    # remove one
    page.click(f"#basket-table tr[data-key='{everything[0]}'] button.remove")
    expect(page.locator("#basket-count")).to_have_text(str(len(everything) - 1))
    assert listed.evaluate_all("rows => rows.map(r => r.dataset.key)") == everything[1:]
    if not held and CLUSTALO:  # no sequences in this release: the page says so
        page.click("#basket-align")
        expect(page.locator("#align-note")).to_contain_text("no sequence")


@needs_clustalo
def test_align_from_the_results_page(page: Any, release: ReleaseFacts,
                                     release_url: str) -> None:
    held = sequences(release)
    if not held:
        pytest.skip("the release has no sequences (test_constraints_and_basket checks the "
                    "page says so)")
    ids = with_sequence(release, 4)
    job = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", ids)
    page.goto(f"{release_url}/id-mapping/{job}")
    chosen = ids[1:]
    for key in chosen:
        page.check(f"#results-table tr[data-key='{key}'] input.row-pick")
    page.click("#align-selected")
    page.wait_for_url(re.compile(r"/id-mapping/align/[0-9A-Za-z]+$"))
    page.wait_for_selector("#alignment", timeout=60_000)
    shown = page.locator("tr.aln-row").evaluate_all(
        "rows => rows.map(r => [r.dataset.name, r.querySelector('.aln-seq').textContent])")
    rows: dict[str, str] = {}
    for name, text in shown:
        rows[name] = rows.get(name, "") + text
    # Clustal Omega run here on the FASTA the API gives of the same entries
    fasta = httpx.get(f"{release_url}/idmapping/uniprotkb/results/stream/{job}",
                      params={"format": "fasta"}, timeout=30).text
    records = {h.split("|")[1]: s for h, s in SimpleFastaParser(io.StringIO(fasta))}
    expected = clustalo([(k, records[k]) for k in chosen])
    assert list(rows) == chosen and list(rows.values()) == expected
    shares = page.locator(".aln-identity .id").evaluate_all(
        "cells => cells.map(c => Number(c.dataset.identity))")
    assert shares == pytest.approx(identity(expected))
    assert page.locator("#newick").text_content().strip().endswith(";")
    assert page.locator(".aln-seq .r.hydrophobic").count() > 0
    with page.expect_download() as waiting:
        page.click("#align-fasta")
    downloaded = AlignIO.read(waiting.value.path(), "fasta")
    assert [str(r.seq) for r in downloaded] == expected
