"""The loading process's share of an entry-file load, off its main thread: the file
decompressed in a thread of its own (ISA-L's igzip, several times faster than zlib), and
what the workers prepared stored by a :class:`StoringThread` while the next chunks are cut,
sent and received.

Both threads spend most of their time in C code that releases the GIL (igzip's inflate,
SQLite's and PostgreSQL's statements), so that they run beside the main thread, which cuts
the text into chunks and unpickles the workers' results (:mod:`idmapping.loader.chunks`).

>>> import io, gzip
>>> with decompressed(io.BytesIO(gzip.compress(b"ID   A\\n//\\n")), True) as stream:
...     stream.read()
b'ID   A\\n//\\n'
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO

from isal import igzip_threaded, isal_zlib

from idmapping.loader.builder import ReleaseBuilder
from idmapping.loader.entries import Prepared, apply

__all__ = ["decompressed", "StoringThread", "READ_ERRORS", "STORE_AHEAD"]

_IGZIP_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]  # typed as an instance
READ_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, _IGZIP_ERROR)
"""What reading a damaged or truncated gzip file raises (``BadGzipFile`` is an OSError)."""

STORE_AHEAD = 2
"""Prepared chunks waiting for the storing thread: the memory they hold is bounded by the
chunk size, and the main thread is held back when the store is the slower."""


@contextlib.contextmanager
def decompressed(raw: IO[bytes], compressed: bool) -> Iterator[IO[bytes]]:
    """*raw* as decompressed bytes: a gzip file inflated by a thread of its own, a megabyte
    ahead of the reader; any other file as it is. The thread stops when the block ends."""
    if not compressed:
        yield raw
        return
    stream: IO[bytes] = igzip_threaded.open(raw, "rb", threads=1)  # type: ignore[no-untyped-call]
    try:
        yield stream
    finally:
        stream.close()


class StoringThread:
    """Applies prepared chunks to the release being built, in the order given, in a thread.

    The release builder is used by this thread alone from the first :meth:`put` to
    :meth:`close`. A failure while storing is raised by the next :meth:`put` or by
    :meth:`close`; leaving the ``with`` block on an error stops the thread before the
    error goes on (so that the builder is not used by two threads while the load is
    aborted).

    :param on_stored: called (in the storing thread) with the count of entries of each
        chunk stored.
    """

    def __init__(self, builder: ReleaseBuilder, on_stored: Callable[[int], None]) -> None:
        self.builder = builder
        self.on_stored = on_stored
        self._queue: queue.Queue[Prepared | None] = queue.Queue(STORE_AHEAD)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while (prepared := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drained, so that put() never waits for a thread that failed
            try:
                self.on_stored(apply(self.builder, prepared))
            except BaseException as exc:  # noqa: BLE001 - raised again in the main thread
                self._error = exc

    def put(self, prepared: Prepared) -> None:
        """Store *prepared* after those before it; the thread starts with the first."""
        self._raise()
        if self._thread is None:
            # started late: a load forks its workers before any thread of its own runs
            self._thread = threading.Thread(target=self._run, name="idmapping-store",
                                            daemon=True)
            self._thread.start()
        self._queue.put(prepared)

    def close(self) -> None:
        """Wait until everything put is stored; raise what storing raised."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> StoringThread:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.close()
            return
        with contextlib.suppress(BaseException):
            self.close()  # the error that left the block is the one that goes on
