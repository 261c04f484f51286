"""The UniProtKB flat-file reader: Swiss-Prot and TrEMBL ``.dat`` entries as UniProt's JSON.

Each entry's lines are read in one pass: the one-value lines (:mod:`.ffheader`) and the
feature table (:mod:`.fffeatures`) as they come, the line groups (names, genes, comments,
references, cross-references, keywords) gathered for their readers, so that the JSON keeps
UniProt's structure and evidences, and ``format=txt`` can give the entry back exactly as the
file had it. Biopython's ``Bio.SwissProt`` read these files before; the lines it accepted,
the values it read and the errors it raised are kept, without building its record and
location objects for every entry.

>>> import io
>>> entry = next(read_flatfile(io.StringIO(EXAMPLE), "example.dat"))
>>> entry.json["primaryAccession"], entry.json["uniProtkbId"], entry.json["sequence"]["length"]
('Q9DEM0', 'DEMO1_HUMAN', 5)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

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
from idmapping.uniprot.readers.fffeatures import FeatureLines, features, read_feature_line
from idmapping.uniprot.readers.ffheader import EntryHead, read_dt, read_id, read_ox, read_sq
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

__all__ = ["FlatEntry", "EntryLines", "read_flatfile", "read_lines", "entry_json", "EXAMPLE"]

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
# lines gathered for the line-group readers (ffnames, ffcomments), by code
_GROUP_LINES = frozenset(("DE", "GN", "OS", "OG", "OH", "CC", "DR", "KW", "OX"))
_IGNORED = frozenset(("**", "//"))


@dataclass
class EntryLines:
    """An entry's lines, read: its one-value lines, features, sequence, and the bodies of
    the line groups (the text after the line code) by code and by reference."""

    head: EntryHead = field(default_factory=EntryHead)
    features: list[FeatureLines] = field(default_factory=list)
    sequence: str = ""
    groups: dict[str, list[str]] = field(default_factory=dict)
    references: list[dict[str, list[str]]] = field(default_factory=list)


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
        # a line of an entry starts with its code; blank lines are skipped
        if line[:1] <= " " and (not line or line.isspace()):
            continue
        lines.append(line if line[-1:] == "\n" else line + "\n")
        numbers.append(number)
        if line[:2] == "//":
            read = read_lines(lines, numbers, path)
            try:
                json = entry_json(read)
            except (ValueError, KeyError, IndexError) as exc:
                raise ReleaseFileError(f"cannot read the entry: {exc}", path,
                                       numbers[0]) from None
            yield FlatEntry(json, "".join(lines), numbers[0])
            lines, numbers = [], []
    if lines:
        read_lines(lines, numbers, path)  # names the line where a bad entry went wrong
        raise ReleaseFileError("not a UniProtKB flat-file entry: Unexpected end of stream.",
                               path, number)


def read_lines(lines: list[str], numbers: list[int], path: str) -> EntryLines:
    """One entry's lines (``ID`` to ``//``), read in one pass.

    :param numbers: the line of the file each of *lines* is.
    :raises ReleaseFileError: a line the format does not allow (an unknown line code, a
        reference line before ``RN``, a malformed one-value or feature line), with its line.
    """
    read = EntryLines()
    head, groups, references = read.head, read.groups, read.references
    sequence: list[str] = []
    at = 0
    try:
        if lines[0][:2] != "ID":
            raise ValueError("Failed to find ID in first line")
        read_id(head, lines[0])
        for at in range(1, len(lines)):
            line = lines[at]
            code = line[:2]
            if code == "  ":
                sequence.append(line[5:])
            elif code == "FT":
                read_feature_line(read.features, line)
            elif code in _GROUP_LINES:
                if code == "OX":
                    read_ox(head, line)
                groups.setdefault(code, []).append(line[5:].rstrip("\r\n"))
            elif code in _REFERENCE_LINES:
                if not references:
                    raise ValueError(f"{code}: missing RN")
                references[-1].setdefault(code, []).append(line[5:].rstrip("\r\n"))
            elif code == "RN":
                references.append({"RN": [line[5:].rstrip("\r\n")]})
            elif code in _IGNORED:
                continue
            else:
                _read_line(head, code, line)
    except (ValueError, KeyError, IndexError) as exc:
        raise ReleaseFileError(f"not a UniProtKB flat-file entry: {exc}".rstrip(": "),
                               path, numbers[at]) from None
    read.sequence = "".join("".join(sequence).split())
    return read


def _read_line(head: EntryHead, code: str, line: str) -> None:
    """One identifier, date, taxonomy, existence or sequence-header line."""
    if code == "AC":
        head.accessions.extend(line[5:].rstrip().rstrip(";").split("; "))
    elif code == "DT":
        read_dt(head, line)
    elif code == "OC":
        head.lineage.extend(line[5:].rstrip().rstrip(";.").split("; "))
    elif code == "PE":
        head.existence = int(line[5:].rstrip().split(":")[0])
    elif code == "SQ":
        read_sq(head, line)
    else:
        raise ValueError(f"Unknown keyword {code!r} found")


def _keywords(lines: list[str]) -> list[Json]:
    found = []
    for item in split_outside_braces(join_lines(lines).removesuffix(".")):
        name, evidences = split_evidences(item)
        keyword: Json = {"name": name}
        if evidences:
            keyword["evidences"] = evidences
        found.append(keyword)
    return found


def _organism(head: EntryHead, groups: dict[str, list[str]]) -> Json:
    organism = organism_names(join_lines(groups.get("OS", [])))
    ox = " ".join(groups.get("OX", []))
    _, evidences = split_evidences(ox.strip().rstrip(";"))
    organism["taxonId"] = int(head.taxonomy_ids[0]) if head.taxonomy_ids else 0
    if evidences:
        organism["evidences"] = evidences
    organism["lineage"] = [c for c in head.lineage if c]
    return organism


def _dated(value: tuple[str, int | str] | None, what: str) -> tuple[str, int | str]:
    if value is None:
        raise ValueError(f"no DT line of the {what}")
    return value


def entry_json(read: EntryLines) -> Json:
    """UniProt's JSON of one entry's lines (:func:`read_lines`)."""
    head, groups, refs = read.head, read.groups, read.references
    entry: Json = {
        "entryType": REVIEWED if head.data_class == "Reviewed" else UNREVIEWED,
        "primaryAccession": head.accessions[0],
    }
    if len(head.accessions) > 1:
        entry["secondaryAccessions"] = head.accessions[1:]
    entry["uniProtkbId"] = head.entry_name
    created = _dated(head.created, "entry's integration")
    annotated = _dated(head.annotation_update, "entry version")
    sequenced = _dated(head.sequence_update, "sequence version")
    entry["entryAudit"] = {
        "firstPublicDate": iso_date(created[0]),
        "lastAnnotationUpdateDate": iso_date(annotated[0]),
        "lastSequenceUpdateDate": iso_date(sequenced[0]),
        "entryVersion": int(annotated[1]),
        "sequenceVersion": int(sequenced[1]),
    }
    entry["organism"] = _organism(head, groups)
    if groups.get("OH"):
        entry["organismHosts"] = organism_hosts(groups["OH"])
    if head.existence:
        entry["proteinExistence"] = EXISTENCE.get(head.existence, "")
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
    found_features = features(read.features)
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
    weight = head.seqinfo[1] if head.seqinfo else None
    checksum = head.seqinfo[2] if head.seqinfo else None
    entry["sequence"] = sequence_object(read.sequence, weight, checksum)
    entry["extraAttributes"] = {
        "countByCommentType": counts_by_type(found_comments, "commentType"),
        "countByFeatureType": counts_by_type(found_features, "type"),
    }
    return entry
