"""One new release built from the rows of UniProt's files, handed to the store in batches.

The files name things as UniProt does: accessions, ID_type names, ids as written. The builder
turns them into what a release stores (entry numbers, ID_type codes, lookup keys) and hands
batches to the store's :class:`~idmapping.store.base.ReleaseWriter`, which writes them in its
backend's own way. Nothing here knows a backend. Nothing kept grows with the release beyond a
bound (``load_memory_mb``): entry numbers and what an entry states about itself (name,
reviewed status, taxon) are written as they come (:mod:`idmapping.loader.entrynumbers`).

>>> builder = ReleaseBuilder(store)                                    # doctest: +SKIP
>>> builder.add_mappings([("P04637", "GeneID", "7157")])               # doctest: +SKIP
>>> builder.commit("2026_01")                                          # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from idmapping.ids import lookup_key
from idmapping.loader.entrynumbers import EntryFacts, EntryNumbers, cache_limit
from idmapping.model import Release
from idmapping.settings import Settings
from idmapping.store.base import ReleaseWriter, Store
from idmapping.store.plans import Subset, check_release_name, stored_key
from idmapping.store.shared import batched

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ReleaseBuilder"]

_ISOFORM_SUFFIX = re.compile(r"-[0-9]+$")

class ReleaseBuilder:
    """Builds one new release of *store* beside its current one; :meth:`commit` makes it
    current, :meth:`abort` throws it away.

    :ivar writer: the store's writer of the new release (:meth:`Store.begin_release`).
    :param memory_mb: the memory the load may use, in MiB (by default the setting
        ``load_memory_mb``'s default).
    """

    document_batch = 2000
    """Entry documents handed to the writer at a time."""

    def __init__(self, store: Store, memory_mb: int | None = None) -> None:
        if memory_mb is None:
            memory_mb = Settings().load_memory_mb
        catalogue = store.catalogue
        self.codes: dict[str, int] = {}
        self.versioned: dict[str, bool] = {
            db.dat_type: db.versioned for db in catalogue.databases.values() if db.dat_type
        }
        for name in catalogue.dat_types():
            self._code(name)
        self.meta: dict[str, str] = {}
        """Written into the release itself (``files``: the names of the files loaded)."""
        self.facts: dict[str, Any] = {}
        """Recorded in the release's stats: ``date`` (the files' release date), ``demo``."""
        self.documents: dict[str, int] = {}
        self.rows = 0
        """Xrefs handed to the writer."""
        self.lines = 0
        """Rows read from the files (the loader counts them)."""
        self.writer: ReleaseWriter = store.begin_release()
        self.writer.gene_codes = (self.codes["Gene_Name"], self.codes["Gene_OrderedLocusName"],
                                  self.codes["Gene_ORFName"])
        self.memory_mb = memory_mb
        """The memory the load may use, in MiB."""
        self.writer.bound_memory(memory_mb)
        self.entries = EntryNumbers(self.writer, cache_limit(memory_mb))
        self.entry_facts = EntryFacts(self.writer)

    # -- a release to start from -----------------------------------------------------------

    def copy_release(self, base: Release) -> None:
        """Start from the ready release *base* (``idmapping load --add``): the store copies
        its rows in SQL, without reading its files again, and the rows of the files read
        next are added to them (an entry in both gets the ids of both). Call it first.
        """
        if self.entries.count or self.rows:
            raise ValueError("copy_release must come before any row")
        facts = self.entry_facts
        for entry, accession, name, reviewed, taxon in self.writer.copy_release(
                base, self._code_of):
            self.entries.register(entry, accession)
            if name is not None:
                facts.name(entry, name)
            if reviewed is not None:
                facts.reviewed(entry, bool(reviewed))
            if taxon is not None:
                facts.taxon(entry, taxon)
        self.entries.flush()
        facts.flush()
        stats = base.stats
        self.rows, self.lines = int(stats.get("xrefs", 0)), int(stats.get("rows", 0))
        for key, value in stats.items():
            if key.startswith("documents_"):
                self.documents[key.removeprefix("documents_")] = int(value)
        for key in ("taxa", "date"):
            if key in stats:
                self.facts[key] = stats[key]
        self.facts["added_to"] = base.name

    def _code_of(self, name: str) -> int:
        return self.codes.get(name) or self._code(name)

    # -- rows of the files ----------------------------------------------------------------

    def add_mappings(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add ``(accession, ID_type, value)`` rows (idmapping.dat's three columns).

        An isoform's row (``P04637-2``) is an xref of its entry, and is also recorded as the
        isoform's (:meth:`ReleaseWriter.insert_isoform_xrefs`).
        """
        batch: list[tuple[int, int, str, str | None]] = []
        isoforms: list[tuple[int, int, str, str]] = []
        size = self.writer.batch_size
        name_code, taxon_code = self.codes["UniProtKB-ID"], self.codes["NCBI_TaxID"]
        last, entry, isoform = "", 0, ""
        for accession, id_type, value in rows:
            if accession != last:  # files are grouped by accession: resolve each once
                entry, last = self._entry(accession), accession
                suffix = _ISOFORM_SUFFIX.search(accession)
                isoform = suffix.group()[1:] if suffix else ""
            code = self.codes.get(id_type)
            if code is None:
                code = self._code(id_type)
            if code == name_code:
                self.entry_facts.name(entry, value)
                continue
            if code == taxon_code:
                self.entry_facts.taxon(entry, int(value))
                continue
            if isoform:
                isoforms.append((entry, code, value, isoform))
            batch.append((entry, code, value, stored_key(
                value, lookup_key(value, self.versioned.get(id_type, False)))))
            if len(batch) >= size:
                self.writer.insert_xrefs(batch)
                self.rows += len(batch)
                batch = []
                if isoforms:
                    self.writer.insert_isoform_xrefs(isoforms)
                    isoforms = []
        if batch:
            self.writer.insert_xrefs(batch)
            self.rows += len(batch)
        if isoforms:
            self.writer.insert_isoform_xrefs(isoforms)

    def add_mapping_columns(self, batches: Iterable[pa.RecordBatch]) -> None:
        """Add idmapping.dat's rows a batch of columns at a time (``accession, id_type, value``).

        The same rows as :meth:`add_mappings` stores, prepared column-wise on a second thread
        (:func:`~idmapping.loader.xrefbatch.prepared_ahead`) while this one stores the batch
        before.
        """
        import numpy as np

        from idmapping.loader.xrefbatch import EntryState, prepared_ahead  # Arrow: loads only

        state = EntryState(self.codes, self._code, self.versioned)
        facts = self.entry_facts
        with contextlib.closing(prepared_ahead(batches, state)) as prepared:
            for ready in prepared:
                numbers = np.array(self.entries.numbers(ready.accessions), np.int64)
                places = numbers.tolist()
                for place, name in ready.names:
                    facts.name(places[place], name)
                for place, taxon in ready.taxa:
                    facts.taxon(places[place], taxon)
                facts.flush()
                batch = ready.numbered(numbers)
                self.writer.insert_xref_batch(batch)
                if batch.isoforms:
                    self.writer.insert_isoform_xrefs(batch.isoforms)
                self.rows += len(batch)

    def add_secondary(self, rows: Iterable[tuple[str, str]]) -> None:
        """Add ``(secondary accession, primary accession)`` rows of sec_ac.txt."""
        self.writer.insert_secondary(list(rows))

    def add_deleted(self, rows: Iterable[tuple[str, str]]) -> None:
        """Add ``(accession, 'sp'|'tr')`` rows of the delac files."""
        self.writer.insert_deleted(list(rows))

    def add_taxonomy(self, rows: Iterable[tuple[int, int, str]]) -> None:
        """Add ``(taxon, parent, rank)`` rows of nodes.dmp; the release then holds a taxonomy
        (``taxa`` in its stats)."""
        for batch in batched(rows, self.writer.batch_size):
            self.writer.insert_taxonomy(batch)
            self.facts["taxa"] = self.facts.get("taxa", 0) + len(batch)

    def add_taxon_names(self, rows: Iterable[tuple[int, str]]) -> None:
        """Add ``(taxon, scientific name)`` rows of names.dmp."""
        for batch in batched(rows, self.writer.batch_size):
            self.writer.insert_taxon_names(batch)

    def add_taxon_merged(self, rows: Iterable[tuple[int, int]]) -> None:
        """Add ``(old taxon, new taxon)`` rows of merged.dmp."""
        for batch in batched(rows, self.writer.batch_size):
            self.writer.insert_taxon_merged(batch)

    def add_taxon_deleted(self, rows: Iterable[tuple[int]]) -> None:
        """Add ``(taxon,)`` rows of delnodes.dmp."""
        for batch in batched(rows, self.writer.batch_size):
            self.writer.insert_taxon_deleted(batch)

    def set_reviewed(self, accession: str, reviewed: bool) -> None:
        """Record an entry's reviewed status as its entry data states it."""
        self.entry_facts.reviewed(self._entry(accession), reviewed)

    def set_entry(self, accession: str, name: str | None, reviewed: bool | None,
                  taxon: int | None) -> None:
        """Record what an entry's own data states: its name, status and taxon."""
        entry = self._entry(accession)
        if name:
            self.entry_facts.name(entry, name)
        if reviewed is not None:
            self.entry_facts.reviewed(entry, reviewed)
        if taxon is not None:
            self.entry_facts.taxon(entry, taxon)

    def add_documents(self, kind: str, rows: Iterable[tuple[Any, ...]]) -> int:
        """Add entry documents: rows of :data:`~idmapping.store.schema.DOCUMENT_COLUMNS`
        ``[kind]``; return the count."""
        batch: list[tuple[Any, ...]] = []
        count = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= self.document_batch:
                self.writer.insert_documents(kind, batch)
                count += len(batch)
                batch = []
        if batch:
            self.writer.insert_documents(kind, batch)
            count += len(batch)
        self.documents[kind] = self.documents.get(kind, 0) + count
        return count

    def add_terms(self, rows: list[tuple[str, str, str]]) -> None:
        """Add ``(accession, field, terms)`` rows: the search words of UniProtKB entries
        (:func:`idmapping.searchwords.term_rows`)."""
        for batch in batched(rows, self.writer.batch_size):
            self.writer.insert_terms(list(batch))

    def add_uniparc_xrefs(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add ``(ID_type, id, UniParc id)`` rows: the UniParc entries of sequence ids."""
        batch = [(db, lookup_key(value, self.versioned.get(db, False)), upi)
                 for db, value, upi in rows]
        if batch:
            self.writer.insert_uniparc_xrefs(batch)

    # -- the end ----------------------------------------------------------------------------

    def commit(self, name: str, subset: Subset | None = None, current: bool = True) -> Release:
        """Finish the release: entries, derived gene names, subset, indexes; make it current.

        :param subset: what to keep (by default everything).
        :param current: False leaves the current release current (see
            :meth:`~idmapping.store.base.ReleaseWriter.switch`).
        :raises InvalidRequest: a release name the store refuses, before any of that work.
        """
        check_release_name(name)  # before the long part, the same in every backend
        self.finish(name, subset)
        return self.writer.switch(name, self.stats(), current)

    def finish(self, name: str, subset: Subset | None = None) -> None:
        """:meth:`commit` without the switch: the entries written, the release finished
        (:meth:`~idmapping.store.base.ReleaseWriter.finish`) but not made ready."""
        self.entries.flush()
        self.entry_facts.flush()
        self.writer.finish(name, subset or Subset(), self.codes, self.meta)

    def abort(self) -> None:
        """Throw the unfinished release away; the current one is untouched."""
        self.writer.abort()

    def stats(self) -> dict[str, Any]:
        """What the release's stats record of the load: ``rows`` read from the files, ``xrefs``
        stored, ``entries``, documents per kind, and :attr:`facts`."""
        return {"rows": self.lines, "xrefs": self.rows, "entries": self.entries.count,
                **{f"documents_{k}": n for k, n in self.documents.items()}, **self.facts}

    # -- numbering --------------------------------------------------------------------------

    def _entry(self, accession: str) -> int:
        return self.entries.number(_ISOFORM_SUFFIX.sub("", accession))

    def _code(self, name: str) -> int:
        code = self.codes[name] = len(self.codes) + 1
        return code
