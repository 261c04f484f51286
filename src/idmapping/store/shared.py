"""What the SQLite and PostgreSQL stores do alike, written once.

:class:`SqlStore` implements the parts of :class:`~idmapping.store.base.Store` whose SQL is the
same in both backends (jobs, result pages, entry facts, cleaning up after stopped loads) over
three primitives a backend gives: :meth:`SqlStore._query` (read rows), :meth:`SqlStore._change`
(one write, in a transaction of its own) and :meth:`SqlStore._entry_fact_rows`. The SQL is
written with ``?`` placeholders and the main tables prefixed with :attr:`SqlStore.main`; a
backend whose driver wants other placeholders adapts them in its primitives. Each primitive
translates its driver's errors into :mod:`idmapping.errors`, so everything here is inside the
backend's boundary.
"""

from __future__ import annotations

import abc
import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import orjson

from idmapping.errors import InvalidRequest, NotFound, StoreError
from idmapping.model import DownloadJob, EntryFacts, Job, JobStatus, Release
from idmapping.store.base import Store
from idmapping.store.jobrows import (
    JOB_COLUMNS,
    job_from_row,
    job_select,
    job_values,
    unread_columns,
)
from idmapping.store.plans import FilterQuery
from idmapping.store.queryfields import NEEDS_TAXONOMY, TAXONOMY_NOT_LOADED, not_held_message
from idmapping.store.spool import CHUNK_PAIRS, RunPairs
from idmapping.store.sql_taxonomy import (
    TAXON_FATE_SQL,
    lineage_paths_sql,
    lineages_sql,
    merged_sql,
    taxa_named_sql,
    taxon_names_sql,
)

__all__ = ["SqlStore", "release_from_row", "shape_entry_facts", "grouped", "jobs_updated_before",
           "removed_while_loading", "ready_release", "RELEASE_COLUMNS", "RESULTS_BATCH", "FactRow",
           "UNWRITABLE", "TOO_LARGE", "batched", "page_of", "page_parts"]

UNWRITABLE = "The store cannot be written just now ({}); try again later"
"""The message of :class:`~idmapping.errors.StoreUnavailable` from a backend, given the
driver's own words (a full disk, a read-only file, a lock held too long)."""

TOO_LARGE = "The request is too large for the store ({}): ask for fewer ids or a simpler query"
"""The message of :class:`~idmapping.errors.InvalidRequest` for a request over one of the
database's limits, given the driver's own words."""

RELEASE_COLUMNS = "id, name, state, created, current, stats"
"""The columns of the list of releases that :func:`release_from_row` reads, before the file."""

RESULTS_BATCH = 20_000
"""Result pairs read per query by :meth:`SqlStore.read_results`."""

FactRow = tuple[str, str | None, int | None, int | None, str | None, Any]
"""``(accession, name, reviewed, taxon, ID_type, value)``: an entry and one of its ids (the
last two None for an entry without ids)."""


def release_from_row(row: Sequence[Any], decode_json: Callable[[Any], Any] | None = None
                     ) -> Release:
    """The release of a row of :data:`RELEASE_COLUMNS` followed by its file (or schema).

    :param decode_json: reads the stats, where the driver does not.
    """
    stats = row[5] if decode_json is None else decode_json(row[5])
    return Release(id=row[0], name=row[1], state=row[2], created=row[3], current=bool(row[4]),
                   stats=stats, file=row[6])


def shape_entry_facts(rows: Iterable[FactRow], deleted: Iterable[tuple[str, str]]
                      ) -> dict[str, EntryFacts]:
    """Entry facts by accession, from the rows of entries and their ids (ordered by entry,
    ID_type and value) and the ``(accession, source)`` of deleted accessions, which count only
    where no entry has that accession."""
    facts: dict[str, EntryFacts] = {}
    for acc, name, reviewed, taxon, db, value in rows:
        fact = facts.get(acc)
        if fact is None:
            fact = facts[acc] = EntryFacts(acc, name, None if reviewed is None else bool(reviewed),
                                           taxon)
        if db is not None:
            fact.xrefs.setdefault(db, []).append(value)
    for acc, source in deleted:
        if acc not in facts:
            facts[acc] = EntryFacts(acc, deleted=source)
    return facts


def grouped(rows: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``(key, value)`` rows as lists of values by key, in the rows' order."""
    found: dict[str, list[str]] = {}
    for key, value in rows:
        found.setdefault(key, []).append(value)
    return found


def ready_release(releases: Sequence[Release], release_id: int) -> Release:
    """The ready release *release_id* of *releases*; :class:`NotFound` if there is none."""
    for release in releases:
        if release.id == release_id and release.state == "ready":
            return release
    raise NotFound(f"No ready release has the id {release_id}")


def removed_while_loading(release_id: int) -> StoreError:
    """The error of a load whose release was removed before it could switch to it."""
    return StoreError(f"Release {release_id} was removed while it was being loaded (by another "
                      "load started meanwhile?)")


def jobs_updated_before(updated_before: float | None) -> tuple[str, tuple[float, ...]]:
    """The ``WHERE`` clause (and its parameters) of the jobs last submitted before
    *updated_before*; every job when it is None (and only then: 0 is a time too)."""
    if updated_before is None:
        return "", ()
    return "WHERE updated < ?", (updated_before,)



T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """*items* in lists of *size* (the last one shorter): ``itertools.batched`` of Python 3.12,
    as lists.

    >>> list(batched("abcde", 2))
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

DOWNLOAD_COLUMNS = ("id", "job", "format", "fields", "compressed", "status", "created",
                    "updated", "error", "total", "processed", "result_file")
"""The columns of the download_jobs table, as :class:`DownloadJob`'s fields."""


def page_parts(rows: Sequence[tuple[Any, ...]], runs: Sequence[tuple[int, Any]], offset: int,
               stop: int, decoded: dict[int, list[Any]] | None = None
               ) -> list[Sequence[tuple[str, str]]]:
    """The results from *offset* to *stop*, in order, from a job's stored rows there (``(seq,
    from, to)``, by seq) and its runs that hold any of them (``(seq, ids)``, by seq: the pairs
    ``(id, id)`` from seq on, the ids a JSON array or a list): as parts, lists of pairs and
    :class:`~idmapping.store.spool.RunPairs` of a run's ids (no tuple made per pair). A block
    of pairs (``SqlStore.result_blocks``) comes as a run whose items are ``[from, to]``.

    :param decoded: the last run, by seq, kept here (the only one that may hold pairs past
        *stop*: a run is decoded once by a stream whose batches are smaller than it, and
        its ids need not be read again, ``None`` in *runs*).
    """
    parts: list[Sequence[tuple[str, str]]] = []
    done = 0  # the rows before this one are in parts
    for start, ids in runs:
        if decoded is not None and start in decoded:
            ids = decoded[start]
        elif not isinstance(ids, list):
            ids = orjson.loads(ids)
        before = bisect.bisect_left(rows, start, lo=done, key=_seq)
        if before > done:
            parts.append([row[1:] for row in rows[done:before]])
        done = before
        part = ids[max(offset - start, 0):max(stop - start, 0)]
        if part and type(part[0]) is list:  # a block of pairs
            parts.append(list(map(tuple, part)))
        elif part:
            parts.append(RunPairs(part))
    if done < len(rows):
        parts.append([row[1:] for row in rows[done:]])
    if decoded is not None and runs and runs[-1][0] not in decoded:
        decoded.clear()
        decoded[runs[-1][0]] = ids
    return parts


def page_of(rows: Sequence[tuple[Any, ...]], runs: Sequence[tuple[int, Any]], offset: int,
            stop: int, decoded: dict[int, list[Any]] | None = None) -> list[tuple[str, str]]:
    """The pairs of :func:`page_parts`, in one list."""
    pairs: list[tuple[str, str]] = []
    for part in page_parts(rows, runs, offset, stop, decoded):
        pairs += part
    return pairs


def _seq(row: tuple[Any, ...]) -> Any:
    return row[0]


def _download_from_row(row: Sequence[Any]) -> DownloadJob:
    values = dict(zip(DOWNLOAD_COLUMNS, row, strict=True))
    values["compressed"] = bool(values["compressed"])
    values["status"] = JobStatus(values["status"])
    return DownloadJob(**values)


class SqlStore(Store):
    """A store over an SQL database: what both backends share (see the module's text)."""

    main = ""
    """The prefix of the main tables (releases, jobs, job_results) in SQL."""

    decode_json: Callable[[Any], Any] | None = None
    """How the backend reads its JSON columns (None: the driver does)."""

    ids_apart = False
    """Whether the submitted ids of a job are saved in a table of their own, ``job_texts``
    (``job``, ``ids``), rather than in its row of ``jobs`` (which then holds ``''``; the
    backend's :meth:`save_job` writes both): SQLite writes a whole row again on any update,
    and a job of a million ids is saved as it is submitted, claimed and finished (issue 18:
    11 MB written three times, 0.6 s); PostgreSQL keeps a large value that an update leaves as
    it was. A job saved before keeps its ids in
    its row, read where it has none apart, until it is saved again."""

    ids_apart_readable = True
    """Whether ``job_texts`` can be read (a store made before it and opened read-only has
    none: its jobs' ids are all in their rows)."""

    result_blocks = False
    """Whether the backend keeps a job's pairs (outside its runs) as blocks, one row of
    ``job_result_blocks`` (``job``, ``seq``, ``size``, ``pairs``: a JSON array of *size*
    ``[from, to]``, from ``seq`` on) per chunk of a :class:`~idmapping.store.spool.PairSpool`,
    rather than a row of ``job_results`` each (issue 18): 121,068 RefSeq pairs were written a
    row each in 0.14 s by SQLite, 0.26 s by PostgreSQL, as blocks in 0.01 s and 0.02 s. Where it
    is False, the backend has no such table."""

    @abc.abstractmethod
    def encode_json(self, value: Any) -> Any:
        """A value as the backend stores it in a JSON column."""

    @abc.abstractmethod
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a read of the main tables."""

    @abc.abstractmethod
    def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write in a transaction of its own; return the rows it changed."""

    @abc.abstractmethod
    def _entry_fact_rows(self, accessions: list[str]
                         ) -> tuple[Iterable[FactRow], Iterable[tuple[str, str]]]:
        """The rows of :func:`shape_entry_facts` for these (distinct) accessions in the
        current release."""

    @abc.abstractmethod
    def _release_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a read of the current release's tables, named ``{rel}table`` in
        *sql*."""

    # -- releases ---------------------------------------------------------------------------

    def _remove_unfinished(self) -> None:
        """Remove what loads that stopped half-way left behind."""
        for release in self.releases():
            if release.state in ("loading", "failed"):
                self.remove_release(release.id)

    # -- mapping ----------------------------------------------------------------------------

    def taxa_named(self, name: str, limit: int = 10) -> list[tuple[int, str, str]]:
        wanted = name.strip().lower()
        if not wanted or not self.has_taxonomy():
            return []
        rows = self._release_rows(taxa_named_sql("{rel}"),
                                  (wanted, wanted, wanted + "\U0010ffff", wanted, limit))
        return [(int(t), str(n), str(r or "")) for t, n, r in rows]

    def taxon_names(self, taxa: Sequence[int]) -> dict[int, str]:
        given = list(dict.fromkeys(int(t) for t in taxa))
        found: dict[int, str] = {}
        if not given or not self.has_taxonomy():
            return found
        for start in range(0, len(given), 500):
            chunk = given[start:start + 500]
            for taxon, name in self._release_rows(taxon_names_sql("{rel}", len(chunk)), chunk):
                if name:
                    found[int(taxon)] = str(name)
        return found

    def taxon_lineages(self, taxa: Sequence[int]) -> dict[int, set[int]]:
        found = {int(t): {int(t)} for t in taxa}
        if not found or not self.has_taxonomy():
            return found
        merged: dict[int, int] = {}
        if "taxon_merged" in self._release_parts():
            merged = {int(o): int(n) for o, n in self._chunked(merged_sql, list(found))}
        given = list(found.keys() | merged.values())
        lineages: dict[int, set[int]] = {t: {t} for t in given}
        for taxon, ancestor in self._chunked(lineages_sql, given):
            lineages[int(taxon)].add(int(ancestor))
        for taxon in found:
            found[taxon] |= lineages[taxon]
            if taxon in merged:
                found[taxon] |= lineages[merged[taxon]]
        return found

    def taxon_paths(self, taxa: Sequence[int]) -> dict[int, list[tuple[int, str, str]]]:
        found: dict[int, list[tuple[int, str, str]]] = {}
        wanted = list(dict.fromkeys(int(t) for t in taxa))
        if not wanted or not self.has_taxonomy():
            return found
        merged: dict[int, int] = {}
        if "taxon_merged" in self._release_parts():
            merged = {int(o): int(n) for o, n in self._chunked(merged_sql, wanted)}
        steps: dict[int, dict[int, tuple[int, str, str]]] = {}
        for taxon, depth, ancestor, name, rank in self._chunked(
                lineage_paths_sql, list(dict.fromkeys([*wanted, *merged.values()]))):
            steps.setdefault(int(taxon), {})[int(depth)] = (int(ancestor), str(name or ""),
                                                            str(rank or ""))
        for taxon in wanted:
            path = steps.get(merged.get(taxon, taxon))
            if path:
                found[taxon] = [path[d] for d in sorted(path, reverse=True)]
        return found

    def _chunked(self, make: Callable[[str, int], str], values: list[int]
                 ) -> Iterator[tuple[Any, ...]]:
        """The rows of the query *make* builds for *values*, 500 at a time."""
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            yield from self._release_rows(make("{rel}", len(chunk)), chunk)

    def taxon_fate(self, taxon: int) -> tuple[str, int | None] | None:
        if not self.has_taxonomy():
            return None
        rows = self._release_rows(TAXON_FATE_SQL[0], (taxon,))
        if rows:
            return None
        tables = self._release_parts()
        for (table, fate), sql in zip((("taxon_merged", "merged"), ("taxon_deleted", "deleted")),
                                      TAXON_FATE_SQL[1:], strict=True):
            if table in tables and (rows := self._release_rows(sql, (taxon,))):
                return fate, (int(rows[0][0]) if fate == "merged" else None)
        return "unknown", None

    def check_taxonomy(self, query: FilterQuery) -> None:
        """Refuse a query whose fields search NCBI's taxonomy over a release without one
        (UniParc's ``taxonomy_name``: its XML files give taxon ids only).

        :raises InvalidRequest: :func:`~idmapping.store.queryfields.not_held_message`.
        """
        names = [name for name, part in query.reads if part == NEEDS_TAXONOMY]
        if names and not self.has_taxonomy():
            raise InvalidRequest(*(not_held_message(n, TAXONOMY_NOT_LOADED) for n in names))

    @abc.abstractmethod
    def _release_parts(self) -> frozenset[str]:
        """The tables and indexes of :data:`~idmapping.store.schema.RELEASE_PARTS` the current
        release has: one loaded before some of them came lacks them."""

    def entry_facts(self, accessions: Sequence[str]) -> dict[str, EntryFacts]:
        wanted = list(dict.fromkeys(accessions))
        if not wanted:
            return {}
        return shape_entry_facts(*self._entry_fact_rows(wanted))

    # -- jobs -------------------------------------------------------------------------------

    def get_job(self, job_id: str, with_ids: bool = True, with_failed: bool = True
                ) -> Job | None:
        unread = unread_columns(with_ids, with_failed)
        rows = self._query(f"SELECT {self._job_columns(unread)} WHERE j.id = ?", (job_id,))
        return job_from_row(rows[0], self.decode_json, unread) if rows else None

    def _job_columns(self, unread: frozenset[str] = frozenset()) -> str:
        """The columns of :func:`job_select` and the tables they are read from, the jobs
        table named ``j`` (``job_texts`` joined where it holds the ids: :attr:`ids_apart`)."""
        jobs = f"{self.main}jobs j"
        if "ids" in unread or not (self.ids_apart and self.ids_apart_readable):
            return f"{job_select(unread, 'j.')} FROM {jobs}"
        return (f"{job_select(unread, 'j.', 'coalesce(t.ids, j.ids)')} FROM {jobs} "
                f"LEFT JOIN {self.main}job_texts t ON t.job = j.id")

    def job_ids(self, statuses: Sequence[JobStatus]) -> list[str]:
        marks = ", ".join("?" * len(statuses))
        rows = self._query(f"SELECT id FROM {self.main}jobs WHERE status IN ({marks}) "
                           "ORDER BY updated, id", [s.value for s in statuses])
        return [r[0] for r in rows]

    def list_jobs(self) -> list[Job]:
        rows = self._query(f"SELECT {self._job_columns()} ORDER BY j.updated DESC")
        return [job_from_row(r, self.decode_json) for r in rows]

    def save_job(self, job: Job) -> None:
        self._change(*self._job_upsert(job))

    def _job_upsert(self, job: Job) -> tuple[str, tuple[Any, ...]]:
        """The statement that saves *job*'s row of ``jobs``, and its values (in
        :data:`JOB_COLUMNS`' order)."""
        # the submitted ids only where they changed: a job saved again as it runs and ends
        # keeps the megabytes of a large job's ids as stored (PostgreSQL would compress them
        # again, 30 ms a megabyte)
        updates = ", ".join(
            f"{c} = CASE WHEN {self.main}jobs.{c} = excluded.{c} THEN {self.main}jobs.{c} "
            f"ELSE excluded.{c} END" if c == "ids" else f"{c} = excluded.{c}"
            for c in JOB_COLUMNS[1:])
        return (f"INSERT INTO {self.main}jobs ({', '.join(JOB_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(JOB_COLUMNS))}) "
                f"ON CONFLICT (id) DO UPDATE SET {updates}", job_values(job, self.encode_json))

    def claim_job(self, job_id: str, expect: Sequence[JobStatus], updated: float) -> bool:
        # one statement, so that of two workers in any processes exactly one wins
        marks = ", ".join("?" * len(expect))
        changed = self._change(
            f"UPDATE {self.main}jobs SET status = 'RUNNING', updated = ? WHERE id = ? "
            f"AND status IN ({marks})", (updated, job_id, *[s.value for s in expect]))
        return changed == 1

    # -- download jobs ----------------------------------------------------------------------

    def get_download(self, download_id: str) -> DownloadJob | None:
        rows = self._query(f"SELECT {', '.join(DOWNLOAD_COLUMNS)} FROM {self.main}download_jobs "
                           "WHERE id = ?", (download_id,))
        return _download_from_row(rows[0]) if rows else None

    def save_download(self, download: DownloadJob) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in DOWNLOAD_COLUMNS[1:])
        values = [getattr(download, c) for c in DOWNLOAD_COLUMNS]
        values[DOWNLOAD_COLUMNS.index("compressed")] = int(download.compressed)
        values[DOWNLOAD_COLUMNS.index("status")] = download.status.value
        self._change(f"INSERT INTO {self.main}download_jobs ({', '.join(DOWNLOAD_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(DOWNLOAD_COLUMNS))}) "
                     f"ON CONFLICT (id) DO UPDATE SET {updates}", values)

    def claim_download(self, download_id: str, expect: Sequence[JobStatus], updated: float
                       ) -> bool:
        marks = ", ".join("?" * len(expect))
        changed = self._change(
            f"UPDATE {self.main}download_jobs SET status = 'RUNNING', updated = ? WHERE id = ? "
            f"AND status IN ({marks})", (updated, download_id, *[s.value for s in expect]))
        return changed == 1

    def download_ids(self, statuses: Sequence[JobStatus]) -> list[str]:
        marks = ", ".join("?" * len(statuses))
        rows = self._query(f"SELECT id FROM {self.main}download_jobs WHERE status IN ({marks}) "
                           "ORDER BY updated, id", [s.value for s in statuses])
        return [r[0] for r in rows]

    def delete_downloads(self, updated_before: float | None = None) -> list[DownloadJob]:
        where = "" if updated_before is None else "updated < ? OR "
        params = () if updated_before is None else (updated_before,)
        condition = f"WHERE {where}job NOT IN (SELECT id FROM {self.main}jobs)" \
            if updated_before is not None else ""
        rows = self._query(f"SELECT {', '.join(DOWNLOAD_COLUMNS)} FROM "
                           f"{self.main}download_jobs {condition}", params)
        for row in rows:
            self._change(f"DELETE FROM {self.main}download_jobs WHERE id = ?", (row[0],))
        return [_download_from_row(r) for r in rows]

    def read_results(self, job_id: str, offset: int, limit: int | None
                     ) -> Iterator[tuple[str, str]]:
        for part in self.read_result_parts(job_id, offset, limit):
            yield from part

    def read_result_parts(self, job_id: str, offset: int, limit: int | None
                          ) -> Iterator[Sequence[tuple[str, str]]]:
        last = offset + limit if limit is not None else 2**62
        decoded: dict[int, list[Any]] = {}  # the last run read, kept for the next batch
        while offset < last:
            stop = min(last, offset + RESULTS_BATCH)
            parts = self._result_parts(job_id, offset, stop, decoded)
            yield from parts
            if sum(map(len, parts)) < stop - offset:
                return
            offset = stop

    def _result_parts(self, job_id: str, offset: int, stop: int, decoded: dict[int, list[Any]]
                      ) -> list[Sequence[tuple[str, str]]]:
        """The results from *offset* to *stop* as :func:`page_parts` (*decoded*: its)."""
        rows, runs = self._result_reads(job_id, offset, stop, decoded)
        return page_parts(rows, runs, offset, stop, decoded)

    def _result_reads(self, job_id: str, offset: int, stop: int, decoded: dict[int, list[Any]]
                      ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """A job's stored rows from *offset* to *stop*, and the runs and blocks that may hold
        any of them (``(seq, text)``, by seq, both; the text None for the run in *decoded*)."""
        rows = self._query(
            f"SELECT seq, from_id, to_id FROM {self.main}job_results WHERE job = ? "
            "AND seq >= ? AND seq < ? ORDER BY seq", (job_id, offset, stop))
        # a run that holds offset starts at most CHUNK_PAIRS - 1 before it; a block that holds
        # it is the last that starts at or before it (one probe of the key: a page reads one
        # or two blocks, not every one in that window); the run decoded for the batch before
        # is not read again (issue 18: a run spans two or three batches, and its ids would be
        # sent, decompressed and decoded each time); as text (PostgreSQL's runs are json),
        # decoded by orjson
        last_read = next(iter(decoded), -1)
        blocks = (last_read, job_id, job_id, offset, offset, stop, offset)
        runs = self._query(
            "SELECT seq, CASE WHEN seq = ? THEN NULL ELSE CAST(ids AS text) END FROM "
            f"{self.main}job_result_runs WHERE job = ? AND seq > ? AND seq < ? " + (
                "UNION ALL SELECT seq, CASE WHEN seq = ? THEN NULL ELSE pairs END FROM "
                f"{self.main}job_result_blocks WHERE job = ? AND seq >= coalesce((SELECT "
                f"max(seq) FROM {self.main}job_result_blocks WHERE job = ? AND seq <= ?), ?) "
                "AND seq < ? AND seq + size > ? " if self.result_blocks else "")
            + "ORDER BY seq", (last_read, job_id, offset - CHUNK_PAIRS, stop,
                               *(blocks if self.result_blocks else ())))
        return rows, runs
