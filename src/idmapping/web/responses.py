"""Results as HTTP responses: the thin layer between the routes and :mod:`idmapping.results`.

The routes read a request into plain values (:func:`output` negotiates the format from the
``format`` parameter and the ``Accept`` header), the library reads the results
(:class:`~idmapping.results.view.ResultView`), and this module puts them into responses:
``X-Total-Results`` and ``Link`` on a page, ``Content-Disposition`` on a download, the job's
release in ``X-UniProt-Release``, and a streamed body for ``/stream`` that stops being made
when the client goes (:class:`ProducedStream`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from idmapping.errors import Stopped
from idmapping.model import Job
from idmapping.results.media import attachment, negotiate
from idmapping.results.options import Output, PageRequest, results_path
from idmapping.results.paging import next_link
from idmapping.results.view import ResultView
from idmapping.settings import Settings
from idmapping.web.compression import mark_gzip_body
from idmapping.web.http import idmapping_base, public_url

__all__ = ["output", "results_url", "release_header", "head_response", "page_response",
           "stream_response", "ProducedStream"]


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
    out = Output.read(chosen, compressed, download)
    if out.compressed:  # a gzip file: sent as it is, not compressed again on the way out
        mark_gzip_body(request)
    return out


def results_url(request: Request, job: Job, settings: Settings) -> str:
    """The absolute results URL of a finished job, on the host the client called."""
    return idmapping_base(request) + results_path(job, settings)


def release_header(job: Job) -> dict[str, str]:
    """``X-UniProt-Release`` of a job's pages: the release it was mapped against."""
    return {"X-UniProt-Release": job.release} if job.release else {}


def _headers(view: ResultView) -> dict[str, str]:
    return {"content-type": view.media_type, **release_header(view.job)}


def head_response(headers: Mapping[str, str], media_type: str | None = None) -> Response:
    """The answer to a HEAD: the GET's headers and no body. The body is not made, so its
    length is left out (a HEAD may omit it) rather than given as 0."""
    response = Response(b"", headers=headers, media_type=media_type)
    del response.headers["content-length"]
    return response


def page_response(request: Request, view: ResultView, paging: PageRequest) -> Response:
    """One page of results with ``X-Total-Results`` and, unless it is the last, ``Link``."""
    page = view.page(paging.offset, paging.size)
    headers = _headers(view)
    headers["X-Total-Results"] = str(page.total)
    if page.next_offset is not None:
        headers["Link"] = next_link(public_url(request), page.next_offset, paging.size)
    if request.method == "HEAD":
        return head_response(headers)
    return Response(page.body(), headers=headers)


def stream_response(request: Request, view: ResultView) -> Response:
    """All results, streamed in batches (see :meth:`ResultView.stream`) until the client
    goes.

    The request is checked here, on the route's thread: a bad one is refused before any row
    is made.
    """
    headers = _headers(view)
    if view.out.download:
        headers["Content-Disposition"] = attachment(view.file_name(dt.date.today()))
    if request.method == "HEAD":
        return head_response(headers)
    stop = threading.Event()
    return ProducedStream(view.stream(stopped=stop.is_set), stop, headers)


class ProducedStream(Response):
    """A streamed body whose chunks a blocking iterator makes on worker threads, made no
    further once the client disconnects.

    Starlette's ``StreamingResponse`` cancels a stream whose client has gone only between two
    chunks, after the chunk being made is finished; an xlsx file is one chunk made of every
    row, so its work went on to the end (issue 14, row 4: six dropped requests cost 241 CPU-s
    and 2.1 GB of temporary files). Here a watcher sets *stop* the moment the client
    disconnects; the producer (:meth:`ResultView.stream`) asks it before each batch and each
    entry row and raises :class:`~idmapping.errors.Stopped`, and the iterator is closed on a
    worker thread, which removes its temporary files at once.

    The status line and headers go with the first chunk, so that a failure before it (an
    xlsx file over ``max_xlsx_bytes`` while it is built) is still an error response.

    :param chunks: the body; its steps block (they read the store), so each runs on a worker
        thread. Closed at the end, whatever the end.
    :param stop: set once the client has gone; *chunks* should check it.
    """

    def __init__(self, chunks: Iterator[bytes], stop: threading.Event,
                 headers: Mapping[str, str]) -> None:
        self.chunks = chunks
        self.stop = stop
        self.status_code = 200
        self.background = None
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        failure: Exception | None = None
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._watch, receive, group.cancel_scope)
                try:
                    await self._send_chunks(send)
                except Stopped:
                    pass
                except Exception as exc:  # raised below, outside the group that would wrap it
                    failure = exc
                group.cancel_scope.cancel()
        finally:
            self.stop.set()
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._close)
        if failure is not None:
            raise failure

    async def _watch(self, receive: Receive, scope: anyio.CancelScope) -> None:
        """Wait for the client to disconnect; then stop the producer and the sending."""
        try:
            while (await receive())["type"] != "http.disconnect":
                pass
        finally:  # the client went, or the response is cancelled: no more rows either way
            self.stop.set()
        scope.cancel()

    async def _send_chunks(self, send: Send) -> None:
        started = False
        while (chunk := await anyio.to_thread.run_sync(_next_chunk, self.chunks)) is not None:
            if self.stop.is_set():  # the client went while the chunk was made
                return
            if not started:
                await send({"type": "http.response.start", "status": self.status_code,
                            "headers": self.raw_headers})
                started = True
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if not started:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    """The next chunk, or None at the end (StopIteration cannot cross a thread's future)."""
    return next(chunks, None)
