"""The SQLite store's reader connections, and what it does on one before a read (which parts of
a release it holds, a lookup's input table) and after (:func:`returned_reader`)."""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Sequence

from idmapping.store.schema import RELEASE_PARTS
from idmapping.store.sqlite_writer import insert_tuples

__all__ = ["Reader", "returned_reader", "release_parts", "fill_input"]


class Reader:
    """A reader connection of the pool, and the file of the release it has attached."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.attached: str | None = None
        self.light = False
        """Whether all it read since it was lent is a page of results (set by the reader)."""


def returned_reader(reader: Reader) -> None:
    """Free what a reader holds as it goes back to the pool: its lookup's input table (whose
    pages SQLite keeps for re-use otherwise) and the memory of its caches (issue 14, row 11).

    Not after a page of results alone (:attr:`Reader.light`): it made no input table, and what
    it cached is a few pages, within SQLite's ``cache_size`` of each file, freed by the next
    read that is not a page. Freeing them took 22 µs a page, 3% of its time (issue 18)."""
    if reader.light:
        reader.light = False
        return
    reader.conn.execute("DROP TABLE IF EXISTS temp.input")
    reader.conn.execute("PRAGMA shrink_memory")


def release_parts(conn: sqlite3.Connection) -> frozenset[str]:
    """The tables and indexes of :data:`RELEASE_PARTS` that the attached release has,
    taxon_spans only where it holds spans (a taxonomy with a loop has none)."""
    parts = {name for name, in conn.execute(
        f"SELECT name FROM rel.sqlite_master WHERE name IN "
        f"({', '.join('?' * len(RELEASE_PARTS))})", RELEASE_PARTS)}
    if "taxon_spans" in parts and not conn.execute("SELECT 1 FROM rel.taxon_spans").fetchone():
        parts.discard("taxon_spans")
    return frozenset(parts)


def fill_input(conn: sqlite3.Connection, inputs: Sequence[tuple[int, str, str, str | None]]
                ) -> None:
    """Put a query's input rows into the temporary table ``input``, emptied first."""
    # No index on the input: SQLite must then scan it and probe the release's index, the
    # plan that is fast for any input size (with one, it scans every stored id of the
    # database and probes the input: 1,000 ids took 1.2 s on a 19M-row release, now 12 ms).
    # Rows go in sorted by key, so the probes walk the index in order (100,000 RefSeq ids:
    # 0.32 s of query against 0.44 s in their own order), 128 to a statement (insert_tuples:
    # 0.11 s where executemany, a statement run per row, took 0.16 s).
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS input (seq INTEGER NOT NULL, "
                 "key TEXT NOT NULL, kind TEXT NOT NULL, version TEXT)")
    conn.execute("DELETE FROM temp.input")
    conn.execute("BEGIN")
    try:
        insert_tuples(conn, "INSERT INTO temp.input", 4,
                      sorted(inputs, key=operator.itemgetter(1)))
    finally:
        conn.execute("COMMIT")
