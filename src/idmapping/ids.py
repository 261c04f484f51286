"""Reading input ids: splitting lists, and parsing each id into the key it is looked up by.

UniProtKB ids (``from=UniProtKB_AC-ID``) come in several forms, all looked up through their
accession or entry name:

>>> parse_uniprot("P00750[39-81]")  # doctest: +NORMALIZE_WHITESPACE
Identifier(text='P00750[39-81]', key='P00750', kind='accession', isoform=None, version=None,
           range=(39, 81))
>>> parse_uniprot("p00750.3").text   # a version is dropped from the reported id, as UniProt does
'p00750'
>>> parse_uniprot("A4_HUMAN").kind
'entry_name'

Other databases are matched case-insensitively, and without their version when the input has
none:

>>> parse_value("ENSG00000010404", versioned=True)  # doctest: +NORMALIZE_WHITESPACE
Identifier(text='ENSG00000010404', key='ensg00000010404', kind='value', isoform=None,
           version=None, range=None)
>>> parse_value("NM_130786.4", versioned=True).version
'nm_130786.4'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from idmapping.errors import InvalidInput

__all__ = [
    "ACCESSION_RE",
    "has_whitespace",
    "Identifier",
    "parse_uniprot",
    "uniprot_key",
    "parse_value",
    "value_keys",
    "lookup_key",
    "split_api_ids",
    "count_api_ids",
    "check_api_ids",
    "split_text_ids",
    "decode_ids",
    "unique",
]

_ACCESSION = r"(?:[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z](?:[0-9][A-Z][A-Z0-9]{2}){1,2}[0-9])"
ACCESSION_RE = re.compile(rf"^{_ACCESSION}$")
"""UniProt's accession pattern (upper case; match ``str.upper()`` of an input)."""

_ISOFORM_RE = re.compile(rf"^({_ACCESSION})-([0-9]+)$")
_RANGE_RE = re.compile(rf"^({_ACCESSION}(?:-[0-9]+)?)\[([0-9]{{1,9}})-([0-9]{{1,9}})\]$")
_VERSION_RE = re.compile(rf"^({_ACCESSION}(?:-[0-9]+)?)\.([0-9]+)$")
_PREFIXED_RE = re.compile(rf"^({_ACCESSION}(?:-[0-9]+)?)_.+$")
_ENTRY_NAME_RE = re.compile(r"^[A-Z0-9]{1,16}_[A-Z0-9]{1,8}$")
_ANY_ACCESSION_RE = re.compile(
    rf"^({_ACCESSION})(-[0-9]+)?(\[[0-9]{{1,9}}-[0-9]{{1,9}}\]|\.[0-9]+|_.+)?$")
_VALUE_VERSION_RE = re.compile(r"^(.+)\.([0-9]+)$")
_ANY_SEP_RE = re.compile(r"[\s,]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class Identifier(NamedTuple):
    """One input id, parsed (a named tuple: a million of them are made per large job).

    :param text: the id as reported in results (``from``) and in ``failedIds``.
    :param key: what is looked up: an upper-case accession or entry name, or a lower-case value
        without its version.
    :param kind: ``accession``, ``entry_name`` or ``value``.
    :param isoform: the upper-case isoform accession (``P00750-2``) when one was given.
    :param version: for a versioned value given with its version, the lower-case value that must
        match exactly.
    :param range: the ``[begin-end]`` of a sequence range.
    """

    text: str
    key: str
    kind: str
    isoform: str | None = None
    version: str | None = None
    range: tuple[int, int] | None = None


def parse_uniprot(text: str) -> Identifier:
    """Parse a UniProtKB accession, isoform, range, versioned accession or entry name."""
    upper = text.upper()
    if ACCESSION_RE.match(upper):
        return Identifier(text, upper, "accession")
    if m := _ISOFORM_RE.match(upper):
        return Identifier(text, m.group(1), "accession", isoform=upper)
    if m := _RANGE_RE.match(upper):
        base, begin, end = m.group(1), int(m.group(2)), int(m.group(3))
        return _with_isoform(Identifier(text, base, "accession", range=(begin, end)))
    if m := _VERSION_RE.match(upper):
        # UniProt reports P00001.1 as P00001: the version is dropped from the from column.
        return _with_isoform(Identifier(text[: len(m.group(1))], m.group(1), "accession"))
    if _ENTRY_NAME_RE.match(upper):
        prefix = upper.split("_", 1)[0]
        if not ACCESSION_RE.match(prefix):
            return Identifier(text, upper, "entry_name")
    if m := _PREFIXED_RE.match(upper):
        return _with_isoform(Identifier(text, m.group(1), "accession"))
    return Identifier(text, upper, "entry_name")


def uniprot_key(text: str) -> tuple[str, str]:
    """``(key, kind)`` of :func:`parse_uniprot`'s answer, from one match of one pattern (an
    accession, an isoform, a range, a version or a suffix after ``_``, at once) instead of up to
    six and an :class:`Identifier`: what detection and explanations ask of every id.

    >>> uniprot_key("p00750-2[1-5]"), uniprot_key("A4_HUMAN")
    (('P00750', 'accession'), ('A4_HUMAN', 'entry_name'))
    """
    upper = text.upper()
    if m := _ANY_ACCESSION_RE.match(upper):
        # a plain accession keeps the whole upper-case text, as parse_uniprot keeps it ($ also
        # matches before a final newline)
        return (m.group(1) if m.lastindex != 1 else upper), "accession"
    return upper, "entry_name"


def _with_isoform(ident: Identifier) -> Identifier:
    if m := _ISOFORM_RE.match(ident.key):
        return Identifier(ident.text, m.group(1), ident.kind, isoform=ident.key,
                          version=ident.version, range=ident.range)
    return ident


def lookup_key(value: str, versioned: bool) -> str:
    """The key a stored or input value is matched by: lower case, without a version."""
    lowered = value.lower()
    if versioned and (m := _VALUE_VERSION_RE.match(lowered)):
        return m.group(1)
    return lowered


def parse_value(text: str, versioned: bool) -> Identifier:
    """Parse an id of any database other than UniProtKB."""
    key = lookup_key(text, versioned)
    version = text.lower() if versioned and key != text.lower() else None
    return Identifier(text, key, "value", version=version)


_VERSION_ENDS_RE = re.compile(r"\.(?<=[^\n]\.)[0-9]+$", re.MULTILINE)
"""A version at the end of a line after at least one character (``$`` also matches before a
line's break: only for text whose lines are ids). The dot comes first, the look behind after
it: the search then skips to each dot, where ``(?<=.)`` first was tried at every character
(100,000 RefSeq ids: 0.024 s instead of 0.055 s)."""


def value_keys(texts: Sequence[str], versioned: bool) -> tuple[list[str], list[str | None]]:
    """The ``key`` and ``version`` of :func:`parse_value` for each of *texts*, taken off the
    whole list at once instead of one call per id (100,000 RefSeq ids: 0.03 s instead of 0.4 s).

    >>> value_keys(["NM_1.4", "xp_2", ".5", "A.b.2"], versioned=True)
    (['nm_1', 'xp_2', '.5', 'a.b'], ['nm_1.4', None, None, 'a.b.2'])
    """
    lowered = list(map(str.lower, texts))
    if not versioned:
        return lowered, [None] * len(lowered)
    joined = "\n".join(lowered)
    if joined.count("\n") != len(lowered) - 1:  # an id holding a line break
        keys = [lookup_key(low, versioned) for low in lowered]
    else:
        keys = _VERSION_ENDS_RE.sub("", joined).split("\n")
    return keys, [low if key != low else None for key, low in zip(keys, lowered, strict=True)]


def split_api_ids(ids: str) -> list[str]:
    """Split the API's ``ids`` field as UniProt counts it: on commas, whitespace stripped.

    The same split as UniProt's ``\\s*,\\s*`` regex, done without one: that regex takes time
    quadratic in a run of whitespace that no comma follows, which a single request could use
    to hold the server (docs/reliability.md).

    >>> split_api_ids(" P04637 ,P02340,, Q9 X ")
    ['P04637', 'P02340', 'Q9 X']
    """
    if not has_whitespace(ids):  # nothing to strip: split in one call (a million ids)
        parts = ids.split(",")
        return [i for i in parts if i] if "" in parts else parts
    return [i for i in (part.strip() for part in ids.split(",")) if i]


def count_api_ids(ids: str) -> int:
    """How many ids :func:`split_api_ids` would give, without splitting the whole text: read a
    slice at a time, so that an oversized request is refused before it costs one object per id
    (issue 14, row 5).

    >>> count_api_ids(" P04637 ,P02340,, Q9 X ,"), count_api_ids(",P04637,P02340,")
    (3, 2)
    """
    if not has_whitespace(ids) and ",," not in ids:  # no empty id inside: commas counted
        return ids.count(",") + 1 - ids.startswith(",") - ids.endswith(",") if ids else 0
    count, pending = 0, False  # pending: the slice before ended inside an id
    for start in range(0, len(ids), _COUNT_SLICE):
        # an id of whitespace alone is no id: whitespace is dropped before counting
        part = ids[start:start + _COUNT_SLICE]
        parts = (_WHITESPACE.sub("", part) if has_whitespace(part) else part).split(",")
        if len(parts) == 1:
            pending = pending or bool(parts[0])
            continue
        # the ids between the first and last parts, counted in C (list.count)
        empty_inside = parts.count("") - (not parts[0]) - (not parts[-1])
        count += (pending or bool(parts[0])) + len(parts) - 2 - empty_inside
        pending = bool(parts[-1])
    return count + pending


_COUNT_SLICE = 1 << 16
_WHITESPACE = re.compile(r"\s+")  # what str.strip() removes, as the split strips
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters that ``str.strip()`` removes (and Java's ``String.strip()`` too)."""


def has_whitespace(text: str) -> bool:
    """Whether *text* holds a character that ``str.strip()`` removes; ASCII text is searched
    for each such character in C (a million ids: a tenth of the time of a regular
    expression).

    >>> has_whitespace("P04637,P02340"), has_whitespace("P04637, P02340")
    (False, True)
    >>> has_whitespace("P04637,\u00a0P02340")
    True
    """
    if text.isascii():
        return any(char in text for char in _ASCII_WHITESPACE)
    return _WHITESPACE.search(text) is not None


def split_text_ids(text: str) -> list[str]:
    """Split a pasted or uploaded list: whitespace (space, tab, newline) or commas."""
    return [i for i in _ANY_SEP_RE.split(text) if i]


def decode_ids(data: bytes, max_length: int) -> list[str]:
    """Read ids from the bytes of a file or stdin, refusing what is not a text list of ids.

    :raises InvalidInput: binary data, invalid UTF-8, or an id longer than *max_length*.
    """
    if b"\x00" in data:
        raise InvalidInput("The input is binary data, not a list of ids")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The input is not UTF-8 text (byte {exc.start})") from None
    ids = split_text_ids(text)
    check_lengths(ids, max_length)
    return ids


def check_lengths(ids: Sequence[str], max_length: int) -> None:
    """Refuse ids longer than *max_length* characters or holding control characters."""
    # checked over all the ids at once first: a million ids cost 50 ms, not half a second;
    # ASCII text is printable exactly when it holds no control character (a search in C)
    joined = "".join(ids)
    if max(map(len, ids), default=0) <= max_length and (
            (joined.isascii() and joined.isprintable()) or not _CONTROL_RE.search(joined)):
        return
    for i in ids:
        if len(i) > max_length:
            raise InvalidInput(
                f"An id is longer than {max_length} characters: '{i[:40]}...'"
            )
        if any(ord(c) < 32 or c == "\x7f" for c in i):
            raise InvalidInput(f"An id holds control characters: {i[:40]!r}")


def check_api_ids(text: str, ids: Sequence[str], max_length: int) -> None:
    """:func:`check_lengths` of *ids*, the :func:`split_api_ids` of *text*, checked on *text*
    itself where it is ASCII without whitespace (its ids are then its parts between commas,
    empty ones dropped): no join of the ids, and their lengths read between the commas by
    NumPy (a million ids: 20 ms instead of 80 ms). Where that check fails, or cannot be made,
    the ids are checked as :func:`check_lengths` does, with its messages.

    >>> check_api_ids("P04637,,P02340", ["P04637", "P02340"], 6)
    >>> check_api_ids("P04637,P02340X", ["P04637", "P02340X"], 6)
    Traceback (most recent call last):
    ...
    idmapping.errors.InvalidInput: An id is longer than 6 characters: 'P02340X...'
    """
    if text.isascii() and text.isprintable() and not has_whitespace(text) \
            and _longest_part(text) <= max_length:
        return
    check_lengths(ids, max_length)


def _longest_part(text: str) -> int:
    """The length of the longest part of ASCII *text* between commas.

    >>> _longest_part("P1,,Q123,X"), _longest_part("P1"), _longest_part("")
    (4, 2, 0)
    """
    if len(text) < _NUMPY_TEXT:
        return max(map(len, text.split(",")))
    import numpy  # here: the package's other users of this module need not load it

    commas = numpy.flatnonzero(numpy.frombuffer(text.encode("ascii"), numpy.uint8) == ord(","))
    return int(numpy.diff(commas, prepend=-1, append=len(text)).max()) - 1


_NUMPY_TEXT = 4096
"""Texts shorter than this are split by Python (NumPy's setup costs more than it saves)."""


def unique(items: Iterable[str]) -> Iterator[str]:
    """Items in first-seen order, each once."""
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
