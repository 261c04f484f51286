"""Results as HTTP responses: the thin layer between the routes and :mod:`idmapping.results`.

The routes read a request into plain values (:func:`output` negotiates the format from the
``format`` parameter and the ``Accept`` header), the library reads the results
(:class:`~idmapping.results.view.ResultView`), and this module puts them into responses:
``X-Total-Results`` and ``Link`` on a page, ``Content-Disposition`` on a download, the job's
release in ``X-UniProt-Release``, and a streamed body for ``/stream``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from idmapping.model import Job
from idmapping.results.media import attachment, negotiate
from idmapping.results.options import Output, PageRequest, results_path
from idmapping.results.paging import next_link
from idmapping.results.view import ResultView
from idmapping.settings import Settings
from idmapping.web.http import idmapping_base, public_url

__all__ = ["output", "results_url", "release_header", "page_response", "stream_response"]


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
    chosen = negotiate(fmt, request.headers.get("accept"), allowed,
                       request.headers.get("user-agent"))
    request.state.format = chosen
    return Output.read(chosen, compressed, download)


def results_url(request: Request, job: Job, settings: Settings) -> str:
    """The absolute results URL of a finished job, on the host the client called."""
    return idmapping_base(request) + results_path(job, settings)


def release_header(job: Job) -> dict[str, str]:
    """``X-UniProt-Release`` of a job's pages: the release it was mapped against."""
    return {"X-UniProt-Release": job.release} if job.release else {}


def _headers(view: ResultView) -> dict[str, str]:
    return {"content-type": view.media_type, **release_header(view.job)}


def page_response(request: Request, view: ResultView, paging: PageRequest) -> Response:
    """One page of results with ``X-Total-Results`` and, unless it is the last, ``Link``."""
    page = view.page(paging.offset, paging.size)
    headers = _headers(view)
    headers["X-Total-Results"] = str(page.total)
    if page.next_offset is not None:
        headers["Link"] = next_link(public_url(request), page.next_offset, paging.size)
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    return Response(page.body(), headers=headers)


def stream_response(request: Request, view: ResultView) -> Response:
    """All results, streamed in batches (see :meth:`ResultView.stream`)."""
    headers = _headers(view)
    if view.out.download:
        headers["Content-Disposition"] = attachment(view.file_name(dt.date.today()))
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    return StreamingResponse(view.stream(), headers=headers)
