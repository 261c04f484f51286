"""The web page: a form to submit a mapping, and one page per job (status, results, downloads).

Pages are rendered on the server from Jinja templates (``web/templates``), with a little plain
JavaScript (``web/static/idmapping.js``) that limits the From/To choices, counts ids, polls a
running job, keeps the browser's recent jobs and has large downloads built by the asynchronous
download. Everything works without JavaScript: the form posts to :func:`submit_page`, a running
job's page refreshes itself, and every table, facet, sort, page size, column choice and
download is a plain link or ``GET`` form (a download is then streamed, whatever its size).

Routes are thin, over the same library as the API: :class:`~idmapping.jobs.service.JobService`
submits and reads jobs, :mod:`idmapping.results` reads a page of results as a table and sums a
job up, :mod:`idmapping.examples` draws example ids from the release, and the datasets of
:mod:`idmapping.entries` give the columns (``fields=``) of entry results.

=============================  ==============================================================
``GET /``                      the home page, for browsers (``api.root`` answers others)
``GET /id-mapping``            the form (``?from=&to=&ids=&example=1`` fill it in)
``POST /id-mapping``           submit; 303 to the job page, or the form again with messages
``GET /id-mapping/{jobId}``    the job: status, summary, facet sidebar, results table
                               (``?query=``, ``facet=name:value`` constrain it, ``sort=``
                               orders it: :mod:`idmapping.web.refine`), downloads
``GET /id-mapping/{jobId}/unmapped``  the ids that did not map, as a text file
``GET /static/{name}``         the page's CSS and JavaScript
=============================  ==============================================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from idmapping.align import ALIGNMENT
from idmapping.catalogue import AC_ID, Catalogue
from idmapping.entries import Dataset, xref_databases
from idmapping.errors import IdMappingError, InvalidRequest, NotFound, ReleaseGone
from idmapping.examples import example_ids
from idmapping.explain import explain_job
from idmapping.ids import split_text_ids, unique
from idmapping.model import Job, JobStatus
from idmapping.results.entryrows import filter_warning, read_filter
from idmapping.results.options import (
    ENTRY_FORMATS,
    PLAIN_PAGED,
    PLAIN_STREAM,
    results_dataset,
    results_path,
    stream_path,
)
from idmapping.results.paging import Page, check_size, decode_cursor, encode_cursor
from idmapping.results.summary import JobSummary
from idmapping.results.table import read_table
from idmapping.settings import Settings
from idmapping.store.base import Store
from idmapping.version import __version__
from idmapping.web.context import ApiContext, context
from idmapping.web.http import (
    app_root,
    get_and_head,
    idmapping_base,
    pinned_release,
    read_fields,
    submitted_release,
)
from idmapping.web.refine import (
    Header,
    PageState,
    Selection,
    async_download,
    headers,
    links,
    sidebar,
)

__all__ = [
    "router",
    "render",
    "wants_html",
    "home_page",
    "join_ids",
    "api_urls",
    "FormValues",
    "PAGE_COLUMNS",
    "PAGE_SIZES",
    "field_choices",
]

router = APIRouter(include_in_schema=False)

PAGE_SIZES = (10, 25, 50, 100, 250, 500)
"""Page sizes offered under the results table (the API allows 0 to 500)."""

FORMAT_LABELS = {
    "tsv": "TSV (tab-separated values)",
    "json": "JSON",
    "xlsx": "Excel (xlsx)",
    "list": "List of ids",
}

# The columns the page shows by default, and those it does not offer: the release files hold
# no protein names, organism names, sequences or UniRef/UniParc descriptions, so those columns
# would always be empty (the API still accepts them, for UniProt's clients).
PAGE_COLUMNS = {
    "uniprotkb": ("accession", "id", "reviewed", "gene_names", "organism_id"),
    "uniref": ("id", "count", "members"),
    "uniparc": ("upi", "accession"),
}
_UNFILLED = {
    "uniprotkb": {"protein_name", "organism_name", "length"},
    "uniref": {"name", "common_taxon", "date_modified"},
    "uniparc": {"organism", "first_seen", "last_seen", "length"},
}

# UniProt's problem codes (PredefinedAPIStatus), said in words above the message itself.
_PROBLEMS = {
    20: "Filters are not available for a result this large.",
    21: "The result is too large to add entry data: only the mapped ids are shown.",
    40: "The mapping produced too many results. Split your list into smaller parts.",
    50: "The mapping failed on the server.",
}

_STATIC = {
    "idmapping.css": "text/css; charset=utf-8",
    "idmapping.js": "text/javascript; charset=utf-8",
    "basket.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

# No inline script or style is needed, so none is allowed: a defence against injected markup.
_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# ---------------------------------------------------------------------------------------------
# Rendering


@functools.cache
def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("idmapping.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = lambda n: f"{n:,}"
    env.filters["days"] = lambda d: f"{d:g}"
    return env


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """An HTML page from *template*, with what every page needs (root path, release)."""
    ctx = context(request)
    html = (
        _templates()
        .get_template(template)
        .render(
            root=request.scope.get("root_path", ""),
            base=app_root(request),  # the root without a /releases/{name} prefix
            version=__version__,
            release=ctx.release_for(request),
            **values,
        )
    )
    return HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)


def wants_html(request: Request) -> bool:
    """Whether the client asked for HTML (a browser), not JSON or anything."""
    return "text/html" in request.headers.get("accept", "")


def home_page(request: Request) -> Response:
    """The home page: what this server is, the releases it serves (which of them is generated
    demo data), and links to the form and the API."""
    ctx = context(request)
    try:
        releases = [r for r in ctx.store.releases() if r.state == "ready"]
    except IdMappingError:
        releases = []
    return render(request, "home.html", max_ids=ctx.settings.max_ids, releases=releases,
                  serving=next((r for r in releases if r.current), None))


@get_and_head(router, "/static/{name}")
def static(name: str) -> Response:
    """One of the page's static files."""
    if name not in _STATIC:
        raise NotFound()
    body = (resources.files("idmapping.web") / "static" / name).read_bytes()
    return Response(body, media_type=_STATIC[name], headers={"Cache-Control": "no-cache"})


# ---------------------------------------------------------------------------------------------
# The form


def join_ids(*texts: str) -> str:
    """Pasted and uploaded ids as the API takes them: split on whitespace or commas,
    de-duplicated in first-seen order, joined with commas.

    >>> join_ids("P04637 P02340,\\tP04637", "Q9DEM0\\n")
    'P04637,P02340,Q9DEM0'
    """
    return ",".join(unique(i for text in texts for i in split_text_ids(text)))


@dataclass(frozen=True)
class FormValues:
    """What the form shows: the choices and ids (as typed, or after a failed submission)."""

    from_db: str = AC_ID
    to_db: str = ""
    ids: str = ""
    tax_id: str = ""
    release: str = ""
    """The release chosen ('' for the current one); a pinned page's release."""


def _form_data(
    catalogue: Catalogue, examples: dict[str, list[str]], max_ids: int
) -> dict[str, Any]:
    """What the page's script needs: each ``from``'s rule, the examples, the id limit."""
    rules = {
        db.name: {
            "tos": list(db.rule.tos),
            "defaultTo": db.rule.default_to,
            "taxonId": db.rule.taxon_allowed,
        }
        for db in catalogue.databases.values()
        if db.is_from and db.rule is not None
    }
    return {"rules": rules, "examples": examples, "maxIds": max_ids, "acId": AC_ID}


def _groups(catalogue: Catalogue, side: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(group, [(name, display name)])`` of the databases usable as *side* (from or to)."""
    groups = []
    for group, names in catalogue.groups:
        dbs = [catalogue.database(n) for n in names]
        items = [
            (db.name, db.display_name) for db in dbs if (db.is_from if side == "from" else db.is_to)
        ]
        if items:
            groups.append((group, items))
    return groups


def _render_form(
    request: Request,
    values: FormValues,
    messages: Sequence[str] = (),
    status: int = 200,
    examples: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    ctx = context(request)
    catalogue = ctx.catalogue
    source = catalogue.databases.get(values.from_db)
    rule = source.rule if source is not None else None
    to_db = values.to_db or (rule.default_to if rule else "UniProtKB")
    if examples is None:
        examples = example_ids(ctx.store_for(request), catalogue)
    try:
        releases = [r.name for r in ctx.store.releases() if r.state == "ready"]
    except IdMappingError:
        releases = []
    return render(
        request,
        "form.html",
        status,
        values=FormValues(values.from_db, to_db, values.ids, values.tax_id,
                          values.release or pinned_release(request) or _CURRENT),
        releases=list(dict.fromkeys(releases)),
        pinned=pinned_release(request),
        messages=list(messages),
        from_groups=_groups(catalogue, "from"),
        to_groups=_groups(catalogue, "to"),
        taxon_from=[
            db.display_name
            for db in catalogue.databases.values()
            if db.is_from and db.rule and db.rule.taxon_allowed
        ],
        form_data=_form_data(catalogue, examples, ctx.settings.max_ids),
        accession_examples=examples.get(AC_ID, []),
        loaded=ctx.release_name() is not None,
        has_examples=bool(examples),
        max_ids=ctx.settings.max_ids,
        ttl_days=ctx.settings.job_ttl_days,
    )


@get_and_head(router, "/id-mapping")
def form_page(request: Request) -> Response:
    """The form; ``from``, ``to``, ``ids`` and ``taxId`` fill it in, ``example=1`` puts in
    example ids of the chosen ``from`` (or of UniProtKB AC/ID)."""
    query = request.query_params
    values = FormValues(
        query.get("from") or AC_ID,
        query.get("to") or "",
        query.get("ids") or "",
        query.get("taxId") or "",
    )
    if not query.get("example"):
        return _render_form(request, values)
    examples = example_ids(context(request).store_for(request), context(request).catalogue)
    from_db = values.from_db if values.from_db in examples else AC_ID
    to_db = values.to_db if from_db == values.from_db else ""
    values = FormValues(from_db, to_db, "\n".join(examples.get(from_db, [])), values.tax_id)
    return _render_form(request, values, examples=examples)


@router.post("/id-mapping")
async def submit_page(request: Request) -> Response:
    """Submit the form (pasted ``ids`` and an uploaded ``file``): 303 to the job's page."""
    ctx = context(request)
    values = FormValues()
    try:
        fields = await read_fields(request, ctx.settings.max_body_bytes)
        values = FormValues(
            fields.get("from", ""),
            fields.get("to", ""),
            fields.get("ids", ""),
            fields.get("taxId", ""),
            fields.get("release", ""),
        )
        # the list's "current release" is no pin; a pinned page's form names its release
        release = submitted_release(request, values.release if values.release != _CURRENT
                                    else None)
        ids = join_ids(values.ids, fields.get("file", ""))
        if not ids:
            raise InvalidRequest("Enter or upload at least one id.")
        source = ctx.catalogue.databases.get(values.from_db)
        # The taxon field only applies where the rule allows it (it is hidden otherwise).
        taxon = values.tax_id if source and source.rule and source.rule.taxon_allowed else ""
        if taxon.strip() and not taxon.strip().isdigit():
            store = ctx.store.pinned(release) if release else ctx.store
            taxon = await run_in_threadpool(resolve_taxon, store, taxon)
        job = await run_in_threadpool(ctx.jobs.submit, values.from_db, values.to_db, ids, taxon,
                                      release)
    except IdMappingError as exc:
        # The form reads example ids from the store: off the event loop, like the submission.
        return await run_in_threadpool(_render_form, request, values, exc.messages, exc.status)
    root = request.scope.get("root_path", "")
    return RedirectResponse(f"{root}/id-mapping/{job.id}", status_code=303)


_CURRENT = ""
"""The form's choice of release that follows the server's current release."""


def resolve_taxon(store: Store, name: str) -> str:
    """The id of the taxon a scientific name given in the form's taxId names, in the current
    release's taxonomy (the API's ``/idmapping/run``, as UniProt's, takes ids only).

    :raises InvalidRequest: no taxonomy, no taxon so named, or several: saying which.
    """
    text = name.strip()
    if not store.has_taxonomy():
        raise InvalidRequest(f"'{text}' is not a taxon id, and this release holds no taxonomy "
                             "to look names up in: give an NCBI taxonomy id")
    found = store.taxa_named(text, 6)
    exact = [t for t in found if t[1].lower() == text.lower()]
    if len(exact) == 1:
        return str(exact[0][0])
    shown = ", ".join(f"{n} ({t})" for t, n, _ in (exact or found)[:5])
    if exact:
        raise InvalidRequest(f"'{text}' names several taxa: {shown}; give the id of one")
    more = f": did you mean {shown}?" if found else ""
    raise InvalidRequest(f"No taxon of this release's taxonomy is named '{text}'{more}")


# ---------------------------------------------------------------------------------------------
# The job page


def _dataset(job: Job, ctx: ApiContext) -> tuple[str, Dataset | None]:
    """The results end-point's dataset (``uniprotkb``...) or ``""`` for plain pairs."""
    dataset = results_dataset(job, ctx.settings)
    return (dataset.name, dataset) if dataset else ("", None)


def api_urls(
    request: Request, job: Job, settings: Settings, fmt: str, compressed: bool, fields: str,
    query: str = "", sort: str = "",
) -> dict[str, str | None]:
    """The absolute stream and paged URLs of a job's results in *fmt*, as the API serves them
    (``paged`` is None where the paged end-point does not offer the format); *query*
    constrains and *sort* orders entry results."""
    entries = results_dataset(job, settings) is not None
    params = {"fields": fields} if entries else {}
    if entries and query:
        params["query"] = query
    if entries and sort:
        params["sort"] = sort
    if compressed:
        params["compressed"] = "true"
    params["format"] = fmt
    query = urlencode(params, safe=",")
    base = idmapping_base(request)
    offered = entries or fmt in PLAIN_PAGED
    return {
        "stream": f"{base}{stream_path(job, settings)}?{query}",
        "paged": f"{base}{results_path(job, settings)}?{query}&size=500" if offered else None,
    }


def _job_summary(job: Job, ctx: ApiContext) -> dict[str, Any]:
    """The job's numbers (:class:`JobSummary`), with names and times as the page shows them."""
    numbers = JobSummary.of(job, ctx.settings.job_ttl_days)
    catalogue = ctx.catalogue

    def display(name: str) -> str:
        db = catalogue.databases.get(name)
        return db.display_name if db else name

    return {
        **dataclasses.asdict(numbers),
        "from_name": display(job.from_db),
        "to_name": display(job.to_db),
        "updated": _utc(job.updated),
        "expires": _utc(numbers.expires) if numbers.expires is not None else None,
    }


def _utc(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _problems(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """UniProt's ``{code, message}`` problems, with what each code means in words."""
    return [
        {
            "code": p.get("code"),
            "message": p.get("message", ""),
            "meaning": _PROBLEMS.get(p.get("code", 0), ""),
        }
        for p in items
    ]


def field_choices(dataset: Dataset, catalogue: Catalogue) -> dict[str, list[tuple[str, str]]]:
    """The column picker: ``(name, label)`` of the dataset's fields, then cross-references."""
    unfilled = _UNFILLED.get(dataset.name, set())
    choices = {
        "fields": [(f.name, f.label) for f in dataset.fields.values() if f.name not in unfilled]
    }
    choices["xrefs"] = []
    if dataset.xref_fields:
        dbs = sorted(set(xref_databases(catalogue).values()), key=str.lower)
        choices["xrefs"] = [(f"xref_{db.lower()}", db) for db in dbs]
    return choices


def _finished(request: Request, ctx: ApiContext, job: Job) -> dict[str, Any]:
    """What the page of a FINISHED job shows: facets, table, columns, downloads, API URLs.

    :raises InvalidRequest: a bad ``size``, ``cursor``, ``fields``, ``query``, ``facet`` or
        ``sort`` in the page's URL.
    """
    query = request.query_params
    kind, dataset = _dataset(job, ctx)
    fields_text = ",".join(query.getlist("fields"))
    size = check_size(query.get("size"))
    offset = decode_cursor(query.get("cursor") or "")
    columns = (
        dataset.parse_fields(fields_text or ",".join(PAGE_COLUMNS[kind]), ctx.catalogue)
        if dataset
        else ()
    )
    fields = ",".join(f.name for f in columns)
    text = (query.get("query") or "").strip() if dataset else ""
    selection = Selection.read(kind, query.getlist("facet")) if dataset else Selection(kind)
    sort = " ".join((query.get("sort") or "").split()) if dataset else ""
    state = PageState(f"{request.scope.get('root_path', '')}/id-mapping/{job.id}", fields, size,
                      text, sort, tuple(selection.params()))
    effective = selection.combined(text)
    constraint = read_filter(dataset, effective, sort, False, False).query if dataset else None
    warnings: list[dict[str, Any]] = []
    cap = ctx.settings.max_filter
    if constraint is not None and cap and job.result_count > cap:  # as the API: warning 20
        constraint, warnings = None, filter_warning(cap)
    store = ctx.jobs.store_of(job)
    table = read_table(store, job, dataset, columns, Page(offset, size, job.result_count),
                       constraint)
    formats = ENTRY_FORMATS[kind] if kind else PLAIN_STREAM
    fmt = query.get("format") or "tsv"
    fmt = fmt if fmt in formats else "tsv"
    compressed = query.get("compressed") == "true"
    applied = "" if warnings else effective  # past the cap nothing is filtered
    return {
        "table": table,
        "size": size,
        "fields": fields,
        "query": text,
        "sort": sort if not warnings else "",
        "facet_params": state.facets,
        "applied_query": applied,
        "constrained": constraint is not None and bool(applied),
        "query_warnings": _problems(warnings),
        "columns": [f.name for f in columns],
        "headers": headers(kind, table.labels, [f.name for f in columns], state) if dataset
        else [Header(label) for label in table.labels],
        **links(ctx, job, kind, [f.name for f in columns]),
        **sidebar(ctx, store, job, dataset, selection, state, bool(warnings)),
        "xrefs_open": any(f.xref for f in columns),
        "choices": field_choices(dataset, ctx.catalogue) if dataset else None,
        "clear_query_url": state.url(query=""),
        "clear_facets_url": state.url(facets=()),
        "prev_url": state.url(encode_cursor(max(offset - size, 0)) if offset > size else "")
        if offset > 0 and size else None,
        "next_url": state.url(encode_cursor(table.page.next_offset))
        if size and table.page.next_offset is not None else None,
        "formats": [(f, FORMAT_LABELS.get(f, f)) for f in formats],
        "format": fmt,
        "compressed": compressed,
        "stream_action": f"{request.scope.get('root_path', '')}/idmapping"
        + stream_path(job, ctx.settings),
        "urls": api_urls(request, job, ctx.settings, fmt, compressed, fields, applied,
                         sort if not warnings else "")
        if query.get("api") else None,
        **async_download(ctx, kind, table.page.total, constraint is not None),
    }


EXPLAINED_SHOWN = 50
"""Failed ids whose reasons a job page shows (the API pages through all of them)."""


@get_and_head(router, "/id-mapping/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    """A job's page: its status while running, then its summary, results and downloads."""
    ctx = context(request)
    try:
        job = ctx.jobs.get(job_id)
    except NotFound:
        return render(
            request, "missing.html", 404, job_id=job_id, ttl_days=ctx.settings.job_ttl_days
        )
    if job.to_db == ALIGNMENT:  # an alignment job has its own page
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/id-mapping/align/{job.id}", status_code=303)
    values: dict[str, Any] = {
        "job": job,
        "summary": _job_summary(job, ctx),
        "page_sizes": PAGE_SIZES,
        "messages": [],
        "errors": _problems(job.errors),
        "warnings": _problems(job.warnings),
        "running": job.status in (JobStatus.NEW, JobStatus.RUNNING),
        "finished": job.status == JobStatus.FINISHED,
    }
    status = 200
    values["explained"] = []
    if job.status == JobStatus.FINISHED and job.failed_ids:
        try:  # the reasons of the first failed ids; all of them at /idmapping/explain
            values["explained"] = explain_job(
                ctx.jobs.store_of(job), job, 0, EXPLAINED_SHOWN,
                descendants=ctx.settings.taxonomy_descendants).explanations
        except IdMappingError:  # no release loaded just now: the ids are listed anyway
            pass
    values["query"] = request.query_params.get("query") or ""
    values["queryable"] = job.status == JobStatus.FINISHED and bool(_dataset(job, ctx)[0])
    values["basket"] = _dataset(job, ctx)[0] == "uniprotkb" if values["queryable"] else False
    values["max_align"] = ctx.settings.max_align_sequences
    if job.status == JobStatus.FINISHED:
        try:
            values.update(_finished(request, ctx, job))
        except (InvalidRequest, ReleaseGone) as exc:  # a bad URL, or a dropped release
            values["messages"], values["finished"], status = exc.messages, False, exc.status
    return render(request, "job.html", status, **values)


@get_and_head(router, "/id-mapping/{job_id}/unmapped")
def unmapped_ids(request: Request, job_id: str) -> Response:
    """The ids of a finished job that did not map, one per line, as a file to save."""
    job = context(request).jobs.finished(job_id)
    body = "".join(f"{i}\n" for i in job.failed_ids)
    disposition = f'attachment; filename="{job.id}_unmapped.txt"'
    return Response(
        body, media_type="text/plain; charset=utf-8", headers={"Content-Disposition": disposition}
    )
