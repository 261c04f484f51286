"""The reader of UniProt's isoform sequence file, ``uniprot_sprot_varsplic.fasta``.

The file holds the sequences of the isoforms that Swiss-Prot entries describe but do not
display, one FASTA record each, under the header UniProt gives an isoform entry::

    >sp|P48347-2|14310_ARATH Isoform 2 of 14-3-3-like protein GF14 epsilon OS=Arabidopsis
    thaliana OX=3702 GN=GRF10

(one line). Each record becomes the isoform's UniProtKB entry in UniProt's JSON: its accession,
the canonical entry's name, reviewed status, organism and gene as the header states them, the
isoform's name and its own sequence (with UniProt's CRC64 and average mass). Biopython's
:func:`~Bio.SeqIO.FastaIO.SimpleFastaParser` splits the records; the lines it reads are numbered
and checked on the way, so that a fault names its line.

>>> import io
>>> text = io.StringIO(">sp|P48347-2|14310_ARATH Isoform 2 of 14-3-3-like protein GF14 "
...                    "epsilon OS=Arabidopsis thaliana OX=3702 GN=GRF10\\nMENEREK\\nQV\\n")
>>> entry = next(read_isoform_fasta(text, "varsplic.fasta"))
>>> entry["primaryAccession"], entry["uniProtkbId"], entry["sequence"]["length"]
('P48347-2', '14310_ARATH', 9)
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import TextIO

from idmapping.errors import ReleaseFileError
from idmapping.ids import ACCESSION_RE
from idmapping.uniprot.common import EXISTENCE, REVIEWED, UNREVIEWED, Json, sequence_object

__all__ = ["read_isoform_fasta", "isoform_entry", "ISOFORM_HEADER"]

_ISOFORM_ACCESSION = ACCESSION_RE.pattern[1:-1] + r"-[0-9]+"
ISOFORM_HEADER = re.compile(rf">(?:sp|tr)\|{_ISOFORM_ACCESSION}\|")
"""How an isoform record's header line starts (``>sp|P48347-2|``); the loader sniffs it."""

_HEADER = re.compile(
    r"(?P<db>sp|tr)\|(?P<accession>[^|\s]+)\|(?P<name>\S+) (?P<protein>.+?)"
    r" OS=(?P<organism>.+?) OX=(?P<taxon>[0-9]+)(?: GN=(?P<gene>.+?))?"
    r"(?: PE=(?P<existence>[1-5]) SV=(?P<version>[0-9]+))?"
)
_ISOFORM = re.compile(_ISOFORM_ACCESSION)
_RESIDUES = re.compile(r"[A-Z]+")
_FRAGMENT = " (Fragment)"


def isoform_entry(header: str, sequence: str) -> Json:
    """The UniProtKB JSON of an isoform from its FASTA header (without ``>``) and sequence.

    The JSON gives the header back: :func:`idmapping.uniprot.writers.fasta.uniprotkb_fasta` writes
    the same line.

    :param header: the FASTA header, without ``>``.
    :param sequence: the isoform's sequence, on one line.
    :raises ValueError: the header is not an isoform's, or the sequence is empty.
    """
    match = _HEADER.fullmatch(header)
    if match is None:
        raise ValueError("not a UniProtKB isoform header (sp|ACC-N|NAME protein OS=organism "
                         f"OX=taxon ...): {header[:80]!r}")
    accession = match["accession"]
    if not _ISOFORM.fullmatch(accession):
        raise ValueError(f"not an isoform accession: {accession[:40]!r} (isoform sequence files "
                         "such as uniprot_sprot_varsplic.fasta hold isoforms only)")
    if not sequence:
        raise ValueError(f"no sequence after the header of {accession}")
    reviewed = match["db"] == "sp"
    entry: Json = {"entryType": REVIEWED if reviewed else UNREVIEWED,
                   "primaryAccession": accession, "uniProtkbId": match["name"]}
    if match["version"]:
        entry["entryAudit"] = {"sequenceVersion": int(match["version"])}
    entry["organism"] = {"scientificName": match["organism"], "taxonId": int(match["taxon"])}
    if match["existence"]:
        entry["proteinExistence"] = EXISTENCE[int(match["existence"])]
    entry["proteinDescription"] = _description(match["protein"], reviewed)
    if match["gene"]:
        entry["genes"] = [{"geneName": {"value": match["gene"]}}]
    entry["sequence"] = sequence_object(sequence)
    return entry


def _description(protein: str, reviewed: bool) -> Json:
    """``proteinDescription`` of the header's name, `` (Fragment)`` read as UniProt's flag."""
    name = protein.removesuffix(_FRAGMENT)
    block = {"fullName": {"value": name}}
    description: Json = {"recommendedName": block} if reviewed else {"submissionNames": [block]}
    if name != protein:
        description["flag"] = "Fragment"
    return description


class _Lines:
    """The file's lines for Biopython, numbered and checked, each header's number kept."""

    def __init__(self, text: TextIO, path: str) -> None:
        self.text = text
        self.path = path
        self.number = 0
        self.headers: deque[int] = deque()

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self.text)
        self.number += 1
        if line.startswith(">"):
            self.headers.append(self.number)
            return line
        residues = line.strip()
        if residues:
            if not self.headers:
                raise ReleaseFileError("a sequence line before the first '>' header",
                                       self.path, self.number)
            if not _RESIDUES.fullmatch(residues):
                raise ReleaseFileError(f"not a protein sequence line: {residues[:40]!r}",
                                       self.path, self.number)
        return line


def read_isoform_fasta(text: TextIO, path: str) -> Iterator[Json]:
    """The isoform entries of an isoform sequence file, in order.

    :param text: the file, opened as text (decompressed).
    :param path: its name, for errors.
    :raises ReleaseFileError: a malformed record, naming the file and the line.
    """
    # imported here, not with the module: Biopython's SeqIO brings its alignment modules,
    # 0.2 s of every command's start-up (the loader sniffs files with this module)
    from Bio.SeqIO.FastaIO import SimpleFastaParser

    lines = _Lines(text, path)
    records: Iterator[tuple[str, str]] = SimpleFastaParser(lines)  # type: ignore[no-untyped-call]
    for header, sequence in records:
        number = lines.headers.popleft()
        try:
            entry = isoform_entry(header, sequence)
        except ValueError as exc:
            raise ReleaseFileError(str(exc), path, number) from None
        yield entry
