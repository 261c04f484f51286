"""Paged results: UniProt's opaque cursors, the ``size`` parameter and the ``Link`` header.

A page is a slice of the stored pairs in stored order. The cursor UniProt hands out is the
base-36 form of the ASCII text ``"<next offset>,NEXT"`` (``CursorPage.getEncryptedNextCursor``),
so cursors from rest.uniprot.org and from this service are interchangeable:

>>> encode_cursor(25)
'3v5g94y9lqs'
>>> decode_cursor("3v5g94y9lqs")
25
>>> page = Page(offset=0, size=25, total=60)
>>> page.next_offset
25
>>> next_link("https://example.org/idmapping/results/abc?format=tsv&size=25", 25, 25)
'<https://example.org/idmapping/results/abc?format=tsv&cursor=3v5g94y9lqs&size=25>; rel="next"'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from idmapping.errors import InvalidRequest

__all__ = [
    "DEFAULT_SIZE",
    "MAX_SIZE",
    "MAX_OFFSET",
    "MAX_CURSOR_LENGTH",
    "Page",
    "encode_cursor",
    "decode_cursor",
    "check_size",
    "next_link",
]

DEFAULT_SIZE = 25  # defaultRestPageSize
MAX_SIZE = 500  # SearchRequest.MAX_RESULTS_SIZE
MAX_CURSOR_LENGTH = 64
"""Longer cursors are refused before any arithmetic; real ones are about a dozen characters."""

_BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_CURSOR_TEXT_SUFFIX = ",NEXT"
_CURSOR_TEXT_RE = re.compile(rb"([0-9]+),NEXT")
_CURSOR_RE = re.compile(r"[0-9A-Za-z]+")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
# UniProt reads the offset into a Java Long; a page past it (offset + size) must fit too,
# or the store's LIMIT/OFFSET arithmetic overflows (issue 14, row 8)
MAX_OFFSET = 2**63 - 1 - 2 * MAX_SIZE
# Characters Spring's UriComponentsBuilder leaves unencoded in a query value, less "+", which
# a form decoder would read back as a space.
_QUERY_SAFE = "!$'()*,;:@/?"
# A URL whose next page's Link is written without urlsplit, parse_qsl and urlencode (issue 18:
# 17 µs of a page's time): printable ASCII, no fragment, no brackets, and a query of name=value
# pairs of characters that unquoting and quoting leave as they are (no "+", "%" or "=" inside).
_SIMPLE_URL = re.compile(
    r"(https?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x5a\x5c\x5e-\x7e]*"
    r"/[\x21\x22\x24-\x3e\x40-\x5a\x5c\x5e-\x7e]*)"
    r"(?:\?([\w.~-]+=[\w.~-]*(?:&[\w.~-]+=[\w.~-]*)*))?\Z", re.ASCII)


@dataclass(frozen=True)
class Page:
    """One page of a result list: where it starts, how long it may be, and how many there are.

    :param offset: index of the first pair on this page.
    :param size: the requested page size (the last page may hold fewer).
    :param total: the number of pairs in the whole result.
    """

    offset: int
    size: int
    total: int

    @property
    def next_offset(self) -> int | None:
        """Return where the next page starts, or ``None`` on the last page.

        Like UniProt, a next page exists while ``offset + size < total``; with ``size=0`` that
        means the next link points at the same offset again.
        """
        following = self.offset + self.size
        return following if following < self.total else None

    @property
    def stop(self) -> int:
        """Return the index just past the last pair of this page."""
        return min(self.offset + self.size, self.total)


def encode_cursor(offset: int) -> str:
    """Return UniProt's cursor for the page starting at *offset*.

    :raises ValueError: for a negative offset, which is a programming error.
    """
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")
    number = int.from_bytes(f"{offset}{_CURSOR_TEXT_SUFFIX}".encode("ascii"), "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 36)
        digits.append(_BASE36_DIGITS[remainder])
    return "".join(reversed(digits))


def _invalid_cursor(cursor: str) -> InvalidRequest:
    """Build the error for a cursor that cannot be read, echoing at most a short prefix."""
    shown = cursor if len(cursor) <= MAX_CURSOR_LENGTH else cursor[:MAX_CURSOR_LENGTH] + "..."
    return InvalidRequest(f"The parameter 'cursor' has an invalid value '{shown}'.")


def decode_cursor(cursor: str) -> int:
    """Return the offset a cursor points at.

    An empty cursor means the first page, as when the parameter is absent.

    :raises InvalidRequest: for anything that is not a cursor this service (or UniProt) issued.
    """
    if cursor == "":
        return 0
    if len(cursor) > MAX_CURSOR_LENGTH or not _CURSOR_RE.fullmatch(cursor):
        raise _invalid_cursor(cursor)
    # Java's BigInteger(cursor, 36) accepts both letter cases; int(..., 36) does too.
    number = int(cursor, 36)
    text = number.to_bytes((number.bit_length() + 7) // 8, "big")
    match = _CURSOR_TEXT_RE.fullmatch(text)
    if match is None:
        raise _invalid_cursor(cursor)
    offset = int(match.group(1))
    if offset > MAX_OFFSET:
        raise _invalid_cursor(cursor)
    return offset


def check_size(size: str | int | None, default: int = DEFAULT_SIZE, maximum: int = MAX_SIZE) -> int:
    """Return the page size asked for, checked against UniProt's limits.

    :param size: the ``size`` parameter as received; ``None`` or blank means *default*.
    :raises InvalidRequest: with UniProt's message when out of range, or when not an integer.
    """
    if size is None:
        return default
    if isinstance(size, bool):  # bool is an int subclass; True is no page size
        raise InvalidRequest(_not_an_integer(str(size)))
    if isinstance(size, str):
        # Spring trims number parameters and treats a blank one as absent.
        text = size.strip()
        if not text:
            return default
        if not _INTEGER_RE.fullmatch(text):
            raise InvalidRequest(_not_an_integer(size))
        size = int(text)
    if size > maximum:
        raise InvalidRequest(f"'size' must be less than or equal to {maximum}")
    if size < 0:
        raise InvalidRequest("'size' must be greater than or equal to 0")
    return size


def _not_an_integer(value: str) -> str:
    """Return the message for a ``size`` that is not a whole number."""
    # UniProt answers this with Spring's raw type-conversion text; this says the same plainly,
    # in the wording of its other parameter messages.
    return f"The 'size' parameter has invalid format '{value}'. It should be an integer."


def next_link(url: str, next_offset: int, size: int) -> str:
    """Return the ``Link`` header value pointing at the next page.

    The request URL keeps its scheme, host, path and other parameters in order; ``cursor`` and
    ``size`` are removed and appended again last, as ``PaginatedResultsListener`` does.

    :param url: the absolute URL of the current request (the caller decides on https).
    :param next_offset: where the next page starts.
    :param size: the page size, always written out.
    """
    simple = _SIMPLE_URL.match(url)
    if simple:  # what the general way below gives for it, without parsing and quoting it
        kept = [param for param in (simple[2] or "").split("&")
                if param and param.partition("=")[0] not in ("cursor", "size")]
        kept += [f"cursor={encode_cursor(next_offset)}", f"size={size}"]
        return f'<{simple[1]}?{"&".join(kept)}>; rel="next"'
    return _parsed_link(url, next_offset, size)


def _parsed_link(url: str, next_offset: int, size: int) -> str:
    """:func:`next_link` for any URL: split, parsed and quoted again."""
    parts = urlsplit(url)
    params = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in ("cursor", "size")
    ]
    params += [("cursor", encode_cursor(next_offset)), ("size", str(size))]
    query = urlencode(params, quote_via=quote, safe=_QUERY_SAFE)
    target = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return f'<{target}>; rel="next"'
