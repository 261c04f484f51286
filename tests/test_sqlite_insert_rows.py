"""The SQLite writer's inserts of many rows to a statement (issue 18: ``executemany`` of one
row a statement ran the statement once per row): every row stored once, in order, whatever
the count against :data:`~idmapping.store.sqlite_writer.ROWS_PER_STATEMENT`, and a row of the
wrong width refused rather than shifting the values of the rows after it."""

from __future__ import annotations

import sqlite3

import pytest

from idmapping.store.sqlite_writer import ROWS_PER_STATEMENT, insert_rows, insert_tuples

HEAD = "INSERT INTO t(a, b)"


@pytest.fixture
def conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    return conn


def stored(conn: sqlite3.Connection) -> list[tuple[int, str | None]]:
    return conn.execute("SELECT a, b FROM t ORDER BY rowid").fetchall()


@pytest.mark.parametrize("count", [0, 1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT,
                                   3 * ROWS_PER_STATEMENT + 5])
def test_every_row_in_order(conn: sqlite3.Connection, count: int) -> None:
    rows = [(i, None if i % 3 else f"v{i}") for i in range(count)]
    insert_tuples(conn, HEAD, 2, rows)
    assert stored(conn) == rows
    conn.execute("DELETE FROM t")
    insert_rows(conn, HEAD, [[a for a, _ in rows], [b for _, b in rows]])
    assert stored(conn) == rows


def test_a_row_of_another_width_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        insert_tuples(conn, HEAD, 2, [(1, "a"), (2,), (3, "c")])
    with pytest.raises(ValueError):  # as many values in all as two rows of two
        insert_tuples(conn, HEAD, 2, [(1,), (2, "b", "c")])
    with pytest.raises(ValueError):
        insert_rows(conn, HEAD, [[1, 2], ["a"]])
    assert stored(conn) == []
