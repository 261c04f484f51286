"""The UniRef dataset: light cluster entries, the ``to`` objects of ``/idmapping/uniref``.

A cluster is its stored document when the release holds UniRef XML; otherwise it is built from
the members the mapping files give it (:meth:`~idmapping.store.Store.members`), with the entry
name of its representative when the release knows it.

>>> uniref_entry("UniRef90_P12345", ["P12345", "Q11111"], {})["representativeMember"]
{'accessions': ['P12345']}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from idmapping.entries.clustercells import UNIREF_FIELDS, joined_cell
from idmapping.entries.dataset import Dataset, Entry, ReturnField, fields_by_name, stored_entries
from idmapping.model import EntryFacts
from idmapping.uniprot.common import json_path
from idmapping.uniprot.readers.clusters import LIGHT_MEMBERS

if TYPE_CHECKING:
    from idmapping.store import Store

__all__ = ["UNIREF", "uniref_entry"]


def _representative(cluster_id: str, members: Sequence[str]) -> str | None:
    """The representative's accession: the cluster is named after it (``UniRef90_P12345``)."""
    named = cluster_id.split("_", 1)[-1]
    return named if named in members else None


def uniref_entry(
    cluster_id: str, members: Sequence[str], names: dict[str, EntryFacts], complete: bool = False
) -> Entry:
    """The UniRef light entry of *cluster_id* from the accessions of its members.

    :param members: the accessions of the entries in the cluster.
    :param names: facts of the representative (for its entry name), if known.
    :param complete: list every member, not only the first ten (UniProt's light entries do).
    """
    entry: Entry = {"id": cluster_id, "entryType": cluster_id.split("_", 1)[0]}
    entry["memberCount"] = len(members)
    representative = _representative(cluster_id, members)
    if representative is not None:
        member: Entry = {}
        facts = names.get(representative)
        if facts is not None and facts.name:
            member["memberId"] = facts.name
        member["accessions"] = [representative]
        entry["representativeMember"] = member
    entry["members"] = list(members if complete else members[:LIGHT_MEMBERS])
    return entry


def _light_members(entry: Entry, complete: bool) -> Entry:
    """A stored entry with its first members only, unless *complete*."""
    if not complete and len(entry.get("members", [])) > LIGHT_MEMBERS:
        entry["members"] = entry["members"][:LIGHT_MEMBERS]
    return entry


def _read(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    """The entries of the clusters *ids*: stored documents, else built from their members."""
    unique = list(dict.fromkeys(ids))
    stored = stored_entries(store, "uniref", unique)
    missing = [cluster for cluster in unique if cluster not in stored]
    by_type: dict[str, list[str]] = {}
    for cluster in missing:
        by_type.setdefault(cluster.split("_", 1)[0], []).append(cluster)
    members: dict[str, list[str]] = {}
    for id_type, clusters in by_type.items():
        members.update(store.members(id_type, clusters))
    representatives = [
        rep for cluster in missing if (rep := _representative(cluster, members.get(cluster, [])))
    ]
    names = store.entry_facts(representatives) if representatives else {}
    return {
        cluster: _light_members(stored[cluster], complete) if cluster in stored
        else uniref_entry(cluster, members.get(cluster, []), names, complete)
        for cluster in unique
    }


UNIREF = Dataset(
    name="uniref",
    fields=fields_by_name(
        ReturnField("id", "Cluster ID", json_path("id")),
        ReturnField("name", "Cluster Name", json_path("name"), ("name",)),
        ReturnField("common_taxon", "Common taxon", json_path("commonTaxon", "scientificName"),
                    ("commonTaxon",)),
        ReturnField("count", "Size", json_path("memberCount"), ("memberCount",)),
        ReturnField("date_modified", "Date of last modification", json_path("updated"),
                    ("updated",)),
        ReturnField("members", "Cluster members", joined_cell("members"), ("members",)),
        *UNIREF_FIELDS,
    ),
    defaults=("id", "name", "common_taxon", "count", "date_modified"),
    required=("id",),
    id_key="id",
    reader=_read,
)
"""The UniRef dataset (UniRef100, UniRef90 and UniRef50 clusters alike)."""
