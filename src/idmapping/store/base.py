"""The store: one small interface over the database that holds releases and jobs.

A store holds any number of *releases* (each a complete, immutable copy of UniProt's mapping
data, built by the loader) of which one is *current*, and the *jobs* with their ordered results.
Two backends implement it: :mod:`idmapping.store.sqlite` (the embedded default) and
:mod:`idmapping.store.postgres` (scale-out). The release tables are described in
:mod:`idmapping.store.schema`, the queries in :mod:`idmapping.store.sql`.

Mapping is done as set operations in the database: the input ids go into a temporary table,
one query joins it against the indexes, and the rows come back ordered by input.
"""

from __future__ import annotations

import abc
import contextlib
import queue
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from idmapping.catalogue import Catalogue
from idmapping.ids import lookup_key
from idmapping.model import EntryFacts, Job, JobStatus, Release
from idmapping.store.plans import FilterQuery, LookupPlan, Subset

if TYPE_CHECKING:
    import pyarrow as pa

    from idmapping.store.plans import XrefBatch

__all__ = ["Store", "ReleaseWriter"]

_ISOFORM_SUFFIX = re.compile(r"-[0-9]+$")


class ReleaseWriter(abc.ABC):
    """Builds one new release beside the current one; :meth:`commit` makes it current.

    Rows are given as UniProt's files have them; this class turns ID_type names into codes,
    accessions into entry numbers and values into lookup keys, and hands batches to the backend.
    """

    batch_size = 50_000

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.codes: dict[str, int] = {}
        self.versioned: dict[str, bool] = {
            db.dat_type: db.versioned for db in catalogue.databases.values() if db.dat_type
        }
        for name in catalogue.dat_types():
            self._code(name)
        self.entry_ids: dict[str, int] = {}
        self.names: dict[int, str] = {}
        self.taxa: dict[int, int] = {}
        self.reviewed: dict[int, bool] = {}
        self.meta: dict[str, str] = {}
        self.facts: dict[str, Any] = {}
        """Recorded in the release's stats: ``date`` (the files' release date), ``demo``."""
        self.identity = secrets.token_hex(16)
        """Written into the release and into the store's list of releases: the check that a
        release's data is the data that was loaded (:meth:`Store.verify`)."""
        self.documents: dict[str, int] = {}
        self.rows = 0
        self.lines = 0

    document_batch = 2000

    # -- what the loader calls ------------------------------------------------------------

    def add_mappings(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add ``(accession, ID_type, value)`` rows (idmapping.dat's three columns)."""
        batch: list[tuple[int, int, str, str]] = []
        name_code, taxon_code = self.codes["UniProtKB-ID"], self.codes["NCBI_TaxID"]
        last, entry = "", 0
        for accession, id_type, value in rows:
            if accession != last:  # files are grouped by accession: resolve each once
                entry, last = self._entry(accession), accession
            code = self.codes.get(id_type)
            if code is None:
                code = self._code(id_type)
            if code == name_code:
                self.names[entry] = value
                continue
            if code == taxon_code:
                self.taxa[entry] = int(value)
                continue
            batch.append((entry, code, value, lookup_key(value, self.versioned.get(id_type, False))))
            if len(batch) >= self.batch_size:
                self._insert_xrefs(batch)
                self.rows += len(batch)
                batch = []
        if batch:
            self._insert_xrefs(batch)
            self.rows += len(batch)

    def add_mapping_columns(self, batches: Iterable[pa.RecordBatch]) -> None:
        """Add idmapping.dat's rows a batch of columns at a time (``accession, id_type, value``).

        The same rows as :meth:`add_mappings` stores, prepared column-wise
        (:mod:`idmapping.store.xrefbatch`) on a second thread while this one stores the batch
        before: reading, parsing and preparing (in Arrow, which runs without the interpreter's
        lock) overlap with the backend's inserts.
        """
        from idmapping.store.xrefbatch import EntryState, prepare

        state = EntryState(self.entry_ids, self.codes, self._code, self.names, self.taxa,
                           self.versioned)
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
                self._insert_xref_batch(item)
                self.rows += len(item)
        finally:
            stop.set()
            while worker.is_alive():  # let a producer blocked on a full queue finish
                with contextlib.suppress(queue.Empty):
                    ready.get(timeout=0.1)
            worker.join()
            # Arrow keeps freed batches' memory for re-use; a server that loaded the demo
            # release at its start would hold it for its whole life
            import pyarrow as pa

            pa.default_memory_pool().release_unused()

    def add_secondary(self, rows: Iterable[tuple[str, str]]) -> None:
        """Add ``(secondary accession, primary accession)`` rows of sec_ac.txt."""
        self._insert_secondary(list(rows))

    def add_deleted(self, rows: Iterable[tuple[str, str]]) -> None:
        """Add ``(accession, 'sp'|'tr')`` rows of the delac files."""
        self._insert_deleted(list(rows))

    def set_reviewed(self, accession: str, reviewed: bool) -> None:
        """Record an entry's reviewed status as its entry data states it."""
        self.reviewed[self._entry(accession)] = reviewed

    def set_entry(self, accession: str, name: str | None, reviewed: bool | None,
                  taxon: int | None) -> None:
        """Record what an entry's own data states: its name, status and taxon."""
        entry = self._entry(accession)
        if name:
            self.names[entry] = name
        if reviewed is not None:
            self.reviewed[entry] = reviewed
        if taxon is not None:
            self.taxa[entry] = taxon

    def add_documents(self, kind: str, rows: Iterable[tuple[Any, ...]]) -> int:
        """Add entry documents: rows of :data:`~idmapping.store.schema.DOCUMENT_COLUMNS` ``[kind]``;
        return the count."""
        batch: list[tuple[Any, ...]] = []
        count = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= self.document_batch:
                self._insert_documents(kind, batch)
                count += len(batch)
                batch = []
        if batch:
            self._insert_documents(kind, batch)
            count += len(batch)
        self.documents[kind] = self.documents.get(kind, 0) + count
        return count

    def add_uniparc_xrefs(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add ``(ID_type, id, UniParc id)`` rows: the UniParc entries of sequence ids."""
        batch = [(db, lookup_key(value, self.versioned.get(db, False)), upi)
                 for db, value, upi in rows]
        if batch:
            self._insert_uniparc_xrefs(batch)

    def commit(self, name: str, subset: Subset = Subset()) -> Release:
        """Finish the release: entries, derived gene names, subset, indexes; make it current.

        ``lines`` (the rows read from the files) and ``xrefs`` (the ids stored) are recorded in
        the release's stats.
        """
        self._insert_entries(self._entry_rows())
        self._finish(name, subset, self.codes)
        return self._switch(name)

    # -- helpers ----------------------------------------------------------------------------

    def _entry(self, accession: str) -> int:
        base = _ISOFORM_SUFFIX.sub("", accession)
        entry = self.entry_ids.get(base)
        if entry is None:
            entry = self.entry_ids[base] = len(self.entry_ids) + 1
        return entry

    def _code(self, name: str) -> int:
        code = self.codes[name] = len(self.codes) + 1
        return code

    def _entry_rows(self) -> Iterator[tuple[int, str, str | None, int | None, int | None]]:
        for accession, entry in self.entry_ids.items():
            name = self.names.get(entry)
            reviewed = self.reviewed.get(entry)
            if reviewed is None and name is not None:
                # TrEMBL entry names are ACCESSION_SPECIES; Swiss-Prot names are mnemonics.
                reviewed = not name.upper().startswith(accession + "_")
            yield (entry, accession, name, None if reviewed is None else int(reviewed),
                   self.taxa.get(entry))

    # -- what a backend implements -----------------------------------------------------------

    @abc.abstractmethod
    def _insert_xrefs(self, rows: list[tuple[int, int, str, str]]) -> None:
        """Bulk-insert ``(entry, db, value, key)`` rows."""

    def _insert_xref_batch(self, batch: XrefBatch) -> None:
        """Bulk-insert a prepared batch; by default as the rows of :meth:`_insert_xrefs`."""
        self._insert_xrefs(batch.rows())

    @abc.abstractmethod
    def _insert_entries(self, rows: Iterable[tuple[int, str, str | None, int | None,
                                                  int | None]]) -> None:
        """Bulk-insert ``(id, accession, name, reviewed, taxon)`` rows."""

    @abc.abstractmethod
    def _insert_secondary(self, rows: list[tuple[str, str]]) -> None:
        """Bulk-insert sec_ac rows."""

    @abc.abstractmethod
    def _insert_documents(self, kind: str, rows: list[tuple[Any, ...]]) -> None:
        """Bulk-insert rows of a document table."""

    @abc.abstractmethod
    def _insert_uniparc_xrefs(self, rows: list[tuple[str, str, str]]) -> None:
        """Bulk-insert ``(db, key, upi)`` rows."""

    @abc.abstractmethod
    def _insert_deleted(self, rows: list[tuple[str, str]]) -> None:
        """Bulk-insert delac rows."""

    @abc.abstractmethod
    def _finish(self, name: str, subset: Subset, codes: dict[str, int]) -> None:
        """Derive gene names, apply the subset, build the indexes."""

    @abc.abstractmethod
    def _switch(self, name: str) -> Release:
        """Make the finished release current, atomically."""

    @abc.abstractmethod
    def abort(self) -> None:
        """Throw the unfinished release away; the current one is untouched."""


class Store(abc.ABC):
    """Releases and jobs in one database. Open one with :func:`idmapping.store.open_store`."""

    url: str

    local_reads = False
    """True when reads are from local files (SQLite): fast enough to run on an event loop."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or Catalogue.default()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def close(self) -> None:
        """Close every connection."""

    # -- releases ---------------------------------------------------------------------------

    @abc.abstractmethod
    def releases(self) -> list[Release]:
        """Every release, oldest first, with the current one marked."""

    def current_release(self) -> Release | None:
        """The release that mapping reads, or None if nothing is loaded."""
        return next((r for r in self.releases() if r.current), None)

    @abc.abstractmethod
    def verify(self) -> None:
        """Check that the store is what it records: every ready release's data is there and
        is the data that was loaded, and no release data lies unlisted in an empty store.

        :raises StoreDamaged: naming the file (or schema) and what to do; nothing is changed.
        """

    @abc.abstractmethod
    def begin_release(self) -> ReleaseWriter:
        """Start building a new release beside the current one."""

    @abc.abstractmethod
    def remove_release(self, release_id: int) -> None:
        """Delete a release that is not current."""

    @abc.abstractmethod
    def release_counts(self, release: Release) -> dict[str, int]:
        """Rows per ID_type, and the entry, secondary and deleted counts, of *release*."""

    @abc.abstractmethod
    def size_bytes(self) -> dict[str, int]:
        """Bytes on disk per part of the store."""

    # -- mapping ----------------------------------------------------------------------------

    @abc.abstractmethod
    def lookup(self, plan: LookupPlan) -> tuple[str, Iterator[tuple[int, str, int]]]:
        """Run *plan* against the current release: its name, and ``(seq, to, obsolete)`` rows
        ordered by input and then as results are shown."""

    @abc.abstractmethod
    def entry_facts(self, accessions: Sequence[str]) -> dict[str, EntryFacts]:
        """Facts of the entries with these accessions (current or deleted) in the current
        release, keyed by accession; accessions it does not know are left out."""

    @abc.abstractmethod
    def sample_accessions(self, limit: int) -> list[str]:
        """Up to *limit* accessions of the current release's entries, reviewed ones first,
        chosen among its first :data:`SAMPLE_SCAN` entries (a bounded read, whatever the size
        of the release): the examples of the web form."""

    @abc.abstractmethod
    def documents(self, kind: str, keys: Sequence[str], flat: bool = False
                  ) -> dict[str, tuple[bytes, bytes | None]]:
        """The packed documents (and, with *flat*, flat-file texts) of entries of *kind*,
        keyed by id; ids without a document are left out."""

    @abc.abstractmethod
    def document_counts(self) -> dict[str, int]:
        """How many documents of each kind the current release holds."""

    @abc.abstractmethod
    def filtered_results(self, job_id: str, query: FilterQuery, offset: int, limit: int | None
                         ) -> tuple[int, list[tuple[str, str]]]:
        """The number of a job's results that pass *query*, and those from *offset* (at most
        *limit*; None: all), in the query's order."""

    @abc.abstractmethod
    def uniparc_suggestions(self, id_type: str, keys: Sequence[str]) -> dict[str, list[str]]:
        """The UniParc ids of sequence ids of *id_type* (lookup keys), keyed by key."""

    @abc.abstractmethod
    def members(self, id_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
        """The accessions of the entries that carry each id of *id_type* (a UniParc or UniRef
        id), keyed by the id as stored; reviewed entries first."""

    # -- jobs -------------------------------------------------------------------------------

    @abc.abstractmethod
    def get_job(self, job_id: str, with_ids: bool = True) -> Job | None:
        """The job stored under *job_id*, or None.

        :param with_ids: read the submitted ids too. Results pages do not need them, and a
            job of a million ids holds megabytes of them; a job read without them is
            ``partial`` and cannot be saved.
        """

    @abc.abstractmethod
    def save_job(self, job: Job) -> None:
        """Insert or replace a job's record (not its results)."""

    @abc.abstractmethod
    def claim_job(self, job_id: str, expect: Sequence[JobStatus], updated: float) -> bool:
        """Set a job RUNNING if its status is one of *expect*; False if another did first."""

    @abc.abstractmethod
    def write_results(self, job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Replace a job's results with *pairs*, in order; return how many were written."""

    @abc.abstractmethod
    def read_results(self, job_id: str, offset: int, limit: int | None
                     ) -> Iterator[tuple[str, str]]:
        """A job's results from *offset*, at most *limit* of them (None: all), in order."""

    @abc.abstractmethod
    def list_jobs(self) -> list[Job]:
        """Every stored job, newest first."""

    @abc.abstractmethod
    def delete_jobs(self, updated_before: float | None = None) -> int:
        """Delete the jobs last submitted before *updated_before* (None: all); return the count."""
