"""What a store keeps beside each entry document: the columns that filters and sorting read.

A document is the entry's JSON, compressed (:func:`pack`); the columns are plain values taken
from it (:func:`uniprotkb_row`, :func:`uniref_row`, :func:`uniparc_row`), in the order of the
store's document tables (:data:`idmapping.store.schema.DOCUMENT_COLUMNS`). Text columns that
queries search are lower-case and hold their terms between single spaces (``" tp53 p53 "``),
so a term matches with ``LIKE '% tp53 %'``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from typing import Any

import orjson

from idmapping.uniprot.common import REVIEWED, Json

__all__ = ["pack", "unpack", "pack_text", "unpack_text", "uniprotkb_row", "uniref_row",
           "uniparc_row", "protein_names", "gene_names", "ec_numbers", "terms"]

_ISOFORM = re.compile(r"-[0-9]+$")


def pack(entry: Json) -> bytes:
    """An entry's JSON, compressed for the store."""
    return zlib.compress(orjson.dumps(entry), 6)


def unpack(blob: bytes) -> Json:
    """The JSON of a packed entry."""
    data: Json = orjson.loads(zlib.decompress(blob))
    return data


def pack_text(text: str) -> bytes:
    """Text (a flat-file entry) compressed for the store."""
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_text(blob: bytes) -> str:
    """The text of :func:`pack_text`."""
    return zlib.decompress(blob).decode("utf-8")


def terms(values: Iterable[str]) -> str:
    """Lower-case search terms between single spaces: ``" a b "`` (empty: ``""``)."""
    words = [v.strip().lower() for v in values if v and v.strip()]
    return " " + " ".join(words) + " " if words else ""


def _names(block: Json | None) -> list[str]:
    if not block:
        return []
    found = []
    if "fullName" in block:
        found.append(block["fullName"]["value"])
    found += [s["value"] for s in block.get("shortNames", [])]
    return found


def protein_names(entry: Json) -> list[str]:
    """Every protein name of an entry, the recommended (or first submitted) full name first."""
    desc = entry.get("proteinDescription") or {}
    found = _names(desc.get("recommendedName"))
    for key in ("submissionNames", "alternativeNames"):
        for block in desc.get(key, []):
            found += _names(block)
    for key in ("includes", "contains"):
        for part in desc.get(key, []):
            found += _names(part.get("recommendedName"))
            for block in part.get("alternativeNames", []):
                found += _names(block)
    return found


def gene_names(entry: Json) -> list[str]:
    """Every gene name of an entry: names, synonyms, ordered-locus and ORF names."""
    found = []
    for gene in entry.get("genes", []):
        if "geneName" in gene:
            found.append(gene["geneName"]["value"])
        for key in ("synonyms", "orderedLocusNames", "orfNames"):
            found += [v["value"] for v in gene.get(key, [])]
    return found


def ec_numbers(entry: Json) -> list[str]:
    """Every EC number of an entry's names."""
    desc = entry.get("proteinDescription") or {}
    found = []
    blocks = [desc.get("recommendedName") or {}, *desc.get("submissionNames", []),
              *desc.get("alternativeNames", [])]
    for key in ("includes", "contains"):
        for part in desc.get(key, []):
            blocks += [part.get("recommendedName") or {}, *part.get("alternativeNames", [])]
    for block in blocks:
        found += [ec["value"] for ec in block.get("ecNumbers", [])]
    return list(dict.fromkeys(found))


def _xref_terms(entry: Json) -> tuple[list[str], list[str]]:
    go, xrefs = [], []
    for xref in entry.get("uniProtKBCrossReferences", []):
        db, ident = xref["database"], xref["id"]
        xrefs += [f"{db}-{ident}", ident]
        if db == "GO":
            go.append(ident.removeprefix("GO:"))
            go.append(ident)
            for prop in xref.get("properties", []):
                if prop["key"] == "GoTerm":
                    go.append(prop["value"].split(":", 1)[-1].replace(" ", "_"))
    return go, xrefs


def uniprotkb_row(entry: Json, flat: str | None = None) -> tuple[Any, ...]:
    """The ``kb_entries`` row of a UniProtKB entry's JSON (and its flat-file text)."""
    accession = entry["primaryAccession"]
    organism = entry.get("organism") or {}
    sequence = entry.get("sequence") or {}
    audit = entry.get("entryAudit") or {}
    existence = str(entry.get("proteinExistence", ""))[:1]
    genes = gene_names(entry)
    go, xrefs = _xref_terms(entry)
    keywords = [k.get("name", "") for k in entry.get("keywords", [])] + \
        [k["id"] for k in entry.get("keywords", []) if "id" in k]
    org_name = organism.get("scientificName", "")
    if organism.get("commonName"):
        org_name += f" ({organism['commonName']})"
    return (
        accession, _ISOFORM.sub("", accession), entry.get("uniProtkbId"),
        int(entry.get("entryType") == REVIEWED), int(bool(_ISOFORM.search(accession))),
        organism.get("taxonId"), org_name.lower(), sequence.get("length"),
        sequence.get("molWeight"), int(existence) if existence.isdigit() else None,
        audit.get("firstPublicDate"), audit.get("lastAnnotationUpdateDate"),
        audit.get("entryVersion"), terms(["|".join(protein_names(entry))]).replace("|", " | "),
        terms(genes), genes[0].lower() if genes else None, terms(ec_numbers(entry)),
        terms(go), terms(k.replace(" ", "_") for k in keywords), terms(xrefs),
        pack(entry), pack_text(flat) if flat is not None else None,
    )


def uniref_row(entry: Json) -> tuple[Any, ...]:
    """The ``uniref_entries`` row of a UniRef entry's JSON."""
    rep = entry.get("representativeMember") or {}
    taxon = entry.get("commonTaxon") or {}
    identity = entry.get("entryType", "UniRef").removeprefix("UniRef")
    return (
        entry["id"], int(identity) if identity.isdigit() else None, entry.get("name", ""),
        entry.get("memberCount", 0), (rep.get("sequence") or {}).get("length",
                                                                     rep.get("sequenceLength")),
        taxon.get("taxonId"), str(taxon.get("scientificName", "")).lower(),
        entry.get("updated"), terms(entry.get("members", [])), pack(entry),
    )


def uniparc_row(entry: Json) -> tuple[Any, ...]:
    """The ``uniparc_entries`` row of a UniParc entry's JSON."""
    sequence = entry.get("sequence") or {}
    return (
        entry["uniParcId"], sequence.get("length"), sequence.get("crc64"),
        entry.get("oldestCrossRefCreated"), entry.get("mostRecentCrossRefUpdated"),
        terms(entry.get("uniProtKBAccessions", [])), pack(entry),
    )
