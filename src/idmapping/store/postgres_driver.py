"""The boundary of the PostgreSQL store with psycopg: what is shown of a URL, placeholders,
and the translation of the driver's errors into :mod:`idmapping.errors`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import orjson
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from idmapping.errors import StoreError
from idmapping.store.schema import POSTGRES_RELEASE_PREFIX

__all__ = ["Connection", "release_schema", "first_line", "shown_url", "dumps", "translated",
           "refused", "adapt"]

P = ParamSpec("P")
R = TypeVar("R")
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


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a lost connection or a failing server into a :class:`StoreError` naming the store."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except psycopg.OperationalError as exc:
            store = args[0]
            raise StoreError(f"PostgreSQL at {getattr(store, 'url', '?')}: "
                             f"{first_line(exc)}") from exc

    return wrapper


@contextlib.contextmanager
def refused(url: str) -> Iterator[None]:
    """Turn any error of the server during a load (a NUL byte, a full disk) into a
    :class:`StoreError`; the loader then aborts the load."""
    try:
        yield
    except psycopg.Error as exc:
        raise StoreError(f"PostgreSQL at {url} refused the load: {first_line(exc)}") from exc


def adapt(query: str) -> str:
    """A query written with ``?`` placeholders (:mod:`idmapping.store.sql`) with psycopg's."""
    return query.replace("%", "%%").replace("?", "%s")
