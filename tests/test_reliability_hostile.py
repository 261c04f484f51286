"""Hostile input: generated requests against the OpenAPI document, properties of the parsers,
oversized bodies and ids, injection in every parameter, script in what the page shows.

Nothing may make the server answer 5xx, break UniProt's error shape, take unbounded time, or
echo input unescaped into HTML or unencoded into a header. The schemathesis run makes about
10,000 requests in the full run (``IDMAPPING_RELIABILITY=full``), a few hundred in CI.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import LiveServer, api_settings, make_api_store, start_server
from idmapping.errors import InvalidInput, InvalidRequest
from idmapping.ids import (
    check_lengths,
    decode_ids,
    parse_uniprot,
    parse_value,
    split_api_ids,
    split_text_ids,
)
from idmapping.results.paging import MAX_CURSOR_LENGTH, MAX_OFFSET, decode_cursor, encode_cursor
from idmapping.store import query
from idmapping.web import create_app
from reliability import record, scale

# ---------------------------------------------------------------------------------------------
# A server of its own, with a few finished jobs for the generated requests to find


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, api_release_files: list[Path]
            ) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    directory = tmp_path_factory.mktemp("hostile")
    with make_api_store(directory, api_release_files, "sqlite") as store:
        live = start_server(create_app(api_settings(store, max_body_bytes=1 << 20), store))
        jobs = {}
        with httpx.Client(base_url=live.url) as client:
            for to in ("UniProtKB", "GeneID", "UniRef90", "UniParc"):
                response = client.post("/idmapping/run", data={
                    "from": "UniProtKB_AC-ID", "to": to, "ids": "P04637,P02340,K7PPA8,X"})
                jobs[to] = response.json()["jobId"]
        yield live, jobs
        live.stop()


@pytest.fixture(scope="module")
def hostile_url(hostile: tuple[LiveServer, dict[str, str]]) -> str:
    return hostile[0].url


@pytest.fixture(scope="module")
def hostile_jobs(hostile: tuple[LiveServer, dict[str, str]]) -> dict[str, str]:
    return hostile[1]


@pytest.fixture(scope="module")
def openapi(hostile_url: str) -> Any:
    return schemathesis.openapi.from_url(hostile_url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("openapi")
GENERATED: list[int] = []
PER_OPERATION = scale(60, 2000)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
VALID_PAIRS = [("UniProtKB_AC-ID", "UniProtKB"), ("Gene_Name", "UniProtKB"),
               ("UniProtKB_AC-ID", "GeneID"), ("EMBL-GenBank-DDBJ", "UniParc")]


def _pick(value: Any, options: list[Any]) -> Any:
    """Often one of *options* (a real job, a valid pair), else the generated value."""
    bucket = zlib.crc32(repr(value).encode()) % (len(options) + 1)
    return options[bucket - 1] if bucket else value


def _aim(case: Any, jobs: dict[str, str]) -> None:
    """Point generated requests at real jobs and valid pairs, so they reach the engine."""
    params = case.path_parameters or {}
    if "job_id" in params:
        params["job_id"] = _pick(params["job_id"], list(jobs.values()))
    if "dataset" in params:
        params["dataset"] = _pick(params["dataset"], ["uniprotkb", "uniref", "uniparc"])
    if isinstance(case.body, dict) and "ids" in case.body:
        pair = _pick(case.body.get("ids"), VALID_PAIRS)
        if isinstance(pair, tuple):
            case.body["from"], case.body["to"] = pair
            case.body["ids"] = f"P04637,{case.body['ids']}"


@schema.parametrize()
@settings(max_examples=PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_generated_requests(case: Any, hostile_jobs: dict[str, str]) -> None:
    _aim(case, hostile_jobs)
    GENERATED.append(1)
    response = case.call(timeout=60)
    checks = CHECKS
    if response.content[:2] == b"\x1f\x8b":
        # compressed=true: gzip bytes under the format's own media type, as UniProt sends
        # them (no Content-Encoding), which no schema describes
        checks = [not_a_server_error, status_code_conformance]
    case.validate_response(response, checks=checks)


def test_generated_requests_were_many() -> None:
    # after the generated tests (pytest runs a module's tests in order)
    assert len(GENERATED) >= 8 * min(PER_OPERATION, 20)
    record("schemathesis", requests=len(GENERATED), operations=8, server_errors=0,
           schema_violations=0)


# ---------------------------------------------------------------------------------------------
# Properties of the parsers: never a crash, only the library's own errors, in bounded time

FAST = settings(max_examples=scale(300, 5000), deadline=None, derandomize=True)
hostile_text = st.text(st.characters(codec="utf-8"), max_size=300) | st.from_regex(
    r"[A-Z0-9_\-\.\[\], \t\n]{0,60}", fullmatch=True)


@FAST
@given(hostile_text)
def test_id_parsers_never_crash(text: str) -> None:
    for part in split_api_ids(text) + split_text_ids(text):
        ident = parse_uniprot(part)
        assert ident.key == ident.key.upper()
        assert ident.text and part.startswith(ident.text[:1])
        value = parse_value(part, versioned=True)
        assert value.key == value.key.lower()
    try:
        check_lengths(split_api_ids(text), 50)
    except InvalidInput:
        pass


@FAST
@given(st.binary(max_size=500))
def test_decode_ids_takes_any_bytes(data: bytes) -> None:
    try:
        ids = decode_ids(data, 100)
    except InvalidInput:
        return
    assert all(i and "," not in i and not any(c.isspace() for c in i) for i in ids)


@FAST
@given(st.text(max_size=200))
def test_split_api_ids_is_the_regex_split(text: str) -> None:
    stripped = text.strip()
    expected = [i for i in re.split(r"\s*,\s*", stripped) if i] if stripped else []
    assert split_api_ids(text) == expected


@pytest.mark.parametrize("ids", [
    "a" + " " * 2_000_000 + "b",  # whitespace that no comma follows (was quadratic)
    " ,".join(["x"] * 200_000),
    "P04637" + "\t" * 1_000_000,
], ids=["spaces", "commas", "tabs"])
def test_splitting_adversarial_ids_takes_bounded_time(ids: str) -> None:
    started = time.perf_counter()
    split_api_ids(ids)
    split_text_ids(ids)
    assert time.perf_counter() - started < 1.0


@FAST
@given(st.text(max_size=80) | st.from_regex(r"[0-9a-z]{1,70}", fullmatch=True))
def test_decode_cursor_never_crashes(cursor: str) -> None:
    try:
        offset = decode_cursor(cursor)
    except InvalidRequest as exc:
        assert len(exc.messages[0]) < MAX_CURSOR_LENGTH + 80  # echoes a short prefix at most
        return
    assert offset >= 0
    assert decode_cursor(encode_cursor(offset)) == offset


@FAST
@given(st.integers(0, MAX_OFFSET))
def test_cursor_round_trip(offset: int) -> None:
    assert decode_cursor(encode_cursor(offset)) == offset


def test_huge_cursor_is_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidRequest):
        decode_cursor("z" * 10_000_000)
    assert time.perf_counter() - started < 0.5


# The query parser (luqum, idmapping.store.query) arrived with full entries.
query_text = st.recursive(
    st.from_regex(r"[a-z_]{1,8}:[A-Za-z0-9*?]{1,8}|[A-Za-z0-9*]{1,6}|\"[a-z ]{0,8}\"",
                  fullmatch=True),
    lambda inner: st.tuples(inner, st.sampled_from([" AND ", " OR ", " ", " NOT "]), inner)
    .map("".join) | inner.map(lambda q: f"({q})") | inner.map(lambda q: f"-{q}"),
    max_leaves=12) | st.text(max_size=60)


@FAST
@given(query_text, st.sampled_from(["uniprotkb", "uniref", "uniparc"]))
def test_query_parser_never_crashes(text: str, dataset: str) -> None:
    try:
        where, params = query.parse_query(dataset, text)
    except InvalidRequest:
        return
    assert where.count("?") == len(params)  # values are parameters, never SQL text


@pytest.mark.parametrize("text", ["(" * 5000 + "gene:a" + ")" * 5000, "NOT " * 3000 + "a"],
                         ids=["parentheses", "not"])
def test_deeply_nested_query_is_refused(text: str) -> None:
    """A query nested thousands deep (it fits in a URL) is a 400, not a RecursionError."""
    with pytest.raises(InvalidRequest):
        query.parse_query("uniprotkb", text)


def test_long_flat_query_takes_bounded_time() -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidRequest):
        query.parse_query("uniprotkb", " OR ".join(["nosuchfield:x"] * 2000))
    with pytest.raises(InvalidRequest):  # over MAX_QUERY_LENGTH: refused before it is parsed
        query.parse_query("uniprotkb", " AND ".join(["gene:a"] * 2000))
    query.parse_query("uniprotkb", " AND ".join(["gene:a"] * query.MAX_QUERY_TERMS))
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------------------------------------
# Over HTTP: sizes, injection in every parameter, traversal, headers, script on the page

SQL = ["' OR '1'='1", "1; DROP TABLE jobs; --", '" OR ""="', "%' --", "P04637') --",
       "\\x27 UNION SELECT * FROM job_results --", "*", "%", "_"]


def _error_shape(response: httpx.Response, status: int) -> list[str]:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"url", "messages"} and body["messages"], body
    return list(body["messages"])


def test_oversized_body_is_413(hostile_url: str) -> None:
    big = "P04637," * 200_000  # 1.4 MB against a 1 MiB limit
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        for kind in ("urlencoded", "multipart"):
            if kind == "urlencoded":
                response = client.post("/idmapping/run", data={
                    "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": big})
            else:
                response = client.post("/idmapping/run", files={"ids": ("ids.txt", big)},
                                       data={"from": "UniProtKB_AC-ID", "to": "UniProtKB"})
            messages = _error_shape(response, 413)
            assert "larger than the limit of 1048576 bytes" in messages[0]
        # no Content-Length (chunked): refused as it is read
        response = client.post("/idmapping/run", content=(b"ids=" + b"x" * 65536
                                                           for _ in range(20)),
                               headers={"content-type": "application/x-www-form-urlencoded"})
        _error_shape(response, 413)


def test_oversized_and_binary_ids_are_400(hostile_url: str) -> None:
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        for ids, words in (("P" * 1001, "longer than 1000"), ("P04637\x00", "control"),
                           ("P04637\r\nSet-Cookie: a=b", "control")):
            response = client.post("/idmapping/run", data={
                "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ids})
            assert words in _error_shape(response, 400)[0]


@pytest.mark.parametrize("value", SQL)
def test_sql_in_every_parameter(hostile_url: str, hostile_jobs: dict[str, str], value: str
                                ) -> None:
    job = hostile_jobs["UniProtKB"]
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        # as ids: looked up as values, so they map to nothing and come back as failed ids
        response = client.post("/idmapping/run", data={
            "from": "Gene_Name", "to": "UniProtKB", "ids": f"TP53,{value}", "taxId": value})
        assert response.status_code == 200, response.text
        results = client.get(f"/idmapping/stream/{response.json()['jobId']}",
                             params={"format": "json"})
        assert results.status_code == 200
        response = client.post("/idmapping/run", data={
            "from": "Gene_Name", "to": "UniProtKB", "ids": f"TP53,{value}"})
        found = client.get(f"/idmapping/results/{response.json()['jobId']}").json()
        assert {r["from"] for r in found["results"]} == {"TP53"}
        assert value.strip() in found["failedIds"]
        # as from, to: UniProt's messages, echoing the value inside JSON only
        response = client.post("/idmapping/run", data={"from": value, "to": value, "ids": "x"})
        assert f"'from' has an invalid value '{value}'" in _error_shape(response, 400)[0]
        # as fields, cursor, size: a 400 with the error shape
        for name in ("fields", "cursor", "size"):
            response = client.get(f"/idmapping/uniprotkb/results/{job}", params={name: value})
            _error_shape(response, 400)
        # as query and sort: a 400, or (a valid Lucene query) a filter that keeps no more
        # than the job's own results
        everything = client.get(f"/idmapping/uniprotkb/results/{job}").json()["results"]
        for name in ("query", "sort"):
            response = client.get(f"/idmapping/uniprotkb/results/{job}", params={name: value})
            if response.status_code == 200:
                kept = response.json()["results"]
                assert all(r in everything for r in kept) and len(kept) <= len(everything)
            else:
                _error_shape(response, 400)
        response = client.get(f"/idmapping/results/{job}", params={"format": value})
        assert response.status_code == 400


@pytest.mark.parametrize("path", [
    "/idmapping/status/..%2F..%2Fetc%2Fpasswd", "/idmapping/results/..%2f..%2fpyproject.toml",
    "/idmapping/stream/%2e%2e%2f%2e%2e%2fREADME.md", "/idmapping/details/....//....//etc",
    "/static/..%2F__init__.py", "/static/%2e%2e%2fpages.py", "/static/../../settings.py",
    "/static/idmapping.js%00.py", "/id-mapping/..%2F..%2Fetc%2Fpasswd",
    "/idmapping/uniprotkb/results/..%2F..%2Fjobs", "/idmapping/..%2F..%2Fetc/results/x",
])
def test_path_traversal_finds_nothing(hostile_url: str, path: str) -> None:
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        response = client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert b"import " not in response.content and b"root:" not in response.content


def test_no_header_injection_through_echoed_urls(hostile_url: str, hostile_jobs: dict[str, str]
                                                 ) -> None:
    job = hostile_jobs["GeneID"]
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        # CR LF encoded in a parameter that the Link header echoes
        response = client.get(f"/idmapping/results/{job}?size=1&x=%0d%0aSet-Cookie:%20a=b")
        link = response.headers["link"]
        assert "\r" not in link and "\n" not in link and "%0D%0A" in link.upper()
        assert "set-cookie" not in response.headers
        # a forged forwarded host or scheme cannot add text to Location or Link
        forged = {"x-forwarded-host": 'evil.example>; rel="next", <http://x',
                  "x-forwarded-proto": "javascript"}
        response = client.get(f"/idmapping/status/{job}", headers=forged)
        assert response.headers["location"].startswith(hostile_url + "/idmapping/")
        response = client.get(f"/idmapping/results/{job}?size=1", headers=forged)
        assert response.headers["link"].startswith(f"<{hostile_url}/idmapping/")
        assert response.headers["link"].count("<") == 1
        # a plain forwarded host (a real proxy's) is still honoured
        response = client.get(f"/idmapping/status/{job}",
                              headers={"x-forwarded-host": "idmapping.example.org:8443",
                                       "x-forwarded-proto": "https"})
        assert response.headers["location"].startswith("https://idmapping.example.org:8443/")


def test_script_in_ids_and_file_names_is_escaped(hostile_url: str) -> None:
    script = "<script>alert(1)</script>"
    with httpx.Client(base_url=hostile_url, timeout=60, follow_redirects=False) as client:
        response = client.post("/id-mapping", data={
            "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": f"P04637 {script}"},
            files={"file": (f'{script}".txt', f"<img src=x onerror=alert(2)>\n{script}")})
        assert response.status_code == 303, response.text[:300]
        page = client.get(response.headers["location"])
        for _ in range(100):  # bounded: a small job is finished at once; poll a little anyway
            if "Not mapped" in page.text:
                break
            time.sleep(0.05)
            page = client.get(response.headers["location"])
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "script-src" in page.headers["content-security-policy"] or \
            "default-src 'self'" in page.headers["content-security-policy"]
        # the form shown again after an error, and the page of an unknown job
        response = client.post("/id-mapping", data={"from": script, "to": "UniProtKB",
                                                     "ids": script})
        assert "<script>alert" not in response.text
        tag = "<svg onload=alert(3)>"
        response = client.get(f"/id-mapping/{tag}")
        assert response.status_code == 404 and tag not in response.text
        assert "&lt;svg onload=alert(3)&gt;" in response.text
        # a path no route has (it holds a "/"): the JSON error echoes it, as JSON only
        response = client.get(f"/id-mapping/{script}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        response = client.get("/id-mapping", params={"ids": script, "from": script})
        assert "<script>alert" not in response.text


def test_deeply_nested_query_over_http_is_400(hostile_url: str, hostile_jobs: dict[str, str]
                                              ) -> None:
    with httpx.Client(base_url=hostile_url, timeout=60) as client:
        response = client.get(f"/idmapping/uniprotkb/results/{hostile_jobs['UniProtKB']}",
                              params={"query": "(" * 3000 + "gene:a" + ")" * 3000})
        _error_shape(response, 400)
