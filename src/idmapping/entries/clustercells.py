"""UniRef and UniParc return fields read from their light entries (beyond the defaults).

>>> UNIREF_FIELDS[0].cell({"commonTaxon": {"taxonId": 9526}})
9526
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idmapping.entries.dataset import ReturnField
from idmapping.uniprot.common import Json, json_path
from idmapping.uniprot.uniparcdb import SIGNATURE_DATABASES

__all__ = ["UNIREF_FIELDS", "UNIPARC_FIELDS", "organisms_cell", "joined_cell"]


def joined_cell(key: str, part: str | None = None) -> Callable[[Json], str]:
    """The items of the list *key* (or their *part*), ``; ``-separated."""

    def read(entry: Json) -> str:
        items = entry.get(key) or []
        values = [item.get(part) if part and isinstance(item, dict) else item for item in items]
        return "; ".join(str(v) for v in values if v is not None)

    return read


def organisms_cell(entry: Json) -> str:
    """Organism names (or taxon ids where the name is unknown), ``; ``-separated."""
    found = []
    for organism in entry.get("organisms") or []:
        if isinstance(organism, dict):
            found.append(str(organism.get("scientificName") or organism.get("taxonId", "")))
        else:
            found.append(str(organism))
    return "; ".join(found)


def _identity(entry: Json) -> str:
    value = str(entry.get("entryType", "")).removeprefix("UniRef")
    return f"{int(value) / 100:.1f}" if value.isdigit() else ""


def _rep_length(entry: Json) -> Any:
    rep = entry.get("representativeMember") or {}
    return (rep.get("sequence") or {}).get("length", rep.get("sequenceLength"))


def _proteomes(entry: Json) -> str:
    """``UP000005640:Chromosome 8; ...``, as UniProt writes a UniParc entry's proteomes."""
    return "; ".join(f"{p.get('id')}:{p.get('component', '')}"
                     for p in entry.get("proteomes") or [])


def _signatures(database: str) -> Callable[[Json], str]:
    """The ids of the sequence features of *database*, comma-separated, as UniProt writes
    them."""

    def read(entry: Json) -> str:
        return ",".join(str(f["databaseId"]) for f in entry.get("sequenceFeatures") or []
                        if f.get("database") == database and f.get("databaseId"))

    return read


UNIREF_FIELDS = (
    ReturnField("common_taxonid", "Common taxon ID", json_path("commonTaxon", "taxonId"),
                ("commonTaxon",)),
    ReturnField("organism_id", "Organism IDs", joined_cell("organisms", "taxonId"),
                ("organisms",)),
    ReturnField("organism", "Organisms", organisms_cell, ("organisms",)),
    ReturnField("identity", "Identity", _identity, ("entryType",)),
    ReturnField("length", "Length", _rep_length, ("representativeMember",)),
    ReturnField("sequence", "Reference sequence",
                json_path("representativeMember", "sequence", "value"), ("representativeMember",)),
    ReturnField("types", "Types", joined_cell("memberIdTypes"), ("memberIdTypes",)),
)
"""UniRef fields beyond the defaults and members."""

UNIPARC_FIELDS = (
    ReturnField("gene", "Gene names", joined_cell("geneNames"), ("geneNames",)),
    ReturnField("protein", "Protein names", joined_cell("proteinNames"), ("proteinNames",)),
    ReturnField("organism_id", "Organism ID", joined_cell("organisms", "taxonId"), ("organisms",)),
    ReturnField("proteome", "Proteomes", _proteomes, ("proteomes",)),
    ReturnField("checksum", "Checksum", json_path("sequence", "crc64"), ("sequence",)),
    ReturnField("sequence", "Sequence", json_path("sequence", "value"), ("sequence",)),
    *(ReturnField(database.lower(), database, _signatures(database), ("sequenceFeatures",),
                  only=database) for database in SIGNATURE_DATABASES),
)
"""UniParc fields beyond the defaults: names, taxa, proteomes, sequence, and the sequence
features of each of UniProt's feature databases (``Pfam``: its ids, comma-separated)."""
