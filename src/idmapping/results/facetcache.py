"""Facet counts of finished jobs, kept in a bounded LRU: UniProt's website asks for the same
facets (``facets=…&size=0``) on every page of a job's results, and the counts of a finished
job never change for one release, so each is counted once.

A count is kept under the job's identity (its id, when it was created and when it was last
changed: a job run again or deleted and submitted again is another job), the release the
counts were read from, the filter and the facet; so a re-run job, a dropped job's successor
or another current release never meet an old count, and old ones age out of the LRU.

>>> cache = FacetCache(2)
>>> cache.counts(("job", 1), lambda: [("true", 3)])
[('true', 3)]
>>> cache.counts(("job", 1), lambda: [])
[('true', 3)]
>>> cache.hits, cache.misses
(1, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from idmapping.model import Job
from idmapping.store.base import Store
from idmapping.store.plans import FacetQuery, FilterQuery

__all__ = ["FacetCache", "Counts", "facet_key"]

Counts = list[tuple[Any, int]]
"""A facet's ``(value, count)`` rows, as :meth:`~idmapping.store.Store.facet_counts` gives."""


def facet_key(store: Store, job: Job, query: FilterQuery, facet: FacetQuery) -> Hashable:
    """The key of one facet's counts: the job's identity, the release read, filter, facet."""
    release = store.current_release()
    return (job.id, job.created, job.updated, job.release,
            (release.id, release.name) if release else None, query, facet)


class FacetCache:
    """A bounded, thread-safe LRU of facet counts.

    :param entries: the most counts kept (``facet_cache_entries``); 0 keeps none.
    """

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[Hashable, Counts] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def counts(self, key: Hashable, count: Callable[[], Counts]) -> Counts:
        """The counts kept under *key*, else *count*'s (kept, the least recently used
        dropped past the bound). Counting runs outside the lock: two requests for the same
        new key may both count, and keep the same answer."""
        if self.entries <= 0:
            return count()
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return list(found)
            self.misses += 1
        counted = list(count())
        with self._lock:
            self._kept[key] = counted
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return list(counted)
