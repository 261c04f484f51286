"""What are these ids? The databases of the current release that hold each id, and the best
``from`` database for a whole list.

Here on the demo release that ships with the package:

>>> import tempfile
>>> from idmapping.loader import demo_dir, load_release
>>> from idmapping.store import open_store
>>> folder = tempfile.TemporaryDirectory()
>>> store = open_store(folder.name + "/demo.sqlite")
>>> release = load_release([demo_dir() / "idmapping.dat.gz"], store)
>>> found = detect_ids(store, ["DEMO1", "NOPE"])
>>> found.best.database, found.best.ids, found.reason()
('Gene_Name', 1, '1 of 2 ids are Gene Name ids')
>>> store.close()
>>> folder.cleanup()

Every id is looked up in every catalogue database at once (one set query in the store,
:class:`~idmapping.store.plans.HoldingsPlan`): as a value of each database, matched as mapping
matches it (any letter case; without its version where the database's ids carry one), and as
a UniProtKB accession or entry name (``UniProtKB_AC-ID``, secondary accessions included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from idmapping.catalogue import AC_ID, Catalogue, Database
from idmapping.errors import InvalidRequest
from idmapping.ids import check_lengths, count_api_ids, lookup_key, split_api_ids, uniprot_key
from idmapping.runtime import paused_gc
from idmapping.store.base import Store
from idmapping.store.plans import HoldingsPlan

__all__ = ["Holding", "IdHoldings", "Candidate", "Detection", "detect_ids", "find_holdings",
           "request_ids", "DETECT_COLUMNS"]


@dataclass(frozen=True)
class Holding:
    """An id held in one database: by how many entries, how many reviewed, of which taxa."""

    database: str
    entries: int
    reviewed: int
    taxa: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "entries": self.entries, "reviewed": self.reviewed,
                "taxa": list(self.taxa)}


@dataclass
class IdHoldings:
    """Where one id is held in the current release.

    :param databases: the catalogue databases holding it, most entries first.
    :param secondary_of: the primary accessions of which it is a secondary accession.
    :param deleted: ``sp`` or ``tr`` if it is a deleted accession (delac_sp, delac_tr).
    :param versions: the stored values it matches only with another version (explain only).
    """

    id: str
    databases: list[Holding] = field(default_factory=list)
    secondary_of: list[str] = field(default_factory=list)
    deleted: str | None = None
    versions: list[str] = field(default_factory=list)

    def holding(self, database: str) -> Holding | None:
        for h in self.databases:  # most ids are held in no database or one
            if h.database == database:
                return h
        return None


@dataclass(frozen=True)
class Candidate:
    """A ``from`` database for a list: how many of its ids it holds, in how many entries."""

    database: str
    display_name: str
    ids: int
    entries: int

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "displayName": self.display_name, "ids": self.ids,
                "entries": self.entries}


@dataclass
class Detection:
    """The answer of :func:`detect_ids`: each id's holdings and the ranked ``from`` databases."""

    release: str
    ids: list[IdHoldings]
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        """The ``from`` database that holds the most ids (then the most entries)."""
        return self.candidates[0] if self.candidates else None

    def reason(self) -> str:
        """Why :attr:`best` is best, in words ("34 of 35 ids are Ensembl ids")."""
        best = self.best
        if best is None:
            return f"None of the {len(self.ids):,} ids is held by any database of the release"
        return f"{best.ids:,} of {len(self.ids):,} ids are {best.display_name} ids"

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of ``POST /idmapping/detect`` (docs/api.md)."""
        best = self.best
        return {
            "release": self.release,
            "count": len(self.ids),
            "best": None if best is None else {**best.to_dict(), "reason": self.reason()},
            "candidates": [c.to_dict() for c in self.candidates],
            "results": [{"id": h.id, "databases": [d.to_dict() for d in h.databases]}
                        for h in self.ids],
        }

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The TSV rows (:data:`DETECT_COLUMNS`): one per id and database, an id held nowhere
        with empty cells."""
        rows = []
        for held in self.ids:
            for h in held.databases:
                rows.append((held.id, h.database, str(h.entries), str(h.reviewed),
                             ",".join(map(str, h.taxa))))
            if not held.databases:
                rows.append((held.id, "", "0", "0", ""))
        return rows


DETECT_COLUMNS = ("Id", "Database", "Entries", "Reviewed", "Taxa")
"""The header of detect's TSV."""


def request_ids(ids: str | None, max_ids: int, max_id_length: int) -> list[str]:
    """The ``ids`` field of a request, split and checked as ``/idmapping/run`` checks it.

    :raises InvalidRequest: with the messages of ``/idmapping/run``.
    """
    if ids is None or not ids.strip() or count_api_ids(ids) == 0:
        raise InvalidRequest("'ids' is a required parameter")
    count = count_api_ids(ids)
    if count > max_ids:
        raise InvalidRequest(f"'{max_ids}' is the maximum count limit of comma separated items "
                             f"for 'ids' param. You have passed '{count}' items.")
    split = split_api_ids(ids)
    check_lengths(split, max_id_length)
    return split


def find_holdings(store: Store, ids: Sequence[str], catalogue: Catalogue | None = None,
                  any_version: Database | None = None) -> tuple[str, list[IdHoldings]]:
    """Where each of *ids* (distinct, in first-seen order) is held in the current release.

    :param any_version: also list the values of this (versioned) database that an id matches
        only with another version.
    :raises NoRelease: nothing is loaded.
    """
    catalogue = catalogue or store.catalogue
    by_type = catalogue.by_dat_type()
    texts = list(dict.fromkeys(ids))
    values = [text.lower() for text in texts]
    # an id's key without its version differs from it only where it ends in a dot and digits
    with_version = [None if "." not in lowered or (stripped := lookup_key(text, True)) ==
                    lowered else stripped for text, lowered in zip(texts, values, strict=True)]
    keys = [uniprot_key(text) for text in texts]
    plan = HoldingsPlan(
        values=values, with_version=with_version,
        accessions=[key if kind == "accession" else None for key, kind in keys],
        entry_names=[key if kind == "entry_name" else None for key, kind in keys],
        types=tuple(by_type),
        versioned=frozenset(t for t, db in by_type.items() if db.versioned),
        any_version=any_version.dat_type if any_version is not None and any_version.versioned
        else None)
    release, rows = store.holdings(plan)
    found = [IdHoldings(text) for text in texts]
    counts: dict[tuple[int, str], list[Any]] = {}
    for seq, what, detail, taxon, entries, reviewed in rows:
        if what in ("xref", "uniprot", "secondary"):
            name = AC_ID if what != "xref" else by_type[detail].name
            tally = counts.setdefault((seq, name), [0, 0, set()])
            tally[0] += int(entries)
            tally[1] += int(reviewed or 0)
            if taxon is not None:
                tally[2].add(int(taxon))
            if what == "secondary":
                found[seq].secondary_of.append(detail)
        elif what == "deleted":
            found[seq].deleted = detail
        elif what == "version":
            found[seq].versions.append(detail)
    for (seq, name), (entries, reviewed, taxa) in counts.items():
        found[seq].databases.append(Holding(name, entries, reviewed, tuple(sorted(taxa))))
    for held in found:
        # most ids are held in one database or none: only the others are sorted
        if len(held.databases) > 1:
            held.databases.sort(key=_most_entries)
        if len(held.secondary_of) > 1:
            held.secondary_of.sort()
        if len(held.versions) > 1:
            held.versions.sort()
    return release, found


def _most_entries(holding: Holding) -> tuple[int, str]:
    return -holding.entries, holding.database


def detect_ids(store: Store, ids: Sequence[str], catalogue: Catalogue | None = None
               ) -> Detection:
    """Which catalogue databases hold each id, and the best ``from`` database for the list:
    the one holding the most ids, then the most entries.

    :raises NoRelease: nothing is loaded.
    """
    catalogue = catalogue or store.catalogue
    with paused_gc():  # an object or more per id, none in a cycle
        release, found = find_holdings(store, ids, catalogue)
    tally: dict[str, list[int]] = {}
    for held in found:
        for h in held.databases:
            count = tally.setdefault(h.database, [0, 0])
            count[0] += 1
            count[1] += h.entries
    order = {name: n for n, name in enumerate(catalogue.databases)}
    candidates = [Candidate(name, catalogue.database(name).display_name, n, entries)
                  for name, (n, entries) in tally.items() if catalogue.database(name).is_from]
    candidates.sort(key=lambda c: (-c.ids, -c.entries, order[c.database]))
    return Detection(release, found, candidates)
