"""Output formats: one writer class per format, in a registry keyed by the format's name.

Every writer turns rows (sequences of cell values, in column order) into bytes in three steps,
so a page of results and a whole-result stream go through the same code and nothing holds the
whole result in memory::

    writer = writer_for("tsv")(("From", "To"))
    body = b"".join(write(writer, [("P05067", "CHEMBL2487")]))
    # b'From\\tTo\\nP05067\\tCHEMBL2487\\n'

The module also holds incremental gzip for ``compressed=true``, and re-exports UniProt's
format negotiation from :mod:`idmapping.results.media`.

>>> writer = JsonWriter(("From", "To"), Extras(failed_ids=["X1"]))
>>> b"".join(write(writer, [("P05067", "CHEMBL2487")]))
b'{"results":[{"from":"P05067","to":"CHEMBL2487"}],"failedIds":["X1"]}'
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, ClassVar

import orjson

from idmapping.errors import InvalidRequest, Stopped
from idmapping.model import Job
from idmapping.results.media import (
    FORMAT_BY_MEDIA_TYPE,
    MEDIA_TYPE_BY_FORMAT,
    content_disposition,
    media_type_for,
    negotiate,
    not_accepted,
)
from idmapping.results.plainrows import RowBlocks, plain_lines
from idmapping.results.xlsx import Sheet, XlsxLimits
from idmapping.store.spool import RunPairs

__all__ = [
    "Row",
    "RowBlocks",
    "RowMapper",
    "Extras",
    "Writer",
    "JsonWriter",
    "TsvWriter",
    "ListWriter",
    "XlsxWriter",
    "RecordWriter",
    "FastaWriter",
    "FlatFileWriter",
    "GffWriter",
    "XmlWriter",
    "WRITERS",
    "writer_for",
    "write",
    "gzip_chunks",
    "cell_text",
    "pair_object",
    "MEDIA_TYPE_BY_FORMAT",
    "FORMAT_BY_MEDIA_TYPE",
    "media_type_for",
    "negotiate",
    "content_disposition",
]

Row = Sequence[Any]
"""One result row: cell values in column order; ``(from, to)`` for the plain results."""

RowMapper = Callable[[Row], Any]
"""Turns a row into what a writer puts out for it (a JSON object, a list line)."""

BATCH_ROWS = 1000
"""Rows per chunk that :meth:`Writer.rows` yields: large enough to keep per-chunk overhead
(a socket write, a gzip call) small, small enough to keep memory flat."""

STREAM_ERROR_TEXT = b"\n\nError encountered when streaming data. Please try again later.\n"
STREAM_ERROR_JSON = b'],"error":"Error encountered when streaming data."}'


@dataclass
class Extras:
    """What goes around the results in JSON, after (or, for warnings, before) them.

    Only the non-empty parts are written, as UniProt's ``JsonMessageConverter`` does.
    """

    warnings: list[dict[str, Any]] = field(default_factory=list)
    facets: list[dict[str, Any]] = field(default_factory=list)
    failed_ids: list[str] = field(default_factory=list)
    suggested_ids: list[dict[str, Any]] = field(default_factory=list)
    obsolete_count: int = 0

    @classmethod
    def from_job(cls, job: Job) -> Extras:
        """Return the extras stored with a finished *job* (repeated on every page).

        :raises ValueError: *job* was read without its failed ids (``Store.get_job``).
        """
        job.require("failed_ids", "suggested_ids")
        return cls(
            warnings=list(job.warnings),
            failed_ids=list(job.failed_ids),
            suggested_ids=list(job.suggested_ids),
            obsolete_count=job.obsolete_count,
        )


# ---------------------------------------------------------------------------------------------
# Cells

_FLATTEN = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def cell_text(value: Any, flatten: bool = True) -> str:
    """Return the text of one cell.

    ``None`` is empty, lists are joined with ``"; "``, booleans are written as Java writes them,
    and objects as compact JSON. With *flatten*, tabs and line breaks inside a value become
    spaces so that one row stays one line.

    >>> cell_text(["a", None, 3])
    'a; ; 3'
    >>> cell_text("two\\tcells")
    'two cells'
    """
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(cell_text(item, flatten=False) for item in value)
    elif isinstance(value, dict):
        text = orjson.dumps(value).decode()
    else:
        text = str(value)
    return text.translate(_FLATTEN) if flatten else text


def pair_object(row: Row) -> dict[str, Any]:
    """Return the JSON object of a plain result row: ``{"from": row[0], "to": row[1]}``.

    ``to`` may already be an object (an entry), which is then nested as it is.
    """
    return {"from": row[0], "to": row[1]}


# ---------------------------------------------------------------------------------------------
# Writers


class Writer:
    """Base of the output writers: ``header``, then ``rows`` (in chunks), then ``footer``.

    A writer instance serves one response and keeps state between the steps (for example
    whether a JSON comma is due), so make a new one per response. Use :func:`write` to run all
    the steps, or call them one by one for a page.

    :param columns: the column labels, e.g. ``("From", "To")``.
    :param extras: what JSON writes around the results; ``None`` for a stream, which writes
        only ``{"results":[...]}``.
    """

    name: ClassVar[str]
    content_type: ClassVar[str]
    extension: ClassVar[str]
    batch_rows: ClassVar[int] = BATCH_ROWS
    sends_extras: ClassVar[bool] = False
    """Whether a page in this format sends its :class:`Extras` (``failedIds`` and so on)."""

    def __init__(self, columns: Sequence[str], extras: Extras | None = None) -> None:
        self.columns = tuple(columns)
        self.extras = extras

    def header(self) -> bytes:
        """Return what comes before the first row."""
        return b""

    def row(self, row: Row) -> bytes:
        """Return the bytes of one row."""
        raise NotImplementedError

    def rows(self, rows: Iterable[Row]) -> Iterator[bytes]:
        """Yield the bytes of *rows*, about :attr:`batch_rows` rows per chunk."""
        batch: list[bytes] = []
        for row in rows:
            batch.append(self.row(row))
            if len(batch) >= self.batch_rows:
                chunk = b"".join(batch)
                batch = []
                if chunk:
                    yield chunk
        chunk = b"".join(batch)
        if chunk:
            yield chunk

    def footer(self) -> bytes:
        """Return what comes after the last row."""
        return b""

    def finish(self) -> Iterator[bytes]:
        """Yield the footer; a writer whose ending is large (xlsx) yields it in chunks."""
        tail = self.footer()
        if tail:
            yield tail

    def error_footer(self) -> bytes:
        """Return UniProt's ending for a stream that broke off after some rows were sent."""
        return STREAM_ERROR_TEXT

    def close(self) -> None:
        """Release anything the writer holds (temporary files); safe to call twice."""


class JsonWriter(Writer):
    """UniProt's JSON: ``{"warnings"?, "facets"?, "results": [...], "failedIds"?,
    "suggestedIds"?, "obsoleteCount"?}``, compact, with the optional keys only when non-empty.

    :param row_to_object: builds the JSON object of a row; :func:`pair_object` by default.
    """

    name = "json"
    content_type = "application/json"
    extension = "json"
    sends_extras = True

    def __init__(
        self,
        columns: Sequence[str],
        extras: Extras | None = None,
        *,
        row_to_object: RowMapper | None = None,
    ) -> None:
        super().__init__(columns, extras)
        self.row_to_object: RowMapper = row_to_object or pair_object
        self._written = 0

    def header(self) -> bytes:
        # Warnings come first, then facets (UniProt's "matchedFields" would follow them).
        head = b"{"
        if self.extras is not None and self.extras.warnings:
            head += b'"warnings":' + orjson.dumps(self.extras.warnings) + b","
        if self.extras is not None and self.extras.facets:
            head += b'"facets":' + orjson.dumps(self.extras.facets) + b","
        return head + b'"results":['

    def row(self, row: Row) -> bytes:
        data = orjson.dumps(self.row_to_object(row))
        self._written += 1
        return data if self._written == 1 else b"," + data

    def rows(self, rows: Iterable[Row]) -> Iterator[bytes]:
        """The rows as :meth:`row` writes them, a batch's objects in one ``orjson.dumps``: a
        list's items come out as dumping each would, joined by commas (issue 18)."""
        items = iter(rows)
        while objects := [self.row_to_object(row) for row in islice(items, self.batch_rows)]:
            data = orjson.dumps(objects)[1:-1]
            first = not self._written
            self._written += len(objects)
            yield data if first else b"," + data

    def footer(self) -> bytes:
        parts = [b"]"]
        extras = self.extras
        if extras is not None:
            if extras.failed_ids:
                parts.append(b',"failedIds":' + orjson.dumps(extras.failed_ids))
            if extras.suggested_ids:
                # UniProt's key order, whatever order the job's store kept (jsonb sorts keys)
                ordered = [{"from": s.get("from"), "to": s.get("to")}
                           for s in extras.suggested_ids]
                parts.append(b',"suggestedIds":' + orjson.dumps(ordered))
            if extras.obsolete_count > 0:
                parts.append(b',"obsoleteCount":' + str(extras.obsolete_count).encode())
        parts.append(b"}")
        return b"".join(parts)

    def error_footer(self) -> bytes:
        return STREAM_ERROR_JSON


class TsvWriter(Writer):
    """Tab-separated values: the column labels, then one line per row, each ending ``\\n``."""

    name = "tsv"
    content_type = "text/plain;format=tsv"
    extension = "tsv"

    def header(self) -> bytes:
        return self._line(self.columns)

    def row(self, row: Row) -> bytes:
        return self._line(row)

    def rows(self, rows: Iterable[Row]) -> Iterator[bytes]:
        """Rows of plain text cells (a job's from/to pairs) are joined as they are, once a
        check shows that none holds a tab or line break; others go through :func:`cell_text`
        (a million pairs: 0.4 s instead of 1.6 s). The check is made on a whole chunk of rows
        at once where it can (a million pairs: a quarter of the time of the check row by row),
        else row by row. :class:`RowBlocks` are written a block at a time, and a block of
        :class:`~idmapping.store.spool.RunPairs` from its ids, without a tuple per pair."""
        if isinstance(rows, RowBlocks):
            yield from self._blocks(rows.blocks)
            return
        items = iter(rows)
        while batch := list(islice(items, self.batch_rows)):
            text = plain_lines(batch)
            if text is not None:
                yield text.encode()
            else:
                yield from self._checked_rows(batch)

    def _blocks(self, blocks: Iterable[Sequence[Row]]) -> Iterator[bytes]:
        """The bytes of *blocks*, at least :attr:`batch_rows` rows a chunk (a block's rows
        that need :func:`cell_text` go as :meth:`rows` writes them)."""
        texts: list[str] = []
        count = 0
        for block in blocks:
            if isinstance(block, RunPairs):
                text = plain_lines(block.ids, twice=True)
            elif len(block) > self.batch_rows:
                text = None
            else:
                text = plain_lines(block)
            if text is None:
                if texts:
                    yield "".join(texts).encode()
                    texts, count = [], 0
                yield from self.rows(block)
                continue
            texts.append(text)
            count += len(block)
            if count >= self.batch_rows:
                yield "".join(texts).encode()
                texts, count = [], 0
        if texts:
            yield "".join(texts).encode()

    def _checked_rows(self, rows: Iterable[Row]) -> Iterator[bytes]:
        """The rows of :meth:`rows`, checked one at a time."""
        lines: list[str] = []
        for row in rows:
            if all(type(cell) is str for cell in row):
                line = "\t".join(row)
                if line.count("\t") == len(row) - 1 and "\n" not in line and "\r" not in line:
                    lines.append(line)
                else:
                    lines.append("\t".join(cell_text(cell) for cell in row))
            else:
                lines.append("\t".join(cell_text(cell) for cell in row))
            if len(lines) >= self.batch_rows:
                yield ("\n".join(lines) + "\n").encode()
                lines = []
        if lines:
            yield ("\n".join(lines) + "\n").encode()

    @staticmethod
    def _line(cells: Sequence[Any]) -> bytes:
        """Return one tab-separated line."""
        return ("\t".join(cell_text(cell) for cell in cells) + "\n").encode()


class ListWriter(Writer):
    """One value per line, no header: the ``to`` of each row by default.

    :param item: picks the value of a row; ``row[1]`` by default. For entry results pass one
        that returns the entry's accession or id.
    """

    name = "list"
    content_type = "text/plain;format=list"
    extension = "list"

    def __init__(
        self,
        columns: Sequence[str],
        extras: Extras | None = None,
        *,
        item: RowMapper | None = None,
    ) -> None:
        super().__init__(columns, extras)
        self.item: RowMapper = item or operator.itemgetter(1)

    def row(self, row: Row) -> bytes:
        return (cell_text(self.item(row)) + "\n").encode()


class XlsxWriter(Writer):
    """An Excel workbook of one sheet: the column labels in the first row, then the rows.

    The rows go to a :class:`~idmapping.results.xlsx.Sheet`, which writes them to temporary
    files as they come, and :meth:`finish` reads the zipped workbook back in chunks. Nothing
    ever holds all rows in memory. Rows produce no bytes: the whole file comes at the end,
    since a zip cannot be sent before it is complete.

    :param limits: this server's bounds on the workbook (Excel's always apply); by default
        those of the default settings.
    :raises InvalidRequest: (from :meth:`header` and :meth:`row`) a sheet over the limits.
    """

    name = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"
    chunk_bytes: ClassVar[int] = 64 * 1024

    def __init__(self, columns: Sequence[str], extras: Extras | None = None, *,
                 limits: XlsxLimits | None = None) -> None:
        super().__init__(columns, extras)
        self.sheet = Sheet(limits or XlsxLimits.default(),
                           lambda value: cell_text(value, flatten=False))

    def header(self) -> bytes:
        self.sheet.append(self.columns)
        return b""

    def row(self, row: Row) -> bytes:
        self.sheet.append(row)
        return b""

    def footer(self) -> bytes:
        """Return the whole file; prefer :meth:`finish` (or :func:`write`), which chunks it."""
        return b"".join(self.finish())

    def finish(self) -> Iterator[bytes]:
        return self.sheet.chunks(self.chunk_bytes)

    def error_footer(self) -> bytes:
        return b""  # nothing of the file has been sent; there is nothing to end

    def close(self) -> None:
        self.sheet.discard()


class RecordWriter(Writer):
    """Entry formats: one text record per row (a FASTA record, a flat-file entry, XML).

    :param record: turns a row into its text; rows with no text (an inactive entry in FASTA)
        are left out.
    """

    name = "record"
    content_type = "text/plain"
    extension = "txt"
    head: ClassVar[str] = ""
    tail: ClassVar[str] = ""

    def __init__(
        self,
        columns: Sequence[str],
        extras: Extras | None = None,
        *,
        record: Callable[[Row], str] | None = None,
    ) -> None:
        super().__init__(columns, extras)
        self.record: Callable[[Row], str] = record or (lambda row: f"{cell_text(row[1])}\n")

    def header(self) -> bytes:
        return self.head.encode()

    def row(self, row: Row) -> bytes:
        return self.record(row).encode()

    def footer(self) -> bytes:
        return self.tail.encode()


class FastaWriter(RecordWriter):
    """FASTA: UniProt's headers, sequences in lines of 60."""

    name = "fasta"
    content_type = "text/plain;format=fasta"
    extension = "fasta"


class FlatFileWriter(RecordWriter):
    """UniProtKB's flat file (``format=txt``)."""

    name = "txt"
    content_type = "text/plain;format=flatfile"
    extension = "txt"


class GffWriter(RecordWriter):
    """GFF3 of UniProtKB features."""

    name = "gff"
    content_type = "text/plain;format=gff"
    extension = "gff"
    head = "##gff-version 3\n"


class XmlWriter(RecordWriter):
    """UniProtKB XML: the ``<uniprot>`` root around one ``<entry>`` per row."""

    name = "xml"
    content_type = "application/xml"
    extension = "xml"
    head = ('<?xml version="1.0" encoding="UTF-8"  standalone="no" ?>\n'
            '<uniprot xmlns="https://uniprot.org/uniprot" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="https://uniprot.org/uniprot '
            'https://www.uniprot.org/docs/uniprot.xsd">\n')
    tail = ('<copyright>\nCopyrighted by the UniProt Consortium, see '
            'https://www.uniprot.org/terms Distributed under the Creative Commons Attribution '
            '(CC BY 4.0) License\n</copyright>\n</uniprot>\n')

    def error_footer(self) -> bytes:
        return b"</uniprot>\n"


WRITERS: dict[str, type[Writer]] = {
    cls.name: cls for cls in (JsonWriter, TsvWriter, ListWriter, XlsxWriter, FastaWriter,
                              FlatFileWriter, GffWriter, XmlWriter)
}
"""The writers by format name (the value of the ``format`` parameter); :mod:`.rdf` adds the
RDF writers (``rdf``, ``ttl``, ``nt``) when it is imported, as :mod:`.view` does."""


def writer_for(name: str) -> type[Writer]:
    """Return the writer class of format *name*.

    :raises InvalidRequest: with UniProt's message when there is no such writer.
    """
    try:
        return WRITERS[name]
    except KeyError:
        raise InvalidRequest(not_accepted(name)) from None


def write(
    writer: Writer,
    rows: Iterable[Row],
    *,
    on_error: Callable[[Exception], None] | None = None,
) -> Iterator[bytes]:
    """Yield a whole response body: header, rows, footer; the writer is closed at the end.

    :param on_error: if given, an exception while reading *rows* once bytes have been yielded
        is passed to it (to log it) and the body ends with UniProt's stream-error text instead
        of raising. Before the first byte the exception is raised all the same, so that the
        response can still be an error (an xlsx file yields nothing before it is complete);
        :class:`~idmapping.errors.Stopped` is always raised.
    """
    sent = False
    try:
        head = writer.header()
        if head:
            sent = True
            yield head
        try:
            for chunk in writer.rows(rows):
                sent = True
                yield chunk
        except Stopped:
            raise
        except Exception as error:
            if on_error is None or not sent:
                raise
            on_error(error)
            tail = writer.error_footer()
            if tail:
                yield tail
            return
        yield from writer.finish()
    finally:
        writer.close()


def gzip_chunks(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """Gzip a stream of chunks as it goes, for ``compressed=true``.

    UniProt sends the gzip bytes as the body itself, with no ``Content-Encoding`` header.

    >>> import zlib
    >>> zlib.decompress(b"".join(gzip_chunks([b"a\\n", b"b\\n"])), 16 + zlib.MAX_WBITS)
    b'a\\nb\\n'
    """
    # wbits 16+MAX_WBITS writes the gzip wrapper, which is what clients undo with
    # zlib.decompress(data, 16 + MAX_WBITS); level 6 is Java's GZIPOutputStream default.
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            yield data
    yield compressor.flush()


