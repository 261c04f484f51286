"""Plain rows written as TSV lines in C, a block at a time (issue 18): the check that no cell
holds a tab or a line break, made once over a whole block, and the lines of a run of ids that
map to themselves made without a tuple per pair. :class:`~idmapping.results.formats.TsvWriter`
writes with them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

__all__ = ["plain_lines", "RowBlocks"]

Row = Sequence[Any]


def plain_lines(rows: Sequence[Any], twice: bool = False) -> str | None:
    """The TSV lines of *rows* (each ending ``\\n``) if every cell is text without a tab or a
    line break; else None. With *twice*, *rows* are single texts, each written as the line
    ``text<TAB>text`` (a run's ids, each mapped to itself), in C: no tuple per row.

    >>> plain_lines([("a", "b"), ("c", "d")]), plain_lines(["P1", "P2"], twice=True)
    ('a\\tb\\nc\\td\\n', 'P1\\tP1\\nP2\\tP2\\n')
    >>> plain_lines([("a", "b\\tc")]), plain_lines(["P1\\r"], twice=True)
    (None, None)
    """
    if not rows:
        return ""
    try:
        if twice:
            joined = "\n".join(rows)  # a TypeError if one is not text
            if "\t" in joined or "\r" in joined or joined.count("\n") != len(rows) - 1:
                return None
            return "\n".join(map("\t".join, zip(rows, rows, strict=True))) + "\n"
        text = "\n".join(map("\t".join, rows))
    except TypeError:  # a cell that is not text
        return None
    if text.count("\t") == sum(map(len, rows)) - len(rows) \
            and text.count("\n") == len(rows) - 1 and "\r" not in text:
        return text + "\n"
    return None


class RowBlocks(Iterable[Row]):
    """Rows that come a block at a time (a job's pairs as the store reads them: lists, and
    :class:`~idmapping.store.spool.RunPairs`). Iterated, they are the rows one by one, as any
    writer reads them; a writer that writes a whole block at once (TSV) reads :attr:`blocks`.
    """

    def __init__(self, blocks: Iterable[Sequence[Row]]) -> None:
        self.blocks = blocks

    def __iter__(self) -> Iterator[Row]:
        return chain.from_iterable(self.blocks)
