"""A bounded pool of database connections, lent to one thread at a time.

Both stores read through a :class:`Pool` of at most ``size`` connections (the
``reader_connections`` setting): a thread asks for one with :meth:`Pool.lease`, and a thread
beyond ``size`` waits until another returns one. Each connection holds its own caches (SQLite's
page cache and temporary tables; a PostgreSQL backend process on the server), so the pool is
what bounds a process's memory for reads however many threads a web server runs.

A connection idle for :data:`IDLE_SECONDS` is closed (all but one, so that a quiet server
answers its next request at once): the memory a burst of requests made the connections hold
goes back when the burst is over, not only when the process ends.

A lease is re-entrant per thread: a thread that holds a connection and asks again gets the
same one, so a method that reads while the rows of an earlier read are still being consumed
(a lookup's rows) neither waits for itself nor takes a second connection. The rows of a lookup
hold their lease from the first row until they are read to the end, closed or dropped.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from idmapping.errors import StoreUnavailable

__all__ = ["Pool", "Lease", "DEFAULT_READERS", "WAIT_SECONDS", "IDLE_SECONDS"]

C = TypeVar("C")

WAIT_SECONDS = 60.0
"""How long a thread waits for a connection before its request fails with a 503."""

DEFAULT_READERS = 8
"""Connections a store reads with at most, unless told otherwise (the default of the
``reader_connections`` setting)."""

IDLE_SECONDS = 10.0
"""How long a connection stays open unused (all but the last one)."""


class Lease(Generic[C]):
    """One connection lent to one thread; :meth:`release` gives it back (once)."""

    def __init__(self, pool: Pool[C], connection: C, thread: int) -> None:
        self.pool = pool
        self.connection = connection
        self.thread = thread
        self.depth = 1

    def release(self) -> None:
        """Give the connection back (a re-entrant lease: once every holder has)."""
        self.pool._give_back(self)


class Pool(Generic[C]):
    """At most *size* connections, made by *open* when needed and kept for re-use.

    :param open: makes a new connection.
    :param close: closes one.
    :param returned: called with a connection as it goes back to the pool, on the thread that
        returns it (e.g. to free its caches); it may raise to have the connection closed.
    :param usable: whether an idle connection may be lent again (e.g. not broken).
    :param wait_seconds: how long a thread waits for a connection before
        :class:`~idmapping.errors.StoreUnavailable` is raised.
    :param idle_seconds: how long a connection stays open unused (all but one).
    """

    def __init__(self, size: int, open: Callable[[], C], close: Callable[[C], None],
                 returned: Callable[[C], None] | None = None,
                 usable: Callable[[C], bool] | None = None,
                 wait_seconds: float = WAIT_SECONDS,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        if size < 1:
            raise ValueError("a pool needs room for at least one connection")
        self.size = size
        self._open, self._close = open, close
        self._returned, self._usable = returned, usable
        self._wait_seconds = wait_seconds
        self._idle_seconds = idle_seconds
        self._lock = threading.Condition()
        self._idle: list[tuple[C, float]] = []  # with when each was returned, oldest first
        self._reaper: threading.Timer | None = None
        self._held: dict[int, Lease[C]] = {}
        self._lent = 0
        self._opened = 0
        self._closed = False

    @property
    def opened(self) -> int:
        """How many connections exist now (idle or lent)."""
        with self._lock:
            return self._opened

    @property
    def idle(self) -> int:
        """How many connections could be lent at once without waiting (idle, or room for a
        new one)."""
        with self._lock:
            return self.size - self._lent

    def holds(self) -> bool:
        """Whether this thread holds a connection now."""
        with self._lock:
            return threading.get_ident() in self._held

    @contextlib.contextmanager
    def lease(self, prefer: Callable[[C], bool] | None = None) -> Iterator[C]:
        """A connection for the block: this thread's own if it holds one already (see
        :meth:`take`)."""
        lease = self.take(prefer)
        try:
            yield lease.connection
        finally:
            lease.release()

    def take(self, prefer: Callable[[C], bool] | None = None) -> Lease[C]:
        """A connection until :meth:`Lease.release` is called (this thread's own, if it holds
        one already).

        :param prefer: which idle connections suit best (e.g. those with a release attached
            already); the most recently used of them is lent, else the most recently used.
        :raises StoreUnavailable: none was free within the wait (every one is lent).
        """
        thread = threading.get_ident()
        deadline = time.monotonic() + self._wait_seconds
        with self._lock:
            held = self._held.get(thread)
            if held is not None:
                held.depth += 1
                return held
            while True:
                if self._closed:
                    raise StoreUnavailable("The store is closed")
                if self._idle or self._opened < self.size:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreUnavailable(
                        f"All {self.size} connections to the store are busy; try again later")
                self._lock.wait(left)
            self._lent += 1
            # the most recently used: its caches are the warmest, and the oldest age out
            connection = self._idle.pop(self._pick(prefer))[0] if self._idle else None
            if connection is None:
                self._opened += 1
        if connection is not None and self._usable is not None \
                and not self._usable(connection):
            self._discard(connection, count=False)
            connection = None
        if connection is None:
            try:
                connection = self._open()
            except BaseException:
                with self._lock:
                    self._opened -= 1
                    self._lent -= 1
                    self._lock.notify()
                raise
        lease = Lease(self, connection, thread)
        with self._lock:
            self._held[thread] = lease
        return lease

    def _pick(self, prefer: Callable[[C], bool] | None) -> int:
        """The index in the idle list of the connection to lend (with the lock held)."""
        if prefer is not None:
            for index in range(len(self._idle) - 1, -1, -1):
                if prefer(self._idle[index][0]):
                    return index
        return len(self._idle) - 1

    def _give_back(self, lease: Lease[C]) -> None:
        with self._lock:
            if lease.depth == 0:
                return  # released already
            lease.depth -= 1
            if lease.depth:
                return
            if self._held.get(lease.thread) is lease:
                del self._held[lease.thread]
        connection = lease.connection
        keep = not self._closed
        if keep and self._returned is not None:
            try:
                self._returned(connection)
            except Exception:
                keep = False
        with self._lock:
            self._lent -= 1
            if keep and not self._closed:
                self._idle.append((connection, time.monotonic()))
                self._lock.notify()
                if self._reaper is None:
                    self._schedule_reaper(self._idle_seconds)
                return
        self._discard(connection)

    def _schedule_reaper(self, delay: float) -> None:
        """Have :meth:`_reap` run in *delay* seconds (with the lock held)."""
        self._reaper = threading.Timer(delay, self._reap)
        self._reaper.daemon = True
        self._reaper.start()

    def _reap(self) -> None:
        """Close the connections idle for longer than ``idle_seconds``, all but the newest."""
        now = time.monotonic()
        with self._lock:
            self._reaper = None
            if self._closed:
                return
            stale = [c for c, since in self._idle[:-1] if now - since >= self._idle_seconds]
            self._idle = self._idle[len(stale):]
            self._opened -= len(stale)
            if len(self._idle) > 1:  # more will be idle long enough later
                self._schedule_reaper(max(0.0, self._idle[0][1] + self._idle_seconds - now))
        for connection in stale:
            with contextlib.suppress(Exception):
                self._close(connection)

    def _discard(self, connection: C, count: bool = True) -> None:
        """Close a connection that leaves the pool (*count*: and free its place)."""
        with contextlib.suppress(Exception):
            self._close(connection)
        if count:
            with self._lock:
                self._opened -= 1
                self._lock.notify()

    def release_idle(self) -> int:
        """Close every idle connection (they are opened again when needed); return how many."""
        with self._lock:
            idle, self._idle = [c for c, _ in self._idle], []
            self._opened -= len(idle)
            self._lock.notify_all()
        for connection in idle:
            with contextlib.suppress(Exception):
                self._close(connection)
        return len(idle)

    def close(self) -> None:
        """Close the idle connections; lent ones are closed as they come back."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
            if self._reaper is not None:
                self._reaper.cancel()
                self._reaper = None
        self.release_idle()

