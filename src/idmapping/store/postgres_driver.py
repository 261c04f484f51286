"""The boundary of the PostgreSQL store with psycopg: what is shown of a URL, placeholders,
and the translation of the driver's errors into :mod:`idmapping.errors` (:func:`translate`,
the same classes of error as SQLite's, :mod:`idmapping.store.sqlite_driver`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from idmapping.errors import IdMappingError, InvalidRequest, StoreError, StoreUnavailable
from idmapping.store.boundary import ErrorBoundary
from idmapping.store.schema import POSTGRES_RELEASE_PREFIX
from idmapping.store.shared import TOO_LARGE, UNWRITABLE

__all__ = ["Connection", "release_schema", "first_line", "shown_url", "dumps", "translate",
           "translating", "translated", "refused", "adapt"]

Connection = psycopg.Connection[Any]


def release_schema(release_id: int) -> sql.Identifier:
    """The schema of release *release_id*, as an SQL identifier."""
    return sql.Identifier(f"{POSTGRES_RELEASE_PREFIX}{int(release_id)}")


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (psycopg's run over several)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def shown_url(url: str) -> str:
    """*url* without its password, to show in messages and ``idmapping info``."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://?"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


def dumps(value: Any) -> str:
    """JSON text of *value*, for ``jsonb`` columns."""
    return orjson.dumps(value).decode()


# SQLSTATE classes and codes (psycopg's exception classes are not grouped by them)
_LIMITS = ("54",)  # program limit exceeded: statement too complex, too many columns...
_UNAVAILABLE = ("53",  # insufficient resources: disk full, out of memory, too many connections
                "25006",  # read-only transaction (a standby, or a read-only database)
                "55P03",  # lock not available
                "57P03")  # cannot connect now (the server is starting or stopping)


def translate(exc: psycopg.Error, url: str) -> IdMappingError | None:
    """The error of the tree that *exc* means, or None where it can only be a bug (SQL that does
    not compile for this schema, a constraint broken: psycopg's ``ProgrammingError`` and kin).

    A request over one of the server's limits is :class:`InvalidRequest` (400); a server out
    of room, read-only or holding a lock too long, :class:`StoreUnavailable` (503); any other
    failure of the server or the connection, :class:`StoreError` naming the store.
    """
    detail, state = first_line(exc), exc.sqlstate or ""
    if state.startswith(_LIMITS):
        return InvalidRequest(TOO_LARGE.format(detail))
    if state.startswith(_UNAVAILABLE):
        return StoreUnavailable(UNWRITABLE.format(detail))
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(f"PostgreSQL at {url}: {detail}")
    return None


_BOUNDARY = ErrorBoundary(psycopg.Error, translate, "url")
translating = _BOUNDARY.translating
"""Raise what :func:`translate` makes of a driver error in the block."""
translated = _BOUNDARY.translated
""":func:`translating` around a method of an object with a ``url`` (a store, a writer)."""


@contextlib.contextmanager
def refused(url: str) -> Iterator[None]:
    """Turn any error of the server during a load (a NUL byte, a full disk) into the error tree:
    :func:`translate`'s where it says more than a failure, else a :class:`StoreError`; the
    loader then aborts the load."""
    try:
        yield
    except psycopg.Error as exc:
        error = translate(exc, url)
        if isinstance(error, (StoreUnavailable, InvalidRequest)):
            raise error from exc
        raise StoreError(f"PostgreSQL at {url} refused the load: {first_line(exc)}") from exc


def adapt(query: str) -> str:
    """A query written with ``?`` placeholders (:mod:`idmapping.store.sql`) with psycopg's."""
    return query.replace("%", "%%").replace("?", "%s")
