"""Result responses: one page (``/results``) or the whole result (``/stream``) of a job.

Both go through the same steps: read stored pairs (a page, or batches for a stream), turn each
batch into rows for the chosen format (plain pairs, or entries read once per batch), and run the
rows through a writer of :mod:`idmapping.formats`. A stream never holds more than one batch.
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
from idmapping.formats import (
    Extras,
    Row,
    content_disposition,
    gzip_chunks,
    media_type_for,
    negotiate,
    write,
    writer_for,
)
from idmapping.jobs import ENRICH_WARNING, enrichable
from idmapping.model import Job
from idmapping.paging import Page, check_size, decode_cursor, next_link
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
# Formats that need whole entries (fasta, xml, txt, gff, rdf, ttl, nt) are left out until the
# store holds entries: a format is only offered when it can be written correctly.
PLAIN_PAGED = ("tsv", "json", "xlsx")
PLAIN_STREAM = ("tsv", "json", "xlsx", "list")
ENTRY_FORMATS = {
    "uniprotkb": ("json", "tsv", "xlsx", "list"),
    "uniref": ("tsv", "json", "xlsx", "list"),
    "uniparc": ("json", "tsv", "xlsx", "list"),
}
STREAM_BATCH = 1000
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
    """

    dataset: Dataset
    fields: tuple[ReturnField, ...] | None
    columns: tuple[ReturnField, ...]
    complete: bool = False


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
) -> EntryOptions:
    """Read the parameters of an entry end-point, collecting every message.

    ``query``, ``sort``, ``facets`` and ``includeIsoform=true`` need whole entries, which this
    server does not hold yet: they are refused, never silently ignored.

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
    complete = False
    for name in _BOOLEANS[dataset.name]:
        try:
            switch = parse_bool(name, params.get(name))
        except InvalidRequest as exc:
            messages += exc.messages
            continue
        if name == "complete":
            complete = switch
        elif switch and name == "includeIsoform":
            messages.append(_NOT_YET.format(name))
        elif switch and name == "subsequence":
            messages.append(
                f"Invalid content type received, '{media_type_for(out.format)}'. 'subsequence' "
                "parameter only accepted for 'text/plain;format=fasta' content type."
            )
    for name in ("query", "sort", "facets"):
        text = params.get(name)
        if text is not None and text.strip():
            messages.append(_NOT_YET.format(name))
    if messages:
        raise InvalidRequest(*messages)
    given = None if fields is None or not fields.strip() else chosen
    return EntryOptions(dataset, given, chosen, complete)


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
    entries = dataset.entries(store, [to for _, to in pairs], options.complete)
    if fmt == "json":
        return columns, [(frm, dataset.project(entries[to], options.fields)) for frm, to in pairs]
    return columns, [(frm, *dataset.cells(entries[to], options.columns)) for frm, to in pairs]


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
    page = Page(offset=paging.offset, size=paging.size, total=job.result_count)
    headers = _headers(job, out)
    headers["X-Total-Results"] = str(job.result_count)
    if page.next_offset is not None:
        headers["Link"] = next_link(public_url(request), page.next_offset, page.size)
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    pairs = list(store.read_results(job.id, page.offset, page.size)) if page.size else []
    columns, rows = _rows(store, pairs, out.format, options)
    writer = writer_for(out.format)(columns, Extras.from_job(job))
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
    columns = options.dataset.labels(options.columns) if options else ("From", "To")
    writer = writer_class(columns, None)

    def rows() -> Iterator[Row]:
        offset = 0
        while True:
            # One whole batch per step: the store's connections belong to threads, and each
            # step of a streamed body may run on another thread of the pool.
            pairs = list(store.read_results(job.id, offset, STREAM_BATCH))
            yield from _rows(store, pairs, out.format, options)[1]
            offset += len(pairs)
            if len(pairs) < STREAM_BATCH:
                return

    def failed(error: Exception) -> None:
        log.error("stream of job %s broke off", job.id, exc_info=error)

    chunks: Iterator[bytes] = write(writer, rows(), on_error=failed)
    if out.compressed:
        chunks = gzip_chunks(chunks)
    return StreamingResponse(chunks, headers=headers)
