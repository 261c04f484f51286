"""The checks of a SQLite release file before it is served: there, of the size that was
loaded, readable, and the very file that was loaded (its identity in its ``meta``); and the
counts of its rows."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import orjson

from idmapping.errors import StoreDamaged
from idmapping.model import Release
from idmapping.store.schema import DOCUMENT_TABLES
from idmapping.store.sqlite_driver import connect

__all__ = ["check_release_file", "release_file_counts", "QUICK_CHECK_BYTES"]

QUICK_CHECK_BYTES = 64 << 20
"""Release files up to this size are checked page by page (``PRAGMA quick_check``) before
they are served; larger ones by size and identity only (a check reads the whole file)."""


def check_release_file(path: Path, release: Release) -> None:
    """Check that *path*, the file of *release*, is there and is the file that was loaded.

    :raises StoreDamaged: it is missing, of another size, unreadable or another file, with
        what to do about it.
    """
    advice = (f"Nothing was changed. Restore {path} from a backup, or load the release "
              "again ('idmapping load FILE...').")
    if not path.is_file():
        raise StoreDamaged(f"The file of release {release.name}, {path}, is missing. {advice}")
    size, identity = release.stats.get("file_bytes"), release.stats.get("identity")
    if size is not None and path.stat().st_size != size:
        raise StoreDamaged(
            f"The file of release {release.name}, {path}, has {path.stat().st_size:,} bytes "
            f"where {size:,} were loaded: it is damaged. {advice}")
    try:
        with contextlib.closing(connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            found = dict(conn.execute("SELECT key, value FROM meta"))
            if size is not None and size <= QUICK_CHECK_BYTES:
                problem = conn.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise sqlite3.DatabaseError(problem)
    except sqlite3.Error as exc:
        raise StoreDamaged(f"The file of release {release.name}, {path}, cannot be read "
                           f"({exc}): it is damaged. {advice}") from exc
    if identity is not None and found.get("identity") != identity:
        raise StoreDamaged(f"The file of release {release.name}, {path}, is not the file "
                           f"that was loaded (another release's file?). {advice}")


def release_file_counts(path: Path) -> dict[str, int]:
    """The rows of each database in the release file *path* (as its load counted them), and
    of its other tables (named in parentheses)."""
    with contextlib.closing(connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        stored = conn.execute("SELECT value FROM meta WHERE key = 'xref_counts'").fetchone()
        counts: dict[str, int] = orjson.loads(stored[0]) if stored else dict(conn.execute(
            "SELECT d.name, c.n FROM (SELECT db, count(*) AS n FROM xrefs GROUP BY db) c "
            "JOIN dbs d ON d.code = c.db ORDER BY d.name"))  # as loaded
        for table in ("entries", "secondary", "deleted", *DOCUMENT_TABLES.values()):
            with contextlib.suppress(sqlite3.OperationalError):
                counts[f"({table})"] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return counts
