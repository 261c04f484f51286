"""Entry results, row by row: the pairs a request sees (filtered, sorted, with isoforms) and
the records of the entry formats (FASTA, flat file, GFF, XML).

A request's pairs come either from the stored order (:meth:`Store.read_results`) or, when it
asks for ``query``, ``sort`` or ``includeIsoform=true``, from one SQL query over the entry
tables (:meth:`Store.filtered_results`); both read one page or batch at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from idmapping.entries import Dataset, Entry, flat_texts
from idmapping.errors import InvalidRequest
from idmapping.model import Job
from idmapping.results.formats import Row
from idmapping.store.base import Store
from idmapping.store.plans import FilterQuery
from idmapping.store.query import parse_sort, translate_query
from idmapping.uniprot.common import INACTIVE
from idmapping.uniprot.writers.fasta import uniparc_fasta, uniprotkb_fasta, uniref_fasta
from idmapping.uniprot.writers.ffwriter import flat_file
from idmapping.uniprot.writers.gff import gff_record
from idmapping.uniprot.writers.xmlwriter import xml_entry

__all__ = ["RECORD_FORMATS", "FILTER_WARNING", "Filter", "read_filter", "pairs_page",
           "check_subsequence", "record_function", "record_rows", "filter_warning", "batches"]

RECORD_FORMATS = frozenset({"fasta", "txt", "gff", "xml"})
"""Formats written one entry record at a time."""

FILTER_WARNING = "Filters are not supported for mapping results with more than {} IDs"

_RANGE = re.compile(r".*\[(\d{1,5})-(\d{1,5})]$")


@dataclass(frozen=True)
class Filter:
    """What an entry request asked of its pairs: a query, an order, isoforms, subsequences,
    and the warnings the query brings (UniProt's warning 41, on a page)."""

    query: FilterQuery | None = None
    subsequence: bool = False
    warnings: tuple[dict[str, Any], ...] = ()


def read_filter(dataset: Dataset, query: str | None, sort: str | None,
                include_isoform: bool, subsequence: bool) -> Filter:
    """Read ``query`` and ``sort`` for *dataset*; both wrong gives both messages.

    :raises InvalidRequest: UniProt-like messages.
    """
    messages: list[str] = []
    where, params, order = "", (), ""
    warnings: tuple[dict[str, Any], ...] = ()
    reads: tuple[tuple[str, str], ...] = ()
    if query is not None and query.strip() and query.strip() != "*":
        try:
            translation = translate_query(dataset.name, query)
            where, params = translation.where, tuple(translation.params)
            warnings, reads = tuple(translation.warnings), translation.reads
        except InvalidRequest as exc:
            messages += exc.messages
    if sort is not None and sort.strip():
        try:
            order = parse_sort(dataset.name, sort)
        except InvalidRequest as exc:
            messages += exc.messages
    if messages:
        raise InvalidRequest(*messages)
    if not (where or order or include_isoform):
        return Filter(None, subsequence, warnings)
    return Filter(FilterQuery(dataset.name, where, params, order, include_isoform, reads),
                  subsequence, warnings)


def pairs_page(store: Store, job: Job, query: FilterQuery | None, offset: int,
               limit: int) -> tuple[int, list[tuple[str, str]]]:
    """The total and one page (or batch) of a job's pairs as the request sees them."""
    if query is None:
        return job.result_count, list(store.read_results(job.id, offset, limit))
    return store.filtered_results(job.id, query, offset, limit)


def check_subsequence(store: Store, job: Job) -> None:
    """Refuse ``subsequence=true`` unless every mapped ``from`` is ``ACC[begin-end]``.

    One pass over the results, each id checked once (a dict keeps the first-seen order): linear
    in the job's size. The message names at most :data:`SHOWN_BAD_IDS` ids and says how many
    more there are, so that a large job's refusal stays short (issue 14, row 3).

    :raises InvalidRequest: UniProt's message listing the other ids.
    """
    bad: dict[str, None] = {}
    for from_id, _ in store.read_results(job.id, 0, None):
        if from_id not in bad and not _RANGE.match(from_id):
            bad[from_id] = None
    if bad:
        shown = ",".join(list(bad)[:SHOWN_BAD_IDS])
        if len(bad) > SHOWN_BAD_IDS:
            shown += f" (and {len(bad) - SHOWN_BAD_IDS:,} more)"
        raise InvalidRequest(
            "Invalid request received. Unable to compute fasta subsequence for IDs: "
            f"{shown}. Expected format is accession[begin-end], for example:"
            "Q00001[10-20]")


SHOWN_BAD_IDS = 20
"""How many ids the refusal of ``subsequence=true`` names."""


def _range(from_id: str) -> tuple[int, int] | None:
    match = _RANGE.match(from_id)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _active(entry: Entry) -> bool:
    return entry.get("entryType") != INACTIVE and bool(entry.get("sequence"))


def record_function(dataset: str, fmt: str, subsequence: bool = False
                    ) -> Callable[[Row], str]:
    """The record text of a row ``(from, entry[, flat text])`` in format *fmt*."""
    if fmt == "fasta":
        if dataset == "uniref":
            return lambda row: uniref_fasta(row[1]) if row[1].get("representativeMember") \
                else ""
        if dataset == "uniparc":
            return lambda row: uniparc_fasta(row[1]) if row[1].get("sequence") else ""

        def fasta(row: Row) -> str:
            if not _active(row[1]):
                return ""
            return uniprotkb_fasta(row[1], _range(row[0]) if subsequence else None)

        return fasta
    if fmt == "gff":
        return lambda row: gff_record(row[1]) if _active(row[1]) else ""
    if fmt == "xml":
        return lambda row: xml_entry(row[1]) if _active(row[1]) else ""
    return lambda row: (row[2] or flat_file(row[1])) if _active(row[1]) else ""


def record_rows(store: Store, dataset: Dataset, pairs: list[tuple[str, str]], fmt: str,
                complete: bool) -> list[Row]:
    """Rows ``(from, entry[, flat text])`` of a batch of pairs, for the record formats."""
    entries = dataset.entries(store, [to for _, to in pairs], complete)
    if fmt != "txt":
        return [(frm, entries[to]) for frm, to in pairs]
    texts = flat_texts(store, [to for _, to in pairs])
    return [(frm, entries[to], texts.get(to)) for frm, to in pairs]


def filter_warning(limit: int) -> list[dict[str, Any]]:
    """UniProt's warning 20, for a job too large to filter."""
    return [{"code": 20, "message": FILTER_WARNING.format(limit)}]


def batches(store: Store, job: Job, query: FilterQuery | None, size: int
            ) -> Iterator[list[Sequence[tuple[str, str]]]]:
    """All of a request's pairs, *size* at a time, each batch read in one step and given as
    the store's parts (:meth:`Store.read_result_parts`: lists of pairs, and runs of ids that
    map to themselves); a filtered request's batch is one list."""
    offset = 0
    while True:
        if query is None:
            parts = list(store.read_result_parts(job.id, offset, size))
        else:
            parts = [store.filtered_results(job.id, query, offset, size)[1]]
        count = sum(map(len, parts))
        if count:
            yield parts
        offset += count
        if count < size:
            return

