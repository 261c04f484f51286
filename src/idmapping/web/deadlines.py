"""Deadlines for reading a request: what uvicorn lacks against slow clients.

uvicorn closes a connection left idle between requests (``timeout_keep_alive``), but has no
deadline for reading a request: its keep-alive timer is cancelled by every byte received, and
nothing is armed before the first request. A client sending a byte every few seconds (a
"slow loris") held a connection, and its task, for ever: 50 such connections were never closed.
ASGI middleware cannot help, since the app is called only once the headers are complete.

:class:`DeadlineProtocol` is uvicorn's HTTP protocol (httptools) with three deadlines:

* **headers**: the request line and headers must be complete within ``header_timeout_seconds``
  of connecting (or of the first byte of a next request on a kept-alive connection), and be at
  most :data:`MAX_HEADER_BYTES` (give or take one read); otherwise the server answers ``408``
  (or ``431``) and closes;
* **body**: a request body must arrive within ``body_timeout_seconds`` of the headers, plus one
  second for every ``body_min_bytes_per_second`` bytes received (a large upload at a fair rate
  is never cut; a trickle is), or the connection is closed;
* while the server itself is not reading (the app has not taken the body so far), or is still
  answering an earlier request of the connection, the clock waits: a deadline only ever
  measures the client.

It also sends each response's head and body in one write, not two
(:class:`~idmapping.web.writes.JoinedWrites`, given to each request's cycle).

The protocol class is module-level (uvicorn's worker processes import it by name), so its
deadlines are set per process by :func:`configure` (``idmapping serve`` and each of its
workers call it with their settings).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from idmapping.settings import Settings
from idmapping.web.writes import JoinedWrites

__all__ = ["DeadlineProtocol", "configure", "MAX_HEADER_BYTES"]

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 64 * 1024
"""The largest request line and headers accepted, in bytes (httptools sets no limit)."""

_HEADERS, _BODY = "headers", "body"


def configure(settings: Settings) -> None:
    """Give this process's :class:`DeadlineProtocol` the deadlines of *settings*."""
    DeadlineProtocol.header_timeout = settings.header_timeout_seconds
    DeadlineProtocol.body_timeout = settings.body_timeout_seconds
    DeadlineProtocol.body_rate = settings.body_min_bytes_per_second


def _answer(status: bytes, text: bytes) -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n"
            + text)


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines for reading a request, and each response
    written at once (see the module)."""

    header_timeout = Settings.header_timeout_seconds
    body_timeout = Settings.body_timeout_seconds
    body_rate = Settings.body_min_bytes_per_second

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._phase: str | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._begun = False  # a byte of the request being read has arrived
        self._since = 0.0  # when the phase began
        self._received = 0  # bytes received in the phase (of the body, in the body's)

    # -- the phases -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._enter(_HEADERS)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._enter(None)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._phase == _HEADERS:
            self._received += len(data)  # the headers' bytes (and any body after them)
        try:
            super().data_received(data)
        finally:
            self._arm()
        if self._phase == _HEADERS and self._received > MAX_HEADER_BYTES \
                and not self.transport.is_closing():
            log.info("%s: request headers over %d bytes: answered 431", self._who(),
                     MAX_HEADER_BYTES)
            self._close(_answer(b"431 Request Header Fields Too Large",
                                b"Request header fields too large"))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._begun = True
        if self._phase != _HEADERS:  # a next request on a kept-alive connection
            self._enter(_HEADERS)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._enter(_BODY)
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:  # a new request's cycle:
            # its writes (head, then body) go through JoinedWrites, which sends them as one
            joined = JoinedWrites(self.transport, self.loop, cycle.on_response)
            cycle.transport = joined  # type: ignore[assignment]
            cycle.on_response = joined.responded

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._received += len(body)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._begun = False
        self._enter(None)

    # -- the clock ------------------------------------------------------------------------

    def _enter(self, phase: str | None) -> None:
        """Begin *phase* (None: no request is being read); its deadline is armed by
        :meth:`_arm`."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = phase
        self._since = self.loop.time()
        self._received = 0

    def _arm(self) -> None:
        """Arm the deadline of the phase the connection is in, if it has none armed.

        Called once the bytes received are read, rather than as each phase begins: a request
        whose bytes came at once goes through all its phases while they are read, and armed
        and cancelled two timers for nothing (issue 18). The deadline is the same, counted
        from when the phase began."""
        if self._phase is not None and self._timer is None:
            self._timer = self.loop.call_later(max(self._deadline() - self.loop.time(), 0.0),
                                               self._expired)

    def _deadline(self) -> float:
        if self._phase == _BODY:
            return self._since + self.body_timeout + self._received / self.body_rate
        return self._since + self.header_timeout

    def _expired(self) -> None:
        self._timer = None
        if self._phase is None or self.transport.is_closing():
            return
        now = self.loop.time()
        waiting_on_us = self.flow.read_paused or (
            self._phase == _HEADERS and self.cycle is not None
            and not self.cycle.response_complete)
        if waiting_on_us:  # not reading, or still answering: the client is not late
            self._since = now
            self._timer = self.loop.call_later(self.header_timeout, self._expired)
            return
        deadline = self._deadline()
        if now < deadline:  # the body is arriving at a fair rate: more time
            self._timer = self.loop.call_later(deadline - now, self._expired)
            return
        if self._phase == _HEADERS:
            log.info("%s: request headers not complete in %g s: closed", self._who(),
                     self.header_timeout)
            self._close(_answer(b"408 Request Timeout", b"Request timeout")
                        if self._begun else b"")
        else:
            log.info("%s: request body not complete in time (%d bytes in %.0f s): closed",
                     self._who(), self._received, now - self._since)
            self._close(b"")

    def _close(self, answer: bytes) -> None:
        self._enter(None)
        if answer:
            self.transport.write(answer)
        self.transport.close()

    def _who(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
