"""A finished job's results as one request asks for them: one page, or the whole result.

Both go through the same steps: read stored pairs (a page, or batches for a stream), turn each
batch into rows for the chosen format (plain pairs, or entries read once per batch), and run
the rows through a writer of :mod:`idmapping.results.formats`. A stream never holds more than
one batch. Nothing here knows about HTTP: the web routes turn a :class:`ResultPage` into a
response with ``X-Total-Results`` and ``Link``, and :meth:`ResultView.stream` into a streamed
body; any other shell (or a test) can write the same bytes straight from the library::

    view = ResultView(store, jobs.finished(job_id), Output("tsv"))
    for chunk in view.stream():
        sys.stdout.buffer.write(chunk)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from idmapping.errors import InvalidRequest, Stopped
from idmapping.model import Job
from idmapping.results.entryrows import (
    FILTER_WARNING,
    RECORD_FORMATS,
    batches,
    check_subsequence,
    filter_warning,
    pairs_page,
    record_function,
    record_rows,
)
from idmapping.results.facetcache import FacetCache
from idmapping.results.facets import facets_json
from idmapping.results.formats import (
    Extras,
    RecordWriter,
    Row,
    RowBlocks,
    Writer,
    XlsxWriter,
    gzip_chunks,
    write,
    writer_for,
)
from idmapping.results.media import download_name, media_type_for
from idmapping.results.options import EntryOptions, Output
from idmapping.results.paging import DEFAULT_SIZE, Page, encode_cursor
from idmapping.results.rdf import RDF_FORMATS, RdfWriter
from idmapping.results.xlsx import XlsxLimits
from idmapping.store.base import Store
from idmapping.store.plans import FilterQuery

__all__ = ["STREAM_BATCH", "ResultView", "ResultPage", "pages_send_failed"]

log = logging.getLogger(__name__)

STREAM_BATCH = 10_000
"""Pairs read (and entries looked up) at a time while streaming."""

Warnings = list[dict[str, Any]]


def pages_send_failed(out: Output) -> bool:
    """Whether a page in *out*'s format sends the job's failed ids: the job is read without
    them otherwise (``JobService.finished``). A stream never sends them.

    :raises InvalidRequest: a format with no writer, as :class:`ResultView` says.
    """
    return writer_for(out.format).sends_extras


class ResultView:
    """A finished job's results in one output, plain pairs or (with *options*) entries.

    :param store: the store the job's results are in.
    :param job: a FINISHED job (see :meth:`JobService.finished`).
    :param out: the format and its switches.
    :param options: for entry results, the dataset, fields and filter (see
        :func:`~idmapping.results.options.entry_options`); None for plain from/to pairs.
    :param batch: pairs read at a time by :meth:`stream`.
    :param xlsx: this server's bounds on an xlsx result (settings ``max_xlsx_cells`` and
        ``max_xlsx_bytes``); by default those of the default settings.
    :raises InvalidRequest: a format with no writer, a record format (FASTA...) of plain
        pairs, or an xlsx sheet of more columns than Excel's.
    """

    def __init__(self, store: Store, job: Job, out: Output, options: EntryOptions | None = None,
                 batch: int = STREAM_BATCH, xlsx: XlsxLimits | None = None,
                 facet_cache: FacetCache | None = None) -> None:
        self.store = store
        self.facet_cache = facet_cache
        self.job = job
        self.out = out
        self.options = options
        self.batch = batch
        self.writer_class = writer_for(out.format)
        if issubclass(self.writer_class, (RecordWriter, RdfWriter)) and options is None:
            raise InvalidRequest(f"Invalid request received. Format '{out.format}' needs entries")
        self.xlsx = xlsx or XlsxLimits.default()
        if self.writer_class is XlsxWriter:
            self.xlsx.check_columns(len(self.columns))

    @property
    def media_type(self) -> str:
        """UniProt's media type of the format."""
        return media_type_for(self.out.format)

    @property
    def release(self) -> str | None:
        """The release the job was mapped against (None if it was not recorded)."""
        return self.job.release or None

    @property
    def columns(self) -> tuple[str, ...]:
        """The column labels: ``From``, ``To`` or the labels of the entry fields."""
        if self.options is None:
            return ("From", "To")
        return self.options.dataset.labels(self.options.columns)

    @property
    def _plain(self) -> bool:
        """Whether the rows are the pairs themselves: plain results, or a list (whose ``to``
        id is the entry's accession or id)."""
        return self.options is None or self.out.format == "list"

    def file_name(self, today: dt.date) -> str:
        """The name of the whole result as a file (``download=true``)."""
        return download_name(self.job.id, self.writer_class.extension, self.out.compressed,
                             today)

    def page(self, offset: int = 0, size: int = DEFAULT_SIZE) -> ResultPage:
        """The pairs of one page and how many there are in all (filtered, if asked).

        The rows of the format are read by :meth:`ResultPage.rows`, only when wanted.

        :raises InvalidRequest: ``subsequence=true`` of ids that are not ``ACC[begin-end]``;
            an xlsx page over the cells allowed.
        """
        query, warnings = self._filter(stream=False)
        facets = self._facets(query, warnings)
        total, pairs = pairs_page(self.store, self.job, query, offset, size)
        if self.writer_class is XlsxWriter:
            self.xlsx.check(len(pairs) + 1, len(self.columns))
        return ResultPage(self, Page(offset=offset, size=size, total=total), pairs, warnings,
                          facets)

    def stream(self, extras: Extras | None = None, strict: bool = False,
               stopped: Callable[[], bool] | None = None) -> Iterator[bytes]:
        """Every result, written in the format (gzip if compressed), a batch at a time.

        The request is checked at once (an xlsx file's size too, from the number of results);
        the bytes come as they are iterated, and a failure once they have begun ends the body
        with UniProt's stream-error text (and a log line). JSON is only ``{"results": [...]}``.

        :param extras: what JSON writes around the results (an asynchronous download's file
            has the job's ``failedIds``, as UniProt's has); None for a stream.
        :param strict: raise a failure instead of ending the bytes with the error text (a
            file that cannot be finished is no result).
        :param stopped: asked before each batch and each entry row; once it is true, the
            iteration raises :class:`~idmapping.errors.Stopped` (a web server passes "the
            client has disconnected", so that no more rows are made for no one).

        :raises InvalidRequest: ``subsequence=true`` of ids that are not ``ACC[begin-end]``;
            a filter on a job over ``max_filter`` pairs (a stream is never served unfiltered);
            an xlsx file over Excel's limits or the cells allowed.
        """
        query, _ = self._filter(stream=True)
        job = self.job
        if self.writer_class is XlsxWriter:
            total = job.result_count if query is None else \
                pairs_page(self.store, job, query, 0, 0)[0]
            self.xlsx.check(total + 1, len(self.columns))
        halt = stopped or (lambda: False)

        def rows() -> Iterator[Row]:
            # All reads of a batch in one step: the store's connections belong to threads, and
            # each step of a streamed body may run on another thread (a web server's pool).
            # Entry rows are then made one at a time, so that a stop is seen within a row.
            for parts in batches(self.store, job, query, self.batch):
                if halt():
                    raise Stopped()
                for row in self.iter_rows([pair for part in parts for pair in part]):
                    if halt():
                        raise Stopped()
                    yield row

        def blocks() -> Iterator[Sequence[Row]]:
            # plain pairs go as the store read them (a whole batch takes milliseconds)
            for parts in batches(self.store, job, query, self.batch):
                if halt():
                    raise Stopped()
                yield from parts

        def failed(error: Exception) -> None:
            log.error("stream of job %s broke off", job.id, exc_info=error)

        body = RowBlocks(blocks()) if self._plain else rows()
        chunks = write(self.writer(extras), body, on_error=None if strict else failed)
        return gzip_chunks(chunks) if self.out.compressed else chunks

    def rows(self, pairs: Sequence[tuple[str, str]]) -> list[Row]:
        """The rows of a batch of pairs in the format: pairs, cells, entries or records."""
        return list(self.iter_rows(pairs))

    def iter_rows(self, pairs: Sequence[tuple[str, str]]) -> Iterator[Row]:
        """The rows of :meth:`rows`, made one at a time; the batch's entries are read from
        the store (all at once) when the first row is asked for."""
        options = self.options
        fmt = self.out.format
        if options is None or self._plain:
            yield from pairs
            return
        dataset = options.dataset
        if fmt in RECORD_FORMATS:
            yield from record_rows(self.store, dataset, list(pairs), fmt, options.complete)
            return
        entries = dataset.entries(self.store, [to for _, to in pairs], options.complete,
                                  options.columns)
        if fmt == "json":
            for frm, to in pairs:
                yield (frm, dataset.project(entries[to], options.fields))
        elif fmt in RDF_FORMATS:  # RDF describes whole entries, whatever the fields
            for frm, to in pairs:
                yield (frm, entries[to])
        else:
            for frm, to in pairs:
                yield (frm, *dataset.cells(entries[to], options.columns))

    def writer(self, extras: Extras | None) -> Writer:
        """A new writer of the format; the record formats get the dataset's record function.

        :param extras: what JSON writes around a page's results; None for a stream.
        """
        if self.options is not None and issubclass(self.writer_class, RecordWriter):
            record = record_function(self.options.dataset.name, self.out.format,
                                     self.options.filter.subsequence)
            return self.writer_class(self.columns, extras, record=record)
        if self.options is not None and issubclass(self.writer_class, RdfWriter):
            return self.writer_class(self.columns, extras, dataset=self.options.dataset.name)
        if self.writer_class is XlsxWriter:
            return XlsxWriter(self.columns, extras, limits=self.xlsx)
        return self.writer_class(self.columns, extras)

    def _facets(self, query: FilterQuery | None, warnings: Warnings) -> Warnings:
        """The facets a JSON page carries, counted over the pairs *query* keeps.

        Other formats leave them out, as UniProt's writers do. Past ``max_facets`` pairs
        none are counted, and UniProt's warning 20 is added to *warnings* (once).
        """
        options = self.options
        if options is None or not options.facets or self.out.format != "json":
            return []
        cap = options.max_facets
        if cap and self.job.result_count > cap:
            for warning in filter_warning(cap):
                if warning not in warnings:
                    warnings.append(warning)
            return []
        return facets_json(self.store, self.job, options.dataset.name, options.facets, query,
                           self.facet_cache)

    def _filter(self, stream: bool) -> tuple[FilterQuery | None, Warnings]:
        """The filter the pairs go through, and the warnings it brings.

        ``query``, ``sort`` and ``includeIsoform`` apply at every size unless ``max_filter``
        caps them (0: no cap). Past a cap a page is served unfiltered with UniProt's warning
        20, and a stream is refused with the same message: a whole download is never the
        unfiltered rows of a filtered request. ``subsequence=true`` is checked against the
        job's ids first.
        """
        options = self.options
        if options is None:
            return None, []
        if options.filter.subsequence:
            check_subsequence(self.store, self.job)
        query = options.filter.query
        cap = options.max_filter
        if query is not None and cap and self.job.result_count > cap:
            if stream:
                raise InvalidRequest(FILTER_WARNING.format(cap))
            return None, filter_warning(cap)
        return query, [dict(w) for w in options.filter.warnings]


@dataclass(frozen=True)
class ResultPage:
    """One page of a job's results: where it is, its pairs, and the warnings of the request.

    :param page: offset, size and the total of pairs (after any filter).
    :param pairs: the page's ``(from, to)`` pairs.
    :param warnings: the request's own warnings (a filter not applied), before the job's.
    :param facets: the page's facets in UniProt's JSON shape (JSON only).
    """

    view: ResultView
    page: Page
    pairs: list[tuple[str, str]]
    warnings: Warnings
    facets: Warnings = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many pairs the request sees in all."""
        return self.page.total

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; None on the last page."""
        return self.page.next_offset

    @property
    def next_cursor(self) -> str | None:
        """UniProt's cursor of the next page; None on the last page."""
        following = self.page.next_offset
        return None if following is None else encode_cursor(following)

    def rows(self) -> list[Row]:
        """The page's rows in the view's format (entries are read now)."""
        return self.view.rows(self.pairs)

    def chunks(self) -> Iterator[bytes]:
        """The page written in the format, with the job's failed ids, warnings and so on
        (gzip if compressed)."""
        # only the formats that send them read the job's failed ids (see pages_send_failed)
        extras = Extras.from_job(self.view.job) if self.view.writer_class.sends_extras \
            else Extras()
        extras.warnings = self.warnings + extras.warnings
        extras.facets = self.facets
        chunks = write(self.view.writer(extras), self.rows())
        return gzip_chunks(chunks) if self.view.out.compressed else chunks

    def body(self) -> bytes:
        """The whole page as bytes."""
        return b"".join(self.chunks())
