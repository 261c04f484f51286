"""The store: one small interface over the database that holds releases and jobs.

A store holds any number of *releases* (each a complete, immutable copy of UniProt's mapping
data, built by the loader) of which one is *current*, and the *jobs* with their ordered results.
Two backends implement it: :mod:`idmapping.store.sqlite` (the embedded default) and
:mod:`idmapping.store.postgres` (scale-out). The release tables are described in
:mod:`idmapping.store.schema`, the queries in :mod:`idmapping.store.sql` and its siblings.

Mapping is done as set operations in the database: the input ids go into a temporary table,
one query joins it against the indexes, and the rows come back ordered by input.

What the database does wrong reaches callers only as :mod:`idmapping.errors`: each backend
translates its driver's errors at its boundary (a full disk or a read-only file is
:class:`~idmapping.errors.StoreUnavailable`); an error of another kind is a bug.
"""

from __future__ import annotations

import abc
import copy
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from idmapping.catalogue import Catalogue
from idmapping.errors import NotFound
from idmapping.model import DownloadJob, EntryFacts, Job, JobStatus, Release
from idmapping.store.plans import (
    AccessionMisses,
    AccessionPlan,
    FacetQuery,
    FilterQuery,
    HoldingRow,
    HoldingsPlan,
    LookupPlan,
    Subset,
    XrefBatch,
)

__all__ = ["Store", "ReleaseWriter"]


class ReleaseWriter(abc.ABC):
    """A new release being written beside the current one, in a backend's own way.

    The loader (:class:`~idmapping.loader.builder.ReleaseBuilder`) prepares the rows (entry
    numbers, ID_type codes, lookup keys) and hands them over in batches; :meth:`finish` derives
    what the files do not say and indexes, :meth:`switch` makes the release current, and
    :meth:`abort` throws it away. A store opens one with :meth:`Store.begin_release`.
    """

    batch_size = 50_000
    """Xrefs rows per :meth:`insert_xrefs` that suit the backend."""

    gene_codes: tuple[int, int, int] | None = None
    """The codes of Gene_Name, Gene_OrderedLocusName and Gene_ORFName, set by the loader before
    any row: a writer may derive the gene names of :meth:`finish` as batches come."""

    def __init__(self, release_id: int) -> None:
        self.release_id = release_id
        self.identity = secrets.token_hex(16)
        """Written into the release and into the store's list of releases: the check that a
        release's data is the data that was loaded (:meth:`Store.verify`)."""

    @abc.abstractmethod
    def insert_xrefs(self, rows: list[tuple[int, int, str, str | None]]) -> None:
        """Bulk-insert ``(entry, db, value, key)`` rows, *key* as :func:`~idmapping.store.
        plans.stored_key` gives it (None where SQL finds it from the value)."""

    def insert_xref_batch(self, batch: XrefBatch) -> None:
        """Bulk-insert a prepared batch; by default as the rows of :meth:`insert_xrefs`, a
        :attr:`batch_size` at a time."""
        for start, stop in batch.chunks(self.batch_size):
            self.insert_xrefs(batch.rows(start, stop))

    @abc.abstractmethod
    def insert_isoform_xrefs(self, rows: list[tuple[int, int, str, str]]) -> None:
        """Bulk-insert ``(entry, db, value, isoform)`` rows: ids that the files give to an
        isoform (its number, as text), also stored as xrefs of the entry."""

    @abc.abstractmethod
    def bound_memory(self, megabytes: int) -> None:
        """Keep the load's own memory (page cache, sorts) within a share of *megabytes*
        (the setting ``load_memory_mb``)."""

    @abc.abstractmethod
    def insert_entry_numbers(self, rows: list[tuple[int, str]]) -> None:
        """Bulk-insert ``(entry, accession)``: the number given to each entry, once each."""

    @abc.abstractmethod
    def find_entries(self, accessions: list[str]) -> dict[str, int]:
        """The numbers already given (:meth:`insert_entry_numbers`) to those of *accessions*
        that have one: the loader asks once it no longer keeps every number in memory."""

    @abc.abstractmethod
    def insert_entry_facts(self, rows: list[tuple[int, str | None, int | None, int | None]]
                           ) -> None:
        """Bulk-insert ``(entry, name, reviewed, taxon)``: what a file states of an entry
        (None: not stated). An entry may have several such rows; :meth:`finish` merges them
        into its row of ``entries`` (the largest value stated wins where two differ; with no
        reviewed status stated, it follows from the name: ``ACCESSION_SPECIES`` is TrEMBL's)."""

    @abc.abstractmethod
    def insert_secondary(self, rows: list[tuple[str, str]]) -> None:
        """Bulk-insert sec_ac rows."""

    @abc.abstractmethod
    def insert_documents(self, kind: str, rows: list[tuple[Any, ...]]) -> None:
        """Bulk-insert rows of a document table."""

    @abc.abstractmethod
    def insert_terms(self, rows: list[tuple[str, str, str]]) -> None:
        """Bulk-insert ``(accession, field, terms)`` rows of ``kb_terms``."""

    @abc.abstractmethod
    def insert_uniparc_xrefs(self, rows: list[tuple[str, str, str]]) -> None:
        """Bulk-insert ``(db, key, upi)`` rows."""

    @abc.abstractmethod
    def insert_deleted(self, rows: list[tuple[str, str]]) -> None:
        """Bulk-insert delac rows."""

    @abc.abstractmethod
    def insert_taxonomy(self, rows: list[tuple[int, int, str]]) -> None:
        """Bulk-insert ``(taxon, parent, rank)`` rows of nodes.dmp."""

    @abc.abstractmethod
    def insert_taxon_names(self, rows: list[tuple[int, str]]) -> None:
        """Bulk-insert ``(taxon, scientific name)`` rows of names.dmp; :meth:`finish` gives
        them to the taxa of :meth:`insert_taxonomy`."""

    @abc.abstractmethod
    def insert_taxon_merged(self, rows: list[tuple[int, int]]) -> None:
        """Bulk-insert ``(old taxon, new taxon)`` rows of merged.dmp."""

    @abc.abstractmethod
    def insert_taxon_deleted(self, rows: list[tuple[int]]) -> None:
        """Bulk-insert ``(taxon,)`` rows of delnodes.dmp."""

    @abc.abstractmethod
    def copy_release(self, base: Release, code_of: Callable[[str], int]
                     ) -> list[tuple[int, str, str | None, int | None, int | None]]:
        """Copy the rows of the ready release *base* into this one, in SQL (its files are
        not read again): ids, isoform ids, secondary and deleted accessions, UniParc ids,
        taxonomy and entry documents. Call it first, before any row of the new files.

        Its entries are numbered 1..n in their order, and its ID_type codes become
        ``code_of(name)``. Its ``entries`` are not written here: the loader registers the rows
        returned as the files' entries are (:meth:`insert_entry_numbers`,
        :meth:`insert_entry_facts`), and :meth:`finish` builds ``entries`` from them all.

        :returns: ``(id, accession, name, reviewed, taxon)`` of its entries, new ids.
        """

    @abc.abstractmethod
    def finish(self, name: str, subset: Subset, codes: dict[str, int], meta: dict[str, str]
               ) -> None:
        """Record the release's name, ID_type *codes* and *meta*; derive gene names, apply the
        subset, build the indexes."""

    @abc.abstractmethod
    def switch(self, name: str, stats: dict[str, Any], current: bool = True) -> Release:
        """Record the finished release as ready, with *stats* (and :attr:`identity`), and make
        it current, atomically.

        :param current: False keeps the current release current (the new one is then served
            only where asked for by name); a store with no current release makes it current
            anyway.
        """

    @abc.abstractmethod
    def abort(self) -> None:
        """Throw the unfinished release away; the current one is untouched."""


class Store(abc.ABC):
    """Releases and jobs in one database. Open one with :func:`idmapping.store.open_store`."""

    url: str

    local_reads = False
    """True when reads are from local files (SQLite): fast enough to run on an event loop."""

    pin: Release | None = None
    """The release a view made by :meth:`pinned` reads (None: the current release)."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or Catalogue.default()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reads_now(self) -> bool:
        """Whether a read would start at once, not wait for a connection (see
        ``reader_connections``)."""
        return True

    def generation(self) -> int | None:
        """A number that changes whenever anything may have been written to the store (jobs,
        their results, the list of releases), by this process or any other; None when the
        store cannot tell, and nothing read from it may be kept.

        What was read while the generation stayed the same (asked before and after) may be
        kept and used for as long as it still is the same: nothing was written meanwhile.
        """
        return None

    @abc.abstractmethod
    def close(self) -> None:
        """Close every connection."""

    # -- releases ---------------------------------------------------------------------------

    @abc.abstractmethod
    def releases(self) -> list[Release]:
        """Every release, oldest first, with the current one marked."""

    def current_release(self) -> Release | None:
        """The release that mapping reads (a view's pinned one), or None if nothing is loaded."""
        if self.pin is not None:
            return self.pin
        return next((r for r in self.releases() if r.current), None)

    def pinned(self, name: str) -> Store:
        """A view of this store whose reads of release data (mapping, entries, documents,
        filters) go to the ready release *name*, whatever release is current.

        Everything else (jobs, the list of releases, loads) is the store's own: the view
        shares its connections and caches, so it costs one read of the list of releases.
        Close the store, never a view. Where two ready releases share a name, the newer one
        is read.

        :raises NotFound: no ready release has this name (never loaded, or dropped); the
            message lists those there are.
        """
        ready = [r for r in self.releases() if r.state == "ready"]
        named = [r for r in ready if r.name == name]
        if not named:
            known = ", ".join(r.name for r in ready) or "none"
            raise NotFound(f"No release named {name!r} is served here; the releases are: "
                           f"{known}")
        view = copy.copy(self)
        view.pin = named[-1]
        return view

    @abc.abstractmethod
    def verify(self) -> None:
        """Check that the store is what it records: every ready release's data is there and
        is the data that was loaded, and no release data lies unlisted in an empty store.

        :raises StoreDamaged: naming the file (or schema) and what to do; nothing is changed.
        """

    @abc.abstractmethod
    def begin_release(self) -> ReleaseWriter:
        """Start writing a new release beside the current one (the loader's
        :class:`~idmapping.loader.builder.ReleaseBuilder` hands it the rows)."""

    @abc.abstractmethod
    def set_current(self, release_id: int) -> Release:
        """Make the ready release *release_id* current, atomically, after checking it as
        :meth:`verify` does (a damaged release is never switched to).

        :raises NotFound: no ready release has this id.
        :raises StoreDamaged: its data is not what was loaded.
        """

    @abc.abstractmethod
    def remove_release(self, release_id: int) -> None:
        """Delete a release that is not current."""

    @abc.abstractmethod
    def release_counts(self, release: Release) -> dict[str, int]:
        """Rows per ID_type, and the entry, secondary and deleted counts, of *release*."""

    @abc.abstractmethod
    def release_bytes(self, release: Release) -> int:
        """The bytes *release* takes on disk (its file, or its schema's tables)."""

    @abc.abstractmethod
    def size_bytes(self) -> dict[str, int]:
        """Bytes on disk per part of the store."""

    # -- mapping ----------------------------------------------------------------------------

    @abc.abstractmethod
    def lookup(self, plan: LookupPlan, release: Release | None = None
               ) -> tuple[str, Iterator[tuple[int, str, int]]]:
        """Run *plan* against the current release: its name, and ``(seq, to, obsolete)`` rows
        ordered by input and then as results are shown.

        :param release: read this release instead (one that :meth:`accession_misses` named),
            so that the two steps of a mapping read the same one.
        """

    @abc.abstractmethod
    def accession_misses(self, plan: AccessionPlan) -> AccessionMisses:
        """Run *plan* against the current release: the release, the ``seq`` of each input that
        is not the accession of an entry passing the plan's filters (in order), and whether
        the keys are known to be all different. Every other input maps to its own key alone;
        these need :meth:`lookup`."""

    @abc.abstractmethod
    def holdings(self, plan: HoldingsPlan) -> tuple[str, list[HoldingRow]]:
        """Run *plan* against the current release: its name, and where its ids are held
        (:data:`~idmapping.store.plans.HoldingRow`), in no particular order."""

    def has_taxonomy(self) -> bool:
        """Whether the current release holds NCBI's taxonomy (a release loaded with taxdump's
        nodes.dmp): ``taxId`` then stands for a taxon and its descendants."""
        current = self.current_release()
        return bool(current and current.stats.get("taxa"))

    @abc.abstractmethod
    def taxa_named(self, name: str, limit: int = 10) -> list[tuple[int, str, str]]:
        """``(taxon, scientific name, rank)`` of the taxa of the current release's taxonomy
        named *name* (ignoring case), else of at most *limit* whose names begin with it;
        empty without a taxonomy."""

    @abc.abstractmethod
    def taxon_names(self, taxa: Sequence[int]) -> dict[int, str]:
        """The scientific names of *taxa* in the current release's taxonomy, by taxon; taxa it
        does not name (or every taxon, without a taxonomy) are left out."""

    @abc.abstractmethod
    def taxon_lineages(self, taxa: Sequence[int]) -> dict[int, set[int]]:
        """Each of *taxa* with the taxa above it in the current release's taxonomy (itself
        alone without a taxonomy, or where the taxonomy does not know it); a taxon merged into
        another (merged.dmp) has the other's lineage too."""

    @abc.abstractmethod
    def taxon_paths(self, taxa: Sequence[int]) -> dict[int, list[tuple[int, str, str]]]:
        """The lineage of each of *taxa* in the current release's taxonomy, from its root down
        to the taxon itself: ``(taxon, scientific name, rank)`` each. A taxon merged into
        another (merged.dmp) has the other's; taxa the taxonomy does not know (or every taxon,
        without a taxonomy) are left out."""

    @abc.abstractmethod
    def taxon_fate(self, taxon: int) -> tuple[str, int | None] | None:
        """What the current release's taxonomy says of *taxon* when it is not one of its
        taxa: ``("merged", new taxon)`` (merged.dmp), ``("deleted", None)`` (delnodes.dmp) or
        ``("unknown", None)``; None for one of its taxa, or without a taxonomy."""

    @abc.abstractmethod
    def entry_facts(self, accessions: Sequence[str]) -> dict[str, EntryFacts]:
        """Facts of the entries with these accessions (current or deleted) in the current
        release, keyed by accession; accessions it does not know are left out."""

    @abc.abstractmethod
    def sample_accessions(self, limit: int) -> list[str]:
        """Up to *limit* accessions of the current release's entries, reviewed ones first,
        chosen among its first :data:`~idmapping.store.sql_results.SAMPLE_SCAN` entries (a bounded
        read, whatever the size of the release): the examples of the web form."""

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
    def facet_counts(self, job_id: str, query: FilterQuery, facet: FacetQuery
                     ) -> list[tuple[int | str, int]]:
        """How many distinct entries of a job's results that pass *query* have each value of
        *facet*: ``(value, count)`` by value, one grouped query; entries without a value are
        left out. A value is a number, or a name (``taxon_names``).

        :raises InvalidRequest: the release lacks the tables (:data:`~idmapping.store.sql_results.
            OLD_RELEASE`) or the column (:data:`~idmapping.store.sql_results.OLD_FACETS`).
        """

    @abc.abstractmethod
    def uniparc_suggestions(self, id_type: str, keys: Sequence[str]) -> dict[str, list[str]]:
        """The UniParc ids of sequence ids of *id_type* (lookup keys), keyed by key."""

    @abc.abstractmethod
    def members(self, id_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
        """The accessions of the entries that carry each id of *id_type* (a UniParc or UniRef
        id), keyed by the id as stored; reviewed entries first."""

    # -- jobs -------------------------------------------------------------------------------

    @abc.abstractmethod
    def get_job(self, job_id: str, with_ids: bool = True, with_failed: bool = True
                ) -> Job | None:
        """The job stored under *job_id*, or None.

        A job read without some of its columns holds empty values there, names them in
        ``unread`` (it is ``partial``) and cannot be saved.

        :param with_ids: read the submitted ids too. Results pages do not need them, and a
            job of 100,000 ids holds megabytes of them.
        :param with_failed: read the ids that did not map too (``failedIds`` and
            ``suggestedIds``): megabytes of JSON for a job of 100,000 unknown ids, which only
            the pages that send them need (not a status poll).
        """

    @abc.abstractmethod
    def job_ids(self, statuses: Sequence[JobStatus]) -> list[str]:
        """The ids of the jobs in one of *statuses*, least recently submitted first (nothing
        else of them is read)."""

    @abc.abstractmethod
    def save_job(self, job: Job) -> None:
        """Insert or replace a job's record (not its results)."""

    @abc.abstractmethod
    def claim_job(self, job_id: str, expect: Sequence[JobStatus], updated: float) -> bool:
        """Set a job RUNNING if its status is one of *expect*; False if another did first."""

    @abc.abstractmethod
    def write_results(self, job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Replace a job's results with *pairs*, in order; return how many were written.

        Give a :class:`~idmapping.store.spool.PairSpool`: the pairs are then all known before
        anything is written. A backend may write them in several transactions (SQLite: one
        per chunk, so that other writers get the store in between); one that fails may leave
        some written. A job's results are read only once it is FINISHED.
        """

    @abc.abstractmethod
    def read_results(self, job_id: str, offset: int, limit: int | None
                     ) -> Iterator[tuple[str, str]]:
        """A job's results from *offset*, at most *limit* of them (None: all), in order."""

    def read_result_parts(self, job_id: str, offset: int, limit: int | None
                          ) -> Iterator[Sequence[tuple[str, str]]]:
        """The pairs of :meth:`read_results`, a part at a time: lists of pairs, or (where the
        store keeps runs of ids that map to themselves) a
        :class:`~idmapping.store.spool.RunPairs` of a run's ids, which a TSV stream writes
        without a tuple per pair (issue 18). By default, one list."""
        pairs = list(self.read_results(job_id, offset, limit))
        if pairs:
            yield pairs

    @abc.abstractmethod
    def list_jobs(self) -> list[Job]:
        """Every stored job, newest first."""

    @abc.abstractmethod
    def delete_jobs(self, updated_before: float | None = None) -> int:
        """Delete the jobs last submitted before *updated_before* (None: all); return the count."""

    # -- download jobs ----------------------------------------------------------------------

    @abc.abstractmethod
    def get_download(self, download_id: str) -> DownloadJob | None:
        """The download job stored under *download_id*, or None."""

    @abc.abstractmethod
    def save_download(self, download: DownloadJob) -> None:
        """Insert or replace a download job."""

    @abc.abstractmethod
    def claim_download(self, download_id: str, expect: Sequence[JobStatus], updated: float
                       ) -> bool:
        """Set a download job RUNNING if its status is one of *expect*; False if another
        did first."""

    @abc.abstractmethod
    def download_ids(self, statuses: Sequence[JobStatus]) -> list[str]:
        """The ids of the download jobs in one of *statuses*, oldest first."""

    @abc.abstractmethod
    def delete_downloads(self, updated_before: float | None = None) -> list[DownloadJob]:
        """Delete the download jobs last updated before *updated_before* (None: all), and
        those whose mapping job is gone; return them (their files are the caller's)."""
