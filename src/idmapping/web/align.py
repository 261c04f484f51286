"""Alignments over HTTP: the API under ``/align`` and the page of one alignment.

Thin over :mod:`idmapping.align` and :meth:`JobService.submit_alignment`: an alignment is a
job, polled and read as a mapping is.

=====================================  ========================================================
``POST /align/run``                    form field ``ids`` (2 to ``max_align_sequences``
                                       UniProtKB accessions): ``{"jobId"}``; 400 naming the
                                       entries without a sequence when fewer than 2 have one;
                                       503 when Clustal Omega is not installed
``GET /align/status/{jobId}``          ``{"jobStatus"}``; 303 to the results once FINISHED;
                                       400 with ``errors`` once in ERROR
``GET /align/results/{jobId}``         ``format=json`` (aligned sequences, identity per
                                       column, conservation, guide tree in Newick, the
                                       entries without a sequence), ``clustal`` or ``fasta``;
                                       ``download=true`` adds a file name
``GET /id-mapping/align/{jobId}``      the page: the alignment coloured by residue class, the
                                       identity of each column, the guide tree, downloads
=====================================  ========================================================
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from idmapping.align import ALIGN_FORMATS, Alignment, residue_class
from idmapping.errors import InvalidRequest, NotFound
from idmapping.model import JobStatus
from idmapping.web.context import context
from idmapping.web.http import get_and_head, json_response, public_base, read_fields
from idmapping.web.pages import render

__all__ = ["router", "BLOCK"]

router = APIRouter()

BLOCK = 60
"""Columns of the alignment shown in one block of the page."""

_MEDIA = {"json": "application/json", "clustal": "text/plain; charset=utf-8",
          "fasta": "text/plain; charset=utf-8"}
_EXTENSION = {"json": "json", "clustal": "aln", "fasta": "fasta"}

_RUN_BODY = {
    "requestBody": {
        "content": {
            media: {"schema": {"type": "object", "required": ["ids"], "properties": {
                "ids": {"type": "string", "description": "Comma-separated UniProtKB accessions "
                        "(isoforms too), 2 to max_align_sequences"}}}}
            for media in ("application/x-www-form-urlencoded", "multipart/form-data")
        },
    },
}


@router.post("/align/run", openapi_extra=_RUN_BODY)
async def align_run(request: Request) -> Response:
    """Submit an alignment of the entries' sequences with Clustal Omega."""
    ctx = context(request)
    params = await read_fields(request, ctx.settings.max_body_bytes)
    job = await run_in_threadpool(ctx.jobs.submit_alignment, params.get("ids"))
    return json_response({"jobId": job.id})


@get_and_head(router, "/align/status/{job_id}")
def align_status(request: Request, job_id: str) -> Response:
    """An alignment's state; 303 to its results once FINISHED, 400 once in ERROR."""
    job, _ = context(request).jobs.alignment(job_id, read=False)
    body: dict[str, Any] = {"jobStatus": job.status.value}
    if job.status == JobStatus.FINISHED:
        root = request.scope.get("root_path", "")
        location = f"{public_base(request)}{root}/align/results/{job.id}"
        return json_response(body, 303, {"Location": location})
    if job.status == JobStatus.ERROR:
        body["errors"] = job.errors
        return json_response(body, 400)
    return json_response(body)


@get_and_head(router, "/align/results/{job_id}")
def align_results(
    request: Request,
    job_id: str,
    format: str | None = Query(None, description="json (default), clustal or fasta"),
    download: str | None = Query(None, description="true: add a Content-Disposition header"),
) -> Response:
    """A finished alignment: JSON, Clustal or FASTA."""
    fmt = (format or "json").strip().lower()
    if fmt not in ALIGN_FORMATS:
        raise InvalidRequest(f"Invalid format '{format}': the alignment is served as "
                             f"{', '.join(ALIGN_FORMATS)}")
    job, alignment = context(request).jobs.alignment(job_id)
    if alignment is None:
        raise NotFound()
    if fmt == "json":
        body = json_response({"jobId": job.id, **alignment.to_json()}).body
    else:
        body = (alignment.clustal() if fmt == "clustal" else alignment.fasta()).encode()
    headers = {}
    if (download or "").strip().lower() == "true":
        headers["Content-Disposition"] = (
            f'attachment; filename="{job.id}_alignment.{_EXTENSION[fmt]}"')
    return Response(body, media_type=_MEDIA[fmt], headers=headers)


# ---------------------------------------------------------------------------------------------
# The page


def _blocks(alignment: Alignment, width: int = BLOCK) -> list[dict[str, Any]]:
    """The alignment cut in blocks of *width* columns, each residue with its colour class,
    each column with its identity (tenths, for its shade) and conservation mark."""
    identity = alignment.identity()
    blocks = []
    for start in range(0, alignment.length, width):
        stop = min(start + width, alignment.length)
        rows = [(name, [(c, residue_class(c)) for c in row[start:stop]])
                for name, row in zip(alignment.names, alignment.rows, strict=True)]
        columns = [(identity[n], int(identity[n] * 10)) for n in range(start, stop)]
        blocks.append({"start": start + 1, "stop": stop, "rows": rows, "identity": columns,
                       "conservation": alignment.conservation[start:stop]})
    return blocks


@get_and_head(router, "/id-mapping/align/{job_id}", schema=False)
def align_page(request: Request, job_id: str) -> Response:
    """An alignment's page: its status while it runs, then the alignment."""
    ctx = context(request)
    try:
        job, alignment = ctx.jobs.alignment(job_id)
    except NotFound:
        return render(request, "missing.html", 404, job_id=job_id,
                      ttl_days=ctx.settings.job_ttl_days)
    values: dict[str, Any] = {
        "job": job,
        "ids": job.ids.split(",") if job.ids else [],
        "running": job.status in (JobStatus.NEW, JobStatus.RUNNING),
        "alignment": alignment,
        "blocks": _blocks(alignment) if alignment else [],
        "tree": alignment.tree_drawing() if alignment else "",
    }
    return render(request, "align.html", **values)
