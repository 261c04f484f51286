"""Asynchronous downloads (``/idmapping/download/…``) over real HTTP, on both releases and both
stores: run → status → details → result for json, tsv, list, fasta and RDF, compressed or not;
UniProt's messages for bad requests; a download left unfinished by a stop is resumed."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from rdflib import RDF, Graph, URIRef

from conftest import LiveServer, api_settings, start_server
from idmapping.catalogue import AC_ID
from idmapping.jobs.dispatch import Dispatcher, Runner
from idmapping.jobs.downloads import DownloadService
from idmapping.jobs.service import JobService
from idmapping.results.rdf import PURL, UP
from idmapping.store import Store
from idmapping.web import create_app
from releases import ReleaseFacts, submit


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def server(release_store: Store, folder: Path) -> Iterator[LiveServer]:
    live = start_server(create_app(api_settings(release_store, async_download_dir=str(folder)),
                                   release_store))
    yield live
    live.stop()


def run(base: str, **form: str) -> httpx.Response:
    return httpx.post(f"{base}/idmapping/download/run", data=form, timeout=30)


def finished(base: str, download: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        response = httpx.get(f"{base}/idmapping/download/status/{download}", timeout=30)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["jobStatus"] == "FINISHED":
            return body
        assert body["jobStatus"] in ("NEW", "RUNNING"), body
        assert time.monotonic() < deadline
        time.sleep(0.05)


def fetch(base: str, download: str, compressed: bool = True) -> tuple[httpx.Response, bytes]:
    details = httpx.get(f"{base}/idmapping/download/details/{download}", timeout=30)
    assert details.status_code == 200, details.text
    url = details.json()["redirectURL"]
    assert url == f"{base}/idmapping/download/results/{download}"
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    body = response.content
    return response, zlib.decompress(body, 16 + zlib.MAX_WBITS) if compressed else body


def accessions(release: ReleaseFacts, count: int = 6) -> list[str]:
    return release.accessions()[:count]


@pytest.mark.parametrize("fmt", ["json", "tsv", "list", "fasta", "ttl"])
def test_run_status_details_result(release: ReleaseFacts, server: LiveServer, fmt: str) -> None:
    base = server.url
    wanted = accessions(release)
    job = submit(base, AC_ID, "UniProtKB", [*wanted, "NOPE0"])
    answer = run(base, jobId=job, format=fmt, fields="accession,organism_id")
    assert answer.status_code == 200, answer.text
    download = answer.json()["jobId"]
    status = finished(base, download)
    assert status["totalEntries"] == status["processedEntries"] == len(wanted)
    details = httpx.get(f"{base}/idmapping/download/details/{download}").json()
    assert details["format"] in (f"text/plain;format={fmt}", "application/json", "text/turtle")
    assert details["fields"] == "accession,organism_id"
    response, body = fetch(base, download)
    assert response.headers["content-type"].startswith(details["format"])
    assert "content-encoding" not in response.headers
    # the same bytes as the stream route writes (JSON adds the job's failedIds, as UniProt's)
    stream = httpx.get(f"{base}/idmapping/uniprotkb/results/stream/{job}",
                       params={"format": fmt, "fields": "accession,organism_id"}).content
    if fmt == "json":
        data = orjson.loads(body)
        assert [r["to"]["primaryAccession"] for r in data["results"]] == \
            [r["to"]["primaryAccession"] for r in orjson.loads(stream)["results"]]
        assert data["failedIds"] == ["NOPE0"]
        assert {r["to"]["organism"]["taxonId"] for r in data["results"]} == \
            {release.entries[a].taxon for a in wanted}
    elif fmt == "ttl":
        graph = Graph().parse(data=body, format="turtle")
        assert set(graph.subjects(RDF.type, UP.Protein)) == \
            {URIRef(f"{PURL}uniprot/{a}") for a in wanted}
    else:
        assert body == stream
        if fmt == "list":
            assert body.decode().split() == wanted


def test_uncompressed_and_resubmitted(release: ReleaseFacts, server: LiveServer) -> None:
    base = server.url
    job = submit(base, AC_ID, "UniProtKB", accessions(release, 3))
    plain = run(base, jobId=job, format="list", compressed="false").json()["jobId"]
    gzipped = run(base, jobId=job, format="list").json()["jobId"]
    assert plain != gzipped
    finished(base, plain)
    _, body = fetch(base, plain, compressed=False)
    assert body.decode().split() == accessions(release, 3)
    again = run(base, jobId=job, format="list", compressed="false").json()
    assert again == {"jobId": plain, "message": f"Job with id {plain} has already been submitted"}
    forced = run(base, jobId=job, format="list", compressed="false", force="true").json()
    assert forced["message"] == f"Job with id {plain} has already been finished successfully."


def test_uniref_and_uniparc_downloads(release: ReleaseFacts, server: LiveServer) -> None:
    base = server.url
    for to_db, dataset in (("UniRef90", "uniref"), ("UniParc", "uniparc")):
        job = submit(base, AC_ID, to_db, accessions(release))
        download = run(base, jobId=job, format="nt").json()["jobId"]
        finished(base, download)
        _, body = fetch(base, download)
        graph = Graph().parse(data=body, format="nt")
        expected = {release.entries[a].values[to_db][0] for a in accessions(release)
                    if release.entries[a].values.get(to_db)}
        kind = UP.Cluster if dataset == "uniref" else UP.Sequence
        assert set(graph.subjects(RDF.type, kind)) == \
            {URIRef(f"{PURL}{dataset}/{value}") for value in expected}


def test_uniprot_messages(release: ReleaseFacts, server: LiveServer) -> None:
    base = server.url
    missing = run(base)
    assert missing.status_code == 400
    assert sorted(missing.json()["messages"]) == ["'format' is a required parameter",
                                                   "'jobId' is a required parameter"]
    unknown = run(base, jobId="NO_SUCH_JOB", format="json")
    assert unknown.status_code == 404
    assert unknown.json()["messages"] == ["Resource not found"]
    job = submit(base, AC_ID, "UniProtKB", accessions(release, 2))
    bad_format = run(base, jobId=job, format="xlsx")
    assert bad_format.status_code == 400
    assert bad_format.json()["messages"] == [
        "Invalid request received. Invalid download format. Valid values are "
        "[text/plain;format=fasta, text/plain;format=tsv, application/json, application/xml, "
        "application/rdf+xml, text/turtle, application/n-triples, text/plain;format=flatfile, "
        "text/plain;format=gff, text/plain;format=list]"]
    bad_fields = run(base, jobId=job, format="json", fields="accession,nope,nada")
    assert bad_fields.json()["messages"] == [
        "Invalid request received. Invalid UniProtKB fields parameter values: [nope, nada]."]
    plain = submit(base, AC_ID, "Gene_Name", accessions(release, 2))
    wrong_to = run(base, jobId=plain, format="json")
    assert wrong_to.status_code == 400
    assert "The IdMapping 'to' parameter value is invalid" in wrong_to.json()["messages"][0]
    for path in ("status", "details", "results"):
        response = httpx.get(f"{base}/idmapping/download/{path}/NO_SUCH_DOWNLOAD")
        assert response.status_code == 404
        assert response.json()["messages"] == ["Resource not found"]


def test_unfinished_mapping_job(release: ReleaseFacts, release_store: Store, folder: Path,
                                server: LiveServer) -> None:
    """A mapping job still RUNNING is refused with UniProt's message."""
    settings = api_settings(release_store, async_download_dir=str(folder), inline_job_ids=0)
    with JobService(release_store, settings, Dropping()) as jobs:
        job = jobs.submit(AC_ID, "UniProtKB", ",".join(accessions(release, 3)) + ",UNFIN1")
    assert job.status.value == "RUNNING"
    response = run(server.url, jobId=job.id, format="json")
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "Invalid request received. IdMapping Job must be finished, before we start to "
        "download it."]


class Dropping(Dispatcher):
    """Takes jobs and never runs them: a server stopped right after accepting them."""

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        pass


def test_download_survives_a_restart(release: ReleaseFacts, release_store: Store,
                                     folder: Path) -> None:
    settings = api_settings(release_store, async_download_dir=str(folder))
    ids = accessions(release, 4)
    with JobService(release_store, settings, Dropping()) as jobs:
        job = jobs.submit(AC_ID, "UniProtKB", ",".join(ids) + ",RESTART1")  # inline: finished
        download = DownloadService(jobs).submit(job.id, "tsv", "accession").id
    assert release_store.get_download(download).status.value == "NEW"  # type: ignore[union-attr]
    live = start_server(create_app(settings, release_store))  # the restart resumes it
    try:
        finished(live.url, download)
        _, body = fetch(live.url, download)
        assert body.decode().split("\n")[1:-1] == [f"{a}\t{a}" for a in ids]
    finally:
        live.stop()


TAG = "ID Mapping async download"


def test_openapi_documents_the_download_routes_as_uniprot(release: ReleaseFacts,
                                                          server: LiveServer) -> None:
    """UniProt's tag and summaries (its IdMappingDownloadController), and the responses each
    route really gives, checked against a real download of the release's ids."""
    base = server.url
    document = httpx.get(f"{base}/openapi.json", timeout=30).json()
    paths = document["paths"]
    operations = {
        "/idmapping/download/run": ("post", "Submit ID Mapping asynchronous download job."),
        "/idmapping/download/status/{download_id}":
            ("get", "Get progress of ID Mapping asynchronous download job."),
        "/idmapping/download/details/{download_id}":
            ("get", "Get details of ID Mapping asynchronous download job"),
        "/idmapping/download/results/{download_id}":
            ("get", "Get the file of a finished ID Mapping asynchronous download job"),
    }
    for path, (method, summary) in operations.items():
        operation = paths[path][method]
        assert operation["summary"] == summary and operation["tags"] == [TAG]
    assert [t["name"] for t in document["tags"]].count(TAG) == 1
    job = submit(base, AC_ID, "UniProtKB", accessions(release))
    answer = run(base, jobId=job, format="tsv")
    run_doc = paths["/idmapping/download/run"]["post"]["responses"]
    assert set(answer.json()) <= set(run_doc["200"]["content"]["application/json"]["schema"]
                                     ["properties"])
    refused = run(base, jobId=job)
    assert refused.status_code == 400 and "400" in run_doc
    download = answer.json()["jobId"]
    status = finished(base, download)
    status_doc = paths["/idmapping/download/status/{download_id}"]["get"]["responses"]
    schema = status_doc["200"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) <= set(status) and set(status) <= set(schema["properties"])
    assert "500" in status_doc and "404" in status_doc
    details = httpx.get(f"{base}/idmapping/download/details/{download}", timeout=30).json()
    details_doc = paths["/idmapping/download/details/{download_id}"]["get"]["responses"]
    assert set(details) <= set(details_doc["200"]["content"]["application/json"]["schema"]
                               ["properties"])
    results_doc = paths["/idmapping/download/results/{download_id}"]["get"]["responses"]
    assert "Content-Disposition" in results_doc["200"]["headers"]
    assert "text/plain" in results_doc["200"]["content"]
    missing = httpx.get(f"{base}/idmapping/download/status/nosuchdownload", timeout=30)
    assert missing.status_code == 404


def test_the_file_is_sent_as_it_is_whatever_accept_encoding(release: ReleaseFacts,
                                                            server: LiveServer) -> None:
    """A gzip file is never compressed twice; a plain one (compressed=false) is compressed on
    the way out for a client that accepts gzip, as every response is."""
    base = server.url
    job = submit(base, AC_ID, "UniProtKB", accessions(release))
    packed = run(base, jobId=job, format="list").json()["jobId"]
    plain = run(base, jobId=job, format="list", compressed="false").json()["jobId"]
    finished(base, packed)
    finished(base, plain)
    url = f"{base}/idmapping/download/results"
    with httpx.stream("GET", f"{url}/{packed}", headers={"Accept-Encoding": "gzip"}) as answer:
        raw = b"".join(answer.iter_raw())
        assert "content-encoding" not in answer.headers
    listed = zlib.decompress(raw, 16 + zlib.MAX_WBITS).decode().split()
    assert listed == accessions(release)
    with httpx.stream("GET", f"{url}/{plain}", headers={"Accept-Encoding": "gzip"}) as answer:
        raw = b"".join(answer.iter_raw())
        assert answer.headers["content-encoding"] == "gzip"
    assert zlib.decompress(raw, 16 + zlib.MAX_WBITS).decode().split() == listed
