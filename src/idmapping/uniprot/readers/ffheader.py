"""The one-value lines of a flat-file entry: ID, AC, DT, OC, OX, PE and SQ, read as
Biopython's ``Bio.SwissProt`` read them (the same checks, the same messages), without its
record object.

>>> head = EntryHead()
>>> read_id(head, "ID   DEMO1_HUMAN             Reviewed;           5 AA.\\n")
>>> read_dt(head, "DT   01-JAN-2099, entry version 7.\\n")
>>> head.entry_name, head.data_class, head.annotation_update
('DEMO1_HUMAN', 'Reviewed', ('01-JAN-2099', 7))
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["EntryHead", "read_id", "read_dt", "read_ox", "read_sq"]

_DATA_CLASSES = ("STANDARD", "PRELIMINARY", "IPI", "Reviewed", "Unreviewed")


@dataclass
class EntryHead:
    """What an entry's one-value lines state."""

    entry_name: str = ""
    data_class: str = ""
    accessions: list[str] = field(default_factory=list)
    created: tuple[str, int | str] | None = None
    sequence_update: tuple[str, int | str] | None = None
    annotation_update: tuple[str, int | str] | None = None
    lineage: list[str] = field(default_factory=list)
    taxonomy_ids: list[str] = field(default_factory=list)
    existence: int | None = None
    seqinfo: tuple[int, int, str] | None = None


def read_id(head: EntryHead, line: str) -> None:
    """``ID   NAME  Reviewed;  123 AA.`` (or the older form with ``PRT;``).

    :raises ValueError: a line of neither form, or an unknown data class.
    """
    cols = line[5:].split()
    if len(cols) not in (4, 5):
        raise ValueError("ID line has unrecognised format")
    head.entry_name = cols[0]
    head.data_class = cols[1].rstrip(";")
    int(cols[-2])  # the sequence length: a number
    if head.data_class not in _DATA_CLASSES:
        raise ValueError(f"Unrecognized data class {head.data_class!r}")
    if len(cols) == 5 and cols[2].rstrip(";") != "PRT":
        raise ValueError(f"Unrecognized molecule type {cols[2].rstrip(';')!r}")


def _old_dt(head: EntryHead, value: str, upper: str) -> None:
    """``DT   01-FEB-1995 (Rel. 31, Created)``: the release number as the version."""
    cols = value.rstrip().split()
    upper_cols = upper.split()
    at = -1
    for index, col in enumerate(upper_cols):
        if "REL." in col:
            at = index
    if at < 0:
        raise ValueError(f"Could not find Rel. in DT line: {value}")
    text = cols[at + 1].rstrip(",")
    version: int | str = 0 if text == "" else text if "." in text else int(text)
    dated = cols[0], version
    if "CREATED" in upper:
        head.created = dated
    elif "LAST SEQUENCE UPDATE" in upper:
        head.sequence_update = dated
    else:
        head.annotation_update = dated


def read_dt(head: EntryHead, line: str) -> None:
    """A DT line: ``01-JAN-1998, integrated into ...``, ``..., sequence version 3.``,
    ``..., entry version 14.`` (or the old form with release numbers).

    :raises ValueError: a DT line of neither form.
    """
    value = line[5:]
    upper = value.upper()
    if "CREATED" in upper or "LAST SEQUENCE UPDATE" in upper or \
            "LAST ANNOTATION UPDATE" in upper:
        _old_dt(head, value, upper)
        return
    cols = value.rstrip().split()
    version = 0
    for part in cols[-1].split("."):
        if part.isdigit():
            version = int(part)
    dated = cols[0].rstrip(","), version
    if "INTEGRATED" in upper:
        head.created = dated
    elif "SEQUENCE VERSION" in upper:
        head.sequence_update = dated
    elif "ENTRY VERSION" in upper:
        head.annotation_update = dated
    else:
        raise ValueError("Failed to parse DT (DaTe) line")


def read_ox(head: EntryHead, line: str) -> None:
    """``OX   NCBI_TaxID=9606;`` (ids may run on; evidences are read elsewhere).

    :raises ValueError: another kind of taxonomy id.
    """
    ids = line.split("{")[0][5:].rstrip().rstrip(";")
    if not head.taxonomy_ids:
        kind, ids = ids.split("=")
        if kind != "NCBI_TaxID":
            raise ValueError(f"Unexpected taxonomy type {kind}")
    head.taxonomy_ids.extend(ids.split(", "))


def read_sq(head: EntryHead, line: str) -> None:
    """``SQ   SEQUENCE   5 AA;  575 MW;  0000000000000000 CRC64;``.

    :raises ValueError: a line without its seven columns.
    """
    cols = line[5:].split()
    if len(cols) != 7:
        raise ValueError(f"I don't understand SQ line {line}")
    head.seqinfo = int(cols[1]), int(cols[3]), cols[5]
