"""A response's head and body sent to the socket in one write, not two.

uvicorn writes a response's status line and headers to the transport when the app sends
``http.response.start``, and its body when the app sends ``http.response.body``: two writes,
so two ``send`` system calls and two TCP segments for every small response. On the loopback,
under wrk, those writes were 30% of the server's time for a page of results (py-spy: uvicorn's
``RequestResponseCycle.send``, whose own time is the transport's write; issue 18).

:class:`JoinedWrites` stands between one request's cycle and the connection's transport: it
holds the head back and sends it with the body that follows, in one write. The bytes on the
wire are the same, in the same order; only how they are cut into writes differs. What is held
is sent at the latest

* with the cycle's next write (joined with it if that one is small; else first, on its own),
* when the response is complete (uvicorn's ``on_response``: a HEAD, whose body is never
  written), before anything else happens on the connection,
* when the cycle closes the connection,
* on the event loop's next turn (a streamed body whose first chunk is still being made).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

__all__ = ["JoinedWrites", "JOINED_BYTES"]

JOINED_BYTES = 64 * 1024
"""The largest write that is joined to the head held before it (larger ones are sent after
the head, as they were: copying a large body to save one system call is no saving)."""


class JoinedWrites:
    """The transport of one request's response, as uvicorn's ``RequestResponseCycle`` uses it
    (``write``, ``close``, ``is_closing``), with the first write held until the next one.

    :param transport: the connection's transport.
    :param loop: the event loop, to send what is held on its next turn at the latest.
    :param on_response: uvicorn's callback for a complete response; called after what is
        held is sent.
    """

    __slots__ = ("_transport", "_loop", "_on_response", "_held", "_scheduled")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop,
                 on_response: Callable[[], None]) -> None:
        self._transport = transport
        self._loop = loop
        self._on_response = on_response
        self._held: bytes | None = None
        self._scheduled = False

    def write(self, data: bytes) -> None:
        """Hold *data* if it is the response's first write; else send it, after (and if small,
        with) what is held."""
        held = self._held
        if held is None:
            if self._scheduled:  # the head went already: the rest is sent as it comes
                self._transport.write(data)
                return
            self._held = data
            self._scheduled = True
            self._loop.call_soon(self.flush)
            return
        self._held = None
        if len(data) <= JOINED_BYTES:
            self._transport.write(held + data)
        else:
            self._transport.write(held)
            self._transport.write(data)

    def flush(self) -> None:
        """Send what is held, if anything (nothing once the connection is closing)."""
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def responded(self) -> None:
        """uvicorn's ``on_response`` of the cycle: what is held goes first."""
        self.flush()
        self._on_response()

    def __getattr__(self, name: str) -> Any:  # anything else a cycle may ask of a transport
        return getattr(self._transport, name)
