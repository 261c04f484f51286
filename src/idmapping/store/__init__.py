"""Stores, chosen by URL: a file path or ``sqlite:///PATH`` (embedded), or ``postgresql://``."""

from __future__ import annotations

from pathlib import Path

from idmapping.catalogue import Catalogue
from idmapping.errors import MissingDriver, StoreError
from idmapping.store.base import ReleaseWriter, Store
from idmapping.store.plans import LookupPlan, Subset
from idmapping.store.pool import DEFAULT_READERS

__all__ = ["open_store", "Store", "ReleaseWriter", "LookupPlan", "Subset"]


def open_store(url: str, catalogue: Catalogue | None = None, readers: int = DEFAULT_READERS
               ) -> Store:
    """Open the store at *url*.

    :param url: a file path, ``sqlite:///PATH``, or ``postgresql://...``.
    :param readers: the most connections that read at once (threads beyond wait for one:
        the ``reader_connections`` setting).
    """
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from idmapping.store.postgres import PostgresStore
        except ImportError as exc:
            raise MissingDriver(
                "The PostgreSQL store needs psycopg: pip install 'idmapping[postgres]'"
            ) from exc
        return PostgresStore(url, catalogue, readers)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise StoreError(f"Unknown store URL {url!r}: use a file path, sqlite:/// or postgresql://")
    from idmapping.store.sqlite import SqliteStore

    return SqliteStore(Path(url).expanduser(), catalogue, readers)
