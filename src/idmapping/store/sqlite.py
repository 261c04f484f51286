"""The embedded store: SQLite, one main file plus one read-only file per release.

The main file (WAL) holds the list of releases and the jobs. Each release is built in a file of
its own beside it, with journaling off (a load that stops leaves only a file that the next load
removes), then indexed, and made current by one small transaction in the main file. Readers
attach the current release file read-only and immutable, so a load never slows them down.

Reads go through a bounded pool of reader connections (:class:`~idmapping.store.pool.Pool`,
the ``reader_connections`` setting), not one per thread: each connection has its own page cache
and temporary tables, so one per web-server thread made a server's memory grow with its threads
(40 concurrent 20,000-id submissions: 40 readers, kept). A reader attaches the release it is
asked for (the current one, or a view's pinned one), and readers with that release attached
already are lent first; a returned reader drops its lookup's input table and frees its caches
(not after a page of results alone: :func:`~idmapping.store.sqlite_reads.returned_reader`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from idmapping.catalogue import Catalogue
from idmapping.errors import (
    InvalidRequest,
    NoRelease,
    NotFound,
    StoreDamaged,
    StoreError,
    StoreUnavailable,
)
from idmapping.model import Job, Release
from idmapping.store.generation import Generation, Kept
from idmapping.store.jobrows import JOB_COLUMNS
from idmapping.store.locks import FairLock
from idmapping.store.plans import (
    AccessionMisses,
    AccessionPlan,
    FacetQuery,
    FilterQuery,
    HoldingRow,
    HoldingsPlan,
    LookupPlan,
)
from idmapping.store.pool import DEFAULT_READERS, Pool
from idmapping.store.runindex import PAGE_PAIRS, RunIndex
from idmapping.store.schema import (
    DOCUMENT_COLUMNS,
    DOCUMENT_TABLES,
    SQLITE_MAIN,
)
from idmapping.store.shared import (
    RELEASE_COLUMNS,
    UNWRITABLE,
    FactRow,
    SqlStore,
    batched,
    grouped,
    jobs_updated_before,
    page_parts,
    ready_release,
    release_from_row,
)
from idmapping.store.spool import BLOCK_PAIRS, PairSpool, grouped_chunks
from idmapping.store.sql import (
    entry_range,
    sqlite_entry_column,
    sqlite_xref_sql,
    xref_key,
)
from idmapping.store.sql_probes import (
    SortedKeys,
    accession_probe_sql,
    holdings_params,
    holdings_sql,
    odd_accessions_sql,
    sqlite_json_rows,
    sqlite_plain_accession,
)
from idmapping.store.sql_results import (
    OLD_FACETS,
    SAMPLE_SCAN,
    facet_sql,
    filter_params,
    filter_sql,
    missing_column,
    missing_table,
    result_rows_sql,
    sample_sql,
)
from idmapping.store.sqlite_driver import connect, translated, translating
from idmapping.store.sqlite_files import check_release_file, release_file_counts
from idmapping.store.sqlite_hits import lookup_rows
from idmapping.store.sqlite_reads import Reader, release_parts, returned_reader
from idmapping.store.sqlite_writer import SqliteReleaseWriter

__all__ = ["SqliteStore"]

class SqliteStore(SqlStore):
    """Releases and jobs in SQLite files. *path* is the main file.

    :param readers: the most reader connections open at once (threads beyond wait).
    """

    local_reads = True
    decode_json = staticmethod(orjson.loads)
    ids_apart = True
    result_blocks = True

    def __init__(self, path: str | Path, catalogue: Catalogue | None = None,
                 readers: int = DEFAULT_READERS) -> None:
        super().__init__(catalogue)
        self.path = Path(path)
        self.url = str(self.path)
        self.release_dir = self.path.parent / (self.path.stem + ".releases")
        self.read_only = ""
        """Why the store is served read-only ('' when it is writable)."""
        self._read_only_cause: sqlite3.Error | None = None
        self._reader_uri = self.path.resolve().as_uri()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = connect(self.path)
            self._writer.execute("PRAGMA journal_mode = WAL")
            self._writer.execute("PRAGMA synchronous = NORMAL")
            self._writer.executescript(SQLITE_MAIN)
        except sqlite3.Error as exc:
            self._writer = self._open_read_only(exc)
            self.ids_apart_readable, self.result_blocks = (self._writer.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0] > 0
                for table in ("job_texts", "job_result_blocks"))
        self._write_lock = FairLock()
        self._readers: Pool[Reader] = Pool(
            readers, self._open_reader, lambda reader: reader.conn.close(), returned_reader)
        self._generation = Generation(self._open_reader().conn)  # a connection of its own
        self._run_index = RunIndex()
        self._releases = Kept(self._generation, self._read_releases)
        self._doc_counts: dict[str, dict[str, int]] = {}  # by release file (never changes)
        # whether a release holds accessions not written as UniProt's (accession_misses)
        self._odd_accessions: dict[str, bool] = {}

    def _open_read_only(self, cause: sqlite3.Error) -> sqlite3.Connection:
        """Serve a store that cannot be written (a read-only file or file system) as it is.

        Reads work; every write fails with SQLite's "attempt to write a readonly database",
        which the job service answers with a 503. A WAL file that was stopped cleanly has no
        -shm file, and none can be created on a read-only file system: SQLite then opens it
        only as immutable, which is true while nothing can write it.
        """
        if not self.path.is_file():
            raise StoreError(f"Cannot open the store {self.path}: {cause}") from cause
        base = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                conn = connect(base + query, uri=True)
                conn.execute("SELECT count(*) FROM releases").fetchone()
                conn.execute("SELECT count(*) FROM jobs").fetchone()
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error, UnboundLocalError):
                    conn.close()
                last: sqlite3.Error = exc
                continue
            self.read_only, self._read_only_cause = str(cause), cause
            self._reader_uri = base + query
            return conn
        raise StoreError(f"Cannot open the store {self.path}: {cause}; "
                         f"read-only, it cannot be read either: {last}") from cause

    def close(self) -> None:
        self._readers.close()
        self._writer.close()
        self._generation.close()

    @translated
    def generation(self) -> int:
        return self._generation.current()

    def reads_now(self) -> bool:
        return self._readers.idle > 0 or self._readers.holds()

    # -- connections ------------------------------------------------------------------------

    def _open_reader(self) -> Reader:
        with translating(self.path):
            return Reader(connect(self._reader_uri, uri=True))

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreUnavailable(UNWRITABLE.format(f"it is opened readonly: {self.read_only}")
                                   ) from self._read_only_cause
        with self._write_lock:
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                # after some errors (a full disk) SQLite has rolled back by itself already
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")

    @contextlib.contextmanager
    def _release_conn(self, release: Release | None = None
                      ) -> Iterator[tuple[sqlite3.Connection, Release]]:
        """A reader for the block with *release* (by default the current one, or a view's
        pinned one) attached as ``rel``: one that has it attached already if one is idle,
        so that requests pinned to different releases seldom re-attach or re-check a file.
        Readers know a release by its file, whose name no other release ever has."""
        release = release or self.pin
        if release is None:
            rows = self._query(f"SELECT {RELEASE_COLUMNS}, file FROM releases WHERE current = 1")
            if not rows:
                raise NoRelease("No release is loaded: run 'idmapping load FILE...' first")
            release = release_from_row(rows[0], orjson.loads)
        file = release.file
        with self._readers.lease(lambda reader: reader.attached == file) as reader:
            if reader.attached != file:
                if reader.attached is not None:
                    reader.conn.execute("DETACH DATABASE rel")
                    reader.attached = None
                self._check_release_file(release)
                uri = (self.release_dir / file).resolve().as_uri() + "?mode=ro&immutable=1"
                reader.conn.execute("ATTACH DATABASE ? AS rel", (uri,))
                # the release file never changes: map it rather than read it page by page
                reader.conn.execute("PRAGMA rel.mmap_size = 4294967296")
                reader.attached = file
            yield reader.conn, release

    # -- releases ---------------------------------------------------------------------------

    @translated
    def releases(self) -> list[Release]:
        return list(self._releases.get())  # read again once anything was written

    def _read_releases(self) -> list[Release]:
        rows = self._query(f"SELECT {RELEASE_COLUMNS}, file FROM releases ORDER BY id")
        return [release_from_row(r, orjson.loads) for r in rows]

    @translated
    def begin_release(self) -> SqliteReleaseWriter:
        self.release_dir.mkdir(parents=True, exist_ok=True)
        self._check_unlisted()
        self._remove_unfinished()
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO releases(name, state, created, file) VALUES ('', 'loading', ?, '')",
                (created,))
            release_id = int(cur.lastrowid or 0)
            # a name no earlier file can have: a store whose main file was lost must not
            # write over the release files it no longer lists
            file = f"{release_id:04d}-{secrets.token_hex(4)}.sqlite"
            conn.execute("UPDATE releases SET file = ? WHERE id = ?", (file, release_id))
        return SqliteReleaseWriter(self, release_id, self.release_dir / file)

    @translated
    def verify(self) -> None:
        self._check_unlisted()
        for release in self.releases():
            if release.state == "ready":
                self._check_release_file(release)

    def _check_unlisted(self) -> None:
        """Refuse a store whose main file lists no release beside release files: its main
        file was lost, truncated or replaced, and a load would bury what it no longer lists."""
        if self.releases() or not self.release_dir.is_dir():
            return
        files = sorted(p.name for p in self.release_dir.glob("*.sqlite"))
        if files:
            raise StoreDamaged(
                f"The store's main file {self.path} lists no release, but {self.release_dir} "
                f"holds release files ({', '.join(files[:5])}): the main file may have been "
                "damaged or replaced. Nothing was changed. Restore the main file from a backup, "
                f"or move {self.release_dir} away to start an empty store.")

    def _check_release_file(self, release: Release) -> None:
        """Check that *release*'s file is there and is the file that was loaded."""
        check_release_file(self.release_dir / release.file, release)

    @translated
    def set_current(self, release_id: int) -> Release:
        release = ready_release(self.releases(), release_id)
        self._check_release_file(release)
        with self._write() as conn:
            still = conn.execute("SELECT state, file FROM releases WHERE id = ?",
                                 (release_id,)).fetchone()
            if still is None or tuple(still) != ("ready", release.file):
                raise NotFound(f"Release {release.name} was removed meanwhile")
            conn.execute("UPDATE releases SET current = 0 WHERE current = 1")
            conn.execute("UPDATE releases SET current = 1 WHERE id = ?", (release_id,))
        return ready_release(self.releases(), release_id)

    @translated
    def remove_release(self, release_id: int, file: str | None = None) -> None:
        """Delete a release that is not current.

        :param file: only if the release has this file: a load removing its own release,
            whose id a later load may have taken after a third removed it (SQLite gives a
            deleted row's id again).
        """
        with self._write() as conn:
            row = conn.execute("SELECT file, current FROM releases WHERE id = ?",
                               (release_id,)).fetchone()
            if row is None or (file is not None and row[0] != file):
                return
            if row[1]:
                raise StoreError("The current release cannot be removed")
            conn.execute("DELETE FROM releases WHERE id = ?", (release_id,))
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (self.release_dir / (row[0] + suffix)).unlink()

    @translated
    def release_counts(self, release: Release) -> dict[str, int]:
        return release_file_counts(self.release_dir / release.file)

    def size_bytes(self) -> dict[str, int]:
        sizes = {"jobs": sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))}
        for release in self.releases():
            sizes[f"release {release.name}"] = self.release_bytes(release)
        return sizes

    def release_bytes(self, release: Release) -> int:
        file = self.release_dir / release.file
        return file.stat().st_size if release.file and file.exists() else 0

    # -- mapping ----------------------------------------------------------------------------

    @translated
    def lookup(self, plan: LookupPlan, release: Release | None = None
               ) -> tuple[str, Iterator[tuple[int, str, int]]]:
        with self._release_conn(release) as (conn, release):
            codes = dict(conn.execute("SELECT name, code FROM rel.dbs"))
            tables = release_parts(conn)

        @contextlib.contextmanager
        def reader() -> Iterator[sqlite3.Connection]:
            with translating(self.path), self._release_conn(release) as (conn, _):
                yield conn

        return release.name, lookup_rows(reader, plan, codes, bool(release.stats.get("taxa")),
                                         tables)

    @translated
    def accession_misses(self, plan: AccessionPlan) -> AccessionMisses:
        with self._release_conn() as (conn, release):
            odd = self._odd_accessions.get(release.file)
            if odd is None:
                odd = self._odd_accessions[release.file] = bool(conn.execute(
                    odd_accessions_sql(sqlite_plain_accession("e.accession"))).fetchone()[0])
            probe = SortedKeys(plan.keys)  # one JSON array, read in C: no row bound per input
            sql, params = accession_probe_sql(
                plan, "(SELECT key AS seq, value AS key FROM json_each(?)) j", probe.json,
                sqlite_plain_accession("j.key") if odd else "",
                taxonomy=bool(release.stats.get("taxa")), tables=release_parts(conn),
                membership=True)
            return AccessionMisses(release, probe.misses(conn.execute(sql, params)),
                                   probe.distinct)

    @translated
    def holdings(self, plan: HoldingsPlan) -> tuple[str, list[HoldingRow]]:
        with self._release_conn() as (conn, release):
            codes = dict(conn.execute("SELECT name, code FROM rel.dbs"))
            query = holdings_sql(plan, codes, sqlite_json_rows, sqlite_entry_column,
                                 release_parts(conn))
            return release.name, conn.execute(query, holdings_params(plan)).fetchall()

    @translated
    def _release_parts(self) -> frozenset[str]:
        with self._release_conn() as (conn, _):
            return release_parts(conn)

    @translated
    def _release_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._release_conn() as (conn, _):
            return conn.execute(sql.replace("{rel}", "rel."), params).fetchall()

    @translated
    def _entry_fact_rows(self, accessions: list[str]
                         ) -> tuple[list[FactRow], list[tuple[str, str]]]:
        with self._release_conn() as (conn, _):
            rows: list[FactRow] = []
            deleted: list[tuple[str, str]] = []
            for chunk in batched(accessions, 500):
                marks = ", ".join("?" * len(chunk))
                rows += conn.execute(
                    "SELECT e.accession, e.name, e.reviewed, e.taxon, d.name, x.value "
                    f"FROM rel.entries e LEFT JOIN rel.xrefs x ON {entry_range('x', 'e.id')} "
                    "LEFT JOIN rel.dbs d ON d.code = x.db "
                    f"WHERE e.accession IN ({marks}) ORDER BY e.id, x.db, x.value", chunk)
                deleted += conn.execute(
                    f"SELECT accession, source FROM rel.deleted WHERE accession IN ({marks})",
                    chunk)
            return rows, deleted

    @translated
    def sample_accessions(self, limit: int) -> list[str]:
        with self._release_conn() as (conn, _):
            return [row[0] for row in conn.execute(sample_sql("rel.", "?"), (SAMPLE_SCAN, limit))]

    @translated
    def documents(self, kind: str, keys: Sequence[str], flat: bool = False
                  ) -> dict[str, tuple[bytes, bytes | None]]:
        with self._release_conn() as (conn, _):
            table, key = DOCUMENT_TABLES[kind], DOCUMENT_COLUMNS[kind][0][0]
            extra = "flat" if flat and kind == "uniprotkb" else "NULL"
            found: dict[str, tuple[bytes, bytes | None]] = {}
            for chunk in batched(list(dict.fromkeys(keys)), 500):
                marks = ", ".join("?" * len(chunk))
                for ident, doc, text in conn.execute(
                        f"SELECT {key}, doc, {extra} FROM rel.{table} WHERE {key} IN ({marks})",
                        chunk):
                    found[ident] = (doc, text)
            return found

    @translated
    def document_counts(self) -> dict[str, int]:
        with self._release_conn() as (conn, release):
            counts = self._doc_counts.get(release.file)
            if counts is None:
                counts = {}
                for kind, table in DOCUMENT_TABLES.items():
                    try:
                        row = conn.execute(f"SELECT count(*) FROM rel.{table}").fetchone()
                    except sqlite3.OperationalError:  # a release loaded before entries existed
                        row = (0,)
                    counts[kind] = int(row[0])
                self._doc_counts[release.file] = counts
        return dict(counts)

    @translated
    def filtered_results(self, job_id: str, query: FilterQuery, offset: int, limit: int | None
                         ) -> tuple[int, list[tuple[str, str]]]:
        self.check_taxonomy(query)
        with self._release_conn() as (conn, _):
            page, count = filter_sql(query, result_rows_sql("main.", self.result_blocks), "rel.",
                                     **sqlite_xref_sql(release_parts(conn)))
            params = filter_params(query, job_id, self.result_blocks)
            try:
                total = int(conn.execute(count, params).fetchone()[0])
                rows = conn.execute(page, [*params, -1 if limit is None else limit, offset]
                                    ).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    raise InvalidRequest(missing_table(query, str(exc))) from None
                if "no such column" in str(exc) and (old := missing_column(query, str(exc))):
                    raise InvalidRequest(old) from None
                raise
            return total, [(r[0], r[1]) for r in rows]

    @translated
    def facet_counts(self, job_id: str, query: FilterQuery, facet: FacetQuery
                     ) -> list[tuple[int | str, int]]:
        self.check_taxonomy(query)
        with self._release_conn() as (conn, _):
            text, params = facet_sql(query, facet, result_rows_sql("main.", self.result_blocks),
                                     "rel.", **sqlite_xref_sql(release_parts(conn)))
            params = [*params, *filter_params(query, job_id, self.result_blocks)]
            try:
                rows = conn.execute(text, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    raise InvalidRequest(missing_table(query, str(exc))) from None
                if "no such column" in str(exc) and (old := missing_column(query, str(exc))):
                    raise InvalidRequest(old) from None
                if "no such column" in str(exc):
                    raise InvalidRequest(OLD_FACETS.format(facet.column)) from None
                raise
            return [(r[0] if isinstance(r[0], str) else int(r[0]), int(r[1])) for r in rows]

    @translated
    def uniparc_suggestions(self, id_type: str, keys: Sequence[str]) -> dict[str, list[str]]:
        with self._release_conn() as (conn, _):
            found: dict[str, list[str]] = {}
            for chunk in batched(list(dict.fromkeys(keys)), 500):
                marks = ", ".join("?" * len(chunk))
                try:
                    rows = conn.execute(
                        f"SELECT DISTINCT key, upi FROM rel.uniparc_xrefs WHERE db = ? AND key IN "
                        f"({marks}) ORDER BY key, upi", (id_type, *chunk)).fetchall()
                except sqlite3.OperationalError:
                    return found
                found.update(grouped(rows))
            return found

    @translated
    def members(self, id_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
        with self._release_conn() as (conn, _):
            code = conn.execute("SELECT code FROM rel.dbs WHERE name = ?", (id_type,)).fetchone()
            found: dict[str, list[str]] = {}
            if code is None:
                return found
            key = xref_key("x", release_parts(conn))
            for chunk in batched([i.lower() for i in dict.fromkeys(ids)], 500):
                marks = ", ".join("?" * len(chunk))
                found.update(grouped(conn.execute(
                    "SELECT x.value, e.accession FROM rel.xrefs x JOIN rel.entries e "
                    f"ON e.id = x.entry WHERE x.db = ? AND {key} IN ({marks}) "
                    "ORDER BY x.value, e.reviewed DESC, e.accession", (code[0], *chunk))))
            return found

    # -- jobs -------------------------------------------------------------------------------

    def encode_json(self, value: Any) -> Any:
        return orjson.dumps(value).decode()

    @translated
    def _result_parts(self, job_id: str, offset: int, stop: int, decoded: dict[int, list[Any]]
                      ) -> list[Sequence[tuple[str, str]]]:
        if stop - offset > PAGE_PAIRS:  # a stream's batch: its runs are decoded whole, once
            return super()._result_parts(job_id, offset, stop, decoded)
        generation = self.generation()  # a page cuts its runs, if nothing was written meanwhile
        lent = not self._readers.holds()  # lent for the page alone (not inside another read)
        with self._readers.lease() as reader:  # both reads on one reader, lent once
            rows, runs = self._result_reads(job_id, offset, stop, decoded)
            reader.light = lent  # its caches not freed as it goes back (returned_reader)
        if runs and self.generation() == generation:
            runs = self._run_index.cut_runs(job_id, runs, offset, stop, generation)
        return page_parts(rows, runs, offset, stop, decoded)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._readers.lease() as reader:
            return reader.conn.execute(sql, params).fetchall()

    @translated
    def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._write() as conn:
            return conn.execute(sql, params).rowcount

    @translated
    def save_job(self, job: Job) -> None:
        # the row with '' for its ids, and the ids in job_texts (ids_apart), written only
        # where they changed (read, not written again, as a job is saved as it ends)
        sql, values = self._job_upsert(job)
        at = JOB_COLUMNS.index("ids")
        with self._write() as conn:
            conn.execute(sql, (*values[:at], "", *values[at + 1:]))
            conn.execute("INSERT INTO job_texts (job, ids) VALUES (?, ?) ON CONFLICT (job) DO "
                         "UPDATE SET ids = excluded.ids WHERE job_texts.ids <> excluded.ids",
                         (job.id, values[at]))

    @translated
    def write_results(self, job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
        # Pairs go in as blocks, JSON arrays of BLOCK_PAIRS pairs a row (a spool's are JSON
        # already), and a spool's runs (ids that map to themselves) as they are: 121,068 RefSeq
        # pairs in milliseconds, where a row each took 0.14 s. Each RESULTS_CHUNK pairs are a
        # transaction: the store's one writer is held for milliseconds at a time, and other
        # writers get it in between, in turn (issue 14, row 12). The job is RUNNING until its
        # results are all written; no one reads those of a job that is not FINISHED.
        chunks = pairs.json_chunks() if isinstance(pairs, PairSpool) else (
            (False, len(chunk), orjson.dumps(chunk)) for chunk in batched(pairs, BLOCK_PAIRS))
        with self._write() as conn:
            for table in _RESULT_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE job = ?", (job_id,))
        count = 0
        for group in grouped_chunks(chunks, RESULTS_CHUNK):
            with self._write() as conn:
                for run, size, data in group:
                    if run:
                        conn.execute(_INSERT_RUN, (job_id, count, data.decode()))
                    else:
                        conn.execute(_INSERT_BLOCK, (job_id, count, size, data.decode()))
                    count += size
        return count

    @translated
    def delete_jobs(self, updated_before: float | None = None) -> int:
        where, params = jobs_updated_before(updated_before)
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT id FROM jobs {where}", params)]
            for table in (*_RESULT_TABLES, "job_texts"):
                conn.executemany(f"DELETE FROM {table} WHERE job = ?", [(i,) for i in ids])
            conn.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in ids])
        return len(ids)


RESULTS_CHUNK = 10_000
"""Result pairs written per transaction (at least one block or run)."""

_RESULT_TABLES = ("job_results", "job_result_runs", "job_result_blocks")
"""A job's results: runs, blocks, and rows (only read: those of jobs stored before blocks)."""

_INSERT_RUN = "INSERT INTO job_result_runs (job, seq, ids) VALUES (?, ?, ?)"

_INSERT_BLOCK = "INSERT INTO job_result_blocks (job, seq, size, pairs) VALUES (?, ?, ?, ?)"
