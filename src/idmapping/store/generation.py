"""The SQLite store's generation: whether anything was written to its main file meanwhile.

``PRAGMA data_version`` answers, on one connection, whether any other connection committed a
change to the database since this one last asked, in this process or another. One connection
asks for the whole store, under a lock, so that its answers form one sequence: the generation
is a count of the changes it has seen, and two equal generations mean that nothing was
committed between the two questions (``Store.generation``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Generation", "Kept"]

T = TypeVar("T")


class Generation:
    """The generation of the database that *conn* reads (a connection used for nothing else:
    its own commits would not be seen).

    >>> import sqlite3, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "db")
    >>> writer = sqlite3.connect(path, isolation_level=None)
    >>> generation = Generation(sqlite3.connect(path, check_same_thread=False))
    >>> first = generation.current()
    >>> generation.current() == first
    True
    >>> _ = writer.execute("CREATE TABLE t (x)")
    >>> generation.current() == first
    False
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._version: int | None = None
        self._count = 0

    def current(self) -> int:
        """The generation now: it changes once any change is committed."""
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                self._count += 1
            return self._count

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


class Kept(Generic[T]):
    """A value read from the database, kept for as long as the generation stays the one it
    was read in (read again after any change).

    :param generation: the database's generation.
    :param read: reads the value.
    """

    def __init__(self, generation: Generation, read: Callable[[], T]) -> None:
        self._generation = generation
        self._read = read
        self._kept: tuple[int, T] | None = None

    def get(self) -> T:
        """The value: the kept one if nothing was committed since it was read."""
        now = self._generation.current()
        kept = self._kept
        if kept is not None and kept[0] == now:
            return kept[1]
        value = self._read()
        if self._generation.current() == now:  # read while nothing was committed
            self._kept = (now, value)
        return value
