"""Small pieces shared by the UniProt entry readers and writers: evidences, dates, sequences.

>>> parse_evidences("ECO:0000269|PubMed:16844695, ECO:0000255")[1]
{'evidenceCode': 'ECO:0000255'}
>>> split_evidences("Receptor for adenosine {ECO:0000269|PubMed:1}")
('Receptor for adenosine', [{'evidenceCode': 'ECO:0000269', 'source': 'PubMed', 'id': '1'}])
>>> iso_date("01-MAY-1991")
'1991-05-01'
>>> sequence_object("MKV")["crc64"]
'72C336F000000000'
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

__all__ = [
    "Json",
    "json_path",
    "parse_evidences",
    "split_evidences",
    "evidence_text",
    "iso_date",
    "flat_date",
    "sequence_object",
    "crc64",
    "mol_weight",
    "counts_by_type",
    "split_outside_braces",
    "drline_databases",
    "EXISTENCE",
    "REVIEWED",
    "UNREVIEWED",
    "INACTIVE",
]

Json = dict[str, Any]


def json_path(*keys: str) -> Callable[[Json], Any]:
    """A reader of ``entry[keys[0]][keys[1]]...``: None where a key is missing."""

    def read(entry: Json) -> Any:
        value: Any = entry
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return read
"""A JSON object as UniProt's REST API writes it (keys in UniProt's order)."""

REVIEWED = "UniProtKB reviewed (Swiss-Prot)"
UNREVIEWED = "UniProtKB unreviewed (TrEMBL)"
INACTIVE = "Inactive"

EXISTENCE = {
    1: "1: Evidence at protein level",
    2: "2: Evidence at transcript level",
    3: "3: Inferred from homology",
    4: "4: Predicted",
    5: "5: Uncertain",
}
"""UniProt's protein existence values by PE level."""

_EVIDENCE_TAIL = re.compile(r"\s*\{(ECO:[^{}]*)\}\s*$")
_MONTHS = {m: n for n, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}


def parse_evidences(text: str) -> list[Json]:
    """UniProt's evidence objects of ``ECO:...|Source:id, ...`` (no braces)."""
    found: list[Json] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        code, _, attribution = part.partition("|")
        evidence: Json = {"evidenceCode": code.strip()}
        if attribution:
            source, colon, ident = attribution.partition(":")
            if not colon:  # ``Ref.6``: a reference of the entry itself
                source, ident = "Reference", attribution
            evidence["source"] = source
            evidence["id"] = ident
        found.append(evidence)
    return found


def split_evidences(text: str) -> tuple[str, list[Json]]:
    """Text with a trailing ``{ECO:...}`` split into the text and its evidences."""
    match = _EVIDENCE_TAIL.search(text) if "{" in text else None  # most text has none
    if match is None:
        return text.strip(), []
    return text[: match.start()].strip(), parse_evidences(match.group(1))


def evidence_text(evidences: list[Json]) -> str:
    """The flat-file form of evidences, without braces: ``ECO:...|PubMed:1, ECO:...``."""
    parts = []
    for ev in evidences:
        text = ev["evidenceCode"]
        if ev.get("source") == "Reference":
            text += f"|{ev.get('id', '')}"
        elif "source" in ev:
            text += f"|{ev['source']}:{ev.get('id', '')}"
        parts.append(text)
    return ", ".join(parts)


def iso_date(text: str) -> str:
    """``01-MAY-1991`` as ``1991-05-01``; other text unchanged."""
    try:
        day, month, year = text.strip().split("-")
        return f"{int(year):04d}-{_MONTHS[month.upper()]:02d}-{int(day):02d}"
    except (ValueError, KeyError):
        return text.strip()


def flat_date(iso: str) -> str:
    """``1991-05-01`` as the flat file's ``01-MAY-1991``."""
    try:
        year, month, day = iso.split("-")
        names = list(_MONTHS)
        return f"{day}-{names[int(month) - 1]}-{year}"
    except (ValueError, IndexError):
        return iso


def _crc64_table() -> list[int]:
    table = []
    for i in range(256):
        value = i
        for _ in range(8):
            value = (value >> 1) ^ 0xD800000000000000 if value & 1 else value >> 1
        table.append(value)
    return table


_CRC_TABLE = _crc64_table()


def crc64(sequence: str) -> str:
    """UniProt's CRC64 checksum (ISO 3309 polynomial) of a sequence, upper-case hex."""
    crc = 0
    table = _CRC_TABLE
    for byte in sequence.encode("ascii"):
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return f"{crc:016X}"


# Average residue masses (UniProt's), water added once per chain.
_MASS = {
    "A": 71.0788, "R": 156.1875, "N": 114.1038, "D": 115.0886, "C": 103.1388, "E": 129.1155,
    "Q": 128.1307, "G": 57.0519, "H": 137.1411, "I": 113.1594, "L": 113.1594, "K": 128.1741,
    "M": 131.1926, "F": 147.1766, "P": 97.1167, "S": 87.0782, "T": 101.1051, "W": 186.2132,
    "Y": 163.1760, "V": 99.1326, "U": 150.0388, "O": 237.3018, "B": 114.5962, "Z": 128.6231,
    "X": 110.0, "J": 113.1594,
}


def mol_weight(sequence: str) -> int:
    """The average molecular weight of a protein sequence in Da, rounded as UniProt does."""
    if not sequence:
        return 0
    # residues counted in C, a letter at a time, rather than summed one by one in Python
    total = 0.0
    known = 0
    for residue, mass in _MASS.items():
        count = sequence.count(residue)
        if count:
            total += count * mass
            known += count
    total += (len(sequence) - known) * 110.0
    return int(round(total + 18.01524))


def sequence_object(sequence: str, weight: int | None = None, checksum: str | None = None
                    ) -> Json:
    """UniProt's ``sequence`` object: value, length, molWeight, crc64, md5.

    :param weight: the molecular weight the file states; computed when None.
    :param checksum: the CRC64 the file states; computed when None.
    """
    return {
        "value": sequence,
        "length": len(sequence),
        "molWeight": weight if weight is not None else mol_weight(sequence),
        "crc64": checksum or crc64(sequence),
        "md5": hashlib.md5(sequence.encode("ascii")).hexdigest().upper(),
    }


def counts_by_type(items: list[Json], key: str) -> dict[str, int]:
    """UniProt's ``countByCommentType`` (*key* ``commentType``) or ``countByFeatureType``
    (``type``): an interaction comment counts its interactions, an alternative-products comment
    its isoforms, anything else one.
    """
    counts: dict[str, int] = {}
    for item in items:
        kind = item[key]
        if key == "commentType" and kind == "INTERACTION":
            n = len(item.get("interactions", []))
        elif key == "commentType" and kind == "ALTERNATIVE PRODUCTS":
            n = len(item.get("isoforms", []))
        else:
            n = 1
        counts[kind] = counts.get(kind, 0) + n
    return counts


@functools.cache
def _separators(separator: str) -> re.Pattern[str]:
    """*separator* where it is followed by a space or ends the text."""
    return re.compile(re.escape(separator) + r"(?= |\Z)")


def split_outside_braces(text: str, separator: str = ";") -> Iterator[str]:
    """Parts of *text* split on *separator* where it is outside ``{...}`` and ``(...)``."""
    if "{" not in text and "(" not in text and "}" not in text and ")" not in text:
        # no brackets (most text): split in C, on each separator followed by a space or the end
        *parts, last = _separators(separator).split(text)
        for part in parts:
            yield part.strip()
        if last.strip():
            yield last.strip()
        return
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "{(":
            depth += 1
        elif char in "})":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0 and text[i + 1 : i + 2] in ("", " "):
            # a separator is followed by a space: "Name=HvPIP2;8;" holds one name
            yield text[start:i].strip()
            start = i + 1
    tail = text[start:].strip()
    if tail:
        yield tail


@functools.cache
def drline_databases() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """UniProt's cross-reference databases: ``{name: (category, [(attribute, xmlTag)])}``."""
    data = json.loads(resources.files("idmapping").joinpath("data/drline.json").read_text())
    return {name: (category, [(a, t) for a, t in attrs])
            for name, category, attrs in data["databases"]}
