"""The URLs a request's answers name (``Link``, ``Location``, ``redirectURL``, errors' ``url``):
read from the scope directly when that gives what Starlette's ``URL`` gives (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from idmapping.web.http import parsed_base, public_base, public_url


def starlette_url(request: Request, query: bool) -> str:
    url = parsed_base(request) + request.url.path
    if query and request.url.query:
        url += "?" + request.url.query
    return url


def _scope(scheme: str, hosts: list[bytes], path: str, query: bytes,
           server: tuple[str, int] | None) -> dict[str, Any]:
    return {"type": "http", "scheme": scheme, "method": "GET", "root_path": "", "path": path,
            "query_string": query, "headers": [(b"host", h) for h in hosts] + [(b"a", b"b")],
            "server": server}


# the characters that Starlette escapes, URL parsing drops or stops at, and everything else
CHARS = list("az09AZ_.~-=&?#/:;@[]%+!$'() *,\t\r\n\"<>\\é\x00\x7f")
HOSTS = st.sampled_from([b"127.0.0.1:8000", b"localhost", b"Example.ORG:443", b"h:00080",
                         b"h:65535", b"h:65536", b"h:99999", b"h:", b"[::1]:8000", b"[::1",
                         b"a_b", b"a@b", b"h#x", b"h/x", b"h?x", b"", b"-h", b"h.", b"\xe9",
                         b"a" * 253, b"a" * 254, b"h:123456", b" h", b"h "])


@given(scheme=st.sampled_from(["http", "https", "HTTP", "ws"]),
       hosts=st.lists(HOSTS, max_size=2),
       path=st.sampled_from(["/idmapping/results/abc", "/", "", "//x", "/a?b", "/a#b"])
       | st.text(st.sampled_from(CHARS), max_size=20).map(lambda text: "/" + text),
       query=st.sampled_from([b"", b"size=25&cursor=3v5g94y9lqs", b"a=%20b+c", b"a#b", b"\xe9"])
       | st.text(st.sampled_from(CHARS), max_size=20).map(lambda text: text.encode()),
       server=st.sampled_from([("127.0.0.1", 8000), ("::1", 80), None]))
def test_public_url_is_starlettes(scheme: str, hosts: list[bytes], path: str, query: bytes,
                                  server: tuple[str, int] | None) -> None:
    scope = _scope(scheme, hosts, path, query, server)
    try:
        expected = [parsed_base(Request(scope)), starlette_url(Request(scope), True),
                    starlette_url(Request(scope), False)]
    except (ValueError, KeyError) as exc:  # Starlette cannot make a URL of it: nor can we
        with pytest.raises(type(exc)):
            public_url(Request(scope))
        return
    assert [public_base(Request(scope)), public_url(Request(scope)),
            public_url(Request(scope), query=False)] == expected


def test_plain_url_is_read_from_the_scope() -> None:
    scope = _scope("http", [b"127.0.0.1:8000"], "/idmapping/results/abc",
                   b"size=25&cursor=3v5g94y9lqs", ("127.0.0.1", 8000))
    request = Request(scope)
    assert public_url(request) == \
        "http://127.0.0.1:8000/idmapping/results/abc?size=25&cursor=3v5g94y9lqs"
    assert "_url" not in request.__dict__  # Starlette's URL was not made
