"""A job's results in PostgreSQL: written (pairs by ``COPY``, runs of ids that map to
themselves a row each) and deleted, both tables together (issue 18); and the compression of a
job's large columns (:func:`compress_with_lz4`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import orjson

from idmapping.store.postgres_driver import Connection
from idmapping.store.schema import POSTGRES_MAIN as MAIN
from idmapping.store.spool import PairSpool

__all__ = ["write_results", "delete_results", "compress_with_lz4", "LZ4_COLUMNS"]

LZ4_COLUMNS = (("jobs", "ids"), ("job_result_runs", "ids"))
"""The columns of the main schema that hold a megabyte a job of 100,000 ids: the submitted
ids, and the runs of ids that map to themselves."""


def compress_with_lz4(conn: Connection) -> bool:
    """Have :data:`LZ4_COLUMNS` compressed with lz4 rather than pglz, where the server can
    (PostgreSQL 14 or later, built with lz4); return whether it can (issue 18).

    Storing 100,000 ids (1.1 MB) took 26 ms with pglz, 7.4 ms with lz4. Values stored before
    keep their compression and stay readable (each value names its own); the change is made
    once, in the caller's transaction (a store made earlier is migrated as it is opened). A
    server without lz4 (PostgreSQL 13, or built without it) keeps pglz: nothing is changed.
    """
    row = conn.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                       "WHERE name = 'default_toast_compression'").fetchone()
    if row is None or not row[0]:
        return False
    for table, column in LZ4_COLUMNS:
        found = conn.execute("SELECT attcompression FROM pg_attribute WHERE attrelid = "
                             "%s::regclass AND attname = %s",
                             (f"{MAIN}.{table}", column)).fetchone()
        if found is None or found[0] == "l":
            continue
        conn.execute(f"ALTER TABLE {MAIN}.{table} ALTER COLUMN {column} SET COMPRESSION lz4")
    return True


def write_results(conn: Connection, job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
    """Replace a job's results with *pairs*, in one transaction; return how many there are.

    A :class:`PairSpool` is read twice: its pairs are copied first, then its runs inserted
    (a ``COPY`` holds the connection while it lasts), so that no run is kept in memory
    meanwhile."""
    with conn.transaction():
        delete_results(conn, [job_id])
        written = 0
        with conn.cursor() as cur, cur.copy(
                f"COPY {MAIN}.job_results (job, seq, from_id, to_id) FROM STDIN "
                "(FORMAT BINARY)") as copy:
            copy.set_types(["text", "int8", "text", "text"])
            for row in _rows(job_id, pairs):
                copy.write_row(row)
                written += 1
        if not isinstance(pairs, PairSpool):
            return written
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {MAIN}.job_result_runs (job, seq, ids) "
                            "VALUES (%s, %s, %s::json)", _runs(job_id, pairs))
        return len(pairs)


def delete_results(conn: Connection, job_ids: Sequence[str]) -> None:
    """Delete the results of *job_ids*: their pairs and their runs."""
    conn.execute(f"DELETE FROM {MAIN}.job_results WHERE job = ANY(%s)", (list(job_ids),))
    conn.execute(f"DELETE FROM {MAIN}.job_result_runs WHERE job = ANY(%s)", (list(job_ids),))


def _rows(job_id: str, pairs: Iterable[tuple[str, str]]
          ) -> Iterator[tuple[str, int, str, str]]:
    """The ``job_results`` rows of *pairs*: a spool's pairs outside its runs, each at its
    position among all the results."""
    if not isinstance(pairs, PairSpool):
        for seq, (from_id, to_id) in enumerate(pairs):
            yield job_id, seq, from_id, to_id
        return
    seq = 0
    for run, size, data in pairs.json_chunks():
        if not run:
            for offset, (from_id, to_id) in enumerate(orjson.loads(data)):
                yield job_id, seq + offset, from_id, to_id
        seq += size


def _runs(job_id: str, spool: PairSpool) -> Iterator[tuple[str, int, str]]:
    """The ``job_result_runs`` rows of *spool*: each run's ids as the JSON array they are."""
    seq = 0
    for run, size, data in spool.json_chunks():
        if run:
            yield job_id, seq, data.decode()
        seq += size
