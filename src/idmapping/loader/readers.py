"""One reader per release-file format: each yields rows and names the line of any fault.

>>> import io
>>> rows = read_idmapping(io.StringIO("Q6GZX4\\tGI\\t49237298\\n"), "idmapping.dat")
>>> list(rows)
[('Q6GZX4', 'GI', '49237298')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from idmapping.errors import ReleaseFileError
from idmapping.ids import ACCESSION_RE

__all__ = ["ACCESSION_OR_ISOFORM", "read_idmapping", "read_selected", "read_sec_ac", "read_delac",
           "read_release_name", "read_release_date", "SELECTED_COLUMNS", "read_taxonomy_nodes",
           "read_taxonomy_names", "read_taxonomy_merged", "read_taxonomy_deleted",
           "dmp_fields"]

# idmapping_selected.tab, column by column: the ID_type each column holds (None: not a mapping).
SELECTED_COLUMNS: tuple[str | None, ...] = (
    None, "UniProtKB-ID", "GeneID", "RefSeq", "GI", "PDB", None, "UniRef100", "UniRef90",
    "UniRef50", "UniParc", "PIR", "NCBI_TaxID", "MIM", "UniGene", None, "EMBL", "EMBL-CDS",
    "Ensembl", "Ensembl_TRS", "Ensembl_PRO", None,
)
# Before 2011 the file had 23 columns: an IPI column stood after GO.
_SELECTED_LEGACY = SELECTED_COLUMNS[:7] + (None,) + SELECTED_COLUMNS[7:]

ACCESSION_OR_ISOFORM = re.compile(ACCESSION_RE.pattern[:-1] + r"(?:-[0-9]+)?$")
"""The first column of idmapping.dat (also an RE2 pattern, for Arrow)."""
_RELEASE_NAME = re.compile(r"Release:?\s+([0-9]{4}_[0-9]{2})")
_RELEASE_DATE = re.compile(r"Release:\s+([0-9]{1,2}-[A-Za-z]{3}-[0-9]{4})")
_RELEASE_OF = re.compile(r"Release:?\s+(?:[0-9]{4}_[0-9]{2}\s+of\s+)?"
                         r"([0-9]{1,2}-[A-Za-z]{3}-[0-9]{4})")


def _bad(message: str, path: str, line: int) -> ReleaseFileError:
    return ReleaseFileError(message, path, line)


def read_idmapping(text: TextIO, path: str) -> Iterator[tuple[str, str, str]]:
    """Rows ``(accession, ID_type, id)`` of idmapping.dat."""
    last = ""
    for number, line in enumerate(text, 1):
        parts = line.rstrip("\r\n").split("\t")
        if len(parts) != 3:
            if not line.strip():
                continue
            raise _bad(f"expected 3 tab-separated columns, found {len(parts)}", path, number)
        accession, id_type, value = parts
        if accession != last:
            if not ACCESSION_OR_ISOFORM.match(accession):
                raise _bad(f"not a UniProtKB accession: {accession[:40]!r}", path, number)
            last = accession
        if not id_type or not value:
            raise _bad("empty ID_type or id", path, number)
        yield accession, id_type, value


def read_selected(text: TextIO, path: str) -> Iterator[tuple[str, str, str]]:
    """Rows ``(accession, ID_type, id)`` of idmapping_selected.tab (22 columns, or 23)."""
    for number, line in enumerate(text, 1):
        cells = line.rstrip("\r\n").split("\t")
        if len(cells) == 22:
            columns = SELECTED_COLUMNS
        elif len(cells) == 23:
            columns = _SELECTED_LEGACY
        elif not line.strip():
            continue
        else:
            raise _bad(f"expected 22 tab-separated columns, found {len(cells)}", path, number)
        accession = cells[0]
        if not ACCESSION_OR_ISOFORM.match(accession):
            raise _bad(f"not a UniProtKB accession: {accession[:40]!r}", path, number)
        for id_type, cell in zip(columns, cells, strict=True):
            if id_type is None or not cell:
                continue
            for value in cell.split(";"):
                value = value.strip()
                if value:
                    yield accession, id_type, value


def _body(text: TextIO, path: str, marker: str) -> Iterator[tuple[int, str]]:
    """Numbered lines after the header line starting with *marker* and its underline."""
    in_body = False
    seen_marker = False
    for number, line in enumerate(text, 1):
        stripped = line.strip()
        if in_body:
            if stripped and not stripped.startswith("-----"):
                yield number, stripped
        elif seen_marker:
            if stripped.startswith("_"):
                in_body = True
        elif stripped.startswith(marker):
            seen_marker = True
    if not in_body:
        raise _bad(f"no '{marker}' table found", path, 1)


def read_sec_ac(text: TextIO, path: str) -> Iterator[tuple[str, str]]:
    """Rows ``(secondary accession, primary accession)`` of sec_ac.txt."""
    for number, line in _body(text, path, "Secondary AC"):
        parts = line.split()
        if len(parts) != 2 or not all(ACCESSION_RE.match(p) for p in parts):
            raise _bad(f"expected a secondary and a primary accession: {line[:60]!r}",
                       path, number)
        yield parts[0], parts[1]


def read_delac(text: TextIO, path: str) -> Iterator[str]:
    """Accessions listed in delac_sp.txt or delac_tr.txt."""
    for number, line in _body(text, path, "Accession number"):
        if not ACCESSION_RE.match(line):
            raise _bad(f"not a UniProtKB accession: {line[:40]!r}", path, number)
        yield line


def dmp_fields(line: str) -> list[str] | None:
    """The fields of a line of NCBI's taxdump (``1\t|\t1\t|\tno rank\t|``: fields
    separated by ``\t|\t``, the line ended by ``\t|``), or None if it has not that form."""
    line = line.rstrip("\r\n")
    if not line.endswith("\t|"):
        return None
    return line[:-2].split("\t|\t")


def _dmp(text: TextIO, path: str, least: int) -> Iterator[tuple[int, list[str]]]:
    """Numbered lines of a taxdump file as fields, at least *least* of them, the first a
    taxon id."""
    for number, line in enumerate(text, 1):
        if not line.strip():
            continue
        fields = dmp_fields(line)
        if fields is None:
            raise _bad("not a taxdump line: fields are separated by '\\t|\\t' and the line "
                       "ends with '\\t|'", path, number)
        if len(fields) < least:
            raise _bad(f"expected at least {least} fields, found {len(fields)}", path, number)
        if not fields[0].isdigit():
            raise _bad(f"not a taxon id: {fields[0][:40]!r}", path, number)
        yield number, fields


def read_taxonomy_nodes(text: TextIO, path: str) -> Iterator[tuple[int, int, str]]:
    """Rows ``(taxon, parent taxon, rank)`` of NCBI's taxdump nodes.dmp."""
    for number, fields in _dmp(text, path, 3):
        if not fields[1].isdigit():
            raise _bad(f"not a parent taxon id: {fields[1][:40]!r}", path, number)
        yield int(fields[0]), int(fields[1]), fields[2]


def read_taxonomy_names(text: TextIO, path: str) -> Iterator[tuple[int, str]]:
    """Rows ``(taxon, scientific name)`` of NCBI's taxdump names.dmp (other names, such as
    synonyms and common names, are skipped)."""
    for number, fields in _dmp(text, path, 4):
        if fields[3] == "scientific name":
            if not fields[1]:
                raise _bad("empty scientific name", path, number)
            yield int(fields[0]), fields[1]


def read_taxonomy_merged(text: TextIO, path: str) -> Iterator[tuple[int, int]]:
    """Rows ``(old taxon, new taxon)`` of NCBI's taxdump merged.dmp: taxa merged into
    others."""
    for number, fields in _dmp(text, path, 2):
        if not fields[1].isdigit():
            raise _bad(f"not a taxon id: {fields[1][:40]!r}", path, number)
        yield int(fields[0]), int(fields[1])


def read_taxonomy_deleted(text: TextIO, path: str) -> Iterator[tuple[int]]:
    """Rows ``(taxon,)`` of NCBI's taxdump delnodes.dmp: taxa deleted."""
    for _, fields in _dmp(text, path, 1):
        yield (int(fields[0]),)


def read_release_date(head: str) -> str | None:
    """The date of the release a file header states, as ``2026-01-28``.

    >>> read_release_date("UniProtKB/Swiss-Prot Release 2026_01 of 28-Jan-2026")
    '2026-01-28'
    """
    if m := _RELEASE_OF.search(head):
        import datetime as dt

        try:
            return dt.datetime.strptime(m.group(1), "%d-%b-%Y").date().isoformat()
        except ValueError:
            return None
    return None


def read_release_name(head: str) -> str | None:
    """The release named in a file header: ``2026_01``, else its date as ``2026-01-28``."""
    if m := _RELEASE_NAME.search(head):
        return m.group(1)
    if m := _RELEASE_DATE.search(head):
        import datetime as dt

        try:
            return dt.datetime.strptime(m.group(1), "%d-%b-%Y").date().isoformat()
        except ValueError:  # shaped like a date, but none (32-Jan-2026): no name from it
            return None
    return None
