"""Each store translates its driver's errors into the error tree at its boundary.

The faults are real where they can be made on the spot: SQLite's own full disk (a page limit on
the main file), a lock held by another connection, a file that is not a database, a query over
SQLite's expression depth. PostgreSQL's classes of error are checked on psycopg's own exception
classes. Above the store, the job service turns a store's failure to write into a 503, and
nothing else: a bug stays a bug (an internal error, logged).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from idmapping.errors import (
    InvalidRequest,
    StoreDamaged,
    StoreError,
    StoreUnavailable,
)
from idmapping.jobs.dispatch import InlineDispatcher
from idmapping.jobs.service import JobService
from idmapping.loader import load_release
from idmapping.model import JobStatus
from idmapping.settings import Settings
from idmapping.store import Store, open_store
from idmapping.store.plans import FilterQuery
from idmapping.store.query import parse_query
from idmapping.store.sqlite import SqliteStore
from idmapping.store.sqlite_driver import translate

CORE = Path(__file__).parent / "data" / "core"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    with open_store(str(tmp_path / "store.sqlite")) as store:
        assert isinstance(store, SqliteStore)
        yield store


@contextlib.contextmanager
def full_disk(store: SqliteStore) -> Iterator[None]:
    """SQLite's main file may not grow while in the block: SQLite's own 'disk is full'."""
    pages = store._writer.execute("PRAGMA page_count").fetchone()[0]
    store._writer.execute(f"PRAGMA max_page_count = {pages}")
    try:
        yield
    finally:
        store._writer.execute("PRAGMA max_page_count = 1073741823")


def _error(run: str, path: Path | None = None) -> sqlite3.Error:
    """The sqlite3 error that running *run* on a fresh database (or *path*) raises."""
    with contextlib.closing(sqlite3.connect(path or ":memory:")) as conn:
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS t (a)") if path is None else None
            conn.execute(run, [1] * run.count("?"))
        except sqlite3.Error as exc:
            return exc
    raise AssertionError(f"{run!r} ran")


# -- SQLite, at the store's boundary ----------------------------------------------------------


def test_a_full_disk_is_store_unavailable(sqlite_store: SqliteStore) -> None:
    with full_disk(sqlite_store), pytest.raises(StoreUnavailable) as raised:
        sqlite_store.write_results("job", [("P04637" * 4, "7157" * 4)] * 20_000)
    assert raised.value.status == 503
    assert raised.value.messages == [
        "The store cannot be written just now (database or disk is full); try again later"]
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)  # the driver's words
    assert sqlite_store.write_results("job", [("P04637", "7157")] * 20_000) == 20_000


def test_a_lock_held_too_long_is_store_unavailable(sqlite_store: SqliteStore) -> None:
    other = sqlite3.connect(sqlite_store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        sqlite_store._writer.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(StoreUnavailable, match="database is locked"):
            sqlite_store.delete_jobs()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_query_over_sqlite_s_limits_is_a_bad_request(store: Store) -> None:
    """A filter of 1,200 terms does not fit in SQLite's expression tree (1,000 deep): a 400,
    not an internal error. PostgreSQL answers it. (The query parser refuses such a query first;
    the store's boundary is the second line.)"""
    load_release(sorted(CORE.iterdir()), store)
    store.write_results("job", [("P04637", "P04637")])
    # the query parser refuses so many terms (MAX_QUERY_TERMS): join one term's SQL instead
    where, params = parse_query("uniprotkb", "gene:tp53")
    query = FilterQuery("uniprotkb", " AND ".join([f"({where})"] * 1200), tuple(params * 1200))
    try:
        total, rows = store.filtered_results("job", query, 0, 10)
    except InvalidRequest as exc:
        assert isinstance(store, SqliteStore)
        assert exc.messages[0].startswith("The request is too large for the store (Expression")
    else:
        assert not isinstance(store, SqliteStore)
        # 1,200 copies of one term keep what the term alone keeps
        single = store.filtered_results("job", FilterQuery("uniprotkb", where, tuple(params)),
                                        0, 10)
        assert (total, rows) == (single[0], list(single[1]))


@pytest.mark.parametrize(("run", "expected"), [
    ("SELECT * FROM t WHERE " + " AND ".join(["a = ?"] * 1200), InvalidRequest),  # a limit
    ("SELECT * FROM no_such_table", None),  # SQL wrong for the schema: a bug, left as it is
    ("SELEC 1", None),  # a syntax error: a bug
])
def test_what_sqlite_errors_mean(run: str, expected: type[Exception] | None) -> None:
    error = translate(_error(run), "store.sqlite")
    assert (None if error is None else type(error)) is expected


def test_a_file_that_is_not_a_database_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "0001-ab.sqlite"
    path.write_bytes(b"not a database, but long enough to have a header" * 100)
    error = translate(_error("SELECT * FROM sqlite_master", path), path)
    assert isinstance(error, StoreDamaged)
    assert str(path) in error.messages[0] and "Nothing was changed" in error.messages[0]


def test_the_driver_misused_is_left_as_it_is() -> None:
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        with pytest.raises(sqlite3.ProgrammingError) as raised:
            conn.execute("SELECT ?", (1, 2))
    assert translate(raised.value, "store.sqlite") is None


# -- PostgreSQL's classes of error --------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("DiskFull", StoreUnavailable),  # the server is out of room
    ("ReadOnlySqlTransaction", StoreUnavailable),  # a standby, or a read-only database
    ("LockNotAvailable", StoreUnavailable),  # a lock held too long
    ("StatementTooComplex", InvalidRequest),  # a request over the server's limits
    ("AdminShutdown", StoreError),  # the server went away
    ("UndefinedTable", None),  # SQL wrong for the schema: a bug, left as it is
    ("UniqueViolation", None),  # a constraint broken: a bug
])
def test_what_postgresql_errors_mean(name: str, expected: type[Exception] | None) -> None:
    errors = pytest.importorskip("psycopg.errors")
    from idmapping.store.postgres_driver import translate as translate_pg

    error = translate_pg(getattr(errors, name)("the server's words"), "postgresql://db")
    assert (None if error is None else type(error)) is expected
    if error is not None:
        assert "the server's words" in error.messages[0]


# -- above the store: the job service ---------------------------------------------------------


def _service(store: Store) -> JobService:
    return JobService(store, Settings.load(environ={}, store=store.url), InlineDispatcher())


def test_a_store_failing_to_write_is_a_503(sqlite_store: SqliteStore) -> None:
    load_release(sorted(CORE.iterdir()), sqlite_store)
    service = _service(sqlite_store)
    try:
        with full_disk(sqlite_store):
            with pytest.raises(StoreUnavailable, match="disk is full"):
                for n in range(200):  # until the jobs table needs a page more
                    service.submit("UniProtKB_AC-ID", "GeneID", f"P04637,X{n}" + "Y" * 900)
    finally:
        service.close()


def test_any_other_store_error_while_writing_is_a_503(
        sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure the store could only call a StoreError (PostgreSQL's server gone) is still the
    store not taking the write: the same request succeeds later."""
    service = _service(sqlite_store)

    def gone(*args: object) -> None:
        raise StoreError("PostgreSQL at postgresql://db: server closed the connection")

    monkeypatch.setattr(sqlite_store, "save_job", gone)
    try:
        with pytest.raises(StoreUnavailable, match="server closed the connection"):
            service.submit("UniProtKB_AC-ID", "GeneID", "P04637")
    finally:
        service.close()


def test_a_bug_is_not_a_503(sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch,
                            caplog: pytest.LogCaptureFixture) -> None:
    """The job service used to turn any exception of the store, a bug too, into 'the store
    cannot be written' (503, or a job ERROR saying so); a bug is an internal error, logged."""
    load_release(sorted(CORE.iterdir()), sqlite_store)
    service = _service(sqlite_store)
    real = sqlite_store.write_results

    def bug(job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
        for _ in pairs:  # a bug in storing results (ending the job in ERROR stores none)
            raise KeyError("a bug")
        return real(job_id, pairs)

    try:
        monkeypatch.setattr(sqlite_store, "write_results", bug)
        with caplog.at_level(logging.ERROR, logger="idmapping.jobs.service"):
            job = service.submit("UniProtKB_AC-ID", "GeneID", "P04637")
        assert job.status == JobStatus.ERROR
        assert job.errors == [{"code": 50, "message": "Internal server error"}]
        assert any("failed" in r.getMessage() and r.exc_info for r in caplog.records)
        def broken(job: object) -> None:
            raise KeyError("a bug")

        monkeypatch.setattr(sqlite_store, "save_job", broken)
        with pytest.raises(KeyError):  # not StoreUnavailable: the HTTP layer answers 500
            service.submit("UniProtKB_AC-ID", "GeneID", "P04637,P02340")
    finally:
        service.close()
