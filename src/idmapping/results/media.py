"""UniProt's media types and format negotiation: the ``format`` parameter, the ``Accept``
header, the messages for formats an end-point does not produce, and download file names.

>>> negotiate(None, "text/plain;format=tsv", ("tsv", "json", "xlsx"))
'tsv'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from idmapping.errors import InvalidRequest, NotAcceptable

__all__ = [
    "MEDIA_TYPE_BY_FORMAT",
    "FORMAT_BY_MEDIA_TYPE",
    "KNOWN_ELSEWHERE",
    "media_type_for",
    "negotiate",
    "download_name",
    "attachment",
    "content_disposition",
    "not_accepted",
]

MEDIA_TYPE_BY_FORMAT: dict[str, str] = {
    "json": "application/json",
    "tsv": "text/plain;format=tsv",
    "list": "text/plain;format=list",
    "fasta": "text/plain;format=fasta",
    "txt": "text/plain;format=flatfile",
    "gff": "text/plain;format=gff",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "rdf": "application/rdf+xml",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
}
"""UniProt's media types (``UniProtMediaType``) by ``format`` value (the file extension)."""

FORMAT_BY_MEDIA_TYPE: dict[str, str] = {media: fmt for fmt, media in MEDIA_TYPE_BY_FORMAT.items()}

KNOWN_ELSEWHERE: dict[str, str] = {
    "md": "text/markdown",
    "obo": "text/plain;format=obo",
    "h5": "application/x-hdf5",
}
"""Formats UniProt's server knows (``UniProtMediaType.ALL_TYPES``) that no ID mapping end-point
produces: asked for, they get the message naming the end-point's formats, as a known format
the end-point does not produce, not the message of an unknown one."""

_KNOWN_MEDIA_TYPES = {media: fmt for fmt, media in KNOWN_ELSEWHERE.items()}

_NOT_ACCEPTED = "Invalid request received. Requested media type/format not accepted"


def media_type_for(format_name: str) -> str:
    """Return UniProt's Content-Type for a format name.

    :raises InvalidRequest: for a name UniProt does not know.
    """
    try:
        return MEDIA_TYPE_BY_FORMAT[format_name]
    except KeyError:
        raise InvalidRequest(not_accepted(format_name)) from None


def not_accepted(requested: str) -> str:
    """Return UniProt's message for an unknown format or media type."""
    return f"{_NOT_ACCEPTED}: '{requested}'."


def _not_allowed(requested: str, allowed: Sequence[str]) -> str:
    """Return UniProt's message for a known format that this end-point does not produce."""
    # The wording is HttpServletRequestContentTypeMutator.handleMediaTypeNotAcceptable's: the
    # end-point's media types (its @GetMapping "produces", in that order) joined by ", ", then
    # a full stop. Callers pass *allowed* in UniProt's produces order to match it exactly.
    listed = ", ".join(MEDIA_TYPE_BY_FORMAT[fmt] for fmt in allowed)
    return (
        f"{_NOT_ACCEPTED}, '{requested}'. "
        f"Valid media types/formats for this end-point include: {listed}."
    )


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, in the header's order.

    Parameters other than ``format`` (``charset``, extensions) are dropped, so that
    ``text/plain; format=tsv; q=0.9`` reads as ``("text/plain;format=tsv", 0.9)``; a q-value
    that is no number counts as 0, one outside 0..1 is clamped (as Spring reads them).
    """
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        quality, fmt = 1.0, ""
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
            elif key == "format":
                fmt = value.lower()
        if media:
            ranges.append((f"{media};format={fmt}" if fmt else media, quality))
    return ranges


def _matches(media: str, allowed: Sequence[str], fallback: str) -> tuple[int, list[str]]:
    """How specific a media range is (2: one type, 1: ``type/*`` or a type without its
    ``format``, 0: ``*/*``) and the end-point's formats it covers, in the end-point's order."""
    if media == "*/*":
        return 0, [fallback]
    fmt = FORMAT_BY_MEDIA_TYPE.get(media)
    if fmt is not None:
        return 2, [fmt] if fmt in allowed else []
    base = media.split(";", 1)[0]
    if base.endswith("/*"):
        family = base[:-1]
        return 1, [f for f in allowed if MEDIA_TYPE_BY_FORMAT[f].startswith(family)]
    if ";" not in media:  # text/plain stands for every text/plain;format=…
        return 1, [f for f in allowed if MEDIA_TYPE_BY_FORMAT[f].split(";", 1)[0] == base
                   and ";" in MEDIA_TYPE_BY_FORMAT[f]]
    return 2, []


def negotiate(format_param: str | None, accept: str | None, allowed: Sequence[str],
              user_agent: str | None = None) -> str:
    """Return the format to answer with, following UniProt's rules.

    * A non-empty ``format`` parameter wins over ``Accept``; it must name a known format
      (case-sensitive, as UniProt) that this end-point produces. A format UniProt knows
      but produces elsewhere (:data:`KNOWN_ELSEWHERE`: ``h5``, ``obo``, ``md``) gets the
      message listing this end-point's formats; an unknown one, the shorter message.
    * Without it, a browser (a ``User-Agent`` naming Mozilla, AppleWebKit, Edg, OPR, Chrome or
      Vivaldi, as UniProt tells them) gets JSON, whatever its ``Accept`` (a browser's
      ``…application/xml;q=0.9…`` would otherwise give XML entries), and so does an ``Accept``
      that asks for a web page (``text/html``) and nothing this end-point produces.
    * Otherwise ``Accept`` is negotiated as Spring (UniProt's server framework) does: of the
      media ranges with a q-value above 0, the format this end-point produces with the highest
      q wins; on equal q a single type beats ``text/*`` or ``text/plain`` (without
      ``format``), which beat ``*/*`` (JSON); and among equally specific ones the end-point's
      own (UniProt's ``produces``) order decides. An empty header, or one unknown type, gives
      JSON.
    * An ``Accept`` of one UniProt type this end-point does not produce is refused (400), as
      UniProt refuses it; one of several media ranges none of which this end-point produces
      is not acceptable (406), as Spring answers it.

    :param allowed: the formats of the end-point, in UniProt's ``produces`` order.
    :raises InvalidRequest: with UniProt's messages (:class:`NotAcceptable` for the 406).
    """
    if format_param:
        if format_param not in MEDIA_TYPE_BY_FORMAT and format_param not in KNOWN_ELSEWHERE:
            raise InvalidRequest(not_accepted(format_param))
        if format_param not in allowed:
            raise InvalidRequest(_not_allowed(format_param, allowed))
        return format_param
    fallback = "json" if "json" in allowed or not allowed else allowed[0]
    if not accept or not accept.strip() or (user_agent and _BROWSER.search(user_agent)):
        return fallback
    ranges = _media_ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = fallback
    for media, quality in ranges:
        if quality <= 0:
            continue
        specificity, formats = _matches(media, allowed, fallback)
        for fmt in formats:
            rank = (quality, specificity, -list(allowed).index(fmt) if fmt in allowed else 0)
            if best is None or rank > best:
                best, chosen = rank, fmt
    if best is not None:
        return chosen
    if any(media in _PAGE_TYPES for media, _ in ranges):
        return fallback  # a browser's navigation, whatever its User-Agent says
    if len(ranges) > 1:
        raise NotAcceptable(not_accepted(accept.strip()))
    if ranges and (ranges[0][0] in FORMAT_BY_MEDIA_TYPE or ranges[0][0] in _KNOWN_MEDIA_TYPES):
        raise InvalidRequest(not_accepted(accept.strip()))
    return fallback


_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""What a browser's navigation asks for first: such a request gets JSON, as a browser does."""

_BROWSER = re.compile("Mozilla|AppleWebKit|Edg|OPR|Chrome|Vivaldi")
"""User agents UniProt's server takes for browsers (and answers with JSON)."""

# UniProt's HeaderFactory turned the query-derived part of a file name into [A-Za-z0-9_] and
# cut it at 60 characters; the same keeps our names safe inside the quoted header value.
_UNSAFE_NAME_RE = re.compile(r"[^A-Za-z0-9]")
_UNDERSCORES_RE = re.compile(r"_{2,}")
_NAME_PART_LENGTH = 60


def download_name(prefix: str, extension: str, compressed: bool, today: date) -> str:
    """Return the file name of a download (``download=true``), as UniProt names it.

    :param prefix: the part after ``idmapping_``, e.g. the job id or the query; characters
        other than letters and digits become ``_``.
    :param extension: the writer's extension, e.g. ``tsv``.
    :param compressed: add ``.gz`` (``compressed=true``).
    :param today: the date written into the name.

    >>> download_name("abc 123", "tsv", True, date(2024, 1, 2))
    'idmapping_abc_123_2024_01_02.tsv.gz'
    """
    part = _UNSAFE_NAME_RE.sub("_", prefix)[:_NAME_PART_LENGTH]
    stem = _UNDERSCORES_RE.sub("_", f"idmapping_{part}_{today:%Y_%m_%d}")
    return f"{stem}.{extension}" + (".gz" if compressed else "")


def attachment(filename: str) -> str:
    """Return UniProt's ``Content-Disposition`` value for a download named *filename*."""
    return f'form-data; name="attachment"; filename="{filename}"'


def content_disposition(prefix: str, extension: str, compressed: bool, today: date) -> str:
    """Return the ``Content-Disposition`` value of a download: :func:`attachment` of
    :func:`download_name`.

    >>> content_disposition("abc 123", "tsv", True, date(2024, 1, 2))
    'form-data; name="attachment"; filename="idmapping_abc_123_2024_01_02.tsv.gz"'
    """
    return attachment(download_name(prefix, extension, compressed, today))
