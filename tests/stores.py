"""Fresh, empty stores of each backend, for tests that run the same suite against both.

SQLite: a file in the test's temporary directory. PostgreSQL: a new database with a unique
name on the local server (``IDMAPPING_TEST_POSTGRES_URL``, by default
``postgresql://postgres@127.0.0.1:5432/test``), dropped afterwards.

Without psycopg or a reachable server the PostgreSQL cases are skipped, unless
``IDMAPPING_TEST_POSTGRES=required`` (as on CI), where they fail: a broken backend must not
pass unnoticed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

from idmapping.store import Store, open_store

BACKENDS = ["sqlite", "postgresql"]
SERVER = os.environ.get("IDMAPPING_TEST_POSTGRES_URL",
                        "postgresql://postgres@127.0.0.1:5432/test")


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("IDMAPPING_TEST_POSTGRES", "") == "required":
        pytest.fail(f"IDMAPPING_TEST_POSTGRES=required, but {reason}", pytrace=False)
    pytest.skip(reason)


def _admin() -> Any:
    """An autocommit connection to the server's ``test`` database, or a skip (or failure)."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'idmapping[postgres]')")
    try:
        return psycopg.connect(SERVER, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {SERVER} is unreachable: {exc}")


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped on exit with whatever still uses it."""
    admin = _admin()
    name = f"idmapping_test_{secrets.token_hex(6)}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urlsplit(SERVER)._replace(path="/" + name).geturl()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def fresh_store(kind: str, tmp: Path) -> Iterator[Store]:
    """An empty store of *kind* (``sqlite`` or ``postgresql``), closed (and dropped) on exit.

    :param tmp: a directory for the SQLite files.
    """
    if kind == "sqlite":
        with open_store(str(tmp / "store.sqlite")) as store:
            yield store
        return
    with fresh_database() as url, open_store(url) as store:
        yield store


def pairs(store: Store, from_db: str, to_db: str, *ids: str) -> list[tuple[str, str]]:
    """``(from, to)`` of mapping *ids* against the store's current release."""
    from idmapping.mapping import map_ids
    from idmapping.model import MappingRequest

    return [(p.from_id, p.to_id) for p in map_ids(store, MappingRequest(from_db, to_db, ids))]


@contextlib.contextmanager
def store_lacking(kind: str, tmp: Path, column: str, table: str = "kb_entries"
                  ) -> Iterator[Store]:
    """A store of *kind* whose release (a human and a mouse entry, with jobs ``job1`` of both)
    lacks *table*'s *column*: as a release loaded by an earlier version."""
    import sqlite3

    from idmapping.loader import load_release

    dat = tmp / "idmapping.dat"
    dat.write_text("P12345\tUniProtKB-ID\tABC_HUMAN\nP12345\tNCBI_TaxID\t9606\n"
                   "Q12345\tUniProtKB-ID\tQ12345_HUMAN\nQ12345\tNCBI_TaxID\t10090\n")
    with fresh_store(kind, tmp) as store:
        load_release([dat], store)
        release = store.current_release()
        assert release is not None
        if kind == "sqlite":
            store.close()
            [path] = [p for p in tmp.rglob("*") if p.is_file() and p.suffix != ".dat"
                      and p.name != "store.sqlite" and not p.name.startswith("store.sqlite-")]
            with sqlite3.connect(path) as conn:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            old = open_store(str(tmp / "store.sqlite"))
        else:
            import psycopg

            with psycopg.connect(store.url, autocommit=True) as conn:
                conn.execute(f"ALTER TABLE idmapping_r{release.id}.{table} "
                             f"DROP COLUMN {column}")
            old = store
        with old:
            old.write_results("job1", [("P12345", "P12345"), ("Q12345", "Q12345")])
            yield old


def check_xref_counts(store: Store) -> bool:
    """Check the rows per database ``idmapping info`` shows of the current release against a
    count of its xrefs; whether they were stored at the load (SQLite's ``xref_counts``)."""
    release = store.current_release()
    assert release is not None
    shown = {k: v for k, v in store.release_counts(release).items() if not k.startswith("(")}
    assert shown == dict(store._release_rows(
        "SELECT d.name, count(*) FROM {rel}xrefs x JOIN {rel}dbs d ON d.code = x.db "
        "GROUP BY d.name ORDER BY d.name"))
    from idmapping.store.sqlite import SqliteStore

    return bool(isinstance(store, SqliteStore) and store._release_rows(
        "SELECT 1 FROM {rel}meta WHERE key = 'xref_counts'"))


POSTGRES_PRIMARY_KEY = ["DROP INDEX {}xrefs_entry",
                        "ALTER TABLE {}xrefs ADD PRIMARY KEY (entry, db, value)"]
"""Statements giving a PostgreSQL release's xrefs the primary key ``(entry, db, value)`` of
the releases loaded before issue 18's index by entry alone (``store/schema.py``,
POSTGRES_INDEXES)."""


def older_xrefs(kind: str, any_key: bool) -> list[str]:
    """Statements giving a release's xrefs the layout of an earlier version (``{}``: the
    release's table prefix): every key stored, the (db, key) index, and with *any_key* the
    index by key alone of issue 17, instead of the one index by key of issue 18
    (``store/schema.py``, KEY_INDEX); in PostgreSQL, the primary key too
    (:data:`POSTGRES_PRIMARY_KEY`)."""
    if kind == "sqlite":
        indexes = ["CREATE INDEX {}xrefs_key ON xrefs(db, key, value)",
                   *(["CREATE INDEX {}xrefs_any_key ON xrefs(key, db)"] if any_key else [])]
    else:
        indexes = [*POSTGRES_PRIMARY_KEY,
                   "CREATE INDEX xrefs_key ON {}xrefs (db, key) INCLUDE (entry, value)",
                   *(["CREATE INDEX xrefs_any_key ON {}xrefs (key) INCLUDE (db, entry)"]
                     if any_key else [])]
    return ["DROP INDEX {}xrefs_by_key",
            "UPDATE {}xrefs SET key = lower(value) WHERE key IS NULL", *indexes]


def rewritten(store: Store, kind: str, tmp: Path, statements: list[str]) -> Store:
    """*store* (whose current release is its only one) closed, its release changed by
    *statements* (``{}``: the release's table prefix), opened again."""
    import sqlite3

    release = store.current_release()
    assert release is not None
    if kind == "sqlite":
        store.close()
        path = tmp / "store.releases" / release.file
        with contextlib.closing(sqlite3.connect(path)) as conn:
            for statement in statements:
                conn.execute(statement.format(""))
            conn.commit()
        with contextlib.closing(sqlite3.connect(tmp / "store.sqlite")) as conn:
            # the file's size as loaded, which the store checks
            conn.execute("UPDATE releases SET stats = json_set(stats, '$.file_bytes', ?)",
                         (path.stat().st_size,))
            conn.commit()
        return open_store(str(tmp / "store.sqlite"))
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.format(f"idmapping_r{release.id}."))
    return open_store(store.url)
