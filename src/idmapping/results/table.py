"""A page of a job's results as a table of text cells, for a page that shows them.

Unlike :class:`~idmapping.results.view.ResultView`, which writes a format, this gives each
cell as text and marks the rows whose entry is obsolete (deleted from UniProtKB), so that a
shell can show them apart. A page may be constrained by a ``query=`` filter
(:func:`~idmapping.results.entryrows.read_filter`): its rows and total are then the filtered
ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from idmapping.entries import INACTIVE, Dataset, ReturnField
from idmapping.model import Job
from idmapping.results.entryrows import pairs_page
from idmapping.results.paging import Page
from idmapping.store.base import Store
from idmapping.store.plans import FilterQuery

__all__ = ["Table", "read_table"]


@dataclass(frozen=True)
class Table:
    """One page of results as a table.

    :param labels: the column labels, ``From`` first.
    :param rows: ``(cells, obsolete)`` per result; cells start with the ``From`` id.
    :param page: where the page is, and the total (the job's, or the filter's).
    :param keys: the ``to`` id of each row (an entry's accession, for a basket).
    """

    labels: tuple[str, ...]
    rows: list[tuple[list[str], bool]]
    page: Page
    keys: list[str] = field(default_factory=list)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def read_table(
    store: Store, job: Job, dataset: Dataset | None, columns: Sequence[ReturnField], page: Page,
    query: FilterQuery | None = None,
) -> Table:
    """The rows of *page* of a finished job: pairs, or entries with *columns*.

    :param query: only the pairs it keeps (entry results); the page's total is then theirs.
    """
    if query is not None:
        total, pairs = pairs_page(store, job, query, page.offset, page.size)
        page = replace(page, total=total)
    else:
        pairs = list(store.read_results(job.id, page.offset, page.size)) if page.size else []
    keys = [to for _, to in pairs]
    if dataset is None:
        return Table(("From", "To"), [([f, t], False) for f, t in pairs], page, keys)
    entries = dataset.entries(store, [to for _, to in pairs], fields=columns)
    rows = []
    for frm, to in pairs:
        entry = entries[to]
        cells = [frm, *(_cell(c) for c in dataset.cells(entry, columns))]
        rows.append((cells, entry.get("entryType") == INACTIVE))
    return Table(dataset.labels(columns), rows, page, keys)
