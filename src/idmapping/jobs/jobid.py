"""UniProt's deterministic job id: the same request always gets the same id.

The id is a PBKDF2-HMAC-SHA1 hash of the normalised request, written in base 62 and cut to ten
characters, exactly as ``HashGenerator`` + ``HashUtils.toBase62`` in UniProt's
``uniprot-rest-api`` compute it:

>>> job_id("EMBL-GenBank-DDBJ", "UniProtKB", "Q00001,Q00002", "taxId")
'9Sv6fK80gq'
>>> job_id("embl-genbank-ddbj", "uniprotkb", " q00001 , Q00002 ", "TAXID")
'9Sv6fK80gq'

The id ignores case and whitespace around the ids, but not their order or repeats.
"""

from __future__ import annotations

import hashlib

from idmapping.ids import has_whitespace

__all__ = [
    "SALT",
    "ITERATIONS",
    "JOB_ID_LENGTH",
    "BASE62_ALPHABET",
    "job_id",
    "PINNED",
    "request_key",
    "to_base62",
]

SALT = b"UNIPROT_IDMAPPING_SALT"
"""The salt of ``IdMappingJobServiceImpl`` (it was ``UNIPROT_SALT`` before 2023-01-09)."""

ITERATIONS = 16
KEY_BYTES = 20  # PBEKeySpec key length 160 bits
JOB_ID_LENGTH = 10
BASE62_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Java's String.strip() removes what Character.isWhitespace() accepts, which is not quite what
# Python's str.strip() removes: Java keeps the no-break spaces (U+00A0, U+2007, U+202F) and NEL
# (U+0085). Stripping the Java set keeps ids containing those characters compatible.
_JAVA_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # the ISO controls Java names explicitly
    " \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"  # Zs
    "\u2028\u2029"  # Zl, Zp
)


def _java_strip(text: str) -> str:
    """Strip whitespace the way Java's ``String.strip()`` does."""
    return text.strip(_JAVA_WHITESPACE)


def _java_split_commas(text: str) -> list[str]:
    """Split on ``,`` the way Java's ``String.split(",")`` does.

    Java drops trailing empty strings (``"a,b,,"`` gives ``[a, b]``), but keeps a single empty
    string when there is no comma at all (``""`` gives ``[""]``).
    """
    parts = text.split(",")
    if len(parts) == 1:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def request_key(from_db: str, to_db: str, ids: str, tax_id: str = "") -> str:
    """Return the normalised request string that the job id hashes.

    Mirrors ``IdMappingJobRequestToArrayConverter``: ``from`` and ``to`` are stripped and lower
    cased, each id is lower cased and stripped, the ids are joined back with ``,`` and the tax id
    is appended only when given.

    >>> request_key(" UniProtKB_AC-ID", "ChEMBL", "P05067 , p12345", "9606")
    'uniprotkb_ac-idchemblp05067,p123459606'
    """
    if ids.isascii() and not has_whitespace(ids):
        # nothing to strip (in ASCII, Java's whitespace is Python's), and ASCII lower case is
        # the same for the whole text as for each id: a million ids in 0.1 s instead of 1 s;
        # split on commas and joined again, the text only loses its trailing commas (Java's
        # split drops the empty strings at its end), so it is not split (0.15 s less)
        ids_part = ids.lower().rstrip(",")
    else:
        ids_part = ",".join(_java_strip(item.lower())
                            for item in _java_split_commas(_java_strip(ids)))
    key = _java_strip(from_db).lower() + _java_strip(to_db).lower() + ids_part
    if tax_id:
        key += _java_strip(tax_id).lower()
    return key


def to_base62(data: bytes) -> str:
    """Write *data*, read as an unsigned big-endian number, in base 62.

    Like ``HashUtils.toBase62`` (``BigInteger`` arithmetic): most significant digit first, no
    leading zeros, and the empty string for zero.

    >>> to_base62(bytes([0, 0, 61]))
    'Z'
    >>> to_base62(bytes([0, 62]))
    '10'
    >>> to_base62(b"\\x00")
    ''
    """
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number > 0:
        number, remainder = divmod(number, 62)
        digits.append(BASE62_ALPHABET[remainder])
    return "".join(reversed(digits))


PINNED = "\x00release:"
"""What joins a pinned request's release name to the text hashed (ours: UniProt has none).
No form field of UniProt's clients sends a NUL, so a pinned id is never an unpinned one's."""


def job_id(from_db: str, to_db: str, ids: str, tax_id: str = "", release: str = "") -> str:
    """Return UniProt's job id for a mapping request.

    :param from_db: the ``from`` field as submitted, e.g. ``UniProtKB_AC-ID``.
    :param to_db: the ``to`` field as submitted.
    :param ids: the ``ids`` field as submitted: one comma-separated string.
    :param tax_id: the ``taxId`` field; left out of the hash when empty.
    :param release: the release a pinned request names (``/releases/{name}/...``); appended
        to the text hashed, so that the same request pinned to two releases gets two jobs.
        Empty (unpinned): UniProt's own id.
    :return: ten base-62 characters (fewer only if the hash happened to start with zeros).
    """
    # Java's PBKDF2 encodes the password chars as UTF-8 and turns an unpaired surrogate into
    # '?'; errors="replace" does the same instead of raising.
    key = request_key(from_db, to_db, ids, tax_id)
    if release:
        key += PINNED + release
    password = key.encode("utf-8", errors="replace")
    digest = hashlib.pbkdf2_hmac("sha1", password, SALT, ITERATIONS, KEY_BYTES)
    return to_base62(digest)[:JOB_ID_LENGTH]
