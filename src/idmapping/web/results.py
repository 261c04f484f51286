"""Result responses: one page (``/results``) or the whole result (``/stream``) of a job.

Both go through the same steps: read stored pairs (a page, or batches for a stream), turn each
batch into rows for the chosen format (plain pairs, or entries read once per batch), and run the
rows through a writer of :mod:`idmapping.results.formats`. A stream never holds more than one batch.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from idmapping.catalogue import SWISSPROT, UNIPARC, UNIPROTKB, UNIREFS, Catalogue
from idmapping.entries import Dataset, ReturnField
from idmapping.errors import InvalidRequest
from idmapping.jobs.service import ENRICH_WARNING, enrichable
from idmapping.model import Job
from idmapping.results.entryrows import (
    RECORD_FORMATS,
    Filter,
    batches,
    check_subsequence,
    filter_warning,
    pairs_page,
    read_filter,
    record_function,
    record_rows,
)
from idmapping.results.formats import (
    Extras,
    RecordWriter,
    Row,
    Writer,
    content_disposition,
    gzip_chunks,
    media_type_for,
    negotiate,
    write,
    writer_for,
)
from idmapping.results.paging import Page, check_size, decode_cursor, next_link
from idmapping.settings import Settings
from idmapping.store.base import Store
from idmapping.web.http import idmapping_base, parse_bool, public_url

__all__ = [
    "PLAIN_PAGED",
    "PLAIN_STREAM",
    "ENTRY_FORMATS",
    "STREAM_BATCH",
    "Output",
    "EntryOptions",
    "PageRequest",
    "output",
    "entry_options",
    "results_path",
    "results_url",
    "check_entry_job",
    "page_response",
    "release_header",
    "stream_response",
]

log = logging.getLogger(__name__)

# The formats of each end-point, in UniProt's "produces" order (which its error message lists).
# RDF (rdf, ttl, nt) is not offered: a format is only offered when it can be written correctly.
PLAIN_PAGED = ("tsv", "json", "xlsx")
PLAIN_STREAM = ("tsv", "json", "xlsx", "list")
ENTRY_FORMATS = {
    "uniprotkb": ("json", "tsv", "xlsx", "list", "fasta", "txt", "xml", "gff"),
    "uniref": ("tsv", "json", "xlsx", "list", "fasta"),
    "uniparc": ("json", "tsv", "xlsx", "list", "fasta"),
}
STREAM_BATCH = 10_000
"""Pairs read (and entries looked up) at a time while streaming."""

_DATASET_TARGETS = {
    "uniprotkb": (UNIPROTKB, SWISSPROT),
    "uniparc": (UNIPARC,),
    "uniref": UNIREFS,
}


@dataclass(frozen=True)
class Output:
    """How to write a response: format, ``compressed=true``, ``download=true``."""

    format: str
    compressed: bool = False
    download: bool = False


@dataclass(frozen=True)
class EntryOptions:
    """What an entry end-point was asked for.

    :param fields: the ``fields`` asked for; for JSON, None keeps whole entries.
    :param complete: UniRef ``complete=true``: every member, not the first ten.
    :param filter: ``query``, ``sort``, ``includeIsoform`` and ``subsequence``.
    :param max_filter: the most pairs a job may have for ``filter`` to apply (warning 20).
    """

    dataset: Dataset
    fields: tuple[ReturnField, ...] | None
    columns: tuple[ReturnField, ...]
    complete: bool = False
    filter: Filter = Filter()
    max_filter: int = 25000


@dataclass(frozen=True)
class PageRequest:
    """Which page was asked for: ``cursor`` (as an offset) and ``size``."""

    offset: int
    size: int

    @classmethod
    def read(cls, size: str | None, cursor: str | None) -> PageRequest:
        """Read ``size`` and ``cursor``; both wrong gives both messages.

        :raises InvalidRequest: UniProt's messages.
        """
        messages: list[str] = []
        offset = checked = 0
        try:
            checked = check_size(size)
        except InvalidRequest as exc:
            messages += exc.messages
        try:
            offset = decode_cursor(cursor or "")
        except InvalidRequest as exc:
            messages += exc.messages
        if messages:
            raise InvalidRequest(*messages)
        return cls(offset, checked)


def output(
    request: Request,
    allowed: Sequence[str],
    fmt: str | None,
    compressed: str | None,
    download: str | None = None,
) -> Output:
    """Negotiate the format (``format`` wins over ``Accept``) and read the output switches.

    The format is noted on the request first, so that later errors are written in it.
    """
    chosen = negotiate(fmt, request.headers.get("accept"), allowed)
    request.state.format = chosen
    return Output(chosen, parse_bool("compressed", compressed), parse_bool("download", download))


_NOT_YET = "Invalid request received. {} is not supported by this server yet"


def entry_options(
    dataset: Dataset,
    out: Output,
    catalogue: Catalogue,
    fields: str | None,
    params: Mapping[str, str | None],
    max_filter: int = 25000,
) -> EntryOptions:
    """Read the parameters of an entry end-point, collecting every message.

    :param params: ``includeIsoform``, ``subsequence``, ``complete``, ``query``, ``sort`` and
        ``facets`` as received (None when absent).
    :raises InvalidRequest: with one message per bad parameter.
    """
    messages: list[str] = []
    chosen: tuple[ReturnField, ...] = ()
    try:
        chosen = dataset.parse_fields(fields, catalogue)
    except InvalidRequest as exc:
        messages += exc.messages
    switches: dict[str, bool] = {}
    for name in _BOOLEANS[dataset.name]:
        try:
            switches[name] = parse_bool(name, params.get(name))
        except InvalidRequest as exc:
            messages += exc.messages
    if switches.get("subsequence") and out.format != "fasta":
        messages.append(
            f"Invalid content type received, '{media_type_for(out.format)}'. 'subsequence' "
            "parameter only accepted for 'text/plain;format=fasta' content type."
        )
    facets = params.get("facets")
    if facets is not None and facets.strip():
        messages.append(_NOT_YET.format("facets"))
    chosen_filter = Filter()
    try:
        chosen_filter = read_filter(dataset, params.get("query"), params.get("sort"),
                                    switches.get("includeIsoform", False),
                                    switches.get("subsequence", False))
    except InvalidRequest as exc:
        messages += exc.messages
    if messages:
        raise InvalidRequest(*messages)
    given = None if fields is None or not fields.strip() else chosen
    return EntryOptions(dataset, given, chosen, switches.get("complete", False), chosen_filter,
                        max_filter)


_BOOLEANS = {
    "uniprotkb": ("includeIsoform", "subsequence"),
    "uniref": ("complete",),
    "uniparc": (),
}


# ---------------------------------------------------------------------------------------------
# Where a job's results are


def results_path(job: Job, settings: Settings) -> str:
    """The results path of a finished job, after ``/idmapping`` (§2.4)."""
    if enrichable(job, settings):
        for name, targets in _DATASET_TARGETS.items():
            if job.to_db in targets:
                return f"/{name}/results/{job.id}"
    return f"/results/{job.id}"


def results_url(request: Request, job: Job, settings: Settings) -> str:
    """The absolute results URL of a finished job, on the host the client called."""
    return idmapping_base(request) + results_path(job, settings)


def check_entry_job(request: Request, job: Job, options: EntryOptions, settings: Settings) -> None:
    """Refuse entry results for a job over the enrichment limit or mapped elsewhere.

    :raises InvalidRequest: UniProt's enrichment message, or one naming the right URL.
    """
    if job.to_db not in _DATASET_TARGETS[options.dataset.name]:
        raise InvalidRequest(
            f"Invalid request received. This job mapped to '{job.to_db}', whose results are "
            f"at {results_url(request, job, settings)}"
        )
    if not enrichable(job, settings):
        raise InvalidRequest(
            "Invalid request received. " + ENRICH_WARNING.format(settings.max_enrich)
        )


# ---------------------------------------------------------------------------------------------
# Rows


def _rows(
    store: Store, pairs: list[tuple[str, str]], fmt: str, options: EntryOptions | None
) -> tuple[Sequence[str], list[Row]]:
    """The column labels and rows of a batch of pairs in format *fmt*."""
    if options is None:
        return ("From", "To"), list(pairs)
    dataset = options.dataset
    columns = dataset.labels(options.columns)
    if fmt == "list":  # the to id is the entry's accession or id already
        return columns, list(pairs)
    if fmt in RECORD_FORMATS:
        return columns, record_rows(store, dataset, pairs, fmt, options.complete)
    entries = dataset.entries(store, [to for _, to in pairs], options.complete)
    if fmt == "json":
        return columns, [(frm, dataset.project(entries[to], options.fields)) for frm, to in pairs]
    return columns, [(frm, *dataset.cells(entries[to], options.columns)) for frm, to in pairs]


def _writer(fmt: str, columns: Sequence[str], extras: Extras | None,
            options: EntryOptions | None) -> Writer:
    """A writer of *fmt*; the record formats get the record function of the dataset."""
    writer_class = writer_for(fmt)
    if issubclass(writer_class, RecordWriter):
        if options is None:
            raise InvalidRequest(f"Invalid request received. Format '{fmt}' needs entries")
        return writer_class(columns, extras, record=record_function(
            options.dataset.name, fmt, options.filter.subsequence))
    return writer_class(columns, extras)


def _view(store: Store, job: Job, options: EntryOptions | None
          ) -> tuple[object, list[dict[str, object]]]:
    """The filter a request's pairs go through, and the warnings it brings.

    A job with more pairs than ``max_filter`` is served unfiltered, with UniProt's warning 20.
    ``subsequence=true`` is checked against the job's ids first.
    """
    if options is None:
        return None, []
    if options.filter.subsequence:
        check_subsequence(store, job)
    query = options.filter.query
    if query is not None and job.result_count > options.max_filter:
        return None, filter_warning(options.max_filter)
    return query, []


def release_header(job: Job) -> dict[str, str]:
    """``X-UniProt-Release`` of a job's pages: the release it was mapped against."""
    return {"X-UniProt-Release": job.release} if job.release else {}


def _headers(job: Job, out: Output) -> dict[str, str]:
    return {"content-type": media_type_for(out.format), **release_header(job)}


# ---------------------------------------------------------------------------------------------
# Responses


def page_response(
    request: Request,
    store: Store,
    job: Job,
    out: Output,
    options: EntryOptions | None,
    paging: PageRequest,
) -> Response:
    """One page of results with ``X-Total-Results`` and, unless it is the last, ``Link``."""
    query, warnings = _view(store, job, options)
    total, pairs = pairs_page(store, job, query, paging.offset, paging.size)  # type: ignore[arg-type]
    page = Page(offset=paging.offset, size=paging.size, total=total)
    headers = _headers(job, out)
    headers["X-Total-Results"] = str(total)
    if page.next_offset is not None:
        headers["Link"] = next_link(public_url(request), page.next_offset, page.size)
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    columns, rows = _rows(store, pairs, out.format, options)
    extras = Extras.from_job(job)
    extras.warnings = warnings + extras.warnings
    writer = _writer(out.format, columns, extras, options)
    chunks: Iterator[bytes] = write(writer, rows)
    if out.compressed:
        chunks = gzip_chunks(chunks)
    return Response(b"".join(chunks), headers=headers)


def stream_response(
    request: Request, store: Store, job: Job, out: Output, options: EntryOptions | None
) -> Response:
    """All results, streamed in batches; JSON is only ``{"results": [...]}``."""
    headers = _headers(job, out)
    writer_class = writer_for(out.format)
    if out.download:
        headers["Content-Disposition"] = content_disposition(
            job.id, writer_class.extension, out.compressed, dt.date.today()
        )
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    query, _ = _view(store, job, options)
    columns = options.dataset.labels(options.columns) if options else ("From", "To")
    writer = _writer(out.format, columns, None, options)

    def rows() -> Iterator[Row]:
        # One whole batch per step: the store's connections belong to threads, and each
        # step of a streamed body may run on another thread of the pool.
        for pairs in batches(store, job, query, STREAM_BATCH):  # type: ignore[arg-type]
            yield from _rows(store, pairs, out.format, options)[1]

    def failed(error: Exception) -> None:
        log.error("stream of job %s broke off", job.id, exc_info=error)

    chunks: Iterator[bytes] = write(writer, rows(), on_error=failed)
    if out.compressed:
        chunks = gzip_chunks(chunks)
    return StreamingResponse(chunks, headers=headers)
