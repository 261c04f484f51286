"""What is measured of idmapping itself: a load, a mapping over HTTP, streamed memory.

Every figure drives the project as a user does: the ``idmapping`` command for a load, and
UniProt's REST API of ``idmapping serve`` for mapping (submit, poll, stream).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.idlists import IdList
from bench.measure import rss_kb, run_timed
from bench.server import Server

__all__ = ["LoadResult", "MapResult", "StreamMemory", "load", "load_postgres", "purge_jobs",
           "map_http", "stream_memory"]

_POLL_SECONDS = 0.01
_ROWS = re.compile(r"([0-9,]+) rows in")


@dataclass(frozen=True)
class LoadResult:
    """One ``idmapping load``: wall seconds, peak RSS, rows read, bytes of the store."""

    seconds: float
    max_rss_kb: int
    rows: int
    store_bytes: int


@dataclass(frozen=True)
class MapResult:
    """One mapping through the API.

    :param submit: seconds of ``POST /idmapping/run`` (the whole job when it runs inline).
    :param wait: seconds of polling ``/idmapping/status`` until its 303.
    :param stream: seconds of ``GET /idmapping/stream`` up to the last byte (sent gzipped,
        as the server does for a client that accepts it, and gunzipped by the client).
    :param pairs: result rows streamed.
    """

    job_id: str
    submit: float
    wait: float
    stream: float
    pairs: int
    error: str = ""

    @property
    def seconds(self) -> float:
        """End to end: submit, wait and stream."""
        return self.submit + self.wait + self.stream


@dataclass(frozen=True)
class StreamMemory:
    """The server's resident memory before and during one stream, in KiB."""

    pairs: int
    seconds: float
    before_kb: int
    peak_kb: int


def load(dat: Path, store_dir: Path) -> LoadResult:
    """``idmapping load --store <fresh store> -q FILE``, timed, in its own process."""
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir(parents=True)
    store = store_dir / "store.sqlite"
    timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store", str(store),
                       "-q", str(dat)])
    match = _ROWS.search(timed.stderr)
    rows = int(match.group(1).replace(",", "")) if match else 0
    size = sum(p.stat().st_size for p in store_dir.rglob("*") if p.is_file())
    return LoadResult(timed.seconds, timed.max_rss_kb, rows, size)


def load_postgres(dat: Path, server: str) -> LoadResult:
    """``idmapping load`` of *dat* into a fresh database ``idmapping_bench`` of the PostgreSQL
    *server* (dropped before and after), timed in its own process as :func:`load` is.

    The server's own processes are not in the peak RSS: only the loading client's is.
    """
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS idmapping_bench")
        conn.execute("CREATE DATABASE idmapping_bench")
    url = server.rsplit("/", 1)[0] + "/idmapping_bench"
    try:
        timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store", url, "-q",
                           str(dat)])
        with psycopg.connect(url) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS idmapping_bench")
    match = _ROWS.search(timed.stderr)
    rows = int(match.group(1).replace(",", "")) if match else 0
    return LoadResult(timed.seconds, timed.max_rss_kb, rows, int(size[0]) if size else 0)


def purge_jobs(store: Path) -> None:
    """Delete every stored job, so that the next request makes a new one.

    Job ids are a hash of the request: without this, a repeated request would re-use the job.
    """
    subprocess.run([sys.executable, "-m", "idmapping", "jobs", "purge", "--all", "--store",
                    str(store)], check=True, capture_output=True)
    # The deletions sit in the write-ahead log; fold them into the file now, or the next
    # job's first write would pay for checkpointing them inside the timed mapping.
    with contextlib.closing(sqlite3.connect(store, timeout=60)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def map_http(server: Server, ids: IdList) -> MapResult:
    """Map *ids* end to end: submit, poll the status (no redirect), stream tsv to the end.

    The form body is encoded before the clock starts: that is the client's work.
    """
    spec = ids.spec
    body = urlencode({"ids": ",".join(ids.ids()), "from": spec.from_db, "to": spec.to_db})
    content = body.encode()
    form = {"content-type": "application/x-www-form-urlencoded"}
    with httpx.Client(base_url=server.url, timeout=3600.0) as client:
        started = time.perf_counter()
        answer = client.post("/idmapping/run", content=content, headers=form)
        submitted = time.perf_counter()
        if answer.status_code != 200:
            return MapResult("", submitted - started, 0.0, 0.0, 0, _error(answer))
        job_id = answer.json()["jobId"]
        while (status := client.get(f"/idmapping/status/{job_id}")).status_code == 200:
            time.sleep(_POLL_SECONDS)
        finished = time.perf_counter()
        if status.status_code != 303:
            return MapResult(job_id, submitted - started, finished - submitted, 0.0, 0,
                             _error(status))
        lines = 0
        with client.stream("GET", f"/idmapping/stream/{job_id}?format=tsv") as response:
            for chunk in response.iter_bytes(1 << 16):  # gunzipped: rows are lines
                lines += chunk.count(b"\n")
        streamed = time.perf_counter()
    return MapResult(job_id, submitted - started, finished - submitted, streamed - finished,
                     max(lines - 1, 0))


def _error(response: httpx.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:300]}"


def stream_memory(server: Server, job_id: str) -> StreamMemory:
    """Stream a finished job as tsv while sampling the server's RSS every 5 ms."""
    before = rss_kb(server.pid)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(server.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = 0
    started = time.perf_counter()
    try:
        with httpx.stream("GET", f"{server.url}/idmapping/stream/{job_id}?format=tsv",
                          timeout=3600.0) as response:
            for chunk in response.iter_bytes(1 << 16):  # gunzipped: rows are lines
                lines += chunk.count(b"\n")
    finally:
        done.set()
        sampler.join()
    return StreamMemory(max(lines - 1, 0), time.perf_counter() - started, before, peak[0])
