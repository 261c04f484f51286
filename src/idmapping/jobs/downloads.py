"""Asynchronous downloads: a finished mapping job's entry results written into a file by a job
worker, as UniProt's async-download service builds them for ID mapping
(``/idmapping/download/run``, ``status``, ``details``, ``results``).

A download job is stored in the store's own ``download_jobs`` table, beside the mapping jobs,
through both backends: it has fields a mapping job lacks (format, fields, the file, counts),
mapping jobs are listed, purged and resumed by their own columns, and a table of its own keeps
both tables' reads simple. It survives a restart as a mapping job does: :meth:`resume` queues
again what was left NEW or RUNNING. Its id is UniProt's hash of the request (``jobId``, the
format's media type and ``fields``, salted as UniProt's ``IdMappingDownloadRequest``), so the
same request gives the same download. The file is written with the same
:meth:`~idmapping.results.view.ResultView.stream` as the stream routes, gzip unless
``compressed=false`` (UniProt's files are always gzip), into the download folder (setting
``async_download_dir``), first as ``ID.part`` and renamed when complete; it is deleted with the
download job, which expires with its mapping job.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from idmapping.entries import DATASETS
from idmapping.errors import IdMappingError, InvalidRequest, NotFound
from idmapping.jobs.dispatch import OnePerKey
from idmapping.jobs.jobid import JOB_ID_LENGTH, to_base62
from idmapping.jobs.service import ENRICH_WARNING, JobService, enrichable
from idmapping.model import DownloadJob, Job, JobStatus
from idmapping.results.formats import Extras
from idmapping.results.media import FORMAT_BY_MEDIA_TYPE, MEDIA_TYPE_BY_FORMAT
from idmapping.results.options import DATASET_TARGETS, Output, entry_options
from idmapping.results.view import ResultView

__all__ = ["DOWNLOAD_SALT", "DOWNLOAD_FORMATS", "Submitted", "download_id", "parse_format",
           "DownloadService"]

log = logging.getLogger(__name__)

DOWNLOAD_SALT = b"IDMAPPING_DOWNLOAD_SALT"
"""The salt of UniProt's ``async.download.idmapping.hash.salt``."""

DOWNLOAD_FORMATS = {
    "uniprotkb": ("fasta", "tsv", "json", "xml", "rdf", "ttl", "nt", "txt", "gff", "list"),
    "uniref": ("fasta", "tsv", "json", "list", "rdf", "ttl", "nt"),
    "uniparc": ("fasta", "tsv", "json", "rdf", "ttl", "nt", "list"),
}
"""The formats of each dataset's downloads, in the order of UniProt's validators (its message
lists them so)."""

_TYPE_NAMES = {"uniprotkb": "UniProtKB", "uniref": "UniRef", "uniparc": "UniParc"}
_BAD_TO = ("Invalid request received. The IdMapping 'to' parameter value is invalid. It should "
           "be 'UniProtKB', 'UniProtKB/Swiss-Prot', 'UniParc', 'UniRef50', 'UniRef90' or "
           "'UniRef100'.")
NOT_FINISHED = ("Invalid request received. IdMapping Job must be finished, before we start to "
                "download it.")
UNFINISHED = (JobStatus.NEW, JobStatus.RUNNING)


def parse_format(value: str) -> str:
    """UniProt's ``parseFormat``: a file extension (``json``) becomes its media type; anything
    else is kept as it is.

    >>> parse_format("tsv"), parse_format("text/turtle"), parse_format("bad")
    ('text/plain;format=tsv', 'text/turtle', 'bad')
    """
    return MEDIA_TYPE_BY_FORMAT.get(value, value)


def download_id(job: str, media_type: str, fields: str | None, compressed: bool = True) -> str:
    """UniProt's id of a download request: PBKDF2 of ``jobId``, format and ``fields``, each
    stripped and lower-cased, in base 62, ten characters.

    ``compressed=false`` is ours (UniProt's files are always gzip): it is added to the hashed
    text only then, so that every request UniProt takes gets UniProt's id.

    >>> download_id("JOB_ID_DETAILS", "application/json", "accession")
    '26us1hCFLb'
    """
    key = job.strip().lower() + media_type.strip().lower()
    if fields is not None:
        key += fields.strip().lower()
    if not compressed:
        key += "&compressed=false"
    digest = hashlib.pbkdf2_hmac("sha1", key.encode("utf-8", errors="replace"), DOWNLOAD_SALT,
                                 16, 20)
    return to_base62(digest)[:JOB_ID_LENGTH]


@dataclass(frozen=True)
class Submitted:
    """The answer to a download request: its id, and UniProt's message when it was already
    submitted (and is not run again)."""

    id: str
    message: str | None = None


def _dataset(job: Job) -> str:
    for name, targets in DATASET_TARGETS.items():
        if job.to_db in targets:
            return name
    raise InvalidRequest(_BAD_TO)


class DownloadService:
    """Submits, runs and reads the download jobs of a :class:`JobService`'s store, on its
    dispatcher, into the settings' download folder."""

    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs
        self.store = jobs.store
        self.settings = jobs.settings
        self.folder = self.settings.download_folder
        self._running = OnePerKey()

    # -- submitting -------------------------------------------------------------------------

    def submit(self, job_id: str | None, fmt: str | None, fields: str | None = None,
               force: bool = False, compressed: bool = True) -> Submitted:
        """Accept a download of job *job_id*'s results in *fmt* (an extension or a media type).

        :raises InvalidRequest: UniProt's messages: required parameters, a job not finished,
            a ``to`` with no entries, a format or fields the dataset has not.
        :raises NotFound: no such mapping job.
        """
        missing = [f"'{name}' is a required parameter"
                   for name, value in (("jobId", job_id), ("format", fmt))
                   if value is None or not value.strip()]
        if missing:
            raise InvalidRequest(*missing)
        assert job_id is not None and fmt is not None
        job = self.jobs.get(job_id.strip(), with_ids=False, with_failed=False)
        if job.status != JobStatus.FINISHED:
            raise InvalidRequest(NOT_FINISHED)
        dataset = _dataset(job)
        media = parse_format(fmt.strip())
        allowed = [MEDIA_TYPE_BY_FORMAT[f] for f in DOWNLOAD_FORMATS[dataset]]
        if media not in allowed:
            raise InvalidRequest("Invalid request received. Invalid download format. Valid "
                                 f"values are [{', '.join(allowed)}]")
        self._check_fields(dataset, fields)
        if not enrichable(job, self.settings):
            raise InvalidRequest("Invalid request received. "
                                 + ENRICH_WARNING.format(self.settings.max_enrich))
        key = download_id(job.id, media, fields, compressed)
        now = time.time()
        found = self.store.get_download(key)
        if found is not None and not self._expired(found, now):
            message = self._refusal(found, force)
            if message is not None:
                return Submitted(key, message)
            self._remove_files(found)
        download = DownloadJob(id=key, job=job.id, format=media, fields=fields,
                               compressed=compressed, status=JobStatus.NEW, created=now,
                               updated=now, total=job.result_count)
        self.store.save_download(download)
        self.jobs.dispatcher.submit(key, self.run, kind="download")
        return Submitted(key)

    def _check_fields(self, dataset: str, fields: str | None) -> None:
        """UniProt's message naming every unknown field of *fields*."""
        if fields is None:
            return
        bad = [name.strip() for name in fields.split(",")
               if DATASETS[dataset].lookup(name.strip(), self.jobs.catalogue) is None]
        if bad:
            plural = "s" if len(bad) > 1 else ""
            raise InvalidRequest(f"Invalid request received. Invalid {_TYPE_NAMES[dataset]} "
                                 f"fields parameter value{plural}: [{', '.join(bad)}].")

    @staticmethod
    def _refusal(found: DownloadJob, force: bool) -> str | None:
        """UniProt's message for a download submitted again, or None to run it again
        (``force=true`` on one that ended in ERROR, as UniProt retries it)."""
        if not force or found.status in UNFINISHED[:1]:
            return f"Job with id {found.id} has already been submitted"
        if found.status == JobStatus.FINISHED:
            return f"Job with id {found.id} has already been finished successfully."
        if found.status == JobStatus.RUNNING:
            return f"Job with id {found.id} is already running and live"
        return None

    # -- running ----------------------------------------------------------------------------

    def run(self, key: str) -> None:
        """Build the file of download *key* now, on this thread; it ends FINISHED or ERROR."""
        self._running.run(key, self._run)

    def _run(self, key: str) -> None:
        download = self.store.get_download(key)
        if download is None or not self.store.claim_download(key, UNFINISHED, time.time()):
            return
        part = self.folder / f"{key}.part"
        try:
            job = self.jobs.finished(download.job)
            dataset = DATASETS[_dataset(job)]
            out = Output(FORMAT_BY_MEDIA_TYPE[download.format], compressed=download.compressed)
            options = entry_options(dataset, out, self.jobs.catalogue, download.fields, {})
            view = ResultView(self.jobs.store_of(job), job, out, options)
            extras = Extras.from_job(job) if view.writer_class.sends_extras else None
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(part, "wb") as handle:
                for chunk in view.stream(extras, strict=True):
                    handle.write(chunk)
            name = key + (".gz" if download.compressed else "")
            part.replace(self.folder / name)
        except Exception as exc:
            with contextlib.suppress(OSError):  # a folder that cannot be written may not list
                part.unlink(missing_ok=True)
            if isinstance(exc, IdMappingError):
                message = exc.messages[0]
            else:
                log.exception("download %s failed", key)
                message = "Internal server error"
            download.status, download.error = JobStatus.ERROR, message
            download.updated = time.time()
            self.store.save_download(download)
            return
        download.status, download.result_file = JobStatus.FINISHED, name
        download.total = download.processed = job.result_count
        download.updated = time.time()
        self.store.save_download(download)

    def resume(self) -> int:
        """Queue again every download a stop left unfinished (only NEW ones when the queue
        itself redelivers a dead worker's); return how many."""
        redelivers = self.jobs.dispatcher.redelivers
        pending = self.store.download_ids(UNFINISHED[:1] if redelivers else UNFINISHED)
        for key in pending:
            self.jobs.dispatcher.submit(key, self.run, kind="download")
        return len(pending)

    # -- reading ----------------------------------------------------------------------------

    def _expired(self, download: DownloadJob, now: float) -> bool:
        ttl = self.settings.job_ttl_days
        return ttl > 0 and download.updated < now - ttl * 86400

    def get(self, key: str) -> DownloadJob:
        """The download *key*; :class:`NotFound` if unknown, expired, or its mapping job is
        gone."""
        download = self.store.get_download(key)
        if download is None or self._expired(download, time.time()):
            raise NotFound()
        self.jobs.get(download.job, with_ids=False, with_failed=False)
        return download

    def file(self, key: str) -> tuple[DownloadJob, Path]:
        """A FINISHED download and its file; :class:`NotFound` otherwise."""
        download = self.get(key)
        path = self.folder / download.result_file
        if download.status != JobStatus.FINISHED or not download.result_file \
                or not path.is_file():
            raise NotFound()
        return download, path

    def purge(self, everything: bool = False) -> int:
        """Delete the downloads that expired or whose mapping job is gone, with their files
        (all of them with *everything*); return how many."""
        ttl = self.settings.job_ttl_days
        cutoff = None if everything else time.time() - ttl * 86400 if ttl > 0 else 0.0
        removed = self.store.delete_downloads(cutoff)
        for download in removed:
            self._remove_files(download)
        return len(removed)

    def _remove_files(self, download: DownloadJob) -> None:
        for name in (download.result_file, f"{download.id}.part"):
            if name:
                (self.folder / name).unlink(missing_ok=True)
