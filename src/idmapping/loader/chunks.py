"""Entry files parsed on every core: the file cut at record boundaries into chunks, each chunk
parsed by a worker process, and what the chunks add stored by the loading process in the
file's order.

A UniProtKB flat file is cut after a ``//`` line, an XML file (UniProtKB, UniRef, UniParc)
after an ``</entry>`` tag. An XML chunk is parsed as a document of its own: the file's
prologue and root tag before it, the root's closing tag after it. Each chunk knows the line it
starts at, so an error names the file and the line of the file, as a serial read does.

Memory stays bounded whatever the file's size: a chunk is at most :func:`chunk_bytes` of text
(plus the rest of the record it ends in), and at most :data:`IN_FLIGHT` chunks per worker are
read ahead, being parsed or waiting to be stored.

>>> import io
>>> text = b"ID   A\\n//\\nID   B\\n//\\nID   C\\n//\\n"
>>> [(c.data, c.first_line) for c in split("uniprotkb_flat", io.BytesIO(text), "x.dat", 8)]
[(b'ID   A\\n//\\n', 1), (b'ID   B\\n//\\n', 3), (b'ID   C\\n//\\n', 5)]
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain
from typing import IO

from idmapping.errors import ReleaseFileError
from idmapping.loader.entries import Prepared, prepare_uniparc, prepare_uniprotkb, prepare_uniref
from idmapping.uniprot.readers.clusters import read_uniparc_xml, read_uniref_xml
from idmapping.uniprot.readers.flatfile import read_flatfile
from idmapping.uniprot.readers.kbxml import read_uniprot_xml

__all__ = ["Chunk", "ENTRY_FORMATS", "CHUNK_BYTES", "CHUNK_SHARE", "IN_FLIGHT", "chunk_bytes",
           "split", "parse_chunk", "parsed", "worker_count"]

ENTRY_FORMATS = ("uniprotkb_flat", "uniprotkb_xml", "uniref_xml", "uniparc_xml")
"""The formats read a chunk at a time (:func:`idmapping.loader.sniff.sniff`'s names)."""

CHUNK_BYTES = 4 << 20
"""The most text of a chunk (about 4,000 Swiss-Prot entries), before its record's end."""

CHUNK_SHARE = 512
"""A chunk's text is at most this fraction of the load's memory (``load_memory_mb``)."""

IN_FLIGHT = 2
"""Chunks per worker read ahead, parsed or waiting to be stored: one being parsed, one
ready, so that no worker waits for the loading process."""

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[^>]*>")


@dataclass(frozen=True)
class Chunk:
    """A run of whole records of an entry file.

    :param format: the file's format (one of :data:`ENTRY_FORMATS`).
    :param path: the file's name, for errors.
    :param data: the records' text, as bytes (decompressed).
    :param first_line: the line of the file *data* starts at.
    :param header: XML: the file's prologue and root tag, when *data* does not start the file.
    :param footer: XML: the root's closing tag, when *data* does not end the file.
    """

    format: str
    path: str
    data: bytes
    first_line: int
    header: bytes = b""
    footer: bytes = b""


def chunk_bytes(memory_mb: int) -> int:
    """The text of a chunk read by a load allowed *memory_mb* MiB (4 MiB from 2 GiB up)."""
    return max(1 << 20, min(CHUNK_BYTES, (memory_mb << 20) // CHUNK_SHARE))


def worker_count(setting: int) -> int:
    """The worker processes of the setting ``load_workers``: 0 means one per core."""
    return setting if setting > 0 else os.cpu_count() or 1


def _flat_end(buffer: bytes) -> int:
    """The end of the last ``//`` line in *buffer* (0 if none is complete)."""
    at = buffer.rfind(b"\n//")
    while at >= 0:
        rest = buffer[at + 3 : at + 5]
        if rest[:1] == b"\n":
            return at + 4
        if rest == b"\r\n":
            return at + 5
        at = buffer.rfind(b"\n//", 0, at)
    return 0


def _xml_end(buffer: bytes) -> int:
    """The end of the line of the last ``</entry>`` in *buffer* (0 if none)."""
    at = buffer.rfind(b"</entry>")
    if at < 0:
        return 0
    end = at + len(b"</entry>")
    if buffer[end : end + 1] == b"\n":
        return end + 1
    return end + 2 if buffer[end : end + 2] == b"\r\n" else end


def _runs(stream: IO[bytes], size: int, end_of: Callable[[bytes], int]
          ) -> Iterator[tuple[bytes, int]]:
    """Runs of whole records of *stream* and the line each starts at; the last run is the
    rest of the file, whole records or not."""
    line = 1
    pending = b""
    while block := stream.read(size):
        pending += block
        end = end_of(pending)
        if end <= 0:
            continue  # a record longer than a chunk: read on until it ends
        data, pending = pending[:end], pending[end:]
        yield data, line
        line += data.count(b"\n")
    if pending:
        yield pending, line


def split(file_format: str, stream: IO[bytes], path: str, size: int = CHUNK_BYTES
          ) -> Iterator[Chunk]:
    """The chunks of an entry file.

    :param file_format: one of :data:`ENTRY_FORMATS`.
    :param stream: the file, decompressed, in binary mode.
    :param size: the text read at a time (:func:`chunk_bytes`).
    """
    if file_format == "uniprotkb_flat":
        for data, line in _runs(stream, size, _flat_end):
            yield Chunk(file_format, path, data, line)
        return
    runs = _runs(stream, size, _xml_end)
    first = next(runs, None)
    if first is None:
        return
    root = _ROOT.search(first[0])
    if root is None:  # not the XML the sniffer saw: one chunk, for the parser's error
        yield Chunk(file_format, path, first[0] + b"".join(d for d, _ in runs), 1)
        return
    header = first[0][: root.end()] + b"\n"
    footer = b"\n</" + root.group(1) + b">\n"
    previous, opening = first, b""
    for run in runs:
        yield Chunk(file_format, path, previous[0], previous[1], opening, footer)
        previous, opening = run, header
    yield Chunk(file_format, path, previous[0], previous[1], opening)


def parse_chunk(chunk: Chunk) -> Prepared:
    """What the entries of *chunk* add to a release (run in a worker process).

    :raises ReleaseFileError: a malformed entry, naming the file and its line in the file.
    """
    if chunk.format == "uniprotkb_flat":
        try:
            text = chunk.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = chunk.first_line + chunk.data.count(b"\n", 0, exc.start)
            raise ReleaseFileError(f"not UTF-8 text ({exc.reason})", chunk.path, line) from None
        entries = read_flatfile(io.StringIO(text, newline=""), chunk.path, chunk.first_line)
        return prepare_uniprotkb((e.json, e.text) for e in entries)
    stream = io.BytesIO(chunk.header + chunk.data + chunk.footer)
    offset = chunk.first_line - 1 - chunk.header.count(b"\n")
    if chunk.format == "uniprotkb_xml":
        return prepare_uniprotkb((e, None) for e in read_uniprot_xml(stream, chunk.path, offset))
    if chunk.format == "uniref_xml":
        return prepare_uniref(read_uniref_xml(stream, chunk.path, offset))
    return prepare_uniparc(read_uniparc_xml(stream, chunk.path, offset))


def parsed(chunks: Iterable[Chunk], workers: int) -> Iterator[Prepared]:
    """What each chunk adds, in the chunks' order, parsed by *workers* processes.

    A file of one chunk, or a single worker, is parsed in this process: no process is started
    for a small file.

    :raises ReleaseFileError: a malformed entry (from :func:`parse_chunk`), or a worker that
        died (out of memory, killed).
    """
    iterator = iter(chunks)
    head = [c for c in (next(iterator, None), next(iterator, None)) if c is not None]
    if workers <= 1 or len(head) < 2:
        yield from map(parse_chunk, chain(head, iterator))
        return
    pool = ProcessPoolExecutor(workers, mp_context=_context())
    waiting: deque[Future[Prepared]] = deque()
    try:
        for chunk in chain(head, iterator):
            waiting.append(pool.submit(parse_chunk, chunk))
            if len(waiting) >= workers * IN_FLIGHT:
                yield _result(waiting.popleft(), chunk.path)
        while waiting:
            yield _result(waiting.popleft(), head[0].path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked, at once and without importing anything again,
    unless threads run here (a fork copies their locks in whatever state they are, and
    Python 3.12 warns); then from a clean server process, which imports the main module
    (scripts must guard their code with ``if __name__ == "__main__"``)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _result(future: Future[Prepared], path: str) -> Prepared:
    try:
        return future.result()
    except BrokenProcessPool:
        raise ReleaseFileError("a process parsing the file stopped (out of memory, or "
                               "killed); the load stopped", path) from None
