"""The web page (idmapping.web.pages): its no-JavaScript paths over plain HTTP, then end to end
in a real headless Chromium driven by Playwright.

The browser and page fixtures are conftest.py's: they skip when Chromium (/usr/bin/chromium)
or Playwright is missing, unless ``IDMAPPING_TEST_BROWSER=required`` (CI), where they fail.
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from idmapping.jobs.jobid import job_id
from idmapping.model import Job, JobStatus
from idmapping.results.paging import encode_cursor
from idmapping.web.pages import join_ids

SCREENSHOT_FOR_LEAD = Path("/tmp/idmapping-job-page.png")
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
XSS = "<script>alert(1)</script>"


def post_form(base: str, **fields: str) -> httpx.Response:
    """Submit the form as a browser without JavaScript does (urlencoded, no redirects)."""
    return httpx.post(f"{base}/id-mapping", data=fields)


def submitted_job(base: str, from_db: str, to_db: str, ids: str, **extra: str) -> str:
    """Submit through the form; return the job id the 303 points at."""
    response = post_form(base, **{"from": from_db, "to": to_db, "ids": ids, **extra})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/id-mapping/")
    return location.rsplit("/", 1)[1]


class Controls(HTMLParser):
    """Form controls of a page, and which of them have a label (``for=`` or wrapping)."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, str, bool]] = []  # (tag, id or name, wrapped in label)
        self.label_for: set[str] = set()
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((tag, a.get("id") or a.get("name") or "?", self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"{tag}#{name}"
            for tag, name, wrapped in self.controls
            if not wrapped and name not in self.label_for
        ]


def unlabelled(html: str) -> list[str]:
    parser = Controls()
    parser.feed(html)
    assert parser.controls
    return parser.unlabelled()


# =============================================================================================
# Plain HTTP: the pages as a browser without JavaScript gets them
# =============================================================================================


def test_home_page_for_browsers_json_for_others(api_url: str) -> None:
    page = httpx.get(f"{api_url}/", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/id-mapping"' in page.text
    assert httpx.get(f"{api_url}/").json()["name"] == "idmapping"


def test_form_groups_databases_and_labels_every_control(api_url: str) -> None:
    page = httpx.get(f"{api_url}/id-mapping")
    assert page.status_code == 200
    html = page.text
    assert unlabelled(html) == []
    from_select = html[html.index('<select id="from"') : html.index("</select>")]
    assert '<optgroup label="UniProt">' in from_select
    assert '<optgroup label="Genome annotation databases">' in from_select
    # To-only targets are not offered as From, and UniProtKB AC/ID is not a To
    assert 'value="UniProtKB-Swiss-Prot"' not in from_select
    to_select = html[html.index('<select id="to"') :]
    to_select = to_select[: to_select.index("</select>")]
    assert 'value="UniProtKB_AC-ID"' not in to_select
    assert '<option value="UniProtKB" selected>' in to_select
    for control in ('id="ids"', 'id="file"', 'id="taxId"', 'enctype="multipart/form-data"'):
        assert control in html
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def _release_values(files: list[Path], id_type: str) -> set[str]:
    """The values of *id_type* in the release's idmapping.dat (the accessions for ``AC``)."""
    (dat,) = [f for f in files if f.name == "idmapping.dat"]
    rows = [line.split("\t") for line in dat.read_text().splitlines()]
    return {r[0] if id_type == "AC" else r[2] for r in rows if id_type == "AC" or r[1] == id_type}


def _example_textarea(page: str) -> list[str]:
    ids = page[page.index('aria-describedby="ids-help ids-count">') :].split(">", 1)[1]
    return ids[: ids.index("</textarea>")].split()


def test_example_ids_are_taken_from_the_release(api_url: str,
                                                api_release_files: list[Path]) -> None:
    ids = _example_textarea(httpx.get(f"{api_url}/id-mapping", params={"example": "1"}).text)
    accessions = _release_values(api_release_files, "AC")
    names = _release_values(api_release_files, "UniProtKB-ID")
    assert len(ids) == 4 and set(ids) <= accessions | names
    assert set(ids) & names, "an entry name is among the examples"
    genes = _example_textarea(httpx.get(
        f"{api_url}/id-mapping", params={"example": "1", "from": "Gene_Name"}).text)
    # gene names, or the ordered-locus and ORF names that UniProt maps as gene names
    assert genes and set(genes) <= set().union(*(
        _release_values(api_release_files, kind)
        for kind in ("Gene_Name", "Gene_OrderedLocusName", "Gene_ORFName")))
    job = submitted_job(api_url, "UniProtKB_AC-ID", "UniProtKB", "\n".join(ids))
    page = httpx.get(f"{api_url}/id-mapping/{job}").text
    assert "<dt>Ids not mapped</dt><dd>0</dd>" in page


def test_form_post_splits_deduplicates_and_redirects(api_url: str) -> None:
    job = submitted_job(api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637 P02340,\tP04637\n\n")
    details = httpx.get(f"{api_url}/idmapping/details/{job}").json()
    assert details["ids"] == "P04637,P02340"
    assert job == job_id("UniProtKB_AC-ID", "UniProtKB", "P04637,P02340", "")
    assert join_ids(" a,b\nc ", "b d") == "a,b,c,d"


def test_form_post_with_an_uploaded_file(api_url: str) -> None:
    response = httpx.post(
        f"{api_url}/id-mapping",
        data={"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": "P04637"},
        files={"file": ("ids.txt", b"K7PPA8\r\nP04637,Q6GZX4\n", "text/plain")},
    )
    assert response.status_code == 303
    job = response.headers["location"].rsplit("/", 1)[1]
    assert httpx.get(f"{api_url}/idmapping/details/{job}").json()["ids"] == "P04637,K7PPA8,Q6GZX4"


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        # the To list never offers this pair; a crafted request gets UniProt's message
        (
            {"from": "ChEMBL", "to": "UniParc", "ids": "CHEMBL4096"},
            [
                "The combination of &#39;from=ChEMBL&#39; and &#39;to=UniParc&#39; parameters is "
                "invalid"
            ],
        ),
        # an unknown database: both of UniProt's messages
        (
            {"from": "ACC123", "to": "UniProtKB", "ids": "P04637"},
            [
                "The parameter &#39;from&#39; has an invalid value &#39;ACC123&#39;.",
                "The combination of &#39;from=ACC123&#39; and &#39;to=UniProtKB&#39;",
            ],
        ),
        # nothing entered (only separators)
        (
            {"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": " ,\n"},
            ["Enter or upload at least one id."],
        ),
    ],
)
def test_form_post_errors_show_the_form_again(
    api_url: str, fields: dict[str, str], messages: list[str]
) -> None:
    response = post_form(api_url, **fields)
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "The job was not submitted" in response.text
    for message in messages:
        assert message in response.text
    # what was entered is kept (an unknown database cannot be selected)
    if fields["from"] != "ACC123":
        assert f'<option value="{fields["from"]}" selected>' in response.text
    assert f"{fields['ids']}</textarea>" in response.text


def test_form_post_over_the_id_limit(api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory(max_ids=3)
    form = httpx.get(f"{live.url}/id-mapping").text
    assert '"maxIds": 3' in form  # for the count checked before submitting
    response = post_form(
        live.url,
        **{
            "from": "UniProtKB_AC-ID",
            "to": "UniProtKB",
            "ids": "P04637 P02340 K7PPA8 Q6GZX4 P04637",
        },
    )
    assert response.status_code == 400
    assert (
        "&#39;3&#39; is the maximum count limit of comma separated items for &#39;ids&#39; "
        "param. You have passed &#39;4&#39; items."
    ) in response.text
    assert "P04637 P02340 K7PPA8 Q6GZX4 P04637</textarea>" in response.text


def test_taxon_is_sent_only_where_the_rule_allows_it(api_url: str) -> None:
    human = submitted_job(api_url, "Gene_Name", "UniProtKB", "TP53", taxId="9606")
    assert httpx.get(f"{api_url}/idmapping/details/{human}").json()["taxId"] == "9606"
    page = httpx.get(f"{api_url}/id-mapping/{human}").text
    assert "<dt>Taxon</dt><dd>9606</dd>" in page and "<dt>Results</dt><dd>2</dd>" in page
    ignored = submitted_job(api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637", taxId="10090")
    assert "taxId" not in httpx.get(f"{api_url}/idmapping/details/{ignored}").json()


def test_job_page_summary_and_paged_table(api_url: str, api_release: Any) -> None:
    job = submitted_job(api_url, "GeneID", "UniProtKB", f"{api_release.bulk_gene_id} 99999")
    page = httpx.get(f"{api_url}/id-mapping/{job}")
    assert page.status_code == 200 and unlabelled(page.text) == []
    html = page.text
    for term, value in (
        ("Ids submitted", "2"),
        ("Ids mapped", "1"),
        ("Ids not mapped", "1"),
        ("Results", "300"),
        ("Release", api_release.name),
    ):
        assert f"<dt>{term}</dt><dd>{value}</dd>" in html
    assert "Showing 1–25\nof 300 results" in html
    assert html.count('<th scope="row">') == 25
    next_url = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert next_url is not None and 'rel="prev"' not in html
    query = parse_qs(urlsplit(next_url.group(1).replace("&amp;", "&")).query)
    assert query["cursor"] == [encode_cursor(25)]
    second = httpx.get(f"{api_url}{next_url.group(1).replace('&amp;', '&')}").text
    assert "Showing 26–50" in second and 'rel="prev"' in second
    entry = api_release.bulk_accession(25)  # linked by UniProtKB's uriLink
    assert (
        f'<th scope="row">{api_release.bulk_gene_id}</th><td><a class="entry" '
        f'href="https://www.uniprot.org/uniprot/{entry}/entry">{entry}</a>'
        in second
    )
    # page size and columns, as the no-JavaScript forms send them (fields repeated)
    last = httpx.get(
        f"{api_url}/id-mapping/{job}",
        params=[
            ("size", "100"),
            ("cursor", encode_cursor(200)),
            ("fields", "accession"),
            ("fields", "uniparc_id"),
        ],
    ).text
    assert "Showing 201–300" in last and 'rel="next"' not in last
    head = last[last.index("<thead>"):last.index("</thead>")]
    assert [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(
        r'<th scope="col"[^>]*>.*?</th>', head)] == ["From", "Entry", "UniParc"]
    assert '<th scope="col" data-sort="accession">' in head  # UniParc's column is no sort
    assert '<th scope="col">UniParc</th>' in head
    assert '<input type="checkbox" name="fields" value="uniparc_id" checked>' in last


def test_job_page_with_bad_paging_says_why(api_url: str) -> None:
    job = submitted_job(api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637")
    page = httpx.get(f"{api_url}/id-mapping/{job}", params={"size": "501", "fields": "nope"})
    assert page.status_code == 400
    assert "&#39;size&#39; must be less than or equal to 500" in page.text
    assert 'id="results-table"' not in page.text


def test_plain_pairs_unmapped_file_and_api_urls(api_url: str) -> None:
    job = submitted_job(api_url, "UniProtKB_AC-ID", "GeneID", "P04637 NOPE_HUMAN Q6GZX4 X1")
    page = httpx.get(
        f"{api_url}/id-mapping/{job}", params={"api": "1", "format": "list", "compressed": "true"}
    ).text
    assert '<th scope="col">From</th><th scope="col">To</th>' in page
    assert "choose columns" not in page.lower()
    assert f'action="/idmapping/stream/{job}"' in page
    assert (
        f'id="stream-url" readonly value="{api_url}/idmapping/stream/{job}?compressed=true'
        '&amp;format=list"'
    ) in page
    assert "The paged end-point does not offer this format" in page  # no list on /results
    assert 'id="unmapped-ids" readonly rows="2">NOPE_HUMAN\nX1</textarea>' in page
    unmapped = httpx.get(f"{api_url}/id-mapping/{job}/unmapped")
    assert unmapped.text == "NOPE_HUMAN\nX1\n"
    assert unmapped.headers["content-disposition"] == f'attachment; filename="{job}_unmapped.txt"'
    stream = httpx.get(f"{api_url}/idmapping/stream/{job}?compressed=true&format=list")
    assert gzip.decompress(stream.content) == b"7157\n2947773\n"


def test_entry_api_urls_carry_the_columns(api_url: str) -> None:
    job = submitted_job(api_url, "UniProtKB_AC-ID", "UniParc", "P04637")
    page = httpx.get(f"{api_url}/id-mapping/{job}", params={"api": "1", "format": "json"}).text
    base = f"{api_url}/idmapping/uniparc/results"
    assert f'value="{base}/stream/{job}?fields=upi,accession&amp;format=json"' in page
    assert f'value="{base}/{job}?fields=upi,accession&amp;format=json&amp;size=500"' in page
    paged = httpx.get(f"{base}/{job}?fields=upi,accession&format=json&size=500").json()
    assert paged["results"][0]["to"]["uniParcId"] == "UPI000002ED67"


def test_unknown_job_is_a_404_page(api_url: str) -> None:
    page = httpx.get(f"{api_url}/id-mapping/nosuchjob")
    assert page.status_code == 404 and "Job not found" in page.text
    assert "kept 7 days after they were last submitted" in page.text
    assert httpx.get(f"{api_url}/id-mapping/nosuchjob/unmapped").status_code == 404


def test_running_job_refreshes_itself_without_javascript(
    api_server_factory: Callable[..., Any],
) -> None:
    live = api_server_factory()
    key = save_running_job(live, "UniProtKB_AC-ID", "UniProtKB", "P04637")
    page = httpx.get(f"{live.url}/id-mapping/{key}").text
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "This page updates itself" in page
    live.app.state.ctx.jobs.run(key)
    page = httpx.get(f"{live.url}/id-mapping/{key}").text
    assert "refresh" not in page and 'id="results-table"' in page


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        # over max_pairs: ERROR with code 40
        (
            {"max_pairs": 50},
            [
                "The job failed (code 40)",
                "Split your list into smaller parts",
                "more than 50 &#34;mapped to&#34; IDs",
            ],
        ),
        # over max_enrich: FINISHED with warning 21, plain pairs
        (
            {"max_enrich": 100},
            [
                "Warning (code 21)",
                "only the mapped ids are shown",
                '<th scope="col">From</th><th scope="col">To</th>',
            ],
        ),
    ],
)
def test_errors_and_warnings_in_words(
    api_server_factory: Callable[..., Any],
    api_release: Any,
    settings: dict[str, int],
    expected: list[str],
) -> None:
    live = api_server_factory(**settings)
    job = submitted_job(live.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    page = httpx.get(f"{live.url}/id-mapping/{job}").text
    for text in expected:
        assert text in page


def test_user_input_is_escaped(api_url: str) -> None:
    job = submitted_job(api_url, "UniProtKB_AC-ID", "UniProtKB", f'{XSS} "><img/src=x>')
    page = httpx.get(f"{api_url}/id-mapping/{job}").text
    assert "<script>alert" not in page and "<img/src" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\n&#34;&gt;&lt;img/src=x&gt;</textarea>" in page
    form = post_form(api_url, **{"from": "<b>", "to": "UniProtKB", "ids": XSS}).text
    assert "<b>" not in form.split("<main", 1)[1] and "&lt;script&gt;" in form


def test_static_files(api_url: str) -> None:
    for name, kind in (
        ("idmapping.css", "text/css"),
        ("idmapping.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ):
        response = httpx.get(f"{api_url}/static/{name}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    assert httpx.get(f"{api_url}/static/../pages.py").status_code == 404
    assert httpx.get(f"{api_url}/static/nope.js").status_code == 404


def save_running_job(live: Any, from_db: str, to_db: str, ids: str) -> str:
    """Store a job as RUNNING (as a worker holds it), without running it."""
    key = job_id(from_db, to_db, ids, "")
    now = time.time()
    live.app.state.ctx.store.save_job(
        Job(
            id=key,
            from_db=from_db,
            to_db=to_db,
            ids=ids,
            tax_id="",
            status=JobStatus.RUNNING,
            created=now,
            updated=now,
        )
    )
    return key


# =============================================================================================
# In a real browser: headless Chromium, driven by Playwright
# =============================================================================================


def submit_in_browser(page: Any, base: str, from_db: str, to_db: str, ids: str) -> str:
    page.goto(f"{base}/id-mapping")
    page.select_option("#from", from_db)
    page.select_option("#to", to_db)
    page.fill("#ids", ids)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/id-mapping/[0-9A-Za-z]+$"))
    return str(page.url.rsplit("/", 1)[1])


def test_browser_submit_page_columns_and_download(
    page: Any, api_url: str, api_release: Any, tmp_path: Path
) -> None:
    submit_in_browser(page, api_url, "GeneID", "UniProtKB", f"{api_release.bulk_gene_id} 99999")
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 25
    assert page.inner_text("#pager-info") == "Showing 1–25 of 300 results"
    page.click("a[rel=next]")
    assert page.inner_text("#pager-info") == "Showing 26–50 of 300 results"
    assert rows.first.locator("td").first.inner_text() == api_release.bulk_accession(25)
    # columns: drop Gene Names, add UniParc (keyboard only: the picker is plain HTML)
    page.locator("#columns summary").first.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Gene Names", exact=True).uncheck()
    page.get_by_label("UniParc", exact=True).check()
    page.click("#apply-columns")
    headers = page.locator("#results-table thead th").all_inner_texts()
    assert headers == ["From", "Entry", "Entry Name", "Reviewed", "Organism (ID)", "UniParc"]
    assert rows.first.locator("td").last.inner_text() == "UPI0000000001"
    page.screenshot(path=str(tmp_path / "job-page.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOT_FOR_LEAD), full_page=True)
    assert (tmp_path / "job-page.png").stat().st_size > 10_000
    page.select_option("#size", "100")
    page.click("nav.pager button")
    assert rows.count() == 100
    assert page.locator("#results-table thead th").last.inner_text() == "UniParc"
    # download: every result, the chosen columns, TSV
    with page.expect_download() as waiting:
        page.click("#download-button")
    download = waiting.value
    assert download.suggested_filename.endswith(".tsv")
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0] == "From\tEntry\tEntry Name\tReviewed\tOrganism (ID)\tUniParc"
    assert len(lines) == 301
    assert lines[1] == (
        f"{api_release.bulk_gene_id}\t{api_release.bulk_accession(0)}\t"
        f"{api_release.bulk_accession(0)}_HUMAN\tunreviewed\t9606\tUPI0000000001"
    )
    # compressed JSON
    page.check("input[name=format][value=json]")
    page.check("input[name=compressed]")
    with page.expect_download() as waiting:
        page.click("#download-button")
    assert waiting.value.suggested_filename.endswith(".json.gz")
    assert gzip.decompress(Path(waiting.value.path()).read_bytes()).startswith(b'{"results":[')
    # the API URLs, absolute, for the same choices
    page.click("#api-button")
    stream = page.input_value("#stream-url")
    assert stream.startswith(f"{api_url}/idmapping/uniprotkb/results/stream/")
    assert stream.endswith(
        "?fields=accession,id,reviewed,organism_id,uniparc_id&compressed=true&format=json"
    )
    assert page.input_value("#paged-url").endswith("&format=json&size=500")


def test_browser_to_choices_follow_from_and_taxon_field(page: Any, api_url: str) -> None:
    page.goto(f"{api_url}/id-mapping")
    assert page.is_hidden("#taxon-field")
    assert page.input_value("#to") == "UniProtKB"
    page.select_option("#to", "UniParc")
    page.select_option("#from", "ChEMBL")
    assert page.input_value("#to") == "UniProtKB"  # back to the rule's defaultTo
    assert page.locator("#to option[value=UniParc]").is_disabled()
    enabled = page.locator("#to option:not([disabled])").all_inner_texts()
    assert enabled == ["UniProtKB", "UniProtKB/Swiss-Prot"]
    page.select_option("#from", "Gene_Name")
    assert page.is_visible("#taxon-field")
    page.fill("#taxId", "9606")
    page.fill("#ids", "TP53")
    page.click("#submit")
    page.wait_for_selector("#summary")
    assert "9606" in page.inner_text("#summary")
    page.goto(f"{api_url}/id-mapping")
    page.select_option("#from", "UniRef90")
    assert page.is_hidden("#taxon-field")
    assert page.locator("#to option:not([disabled])").all_inner_texts() == [
        "UniProtKB",
        "UniProtKB/Swiss-Prot",
        "UniRef90",
    ]


def test_browser_without_javascript_posts_the_form(browser: Any, api_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{api_url}/id-mapping")
        assert tab.is_visible("#taxon-field")  # nothing hides it without JavaScript
        tab.select_option("#from", "ChEMBL")
        tab.select_option("#to", "UniParc")  # not limited without JavaScript
        tab.fill("#ids", "CHEMBL4096")
        tab.click("#submit")
        alert = tab.inner_text("#form-errors")
        assert "The combination of 'from=ChEMBL' and 'to=UniParc' parameters is invalid" in alert
        tab.select_option("#to", "UniProtKB")
        tab.click("#submit")
        tab.wait_for_selector("#results-table")
        assert tab.locator("#results-table tbody th").all_inner_texts() == ["CHEMBL4096"]
    finally:
        context.close()


def test_browser_examples_count_and_limit(
    page: Any, api_server_factory: Callable[..., Any], api_release_files: list[Path]
) -> None:
    live = api_server_factory(max_ids=4)
    page.goto(f"{live.url}/id-mapping")
    page.select_option("#from", "Gene_Name")
    page.click("#example-link")
    genes = page.input_value("#ids").split("\n")
    assert genes and set(genes) <= set().union(*(
        _release_values(api_release_files, kind)
        for kind in ("Gene_Name", "Gene_OrderedLocusName", "Gene_ORFName")))
    page.select_option("#from", "PDB")
    page.click("#example-link")
    pdb = page.input_value("#ids").split("\n")
    assert pdb and set(pdb) <= _release_values(api_release_files, "PDB")
    page.fill("#ids", "a b,c\tb\na")
    assert page.inner_text("#ids-count") == "3 ids (2 duplicates removed)"
    page.fill("#ids", "a b c d e")
    assert "more than the limit of 4" in page.inner_text("#ids-count")
    page.click("#submit")
    assert page.url == f"{live.url}/id-mapping"  # not submitted
    page.set_input_files(
        "#file",
        files=[{"name": "ids.txt", "mimeType": "text/plain", "buffer": b"P04637\nP02340\n"}],
    )
    page.fill("#ids", "")
    page.set_input_files(
        "#file",
        files=[
            {"name": "ids.txt", "mimeType": "text/plain", "buffer": b"P04637\nP02340\nP04637\n"}
        ],
    )
    page.wait_for_function("document.getElementById('ids').value.includes('P02340')")
    assert page.inner_text("#ids-count") == "2 ids (1 duplicate removed)"


def test_browser_unmapped_ids_and_recent_jobs(page: Any, api_url: str) -> None:
    page.goto(f"{api_url}/id-mapping")
    assert page.inner_text("#recent-list") == "No jobs submitted in this browser yet."
    first = submit_in_browser(page, api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637 NOPE1 NOPE2")
    assert page.input_value("#unmapped-ids") == "NOPE1\nNOPE2"
    assert page.is_visible("#unmapped button[data-copy]")
    with page.expect_download() as waiting:
        page.click("#unmapped a[download]")
    assert Path(waiting.value.path()).read_text() == "NOPE1\nNOPE2\n"
    second = submit_in_browser(page, api_url, "UniProtKB_AC-ID", "UniParc", "P04637")
    page.goto(f"{api_url}/id-mapping")
    items = page.locator("#recent-list li")
    assert items.count() == 2
    assert items.nth(0).locator("a").get_attribute("href") == f"/id-mapping/{second}"
    text = items.nth(1).inner_text()
    assert "UniProtKB AC/ID → UniProtKB" in text and f"job {first}" in text
    assert "3 ids" in text and "expires in 7 days" in text
    items.nth(0).get_by_role("button", name=f"Remove job {second} from this list").click()
    assert items.count() == 1
    page.click("#recent-clear")
    assert page.inner_text("#recent-list") == "No jobs submitted in this browser yet."


def test_browser_script_in_ids_is_only_text(page: Any, api_url: str) -> None:
    job = submit_in_browser(page, api_url, "UniProtKB_AC-ID", "UniProtKB", f"{XSS} P04637")
    assert page.input_value("#unmapped-ids") == XSS
    page.goto(f"{api_url}/id-mapping")
    assert f"job {job}" in page.inner_text("#recent-list")
    page.goto(f"{api_url}/id-mapping?ids={XSS}&from=%3Cimg%20src=x%20onerror=alert(2)%3E")
    assert page.input_value("#ids") == XSS
    assert page.input_value("#from") == "UniProtKB_AC-ID"  # the unknown choice is not kept
    page.click("#submit")
    page.wait_for_selector("#unmapped-ids")
    assert page.input_value("#unmapped-ids") == XSS
    # the page fixture fails the test if any dialog fired


def test_browser_polls_a_running_job(page: Any, api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory()
    key = save_running_job(live, "UniProtKB_AC-ID", "UniProtKB", "P04637,K7PPA8")
    page.goto(f"{live.url}/id-mapping/{key}")
    assert "This page updates itself" in page.inner_text("#job-running")
    live.app.state.ctx.jobs.run(key)
    page.wait_for_selector("#results-table")
    assert page.locator("#results-table tbody th").all_inner_texts() == ["P04637", "K7PPA8"]


def test_browser_narrow_screen(page: Any, api_url: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    submit_in_browser(page, api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637 P02340")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # the table scrolls inside its box, the page does not
    table = page.locator("#results-table").bounding_box()
    region = page.locator("#results .scroll").bounding_box()
    assert table is not None and region is not None
    assert table["width"] > region["width"] <= 360
    # the From and To choices stack on a narrow screen
    page.goto(f"{api_url}/id-mapping")
    from_box, to_box = (page.locator(f"#{name}").bounding_box() for name in ("from", "to"))
    assert from_box is not None and to_box is not None
    assert to_box["y"] > from_box["y"] and to_box["x"] == from_box["x"]
