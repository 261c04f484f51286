"""A job's result pairs held between its mapping and its write (issue 14, row 12).

The job service maps a job in full into a :class:`PairSpool`, and only then hands it to
:meth:`Store.write_results <idmapping.store.base.Store.write_results>`: the store's write lock
is never held while ids are looked up, so a small submission never waits for a large job's
mapping. The pairs are kept as JSON chunks (about 30 bytes a pair rather than the 170 of two
Python strings in a tuple), in memory up to :data:`MEMORY_BYTES` and in an anonymous temporary
file past that; a store that reads JSON in the database (SQLite) inserts the chunks as they
are, without a Python object per pair.

A :class:`Run` is a list of ids that each map to themselves, the common case of a large job
(UniProtKB accessions to UniProtKB): it is kept, and stored, as the one JSON array of its ids,
not as a pair per id (issue 18).

>>> with PairSpool(chunk_pairs=2) as spool:
...     spool.extend([("a", "1"), ("a", "2"), ("b", "3")])
...     spool.extend(Run(["P1", "P2"]))
...     len(spool), list(spool)[2:], list(spool.json_chunks())
(5, [('b', '3'), ('P1', 'P1'), ('P2', 'P2')], [(False, 2, b'[["a","1"],["a","2"]]'), \
(False, 1, b'[["b","3"]]'), (True, 2, b'["P1","P2"]')])
"""

from __future__ import annotations

import io
import struct
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from types import TracebackType
from typing import overload

import orjson

__all__ = ["PairSpool", "Run", "RunPairs", "grouped_chunks", "MEMORY_BYTES", "CHUNK_PAIRS",
           "BLOCK_PAIRS", "MIN_RUN"]

MEMORY_BYTES = 8 << 20
"""Bytes of encoded pairs a spool keeps in memory; more go to a temporary file."""

CHUNK_PAIRS = 10_000
"""The most ids of a :class:`Run`, and of pairs encoded together: what a store reads whole to
find a page in it."""

BLOCK_PAIRS = 250
"""Pairs encoded together (one JSON array) by default: a block that a store may keep as one
row (``SqlStore.result_blocks``), decoded whole for a page of results in it. 121,068 RefSeq
pairs in SQLite (load average 5): a page of 25 read in 0.11-0.28 ms (0.13 ms as rows; blocks of
1,000: 0.63 ms, decoding most of it), of 500 in 0.29-0.62 ms (0.87-1.27 ms), written in 0.045 s
(0.03 s, 0.08 s in blocks of 100; 0.14-0.2 s as rows)."""

MIN_RUN = 64
"""The fewest ids a :class:`Run` is made of: below that, the run's row (and reading its array
back to find a page's pairs in it) costs about what the pairs' own rows cost."""

_HEADER = struct.Struct("<QI?")  # before each chunk: its bytes, its pairs, whether a run


class Run(list[str]):
    """Ids that each map to themselves, as consecutive results: the pairs ``(id, id)``. At most
    :data:`CHUNK_PAIRS` of them (a stored run is read whole to find a page in it)."""


class RunPairs(Sequence[tuple[str, str]]):
    """The pairs ``(id, id)`` of *ids* (a part of a stored :class:`Run`), as read back: a
    sequence of pairs whose tuples are made only as they are asked for; a writer that writes
    the ids whole (TSV) reads :attr:`ids` instead.

    >>> pairs = RunPairs(["P1", "P2", "P3"])
    >>> len(pairs), pairs[1], list(pairs[1:])
    (3, ('P2', 'P2'), [('P2', 'P2'), ('P3', 'P3')])
    """

    __slots__ = ("ids",)

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self.ids, self.ids, strict=True)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> RunPairs: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | RunPairs:
        if isinstance(index, slice):
            return RunPairs(self.ids[index])
        return self.ids[index], self.ids[index]

    def __repr__(self) -> str:
        return f"RunPairs({self.ids!r})"


class PairSpool:
    """``(from, to)`` pairs, appended in order and read back in the same order, any number of
    times. Close it (or use it as a context manager) to free its file."""

    def __init__(self, memory_bytes: int = MEMORY_BYTES, chunk_pairs: int = BLOCK_PAIRS) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=memory_bytes)  # noqa: SIM115
        self._memory_bytes = memory_bytes
        # a chunk may be stored as one block, read whole for a page: CHUNK_PAIRS at most
        self._chunk_pairs = min(chunk_pairs, CHUNK_PAIRS)
        self._pending: list[tuple[str, str]] = []
        self._count = 0
        self.bytes = 0
        """Bytes of encoded pairs held (in memory, or in the file past :data:`MEMORY_BYTES`)."""

    def append(self, pair: tuple[str, str]) -> None:
        """Add one pair after the others."""
        self._pending.append(pair)
        self._count += 1
        if len(self._pending) >= self._chunk_pairs:
            self._flush()

    def extend(self, pairs: Iterable[tuple[str, str]] | Run) -> None:
        """Add *pairs* after the others (a chunk at a time, without a Python step per pair);
        a :class:`Run` is kept as one."""
        if isinstance(pairs, Run):
            self._flush()
            for start in range(0, len(pairs), CHUNK_PAIRS):  # a store reads a run whole
                part = pairs[start:start + CHUNK_PAIRS]
                self._write(orjson.dumps(part), len(part), True)
            self._count += len(pairs)
            return
        items = iter(pairs)
        while True:
            room = self._chunk_pairs - len(self._pending)
            before = len(self._pending)
            self._pending.extend(islice(items, room))
            added = len(self._pending) - before
            self._count += added
            if added < room:
                return
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._write(orjson.dumps(self._pending), len(self._pending), False)
            self._pending = []

    def _write(self, data: bytes, count: int, run: bool) -> None:
        self._file.seek(0, io.SEEK_END)  # a reading left off elsewhere
        self._file.write(_HEADER.pack(len(data), count, run) + data)
        self.bytes += _HEADER.size + len(data)

    def __len__(self) -> int:
        return self._count

    def json_chunks(self) -> Iterator[tuple[bool, int, bytes]]:
        """The pairs, in order, as ``(run, count, JSON)`` parts: a :class:`Run`'s JSON array
        of ids (*run* true), or a JSON array of ``[from, to]`` arrays."""
        self._flush()
        end, offset = self.bytes, 0
        while offset < end:
            self._file.seek(offset)
            size, count, run = _HEADER.unpack(self._file.read(_HEADER.size))
            offset += _HEADER.size + size
            yield run, count, self._file.read(size)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for run, _, data in self.json_chunks():
            items = orjson.loads(data)
            if run:
                yield from zip(items, items, strict=True)
            else:
                for pair in items:  # JSON arrays back into tuples
                    yield pair[0], pair[1]

    @property
    def in_memory(self) -> bool:
        """Whether every pair is in memory (no temporary file was needed)."""
        return self.bytes <= self._memory_bytes

    def close(self) -> None:
        """Free the memory or the temporary file."""
        self._pending = []
        self._file.close()

    def __enter__(self) -> PairSpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def grouped_chunks(chunks: Iterable[tuple[bool, int, bytes]], pairs: int
                   ) -> Iterator[list[tuple[bool, int, bytes]]]:
    """*chunks* (as :meth:`PairSpool.json_chunks` gives them) in order, in groups of at most
    *pairs* pairs (a larger chunk alone): what a store writes in one transaction.

    >>> [[c[1] for c in g] for g in grouped_chunks([(False, n, b"") for n in (2, 2, 5, 1)], 4)]
    [[2, 2], [5], [1]]
    """
    group: list[tuple[bool, int, bytes]] = []
    count = 0
    for chunk in chunks:
        if group and count + chunk[1] > pairs:
            yield group
            group, count = [], 0
        group.append(chunk)
        count += chunk[1]
    if group:
        yield group
