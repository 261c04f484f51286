"""A lock that threads get in the order they asked for it (issue 14, row 12).

The SQLite store has one writer connection, guarded by a lock. A large job writes its results
in many short transactions, taking and releasing that lock each time; with Python's own lock,
the thread that has just released it usually takes it straight back (the waiting thread is
still being woken up), so a small submission could wait for every transaction of the large
jobs in turn. :class:`FairLock` hands the lock to the longest waiting thread instead: a small
submission waits for at most one transaction of each writer ahead of it.

>>> lock = FairLock()
>>> with lock, lock:  # re-entrant, as threading.RLock
...     lock.owned()
True
>>> lock.owned()
False
"""

from __future__ import annotations

import collections
import threading
from types import TracebackType

__all__ = ["FairLock"]


class FairLock:
    """A re-entrant lock granted first come, first served."""

    def __init__(self) -> None:
        self._state = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0
        self._waiting: collections.deque[object] = collections.deque()

    def acquire(self) -> None:
        """Take the lock, after every thread that asked for it before."""
        me = threading.get_ident()
        with self._state:
            if self._owner == me:
                self._depth += 1
                return
            ticket = object()
            self._waiting.append(ticket)
            while self._owner is not None or self._waiting[0] is not ticket:
                self._state.wait()
            self._waiting.popleft()
            self._owner, self._depth = me, 1

    def release(self) -> None:
        """Give the lock back (to the longest waiting thread once every acquire is released).

        :raises RuntimeError: this thread does not hold it.
        """
        with self._state:
            if self._owner != threading.get_ident():
                raise RuntimeError("cannot release a lock this thread does not hold")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._state.notify_all()

    def waiting(self) -> int:
        """How many threads wait for the lock."""
        with self._state:
            return len(self._waiting)

    def owned(self) -> bool:
        """Whether this thread holds the lock."""
        return self._owner == threading.get_ident()

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()
