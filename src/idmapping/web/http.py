"""HTTP plumbing shared by the API routes: URLs, parameters, bodies, error bodies, headers.

Nothing here knows about mapping; it turns requests into plain values and library errors
into UniProt's responses:

* URLs as the client sees them (through a trusted proxy: :mod:`idmapping.web.proxies`), for
  ``Location``, ``redirectURL``, ``Link`` and the ``url`` of error bodies;
* GET routes that answer HEAD too (:func:`get_and_head`);
* request bodies read with a size limit (``max_body_bytes``), as form fields;
* the one error shape, ``{"url": ..., "messages": [...]}`` (or ``Error messages\\n...`` as text
  when a text format was asked for);
* three small ASGI middlewares: trailing slashes, the headers UniProt puts on every response,
  and the ``/releases/{name}`` prefix that pins a release (:class:`ReleasePrefix`).
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Mapping,
)
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idmapping.errors import InvalidRequest, PayloadTooLarge
from idmapping.results.formats import MEDIA_TYPE_BY_FORMAT
from idmapping.web.proxies import valid_host

__all__ = [
    "PayloadTooLarge",
    "get_and_head",
    "RequestRoute",
    "public_base",
    "public_url",
    "idmapping_base",
    "read_fields",
    "json_response",
    "error_response",
    "CommonHeaders",
    "StripTrailingSlash",
    "ReleasePrefix",
    "pinned_release",
    "app_root",
    "submitted_release",
    "TEXT_FORMATS",
]

log = logging.getLogger(__name__)

TEXT_FORMATS = frozenset({"tsv", "list", "fasta", "txt", "gff"})
"""Formats whose error bodies are UniProt's plain text ``Error messages`` form."""

EXPOSED_HEADERS = (
    "Link, X-Total-Results, X-UniProt-Release, X-UniProt-Release-Date, X-API-Deployment-Date"
)
VARY = "Accept, Accept-Encoding, X-UniProt-Release, X-API-Deployment-Date, User-Agent"
"""UniProt's ``Vary`` as rest.uniprot.org sends it: a browser's User-Agent gets JSON too."""


# ---------------------------------------------------------------------------------------------
# URLs


# A request whose URL Starlette's ``URL`` gives as it came (issue 18: 8 µs of a page of
# results' time to build that URL from the scope and split it again): a ``Host`` of a host
# name or IPv4 address and a port, and a path and query of printable ASCII without spaces and
# without the characters that ``URL`` escapes in a path ("?", "#", "\\") or that would end a
# query ("#"). Any other request's URL is read through ``request.url``.
_PLAIN_HOST = re.compile(rb"[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?::([0-9]{1,5}))?")
_PLAIN_PATH = re.compile(r"/[\x21\x22\x24-\x3e\x40-\x5b\x5d-\x7e]*")
_PLAIN_QUERY = re.compile(rb"[\x21\x22\x24-\x7e]*")


def _plain_url(scope: Scope) -> tuple[str, str, str] | None:
    """``scheme://host``, the path and the query of a request with a plain URL (above), as
    ``request.url`` and :func:`public_base` would give them; None for any other request."""
    scheme = scope.get("scheme", "http")
    if scheme != "http" and scheme != "https":
        return None
    for name, value in scope["headers"]:
        if name == b"host":  # the first one, as Starlette reads it
            host = _PLAIN_HOST.fullmatch(value)
            break
    else:
        return None
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    if host is None or (host[1] and int(host[1]) > 65535) \
            or not _PLAIN_PATH.fullmatch(path) or not _PLAIN_QUERY.fullmatch(query):
        return None
    return f"{scheme}://{host[0].decode()}", path, query.decode()


def public_base(request: Request) -> str:
    """``scheme://host`` as the client called it: the request's own, which
    :class:`~idmapping.web.proxies.TrustedProxies` has set from a trusted proxy's
    ``X-Forwarded-Proto`` and ``X-Forwarded-Host``.

    Unlike UniProt, ``http`` is not turned into ``https``: a local server is often plain http.
    A ``Host`` that is not a plain host name or address is replaced by the server's address,
    so that no header can inject text into the URLs this server writes.
    """
    plain = _plain_url(request.scope)
    if plain is not None:
        return plain[0]
    return parsed_base(request)


def parsed_base(request: Request) -> str:
    """:func:`public_base` read through Starlette's ``request.url``: right for any request,
    where the quick way from the scope (:func:`_plain_url`) takes only plain ones."""
    host = request.url.netloc
    if not valid_host(host):
        server = request.scope.get("server")
        if server and server[1] is not None:
            address = f"[{server[0]}]" if ":" in server[0] else server[0]
            host = f"{address}:{server[1]}"
        else:
            host = "localhost"
    return f"{request.url.scheme}://{host}"


def public_url(request: Request, query: bool = True) -> str:
    """The request's absolute URL as the client called it, with its query string or not."""
    plain = _plain_url(request.scope)
    if plain is not None:
        base, path, text = plain
    else:
        base, path, text = parsed_base(request), request.url.path, request.url.query
    if query and text:
        return f"{base}{path}?{text}"
    return base + path


def idmapping_base(request: Request) -> str:
    """The absolute URL up to and including ``/idmapping`` (§2.4), e.g. for redirects."""
    path = request.url.path
    cut = path.find("/idmapping/")
    root = path[:cut] if cut >= 0 else request.scope.get("root_path", "")
    return f"{public_base(request)}{root}/idmapping"


_Route = TypeVar("_Route", bound=Callable[..., Any])


def get_and_head(router: APIRouter, *paths: str, schema: bool = True,
                 openapi_extra: dict[str, Any] | None = None) -> Callable[[_Route], _Route]:
    """Register a route for GET and HEAD on each path: HEAD answers as GET does, with the same
    status and headers and no body (only GET on the first path is in the OpenAPI schema, so
    that operation ids stay unique). Every GET route is registered so
    (``tests/test_reliability_http.py`` checks).

    :param openapi_extra: added to the GET operation's OpenAPI entry (e.g. the parameters of
        :func:`~idmapping.web.openapi.text_parameters`).
    """

    def register(route: _Route) -> _Route:
        for n, path in enumerate(paths):
            router.add_api_route(path, route, methods=["GET"], include_in_schema=schema and n == 0,
                                 openapi_extra=openapi_extra)
            router.add_api_route(path, route, methods=["HEAD"], include_in_schema=False)
        return route

    return register


class RequestRoute(APIRoute):
    """A FastAPI route whose endpoint, if it is a coroutine function of the request alone,
    is called with the request as it is.

    FastAPI's handler of a route reads the body it declares, solves its parameters and
    dependencies, and turns what the endpoint returns into a response. An endpoint that takes
    only the request (it reads its parameters itself) and returns a response needs none of it
    (issue 18: a route that answers at once took 14 µs a request, 6 µs so). Any other endpoint is
    handled by FastAPI as before. The route is FastAPI's in every other respect: its path,
    methods and OpenAPI operation, and errors raised by the endpoint go to the app's handlers.
    Use it as a router's ``route_class``.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        dependant = self.dependant
        name = dependant.request_param_name
        others = (
            dependant.path_params or dependant.query_params or dependant.header_params
            or dependant.cookie_params or dependant.body_params or dependant.dependencies
            or dependant.response_param_name or dependant.background_tasks_param_name
            or dependant.http_connection_param_name or dependant.websocket_param_name
            or dependant.security_scopes_param_name)
        if name is None or others or not inspect.iscoroutinefunction(self.endpoint):
            return super().get_route_handler()
        endpoint: Callable[..., Awaitable[Response]] = self.endpoint

        async def handler(request: Request) -> Response:
            return await endpoint(**{name: request})

        return handler


PINNED = "idmapping.release"
"""The scope key of the release a request's ``/releases/{name}`` prefix pins."""

APP_ROOT = "idmapping.root"
"""The scope key of the root path before that prefix (the unpinned server's)."""


def pinned_release(request: Request) -> str | None:
    """The release the request's base URL pins (``/releases/{name}/...``), or None."""
    name: str | None = request.scope.get(PINNED)
    return name


def app_root(request: Request) -> str:
    """The root path of the server itself, without any ``/releases/{name}`` prefix."""
    root: str = request.scope.get(APP_ROOT, request.scope.get("root_path", ""))
    return root


def submitted_release(request: Request, field: str | None) -> str | None:
    """The release a submission pins: its base URL's (``/releases/{name}``) or its form's
    ``release`` field (ours; UniProt's clients send none).

    :raises InvalidRequest: the two name different releases.
    """
    pinned, named = pinned_release(request), (field or "").strip() or None
    if pinned and named and named != pinned:
        raise InvalidRequest(f"The parameter 'release' names release {named}, but the request "
                             f"was sent to release {pinned}'s base URL")
    return pinned or named


# ---------------------------------------------------------------------------------------------
# Bodies


async def _limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """Pass a body through, refusing it once it grows past *limit* bytes."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise _too_large(limit)
        yield chunk


async def _plain_commas(chunks: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """A urlencoded body with its escaped commas (``%2C``, as most clients send the commas
    between ids) written as plain commas, which decode to the same: the form parser then
    unescapes nothing, where a million escapes took it 0.5 s. An escape split between two
    chunks is rewritten whole."""
    held = b""
    async for chunk in chunks:
        data = held + chunk
        cut = data.rfind(b"%", max(len(data) - 2, 0))  # an escape that may go on in the next
        held = data[cut:] if cut >= 0 else b""
        data = data[:cut] if cut >= 0 else data
        yield data.replace(b"%2C", b",").replace(b"%2c", b",")
    if held:
        yield held.replace(b"%2C", b",").replace(b"%2c", b",")


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")


async def read_fields(request: Request, limit: int) -> dict[str, str]:
    """The parameters of a form post: query string, then urlencoded or multipart body.

    A parameter given more than once is joined with commas, as Spring binds a repeated
    parameter to a String. Other bodies are ignored (only the query string counts).

    :param limit: the largest body accepted, in bytes.
    :raises PayloadTooLarge: the body is larger (by ``Content-Length`` or as read).
    :raises InvalidRequest: a form that cannot be parsed.
    """
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _too_large(limit)
    values: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        values.setdefault(name, []).append(value)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    parser: FormParser | MultiPartParser
    body = _limited(request.stream(), limit)
    if kind == "application/x-www-form-urlencoded":
        parser = FormParser(request.headers, _plain_commas(body), max_part_size=limit)
    elif kind == "multipart/form-data":
        parser = MultiPartParser(request.headers, body, max_part_size=limit)
    else:
        return {name: ",".join(items) for name, items in values.items()}
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidRequest(f"Invalid request received. {exc.message}") from None
    for name, item in form.multi_items():
        if isinstance(item, UploadFile):  # a file part: its text is the value
            text = (await item.read()).decode("utf-8", errors="replace")
            await item.close()
        else:
            text = item
        values.setdefault(name, []).append(text)
    return {name: ",".join(items) for name, items in values.items()}


# ---------------------------------------------------------------------------------------------
# Responses


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Compact JSON, keys in the order given."""
    return Response(
        orjson.dumps(data), status_code=status, headers=headers, media_type="application/json"
    )


def error_response(
    request: Request, status: int, messages: Iterable[str], headers: Mapping[str, str] | None = None
) -> Response:
    """UniProt's error body: JSON ``{"url", "messages"}``, or text for a text format.

    The format is the one the route negotiated (``request.state.format``) before it failed.
    """
    messages = list(messages)
    fmt = getattr(request.state, "format", None)
    if fmt in TEXT_FORMATS:
        text = "\n".join(["Error messages", *messages])
        merged = {**(headers or {}), "content-type": MEDIA_TYPE_BY_FORMAT[fmt]}
        return Response(text.encode(), status_code=status, headers=merged)
    body = {"url": public_url(request, query=False), "messages": messages}
    return json_response(body, status, headers)


# ---------------------------------------------------------------------------------------------
# Middleware


class StripTrailingSlash:
    """Route ``/idmapping/results/{id}/`` as ``/idmapping/results/{id}`` (clients add ``/``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope)
                scope["path"] = path.rstrip("/") or "/"
                raw = scope.get("raw_path")
                if raw:
                    scope["raw_path"] = raw.rstrip(b"/") or b"/"
        await self.app(scope, receive, send)


class CommonHeaders:
    """UniProt's headers on every response, and a JSON 500 for any unexpected error.

    :param release: returns the release name for ``X-UniProt-Release`` (a route may set its
        own, e.g. a job's release, which is then kept).
    :param release_date: the ``X-UniProt-Release-Date`` of a release name, when known; it
        follows the ``X-UniProt-Release`` the response carries.
    :param deployed: the ``X-API-Deployment-Date`` value.
    """

    def __init__(self, app: ASGIApp, release: Callable[[], str | None],
                 release_date: Callable[[str], str | None], deployed: str) -> None:
        self.app = app
        self.release = release
        self.release_date = release_date
        self.deployed = deployed
        self._fixed = _raw([
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
            ("Vary", VARY),
            ("X-API-Deployment-Date", deployed),
        ])

    def headers(self, path: str, pinned: str | None = None) -> list[tuple[bytes, bytes]]:
        """The headers for a response to *path* (of the release *pinned*, if one is), as an
        ASGI message's: names in lower case, names and values as Latin-1 bytes."""
        headers = self._fixed.copy()
        release = pinned or self.release()
        if release:
            headers.append((b"x-uniprot-release", release.encode("latin-1")))
        if "/idmapping/" in path + "/":
            headers.append((b"cache-control", b"no-cache"))
        return headers

    def complete(self, headers: list[tuple[bytes, bytes]], path: str, pinned: str | None
                 ) -> None:
        """Add to a response's *headers* (an ASGI message's) those of :meth:`headers` it
        lacks, and the ``X-UniProt-Release-Date`` of the release it names."""
        present = {name for name, _ in headers}
        headers.extend(header for header in self.headers(path, pinned)
                       if header[0] not in present)
        release = next((value for name, value in headers if name == b"x-uniprot-release"), None)
        day = self.release_date(release.decode("latin-1")) if release else None
        if day and b"x-uniprot-release-date" not in present:
            headers.append((b"x-uniprot-release-date", day.encode("latin-1")))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = headers = list(message["headers"])
                # the scope as ReleasePrefix, inside, left it
                self.complete(headers, scope["path"], scope.get(PINNED))
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except ClientDisconnect:
            # the connection closed before the request was read (the client left, or was
            # too slow: see idmapping.web.deadlines): there is no one to answer
            log.info("connection closed before the request to %s was read", scope.get("path"))
        except Exception:
            log.exception("unexpected error answering %s", scope.get("path"))
            if started:
                raise
            request = Request(scope)
            response = error_response(request, 500, ["Internal server error"])
            await response(scope, receive, send_with_headers)


def _raw(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Headers as an ASGI message holds them (as Starlette's ``MutableHeaders`` sets them)."""
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


_PREFIX = re.compile(r"/releases/([A-Za-z0-9][A-Za-z0-9_.\-]{0,63})(/.*)?", re.S)


class ReleasePrefix:
    """Serve every route under ``/releases/{name}`` too, reading release *name* (pinning).

    The prefix becomes part of the root path (so that the routes match as unprefixed, and
    URLs built from the request, ``Link``, ``redirectURL``, the pages' links, keep it), and the
    release's name is noted in the scope (:func:`pinned_release`). The scope is changed in
    place: :class:`CommonHeaders`, outside this middleware, then names the pinned release.

    :param known: whether a ready release has this name; a request for another is answered
        404, naming it.
    """

    def __init__(self, app: ASGIApp, known: Callable[[str], bool]) -> None:
        self.app = app
        self.known = known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root: str = scope.get("root_path", "")
            path: str = scope["path"]
            match = _PREFIX.fullmatch(path[len(root):] if path.startswith(root) else path)
            if match:
                name = match.group(1)
                scope[APP_ROOT] = root
                if not self.known(name):
                    message = f"No release named '{name}' is served here"
                    await error_response(Request(scope), 404, [message])(scope, receive, send)
                    return
                scope["root_path"] = f"{root}/releases/{name}"
                scope[PINNED] = name
                if not match.group(2):  # the pinned server's home
                    scope["path"] = path + "/"
                    if scope.get("raw_path"):
                        scope["raw_path"] = scope["raw_path"] + b"/"
        await self.app(scope, receive, send)
