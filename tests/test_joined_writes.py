"""A response's head and body go to the socket in one write (issue 18): the same bytes, in the
same order, whatever the response does after its head."""

from __future__ import annotations

import asyncio
from typing import Any

from idmapping.web.writes import JOINED_BYTES, JoinedWrites
from reliability import on_own_thread


class Transport:
    """What a transport was asked to do, in order."""

    def __init__(self) -> None:
        self.calls: list[Any] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        assert not self.closing, "written after close"
        self.calls.append(bytes(data))

    def close(self) -> None:
        self.calls.append("close")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def _joined(loop: asyncio.AbstractEventLoop) -> tuple[JoinedWrites, Transport, list[str]]:
    transport = Transport()
    done: list[str] = []
    joined = JoinedWrites(transport, loop, lambda: done.append("responded"))  # type: ignore[arg-type]
    return joined, transport, done


def test_the_head_goes_with_the_body() -> None:
    async def main() -> None:
        joined, transport, done = _joined(asyncio.get_running_loop())
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        assert transport.calls == []
        joined.write(b"body")
        joined.responded()
        assert transport.calls == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        assert done == ["responded"]
        await asyncio.sleep(0)  # the turn that would have sent a head left alone
        assert transport.calls == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    on_own_thread(lambda: asyncio.run(main()))


def test_a_large_body_follows_the_head_in_its_own_write() -> None:
    async def main() -> None:
        joined, transport, _ = _joined(asyncio.get_running_loop())
        body = b"x" * (JOINED_BYTES + 1)
        joined.write(b"head")
        joined.write(body)
        joined.write(b"more")  # a stream's next chunk goes as it comes
        assert transport.calls == [b"head", body, b"more"]
    on_own_thread(lambda: asyncio.run(main()))


def test_a_head_alone_goes_on_the_loops_next_turn_or_when_the_response_ends() -> None:
    async def main() -> None:
        joined, transport, _ = _joined(asyncio.get_running_loop())
        joined.write(b"head")  # a stream whose first chunk is being made
        await asyncio.sleep(0)
        assert transport.calls == [b"head"]
        joined.write(b"chunk")
        assert transport.calls == [b"head", b"chunk"]

        joined, transport, done = _joined(asyncio.get_running_loop())
        joined.write(b"HEAD's head")  # a HEAD: no body is written
        joined.responded()
        assert (transport.calls, done) == ([b"HEAD's head"], ["responded"])
    on_own_thread(lambda: asyncio.run(main()))


def test_close_sends_what_is_held_first_and_nothing_is_written_after_it() -> None:
    async def main() -> None:
        joined, transport, _ = _joined(asyncio.get_running_loop())
        joined.write(b"head")
        joined.close()
        assert transport.calls == [b"head", "close"]
        assert joined.is_closing()

        joined, transport, _ = _joined(asyncio.get_running_loop())
        joined.write(b"head")
        transport.close()  # by the protocol (a deadline), or the client went
        await asyncio.sleep(0)
        assert transport.calls == ["close"]
        assert joined.get_extra_info("peername") == "info peername"
    on_own_thread(lambda: asyncio.run(main()))
