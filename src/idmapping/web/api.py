"""UniProt's ID mapping REST API: the routes, each a few lines over the library.

Paths, parameters, status codes, headers and messages follow UniProt's service
(``shared/reference/api-behaviour.md``): submit with ``POST /idmapping/run``, poll
``/idmapping/status/{jobId}`` (303 to the results when finished), read ``/idmapping/details``,
page through ``/idmapping/results`` or stream ``/idmapping/stream``, and get entries from
``/idmapping/{uniprotkb|uniref|uniparc}/results[/stream]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from idmapping.detect import DETECT_COLUMNS, detect_ids, request_ids
from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest, NotFound
from idmapping.explain import EXPLAIN_COLUMNS, explain_job
from idmapping.model import Job, JobStatus
from idmapping.results.media import MEDIA_TYPE_BY_FORMAT
from idmapping.results.options import (
    ENTRY_FORMATS,
    ENTRY_STREAM_FORMATS,
    PLAIN_PAGED,
    PLAIN_STREAM,
    EntryOptions,
    Output,
    PageRequest,
    check_entry_job,
    entry_options,
)
from idmapping.results.paging import Page, next_link
from idmapping.results.view import ResultView, pages_send_failed
from idmapping.results.xlsx import XlsxLimits
from idmapping.store.base import Store
from idmapping.version import __version__
from idmapping.web.context import context
from idmapping.web.http import (
    RequestRoute,
    get_and_head,
    idmapping_base,
    json_response,
    public_url,
    read_fields,
    submitted_release,
)
from idmapping.web.openapi import text_parameters
from idmapping.web.pages import home_page, wants_html
from idmapping.web.responses import (
    head_response,
    output,
    page_response,
    release_header,
    results_url,
    stream_response,
)

__all__ = ["router"]

_Route = TypeVar("_Route", bound=Callable[..., Any])

# the routes of a page of results, a job's status and a submission take the request alone
router = APIRouter(route_class=RequestRoute)


def _get(*paths: str, schema: bool = True, openapi_extra: dict[str, Any] | None = None
         ) -> Callable[[_Route], _Route]:
    """Register a route for GET and HEAD on each path (see :func:`get_and_head`)."""
    return get_and_head(router, *paths, schema=schema, openapi_extra=openapi_extra)


# Parameters, declared for the OpenAPI page; every value is read as text and checked by the
# library, so that bad values get UniProt's messages.
FORMAT = Query(None, description="json, tsv, xlsx, list; for entries also fasta (and for "
               "UniProtKB txt, xml, gff), and on entry streams rdf, ttl, nt; overrides the "
               "Accept header")
COMPRESSED = Query(None, description="true: the body is gzip (no Content-Encoding header)")
DOWNLOAD = Query(None, description="true: add a Content-Disposition header")
SIZE = Query(None, description="Page size: 0 to 500, default 25")
CURSOR = Query(None, description="Where the page starts, from the previous page's Link")
FIELDS = Query(None, description="Comma-separated return fields, e.g. accession,gene_names")
QUERY = Query(None, description="Filter in UniProt's query syntax, e.g. reviewed:true AND "
              "organism_id:9606")
SORT = Query(None, description="Order, e.g. 'length desc' or 'accession asc'")
INCLUDE_ISOFORM = Query(None, alias="includeIsoform",
                        description="UniProtKB: true adds the isoforms of mapped entries")
SUBSEQUENCE = Query(None, description="UniProtKB FASTA: true cuts each sequence to the range "
                    "of its 'from' id, ACC[begin-end]")
COMPLETE = Query(None, description="UniRef: true lists every member, not the first ten")

_RUN_BODY = {
    "requestBody": {
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["ids", "from", "to"],
                    "properties": {
                        "ids": {"type": "string", "description": "Comma-separated ids"},
                        "from": {"type": "string", "example": "UniProtKB_AC-ID"},
                        "to": {"type": "string", "example": "UniProtKB"},
                        "taxId": {"type": "string", "description": "Optional taxon id"},
                        "release": {"type": "string", "description": "Ours: map against "
                                    "this release (as /releases/{name}/idmapping/run does)"},
                    },
                }
            }
            for media in ("application/x-www-form-urlencoded", "multipart/form-data")
        },
    },
}


_DETECT_BODY = {
    "requestBody": {
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["ids"],
                    "properties": {
                        "ids": {"type": "string", "description": "Comma-separated ids"},
                        "format": {"type": "string", "enum": ["json", "tsv"]},
                    },
                }
            }
            for media in ("application/x-www-form-urlencoded", "multipart/form-data")
        },
    },
}


def tsv_body(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A small TSV document: a header, then the rows (tabs and line ends in cells as spaces)."""
    def line(cells: Sequence[str]) -> str:
        return "\t".join(" ".join(c.split()) if c else "" for c in cells) + "\n"
    return "".join([line(columns), *map(line, rows)]).encode()


@_get("/", schema=False)
def root(request: Request) -> Response:
    """A small answer for clients that probe the base URL; browsers get the home page."""
    if wants_html(request):
        return home_page(request)
    ctx = context(request)
    return json_response(
        {
            "name": "idmapping",
            "version": __version__,
            "release": ctx.release_for(request),
            "docs": "/docs",
        }
    )


@_get("/configure/idmapping/fields")
def fields(request: Request) -> Response:
    """The databases, their groups and the from→to rules (UniProt's configuration)."""
    return json_response(context(request).catalogue.fields)


@router.post("/idmapping/run", openapi_extra=_RUN_BODY)
async def run(request: Request) -> Response:
    """Submit a mapping: form fields ``ids``, ``from``, ``to`` and optional ``taxId``; and
    ours, ``release``, to map against a release other than the current one."""
    ctx = context(request)
    params = await read_fields(request, ctx.settings.max_body_bytes)
    job = await run_in_threadpool(
        ctx.jobs.submit,
        params.get("from"),
        params.get("to"),
        params.get("ids"),
        params.get("taxId"),
        submitted_release(request, params.get("release")),
    )
    return json_response({"jobId": job.id})


@router.post("/idmapping/detect", openapi_extra=_DETECT_BODY)
async def detect(request: Request) -> Response:
    """Which databases of the current release hold each id, and the best ``from`` database
    for the list (form field ``ids``, as ``/idmapping/run``; ``format`` json or tsv)."""
    ctx = context(request)
    params = await read_fields(request, ctx.settings.max_body_bytes)
    fmt = output(request, ("json", "tsv"), params.get("format"), None).format
    ids = request_ids(params.get("ids"), ctx.settings.max_ids, ctx.settings.max_id_length)
    found = await run_in_threadpool(lambda: detect_ids(ctx.store_for(request), ids,
                                                       ctx.catalogue))
    headers = {"X-UniProt-Release": found.release}
    if fmt == "tsv":
        return Response(tsv_body(DETECT_COLUMNS, found.rows()), headers=headers,
                        media_type=MEDIA_TYPE_BY_FORMAT["tsv"])
    return json_response(found.to_dict(), headers=headers)


TAXA_SHOWN = 20
"""Most taxa ``/idmapping/taxonomy`` lists for a name that only begins theirs."""


@_get("/idmapping/taxonomy")
def taxonomy(
    request: Request,
    name: str | None = Query(None, description="A scientific name, or its beginning "
                             "(case is ignored), e.g. Saccharomyces cerevisiae"),
) -> Response:
    """The taxa of the current release's taxonomy (NCBI's, loaded from taxdump) with this
    scientific name, else those whose names begin with it: how the web form turns a name
    given as taxId into a taxon (ours, not UniProt's; /idmapping/run takes ids only)."""
    ctx = context(request)
    text = (name or "").strip()
    if not text:
        raise InvalidRequest("'name' is a required parameter")
    if len(text) > ctx.settings.max_id_length:
        raise InvalidRequest(f"'name' is longer than {ctx.settings.max_id_length} characters")
    store = ctx.store_for(request)
    taxa = store.taxa_named(text, TAXA_SHOWN)
    return json_response({
        "taxonomy": store.has_taxonomy(),
        "results": [{"taxonId": t, "scientificName": n, "rank": r} for t, n, r in taxa]})


@_get("/idmapping/explain/{job_id}")
def explain(
    request: Request,
    job_id: str,
    format: str | None = Query(None, description="json or tsv; overrides the Accept header"),
    size: str | None = SIZE,
    cursor: str | None = CURSOR,
) -> Response:
    """Why each failed id of a finished job did not map, paged over its failed ids
    (reasons in docs/mapping.md), in the current release."""
    ctx = context(request)
    fmt = output(request, ("json", "tsv"), format, None).format
    paging = PageRequest.read(size, cursor)
    job = ctx.jobs.finished(job_id)
    found = explain_job(ctx.jobs.store_of(job), job, paging.offset, paging.size, ctx.catalogue,
                        ctx.settings.taxonomy_descendants)
    headers = {"X-UniProt-Release": found.release, "X-Total-Results": str(found.total)}
    following = Page(paging.offset, paging.size, found.total).next_offset
    if following is not None:
        headers["Link"] = next_link(public_url(request), following, paging.size)
    media = MEDIA_TYPE_BY_FORMAT["tsv"] if fmt == "tsv" else "application/json"
    if request.method == "HEAD":
        return head_response(headers, media)
    if fmt == "tsv":
        body = tsv_body(EXPLAIN_COLUMNS, found.rows())
    else:
        body = orjson.dumps(found.to_dict())
    return Response(body, headers=headers, media_type=media)


async def _small_read(store: Store, read: Callable[[], Response], offload: bool = False
                      ) -> Response:
    """Answer a request made of a few indexed reads: on the event loop when the store reads
    local files (a thread hop costs more than the reads), else on a worker thread."""
    if store.local_reads and not offload and store.reads_now():
        return read()
    return await run_in_threadpool(read)


@_get("/idmapping/status/{job_id}")
async def status(request: Request, job_id: str) -> Response:
    """The job's state; 303 to its results once FINISHED (polled often: see _small_read)."""
    return await _small_read(context(request).store, lambda: _status(request, job_id))


def _status(request: Request, job_id: str) -> Response:
    ctx = context(request)
    # polled often: the megabytes of submitted and failed ids it does not send stay unread
    job = ctx.jobs.get(job_id, with_ids=False, with_failed=False)
    headers = release_header(job)
    body: dict[str, object] = {"jobStatus": job.status.value}
    if job.status == JobStatus.FINISHED:
        headers["Location"] = results_url(request, job, ctx.settings)
        if job.warnings:
            body["warnings"] = job.warnings
        return json_response(body, 303, headers)
    if job.status == JobStatus.ERROR:
        if not job.errors:
            return json_response(body, 500, headers)
        body["errors"] = job.errors
        return json_response(body, 400, headers)
    return json_response(body, 200, headers)


@_get("/idmapping/details/{job_id}")
def details(request: Request, job_id: str) -> Response:
    """The job's request, and where its results are once FINISHED."""
    ctx = context(request)
    job = ctx.jobs.get(job_id, with_failed=False)
    body: dict[str, object] = {"from": job.from_db, "to": job.to_db, "ids": job.ids}
    if job.tax_id:
        body["taxId"] = job.tax_id
    if job.status == JobStatus.FINISHED:
        body["redirectURL"] = results_url(request, job, ctx.settings)
        if job.warnings:
            body["warnings"] = job.warnings
    if job.status == JobStatus.ERROR and job.errors:
        body["errors"] = job.errors
    return json_response(body, headers=release_header(job))


@_get("/idmapping/results/{job_id}", openapi_extra=text_parameters(
    path=("job_id",), format=FORMAT.description, compressed=COMPRESSED.description,
    size=SIZE.description, cursor=CURSOR.description))
async def results(request: Request) -> Response:
    """One page of from/to pairs, for any job.

    Run on the event loop when the store reads local files: a page is two indexed reads of a
    few dozen microseconds, less than handing the request to a worker thread and back (paged
    results: 2,500 requests/s instead of 1,250). A PostgreSQL store, or an xlsx page, goes to
    a worker thread as the other routes do.
    """
    # The parameters (job_id; format, compressed, size, cursor) are read here rather than
    # declared to FastAPI, whose solving of them took a tenth of a page's time, and of job_id
    # alone 6% (issue 18); text_parameters declares them to the OpenAPI document as FastAPI
    # did. The last of a repeated one counts, as with FastAPI.
    ctx = context(request)
    job_id: str = request.path_params["job_id"]
    query = request.query_params
    out = output(request, PLAIN_PAGED, query.get("format"), query.get("compressed"))
    paging = PageRequest.read(query.get("size"), query.get("cursor"))

    def page() -> Response:
        job = ctx.jobs.finished(job_id, with_failed=pages_send_failed(out))
        return page_response(request, _view(request, job, out), paging)

    return await _small_read(ctx.store, page, offload=out.format == "xlsx")


@_get("/idmapping/stream/{job_id}", "/idmapping/results/stream/{job_id}")
def stream(
    request: Request,
    job_id: str,
    format: str | None = FORMAT,
    compressed: str | None = COMPRESSED,
    download: str | None = DOWNLOAD,
) -> Response:
    """Every from/to pair of a job, streamed."""
    ctx = context(request)
    out = output(request, PLAIN_STREAM, format, compressed, download)
    job = ctx.jobs.finished(job_id, with_failed=False)  # a stream does not send them
    return stream_response(request, _view(request, job, out))


def _view(request: Request, job: Job, out: Output, options: EntryOptions | None = None
          ) -> ResultView:
    """The results of *job* as the request asks, within this server's xlsx limits."""
    ctx = context(request)
    return ResultView(ctx.jobs.store_of(job), job, out, options,
                      xlsx=XlsxLimits.of(ctx.settings), facet_cache=ctx.facet_cache)


def _entry_request(
    request: Request,
    dataset: str,
    fmt: str | None,
    compressed: str | None,
    download: str | None,
    fields: str | None,
    paged: bool = False,
) -> tuple[EntryOptions, Output]:
    """Check an entry end-point's dataset, format and parameters (``facets`` on a page only:
    UniProt's stream takes none)."""
    if dataset not in DATASETS:
        raise NotFound()
    formats = ENTRY_FORMATS if paged else ENTRY_STREAM_FORMATS
    out = output(request, formats[dataset], fmt, compressed, download)
    params = {
        name: request.query_params.get(name)
        for name in ("includeIsoform", "subsequence", "complete", "query", "sort",
                     *(("facets",) if paged else ()))
    }
    ctx = context(request)
    options = entry_options(DATASETS[dataset], out, ctx.catalogue, fields, params,
                            ctx.settings.max_filter, ctx.settings.max_facet_pairs)
    return options, out


def _entry_job(request: Request, job_id: str, options: EntryOptions, with_failed: bool) -> Job:
    """The finished job *job_id*, if its results can be served as these entries.

    :param with_failed: read its failed ids too (for a page that sends them).
    """
    ctx = context(request)
    job = ctx.jobs.finished(job_id, with_failed=with_failed)
    check_entry_job(job, options, ctx.settings, idmapping_base(request))
    return job


@_get("/idmapping/{dataset}/results/{job_id}")
def entry_results(
    request: Request,
    dataset: str,
    job_id: str,
    format: str | None = FORMAT,
    compressed: str | None = COMPRESSED,
    size: str | None = SIZE,
    cursor: str | None = CURSOR,
    fields: str | None = FIELDS,
    query: str | None = QUERY,
    sort: str | None = SORT,
    include_isoform: str | None = INCLUDE_ISOFORM,
    subsequence: str | None = SUBSEQUENCE,
    complete: str | None = COMPLETE,
) -> Response:
    """One page of results whose ``to`` are entries (dataset: uniprotkb, uniref, uniparc).

    The filter parameters are read from the query string by :func:`_entry_request`; they are
    declared here for the OpenAPI page.
    """
    options, out = _entry_request(request, dataset, format, compressed, None, fields,
                                  paged=True)
    paging = PageRequest.read(size, cursor)
    job = _entry_job(request, job_id, options, pages_send_failed(out))
    return page_response(request, _view(request, job, out, options), paging)


@_get("/idmapping/{dataset}/results/stream/{job_id}")
def entry_stream(
    request: Request,
    dataset: str,
    job_id: str,
    format: str | None = FORMAT,
    compressed: str | None = COMPRESSED,
    download: str | None = DOWNLOAD,
    fields: str | None = FIELDS,
    query: str | None = QUERY,
    sort: str | None = SORT,
    include_isoform: str | None = INCLUDE_ISOFORM,
    subsequence: str | None = SUBSEQUENCE,
    complete: str | None = COMPLETE,
) -> Response:
    """Every result of a job as entries, streamed (filtered and sorted as the pages are)."""
    options, out = _entry_request(request, dataset, format, compressed, download, fields)
    job = _entry_job(request, job_id, options, with_failed=False)
    return stream_response(request, _view(request, job, out, options))
