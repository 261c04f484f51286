"""The UniParc dataset: light sequence entries, the ``to`` objects of ``/idmapping/uniparc``.

An entry is its stored document when the release holds UniParc XML; otherwise it is built from
the UniProtKB entries the mapping files give the sequence (:meth:`~idmapping.store.Store.members`).

>>> uniparc_entry("UPI0000000001", ["P12345"])
{'uniParcId': 'UPI0000000001', 'uniProtKBAccessions': ['P12345']}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from idmapping.entries.clustercells import UNIPARC_FIELDS, joined_cell, organisms_cell
from idmapping.entries.dataset import Dataset, Entry, ReturnField, fields_by_name, stored_entries
from idmapping.entries.lineages import add_common_taxons, common_taxon_ids_cell, common_taxons_cell
from idmapping.uniprot.common import json_path

if TYPE_CHECKING:
    from idmapping.store import Store

__all__ = ["UNIPARC", "uniparc_entry"]


def uniparc_entry(upi: str, accessions: Sequence[str]) -> Entry:
    """The UniParc light entry of *upi*: its id and the UniProtKB entries with its sequence."""
    return {"uniParcId": upi, "uniProtKBAccessions": list(accessions)}


def _named(store: Store, entries: dict[str, Entry]) -> None:
    """Give the organisms of *entries* (taxon ids, as UniParc XML states them) the scientific
    names of the release's taxonomy, where it has one, as UniProt's entries name them."""
    taxa = [o["taxonId"] for e in entries.values() for o in e.get("organisms", [])
            if "scientificName" not in o and o.get("taxonId")]
    names = store.taxon_names(taxa) if taxa else {}
    if not names:
        return
    for entry in entries.values():
        entry["organisms"] = [{"scientificName": names[o["taxonId"]], **o}
                              if o.get("taxonId") in names and "scientificName" not in o else o
                              for o in entry.get("organisms", [])]


def _read(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    """The entries of the UniParc ids *ids*: stored documents (their organisms named by the
    release's taxonomy), else built from their members."""
    unique = list(dict.fromkeys(ids))
    stored = stored_entries(store, "uniparc", unique)
    _named(store, stored)
    missing = [upi for upi in unique if upi not in stored]
    members = store.members("UniParc", missing) if missing else {}
    return {upi: stored.get(upi) or uniparc_entry(upi, members.get(upi, [])) for upi in unique}


UNIPARC = Dataset(
    name="uniparc",
    fields=fields_by_name(
        ReturnField("upi", "Entry", json_path("uniParcId")),
        ReturnField("organism", "Organisms", organisms_cell, ("organisms",)),
        ReturnField("accession", "UniProtKB", joined_cell("uniProtKBAccessions"),
                    ("uniProtKBAccessions",)),
        ReturnField("first_seen", "First seen", json_path("oldestCrossRefCreated"),
                    ("oldestCrossRefCreated",)),
        ReturnField("last_seen", "Last seen", json_path("mostRecentCrossRefUpdated"),
                    ("mostRecentCrossRefUpdated",)),
        ReturnField("length", "Length", json_path("sequence", "length"), ("sequence",)),
        ReturnField("common_taxons", "Common taxonomies", common_taxons_cell, ("commonTaxons",),
                    adds=add_common_taxons),
        ReturnField("common_taxon_ids", "Common taxonomies (IDs)", common_taxon_ids_cell,
                    ("commonTaxons",), adds=add_common_taxons),
        *UNIPARC_FIELDS,
    ),
    defaults=("upi", "organism", "accession", "first_seen", "last_seen", "length"),
    required=("uniParcId",),
    id_key="uniParcId",
    reader=_read,
)
"""The UniParc dataset."""
