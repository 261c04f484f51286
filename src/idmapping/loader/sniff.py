"""Recognising UniProt's release files from their first bytes, whatever their name."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from idmapping.errors import UnknownFormat
from idmapping.loader.readers import dmp_fields
from idmapping.uniprot.readers.isoforms import ISOFORM_HEADER

__all__ = ["ReleaseFile", "sniff", "open_text", "FORMATS"]

GZIP_MAGIC = b"\x1f\x8b"

FORMATS = ("idmapping", "selected", "sec_ac", "delac", "reldate", "uniprotkb_flat",
           "uniprotkb_xml", "uniref_xml", "uniparc_xml", "isoform_fasta", "taxonomy_nodes",
           "taxonomy_names", "taxonomy_merged", "taxonomy_deleted")
"""The formats the loader reads: idmapping.dat, idmapping_selected.tab, sec_ac.txt,
delac_sp.txt/delac_tr.txt, reldate.txt, UniProtKB flat files (uniprot_sprot.dat,
uniprot_trembl.dat), UniProtKB XML, UniRef XML, UniParc XML and the isoform sequence file
(uniprot_sprot_varsplic.fasta), and NCBI's taxonomy (taxdump's nodes.dmp and names.dmp)."""

_XML_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(uniprot|UniRef(?:100|90|50)?|uniparc)[\s>]")


@dataclass(frozen=True)
class ReleaseFile:
    """A release file and what it holds.

    :param format: one of :data:`FORMATS`.
    :param compressed: the file is gzip-compressed.
    """

    path: Path
    format: str
    compressed: bool
    size: int
    head: str = ""


def _head(path: Path, compressed: bool) -> str:
    with open(path, "rb") as raw:
        stream: BinaryIO = gzip.GzipFile(fileobj=raw) if compressed else raw  # type: ignore[assignment]
        try:
            data = stream.read(16384)
        except (OSError, EOFError, zlib.error) as exc:
            raise UnknownFormat(f"cannot decompress: {exc}", str(path)) from None
    return data.decode("utf-8", errors="replace")


def sniff(path: str | Path) -> ReleaseFile:
    """Tell the format and compression of *path* from its content.

    :raises UnknownFormat: the file is none of the release formats.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) == GZIP_MAGIC
        size = path.stat().st_size
    except OSError as exc:
        raise UnknownFormat(f"cannot read: {exc.strerror}", str(path)) from None
    head = _head(path, compressed)
    fmt = _format_of(head)
    if fmt is None:
        raise UnknownFormat(
            "not a UniProt release file this loader reads (idmapping.dat, "
            "idmapping_selected.tab, sec_ac.txt, delac_sp.txt, delac_tr.txt, reldate.txt, "
            "UniProtKB flat file or XML, UniRef XML, UniParc XML, isoform sequences "
            "uniprot_sprot_varsplic.fasta, NCBI taxdump nodes.dmp, names.dmp, merged.dmp "
            "or delnodes.dmp)",
            str(path))
    return ReleaseFile(path, fmt, compressed, size, head)


def _format_of(head: str) -> str | None:
    stripped = head.lstrip("\ufeff \r\n")
    if stripped.startswith("ID   ") and "\nAC   " in stripped:
        return "uniprotkb_flat"
    if stripped.startswith(">"):
        # the isoform sequence file; other FASTA files (canonical sequences) are not read
        return "isoform_fasta" if ISOFORM_HEADER.match(stripped) else None
    if stripped.startswith("<"):
        if m := _XML_ROOT.search(stripped):
            root = m.group(1)
            return {"uniprot": "uniprotkb_xml", "uniparc": "uniparc_xml"}.get(root, "uniref_xml")
        return None
    if "Secondary AC" in head and "Primary AC" in head:
        return "sec_ac"
    if "Accession number" in head and "deleted" in head.lower():
        return "delac"
    if head.startswith("UniProt Knowledgebase Release"):
        return "reldate"
    first = head.split("\n", 1)[0]
    if (taxdump := _taxdump(first)) is not None:
        return taxdump
    fields = first.rstrip("\r").split("\t")
    if len(fields) == 3 and fields[0] and fields[1]:
        return "idmapping"
    if len(fields) in (22, 23) and fields[0]:
        return "selected"
    return None


def _taxdump(first: str) -> str | None:
    """nodes.dmp (taxon, parent taxon, rank and ten more fields), names.dmp (taxon, name,
    unique name, name class), merged.dmp (old taxon, new taxon) or delnodes.dmp (taxon), from
    a first line in taxdump's form."""
    fields = dmp_fields(first)
    if fields is None or not fields[0].isdigit():
        return None
    if len(fields) >= 10 and fields[1].isdigit():
        return "taxonomy_nodes"
    if len(fields) == 4 and fields[3] and fields[3].replace(" ", "").replace("-", "").isalpha():
        return "taxonomy_names"
    if len(fields) == 2 and fields[1].isdigit():
        return "taxonomy_merged"
    if len(fields) == 1:
        return "taxonomy_deleted"
    return None


def open_text(file: ReleaseFile, raw: BinaryIO) -> io.TextIOWrapper:
    """A text reader over *raw*, decompressing when the file is compressed."""
    stream: BinaryIO = gzip.GzipFile(fileobj=raw) if file.compressed else raw  # type: ignore[assignment]
    return io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="")
