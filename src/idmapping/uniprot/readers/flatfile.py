"""The UniProtKB flat-file reader: Swiss-Prot and TrEMBL ``.dat`` entries as UniProt's JSON.

Biopython's :mod:`Bio.SwissProt` splits the file into records (identifiers, dates, taxonomy,
sequence, features); the line groups it flattens (names, genes, comments, references,
cross-references, keywords) are read from the entry's own lines, which the reader keeps, so
that the JSON keeps UniProt's structure and evidences, and ``format=txt`` can give the entry
back exactly as the file had it.

>>> import io
>>> entry = next(read_flatfile(io.StringIO(EXAMPLE), "example.dat"))
>>> entry.json["primaryAccession"], entry.json["uniProtkbId"], entry.json["sequence"]["length"]
('Q9DEM0', 'DEMO1_HUMAN', 5)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from Bio import SwissProt

from idmapping.errors import ReleaseFileError
from idmapping.uniprot.common import (
    EXISTENCE,
    REVIEWED,
    UNREVIEWED,
    Json,
    counts_by_type,
    iso_date,
    sequence_object,
    split_evidences,
    split_outside_braces,
)
from idmapping.uniprot.readers.ffcomments import comments
from idmapping.uniprot.readers.fffeatures import features
from idmapping.uniprot.readers.ffnames import (
    cross_reference,
    description,
    gene_locations,
    genes,
    organism_hosts,
    organism_names,
    reference,
)
from idmapping.uniprot.readers.fftext import join_lines

__all__ = ["FlatEntry", "read_flatfile", "entry_json", "EXAMPLE"]

EXAMPLE = """\
ID   DEMO1_HUMAN             Reviewed;           5 AA.
AC   Q9DEM0;
DT   01-JAN-2099, integrated into UniProtKB/Swiss-Prot.
DT   01-JAN-2099, sequence version 1.
DT   01-JAN-2099, entry version 1.
DE   RecName: Full=Demo protein 1;
GN   Name=DEMO1;
OS   Homo sapiens (Human).
OC   Eukaryota; Metazoa; Chordata.
OX   NCBI_TaxID=9606;
PE   1: Evidence at protein level;
SQ   SEQUENCE   5 AA;  575 MW;  0000000000000000 CRC64;
     MKVLA
//
"""


@dataclass
class FlatEntry:
    """One entry read from a flat file: UniProt's JSON, and the entry's lines as they were."""

    json: Json
    text: str
    line: int


_REFERENCE_LINES = frozenset(("RP", "RC", "RX", "RL", "RA", "RG", "RT"))
# lines read from the entry's own text by the line-group readers, not by Biopython
_GROUP_LINES = frozenset(("DE", "GN", "OS", "OG", "OH", "CC", "DR", "KW", "**"))


def read_flatfile(text: TextIO, path: str, first_line: int = 1) -> Iterator[FlatEntry]:
    """The entries of a UniProtKB flat file, in order.

    :param text: the file, opened as text (decompressed).
    :param path: its name, for errors.
    :param first_line: the line of the file *text* starts at: *text* may be a part of the
        file (:mod:`idmapping.loader.chunks`).
    :raises ReleaseFileError: a malformed entry, naming the file and the line.
    """
    number = first_line - 1
    lines: list[str] = []
    numbers: list[int] = []
    for line in text:
        number += 1
        if not line.strip():
            continue
        lines.append(line if line.endswith("\n") else line + "\n")
        numbers.append(number)
        if line.startswith("//"):
            record = _record(lines, numbers, path)
            try:
                json = entry_json(record, lines)
            except (ValueError, KeyError, IndexError) as exc:
                raise ReleaseFileError(f"cannot read the entry: {exc}", path,
                                       numbers[0]) from None
            yield FlatEntry(json, "".join(lines), numbers[0])
            lines, numbers = [], []
    if lines:
        _record(lines, numbers, path)  # names the line where a bad entry went wrong
        raise ReleaseFileError("not a UniProtKB flat-file entry: Unexpected end of stream.",
                               path, number)


def _record(lines: list[str], numbers: list[int], path: str) -> Any:
    """Biopython's record of one entry's lines (``ID`` to ``//``), with what
    :func:`entry_json` takes from it: identifiers, dates, taxonomy, features and sequence.

    Biopython's line readers fill it, but the line groups that :func:`entry_json` reads
    from the lines themselves (names, genes, comments, references, cross-references,
    keywords) are not parsed twice.

    :raises ReleaseFileError: a line Biopython refuses, or an unknown line code, with its line.
    """
    record = SwissProt.Record()  # type: ignore[no-untyped-call]
    sequence: list[str] = []
    referenced = False
    at = 0
    try:
        if lines[0][:2] != "ID":
            raise SwissProt.SwissProtParserError(  # type: ignore[no-untyped-call]
                "Failed to find ID in first line", line=lines[0])
        SwissProt._read_id(record, lines[0])  # type: ignore[no-untyped-call]
        for at in range(1, len(lines)):
            line = lines[at]
            key = line[:2]
            if key == "  ":
                sequence.append(line[5:].replace(" ", "").rstrip())
            elif key == "FT":
                SwissProt._read_ft(record, line)  # type: ignore[no-untyped-call]
            elif key in _GROUP_LINES or key == "//":
                continue
            elif key in _REFERENCE_LINES:
                assert referenced, f"{key}: missing RN"
            elif key == "RN":
                referenced = True
            else:
                _read_line(record, key, line)
    except (SwissProt.SwissProtParserError, AssertionError, ValueError, IndexError) as exc:
        raise ReleaseFileError(f"not a UniProtKB flat-file entry: {exc}".rstrip(": "),
                               path, numbers[at]) from None
    record.sequence = "".join(sequence)
    return record


def _read_line(record: Any, key: str, line: str) -> None:
    """One identifier, date, taxonomy, existence or sequence-header line, as Biopython
    reads it."""
    value = line[5:].rstrip()
    if key == "AC":
        record.accessions.extend(value.rstrip(";").split("; "))
    elif key == "DT":
        SwissProt._read_dt(record, line)  # type: ignore[no-untyped-call]
    elif key == "OC":
        record.organism_classification.extend(value.rstrip(";.").split("; "))
    elif key == "OX":
        SwissProt._read_ox(record, line)  # type: ignore[no-untyped-call]
    elif key == "PE":
        SwissProt._read_pe(record, value)  # type: ignore[no-untyped-call]
    elif key == "SQ":
        cols = value.split()
        assert len(cols) == 7, f"I don't understand SQ line {line}"
        record.seqinfo = int(cols[1]), int(cols[3]), cols[5]
    else:
        raise SwissProt.SwissProtParserError(  # type: ignore[no-untyped-call]
            f"Unknown keyword {key!r} found", line=line)


def _groups(lines: list[str]) -> tuple[dict[str, list[str]], list[dict[str, list[str]]]]:
    """The entry's line bodies by line code, and its references' lines by code."""
    groups: dict[str, list[str]] = {}
    refs: list[dict[str, list[str]]] = []
    for line in lines:
        code, body = line[:2], line[5:].rstrip("\r\n")
        if code == "RN":
            refs.append({"RN": [body]})
        elif code in ("RP", "RC", "RX", "RG", "RA", "RT", "RL") and refs:
            refs[-1].setdefault(code, []).append(body)
        else:
            groups.setdefault(code, []).append(body)
    return groups, refs


def _keywords(lines: list[str]) -> list[Json]:
    found = []
    for item in split_outside_braces(join_lines(lines).removesuffix(".")):
        name, evidences = split_evidences(item)
        keyword: Json = {"name": name}
        if evidences:
            keyword["evidences"] = evidences
        found.append(keyword)
    return found


def _organism(record: Any, groups: dict[str, list[str]]) -> Json:
    organism = organism_names(join_lines(groups.get("OS", [])))
    ox = " ".join(groups.get("OX", []))
    _, evidences = split_evidences(ox.strip().rstrip(";"))
    organism["taxonId"] = int(record.taxonomy_id[0]) if record.taxonomy_id else 0
    if evidences:
        organism["evidences"] = evidences
    organism["lineage"] = [c for c in record.organism_classification if c]
    return organism


def entry_json(record: Any, lines: list[str]) -> Json:
    """UniProt's JSON of one Biopython record and the lines it was read from.

    :param record: the entry as :mod:`Bio.SwissProt` reads it.
    :param lines: the entry's own lines, from ``ID`` to ``//``.
    """
    groups, refs = _groups(lines)
    entry: Json = {
        "entryType": REVIEWED if record.data_class == "Reviewed" else UNREVIEWED,
        "primaryAccession": record.accessions[0],
    }
    if len(record.accessions) > 1:
        entry["secondaryAccessions"] = record.accessions[1:]
    entry["uniProtkbId"] = record.entry_name
    entry["entryAudit"] = {
        "firstPublicDate": iso_date(record.created[0]),
        "lastAnnotationUpdateDate": iso_date(record.annotation_update[0]),
        "lastSequenceUpdateDate": iso_date(record.sequence_update[0]),
        "entryVersion": int(record.annotation_update[1]),
        "sequenceVersion": int(record.sequence_update[1]),
    }
    entry["organism"] = _organism(record, groups)
    if groups.get("OH"):
        entry["organismHosts"] = organism_hosts(groups["OH"])
    if record.protein_existence:
        entry["proteinExistence"] = EXISTENCE.get(int(record.protein_existence), "")
    entry["proteinDescription"] = description(groups.get("DE", []))
    if groups.get("GN"):
        entry["genes"] = genes(groups["GN"])
    found_comments = comments(groups.get("CC", []))
    for comment in found_comments:
        for interaction in comment.get("interactions", []):
            one = interaction["interactantOne"]
            if not one.get("uniProtKBAccession") and not one.get("chainId"):
                interaction["interactantOne"] = {"uniProtKBAccession": entry[
                    "primaryAccession"], **one}
    if found_comments:
        entry["comments"] = found_comments
    found_features = features(record.features)
    if found_features:
        entry["features"] = found_features
    if groups.get("OG"):
        entry["geneLocations"] = gene_locations(groups["OG"])
    if groups.get("KW"):
        entry["keywords"] = _keywords(groups["KW"])
    if refs:
        entry["references"] = [reference(r) for r in refs]
    if groups.get("DR"):
        entry["uniProtKBCrossReferences"] = [cross_reference(line) for line in groups["DR"]]
    weight = record.seqinfo[1] if record.seqinfo else None
    checksum = record.seqinfo[2] if record.seqinfo else None
    entry["sequence"] = sequence_object(record.sequence, weight, checksum)
    entry["extraAttributes"] = {
        "countByCommentType": counts_by_type(found_comments, "commentType"),
        "countByFeatureType": counts_by_type(found_features, "type"),
    }
    return entry
