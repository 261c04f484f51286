"""UniProt's job model: submit a mapping, run it, keep its state and ordered results.

A job's id is UniProt's hash of its request (:mod:`idmapping.jobs.jobid`), so the same request gives
the same job, re-used unless it ended in ERROR. A small job is finished before :meth:`submit`
returns; a larger one is handed to the service's dispatcher (:mod:`idmapping.jobs.dispatch`:
threads of this process, or Celery workers) and is RUNNING from the moment it is accepted.
State and results live in the store: a restart loses nothing (:meth:`JobService.resume`).

An alignment (:mod:`idmapping.align`) is a job too: :meth:`JobService.submit_alignment` stores
it in the same table, with :data:`~idmapping.align.ALIGNMENT` as its ``to``, and the same
dispatchers run it, so that it has a status, expires and survives a restart as a mapping does.

When the store cannot be written (a full disk, a read-only file), a submission is refused with
:class:`~idmapping.errors.StoreUnavailable` (503), and a job that could not record its end is
reported in ERROR from memory, so that no client polls a RUNNING job for ever; submitting it
again runs it again once the store can be written.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

from idmapping.align import ALIGNMENT, Alignment, align_ids, aligner, entry_sequences, run_clustalo
from idmapping.catalogue import AC_ID, SWISSPROT, UNIPARC, UNIPROTKB, UNIREFS, Catalogue
from idmapping.errors import (
    IdMappingError,
    InvalidRequest,
    NoRelease,
    NotFound,
    ReleaseGone,
    StoreDamaged,
    StoreError,
    StoreUnavailable,
)
from idmapping.ids import check_api_ids, count_api_ids, split_api_ids
from idmapping.jobs.dispatch import Dispatcher, OnePerKey, Runner
from idmapping.jobs.jobid import job_id
from idmapping.mapping import map_ids
from idmapping.model import Job, JobStatus, MappingRequest
from idmapping.runtime import paused_gc
from idmapping.settings import Settings
from idmapping.store.base import Store
from idmapping.store.spool import MIN_RUN, PairSpool

__all__ = ["JobService", "ENTRY_TARGETS", "enrichable", "job_text", "LIMIT_ERROR",
           "ENRICH_WARNING"]

log = logging.getLogger(__name__)

ENTRY_TARGETS = (UNIPROTKB, SWISSPROT, UNIPARC, *UNIREFS)
"""Targets whose results are shown as entries on ``/idmapping/{uniprotkb|uniparc|uniref}``."""

LIMIT_ERROR = ("Id Mapping API is not supported for mapping results with more than {} "
               '"mapped to" IDs')
ENRICH_WARNING = ("UniProt data enrichment is not supported for mapping results with more "
                  'than {} "mapped to" IDs')


def enrichable(job: Job, settings: Settings) -> bool:
    """Whether the job's results are served as entries (not over the enrichment limit)."""
    return job.to_db in ENTRY_TARGETS and job.result_count <= settings.max_enrich


class _TooMany(Exception):
    pass


@dataclass(frozen=True)
class Handed:
    """A job's ids as its submission had them: the text stored, and its ids split (a tuple:
    the mapping's request, not copied again)."""

    text: str
    split: tuple[str, ...]


UNWRITABLE = "The store cannot be written ({}): submit the job again later"
"""The message of a job whose end could not be stored."""


UNSPOOLED = ("The job's results could not be held in a temporary file ({}): submit the job "
             "again later")
"""The message of a job whose results did not fit in the temporary directory."""


KEPT_JOBS = 256
"""Finished jobs kept as read (:meth:`JobService.finished`) at most; all are forgotten when full."""

KEPT_IDS = 1000
"""A finished job is kept only with at most this many failed and suggested ids."""


MAX_TAXON = 2**31 - 1
"""The largest taxonomy id a request may name (NCBI's are far below; the store keeps 32 bits)."""


MAX_TAX_TEXT = 200
"""The longest ``taxId`` text kept (a name, or anything else, that then maps to nothing)."""


def check_tax_id(tax_id: str | None) -> str:
    """The ``taxId`` of a request, stripped; refused at submission when it is a number out of
    range or longer than any taxonomy id (issue 14, row 9). Other text is kept: it maps to
    nothing, as the engine's taxon filter says, up to :data:`MAX_TAX_TEXT` characters.

    >>> check_tax_id(" 9606 ")
    '9606'

    :raises InvalidRequest: naming the value (cut short).
    """
    tax = (tax_id or "").strip()
    # length first: int() of thousands of digits is refused by Python, and slow before that
    if len(tax) > MAX_TAX_TEXT or (tax.isdigit() and (len(tax) > 10 or int(tax) > MAX_TAXON)):
        shown = tax if len(tax) <= 20 else tax[:20] + "..."
        raise InvalidRequest(f"The parameter 'taxId' has an invalid value '{shown}': a "
                             f"taxonomy identifier is a number from 1 to {MAX_TAXON}.")
    return tax


def job_text(ids: str, split: list[str], limit: int) -> str:
    """The ids text a job stores (issue 14, row 6): as submitted when it fits in *limit* UTF-8
    bytes, else its ids (*split*) joined by commas, the whitespace and empty items around them
    dropped. Either way the job maps the same ids, and its id, hashed from the submitted text,
    is the same.

    >>> job_text(" P04637 ,, P02340 ", ["P04637", "P02340"], 100)
    ' P04637 ,, P02340 '
    >>> job_text(" P04637 ,, P02340 ", ["P04637", "P02340"], 15)
    'P04637,P02340'

    :raises InvalidRequest: even joined, the ids are over *limit* bytes (the setting
        ``max_job_bytes``); nothing is stored.
    """
    if _utf8_bytes(ids) <= limit:
        return ids
    joined = ",".join(split)
    size = _utf8_bytes(joined)
    if size > limit:
        raise InvalidRequest(
            f"The ids take {size:,} bytes, more than the {limit:,} a job may store (setting "
            "'max_job_bytes'): submit fewer or shorter ids")
    return joined


def _utf8_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


@contextlib.contextmanager
def _writing() -> Iterator[None]:
    """Turn a store's failure to write into StoreUnavailable, unless the store said more.

    The stores translate their drivers' errors (a full disk or a read-only file is already
    StoreUnavailable); anything that is not a StoreError, a bug included, goes on as it is.
    """
    try:
        yield
    except (StoreUnavailable, NoRelease, StoreDamaged):
        raise
    except StoreError as exc:
        raise StoreUnavailable(
            f"The store cannot be written just now ({exc.messages[0]}); try again later"
        ) from exc


class JobService:
    """Submits, runs and reads jobs of one store.

    :param dispatcher: where jobs too large to finish inline run (closed with the service);
        :func:`idmapping.jobs.dispatcher_for` chooses it from the settings.
    :param catalogue: the databases and rules requests are checked against (default: the
        store's).
    """

    def __init__(self, store: Store, settings: Settings, dispatcher: Dispatcher,
                 catalogue: Catalogue | None = None) -> None:
        self.store = store
        self.settings = settings
        self.dispatcher = dispatcher
        self.catalogue = catalogue or store.catalogue
        self._running = OnePerKey()
        # Jobs whose end could not be stored (store not writable), by id: read in their place.
        self._stalled: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._handed = 0  # ids held for in-process runs not started yet (_runner)
        # finished jobs as read, by (id, with_failed), with the store's generation then
        self._finished: dict[tuple[str, bool], tuple[int, Job]] = {}

    def close(self) -> None:
        """Stop taking jobs and wait for the running ones."""
        self.dispatcher.close()

    def __enter__(self) -> JobService:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- submitting -------------------------------------------------------------------------

    def validate(self, from_db: str | None, to_db: str | None, ids: str | None) -> list[str]:
        """Check a request as UniProt does; return its ids split on commas.

        :raises InvalidRequest: with UniProt's messages, field errors first.
        """
        messages = [f"'{name}' is a required parameter"
                    for name, value in (("from", from_db), ("to", to_db), ("ids", ids))
                    if value is None or not value.strip()]
        if messages:
            raise InvalidRequest(*messages)
        assert from_db is not None and to_db is not None and ids is not None
        # counted before split: an oversized list is refused without one object per id
        count = count_api_ids(ids)
        if count == 0:  # only commas and spaces: UniProt refuses it at submission
            raise InvalidRequest("'ids' is a required parameter")
        split = split_api_ids(ids) if count <= self.settings.max_ids else []
        messages = []
        if count > self.settings.max_ids:
            messages.append(
                f"'{self.settings.max_ids}' is the maximum count limit of comma separated items "
                f"for 'ids' param. You have passed '{count}' items.")
        try:
            self.catalogue.check_pair(from_db, to_db)
        except InvalidRequest as exc:
            messages = exc.messages + messages
        if messages:
            raise InvalidRequest(*messages)
        check_api_ids(ids, split, self.settings.max_id_length)
        return split

    def submit(self, from_db: str | None, to_db: str | None, ids: str | None,
               tax_id: str | None = None, release: str | None = None) -> Job:
        """Accept a request: return its job, new or re-used, finished if it is small.

        :param release: pin the job to this ready release (``/releases/{name}/...``): it is
            mapped against it and read from it, whatever is current, and its id is not the
            unpinned request's. Unpinned, a job is mapped against the current release, and a
            finished job of another release is mapped again rather than re-used.
        :raises InvalidRequest: no ready release has the name *release*.
        :raises StoreUnavailable: a new job cannot be stored just now.
        """
        split = self.validate(from_db, to_db, ids)
        assert from_db is not None and to_db is not None and ids is not None
        text = job_text(ids, split, self.settings.max_job_bytes)
        tax = check_tax_id(tax_id)
        pin = (release or "").strip()
        if pin:
            try:
                self.store.pinned(pin)
            except NotFound as exc:
                raise InvalidRequest(*exc.messages) from None
        key = job_id(from_db, to_db, ids, tax, pin)
        now = time.time()
        job = self._read(key)
        if job is not None and job.status != JobStatus.ERROR and not self._expired(job, now) \
                and (pin or not self._outdated(job)):
            job.updated = now
            try:  # keeping the job longer is worth a write, not a failed submission
                with _writing():
                    self.store.save_job(job)
            except StoreUnavailable as exc:
                log.warning("job %s: %s", key, exc)
            return job
        # a pinned job names its release from the start (an unpinned one once mapped)
        job = Job(id=key, from_db=from_db.strip(), to_db=to_db.strip(), ids=text, tax_id=tax,
                  status=JobStatus.NEW, created=now, updated=now, release=pin)
        with _writing():
            self.store.save_job(job)
        with self._lock:
            self._stalled.pop(key, None)
        if len(split) <= self.settings.inline_job_ids:
            self.run(key, Handed(text, tuple(split)))
        else:
            with _writing():
                self.store.claim_job(key, (JobStatus.NEW,), now)
            self.dispatcher.submit(key, self._runner(Handed(text, tuple(split))))
        # read without its ids, which this submission just stored (a megabyte read back)
        job = self.get(key, with_ids=False)
        if "ids" in job.unread:
            job.ids, job.unread = text, job.unread - {"ids"}
        return job

    def _runner(self, handed: Handed) -> Runner:
        """How the dispatcher runs a job submitted with the ids *handed*: given them, where it
        runs the job in this process (issue 18: not read back from the store, split again);
        else (Celery) :meth:`run`, which reads them.

        The ids of queued jobs held so are at most ``max_ids`` in all, so that a queue of
        large jobs costs no more memory than one; past that, a job's run reads its ids.
        """
        if not self.dispatcher.runs_here:
            return self.run
        size = len(handed.split)
        with self._lock:
            if self._handed + size > self.settings.max_ids:
                return self.run
            self._handed += size
        held = [handed]

        def run(key: str) -> None:
            with self._lock:  # once: a second delivery reads the store
                ids = held.pop() if held else None
                self._handed -= size if ids is not None else 0
            self.run(key, ids)

        return run

    def _outdated(self, job: Job) -> bool:
        """Whether the unpinned finished *job* was mapped against a release no longer
        current (its request, submitted again, is then mapped again)."""
        if job.status != JobStatus.FINISHED or not job.release:
            return False
        current = self.store.current_release()
        return current is not None and current.name != job.release

    def store_of(self, job: Job) -> Store:
        """The store as *job*'s results are read: its release's data, whatever is current.

        :raises ReleaseGone: the job's release was dropped, naming it.
        """
        if not job.release:
            return self.store
        try:
            return self.store.pinned(job.release)
        except NotFound:
            raise ReleaseGone(
                f"Job {job.id} was mapped against release {job.release}, which this server "
                "no longer holds (it was dropped): submit the job again to map it against a "
                "release it serves") from None

    # -- running ----------------------------------------------------------------------------

    def run(self, key: str, handed: Handed | None = None) -> None:
        """Run a job now, on this thread; it ends FINISHED or ERROR.

        :param handed: the job's ids as submitted and split, by the submission in this
            process; None: read from the store.
        """
        self._running.run(key, functools.partial(self._run, handed=handed))

    def _run(self, key: str, handed: Handed | None = None) -> None:
        job = self.store.get_job(key, with_ids=handed is None)
        if job is None:
            return
        if handed is not None:  # the text the submission stored just before
            job.ids, job.unread = handed.text, job.unread - {"ids"}
        try:
            with _writing():
                self.store.claim_job(key, (JobStatus.NEW, JobStatus.RUNNING), time.time())
        except StoreUnavailable as exc:
            self._fail(job, 50, UNWRITABLE.format(exc.__cause__ or exc))
            return
        if job.to_db == ALIGNMENT:
            self._align(job)
            return
        ids = handed.split if handed is not None else tuple(split_api_ids(job.ids))
        request = MappingRequest(job.from_db, job.to_db, ids, job.tax_id)
        try:
            # a job that names its release before it is mapped was pinned to it
            store = self.store_of(job)
            with paused_gc(), PairSpool() as spool:  # millions of short-lived rows, no cycle
                # mapped in full before the write: no write transaction is open while ids
                # are looked up (issue 14, row 12)
                mapped = map_ids(store, request, self.catalogue,
                                 self.settings.taxonomy_descendants)
                limit = self.settings.max_pairs
                for chunk in mapped.pair_chunks(min_run=MIN_RUN):
                    if len(spool) + len(chunk) > limit:
                        raise _TooMany()
                    spool.extend(chunk)
                with _writing():
                    count = self.store.write_results(key, spool)
        except _TooMany:
            self._fail(job, 40, LIMIT_ERROR.format(self.settings.max_pairs))
            return
        except StoreUnavailable as exc:
            self._fail(job, 50, UNWRITABLE.format(exc.__cause__ or exc))
            return
        except OSError as exc:  # the spool's temporary file: a full or unwritable disk
            self._fail(job, 50, UNSPOOLED.format(exc))
            return
        except IdMappingError as exc:
            self._fail(job, 50, exc.messages[0])
            return
        except Exception:
            log.exception("job %s failed", key)
            self._fail(job, 50, "Internal server error")
            return
        job.status = JobStatus.FINISHED
        job.release = mapped.release
        job.result_count = count
        job.failed_ids = mapped.failed_ids
        job.suggested_ids = mapped.suggested_ids
        job.obsolete_count = mapped.obsolete_count if job.to_db == UNIPROTKB else 0
        job.warnings = []
        if job.to_db in ENTRY_TARGETS and count > self.settings.max_enrich:
            job.warnings = [{"code": 21, "message": ENRICH_WARNING.format(
                self.settings.max_enrich)}]
        job.updated = time.time()
        try:
            with _writing():
                self.store.save_job(job)
        except StoreUnavailable as exc:
            self._fail(job, 50, UNWRITABLE.format(exc.__cause__ or exc))

    # -- alignments -------------------------------------------------------------------------

    def submit_alignment(self, ids: str | None) -> Job:
        """Accept an alignment of the UniProtKB entries *ids* (2 to ``max_align_sequences``):
        return its job, re-used unless it ended in ERROR; it is run by the dispatcher.

        :raises InvalidRequest: too few or too many ids, or fewer than 2 with a sequence in
            the release (the message names those without).
        :raises ToolUnavailable: Clustal Omega is not installed here.
        """
        split = align_ids(ids, self.settings.max_align_sequences)
        aligner()
        entry_sequences(self.store, split).check()
        text = ",".join(split)
        key = job_id(AC_ID, ALIGNMENT, text)
        now = time.time()
        job = self._read(key)
        if job is not None and job.status != JobStatus.ERROR and not self._expired(job, now):
            return job
        job = Job(id=key, from_db=AC_ID, to_db=ALIGNMENT, ids=text, tax_id="",
                  status=JobStatus.NEW, created=now, updated=now)
        with _writing():
            self.store.save_job(job)
            self.store.claim_job(key, (JobStatus.NEW,), now)
        with self._lock:
            self._stalled.pop(key, None)
        self.dispatcher.submit(key, self.run)
        return self.get(key)

    def _align(self, job: Job) -> None:
        """Run an alignment job: read its sequences, run Clustal Omega, store the rows."""
        try:
            ids = job.ids.split(",")
            sequences = entry_sequences(self.store, ids)
            sequences.check()
            alignment = run_clustalo(sequences.found)
            with _writing():
                count = self.store.write_results(job.id, alignment.stored_rows())
        except StoreUnavailable as exc:
            self._fail(job, 50, UNWRITABLE.format(exc.__cause__ or exc))
            return
        except IdMappingError as exc:
            self._fail(job, 40 if exc.status == 400 else 50, exc.messages[0])
            return
        except Exception as exc:
            log.exception("alignment %s failed", job.id)
            self._fail(job, 50, str(exc) if isinstance(exc, RuntimeError) else
                       "Internal server error")
            return
        job.status = JobStatus.FINISHED
        current = self.store.current_release()
        job.release = current.name if current else ""
        job.result_count = count - 2  # the conservation line and the tree are not sequences
        job.failed_ids = sequences.missing
        job.updated = time.time()
        try:
            with _writing():
                self.store.save_job(job)
        except StoreUnavailable as exc:
            self._fail(job, 50, UNWRITABLE.format(exc.__cause__ or exc))

    def alignment(self, key: str, read: bool = True) -> tuple[Job, Alignment | None]:
        """The alignment job *key* and, once FINISHED, its alignment.

        :param read: read the alignment (a status poll does not).
        :raises NotFound: no such alignment job, or it expired.
        """
        job = self.get(key)
        if job.to_db != ALIGNMENT:
            raise NotFound()
        if job.status != JobStatus.FINISHED or not read:
            return job, None
        rows = self.store.read_results(key, 0, None)
        return job, Alignment.from_stored(rows, job.failed_ids)

    def _fail(self, job: Job, code: int, message: str) -> None:
        """End a job in ERROR; if even that cannot be stored, remember it in memory."""
        job.status = JobStatus.ERROR
        job.errors = [{"code": code, "message": message}]
        job.updated = time.time()
        try:
            with _writing():
                self.store.write_results(job.id, ())
                self.store.save_job(job)
        except StoreUnavailable as exc:
            log.warning("job %s ended in ERROR, which cannot be stored: %s", job.id, exc)
            with self._lock:
                self._stalled[job.id] = job

    def resume(self) -> int:
        """Queue again every job that a stop left unfinished; return how many.

        In-process, that is every NEW or RUNNING job. When the dispatcher's queue redelivers the
        jobs of a dead worker (Celery), RUNNING jobs are the queue's: only NEW ones are queued
        again.
        """
        unfinished = (JobStatus.NEW,) if self.dispatcher.redelivers else (
            JobStatus.NEW, JobStatus.RUNNING)
        # only their ids: each job's text is read when it runs (issue 14, row 6)
        pending = self.store.job_ids(unfinished)
        for key in pending:
            self.dispatcher.submit(key, self.run)
        return len(pending)

    # -- reading ----------------------------------------------------------------------------

    def _expired(self, job: Job, now: float) -> bool:
        ttl = self.settings.job_ttl_days
        return ttl > 0 and job.updated < now - ttl * 86400

    def _read(self, key: str, with_ids: bool = True, with_failed: bool = True) -> Job | None:
        """The stored job *key*, or the ERROR it ended in if that could not be stored."""
        with self._lock:
            stalled = self._stalled.get(key)
        if stalled is not None:
            return stalled
        return self.store.get_job(key, with_ids=with_ids, with_failed=with_failed)

    def get(self, key: str, with_ids: bool = True, with_failed: bool = True) -> Job:
        """The job *key*; :class:`NotFound` if unknown or expired.

        :param with_ids: read its submitted ids too (a status poll does not need them).
        :param with_failed: read the ids that did not map too (``failedIds``,
            ``suggestedIds``: see ``Store.get_job``).
        """
        job = self._read(key, with_ids, with_failed)
        if job is None or self._expired(job, time.time()):
            raise NotFound()
        return job

    def finished(self, key: str, with_failed: bool = True) -> Job:
        """The job *key* if FINISHED; :class:`NotFound` otherwise, as UniProt answers.

        Read without its submitted ids, which results do not need (see ``Store.get_job``).

        A finished job read while nothing was written to the store is kept, and used again
        for as long as nothing is (``Store.generation``: a job run again, purged or changed in
        any process is read again): every page of its results reads it (issue 18).

        :param with_failed: read the ids that did not map too: only pages that send
            ``failedIds`` need them.
        """
        generation = self.store.generation()
        kept = self._finished.get((key, with_failed)) if generation is not None else None
        if kept is not None and kept[0] == generation:
            job: Job | None = copy.copy(kept[1])
        else:
            job = self.store.get_job(key, with_ids=False, with_failed=with_failed)
            if job is not None and generation is not None and job.status == JobStatus.FINISHED \
                    and len(job.failed_ids) + len(job.suggested_ids) <= KEPT_IDS \
                    and self.store.generation() == generation:  # read while nothing changed
                with self._lock:
                    if len(self._finished) >= KEPT_JOBS:
                        self._finished.clear()
                    self._finished[key, with_failed] = (generation, copy.copy(job))
        if job is None or self._expired(job, time.time()):
            raise NotFound()
        if job.status != JobStatus.FINISHED or job.to_db == ALIGNMENT:
            raise NotFound()
        return job

    def list_jobs(self) -> list[Job]:
        """Every stored job, newest first (expired ones too, until they are purged)."""
        return self.store.list_jobs()

    def purge(self, everything: bool = False) -> int:
        """Delete expired jobs (none if ``job_ttl_days`` is 0); return how many.

        :param everything: delete every job, expired or not.
        """
        if everything:
            return self.store.delete_jobs(None)
        ttl = self.settings.job_ttl_days
        if ttl <= 0:
            return 0
        return self.store.delete_jobs(time.time() - ttl * 86400)

