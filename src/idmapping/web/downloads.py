"""UniProt's asynchronous downloads of ID mapping results (``async-download-rest``'s
``IdMappingDownloadController``): submit with ``POST /idmapping/download/run``, poll
``/idmapping/download/status/{id}``, read ``/idmapping/download/details/{id}`` (its
``redirectURL``) and fetch the file at ``/idmapping/download/results/{id}``. Each route is a
few lines over :class:`~idmapping.jobs.downloads.DownloadService`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from idmapping.model import DownloadJob, JobStatus
from idmapping.results.media import FORMAT_BY_MEDIA_TYPE, attachment, download_name
from idmapping.results.options import parse_bool
from idmapping.web.compression import mark_gzip_body
from idmapping.web.context import context
from idmapping.web.http import get_and_head, idmapping_base, json_response, read_fields

__all__ = ["router"]

router = APIRouter()

_RUN_BODY = {
    "requestBody": {
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["jobId", "format"],
                    "properties": {
                        "jobId": {"type": "string", "description": "Unique identifier for "
                                  "ID Mapping job (a FINISHED one)"},
                        "format": {"type": "string", "example": "json",
                                   "description": "The file format for download: an extension "
                                   "(json, tsv, fasta...) or UniProt's media type"},
                        "fields": {"type": "string", "description": "List of entry sections "
                                   "(fields) to be returned, separated by commas."},
                        "force": {"type": "string", "description": "true: run a download "
                                  "that ended in ERROR again"},
                        "compressed": {"type": "string", "description": "false: a plain "
                                       "file (ours; UniProt's files are always gzip)"},
                    },
                }
            }
            for media in ("application/x-www-form-urlencoded", "multipart/form-data")
        },
    },
}


DOWNLOAD_ID = Path(description="Unique identifier for the download job, the jobId that "
                  "/idmapping/download/run returned")


def _time(seconds: float) -> str:
    """A time as UniProt's job responses write it (``yyyy-MM-dd'T'HH:mm:ss``, local)."""
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%dT%H:%M:%S")


@router.post("/idmapping/download/run", openapi_extra=_RUN_BODY)
async def run(request: Request) -> Response:
    """Submit a download of a finished job's results: ``jobId``, ``format``, ``fields``."""
    ctx = context(request)
    params = await read_fields(request, ctx.settings.max_body_bytes)
    force = parse_bool("force", params.get("force"))
    compressed = parse_bool("compressed", params.get("compressed"), default=True)
    done = await run_in_threadpool(ctx.downloads.submit, params.get("jobId"),
                                   params.get("format"), params.get("fields"), force,
                                   compressed)
    body = {"jobId": done.id}
    if done.message:
        body["message"] = done.message
    return json_response(body)


@get_and_head(router, "/idmapping/download/status/{download_id}")
def status(request: Request, download_id: str = DOWNLOAD_ID) -> Response:
    """The download's state: 200 while NEW, RUNNING or FINISHED; 500 with its error on
    ERROR (UniProt's status does not redirect)."""
    download = context(request).downloads.get(download_id)
    body: dict[str, Any] = {"jobStatus": download.status.value}
    code = 200
    if download.status == JobStatus.ERROR:
        body["errors"] = [{"code": 50, "message": download.error}]
        code = 500
    body.update(start=_time(download.created), totalEntries=download.total,
                processedEntries=download.processed, lastUpdated=_time(download.updated))
    return json_response(body, code)


@get_and_head(router, "/idmapping/download/details/{download_id}")
def details(request: Request, download_id: str = DOWNLOAD_ID) -> Response:
    """The download's request, and where its file is once FINISHED."""
    download = context(request).downloads.get(download_id)
    body: dict[str, Any] = {}
    if download.status == JobStatus.FINISHED:
        body["redirectURL"] = f"{idmapping_base(request)}/download/results/{download.id}"
    elif download.status == JobStatus.ERROR:
        body["errors"] = [{"code": 50, "message": download.error}]
    if download.fields:
        body["fields"] = download.fields
    body["format"] = download.format
    return json_response(body)


@get_and_head(router, "/idmapping/download/results/{download_id}")
def results(request: Request, download_id: str = DOWNLOAD_ID) -> Response:
    """The file of a FINISHED download: gzip bytes (unless ``compressed=false``) with the
    format's media type and no ``Content-Encoding``, as UniProt's compressed results."""
    download, path = context(request).downloads.file(download_id.removesuffix(".gz"))
    if download.compressed:
        mark_gzip_body(request)
    headers = {"Content-Disposition": attachment(_file_name(download))}
    return FileResponse(path, media_type=download.format, headers=headers)


def _file_name(download: DownloadJob) -> str:
    extension = FORMAT_BY_MEDIA_TYPE[download.format]
    return download_name(download.id, extension, download.compressed,
                         dt.date.fromtimestamp(download.updated))
