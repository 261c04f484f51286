"""Content negotiation and the message texts of the results routes, as UniProt's (issue 15,
item 4), on both releases and both stores, over real HTTP.

* ``Accept-Encoding: gzip``: ``Content-Encoding: gzip`` on pages, streams, status, details and
  HEAD, as rest.uniprot.org's recorded responses carry it (compared with the recordings in
  ../shared/testdata where they are); a ``compressed=true`` body is one gzip file, never
  compressed twice; streams stay streams and stop when the client goes.
* The "Valid media types" of each end-point in the order of UniProt's ``produces``, and
  ``h5``, ``obo`` and ``md`` (formats UniProt knows, produced elsewhere) answered with them.
* ``download``, ``compressed``, ``includeIsoform``, ``subsequence`` and ``complete`` checked as
  UniProt's request classes check them; sort, query-syntax and query-value messages word for
  word.
* Inactive targets shaped as UniProt's, with no ``deletedReason`` the release files do not give.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from idmapping.web.compression import GzipEncoding
from idmapping.web.responses import ProducedStream
from releases import ReleaseFacts
from reliability import asgi_once

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
RECORDED = (TESTDATA / "csdaw__uniprotREST" / "tests" / "testthat" / "httptest2" / "uniprot_map"
            / "rest.uniprot.org" / "idmapping")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"json": "application/json", "tsv": "text/plain;format=tsv",
         "list": "text/plain;format=list", "fasta": "text/plain;format=fasta",
         "txt": "text/plain;format=flatfile", "gff": "text/plain;format=gff",
         "xml": "application/xml", "xlsx": XLSX, "rdf": "application/rdf+xml",
         "ttl": "text/turtle", "nt": "application/n-triples"}

PRODUCES = {
    "results": ("tsv", "json", "xlsx"),
    "stream": ("tsv", "json", "xlsx", "list"),
    "uniprotkb/results": ("json", "fasta", "tsv", "xlsx", "xml", "txt", "gff", "list"),
    "uniprotkb/results/stream": ("tsv", "txt", "list", "xml", "json", "xlsx", "fasta", "gff",
                                 "rdf", "ttl", "nt"),
    "uniref/results": ("tsv", "json", "fasta", "xlsx", "list"),
    "uniref/results/stream": ("tsv", "list", "json", "xlsx", "fasta", "rdf", "ttl", "nt"),
    "uniparc/results": ("json", "fasta", "tsv", "xlsx", "list"),
    "uniparc/results/stream": ("tsv", "fasta", "list", "json", "xlsx", "rdf", "ttl", "nt"),
}
"""The ``produces`` of UniProt's ID mapping controllers (IdMappingResultsController,
UniProtKBIdMappingResultsController, UniRefIdMappingResultsController,
UniParcIdMappingResultsController), in their order: the order of its "Valid media types"."""

DOWNLOAD = "The 'download' parameter has invalid format. It should be a boolean true or false."


def submit(base: str, from_db: str, to_db: str, ids: list[str]) -> str:
    response = httpx.post(f"{base}/idmapping/run",
                          data={"from": from_db, "to": to_db, "ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False, timeout=60)
    assert status.status_code == 303, status.text
    return job


@pytest.fixture(scope="module")
def jobs(release: ReleaseFacts, release_url: str) -> dict[str, str]:
    """A finished job of each kind of result, ids drawn from the release under test: the
    job's path (after ``/idmapping/``) without ``results``."""
    entries = release.entries
    accessions = list(entries)[:40]
    deleted = list(release.deleted)[:3]
    uniref = [a for a, e in entries.items() if e.values.get("UniRef90")][:20]
    uniparc = [a for a, e in entries.items() if e.values.get("UniParc")][:20]
    gene_ids = [a for a, e in entries.items() if e.values.get("GeneID")][:20]
    assert accessions and uniref and uniparc and gene_ids and deleted
    return {
        "": submit(release_url, "UniProtKB_AC-ID", "GeneID", gene_ids),
        "uniprotkb": submit(release_url, "UniProtKB_AC-ID", "UniProtKB", accessions + deleted),
        "uniref": submit(release_url, "UniProtKB_AC-ID", "UniRef90", uniref),
        "uniparc": submit(release_url, "UniProtKB_AC-ID", "UniParc", uniparc),
    }


def route_url(base: str, jobs: dict[str, str], route: str) -> str:
    """The URL of one of the :data:`PRODUCES` routes for the job of its kind."""
    dataset = route.split("/")[0] if "/" in route else ""
    return f"{base}/idmapping/{route}/{jobs[dataset]}"


def recorded_headers(name: str) -> dict[str, str]:
    """The headers of one of the recorded rest.uniprot.org responses (an httptest2 file), the
    values of a header given more than once joined by ", "."""
    path = RECORDED / name
    if not path.is_file():
        pytest.skip(f"recorded response {name} is absent (../shared/testdata)")
    text = path.read_text()
    block = text[text.index("headers = structure(list("):text.index('class = "httr2_headers"')]
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'(`[^`]+`|[A-Za-z][\w-]*) = "((?:[^"\\]|\\.)*)"', block):
        found.setdefault(key.strip("`").lower(), []).append(value)
    return {key: ", ".join(values) for key, values in found.items()}


def raw_body(url: str, headers: dict[str, str], params: dict[str, str] | None = None
             ) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent, not decoded."""
    with httpx.stream("GET", url, headers=headers, params=params, timeout=120) as response:
        return response, b"".join(response.iter_raw())


# ---------------------------------------------------------------------------------------------
# Accept-Encoding: gzip


@pytest.mark.parametrize("route", ["results", "stream", "uniprotkb/results",
                                   "uniprotkb/results/stream", "uniref/results",
                                   "uniparc/results/stream"])
def test_gzip_when_the_client_accepts_it(release_url: str, jobs: dict[str, str],
                                         route: str) -> None:
    url = route_url(release_url, jobs, route)
    for fmt in ("json", "tsv"):
        plain, plain_body = raw_body(url, {"Accept-Encoding": "identity"}, {"format": fmt})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        packed, packed_body = raw_body(url, {"Accept-Encoding": "gzip"}, {"format": fmt})
        assert packed.status_code == 200
        assert packed.headers["content-encoding"] == "gzip"
        assert "content-length" not in packed.headers
        assert packed.headers["content-type"] == plain.headers["content-type"]
        assert packed.headers.get("x-total-results") == plain.headers.get("x-total-results")
        assert "Accept-Encoding" in packed.headers["vary"]
        assert zlib.decompress(packed_body, 16 + zlib.MAX_WBITS) == plain_body
        # clients that decode (httpx, requests, curl --compressed) read the plain body
        assert httpx.get(url, params={"format": fmt}, timeout=120).content == plain_body


def test_gzip_headers_as_rest_uniprot_org_sends_them(release_url: str,
                                                     jobs: dict[str, str]) -> None:
    """The recorded GET of a TSV page, HEAD of a results URL and GET of a stream."""
    cases = [
        ("results/de23a0319d53da61bfa0e594bb15fefbb754af7c-ef6d74.R", "GET",
         f"{release_url}/idmapping/results/{jobs['']}", {"format": "tsv"}),
        ("status/de23a0319d53da61bfa0e594bb15fefbb754af7c-HEAD.R", "HEAD",
         f"{release_url}/idmapping/results/{jobs['']}", {}),
        ("uniprotkb/results/stream/623f038354e6e5883c8be8a2d97284cdd41ed36f-465fe2.R", "GET",
         f"{release_url}/idmapping/uniprotkb/results/stream/{jobs['uniprotkb']}",
         {"format": "tsv", "fields": "accession,id,gene_primary"}),
    ]
    for name, method, url, params in cases:
        recorded = recorded_headers(name)
        response = httpx.request(method, url, params=params,
                                 headers={"Accept-Encoding": "deflate, gzip"}, timeout=120)
        assert response.status_code == 200
        for header in ("content-encoding", "cache-control", "access-control-expose-headers",
                       "access-control-allow-origin"):
            assert response.headers[header] == recorded[header], header
        # the recorded HEAD names Accept-Encoding twice (its proxy adds one): the same names
        assert _names(response.headers["vary"]) == _names(recorded["vary"])
        assert "content-length" not in response.headers
        assert ("x-total-results" in response.headers) == ("x-total-results" in recorded)


def _names(header: str) -> set[str]:
    return {name.strip().lower() for name in header.split(",")}


def test_status_details_and_errors_are_gzipped_too(release_url: str,
                                                   jobs: dict[str, str]) -> None:
    gzip_only = {"Accept-Encoding": "gzip"}
    job = jobs["uniprotkb"]
    status = httpx.get(f"{release_url}/idmapping/status/{job}", headers=gzip_only,
                       follow_redirects=False)
    assert status.status_code == 303 and status.headers["content-encoding"] == "gzip"
    assert status.json() == {"jobStatus": "FINISHED"}
    details = httpx.get(f"{release_url}/idmapping/details/{job}", headers=gzip_only)
    assert details.headers["content-encoding"] == "gzip" and details.json()["to"] == "UniProtKB"
    missing = httpx.get(f"{release_url}/idmapping/results/nosuchjob", headers=gzip_only)
    assert missing.status_code == 404 and missing.headers["content-encoding"] == "gzip"
    assert missing.json()["messages"] == ["Resource not found"]


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "deflate, gzip;q=0.0",
                                    "br"])
def test_no_gzip_without_consent(release_url: str, jobs: dict[str, str],
                                 accept: str | None) -> None:
    headers = {} if accept is None else {"Accept-Encoding": accept}
    with httpx.Client(headers={"Accept-Encoding": ""}) as client:
        request = client.build_request("GET", f"{release_url}/idmapping/results/{jobs['']}",
                                       params={"format": "tsv"}, headers=headers)
        if accept is None:
            del request.headers["Accept-Encoding"]
        response = client.send(request)
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert response.text.startswith("From\tTo\n")


@pytest.mark.parametrize("route", ["results", "stream", "uniprotkb/results/stream",
                                   "uniref/results/stream", "uniparc/results"])
def test_compressed_true_is_one_gzip_file(release_url: str, jobs: dict[str, str],
                                          route: str) -> None:
    """UniProt's clients gunzip a compressed=true body themselves: it carries no
    Content-Encoding, whatever Accept-Encoding says, and is compressed once."""
    url = route_url(release_url, jobs, route)
    _, plain = raw_body(url, {"Accept-Encoding": "identity"}, {"format": "tsv"})
    for accept in ("gzip", "identity", "gzip, deflate, br"):
        response, body = raw_body(url, {"Accept-Encoding": accept},
                                  {"format": "tsv", "compressed": "true"})
        assert response.status_code == 200 and "content-encoding" not in response.headers
        assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == plain
    head = httpx.head(url, params={"format": "tsv", "compressed": "true"},
                      headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and "content-encoding" not in head.headers


def test_xlsx_is_not_compressed_again(release_url: str, jobs: dict[str, str]) -> None:
    response, body = raw_body(f"{release_url}/idmapping/uniprotkb/results/{jobs['uniprotkb']}",
                              {"Accept-Encoding": "gzip"}, {"format": "xlsx"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert body[:2] == b"PK"


# ---------------------------------------------------------------------------------------------
# Streams stay streams through the compression, and stop when the client goes


SCOPE = {"type": "http", "method": "GET", "path": "/", "headers": [
    (b"accept-encoding", b"gzip")]}


def test_each_chunk_is_sent_compressed_before_the_next_is_made() -> None:
    made: list[bytes] = []
    seen_before_second: list[bytes] = []
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    sent: list[dict[str, Any]] = []

    def chunks() -> Iterator[bytes]:
        made.append(b"first line\n")
        yield b"first line\n"
        # what the client has by now: the first chunk, whole, already decodable
        seen_before_second.append(b"".join(
            inflate.decompress(m["body"]) for m in sent if m["type"] == "http.response.body"))
        made.append(b"second line\n")
        yield b"second line\n"

    stream = ProducedStream(chunks(), threading.Event(), {"content-type": "text/plain"})
    messages = asgi_once(GzipEncoding(stream), dict(SCOPE), sent=sent)
    assert seen_before_second == [b"first line\n"]
    start = messages[0]
    assert (b"content-encoding", b"gzip") in start["headers"]
    body = b"".join(m["body"] for m in messages[1:])
    assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == b"first line\nsecond line\n"


def test_a_disconnect_stops_a_compressed_stream() -> None:
    stop, busy = threading.Event(), threading.Event()
    events: list[str] = []

    def chunks() -> Iterator[bytes]:
        try:
            yield b"first"
            busy.set()  # the client goes while the next chunk is being made
            while not stop.is_set():
                time.sleep(0.01)
            events.append("saw the stop")
            yield b"never sent"
        finally:
            events.append("closed")

    stream = ProducedStream(chunks(), stop, {"content-type": "text/plain"})
    messages = asgi_once(GzipEncoding(stream), dict(SCOPE), hang_up=busy)
    assert events == ["saw the stop", "closed"]
    assert [m["type"] for m in messages] == ["http.response.start", "http.response.body"]
    assert zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(messages[1]["body"]) == b"first"


# ---------------------------------------------------------------------------------------------
# Formats: UniProt's order, and the formats it knows but produces elsewhere


def _valid_types(route: str) -> str:
    return ", ".join(MEDIA[f] for f in PRODUCES[route])


@pytest.mark.parametrize("route", list(PRODUCES))
def test_valid_media_types_in_uniprots_order(release_url: str, jobs: dict[str, str],
                                             route: str) -> None:
    url = route_url(release_url, jobs, route)
    refused = [f for f in MEDIA if f not in PRODUCES[route]]
    for fmt in [*refused[:2], "h5", "obo", "md"]:
        response = httpx.get(url, params={"format": fmt})
        assert response.status_code == 400, fmt
        assert response.json() == {"url": url, "messages": [
            f"Invalid request received. Requested media type/format not accepted, '{fmt}'. "
            f"Valid media types/formats for this end-point include: {_valid_types(route)}."]}
    for fmt in PRODUCES[route]:
        head = httpx.head(url, params={"format": fmt})
        assert head.status_code == 200 and head.headers["content-type"] == MEDIA[fmt], fmt
    unknown = httpx.get(url, params={"format": "fastax"})
    assert unknown.json()["messages"] == [
        "Invalid request received. Requested media type/format not accepted: 'fastax'."]
    for accept in ("application/x-hdf5", "text/plain;format=obo"):
        response = httpx.get(url, headers={"Accept": accept})
        assert response.status_code == 400
        assert response.json()["messages"] == [
            f"Invalid request received. Requested media type/format not accepted: '{accept}'."]


@pytest.mark.parametrize("route", list(PRODUCES))
def test_accept_with_q_values(release_url: str, jobs: dict[str, str], route: str) -> None:
    """Several media types in Accept: the highest q the route produces wins, the route's own
    order on equal q; several none of which it produces: 406 with UniProt's error body."""
    url = route_url(release_url, jobs, route)
    produced = PRODUCES[route]
    last, first = produced[-1], produced[0]
    # types it does not produce (a route producing them all: types UniProt does not know)
    refused = [MEDIA[f] for f in MEDIA if f not in produced] or ["application/x-foo",
                                                                 "text/x-bar"]
    for accept, expected in (
        (f"{MEDIA[first]};q=0.3, {MEDIA[last]};q=0.7", last),
        (f"{MEDIA[last]}, {MEDIA[first]}", first),  # equal q: the route's order
        (f"{refused[0]}, {MEDIA[last]};q=0.1", last),
    ):
        head = httpx.head(url, headers={"Accept": accept})
        assert head.status_code == 200, (accept, head.status_code)
        assert head.headers["content-type"] == MEDIA[expected], accept
    accept = ", ".join(refused[:2])
    response = httpx.get(url, headers={"Accept": accept})
    assert response.status_code == 406, response.text
    assert response.json() == {"url": url, "messages": [
        f"Invalid request received. Requested media type/format not accepted: '{accept}'."]}


# ---------------------------------------------------------------------------------------------
# Boolean parameters, sort and query messages


def _refused(url: str, params: dict[str, str]) -> list[str]:
    response = httpx.get(url, params=params, timeout=60)
    assert response.status_code == 400, (params, response.text[:300])
    if response.headers["content-type"].startswith("text/plain"):  # a text format's errors
        title, *messages = response.text.split("\n")
        assert title == "Error messages"
        return messages
    return list(response.json()["messages"])


@pytest.mark.parametrize("route", ["stream", "uniprotkb/results/stream",
                                   "uniref/results/stream", "uniparc/results/stream"])
def test_download_is_true_or_false_exactly(release_url: str, jobs: dict[str, str],
                                           route: str) -> None:
    url = route_url(release_url, jobs, route)
    for value in ("TRUE", "False", "1", "yes", "", " true"):
        assert _refused(url, {"download": value}) == [DOWNLOAD], value
    attached = httpx.get(url, params={"download": "true", "format": "tsv"})
    assert attached.headers["content-disposition"].endswith('.tsv"')
    assert "content-disposition" not in httpx.head(url, params={"download": "false"}).headers


@pytest.mark.parametrize("value", ["TRUE", "True", "yes", "1", "", "off"])
def test_compressed_is_never_refused(release_url: str, jobs: dict[str, str],
                                     value: str) -> None:
    url = f"{release_url}/idmapping/uniprotkb/results/{jobs['uniprotkb']}"
    response, body = raw_body(url, {"Accept-Encoding": "identity"},
                              {"format": "list", "compressed": value})
    assert response.status_code == 200
    _, plain = raw_body(url, {"Accept-Encoding": "identity"}, {"format": "list"})
    assert (zlib.decompress(body, 16 + zlib.MAX_WBITS) if value.lower() == "true"
            else body) == plain


def test_entry_switches_have_uniprots_messages(release_url: str, jobs: dict[str, str]) -> None:
    kb = route_url(release_url, jobs, "uniprotkb/results")
    uniref = route_url(release_url, jobs, "uniref/results")
    for value in ("maybe", "", "1"):
        assert _refused(kb, {"includeIsoform": value}) == [
            "Invalid includeIsoform parameter value. Expected true or false"]
        assert _refused(kb, {"subsequence": value, "format": "fasta"}) == [
            "Invalid subsequence parameter value. Expected true or false"]
        assert _refused(uniref, {"complete": value}) == [
            "'complete' parameter value has invalid format. It should be true or false."]
    for value in ("TRUE", "false", "False"):
        assert httpx.get(kb, params={"includeIsoform": value}).status_code == 200
        assert httpx.get(uniref, params={"complete": value}).status_code == 200
    # every message at once, as UniProt collects them
    assert _refused(kb, {"includeIsoform": "x", "sort": "length up", "query": "gene:("}) == [
        "Invalid includeIsoform parameter value. Expected true or false",
        "query parameter has an invalid syntax",
        "Invalid sort field order 'up'. Expected asc or desc"]


@pytest.mark.parametrize(("dataset", "sort", "messages"), [
    ("uniprotkb", "length", ["Invalid sort parameter format. Expected format fieldName "
                             "asc|desc."]),
    ("uniprotkb", "length desc accession", ["Invalid sort parameter format. Expected format "
                                            "fieldName asc|desc."]),
    ("uniprotkb", "length-x asc", ["Invalid sort parameter format. Expected format fieldName "
                                   "asc|desc."]),
    ("uniprotkb", "colour asc", ["Invalid sort field 'colour'"]),
    ("uniprotkb", "Colour UP", ["Invalid sort field 'colour'",
                                "Invalid sort field order 'up'. Expected asc or desc"]),
    ("uniprotkb", "length desc, mass sideways",
     ["Invalid sort field order 'sideways'. Expected asc or desc"]),
    ("uniref", "upi asc", ["Invalid sort field 'upi'"]),
    ("uniparc", "accession asc", ["Invalid sort field 'accession'"]),
])
def test_sort_messages(release_url: str, jobs: dict[str, str], dataset: str, sort: str,
                       messages: list[str]) -> None:
    for route in (f"{dataset}/results", f"{dataset}/results/stream"):
        assert _refused(route_url(release_url, jobs, route), {"sort": sort}) == messages


@pytest.mark.parametrize(("dataset", "sort"), [
    ("uniprotkb", "LENGTH DESC"), ("uniprotkb", "annotation_score desc,accession asc"),
    ("uniref", "organism_sort asc"), ("uniref", "created desc"), ("uniparc", "uniparc desc")])
def test_uniprots_sort_fields_and_aliases_are_accepted(release_url: str, jobs: dict[str, str],
                                                       dataset: str, sort: str) -> None:
    url = route_url(release_url, jobs, f"{dataset}/results/stream")
    sorted_list = httpx.get(url, params={"sort": sort, "format": "list"}, timeout=60)
    assert sorted_list.status_code == 200, sorted_list.text
    unsorted = httpx.get(url, params={"format": "list"}, timeout=60)
    assert sorted(sorted_list.text.split()) == sorted(unsorted.text.split())


@pytest.mark.parametrize(("dataset", "query", "message"), [
    ("uniprotkb", "gene:(", "query parameter has an invalid syntax"),
    ("uniprotkb", 'protein_name:"unclosed', "query parameter has an invalid syntax"),
    ("uniprotkb", "reviewed:maybe", "The 'reviewed' filter value can only be true or false"),
    ("uniprotkb", "fragment:1", "The 'fragment' filter value can only be true or false"),
    ("uniprotkb", "is_isoform:yes", "The 'is_isoform' filter value can only be true or false"),
    ("uniprotkb", "structure_3d:no",
     "The 'structure_3d' filter value can only be true or false"),
    ("uniprotkb", "active:maybe", "The 'active' parameter can only be true or false"),
    ("uniprotkb", "organism_id:human", "The 'organism_id' filter value should be a number"),
    ("uniprotkb", "taxonomy_id:x", "The 'taxonomy_id' filter value should be a number"),
    ("uniref", "taxonomy_id:x", "The taxonomy id filter value should be a number"),
    # a term of one of UniProt's range fields that is no number: its type message
    ("uniparc", "length:x", "'length' filter type 'general' is invalid. Expected 'range' "
                            "filter type"),
    ("uniprotkb", "mass:heavy", "'mass' filter type 'general' is invalid. Expected 'range' "
                                "filter type"),
    ("uniref", "count:many", "'count' filter type 'general' is invalid. Expected 'range' "
                             "filter type"),
])
def test_query_messages(release_url: str, jobs: dict[str, str], dataset: str, query: str,
                        message: str) -> None:
    assert _refused(route_url(release_url, jobs, f"{dataset}/results"),
                    {"query": query}) == [message]


# ---------------------------------------------------------------------------------------------
# Inactive targets


def test_inactive_targets_as_uniprot_shapes_them(release: ReleaseFacts, release_url: str,
                                                 jobs: dict[str, str]) -> None:
    """Deleted accessions are ``Inactive`` with ``inactiveReasonType: DELETED``; UniProt's
    ``deletedReason`` comes from its own database, not the release's delac files, so it is
    not made up; ``extraAttributes.uniParcId`` is a UniParc id where given."""
    url = f"{release_url}/idmapping/uniprotkb/results/{jobs['uniprotkb']}"
    body = httpx.get(url, params={"size": "500"}).json()
    deleted = [row["to"] for row in body["results"] if row["from"] in release.deleted]
    assert deleted and body["obsoleteCount"] == len(deleted)
    for entry in deleted:
        assert entry["entryType"] == "Inactive"
        assert entry["inactiveReason"] == {"inactiveReasonType": "DELETED"}
        keys = [k for k in entry if k in ("entryType", "primaryAccession", "uniProtkbId",
                                          "inactiveReason", "extraAttributes")]
        assert keys == list(entry)
        assert keys[:2] == ["entryType", "primaryAccession"]
        assert keys.index("inactiveReason") > keys.index("primaryAccession")
        if "extraAttributes" in entry:
            assert list(entry["extraAttributes"]) == ["uniParcId"]
            assert re.fullmatch(r"UPI[0-9A-F]{10}", entry["extraAttributes"]["uniParcId"])
    # fields= keeps them, as UniProt keeps entryType, primaryAccession, uniParcId and
    # inactiveReason whatever the fields
    narrow = httpx.get(url, params={"size": "500", "fields": "length"}).json()
    assert [row["to"] for row in narrow["results"] if row["from"] in release.deleted] == deleted
