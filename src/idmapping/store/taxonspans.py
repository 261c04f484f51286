"""Clades as ranges: each taxon of a taxonomy numbered in depth-first order, so that a taxon's
descendants are the taxa numbered from it to its last descendant.

A ``taxId`` stands for a taxon and every taxon below it (docs/mapping.md, "Taxonomy"). Walking
down the tree at each query reads the whole clade: the 500,000 taxa of Bacteria for
``taxId=2``. With the spans, which a load computes once, whether an entry's taxon is in the
clade is two lookups by key, whatever the size of the clade.

>>> sorted(clade_spans([(1, 1), (2, 1), (3, 2), (4, 1)]))
[(1, 0, 3), (2, 1, 2), (3, 2, 2), (4, 3, 3)]

A taxon that nodes.dmp names as a parent but does not list stands above its children, as the
walk down from it finds them; a merged taxon (merged.dmp) stands where the taxon it was merged
into does, so that entries still of the old id are in the new one's clades:

>>> sorted(clade_spans([(3, 9), (4, 3)], merged=[(7, 4)]))
[(3, 1, 2), (4, 2, 2), (7, 2, 2), (9, 0, 2)]

A taxonomy with a loop (no root above some taxa) has no spans: the walk is kept there.

>>> clade_spans([(1, 1), (2, 3), (3, 2)]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["clade_spans"]


def clade_spans(nodes: Iterable[tuple[int, int]], merged: Iterable[tuple[int, int]] = ()
                ) -> list[tuple[int, int, int]] | None:
    """``(taxon, first, last)`` of every taxon of *nodes* (``(taxon, parent)``, the root its
    own parent): its number in depth-first order and that of its last descendant. The
    descendants of a taxon are exactly those the recursive walk down the parent column
    finds (:data:`~idmapping.store.sql.DESCENDANTS`).

    :param merged: ``(old, new)`` taxa of merged.dmp: an old id is given the span of its new
        id's own number (it has no descendants of its own).
    :returns: None where some taxa have no root above them (a loop), which spans cannot
        represent.
    """
    merged = list(merged)
    children: dict[int, list[int]] = {}
    listed: set[int] = set()
    for taxon, parent in nodes:
        if taxon != parent:
            children.setdefault(parent, []).append(taxon)
            listed.add(taxon)
        elif taxon not in children:
            children[taxon] = []
    # roots: the taxa that are their own parent, and parents nodes.dmp does not list
    roots = sorted(children.keys() - listed)
    total = len(listed) + len(roots)
    # an old id that is a taxon too (never in NCBI's files) keeps its own span
    merged = [(old, new) for old, new in merged if old not in listed and old not in children]
    del listed  # a taxon of NCBI's 2.7 million is some 100 bytes in each of these
    wanted = {new for _, new in merged}
    at: dict[int, int] = {}
    spans: list[tuple[int, int, int]] = []
    number = 0
    for root in roots:
        # depth first: (taxon, -1) on the way down; (taxon, its number) once its clade is
        # numbered, when the last number given is its last descendant's
        stack: list[tuple[int, int]] = [(root, -1)]
        while stack:
            taxon, own = stack.pop()
            if own >= 0:
                spans.append((taxon, own, number - 1))
                continue
            if taxon in wanted:
                at[taxon] = number
            stack.append((taxon, number))
            number += 1
            kids = children.get(taxon)
            if kids:
                stack.extend((kid, -1) for kid in reversed(kids))
    if number < total:
        return None
    for old, new in merged:
        if new in at:
            spans.append((old, at[new], at[new]))
    return spans
