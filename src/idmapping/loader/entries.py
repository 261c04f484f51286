"""Loading entry files: UniProtKB (flat file, XML or isoform FASTA), UniRef and UniParc XML.

Each reader yields UniProt's JSON of one entry at a time. A batch of entries is first
*prepared* (:func:`prepare_uniprotkb`, :func:`prepare_uniref`, :func:`prepare_uniparc`): turned
into document rows (:mod:`idmapping.uniprot.summary`) and into what the mapping engine needs
from them (entry names, reviewed status, taxa, gene names, cluster and UniParc memberships),
with no store at hand, so that worker processes can do it (:mod:`idmapping.loader.chunks`).
The loading process then *applies* each prepared batch to the release being built
(:func:`apply`), in the file's order, holding one batch of entries at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from idmapping.loader.builder import ReleaseBuilder
from idmapping.searchwords import term_rows
from idmapping.store.schema import INACTIVE_UNIPROTKB
from idmapping.uniprot.common import REVIEWED, Json
from idmapping.uniprot.summary import uniparc_row, uniprotkb_row, uniref_row

__all__ = ["Prepared", "prepare_uniprotkb", "prepare_uniref", "prepare_uniparc", "apply",
           "load_uniprotkb", "load_uniref", "load_uniparc", "BATCH"]

BATCH = 2000
"""Entries handled at a time."""

_ISOFORM = re.compile(r"-[0-9]+$")
_GENE_TYPES = (("geneName", "Gene_Name"), ("synonyms", "Gene_Synonym"),
               ("orderedLocusNames", "Gene_OrderedLocusName"), ("orfNames", "Gene_ORFName"))
# UniParc cross-references whose ids are offered as suggestions for unmapped inputs, by the
# database's name in lower case (older UniParc XML writes REFSEQ, newer RefSeq)
_SUGGESTED = {"embl": "EMBL", "embl_con": "EMBL", "emblwgs": "EMBL", "refseq": "RefSeq",
              "gi": "GI"}
_UNIPROTKB = ("UniProtKB/Swiss-Prot", "UniProtKB/TrEMBL")


@dataclass
class Prepared:
    """What a batch of entries adds to a release, ready to be stored in the file's order.

    :param kind: the document table: ``uniprotkb``, ``uniref`` or ``uniparc``.
    :param documents: the document rows (:data:`~idmapping.store.schema.DOCUMENT_COLUMNS`).
    :param entries: ``(accession, name, reviewed, taxon)`` facts the entries state
        (:meth:`~idmapping.loader.builder.ReleaseBuilder.set_entry`), in order.
    :param mappings: ``(accession, ID_type, value)`` rows, as idmapping.dat has them.
    :param uniparc_xrefs: ``(ID_type, id, UniParc id)`` rows (UniParc only).
    :param terms: ``(accession, field, terms)`` rows of the entries' search words (UniProtKB
        only, :func:`~idmapping.searchwords.term_rows`).
    """

    kind: str
    documents: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[str, str | None, bool | None, int | None]] = field(
        default_factory=list)
    mappings: list[tuple[str, str, str]] = field(default_factory=list)
    uniparc_xrefs: list[tuple[str, str, str]] = field(default_factory=list)
    terms: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Entries in the batch."""
        return len(self.documents)


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


def prepare_uniprotkb(batch: Iterable[tuple[Json, str | None]]) -> Prepared:
    """A batch of UniProtKB entries given as ``(json, flat-file text or None)``."""
    prepared = Prepared("uniprotkb")
    spans: dict[str, tuple[int, int]] = {}  # where each entry's words are in prepared.terms
    replaced: list[tuple[int, int]] = []  # those of entries given again later in the batch
    for entry, flat in batch:
        accession = entry["primaryAccession"]
        prepared.documents.append(uniprotkb_row(entry, flat))
        start = len(prepared.terms)
        prepared.terms += term_rows(entry)
        if accession in spans:
            replaced.append(spans[accession])
        spans[accession] = (start, len(prepared.terms))
        if _ISOFORM.search(accession):
            continue
        organism = entry.get("organism") or {}
        prepared.entries.append((accession, entry.get("uniProtkbId"),
                                 entry.get("entryType") == REVIEWED, organism.get("taxonId")))
        prepared.mappings += _gene_rows(accession, entry)
    if replaced:
        prepared.terms = _without(prepared.terms, replaced)
    return prepared


def _without(rows: list[Any], spans: list[tuple[int, int]]) -> list[Any]:
    """*rows* but those of *spans* ``(start, stop)``: the words of an entry that a later entry
    of the same batch replaces (the store keeps the later document; the store drops the words
    of an entry replaced by a later batch itself)."""
    dropped = {n for start, stop in spans for n in range(start, stop)}
    return [row for n, row in enumerate(rows) if n not in dropped]


def prepare_uniref(batch: Iterable[tuple[Json, list[Json]]]) -> Prepared:
    """A batch of UniRef entries given as ``(light entry, members)``; each member is
    ``{"accession", "name", "taxon"}``. Members become the entries' UniRef cross-references."""
    prepared = Prepared("uniref")
    for entry, members in batch:
        id_type = entry["entryType"]
        for member in members:
            accession = member["accession"]
            prepared.entries.append((accession, member.get("name"), None, member.get("taxon")))
            prepared.mappings.append((accession, id_type, entry["id"]))
        prepared.documents.append(uniref_row(entry))
    prepared.mappings.sort(key=lambda row: row[0])
    return prepared


def prepare_uniparc(batch: Iterable[tuple[Json, list[Json]]]) -> Prepared:
    """A batch of UniParc entries given as ``(light entry, cross-references)``; each
    reference is ``{"database", "id", "active"}``. Active UniProtKB references become the
    entries' UniParc ids; inactive ones are kept as the UniParc ids of accessions no longer
    active (a deleted accession's sequence), and EMBL, RefSeq and GI ids for suggestions."""
    prepared = Prepared("uniparc")
    for entry, xrefs in batch:
        upi = entry["uniParcId"]
        for xref in xrefs:
            database, ident = xref["database"], xref["id"]
            if database in _UNIPROTKB and not _ISOFORM.search(ident):
                if xref.get("active"):
                    prepared.mappings.append((ident, "UniParc", upi))
                else:
                    prepared.uniparc_xrefs.append((INACTIVE_UNIPROTKB, ident, upi))
            elif database.lower() in _SUGGESTED:
                prepared.uniparc_xrefs.append((_SUGGESTED[database.lower()], ident, upi))
        prepared.documents.append(uniparc_row(entry, xrefs))
    prepared.mappings.sort(key=lambda row: row[0])
    return prepared


def apply(builder: ReleaseBuilder, prepared: Prepared) -> int:
    """Add a prepared batch to the release being built; return its count of entries."""
    for accession, name, reviewed, taxon in prepared.entries:
        builder.set_entry(accession, name, reviewed, taxon)
    builder.add_documents(prepared.kind, prepared.documents)
    if prepared.terms:
        builder.add_terms(prepared.terms)
    builder.add_mappings(prepared.mappings)
    if prepared.kind == "uniparc":
        builder.add_uniparc_xrefs(prepared.uniparc_xrefs)
    return prepared.count


def load_uniprotkb(builder: ReleaseBuilder, entries: Iterable[tuple[Json, str | None]]) -> int:
    """Load UniProtKB entries given as ``(json, flat-file text or None)``; return the count."""
    return sum(apply(builder, prepare_uniprotkb(batch)) for batch in _batches(entries))


def load_uniref(builder: ReleaseBuilder, entries: Iterable[tuple[Json, list[Json]]]) -> int:
    """Load UniRef entries (:func:`prepare_uniref`); return the count."""
    return sum(apply(builder, prepare_uniref(batch)) for batch in _batches(entries))


def load_uniparc(builder: ReleaseBuilder, entries: Iterable[tuple[Json, list[Json]]]) -> int:
    """Load UniParc entries (:func:`prepare_uniparc`); return the count."""
    return sum(apply(builder, prepare_uniparc(batch)) for batch in _batches(entries))
