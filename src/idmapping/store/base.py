"""The store: one small interface over the database that holds releases and jobs.

A store holds any number of *releases* (each a complete, immutable copy of UniProt's mapping
data, built by the loader) of which one is *current*, and the *jobs* with their ordered results.
Two backends implement it: :mod:`idmapping.store.sqlite` (the embedded default) and
:mod:`idmapping.store.postgres` (scale-out).

Release tables, the same in every backend::

    dbs(code, name)                      ID_type names of idmapping.dat, as small integers
    entries(id, accession, name, reviewed, taxon)   one row per UniProtKB entry
    xrefs(entry, db, value, key)         one row per (entry, database, id); key = lookup_key(value)
    secondary(accession, primary_acc)    sec_ac.txt
    deleted(accession, source)           delac_sp.txt (sp) and delac_tr.txt (tr)
    kb_entries(accession, ..., doc, flat)  UniProtKB entries: JSON document (compressed), the
                                         flat-file text if read from one, filter columns
    uniref_entries(id, ..., doc)         UniRef light entries
    uniparc_entries(upi, ..., doc)       UniParc light entries
    uniparc_xrefs(db, key, upi)          UniParc ids of EMBL, RefSeq and GI ids (suggestions)

The document tables' columns are :data:`idmapping.uniprot.summary.DOCUMENT_COLUMNS`.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idmapping.catalogue import EXTRA_DAT_TYPES, Catalogue
from idmapping.errors import InvalidRequest
from idmapping.ids import lookup_key
from idmapping.model import EntryFacts, Job, JobStatus, Release
from idmapping.uniprot.summary import DOCUMENT_COLUMNS, DOCUMENT_TABLES

if TYPE_CHECKING:
    import pyarrow as pa

    from idmapping.store.xrefbatch import XrefBatch

__all__ = ["Store", "ReleaseWriter", "LookupPlan", "Subset", "FilterQuery"]

_ISOFORM_SUFFIX = re.compile(r"-[0-9]+$")


@dataclass(frozen=True)
class Subset:
    """What part of the files a load keeps: some taxa, reviewed entries only, or everything."""

    taxa: tuple[int, ...] = ()
    reviewed_only: bool = False


@dataclass(frozen=True)
class LookupPlan:
    """One mapping query, as the engine asks it of the store.

    :param source: ``uniprot`` (accessions and entry names), or the ID_type to look ids up in.
    :param target: ``uniprotkb``, ``swissprot``, or the ID_type whose values are wanted.
    :param inputs: ``(seq, key, kind, version)`` per distinct input; kind is ``accession``,
        ``entry_name`` or ``value``.
    :param taxon: restrict the entries passed through to this taxon; ``-1`` matches nothing.
    """

    source: str
    target: str
    inputs: Sequence[tuple[int, str, str, str | None]]
    taxon: int | None = None


@dataclass(frozen=True)
class FilterQuery:
    """A filtered or sorted view of a job's results over entry documents.

    :param kind: ``uniprotkb``, ``uniref`` or ``uniparc``.
    :param where: an SQL condition over the document table ``e`` (and, for UniProtKB, the
        mapping entries ``m``) with ``?`` placeholders; ``""`` keeps every pair.
    :param params: the values of the placeholders.
    :param order: SQL ``ORDER BY`` terms (before the stored order); ``""`` keeps stored order.
    :param include_isoform: add the isoform entries of each mapped canonical entry.
    """

    kind: str
    where: str = ""
    params: tuple[Any, ...] = ()
    order: str = ""
    include_isoform: bool = False


SAMPLE_SCAN = 10_000
"""How many entries :meth:`Store.sample_accessions` looks at."""


def sample_sql(rel: str, mark: str) -> str:
    """The query of :meth:`Store.sample_accessions`: takes the scan size, then the limit.

    :param rel: the prefix of the current release's tables; :param mark: the placeholder.
    """
    return (f"SELECT accession FROM (SELECT id, accession, reviewed FROM {rel}entries "
            f"ORDER BY id LIMIT {mark}) s "
            f"ORDER BY CASE WHEN reviewed = 1 THEN 0 ELSE 1 END, id LIMIT {mark}")


def filter_sql(query: FilterQuery, results: str, rel: str, collate: str = ""
               ) -> tuple[str, str]:
    """The page query and the count query of *query*.

    Both take ``job`` (once, or twice with isoforms), then the query's params; the page query
    then takes ``limit`` and ``offset``.

    :param results: the job results table (``job_results``, schema-qualified as needed).
    :param rel: the prefix of the current release's tables (``rel.``).
    :param collate: how the job's ids are compared with the release's (PostgreSQL: their
        columns have different collations).
    """
    table = rel + DOCUMENT_TABLES[query.kind]
    key = DOCUMENT_COLUMNS[query.kind][0][0]
    pairs = f"SELECT r.seq, 0 AS sub, r.from_id, r.to_id FROM {results} r WHERE r.job = ?"
    if query.include_isoform and query.kind == "uniprotkb":
        pairs += (f" UNION ALL SELECT r.seq, 1, r.from_id, i.accession FROM {results} r "
                  f"JOIN {table} i ON i.canonical = r.to_id{collate} AND i.isoform = 1 "
                  "WHERE r.job = ?")
    joins = f"LEFT JOIN {table} e ON e.{key} = p.to_id{collate}"
    if query.kind == "uniprotkb":
        joins += f" LEFT JOIN {rel}entries m ON m.accession = p.to_id{collate}"
    condition = query.where.replace("{rel}", rel).replace("{collate}", collate)
    where = f" WHERE {condition}" if condition else ""
    order = f"{query.order}, " if query.order else ""
    page = (f"SELECT p.from_id, p.to_id FROM ({pairs}) p {joins}{where} "
            f"ORDER BY {order}p.seq, p.sub, p.to_id{collate} LIMIT ? OFFSET ?")
    count = f"SELECT count(*) FROM ({pairs}) p {joins}{where}"
    return page, count


def filter_params(query: FilterQuery, job_id: str) -> list[Any]:
    """The leading parameters of :func:`filter_sql`'s queries."""
    jobs = [job_id, job_id] if query.include_isoform and query.kind == "uniprotkb" else [job_id]
    return [*jobs, *query.params]


def document_schema(kind: str, types: dict[str, str], primary: bool = False) -> str:
    """``CREATE TABLE`` of a document table, column kinds mapped through *types*.

    :param primary: declare the first column the primary key (SQLite, which then replaces a
        repeated entry).
    """
    columns = ", ".join(f"{name} {types[kind_]}" + (" PRIMARY KEY" if primary and n == 0 else "")
                        for n, (name, kind_) in enumerate(DOCUMENT_COLUMNS[kind]))
    return f"CREATE TABLE {DOCUMENT_TABLES[kind]} ({columns})"


OLD_RELEASE = ("Invalid request received. The current release was loaded by an earlier version "
               "without entry tables: load it again to filter or sort its entries")
"""The message for a filter over a release that has no entry tables."""

DOCUMENT_INDEXES = (
    "CREATE INDEX kb_entries_key ON kb_entries (accession)",
    "CREATE INDEX kb_entries_canonical ON kb_entries (canonical)",
    "CREATE INDEX uniref_entries_key ON uniref_entries (id)",
    "CREATE INDEX uniparc_entries_key ON uniparc_entries (upi)",
    "CREATE INDEX uniparc_xrefs_key ON uniparc_xrefs (db, key)",
)
"""Indexes of the document tables, built after the load."""


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
        """Add entry documents: rows of :data:`DOCUMENT_COLUMNS` ``[kind]``; return the count."""
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


def same_entry(alias: str, entry: str, db: int) -> str:
    """The condition that xrefs row *alias* is one of entry *entry*'s ids in database *db*."""
    return f"{alias}.entry = {entry} AND {alias}.db = {db}"


def entry_column(alias: str) -> str:
    """The entry number of xrefs row *alias* (an SQL expression)."""
    return f"{alias}.entry"


def derived_gene_name_sql(codes: dict[str, int],
                          entry_rows: Callable[[str, str, int], str] = same_entry,
                          entry_of: Callable[[str], str] = entry_column,
                          new_row: tuple[str, str] = ("entry", "x.entry")) -> list[str]:
    """Statements deriving UniProt's "Gene Name" for entries that have no Gene_Name row.

    Such an entry is named by its ordered-locus names, else by its ORF names.

    :param entry_rows: as for :func:`lookup_sql`; also *entry_of*.
    :param new_row: the column that places a derived row and its value: its entry by default
        (SQLite gives a row id instead).
    """
    gene, oln, orf = codes["Gene_Name"], codes["Gene_OrderedLocusName"], codes["Gene_ORFName"]
    column, value = new_row
    # NOT EXISTS rather than NOT IN: PostgreSQL runs NOT IN well only while the subquery fits
    # in memory, which a full release's does not.
    return [
        f"INSERT INTO xrefs({column}, db, value, key) SELECT {value}, {gene}, x.value, x.key "
        f"FROM xrefs x WHERE x.db = {kind} AND NOT EXISTS "
        f"(SELECT 1 FROM xrefs g WHERE {entry_rows('g', entry_of('x'), gene)})"
        for kind in (oln, orf)
    ]


def subset_sql(subset: Subset) -> list[str]:
    """Statements that delete what a subset load does not keep."""
    if not subset.taxa and not subset.reviewed_only:
        return []
    keep = []
    if subset.taxa:
        keep.append("taxon IN (" + ",".join(str(int(t)) for t in subset.taxa) + ")")
    if subset.reviewed_only:
        keep.append("reviewed = 1")
    dropped = "SELECT id FROM entries WHERE NOT (" + " AND ".join(
        f"COALESCE({k}, FALSE)" for k in keep) + ")"
    return [
        f"DELETE FROM xrefs WHERE entry IN ({dropped})",
        f"DELETE FROM entries WHERE id IN ({dropped})",
        "DELETE FROM secondary WHERE primary_acc NOT IN (SELECT accession FROM entries)",
        "DELETE FROM kb_entries WHERE NOT EXISTS "
        "(SELECT 1 FROM entries m WHERE m.accession = kb_entries.canonical)",
    ]


def lookup_sql(plan: LookupPlan, codes: dict[str, int],
               entry_rows: Callable[[str, str, int], str] = same_entry,
               entry_of: Callable[[str], str] = entry_column) -> tuple[str, list[Any]]:
    """The one query answering *plan*: ``(seq, to, obsolete)`` rows ordered for output.

    The input is the temporary table ``input(seq, key, kind, version)``.

    :param entry_rows: how a backend finds an entry's xrefs (:func:`same_entry` by default).
    :param entry_of: how it reads an xref's entry (:func:`entry_column` by default).
    """
    params: list[Any] = []
    if plan.source == "uniprot":
        hits = (
            "SELECT i.seq, e.id AS entry FROM input i JOIN entries e "
            "ON e.accession = i.key WHERE i.kind = 'accession' "
            "UNION SELECT i.seq, e.id FROM input i JOIN entries e "
            "ON e.name = i.key WHERE i.kind = 'entry_name' "
            # the NOT EXISTS names s, not i: it is then checked for the few secondary
            # accessions found, not for every input (a million inputs: a million probes)
            "UNION SELECT i.seq, e.id FROM input i JOIN secondary s ON s.accession = i.key "
            "JOIN entries e ON e.accession = s.primary_acc WHERE i.kind = 'accession' "
            "AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.accession = s.accession)"
        )
    else:
        code = codes.get(plan.source)
        if code is None:
            hits = "SELECT i.seq, 0 AS entry FROM input i WHERE 1 = 0"
        else:
            hits = (
                # CROSS JOIN: SQLite keeps the input as the outer loop, probing the key index
                # (it would otherwise scan every stored id of the database for a small input)
                f"SELECT i.seq, {entry_of('x')} AS entry FROM input i CROSS JOIN xrefs x "
                f"WHERE x.db = {code} AND x.key = i.key "
                "AND (i.version IS NULL OR lower(x.value) = i.version)"
            )
    taxon = ""
    if plan.taxon is not None:
        taxon = " AND e.taxon = ?"
        params.append(plan.taxon)
    if plan.target in ("uniprotkb", "swissprot"):
        reviewed = " AND e.reviewed = 1" if plan.target == "swissprot" else ""
        union = ""
        if plan.target == "uniprotkb" and plan.source == "uniprot":
            # A deleted accession maps to itself, as an inactive entry, for UniProtKB only.
            union = (
                " UNION SELECT i.seq, d.accession, 1, 0 FROM input i "
                "JOIN deleted d ON d.accession = i.key WHERE i.kind = 'accession' "
                "AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.accession = d.accession) "
                "AND NOT EXISTS (SELECT 1 FROM secondary s WHERE s.accession = d.accession)"
            )
        sql = (
            "SELECT seq, accession, obsolete FROM ("
            f"SELECT h.seq, e.accession, 0 AS obsolete, e.reviewed FROM ({hits}) h "
            f"JOIN entries e ON e.id = h.entry{taxon}{reviewed}{union}"
            ") r ORDER BY seq, obsolete, reviewed DESC NULLS LAST, accession"
        )
        return sql, params
    code = codes.get(plan.target)
    if code is None:
        return "SELECT seq, key, 0 FROM input WHERE 1 = 0", []
    sql = (
        f"SELECT DISTINCT h.seq, t.value, 0 AS obsolete FROM ({hits}) h "
        f"JOIN entries e ON e.id = h.entry{taxon} "
        f"JOIN xrefs t ON {entry_rows('t', 'h.entry', code)} "
        "ORDER BY h.seq, t.value"
    )
    return sql, params


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


JOB_COLUMNS = ("id", "from_db", "to_db", "tax_id", "status", "created", "updated",
               "release", "result_count", "failed_ids", "suggested_ids", "obsolete_count",
               "warnings", "errors", "ids")
"""The columns of the jobs table. The submitted ids come last: SQLite then reads every other
column of a job of a million ids without walking the megabytes of overflow pages they fill
(a results page spent 2 ms there)."""

JSON_JOB_COLUMNS = frozenset({"failed_ids", "suggested_ids", "warnings", "errors"})
"""Job columns holding JSON (lists of ids or problems)."""


def job_select(with_ids: bool) -> str:
    """The select list of :data:`JOB_COLUMNS`, with an empty string for the ids if not wanted."""
    return ", ".join(c if with_ids or c != "ids" else "'' AS ids" for c in JOB_COLUMNS)


def job_values(job: Job, encode_json: Callable[[Any], Any]) -> tuple[Any, ...]:
    """A job as a row of :data:`JOB_COLUMNS`; *encode_json* turns lists into the backend's JSON."""
    if job.partial:
        raise ValueError(f"job {job.id} was read without its ids and cannot be saved")
    values = []
    for column in JOB_COLUMNS:
        value = getattr(job, column)
        if column in JSON_JOB_COLUMNS:
            value = encode_json(value)
        elif isinstance(value, JobStatus):
            value = value.value
        values.append(value)
    return tuple(values)


def job_from_row(row: Sequence[Any], decode_json: Callable[[Any], Any] | None = None,
                 partial: bool = False) -> Job:
    """The job of a row of :data:`JOB_COLUMNS`; *decode_json* reads its JSON columns, where the
    driver does not."""
    values: dict[str, Any] = dict(zip(JOB_COLUMNS, row, strict=True), partial=partial)
    if decode_json is not None:
        for column in JSON_JOB_COLUMNS:
            values[column] = decode_json(values[column])
    values["status"] = JobStatus(values["status"])
    return Job(**values)


def check_release_name(name: str) -> str:
    """Refuse release names that cannot be shown or used in a file name."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", name):
        raise InvalidRequest(
            f"Invalid release name {name!r}: use letters, digits, '_', '.' or '-' (at most 64)"
        )
    return name


__all__ += ["JOB_COLUMNS", "JSON_JOB_COLUMNS", "job_values", "job_from_row", "job_select",
            "derived_gene_name_sql", "subset_sql", "lookup_sql", "same_entry", "entry_column",
            "check_release_name",
            "EXTRA_DAT_TYPES", "filter_sql", "filter_params", "document_schema",
            "DOCUMENT_INDEXES", "OLD_RELEASE"]
