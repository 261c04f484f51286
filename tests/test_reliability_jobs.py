"""Issue 14's job costs, each reproduced on both stores: the job text a submission stores is
bounded and resuming reads only ids (row 6), a job is mapped before its write transaction
(row 12), and status polls and pages that do not send ``failedIds`` do not read them (row 14).

The assertions are on what is read and when, not on timings; the timings are recorded."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import API_BULK_GENE_ID, api_bulk_accession, make_api_store
from idmapping.jobs.dispatch import Dispatcher, InlineDispatcher, Runner, ThreadDispatcher
from idmapping.jobs.jobid import job_id
from idmapping.jobs.service import JobService
from idmapping.model import Job, JobStatus
from idmapping.settings import Settings
from idmapping.store import Store
from reliability import record
from stores import BACKENDS, fresh_store


@pytest.fixture(params=BACKENDS)
def api_store(request: pytest.FixtureRequest, tmp_path: Path,
              api_release_files: list[Path]) -> Iterator[Store]:
    """A fresh store of each backend with the API release (a job may be written to it)."""
    with make_api_store(tmp_path, api_release_files, request.param) as store:
        yield store


def _service(store: Store, dispatcher: Dispatcher | None = None, **settings: Any) -> JobService:
    return JobService(store, Settings.load(environ={}, store=store.url, **settings),
                      dispatcher or InlineDispatcher())


class _Reads:
    """Records what a store's reads return (its ``_query``): the rows, and their size."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[tuple[Any, ...]] = []
        self._query = store._query  # type: ignore[attr-defined]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._query(sql, params)
        self.rows += rows
        return rows

    @property
    def chars(self) -> int:
        """Characters of every value read (a list of ids counts its ids)."""
        return sum(len(str(value)) for row in self.rows for value in row)

    def __enter__(self) -> _Reads:
        self.store._query = self.query  # type: ignore[attr-defined]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.store._query  # type: ignore[attr-defined]


def _job(key: str, status: JobStatus, ids: str = "P04637", **fields: Any) -> Job:
    now = time.time()
    return Job(id=key, from_db="UniProtKB_AC-ID", to_db="UniProtKB", ids=ids, tax_id="",
               status=status, created=now, updated=now, **fields)


# ---------------------------------------------------------------------------------------------
# Row 6: the job text a submission stores is bounded; resuming reads only ids


def test_padding_around_the_ids_is_not_stored(api_store: Store) -> None:
    """20 MB of whitespace around two ids used to be stored as the job's 20 MB of text."""
    ids = "P04637," + " " * 20_000_000 + ",P02340 "
    with _service(api_store) as service:
        started = time.monotonic()
        job = service.submit("UniProtKB_AC-ID", "UniProtKB", ids)
        seconds = time.monotonic() - started
        assert job.id == job_id("UniProtKB_AC-ID", "UniProtKB", ids)  # the same id as before
        assert job.status == JobStatus.FINISHED
        stored = api_store.get_job(job.id)
        assert stored is not None
        assert len(stored.ids) < 100, f"{len(stored.ids):,} bytes stored: the padding too"
        assert stored.ids == "P04637,P02340"
        assert [p for p in api_store.read_results(job.id, 0, None)] == [
            ("P04637", "P04637"), ("P02340", "P02340")]
        # the same submission is the same job, re-used
        again = service.submit("UniProtKB_AC-ID", "UniProtKB", ids)
        assert again.id == job.id and again.status == JobStatus.FINISHED
        # text that fits is kept as submitted, as UniProt's details show it
        small = service.submit("UniProtKB_AC-ID", "UniProtKB", " P04637 , P02340,,K7PPA8 ")
        kept = api_store.get_job(small.id)
        assert kept is not None and kept.ids == " P04637 , P02340,,K7PPA8 "
    record("job_text_padding", submitted_bytes=len(ids), stored_bytes=len(stored.ids),
           submit_seconds=round(seconds, 2))


def test_ids_over_the_job_text_limit_are_a_400(
        api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory(max_job_bytes=1000)
    ids = ",".join(f"Q{n:09d}" for n in range(100))  # 1,099 bytes without any padding
    response = httpx.post(f"{live.url}/idmapping/run",
                          data={"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ids})
    assert response.status_code == 400, response.text
    assert response.json()["messages"] == [
        "The ids take 1,099 bytes, more than the 1,000 a job may store (setting "
        "'max_job_bytes'): submit fewer or shorter ids"]
    assert live.app.state.ctx.store.list_jobs() == []  # nothing stored
    fits = ",".join(f"Q{n:09d}" for n in range(90))  # 989 bytes
    response = httpx.post(f"{live.url}/idmapping/run",
                          data={"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": fits})
    assert response.status_code == 200, response.text


class _Recording(Dispatcher):
    """Records the ids it is given, and runs nothing."""

    redelivers = False

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, job_id: str, run: Runner) -> None:
        self.submitted.append(job_id)

    def close(self) -> None:
        pass


def test_resume_reads_only_the_ids_of_unfinished_jobs(api_store: Store) -> None:
    """A restart used to decode every stored job, its ids and failed ids included: 826 MiB
    for 335 MB of job text."""
    text = ",".join(f"Q{n:09d}" for n in range(50_000))  # 550 KB of ids, and as many failed
    for n in range(4):
        api_store.save_job(_job(f"DONE{n}", JobStatus.FINISHED, text,
                                failed_ids=text.split(",")))
    for key, status in (("NEW0", JobStatus.NEW), ("RUN0", JobStatus.RUNNING)):
        api_store.save_job(_job(key, status, text))
    dispatcher = _Recording()

    def no_list() -> list[Job]:
        raise AssertionError("resume read every job")

    api_store.list_jobs = no_list  # type: ignore[method-assign]
    try:
        with _service(api_store, dispatcher) as service, _Reads(api_store) as reads:
            tracemalloc.start()
            assert service.resume() == 2
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    finally:
        del api_store.list_jobs
    assert sorted(dispatcher.submitted) == ["NEW0", "RUN0"]
    assert reads.chars < 100, reads.rows  # the ids of two jobs, nothing of any job's text
    assert peak < 1_000_000, peak
    record("resume", backend=type(api_store).__name__, stored_jobs=6,
           chars_read=reads.chars, peak_traced_bytes=peak)


# ---------------------------------------------------------------------------------------------
# Row 12: a job is mapped before its write transaction


class _Probe:
    """Wraps a store's lookup and write_results: records, for every row the lookup yields,
    whether results were being written then (on this thread, or a write transaction open on
    the store's writer connections)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writing = 0
        self.rows_while_writing = 0
        self.rows = 0
        self._lookup = store.lookup
        self._write_results = store.write_results
        self.hold: threading.Event | None = None  # set: rows wait for it
        self.held = threading.Event()

    def _transaction_open(self) -> bool:
        writer = getattr(self.store, "_writer", None)
        if writer is not None and getattr(writer, "in_transaction", False):  # sqlite3
            return True
        for name in ("_writer", "results"):  # psycopg: the shared writer, this thread's
            conn = getattr(self.store, name, None) or getattr(
                getattr(self.store, "_local", None), name, None)
            info = getattr(conn, "info", None)
            if info is not None and int(info.transaction_status) != 0:  # not IDLE
                return True
        return False

    def lookup(self, plan: Any) -> tuple[str, Iterator[tuple[int, str, int]]]:
        release, rows = self._lookup(plan)

        def probed() -> Iterator[tuple[int, str, int]]:
            for row in rows:
                if self.hold is not None and not self.held.is_set():
                    self.held.set()
                    assert self.hold.wait(30)
                self.rows += 1
                if self.writing or self._transaction_open():
                    self.rows_while_writing += 1
                yield row

        return release, probed()

    def write_results(self, job_id: str, pairs: Any) -> int:
        self.writing += 1
        try:
            return self._write_results(job_id, pairs)
        finally:
            self.writing -= 1

    def __enter__(self) -> _Probe:
        self.store.lookup = self.lookup  # type: ignore[method-assign]
        self.store.write_results = self.write_results  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.store.lookup
        del self.store.write_results


def test_no_write_transaction_is_open_while_a_job_maps(api_store: Store) -> None:
    with _service(api_store) as service, _Probe(api_store) as probe:
        job = service.submit("GeneID", "UniProtKB", API_BULK_GENE_ID)
    assert job.status == JobStatus.FINISHED and job.result_count == 300
    assert probe.rows == 300
    assert probe.rows_while_writing == 0, "the job was mapped inside its write transaction"
    assert sorted(to for _, to in api_store.read_results(job.id, 0, None)) == sorted(
        api_bulk_accession(n) for n in range(300))


def test_a_small_job_does_not_wait_for_a_large_one_mapping(api_store: Store) -> None:
    """A small submission used to stall 4.8 s behind four large jobs: their mapping ran inside
    their write transactions, which hold the SQLite store's write lock."""
    with ThreadDispatcher(2) as threads, _service(api_store, threads, inline_job_ids=1) \
            as service, _Probe(api_store) as probe:
        probe.hold = threading.Event()
        try:
            large = service.submit("GeneID", "UniProtKB", f"{API_BULK_GENE_ID},x")
            assert probe.held.wait(30), "the large job did not start mapping"
            # the large job is mapping now, and stays so until probe.hold is set
            done: list[tuple[Job, float]] = []

            def small() -> None:
                started = time.monotonic()
                job = service.submit("UniProtKB_AC-ID", "GeneID", "P04637")
                done.append((job, time.monotonic() - started))

            thread = threading.Thread(target=small, daemon=True)
            thread.start()
            thread.join(timeout=10)
            assert done, "the small submission waited for the large job's mapping"
            assert done[0][0].status == JobStatus.FINISHED  # one id: run inline
        finally:
            probe.hold.set()
        deadline = time.monotonic() + 30
        while service.get(large.id).status != JobStatus.FINISHED:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    record("small_job_beside_a_mapping", backend=type(api_store).__name__,
           small_submit_ms=round(done[0][1] * 1000, 1))


@pytest.mark.parametrize(("max_pairs", "status"), [(300, JobStatus.FINISHED),
                                                   (299, JobStatus.ERROR)])
def test_the_pair_cap_stays_exact(api_store: Store, max_pairs: int, status: JobStatus) -> None:
    with _service(api_store, max_pairs=max_pairs) as service:
        job = service.submit("GeneID", "UniProtKB", API_BULK_GENE_ID)
    assert job.status == status
    written = list(api_store.read_results(job.id, 0, None))
    if status == JobStatus.FINISHED:
        assert len(written) == job.result_count == 300
    else:
        assert job.errors[0]["code"] == 40 and written == []


def test_the_spool_keeps_the_pairs_in_order_in_memory_then_in_a_file() -> None:
    from idmapping.store.spool import PairSpool  # here: the rest of the file runs on older code

    pairs = [(f"F{n}", f"T{n % 7}") for n in range(25_000)]
    with PairSpool() as small:
        small.extend(pairs[:10])
        assert list(small) == pairs[:10] and small.in_memory
    with PairSpool(memory_bytes=50_000, chunk_pairs=1000) as spool:
        spool.extend(pairs[:12_345])
        assert list(spool) == pairs[:12_345]
        spool.extend(pairs[12_345:])  # appended after a read, then read again whole
        assert len(spool) == len(pairs) and not spool.in_memory
        assert list(spool) == pairs
        assert spool.bytes < 20 * len(pairs)


def test_a_large_write_lets_other_writers_in_between_its_transactions(tmp_path: Path) -> None:
    """A SQLite store writes a job's results a chunk per transaction, and its one writer goes
    to the threads waiting for it first come, first served."""
    from idmapping.store.locks import FairLock
    from idmapping.store.spool import PairSpool

    pairs = [(f"F{n}", f"T{n}") for n in range(25_000)]
    with fresh_store("sqlite", tmp_path) as store, PairSpool(chunk_pairs=10_000) as spool:
        spool.extend(pairs)
        between: list[bool] = []
        chunks = spool.json_chunks

        def probed() -> Iterator[tuple[int, bytes]]:
            for chunk in chunks():
                between.append(store._writer.in_transaction)  # type: ignore[attr-defined]
                yield chunk

        spool.json_chunks = probed  # type: ignore[method-assign]
        assert store.write_results("BIG", spool) == len(pairs)
        assert between == [False, False, False]
        assert list(store.read_results("BIG", 0, None)) == pairs
    lock, order = FairLock(), []

    def wait_for_it() -> None:
        with lock:
            order.append("waiting thread")

    with lock:
        thread = threading.Thread(target=wait_for_it, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while lock.waiting() == 0:
            assert time.monotonic() < deadline
            time.sleep(0.001)
    with lock:  # released and taken again at once: the waiting thread went first
        order.append("this thread")
    thread.join(10)
    assert order == ["waiting thread", "this thread"]


# ---------------------------------------------------------------------------------------------
# Row 14: status polls, and pages that do not send failedIds, do not read them


FAILED = 100_000


@contextlib.contextmanager
def _failed_job(store: Store) -> Iterator[Job]:
    job = _job("FAILED100k", JobStatus.FINISHED, ",".join(f"X{n:07d}" for n in range(FAILED)),
               release="2099_01", failed_ids=[f"X{n:07d}" for n in range(FAILED)])
    store.save_job(job)
    yield job


def _polls(url: str, n: int) -> float:
    """The median time of *n* status polls, in ms."""
    times = []
    with httpx.Client(base_url=url) as client:
        for _ in range(n):
            started = time.perf_counter()
            response = client.get("/idmapping/status/FAILED100k", follow_redirects=False)
            times.append(time.perf_counter() - started)
            assert response.status_code == 303
    return sorted(times)[n // 2] * 1000


def test_status_polls_do_not_read_failed_ids(api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory()
    store: Store = live.app.state.ctx.store
    with _failed_job(store) as job:
        poll_ms = _polls(live.url, 20)
        base = f"{live.url}/idmapping"
        for path, params in (("/status/FAILED100k", {}), ("/details/FAILED100k", {}),
                             ("/results/FAILED100k", {"format": "tsv"}),
                             ("/stream/FAILED100k", {"format": "tsv"}),
                             ("/uniprotkb/results/FAILED100k", {"format": "tsv"}),
                             ("/uniprotkb/results/stream/FAILED100k", {"format": "list"})):
            with _Reads(store) as reads:
                response = httpx.get(base + path, params=params, follow_redirects=False)
            assert response.status_code in (200, 303), (path, response.text)
            assert "failedIds" not in response.text
            # details send the submitted ids, and nothing else is read
            limit = len(job.ids) + 1000 if path.startswith("/details") else 1000
            assert reads.chars < limit, (path, reads.chars)
        # a JSON page sends them, so reads them
        with _Reads(store) as reads:
            page = httpx.get(f"{base}/results/FAILED100k")
        assert page.status_code == 200
        assert len(page.json()["failedIds"]) == FAILED and reads.chars > FAILED * 8
    record("status_poll_100k_failed", backend=type(store).__name__, poll_ms_median=round(
        poll_ms, 2))


def test_a_new_sqlite_store_keeps_the_long_job_columns_last(tmp_path: Path) -> None:
    """SQLite reads a column after the failed ids only by walking their overflow pages (a
    status poll of a job of 10 MB of failed ids: 3 ms more), so a new store puts them last."""
    with fresh_store("sqlite", tmp_path):
        pass
    with contextlib.closing(sqlite3.connect(tmp_path / "store.sqlite")) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(jobs)")]
    assert columns[-3:] == ["failed_ids", "suggested_ids", "ids"], columns
