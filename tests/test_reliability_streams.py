"""Issue 14, row 4: xlsx results bounded before they are built, and every stream's work
stopped when its client disconnects.

* An xlsx sheet wider than Excel's 16,384 columns is a 400 at once (it was a workbook silently
  cut at 16,384 columns); one over ``max_xlsx_cells`` is a 400 naming the setting and the
  numbers, before any row is made; one whose temporary files would pass ``max_xlsx_bytes``
  is a 400 too, and leaves no file behind. A result within the limits is a correct workbook.
* A stream whose client reads a little and hangs up stops being made: against
  ``idmapping serve`` (a child process), the server's CPU time stops growing within a couple
  of seconds, for TSV (the rows of a batch are no longer all made first) and for xlsx (the
  whole workbook was one step: six dropped requests cost 241 CPU-s and 2.1 GB), and the
  workbook's temporary directory is gone at once.
"""

from __future__ import annotations

import gzip
import io
import os
import socket
import tempfile
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from conftest import LiveServer
from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest, Stopped
from idmapping.jobs import dispatcher_for
from idmapping.jobs.service import JobService
from idmapping.loader import demo_dir
from idmapping.results.options import Output, entry_options
from idmapping.results.view import ResultView
from idmapping.settings import Settings
from idmapping.store import Store
from reliability import Server, asgi_once, record, wait_finished

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
EXCEL_COLUMNS = 16_384
KB_DEFAULT_COLUMNS = 1 + len(DATASETS["uniprotkb"].defaults)  # From, then the default fields


def submit(base: str, from_db: str, to_db: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={"from": from_db, "to": to_db,
                                                         "ids": ids})
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    with httpx.Client(base_url=base, timeout=60) as client:
        assert wait_finished(client, job) == 303
    return job


def sheet_rows(book: bytes) -> list[list[str]]:
    """The cells of a workbook's first sheet, row by row, as text (read with lxml)."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        root = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in root.iter(f"{MAIN}row"):
        cells = []
        for cell in row.iter(f"{MAIN}c"):
            if cell.get("t") == "inlineStr":
                cells.append("".join(cell.itertext()))
            else:
                value = cell.find(f"{MAIN}v")
                cells.append("" if value is None else value.text or "")
        rows.append(cells)
    return rows


def xlsx_dirs(directory: str) -> list[str]:
    return [name for name in os.listdir(directory) if name.startswith("idmapping-xlsx-")]


# ---------------------------------------------------------------------------------------------
# Limits, checked before the work


def test_xlsx_wider_than_excel_is_refused_at_once(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniProtKB", "P04637")
    fields = ",".join(["id"] * EXCEL_COLUMNS)  # with From: one column too many
    for path in (f"/idmapping/uniprotkb/results/stream/{job}",
                 f"/idmapping/uniprotkb/results/{job}"):
        started = time.monotonic()
        # commas as they are: percent-encoded, the query is over httpx's 64 KB
        response = httpx.get(f"{api_url}{path}?format=xlsx&fields={fields}", timeout=120)
        seconds = time.monotonic() - started
        assert response.status_code == 400, (path, response.status_code)
        assert response.json()["messages"] == [
            "Invalid request received. An xlsx sheet holds at most 16,384 columns (Excel's "
            "limit); this request asks for 16,385. Ask for fewer fields, or another format "
            "such as tsv."]
        assert seconds < 5, seconds
    # the widest sheet Excel holds is still served, every column in it
    fields = ",".join(["id"] * (EXCEL_COLUMNS - 1))
    response = httpx.get(f"{api_url}/idmapping/uniprotkb/results/stream/{job}?format=xlsx&"
                         f"fields={fields}", timeout=120)
    assert response.status_code == 200, response.text
    header, row = sheet_rows(response.content)
    assert len(header) == len(row) == EXCEL_COLUMNS
    assert row[0] == "P04637" and set(row[1:]) == {"P53_HUMAN"}


def test_xlsx_cells_are_bounded_by_the_setting(
        api_server_factory: Callable[..., LiveServer], api_release: Any) -> None:
    rows = api_release.bulk_size + 1  # and the header row
    exact = rows * KB_DEFAULT_COLUMNS
    server = api_server_factory(max_xlsx_cells=exact)
    job = submit(server.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    stream = f"{server.url}/idmapping/uniprotkb/results/stream/{job}"
    # at the limit: a correct workbook, the same rows as TSV
    book = httpx.get(stream, params={"format": "xlsx"}, timeout=60)
    assert book.status_code == 200, book.text
    tsv = httpx.get(stream, params={"format": "tsv"}, timeout=60).text.splitlines()
    cells = sheet_rows(book.content)
    assert len(cells) == rows == len(tsv)
    assert cells[0] == tsv[0].split("\t")
    assert [row[:2] for row in cells[1:]] == [line.split("\t")[:2] for line in tsv[1:]]
    assert {row[0] for row in cells[1:]} == {api_release.bulk_gene_id}
    # one cell fewer allowed: refused before any row is made
    server = api_server_factory(max_xlsx_cells=exact - 1)
    job = submit(server.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    for path in (f"/idmapping/uniprotkb/results/stream/{job}",
                 f"/idmapping/uniprotkb/results/{job}"):  # a page of them all, too
        response = httpx.get(server.url + path, params={"format": "xlsx", "size": "500"},
                             timeout=60)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["messages"] == [
            f"Invalid request received. This xlsx file would hold {exact:,} cells ({rows:,} "
            f"rows of {KB_DEFAULT_COLUMNS} columns), more than this server's limit of "
            f"{exact - 1:,} (setting max_xlsx_cells). Ask for fewer fields, or another format "
            "such as tsv."]
    # the size is that of what the request sees: a filter that keeps no pair fits
    response = httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}",
                         params={"format": "xlsx", "query": "gene:NOSUCHGENE"}, timeout=60)
    assert response.status_code == 200, response.text
    assert sheet_rows(response.content) == [cells[0]]
    # other formats are not bounded by it, nor a narrower sheet of the same rows
    assert httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}",
                     params={"format": "tsv"}).status_code == 200
    assert httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}",
                     params={"format": "xlsx", "fields": "accession"}).status_code == 200


def test_xlsx_temporary_bytes_are_bounded_by_the_setting(
        api_server_factory: Callable[..., LiveServer], api_release: Any,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # the server runs in this process
    server = api_server_factory(max_xlsx_bytes=100_000)
    job = submit(server.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    response = httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}",
                         params={"format": "xlsx"}, timeout=60)
    assert response.status_code == 400, response.text
    message = response.json()["messages"][0]
    assert message.startswith("Invalid request received. Building this xlsx file takes more "
                              "than 100,000 bytes of temporary files, this server's limit "
                              "(setting max_xlsx_bytes): its sheet reached ")
    assert f"bytes of XML after {api_release.bulk_size + 1} rows" in message
    assert xlsx_dirs(str(scratch)) == []
    # a small sheet fits
    response = httpx.get(f"{server.url}/idmapping/uniprotkb/results/stream/{job}",
                         params={"format": "xlsx", "fields": "accession"}, timeout=60)
    assert response.status_code == 200
    assert len(sheet_rows(response.content)) == api_release.bulk_size + 1
    assert xlsx_dirs(str(scratch)) == []


def test_xlsx_temporary_bytes_are_measured_as_rows_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from idmapping.results.formats import XlsxWriter, write
    from idmapping.results.xlsx import XlsxLimits

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = 0

    def rows() -> Iterator[list[str]]:
        nonlocal made
        for n in range(100_000):
            made += 1
            yield [f"{n}-{column}-" + "x" * 100 for column in range(10)]

    writer = XlsxWriter([f"c{column}" for column in range(10)],
                        limits=XlsxLimits(cells=10**9, temp_bytes=200_000))
    with pytest.raises(InvalidRequest, match=r"\(setting max_xlsx_bytes\): its sheet reached"):
        b"".join(write(writer, rows()))
    assert made < 2_000  # refused within the first few thousand rows, not after 100,000
    assert xlsx_dirs(str(tmp_path)) == []


# ---------------------------------------------------------------------------------------------
# The producer stops when asked (every format), in the library


@pytest.fixture(scope="module")
def kb_bulk_job(api_store: Store, api_release: Any) -> Iterator[Any]:
    settings = Settings.load(environ={}, store=api_store.url)
    service = JobService(api_store, settings, dispatcher_for(settings))
    job = service.submit("GeneID", "UniProtKB", api_release.bulk_gene_id)
    yield service.finished(job.id)
    service.close()


@pytest.mark.parametrize("fmt", ["tsv", "json", "list", "xlsx", "fasta", "txt", "xml", "gff",
                                 "rdf", "ttl", "nt"])
def test_every_stream_stops_when_told(
        api_store: Store, kb_bulk_job: Any, fmt: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    options = entry_options(DATASETS["uniprotkb"], Output(fmt), api_store.catalogue, None, {})
    view = ResultView(api_store, kb_bulk_job, Output(fmt), options, batch=50)
    asked = 0

    def stopped() -> bool:
        nonlocal asked
        asked += 1
        # asked before each batch and, for entries, each row: true within the first batch
        # of entries (after its first row), at the third batch of a list
        return asked == 3

    with pytest.raises(Stopped):
        for _ in view.stream(stopped=stopped):
            pass
    assert asked == 3  # the stop was seen the first time it was true
    assert xlsx_dirs(str(tmp_path)) == []  # an xlsx file's temporary files are gone


# ---------------------------------------------------------------------------------------------
# The response: a disconnect stops the producer in the middle of a step


def _respond(chunks: Iterator[bytes], stop: threading.Event,
             hang_up: threading.Event | None = None) -> list[dict[str, Any]]:
    """Run a ProducedStream of *chunks*, the client going once *hang_up* is set; return the
    messages sent."""
    from idmapping.web.responses import ProducedStream  # new: a clear failure where missing

    stream = ProducedStream(chunks, stop, {"content-type": "text/plain"})
    return asgi_once(stream, {"type": "http"}, hang_up)


def test_a_disconnect_stops_the_step_being_made_and_closes_the_producer() -> None:
    stop, busy = threading.Event(), threading.Event()
    events: list[str] = []

    def chunks() -> Iterator[bytes]:
        try:
            yield b"first"
            busy.set()  # the client goes while this step is being made
            while not stop.is_set():  # a long step, such as a workbook being built
                time.sleep(0.01)
            events.append("saw the stop")
            yield b"never sent"
        finally:
            events.append("closed")

    sent = _respond(chunks(), stop, hang_up=busy)
    assert events == ["saw the stop", "closed"]
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_a_failure_before_the_first_chunk_is_raised_with_nothing_sent() -> None:
    def chunks() -> Iterator[bytes]:
        raise InvalidRequest("Invalid request received. Too big")
        yield b""  # a generator

    with pytest.raises(InvalidRequest, match="Too big"):
        _respond(chunks(), threading.Event())


def test_a_whole_stream_is_sent_with_its_status_first() -> None:
    sent = _respond(iter([b"a", b"b"]), threading.Event())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    assert [m.get("body") for m in sent[1:]] == [b"a", b"b", b""]
    assert sent[-1]["more_body"] is False


# ---------------------------------------------------------------------------------------------
# Against `idmapping serve`: a client that hangs up


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process *pid* so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, Path]]:
    """``idmapping serve`` over the shipped demo, its temporary files in a directory of the
    test's, and a job of 6,000 ids (each demo entry by accession and by name)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads a process's CPU time from /proc")
    work = tmp_path_factory.mktemp("streams")
    scratch = work / "tmp"
    scratch.mkdir()
    ids: list[str] = []
    with gzip.open(demo_dir() / "idmapping.dat.gz", "rt") as text:
        for line in text:
            accession, kind, value = line.rstrip("\n").split("\t")
            if kind == "UniProtKB-ID" and "-" not in accession:
                ids += [accession, value]
    server = Server(str(work / "store.sqlite"), work / "serve.log", {
        "IDMAPPING_DEMO": "true", "TMPDIR": str(scratch),
        "IDMAPPING_MAX_XLSX_CELLS": "100000000"})
    with server, httpx.Client(base_url=server.url, timeout=120) as client:
        response = client.post("/idmapping/run", data={
            "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(ids)})
        job = response.json()["jobId"]
        assert wait_finished(client, job) == 303
        yield server, job, scratch


def _get_and_hang_up(server: Server, path: str, params: dict[str, str], until: bytes) -> None:
    """GET *path* on a raw socket, read until *until* has come, and close the connection."""
    query = urllib.parse.urlencode(params)
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        sock.sendall(f"GET {path}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        received = b""
        while until not in received:
            data = sock.recv(65536)
            assert data, received[:300]
            received += data
            head = received.partition(b"\r\n\r\n")
            assert not head[1] or head[0].startswith(b"HTTP/1.1 200 "), received[:300]


def _cpu_after(server: Server, settle: float = 1.5, window: float = 3.0) -> tuple[float, float]:
    """The server's CPU time in the *settle* seconds after a hang-up, and in the *window*
    seconds after those."""
    start = _cpu_seconds(server.pid)
    time.sleep(settle)
    settled = _cpu_seconds(server.pid)
    time.sleep(window)
    return settled - start, _cpu_seconds(server.pid) - settled


def _fields(copies: int) -> str:
    """Every UniProtKB field, *copies* times: rows that take long to make."""
    return ",".join(list(DATASETS["uniprotkb"].fields) * copies)


def test_a_tsv_stream_stops_when_the_client_hangs_up(
        demo_server: tuple[Server, str, Path]) -> None:
    server, job, _ = demo_server
    # the column labels are the first chunk; the rows of the first batch come next, and
    # took seconds of CPU to make whether or not anyone was left to read them
    fields = _fields(20)
    last_label = DATASETS["uniprotkb"].labels(DATASETS["uniprotkb"].parse_fields(fields))[-1]
    _get_and_hang_up(server, f"/idmapping/uniprotkb/results/stream/{job}",
                     {"format": "tsv", "fields": fields}, f"\t{last_label}\n".encode())
    settling, after = _cpu_after(server)
    record("stream_hang_up_tsv", server_cpu_s_first_1_5s=round(settling, 2),
           server_cpu_s_next_3s=round(after, 2))
    assert after < 0.3, f"the server kept working after the hang-up: {after:.2f} CPU-s"
    assert server.process is not None and server.process.poll() is None


def test_a_gzip_stream_streams_and_stops_when_the_client_hangs_up(
        demo_server: tuple[Server, str, Path]) -> None:
    """Accept-Encoding: gzip (Content-Encoding on the way out): the first compressed bytes
    come while rows are still being made, and the hang-up stops them as without gzip."""
    server, job, _ = demo_server
    query = urllib.parse.urlencode({"format": "tsv", "fields": _fields(20)})
    path = f"/idmapping/uniprotkb/results/stream/{job}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        before = _cpu_seconds(server.pid)
        sock.sendall(f"GET {path}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Accept-Encoding: gzip\r\n\r\n".encode())
        received = b""
        while True:  # the headers and the first chunk of gzip bytes (the column labels)
            data = sock.recv(65536)
            assert data, received[:300]
            received += data
            head, ended, body = received.partition(b"\r\n\r\n")
            if ended and b"\x1f\x8b" in body:
                break
        first_bytes = _cpu_seconds(server.pid) - before
    settling, after = _cpu_after(server)
    record("stream_hang_up_gzip", server_cpu_s_to_first_bytes=round(first_bytes, 2),
           server_cpu_s_first_1_5s=round(settling, 2), server_cpu_s_next_3s=round(after, 2))
    headers = head.decode().lower()
    assert headers.startswith("http/1.1 200 ") and "content-encoding: gzip" in headers
    assert "transfer-encoding: chunked" in headers and "content-length" not in headers
    # the whole stream is many seconds of CPU (its rows are made one batch at a time): the
    # first bytes came long before it, and nothing more was made once the client went
    assert first_bytes < 3, f"{first_bytes:.2f} CPU-s before the first bytes: buffered?"
    assert after < 0.3, f"the server kept working after the hang-up: {after:.2f} CPU-s"
    assert server.process is not None and server.process.poll() is None


def test_an_xlsx_stream_stops_when_the_client_hangs_up(
        demo_server: tuple[Server, str, Path]) -> None:
    server, job, scratch = demo_server
    assert xlsx_dirs(str(scratch)) == []
    query = urllib.parse.urlencode({"format": "xlsx", "fields": _fields(3)})
    path = f"/idmapping/uniprotkb/results/stream/{job}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        before = _cpu_seconds(server.pid)
        sock.sendall(f"GET {path}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        deadline = time.monotonic() + 60
        # hang up once the workbook is being written: its directory exists, rows are made
        while not (xlsx_dirs(str(scratch)) and _cpu_seconds(server.pid) - before > 0.5):
            assert time.monotonic() < deadline, "the workbook was not begun"
            time.sleep(0.05)
    gone = None
    started = time.monotonic()
    while time.monotonic() - started < 5:
        if not xlsx_dirs(str(scratch)):
            gone = time.monotonic() - started
            break
        time.sleep(0.05)
    settling, after = _cpu_after(server)
    record("stream_hang_up_xlsx", temp_dir_gone_s=None if gone is None else round(gone, 2),
           server_cpu_s_first_1_5s=round(settling, 2), server_cpu_s_next_3s=round(after, 2))
    assert gone is not None and gone < 2, "the workbook's temporary files stayed"
    assert after < 0.3, f"the server kept working after the hang-up: {after:.2f} CPU-s"
    # and the server still serves a whole workbook
    response = httpx.get(server.url + path, params={"format": "xlsx"}, timeout=120)
    assert response.status_code == 200
    assert len(sheet_rows(response.content)) == 6001
