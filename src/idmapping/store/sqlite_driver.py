"""The boundary of the SQLite store with its driver: how connections are opened, and which of
``sqlite3``'s errors mean what in :mod:`idmapping.errors`.

What the file system or SQLite's limits do to a request is translated, by SQLite's result code:

- the store cannot be written or read just now (a full disk, a read-only file, a lock held
  too long, an I/O error): :class:`~idmapping.errors.StoreUnavailable` (503), and the same
  request works once the cause is gone;
- a file that is not a database, or a damaged one: :class:`~idmapping.errors.StoreDamaged`;
- a request over one of SQLite's limits (too many terms, nested too deep, a value too long):
  :class:`~idmapping.errors.InvalidRequest` (400), as PostgreSQL's store answers its own;
- any other failure of the database: :class:`~idmapping.errors.StoreError`.

What can only be a bug of the caller (SQL that does not compile for this schema, a constraint
broken, the driver misused) is left as it is, like PostgreSQL's ``ProgrammingError``: the
service reports it as an internal error and logs it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from idmapping.errors import (
    IdMappingError,
    InvalidRequest,
    StoreDamaged,
    StoreError,
    StoreUnavailable,
)
from idmapping.store.boundary import ErrorBoundary
from idmapping.store.shared import TOO_LARGE, UNWRITABLE

__all__ = ["connect", "translate", "translating", "translated"]


_UNAVAILABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM,
                          sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
                          sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL})
_DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_FAILED = frozenset({sqlite3.SQLITE_INTERNAL, sqlite3.SQLITE_PERM, sqlite3.SQLITE_ABORT,
                     sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_SCHEMA, sqlite3.SQLITE_NOLFS,
                     sqlite3.SQLITE_AUTH})
# SQLite reports most of its limits as a plain SQLITE_ERROR; these are their messages
_LIMITS = ("too many SQL variables", "Expression tree is too large", "parser stack overflow",
           "LIKE or GLOB pattern too complex", "too many terms in compound SELECT",
           "too many terms in ORDER BY clause", "too many arguments on function",
           "too many columns", "tables in a join")


def connect(path: Path | str, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), usable from any
    thread, that waits up to 30 s for a lock held by another."""
    conn = sqlite3.connect(path, uri=uri, isolation_level=None, check_same_thread=False,
                           timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _detail(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def translate(exc: sqlite3.Error, path: Path | str) -> IdMappingError | None:
    """The error of the tree that *exc* means, or None where it can only be a bug.

    :param path: the file the error is about (the main file or a release file).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by the driver itself: the caller misused it
        return None
    code &= 0xFF  # the primary result code of an extended one
    detail = _detail(exc)
    if code in _UNAVAILABLE:
        return StoreUnavailable(UNWRITABLE.format(detail))
    if code in _DAMAGED:
        return StoreDamaged(f"The store's file {path} cannot be read ({detail}): it is damaged. "
                            "Nothing was changed. Restore it from a backup, or load the release "
                            "again ('idmapping load FILE...').")
    if code == sqlite3.SQLITE_TOOBIG or (code == sqlite3.SQLITE_ERROR
                                         and any(limit in detail for limit in _LIMITS)):
        return InvalidRequest(TOO_LARGE.format(detail))
    if code in _FAILED:
        return StoreError(f"The store failed ({detail})")
    return None


_BOUNDARY = ErrorBoundary(sqlite3.Error, translate, "path")
translating = _BOUNDARY.translating
"""Raise what :func:`translate` makes of a driver error in the block."""
translated = _BOUNDARY.translated
""":func:`translating` around a method of an object with a ``path`` (a store, a writer)."""
