"""Plain results over real HTTP: paging, formats, compression, streams (§2.5)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

import httpx
import pytest
import requests

LINK_RE = re.compile(r'<(.+)>; rel="next"')


def submit(base: str, from_db: str, to_db: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={"from": from_db, "to": to_db, "ids": ids})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


@pytest.fixture(scope="module")
def bulk_job(api_url: str, api_release: Any) -> str:
    """GeneID → UniProtKB for the bulk gene: api_release.bulk_size results, and a failed id."""
    return submit(api_url, "GeneID", "UniProtKB", f"{api_release.bulk_gene_id},99999999")


def next_url(response: httpx.Response) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    match = LINK_RE.match(link)  # clients match from the start: it must begin with "<"
    assert match is not None, link
    return match.group(1)


def all_pages(url: str) -> list[httpx.Response]:
    pages = []
    next_page: str | None = url
    while next_page is not None:
        response = httpx.get(next_page)
        assert response.status_code == 200, response.text
        pages.append(response)
        next_page = next_url(response)
    return pages


# --- paging ----------------------------------------------------------------------------------


def test_pages_follow_link_to_the_last(api_url: str, bulk_job: str, api_release: Any) -> None:
    pages = all_pages(f"{api_url}/idmapping/results/{bulk_job}")
    total = api_release.bulk_size
    assert len(pages) == -(-total // 25)
    first = pages[0]
    assert first.headers["x-total-results"] == str(total)
    # UniProt's first cursor, then size, appended last
    assert first.headers["link"] == (
        f'<{api_url}/idmapping/results/{bulk_job}?cursor=3v5g94y9lqs&size=25>; rel="next"'
    )
    assert "link" not in pages[-1].headers
    results = [row for page in pages for row in page.json()["results"]]
    expected = {api_release.bulk_accession(n) for n in range(total)}
    assert len(results) == total and {r["to"] for r in results} == expected
    assert all(r["from"] == api_release.bulk_gene_id for r in results)
    # failedIds are repeated on every page, as UniProt does (bioservices#348)
    assert all(page.json()["failedIds"] == ["99999999"] for page in pages)
    assert list(first.json()) == ["results", "failedIds"]


def test_pages_keep_other_parameters(api_url: str, bulk_job: str) -> None:
    response = httpx.get(
        f"{api_url}/idmapping/results/{bulk_job}",
        params={"format": "tsv", "pageSize": "7", "size": "100"},
    )
    assert response.status_code == 200  # unknown parameters are ignored
    assert next_url(response) == (
        f"{api_url}/idmapping/results/{bulk_job}?format=tsv"
        f"&pageSize=7&cursor={_cursor(100)}&size=100"
    )


def _cursor(offset: int) -> str:
    number = int.from_bytes(f"{offset},NEXT".encode(), "big")
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits


@pytest.mark.parametrize(
    ("params", "messages"),
    [
        ({"size": "501"}, ["'size' must be less than or equal to 500"]),
        ({"size": "-1"}, ["'size' must be greater than or equal to 0"]),
        ({"cursor": "!!"}, ["The parameter 'cursor' has an invalid value '!!'."]),
        (
            {"size": "600", "cursor": "zz"},
            [
                "'size' must be less than or equal to 500",
                "The parameter 'cursor' has an invalid value 'zz'.",
            ],
        ),
    ],
)
def test_page_parameter_errors(
    api_url: str, bulk_job: str, params: dict[str, str], messages: list[str]
) -> None:
    response = httpx.get(f"{api_url}/idmapping/results/{bulk_job}", params=params)
    assert response.status_code == 400
    assert response.json()["messages"] == messages


def test_a_repeated_parameter_counts_by_its_last_value(api_url: str, bulk_job: str) -> None:
    # the route reads its parameters itself (not by FastAPI): as FastAPI, the last one counts
    response = httpx.get(f"{api_url}/idmapping/results/{bulk_job}?size=501&size=3&format=tsv"
                         "&format=json")
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]) == 3


def test_results_parameters_documented_as_fastapi_declares_them(api_url: str) -> None:
    # the results route declares its query parameters to the OpenAPI document itself
    # (text_parameters): each as FastAPI writes the same parameter of the other routes
    paths = httpx.get(f"{api_url}/openapi.json").json()["paths"]

    def parameters(path: str) -> dict[str, Any]:
        return {p["name"]: p for p in paths[path]["get"]["parameters"]}

    results = parameters("/idmapping/results/{job_id}")
    stream = parameters("/idmapping/stream/{job_id}")
    explain = parameters("/idmapping/explain/{job_id}")
    assert list(results) == ["job_id", "format", "compressed", "size", "cursor"]
    assert [results[n] for n in ("job_id", "format", "compressed")] == [
        stream[n] for n in ("job_id", "format", "compressed")]
    assert [results[n] for n in ("size", "cursor")] == [explain[n] for n in ("size", "cursor")]


def test_size_zero_and_a_cursor_past_the_end(api_url: str, bulk_job: str, api_release: Any) -> None:
    empty = httpx.get(f"{api_url}/idmapping/results/{bulk_job}", params={"size": "0"})
    assert empty.json() == {"results": [], "failedIds": ["99999999"]}
    assert empty.headers["x-total-results"] == str(api_release.bulk_size)
    past = httpx.get(f"{api_url}/idmapping/results/{bulk_job}", params={"cursor": _cursor(1000)})
    assert past.json()["results"] == [] and "link" not in past.headers


def test_last_page_size_500(api_url: str, bulk_job: str, api_release: Any) -> None:
    response = httpx.get(f"{api_url}/idmapping/results/{bulk_job}", params={"size": "500"})
    assert len(response.json()["results"]) == api_release.bulk_size
    assert "link" not in response.headers


def test_head_on_results_gives_the_headers(api_url: str, bulk_job: str, api_release: Any) -> None:
    head = httpx.head(f"{api_url}/idmapping/results/{bulk_job}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["x-total-results"] == str(api_release.bulk_size)
    assert "cursor=3v5g94y9lqs" in head.headers["link"]


# --- formats -----------------------------------------------------------------------------------


def test_tsv_pages_each_start_with_the_header(
    api_url: str, bulk_job: str, api_release: Any
) -> None:
    pages = all_pages(f"{api_url}/idmapping/results/{bulk_job}?format=tsv&size=100")
    assert len(pages) == 3
    for page in pages:
        assert page.headers["content-type"] == "text/plain;format=tsv"
        assert page.text.startswith("From\tTo\n")
    rows = [line for page in pages for line in page.text.splitlines()[1:]]
    assert len(rows) == api_release.bulk_size
    assert rows[0] == f"{api_release.bulk_gene_id}\t{api_release.bulk_accession(0)}"


def test_compressed_pages_are_raw_gzip(api_url: str, bulk_job: str) -> None:
    plain = httpx.get(f"{api_url}/idmapping/results/{bulk_job}?format=tsv&size=50")
    # requests would undo a Content-Encoding; UniProt's clients gunzip the body themselves
    packed = requests.get(
        f"{api_url}/idmapping/results/{bulk_job}",
        params={"format": "tsv", "size": "50", "compressed": "true"},
        timeout=10,
    )
    assert "content-encoding" not in packed.headers
    assert packed.content[:2] == b"\x1f\x8b"
    assert zlib.decompress(packed.content, 16 + zlib.MAX_WBITS) == plain.content
    assert packed.headers["x-total-results"] == plain.headers["x-total-results"]
    assert "compressed=true" in packed.headers["link"]
    # only "true" (any case) compresses; UniProt refuses no value of compressed
    upper = requests.get(f"{api_url}/idmapping/results/{bulk_job}",
                         params={"format": "tsv", "size": "50", "compressed": "TRUE"},
                         timeout=10)
    assert zlib.decompress(upper.content, 16 + zlib.MAX_WBITS) == plain.content
    for value in ("yes", "1", "", "false"):
        other = httpx.get(f"{api_url}/idmapping/results/{bulk_job}",
                          params={"format": "tsv", "size": "50", "compressed": value})
        assert other.status_code == 200 and other.content == plain.content


def test_xlsx_page_opens(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "PDB", "P04637")
    response = httpx.get(f"{api_url}/idmapping/results/{job}?format=xlsx")
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r"<t>([^<]*)</t>", sheet) == [
        "From",
        "To",
        "P04637",
        "1A1U",
        "P04637",
        "1AIE",
    ]


@pytest.mark.parametrize(
    ("params", "headers", "content_type"),
    [
        ({}, {}, "application/json"),  # no Accept: JSON
        ({}, {"accept": "*/*"}, "application/json"),
        ({}, {"accept": "text/html,application/xhtml+xml"}, "application/json"),  # browsers
        ({}, {"accept": "text/plain;format=tsv"}, "text/plain;format=tsv"),
        ({"format": "json"}, {"accept": "text/plain;format=tsv"}, "application/json"),
        ({"format": "tsv"}, {"accept": "application/json"}, "text/plain;format=tsv"),
    ],
)
def test_format_overrides_accept(
    api_url: str, params: dict[str, str], headers: dict[str, str], content_type: str
) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637")
    response = httpx.get(f"{api_url}/idmapping/results/{job}", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_unknown_and_unsupported_formats(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637")
    unknown = httpx.get(f"{api_url}/idmapping/results/{job}?format=foo")
    assert unknown.status_code == 400
    assert unknown.json()["messages"] == [
        "Invalid request received. Requested media type/format not accepted: 'foo'."
    ]
    listed = httpx.get(f"{api_url}/idmapping/results/{job}?format=list")  # list: stream only
    assert listed.json()["messages"] == [
        "Invalid request received. Requested media type/format not accepted, 'list'. Valid "
        "media types/formats for this end-point include: text/plain;format=tsv, "
        "application/json, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet."
    ]


def test_errors_of_text_formats_are_text(api_url: str) -> None:
    response = httpx.get(f"{api_url}/idmapping/stream/nosuchjob?format=list")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain;format=list"
    assert response.text == "Error messages\nResource not found"
    tsv = httpx.get(
        f"{api_url}/idmapping/results/nosuchjob", headers={"accept": "text/plain;format=tsv"}
    )
    assert tsv.text == "Error messages\nResource not found"


# --- streams -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["stream", "results/stream"])
def test_stream_json_is_only_results(
    api_url: str, bulk_job: str, api_release: Any, path: str
) -> None:
    response = httpx.get(f"{api_url}/idmapping/{path}/{bulk_job}")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["results"]  # no failedIds in streams
    assert len(body["results"]) == api_release.bulk_size
    assert "x-total-results" not in response.headers and "link" not in response.headers


def test_stream_formats_agree(api_url: str, bulk_job: str, api_release: Any) -> None:
    stream = f"{api_url}/idmapping/stream/{bulk_job}"
    expected = [api_release.bulk_accession(n) for n in range(api_release.bulk_size)]
    listed = httpx.get(stream, params={"format": "list"})
    assert listed.headers["content-type"] == "text/plain;format=list"
    assert listed.text.splitlines() == expected
    tsv = httpx.get(stream, params={"format": "tsv"}).text.splitlines()
    assert tsv[0] == "From\tTo" and [line.split("\t")[1] for line in tsv[1:]] == expected
    packed = httpx.get(stream, params={"format": "tsv", "compressed": "true"})
    assert "content-encoding" not in packed.headers
    assert zlib.decompress(packed.content, 16 + zlib.MAX_WBITS).decode().splitlines() == tsv
    book = httpx.get(stream, params={"format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(book.content)) as opened:
        assert "xl/worksheets/sheet1.xml" in opened.namelist()
        sheet = opened.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 1 + api_release.bulk_size


def test_stream_download(api_url: str, bulk_job: str) -> None:
    response = httpx.get(
        f"{api_url}/idmapping/stream/{bulk_job}",
        params={"format": "tsv", "download": "true", "compressed": "true"},
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('form-data; name="attachment"; filename="idmapping_')
    assert disposition.endswith('.tsv.gz"')
    plain = httpx.get(f"{api_url}/idmapping/stream/{bulk_job}", params={"download": "false"})
    assert "content-disposition" not in plain.headers
    bad = httpx.get(f"{api_url}/idmapping/stream/{bulk_job}", params={"download": "1"})
    assert bad.status_code == 400
    assert bad.json()["messages"] == [
        "The 'download' parameter has invalid format. It should be a boolean true or false."
    ]
    head = httpx.head(f"{api_url}/idmapping/stream/{bulk_job}?format=tsv")
    assert head.status_code == 200 and head.content == b""


def test_obsolete_and_failed_ids_on_every_page(api_url: str) -> None:
    # a deleted accession maps to itself as obsolete; an unknown one fails
    job = submit(api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637,A0AV18,Q15086,NOPE1")
    body = httpx.get(f"{api_url}/idmapping/results/{job}?size=1").json()
    assert list(body) == ["results", "failedIds", "obsoleteCount"]
    assert body["failedIds"] == ["NOPE1"] and body["obsoleteCount"] == 1
    everything = httpx.get(f"{api_url}/idmapping/results/{job}").json()["results"]
    # the secondary accession Q15086 maps to its primary entry
    assert everything == [
        {"from": "P04637", "to": "P04637"},
        {"from": "A0AV18", "to": "A0AV18"},
        {"from": "Q15086", "to": "P04637"},
    ]
