"""The path a newcomer takes through the pages, in a real browser, as one function that tests
run on any server and release: ``/`` → the form → example ids → the job page → the results
table → a TSV download, checked against the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from idmapping.catalogue import Catalogue
from releases import ReleaseFacts

GENE = Catalogue.default().database("Gene_Name")
MISSING = "NOT-IN-ANY-RELEASE"


def walk_the_mapping_path(page: Any, base: str, release: ReleaseFacts) -> str:
    """Walk the path on the server at *base*, which serves *release*; return the job's id."""
    page.goto(f"{base}/")
    # the home page says what is served, and whether it is the generated demo
    assert page.locator("#demo-release").count() == (1 if release.demo else 0)
    served = page.locator("#releases tr[aria-current]").inner_text()
    assert f"{release.name} (served)" in served and (release.date or "not stated") in served
    page.locator("ul.cards a[href$='/id-mapping']").click()
    page.wait_for_url(re.compile(r"/id-mapping$"))
    # examples of the chosen database, drawn from the release served
    page.select_option("#from", "Gene_Name")
    page.click("#example-link")
    page.wait_for_function("document.getElementById('ids').value.length > 0")
    genes = page.input_value("#ids").split()
    assert genes and all(release.entries_of(GENE, g) for g in genes), genes
    page.fill("#ids", "\n".join([*genes, MISSING]))
    page.select_option("#to", "UniProtKB")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/id-mapping/[0-9A-Za-z]+$"))
    job = str(page.url.rsplit("/", 1)[1])
    wanted = [(g, a) for g in dict.fromkeys(genes) for a in release.entries_of(GENE, g)]
    shown = min(25, len(wanted))
    assert page.inner_text("#pager-info") == f"Showing 1–{shown} of {len(wanted)} results"
    headers = page.locator("#results-table thead th").all_inner_texts()
    assert headers[:3] == ["From", "Entry", "Entry Name"]
    rows = page.locator("#results-table tbody tr")
    table = [(rows.nth(n).locator("th").inner_text(),
              *rows.nth(n).locator("td").all_inner_texts()[:2]) for n in range(rows.count())]
    assert table == [(g, a, release.entries[a].name or "") for g, a in wanted[:shown]]
    assert page.input_value("#unmapped-ids") == MISSING
    # the download is every result, in the columns shown: what the API streams
    with page.expect_download() as waiting:
        page.click("#download-button")
    download = waiting.value
    assert download.suggested_filename.endswith(".tsv")
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0].split("\t") == headers
    assert [tuple(line.split("\t")[:2]) for line in lines[1:]] == wanted
    page.click("#api-button")
    stream = page.input_value("#stream-url")
    assert stream.startswith(f"{base}/idmapping/uniprotkb/results/stream/{job}?")
    assert httpx.get(stream, timeout=30).text.splitlines() == lines
    return job
