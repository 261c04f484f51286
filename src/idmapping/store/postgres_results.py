"""A job's results in PostgreSQL: written (a spool's runs of ids that map to themselves and its
blocks of pairs a row each, other pairs by ``COPY``) and deleted, the three tables together
(issue 18); and the compression of a job's large columns (:func:`compress_with_lz4`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from idmapping.store.postgres_driver import Connection
from idmapping.store.schema import POSTGRES_MAIN as MAIN
from idmapping.store.spool import PairSpool

__all__ = ["write_results", "delete_results", "compress_with_lz4", "LZ4_COLUMNS"]

LZ4_COLUMNS = (("jobs", "ids"), ("job_result_runs", "ids"), ("job_result_blocks", "pairs"))
"""The columns of the main schema that hold a megabyte a job of 100,000 ids: the submitted
ids, the runs of ids that map to themselves, and the blocks of pairs."""


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

    A :class:`PairSpool`'s chunks go in as they are, a row each: its runs, and its other
    pairs as blocks (``SqlStore.result_blocks``: 121,068 RefSeq pairs, copied a row each, took
    0.26 s), the spool read twice so that nothing is kept in memory meanwhile. Other pairs
    (an alignment's rows) are copied a row each."""
    with conn.transaction():
        delete_results(conn, [job_id])
        if isinstance(pairs, PairSpool):
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {MAIN}.job_result_runs (job, seq, ids) "
                                "VALUES (%s, %s, %s::json)",
                                (row[:2] + row[3:] for row in _chunks(job_id, pairs, True)))
                cur.executemany(f"INSERT INTO {MAIN}.job_result_blocks (job, seq, size, pairs) "
                                "VALUES (%s, %s, %s, %s)", _chunks(job_id, pairs, False))
            return len(pairs)
        written = 0
        with conn.cursor() as cur, cur.copy(
                f"COPY {MAIN}.job_results (job, seq, from_id, to_id) FROM STDIN "
                "(FORMAT BINARY)") as copy:
            copy.set_types(["text", "int8", "text", "text"])
            for seq, (from_id, to_id) in enumerate(pairs):
                copy.write_row((job_id, seq, from_id, to_id))
                written += 1
        return written


def delete_results(conn: Connection, job_ids: Sequence[str]) -> None:
    """Delete the results of *job_ids*: their pairs, their runs and their blocks."""
    for table in ("job_results", "job_result_runs", "job_result_blocks"):
        conn.execute(f"DELETE FROM {MAIN}.{table} WHERE job = ANY(%s)", (list(job_ids),))


def _chunks(job_id: str, spool: PairSpool, runs: bool
            ) -> Iterator[tuple[str, int, int, str]]:
    """The rows ``(job, seq, size, JSON)`` of *spool*'s runs (*runs*) or of its blocks of
    pairs: each chunk's JSON array as it is, at its position among all the results."""
    seq = 0
    for run, size, data in spool.json_chunks():
        if run == runs:
            yield job_id, seq, size, data.decode()
        seq += size
