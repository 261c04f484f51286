"""Form bodies as ``/idmapping/run`` reads them (issue 18): the escaped commas between ids are
written as plain commas before the form parser sees them, so that a million escapes are not
unescaped one by one. The fields must be exactly what the parser gives the body as sent,
wherever the body's chunks end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from starlette.datastructures import Headers
from starlette.formparsers import FormParser
from starlette.requests import Request

from idmapping.web.http import read_fields
from reliability import on_own_thread

FORM = "application/x-www-form-urlencoded"

BODIES = [
    urlencode({"ids": "P04637,P02340,q9dem0", "from": "UniProtKB_AC-ID", "to": "UniProtKB"}),
    "ids=P04637%2cP02340%2C%2CQ9 X&from=A+B&to=C%2BD",
    "ids=%252C,%2C%2C%2&x=%%2C%2",  # an escaped percent, stray ones, and a cut-off escape
    urlencode({"ids": "Ünï,cöde,%2C", "taxId": "9606"}) + "&ids=P1%2CP2",
    "ids=" + "%2C".join(f"P{n:05d}" for n in range(300)),
]


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _request(body: bytes, size: int) -> Request:
    parts = [body[start:start + size] for start in range(0, len(body), size)] or [b""]

    async def receive() -> dict[str, object]:
        chunk = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    scope = {"type": "http", "method": "POST", "path": "/idmapping/run", "query_string": b"",
             "headers": [(b"content-type", FORM.encode()),
                         (b"content-length", str(len(body)).encode())]}
    return Request(scope, receive)


async def _as_parsed(body: bytes, size: int) -> dict[str, str]:
    """The fields as Starlette's form parser reads the body untouched (repeats joined)."""
    form = await FormParser(Headers({"content-type": FORM}), _chunks(body, size),
                            max_part_size=1 << 20).parse()
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        assert isinstance(value, str)
        fields.setdefault(name, []).append(value)
    return {name: ",".join(values) for name, values in fields.items()}


@pytest.mark.parametrize("body", BODIES)
def test_escaped_commas_read_as_the_parser_reads_them(body: str) -> None:
    data = body.encode()
    for size in (1, 2, 3, 4, 5, 7, 64, len(data)):
        expected = on_own_thread(lambda n=size: asyncio.run(_as_parsed(data, n)))
        fields = on_own_thread(
            lambda n=size: asyncio.run(read_fields(_request(data, n), 1 << 20)))
        assert fields == expected, size
    assert "," in expected.get("ids", "") or "%2C" not in body
