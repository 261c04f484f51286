"""Taxonomic lineages of entries, from the NCBI taxonomy a release may load: UniProtKB's
``lineages`` (return fields ``lineage`` and ``lineage_ids``) and UniParc's ``commonTaxons``
(``common_taxons`` and ``common_taxon_ids``).

They are added to a batch's entries only when a request asks for those fields (one lineage query
per batch, :meth:`~idmapping.store.Store.taxon_paths`), and only from the taxonomy: without one
no lineage is made up, and ``lineage`` falls back to the entry's own OC lines.

>>> paths = {9606: [(1, "root", "no rank"), (131567, "cellular organisms", "no rank"),
...                 (9605, "Homo", "genus"), (9606, "Homo sapiens", "species")],
...          10090: [(1, "root", "no rank"), (131567, "cellular organisms", "no rank"),
...                  (10090, "Mus musculus", "species")]}
>>> [step["scientificName"] for step in lineage(paths[9606])]
['cellular organisms', 'Homo']
>>> common_taxons([paths[9606], paths[10090]])
[{'topLevel': 'cellular organisms', 'commonTaxon': 'cellular organisms', 'commonTaxonId': 131567}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from idmapping.entries.dataset import Entry
    from idmapping.store import Store

__all__ = ["NCBI_ROOT", "lineage", "common_taxons", "add_lineages", "add_common_taxons",
           "lineage_cell", "lineage_ids_cell", "common_taxons_cell", "common_taxon_ids_cell"]

Path = Sequence[tuple[int, str, str]]
"""A taxon's lineage from the top of the taxonomy down to itself: ``(taxon, name, rank)``."""

NCBI_ROOT = 1
"""NCBI's root taxon ("root"), which UniProt's lineages leave out."""


def _below_root(path: Path) -> Path:
    return path[1:] if path and path[0][0] == NCBI_ROOT else path


def lineage(path: Path) -> list[dict[str, Any]]:
    """UniProt's ``lineages`` of a taxon: the taxa above it, from the top (the root left out)
    down to its parent, each ``{scientificName, taxonId, rank}``. The taxonomy loaded holds
    neither common names nor NCBI's hidden flags (names.dmp's scientific names and nodes.dmp's
    first three fields are read), so ``commonName`` and ``hidden`` are left out rather than
    guessed."""
    return [{"scientificName": name, "taxonId": taxon, "rank": rank}
            for taxon, name, rank in _below_root(path)[:-1]]


def common_taxons(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """UniParc's ``commonTaxons`` of an entry's organisms: for each top-level taxon (the first
    below the root: ``cellular organisms``, ``Viruses`` ...), in the order the organisms first
    reach it, the deepest taxon the lineages of all the organisms under it share."""
    groups: dict[int, tuple[str, list[tuple[int, str, str]]]] = {}
    for path in paths:
        below = list(_below_root(path))
        if not below:
            continue
        top = below[0]
        if top[0] not in groups:
            groups[top[0]] = (top[1], below)
            continue
        shared = groups[top[0]][1]
        length = 0
        while length < min(len(shared), len(below)) and shared[length][0] == below[length][0]:
            length += 1
        groups[top[0]] = (top[1], shared[:length])
    return [{"topLevel": name, "commonTaxon": shared[-1][1], "commonTaxonId": shared[-1][0]}
            for name, shared in groups.values()]


def add_lineages(store: Store, entries: dict[str, Entry]) -> None:
    """Give the UniProtKB *entries* the ``lineages`` of their organisms in the release's
    taxonomy (none without one, or for a taxon it does not know)."""
    taxa = {e["organism"]["taxonId"] for e in entries.values()
            if isinstance(e.get("organism"), dict) and e["organism"].get("taxonId")}
    paths = store.taxon_paths(sorted(taxa)) if taxa else {}
    for entry in entries.values():
        path = paths.get(int((entry.get("organism") or {}).get("taxonId") or 0))
        if path:
            entry["lineages"] = lineage(path)


def add_common_taxons(store: Store, entries: dict[str, Entry]) -> None:
    """Give the UniParc *entries* the ``commonTaxons`` of their organisms in the release's
    taxonomy (none without one)."""
    taxa = {o["taxonId"] for e in entries.values() for o in e.get("organisms", [])
            if o.get("taxonId")}
    paths = store.taxon_paths(sorted(taxa)) if taxa else {}
    if not paths:
        return
    for entry in entries.values():
        found = common_taxons([paths[o["taxonId"]] for o in entry.get("organisms", [])
                               if o.get("taxonId") in paths])
        if found:
            entry["commonTaxons"] = found


def lineage_cell(entry: Entry) -> str:
    """``lineage``: ``name (rank)`` of each taxon of ``lineages``, as UniProt writes them; an
    entry the taxonomy gives none has its OC lines' names, where its document holds them."""
    if entry.get("lineages"):
        return ", ".join(f"{t['scientificName']} ({t['rank']})" for t in entry["lineages"])
    return ", ".join((entry.get("organism") or {}).get("lineage", []))


def lineage_ids_cell(entry: Entry) -> str:
    """``lineage_ids``: ``taxon (rank)`` of each taxon of ``lineages``; empty without them
    (OC lines name taxa, they do not number them)."""
    return ", ".join(f"{t['taxonId']} ({t['rank']})" for t in entry.get("lineages", []))


def common_taxons_cell(entry: Entry) -> str:
    """``common_taxons``: the common taxa's names, ``"; "``-separated."""
    return "; ".join(str(t["commonTaxon"]) for t in entry.get("commonTaxons", []))


def common_taxon_ids_cell(entry: Entry) -> str:
    """``common_taxon_ids``: the common taxa's ids, ``"; "``-separated."""
    return "; ".join(str(t["commonTaxonId"]) for t in entry.get("commonTaxons", []))
