"""Loading entry files: UniProtKB (flat file, XML or isoform FASTA), UniRef and UniParc XML.

Each reader yields UniProt's JSON of one entry at a time; this module turns the entries into
document rows (:mod:`idmapping.uniprot.summary`) and into what the mapping engine needs from
them (entry names, reviewed status, taxa, gene names, cluster and UniParc memberships), in
batches, so that a load holds one batch of entries at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from idmapping.loader.builder import ReleaseBuilder
from idmapping.store.schema import INACTIVE_UNIPROTKB
from idmapping.uniprot.common import REVIEWED, Json
from idmapping.uniprot.summary import uniparc_row, uniprotkb_row, uniref_row

__all__ = ["load_uniprotkb", "load_uniref", "load_uniparc", "BATCH"]

BATCH = 2000
"""Entries handled at a time."""

_ISOFORM = re.compile(r"-[0-9]+$")
_GENE_TYPES = (("geneName", "Gene_Name"), ("synonyms", "Gene_Synonym"),
               ("orderedLocusNames", "Gene_OrderedLocusName"), ("orfNames", "Gene_ORFName"))
# UniParc cross-references whose ids are offered as suggestions for unmapped inputs, by the
# database's name in lower case (older UniParc XML writes REFSEQ, newer RefSeq)
_SUGGESTED = {"embl": "EMBL", "embl_con": "EMBL", "emblwgs": "EMBL", "refseq": "RefSeq",
              "gi": "GI"}


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _gene_rows(accession: str, entry: Json) -> Iterator[tuple[str, str, str]]:
    for gene in entry.get("genes", []):
        for key, id_type in _GENE_TYPES:
            value = gene.get(key)
            for item in value if isinstance(value, list) else [value] if value else []:
                yield accession, id_type, item["value"]
    checksum = (entry.get("sequence") or {}).get("crc64")
    if checksum:
        yield accession, "CRC64", checksum


def load_uniprotkb(builder: ReleaseBuilder, entries: Iterable[tuple[Json, str | None]]) -> int:
    """Load UniProtKB entries given as ``(json, flat-file text or None)``; return the count."""
    count = 0
    for batch in _batches(entries):
        rows = []
        mappings: list[tuple[str, str, str]] = []
        for entry, flat in batch:
            accession = entry["primaryAccession"]
            rows.append(uniprotkb_row(entry, flat))
            if _ISOFORM.search(accession):
                continue
            organism = entry.get("organism") or {}
            builder.set_entry(accession, entry.get("uniProtkbId"),
                             entry.get("entryType") == REVIEWED, organism.get("taxonId"))
            mappings += _gene_rows(accession, entry)
        builder.add_documents("uniprotkb", rows)
        builder.add_mappings(mappings)
        count += len(batch)
    return count


def load_uniref(builder: ReleaseBuilder, entries: Iterable[tuple[Json, list[Json]]]) -> int:
    """Load UniRef entries given as ``(light entry, members)``; each member is
    ``{"accession", "name", "taxon"}``. Members become the entries' UniRef cross-references."""
    count = 0
    for batch in _batches(entries):
        mappings = []
        for entry, members in batch:
            id_type = entry["entryType"]
            for member in members:
                accession = member["accession"]
                builder.set_entry(accession, member.get("name"), None, member.get("taxon"))
                mappings.append((accession, id_type, entry["id"]))
        mappings.sort(key=lambda row: row[0])
        builder.add_documents("uniref", [uniref_row(entry) for entry, _ in batch])
        builder.add_mappings(mappings)
        count += len(batch)
    return count


def load_uniparc(builder: ReleaseBuilder, entries: Iterable[tuple[Json, list[Json]]]) -> int:
    """Load UniParc entries given as ``(light entry, cross-references)``; each reference is
    ``{"database", "id", "active"}``. Active UniProtKB references become the entries'
    UniParc ids; inactive ones are kept as the UniParc ids of accessions no longer active
    (a deleted accession's sequence), and EMBL, RefSeq and GI ids for suggestions."""
    count = 0
    for batch in _batches(entries):
        mappings = []
        suggested = []
        for entry, xrefs in batch:
            upi = entry["uniParcId"]
            for xref in xrefs:
                database, ident = xref["database"], xref["id"]
                if database in ("UniProtKB/Swiss-Prot", "UniProtKB/TrEMBL") and xref.get(
                        "active") and not _ISOFORM.search(ident):
                    mappings.append((ident, "UniParc", upi))
                elif database in ("UniProtKB/Swiss-Prot", "UniProtKB/TrEMBL") and not \
                        _ISOFORM.search(ident):
                    suggested.append((INACTIVE_UNIPROTKB, ident, upi))
                elif database.lower() in _SUGGESTED:
                    suggested.append((_SUGGESTED[database.lower()], ident, upi))
        mappings.sort(key=lambda row: row[0])
        builder.add_documents("uniparc", [uniparc_row(entry, xrefs) for entry, xrefs in batch])
        builder.add_mappings(mappings)
        builder.add_uniparc_xrefs(suggested)
        count += len(batch)
    return count
