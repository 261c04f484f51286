"""Clades as ranges: each taxon of a taxonomy numbered in depth-first order, so that a taxon's
descendants are the taxa numbered from it to its last descendant.

A ``taxId`` stands for a taxon and every taxon below it (docs/mapping.md, "Taxonomy"). Walking
down the tree at each query reads the whole clade: the 500,000 taxa of Bacteria for
``taxId=2``. With the spans, which a load computes once, whether an entry's taxon is in the
clade is two lookups by key, whatever the size of the clade.

>>> list(clade_spans([(1, 1), (2, 1), (3, 2), (4, 1)]).rows())
[[(1, 0, 3), (2, 1, 2), (3, 2, 2), (4, 3, 3)]]

A taxon that nodes.dmp names as a parent but does not list stands above its children, as the
walk down from it finds them; a merged taxon (merged.dmp) stands where the taxon it was merged
into does, so that entries still of the old id are in the new one's clades:

>>> sorted(*clade_spans([(3, 9), (4, 3)], merged=[(7, 4)]).rows())
[(3, 1, 2), (4, 2, 2), (7, 2, 2), (9, 0, 2)]

A taxonomy with a loop (no root above some taxa) has no spans: the walk is kept there.

>>> clade_spans([(1, 1), (2, 3), (3, 2)]) is None
True

NCBI's taxonomy has 2.7 million taxa: numbered one at a time with a Python object per taxon,
that took 8 s of processor time and 700 MB (docs/benchmarks.md, issue 17). Here the taxa are
numbered in arrays, one tree level at a time (NCBI's is a few dozen levels deep), and the spans
are handed to the store in batches.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

__all__ = ["BATCH", "CladeSpans", "clade_spans"]

BATCH = 65_536
"""Spans per batch handed to the store (:meth:`CladeSpans.batches`)."""

Ints = npt.NDArray[np.int64]
Index = npt.NDArray[np.int32]
"""Taxa by index, and numbers: 2.7 million of them, 4 bytes each rather than 8."""


@dataclasses.dataclass(frozen=True)
class CladeSpans:
    """``(taxon, first, last)`` of every taxon, as three columns: its number in depth-first
    order and that of its last descendant."""

    taxa: Ints
    low: Index
    high: Index

    def __len__(self) -> int:
        return len(self.taxa)

    def batches(self, size: int | None = None) -> Iterator[tuple[Ints, Index, Index]]:
        """The three columns, *size* rows at a time (default :data:`BATCH`)."""
        size = size or BATCH
        for start in range(0, len(self.taxa), size):
            end = start + size
            yield self.taxa[start:end], self.low[start:end], self.high[start:end]

    def rows(self, size: int | None = None) -> Iterator[list[tuple[int, int, int]]]:
        """Lists of ``(taxon, first, last)`` tuples, *size* at a time, for ``executemany``."""
        for taxa, low, high in self.batches(size):
            yield list(zip(taxa.tolist(), low.tolist(), high.tolist(), strict=True))


def clade_spans(nodes: Iterable[tuple[int, int]], merged: Iterable[tuple[int, int]] = ()
                ) -> CladeSpans | None:
    """The spans of every taxon of *nodes* (``(taxon, parent)`` rows, the root its own
    parent; read once, a row at a time). The descendants of a taxon are exactly those the
    recursive walk down the parent column finds (:data:`~idmapping.store.sql.DESCENDANTS`);
    siblings are numbered in the order of their ids, and so are roots.

    :param merged: ``(old, new)`` taxa of merged.dmp: an old id is given the span of its new
        id's own number (it has no descendants of its own).
    :returns: None where some taxa have no root above them (a loop), which spans cannot
        represent.
    """
    pairs = np.fromiter(itertools.chain.from_iterable(nodes), dtype=np.int64)
    listed, parents = pairs[0::2], pairs[1::2]
    del pairs
    if len(listed) > 1 and not (listed[1:] > listed[:-1]).all():
        # nodes.dmp, and so the table, lists the taxa by id: a copy sorted otherwise
        order = np.argsort(listed, kind="stable")
        listed, parents = listed[order], parents[order]
        del order
    # the taxa by index: the listed ones in the order of their ids, then the parents
    # nodes.dmp names but does not list (roots, as the walk down from them finds their
    # children), then the merged ids given a span (no nodes of the tree)
    at, known = _find(listed, parents)
    unlisted = np.unique(parents[~known])
    at[~known] = len(listed) + np.searchsorted(unlisted, parents[~known])
    del parents, known
    count = len(listed) + len(unlisted)
    parent = np.arange(count, dtype=np.int32)  # an unlisted taxon is its own parent: a root
    parent[:len(listed)] = at
    del at
    olds, into = _merged(listed, unlisted, merged)
    taxa = np.concatenate([listed, unlisted, olds])
    del listed, unlisted
    levels = _levels(parent, taxa[:count])
    if levels is None:
        return None
    size = _sizes(parent, levels)
    low = np.empty(len(taxa), dtype=np.int32)
    _number(parent, levels, size, low)
    del levels, parent
    high = low.copy()
    high[:count] += size - 1
    del size
    low[count:] = high[count:] = low[into]
    return CladeSpans(taxa, low, high)


def _find(ids: Ints, values: Ints) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.bool_]]:
    """Where each of *values* is in the sorted, distinct *ids* (undefined where it is not),
    and whether it is there."""
    if not len(ids):
        return np.zeros(len(values), dtype=np.intp), np.zeros(len(values), dtype=bool)
    top = int(ids[-1])
    if ids[0] >= 0 and top < 8 * len(ids) + 2**20:
        # ids as dense as NCBI's (3.5 million at most for 2.7 million taxa): a table by id,
        # read in one pass, 60 times faster than a binary search of each value in turn
        table = np.full(top + 2, -1, dtype=np.int32)
        table[ids] = np.arange(len(ids), dtype=np.int32)
        at = table[np.clip(values, -1, top + 1)]  # out of range: -1 and top + 1, the last
        return at, at >= 0
    # sparse ids: a binary search of the values in their order, which keeps the memory
    # reads close to each other (4 times faster than in the values' own order)
    order = np.argsort(values)
    at = np.empty(len(values), dtype=np.intp)
    at[order] = np.searchsorted(ids, values[order])
    return at, ids[np.minimum(at, len(ids) - 1)] == values


def _merged(listed: Ints, unlisted: Ints, merged: Iterable[tuple[int, int]]
            ) -> tuple[Ints, npt.NDArray[np.integer]]:
    """The old ids of *merged* that are given a span, and the index of the taxon each was
    merged into (:func:`clade_spans`' order: *listed*, then *unlisted*)."""
    olds, news = np.array(list(merged), dtype=np.int64).reshape(-1, 2).T
    # an old id that is a taxon too (never in NCBI's files) keeps its own span
    keep = ~_find(listed, olds)[1] & ~_find(unlisted, olds)[1]
    olds, news = olds[keep], news[keep]
    into, found = _find(listed, news)
    other, found_unlisted = _find(unlisted, news)
    into[found_unlisted] = len(listed) + other[found_unlisted]
    found |= found_unlisted
    return olds[found], into[found]


def _levels(parent: Index, ids: Ints) -> list[Index] | None:
    """The taxa level by level from the roots down, each level's taxa by parent (in the
    order of the level above) and then by id; None if some taxa are below no root."""
    count = len(parent)
    is_root = parent == np.arange(count, dtype=np.int32)
    roots = np.flatnonzero(is_root).astype(np.int32)
    roots = roots[np.argsort(ids[roots], kind="stable")]
    # every other taxon by (parent, id): the listed taxa's indices follow their ids
    kids = np.flatnonzero(~is_root).astype(np.int32)
    del is_root
    kids = kids[np.argsort(parent[kids], kind="stable")]
    first = np.zeros(count + 1, dtype=np.int32)  # where each taxon's children start in kids
    np.cumsum(np.bincount(parent[kids], minlength=count), out=first[1:])
    levels = [roots]
    reached = len(roots)
    while True:
        above = levels[-1]
        starts = first[above]
        counts = first[above + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        # the children of each taxon of the level above, one run of kids after the other
        runs = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        runs += np.arange(total, dtype=runs.dtype)
        levels.append(kids[runs])
        reached += total
    # a taxon in a loop has no root above it, so the walk from the roots never reaches it
    return levels if reached == count else None


def _sizes(parent: Index, levels: list[Index]) -> Index:
    """The taxa in each taxon's clade, itself included: added up from the deepest level."""
    size = np.ones(len(parent), dtype=np.int32)
    for level in reversed(levels[1:]):
        np.add.at(size, parent[level], size[level])
    return size


def _number(parent: Index, levels: list[Index], size: Index, low: Index) -> None:
    """Each taxon's depth-first number into *low*: its parent's, plus one, plus the sizes of
    its earlier siblings' clades (roots: of the earlier roots' clades)."""
    roots = levels[0]
    low[roots] = np.cumsum(size[roots]) - size[roots]
    for level in levels[1:]:
        sizes = size[level]
        before = np.cumsum(sizes)
        before -= sizes  # the clades of the level's earlier taxa, cousins included
        parents = parent[level]
        first = np.flatnonzero(np.diff(parents, prepend=-1))  # each group of siblings
        before -= np.repeat(before[first], np.diff(first, append=len(level)))
        low[level] = low[parents] + 1 + before
