"""idmapping.dat's rows turned into stored xrefs a batch of columns at a time.

What :meth:`ReleaseBuilder.add_mappings <idmapping.loader.builder.ReleaseBuilder.add_mappings>`
does row by row (ID_types to codes, entry names and taxa set aside, values to lookup keys,
repeated rows dropped), done here with Arrow's compute functions over a batch of a million rows,
so that no Python object is made per value until the backend binds them. :func:`prepared_ahead`
does it on a second thread, a batch ahead of the store. Rows name their entry by its place in
the batch's list of accessions; the builder, on the storing thread, numbers those
(:class:`~idmapping.loader.entrynumbers.EntryNumbers`) and renumbers the batch
(:meth:`PreparedBatch.numbered`).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from idmapping.ids import lookup_key
from idmapping.store.plans import XrefBatch, stored_key

__all__ = ["EntryState", "PreparedBatch", "prepare", "prepared_ahead"]

_ISOFORM_SUFFIX = r"-[0-9]+$"
_VERSION = r"^(.+)\.([0-9]+)$"  # as ids.lookup_key: the version after the last dot


@dataclass
class EntryState:
    """What the release builder knows across batches (ID_type codes, shared with the row
    path). Entry numbers are not here: they are given on the storing thread."""

    codes: dict[str, int]
    new_code: Callable[[str], int]
    versioned: dict[str, bool]


@dataclass
class PreparedBatch:
    """A batch of xrefs whose entries are places in :attr:`accessions` (0, 1, ...), with the
    names and taxa the batch states, by the same places."""

    xrefs: XrefBatch
    accessions: list[str]
    """The batch's accessions (isoforms' canonical ones), each once."""
    names: list[tuple[int, str]]
    taxa: list[tuple[int, int]]

    def numbered(self, numbers: np.ndarray) -> XrefBatch:
        """The xrefs with entry numbers: *numbers* gives each of :attr:`accessions` its own."""
        xrefs = self.xrefs
        xrefs.entry = numbers[xrefs.entry]
        if xrefs.isoforms:
            places = numbers.tolist()
            xrefs.isoforms = [(places[e], db, v, i) for e, db, v, i in xrefs.isoforms]
        return xrefs


def prepare(batch: pa.RecordBatch, state: EntryState) -> PreparedBatch:
    """Turn a batch of ``accession, id_type, value`` into xrefs, updating *state*'s codes.

    ``UniProtKB-ID`` rows name entries and ``NCBI_TaxID`` rows give their taxa, as in the row
    path; every other row becomes an xref.
    """
    accession, id_type, value = (_one_chunk(batch.column(i)) for i in range(3))
    entry, accessions = _entries(accession)
    db = _codes(id_type, state)
    names = pc.equal(id_type, "UniProtKB-ID")
    taxa = pc.equal(id_type, "NCBI_TaxID")
    named = list(zip(pc.filter(entry, names).to_pylist(), pc.filter(value, names).to_pylist(),
                     strict=True))
    taxed = list(zip(pc.filter(entry, taxa).to_pylist(),
                     (int(v) for v in pc.filter(value, taxa).to_pylist()), strict=True))
    keep = pc.invert(pc.or_(names, taxa))
    isoforms = _isoform_rows(accession, entry, db, value, keep)
    # one row per (entry, db, value); Arrow's grouping keeps the order of first appearance, so
    # an entry's rows stay together
    table = pa.table({"entry": pc.filter(entry, keep), "db": pc.filter(db, keep),
                      "value": pc.filter(value, keep)})
    table = table.group_by(["entry", "db", "value"], use_threads=False).aggregate([])
    entries = table.column("entry").to_numpy()
    if not _grouped(entries):
        table = table.take(pc.sort_indices(table, [("entry", "ascending")]))
        entries = table.column("entry").to_numpy()
    value = _one_chunk(table.column("value"))
    db_codes = _one_chunk(table.column("db"))
    versioned = [state.codes[t] for t, flag in state.versioned.items()
                 if flag and t in state.codes]
    xrefs = XrefBatch(entries, db_codes.to_numpy(), value, _keys(value, db_codes, versioned),
                      isoforms)
    return PreparedBatch(xrefs, accessions, named, taxed)


def _isoform_rows(accession: pa.Array, entry: pa.Array, db: pa.Array, value: pa.Array,
                  keep: pa.Array) -> list[tuple[int, int, str, str]]:
    """The rows of *keep* given to an isoform, as ``(entry, db, value, isoform number)``."""
    # the reader lets no other '-' through (ACCESSION_OR_ISOFORM): a literal match will do
    chosen = pc.and_(keep, pc.match_substring(accession, "-"))
    if not pc.any(chosen).as_py():
        return []
    number = pc.replace_substring_regex(pc.filter(accession, chosen), r"^.*-", "")
    return list(zip(pc.filter(entry, chosen).to_pylist(), pc.filter(db, chosen).to_pylist(),
                    pc.filter(value, chosen).to_pylist(), number.to_pylist(), strict=True))


def prepared_ahead(batches: Iterable[pa.RecordBatch], state: EntryState
                   ) -> Generator[PreparedBatch, None, None]:
    """:func:`prepare` of each batch, run on a second thread a batch ahead of the caller.

    Reading, parsing and preparing (in Arrow, which runs without the interpreter's lock) then
    overlap with the store's inserts. An error of the second thread is raised here. Close the
    iterator (``contextlib.closing``) when stopping early: the thread is then stopped.
    """
    ready: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                ready.put(prepare(batch, state))
            ready.put(None)
        except BaseException as exc:  # handed to the storing thread, which raises it
            ready.put(exc)

    worker = threading.Thread(target=produce, name="idmapping-prepare", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let a producer blocked on a full queue finish
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        worker.join()
        # Arrow keeps freed batches' memory for re-use; a server that loaded the demo
        # release at its start would hold it for its whole life
        pa.default_memory_pool().release_unused()


def _grouped(entries: np.ndarray) -> bool:
    """Whether each entry's rows are together (as many runs as distinct entries)."""
    if len(entries) < 2:
        return True
    runs = 1 + int(np.count_nonzero(entries[1:] != entries[:-1]))
    return runs == len(np.unique(entries))


def _one_chunk(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column


def _entries(accession: pa.Array) -> tuple[pa.Array, list[str]]:
    """Each row's place in the batch's list of entries (an isoform's rows belong to its
    canonical entry), and that list, in order of first appearance."""
    base = pc.replace_substring_regex(accession, _ISOFORM_SUFFIX, "")
    distinct = pc.unique(base)
    return pc.cast(pc.index_in(base, value_set=distinct), pa.int64()), distinct.to_pylist()


def _codes(id_type: pa.Array, state: EntryState) -> pa.Array:
    distinct = pc.unique(id_type)
    codes = [state.codes.get(t) or state.new_code(t) for t in distinct.to_pylist()]
    return pc.take(pa.array(codes, pa.int64()), pc.index_in(id_type, value_set=distinct))


def _keys(value: pa.Array, db: pa.Array, versioned: list[int]) -> pa.Array:
    """:func:`idmapping.ids.lookup_key` of every value as stored
    (:func:`~idmapping.store.plans.stored_key`: null where it is the value in ASCII lower
    case), without a Python call per value.

    :param versioned: the codes of databases whose ids carry a version.
    """
    mask = pc.is_in(db, value_set=pa.array(versioned, pa.int64()))
    if not pc.all(pc.string_is_ascii(value)).as_py():
        # Arrow's lower case and Python's differ beyond ASCII: do those as the row path does
        flags = mask.to_pylist()
        return pa.array([stored_key(v, lookup_key(v, f)) for v, f in
                         zip(value.to_pylist(), flags, strict=True)], pa.string())
    if not pc.any(mask).as_py():
        return pa.nulls(len(value), pa.string())
    lowered = pc.ascii_lower(value)
    stripped = pc.replace_substring_regex(pc.filter(lowered, mask), _VERSION, r"\1")
    # a versioned database's id without a version has no key of its own either
    kept = pc.if_else(pc.equal(stripped, pc.filter(lowered, mask)), None, stripped)
    return pc.replace_with_mask(pa.nulls(len(value), pa.string()), mask, kept)
