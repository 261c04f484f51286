"""A job's results in PostgreSQL: written (pairs by ``COPY``, runs of ids that map to
themselves a row each) and deleted, both tables together (issue 18)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import orjson

from idmapping.store.postgres_driver import Connection
from idmapping.store.schema import POSTGRES_MAIN as MAIN
from idmapping.store.spool import PairSpool

__all__ = ["write_results", "delete_results"]


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
