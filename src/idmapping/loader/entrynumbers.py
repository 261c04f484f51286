"""Entry numbers by accession, for a release of any size in a bounded memory.

A release numbers its entries 1, 2, 3... in the order the files first name them. The numbers
given are written to the release being built as they are given
(:meth:`~idmapping.store.base.ReleaseWriter.insert_entry_numbers`), and kept in memory only as
a cache of at most :attr:`EntryNumbers.limit` accessions. When the cache is full it is emptied;
from then on an accession the cache does not hold is looked up in the release
(:meth:`~idmapping.store.base.ReleaseWriter.find_entries`) before it is given a new number.
idmapping.dat is grouped by accession, so those look-ups are one query a batch.

What an entry's rows state of it (its name, taxon, reviewed status) goes the same way: kept for
a batch (:class:`EntryFacts`), then written.
"""

from __future__ import annotations

from idmapping.store.base import ReleaseWriter

__all__ = ["EntryNumbers", "EntryFacts", "BYTES_PER_CACHED", "CACHE_SHARE", "cache_limit"]

BYTES_PER_CACHED = 160
"""Memory of one cached accession (a dict slot, a str of 6-10 characters, an int), rounded up
from a measure of CPython 3.11 (about 140 bytes)."""

CACHE_SHARE = 4
"""The cache may use this fraction of the load's memory (``load_memory_mb``)."""


def cache_limit(memory_mb: int) -> int:
    """Accessions cached for a load allowed *memory_mb* MiB (3.4M for the default 2 GiB)."""
    return max(1, memory_mb * (1 << 20) // CACHE_SHARE // BYTES_PER_CACHED)


class EntryNumbers:
    """Numbers entries by accession (canonical accessions, without an isoform's suffix).

    :param writer: where numbers are written, and looked up once the cache was emptied.
    :param limit: the most accessions the cache holds.
    """

    def __init__(self, writer: ReleaseWriter, limit: int) -> None:
        self.writer = writer
        self.limit = limit
        self.cache: dict[str, int] = {}
        self.count = 0
        """Entries numbered so far."""
        self.pending: list[tuple[int, str]] = []
        """``(entry, accession)`` given but not written yet."""
        self.emptied = 0
        """Times the cache was emptied: from the first, a miss is looked up in the release."""

    def number(self, accession: str) -> int:
        """The number of one accession, given now if it has none."""
        found = self.cache.get(accession)
        return self.numbers([accession])[0] if found is None else found

    def numbers(self, accessions: list[str]) -> list[int]:
        """The numbers of *accessions* (each once), new ones given in the order listed."""
        cache = self.cache
        known = [cache.get(a) for a in accessions]
        missing = [a for a, n in zip(accessions, known, strict=True) if n is None]
        if missing:
            found: dict[str, int] = {}
            if self.emptied:
                self.flush()
                found = self.writer.find_entries(missing)
            for accession in missing:
                if accession not in found:
                    self.count += 1
                    found[accession] = self.count
                    self.pending.append((self.count, accession))
            known = [found[a] if n is None else n
                     for a, n in zip(accessions, known, strict=True)]
            if len(cache) + len(found) > self.limit:
                self.flush()
                cache.clear()
                self.emptied += 1
            cache.update(found if len(found) <= self.limit else {})
            if len(self.pending) >= self.writer.batch_size:
                self.flush()
        return known  # type: ignore[return-value]  # every None was replaced

    def register(self, entry: int, accession: str) -> None:
        """Take *entry*, numbered elsewhere, as *accession*'s number: the next one
        (:meth:`ReleaseWriter.copy_release` numbers a release's entries 1..n in order).

        It is written as a given number is, and cached while the cache has room; past that, an
        accession the cache lacks is looked up in the release (:attr:`emptied`).
        """
        if entry != self.count + 1:
            raise ValueError(f"entry {entry} registered after {self.count}: not the next")
        self.count = entry
        self.pending.append((entry, accession))
        if len(self.cache) < self.limit:
            self.cache[accession] = entry
        elif not self.emptied:
            self.emptied = 1
        if len(self.pending) >= self.writer.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the numbers given since the last flush."""
        if self.pending:
            self.writer.insert_entry_numbers(self.pending)
            self.pending = []


class EntryFacts:
    """What files state of entries (name, reviewed status, taxon), written in batches.

    Within a batch, a later statement replaces an earlier one; across batches the release
    merges them (:meth:`~idmapping.store.base.ReleaseWriter.insert_entry_facts`).
    """

    def __init__(self, writer: ReleaseWriter) -> None:
        self.writer = writer
        self.pending: dict[int, list[str | int | None]] = {}

    def name(self, entry: int, name: str) -> None:
        self._fact(entry)[0] = name

    def reviewed(self, entry: int, reviewed: bool) -> None:
        self._fact(entry)[1] = int(reviewed)

    def taxon(self, entry: int, taxon: int) -> None:
        self._fact(entry)[2] = taxon

    def _fact(self, entry: int) -> list[str | int | None]:
        fact = self.pending.get(entry)
        if fact is None:
            if len(self.pending) >= self.writer.batch_size:
                self.flush()
            fact = self.pending[entry] = [None, None, None]
        return fact

    def flush(self) -> None:
        """Write the facts gathered since the last flush."""
        if self.pending:
            self.writer.insert_entry_facts([(e, *f) for e, f in self.pending.items()])  # type: ignore[misc]
            self.pending = {}
