"""Trusted proxies: ``X-Forwarded-For``, ``-Proto`` and ``-Host`` honoured only from them.

A reverse proxy in front of the server tells it who the client is and how the client called
it; anyone else sending the same headers would be lying, and could have this server write
another host into the ``Location``, ``Link`` and ``redirectURL`` it answers with. So the headers
count only on a connection from an address of the ``forwarded_allow_ips`` setting (by default
loopback: a proxy on the same machine). From such an address, :class:`TrustedProxies` rewrites
the request as the client made it, before any route sees it:

* ``X-Forwarded-Proto`` (``http`` or ``https``) becomes the request's scheme;
* ``X-Forwarded-Host`` (a host name or address, with a port) becomes its ``Host``;
* ``X-Forwarded-For`` gives the client's address (for the access log): the nearest address in
  the list that is not itself a trusted proxy.

A forwarded value that is not of that form is ignored, trusted or not, so that no header can
put text into the URLs this server writes. uvicorn's own ``proxy_headers`` (which knows
``X-Forwarded-For`` and ``-Proto`` but not ``-Host``) is turned off by ``idmapping serve``:
it would replace the proxy's address with the client's before this middleware could check it.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from idmapping.errors import InvalidRequest

__all__ = ["TrustedProxies", "trusted_networks", "valid_host", "first_value"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_PROTO = re.compile(r"https?")
# A host name, IPv4 or [IPv6] address, and an optional port: nothing that could end the URL
# of a Location or Link header early (">", ";", ",", quotes, spaces) or add a path to it.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])"
                   r"(?::[0-9]{1,5})?")


ANSWERS_KEPT = 4096
"""Connections' addresses whose trust :class:`TrustedProxies` keeps (the most recently seen)."""


def valid_host(host: str) -> bool:
    """Whether *host* is a plain host name or address, with an optional port."""
    return _HOST.fullmatch(host) is not None


def first_value(value: str | None) -> str:
    """The first of a comma-separated forwarded header's values (the client-facing one)."""
    return (value or "").split(",")[0].strip()


def trusted_networks(text: str) -> tuple[Network, ...] | None:
    """The networks of a ``forwarded_allow_ips`` value; None for ``*`` (every address).

    :raises InvalidRequest: an item that is neither an address nor a network.
    """
    items = [item.strip() for item in text.split(",") if item.strip()]
    if "*" in items:
        return None
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise InvalidRequest(
                f"Setting 'forwarded_allow_ips' (IDMAPPING_FORWARDED_ALLOW_IPS) must list IP "
                f"addresses or networks, or '*'; {item!r} is neither") from None
    return tuple(networks)


class TrustedProxies:
    """Rewrite a request from a trusted proxy as its client made it (see the module's text).

    :param trusted: the ``forwarded_allow_ips`` setting.
    """

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.networks = trusted_networks(trusted)
        # the answers for the connections' recent addresses: an address is parsed and looked
        # up in the networks once, not for each request (issue 18)
        self._kept = functools.lru_cache(maxsize=ANSWERS_KEPT)(self.trusts)

    def trusts(self, address: str | None) -> bool:
        """Whether a connection from *address* may tell who and how the client is."""
        if self.networks is None:
            return True
        return address is not None and _in_networks(address, self.networks)

    def trusts_connection(self, address: str | None) -> bool:
        """:meth:`trusts`, for the address of a connection (the server's, not a header's):
        the answer is kept."""
        return self._kept(address)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            if self.trusts_connection(client[0] if client else None):
                self.rewrite(scope)
        await self.app(scope, receive, send)

    def rewrite(self, scope: Scope) -> None:
        """Apply the forwarded headers of a trusted proxy's request to its scope (in place,
        so that the server's access log shows the client too)."""
        headers: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in (b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-for"):
                headers.setdefault(name, value.decode("latin-1"))
        proto = first_value(headers.get(b"x-forwarded-proto")).lower()
        if _PROTO.fullmatch(proto):
            scope["scheme"] = proto
        host = first_value(headers.get(b"x-forwarded-host"))
        if valid_host(host):
            scope["headers"] = [(b"host", host.encode()),
                                *((n, v) for n, v in scope["headers"] if n != b"host")]
        if b"x-forwarded-for" in headers:
            client = self._client(headers[b"x-forwarded-for"].split(","))
            if client is not None:
                scope["client"] = (client, 0)

    def _client(self, chain: Iterable[str]) -> str | None:
        """The nearest address of an ``X-Forwarded-For`` chain that is not a trusted proxy
        (the first one if they all are)."""
        addresses = [a.strip() for a in chain if a.strip()]
        for address in reversed(addresses):
            if not self.trusts(address):
                return address if _is_address(address) else None
        return addresses[0] if addresses and _is_address(addresses[0]) else None


def _in_networks(address: str, networks: Iterable[Network]) -> bool:
    """Whether *address* is an IP address of one of *networks*."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
