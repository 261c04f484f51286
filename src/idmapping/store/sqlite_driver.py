"""The boundary of the SQLite store with its driver: how connections are opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["connect"]


def connect(path: Path | str, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), usable from any
    thread, that waits up to 30 s for a lock held by another."""
    conn = sqlite3.connect(path, uri=uri, isolation_level=None, check_same_thread=False,
                           timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn
