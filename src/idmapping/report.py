"""What a store holds: its releases, rows per ID type, sizes on disk and jobs.

>>> from idmapping.store import open_store                                  # doctest: +SKIP
>>> report = store_report(open_store("my.sqlite"))                          # doctest: +SKIP
>>> [(r.name, r.current) for r in report.releases], report.jobs             # doctest: +SKIP
([('2026_01', True)], 12)

``idmapping info`` prints it as tables, or as JSON (:meth:`StoreReport.to_dict`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from idmapping.store.base import Store

__all__ = ["StoreReport", "ReleaseReport", "store_report"]


@dataclass(frozen=True)
class ReleaseReport:
    """One release of a store.

    :param counts: rows per ID type and the entry counts; empty unless the release is ready.
    """

    id: int
    name: str
    state: str
    created: str
    current: bool
    counts: dict[str, int]


@dataclass(frozen=True)
class StoreReport:
    """A store's releases (oldest first), sizes on disk per part, and number of jobs."""

    store: str
    releases: tuple[ReleaseReport, ...]
    sizes: dict[str, int]
    jobs: int

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return dataclasses.asdict(self) | {
            "releases": [dataclasses.asdict(r) for r in self.releases]}


def store_report(store: Store) -> StoreReport:
    """The report of *store* (reads the counts of every ready release)."""
    releases = tuple(
        ReleaseReport(r.id, r.name, r.state, r.created, r.current,
                      store.release_counts(r) if r.state == "ready" else {})
        for r in store.releases())
    return StoreReport(store.url, releases, store.size_bytes(), len(store.list_jobs()))
