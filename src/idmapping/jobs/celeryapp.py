"""Scale-out job execution: a Celery application whose workers run mapping jobs.

In scale-out mode (the ``broker_url`` setting, e.g. ``redis://127.0.0.1:6379/0``) the API
processes hand each job that is too large to finish inline to a :class:`CeleryDispatcher`, which
enqueues its id, and any ``idmapping worker`` (:func:`run_worker`) on any machine runs it. Job
state and results live in the store, so every process answers for every job.

A job is acknowledged only once it has finished (late acknowledgement): a worker killed mid-job
leaves the message unacknowledged, and the broker hands it to another worker after the
visibility timeout. Running a job twice is harmless: its results are replaced in one
transaction, never appended.

This module imports the job service (a worker runs one); the service never imports this module.
"""

from __future__ import annotations

from typing import Any

from idmapping.errors import InvalidRequest, MissingDriver
from idmapping.jobs.dispatch import Dispatcher, Runner
from idmapping.jobs.downloads import DownloadService
from idmapping.jobs.service import JobService
from idmapping.settings import Settings
from idmapping.store import open_store

__all__ = ["CeleryDispatcher", "celery_app", "run_worker", "TASK_NAME", "DOWNLOAD_TASK",
           "QUEUE"]

TASK_NAME = "idmapping.run_job"
DOWNLOAD_TASK = "idmapping.run_download"
QUEUE = "idmapping"


def celery_app(settings: Settings) -> Any:
    """A Celery application on the broker of *settings*, configured for mapping jobs.

    :raises MissingDriver: Celery is not installed.
    """
    try:
        from celery import Celery
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MissingDriver(
            "Scale-out workers need Celery: pip install 'idmapping[celery]'") from exc
    app = Celery("idmapping", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,  # acknowledge once done: a killed worker's job is redelivered
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # take one job at a time, leave the rest to others
        task_default_queue=QUEUE,
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(settings.broker_visibility_seconds),
        task_ignore_result=True,
    )
    return app


def _transport_options(visibility: int) -> dict[str, int]:
    """Redis options: how long a job may stay unacknowledged, and how often workers look for
    jobs whose worker died (by default only every 100 s, whatever the visibility timeout)."""
    return {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1, min(60, visibility // 4)),
        "unacked_restore_throttle": 1,
    }


class CeleryDispatcher(Dispatcher):
    """Sends each job's id to the broker, for any worker to run (the scale-out mode)."""

    redelivers = True

    def __init__(self, app: Any) -> None:
        self.app = app

    @classmethod
    def from_settings(cls, settings: Settings) -> CeleryDispatcher:
        """A dispatcher on the broker of *settings*."""
        return cls(celery_app(settings))

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        """Enqueue *job_id*; a worker's own job (or download) service runs it, not *run*."""
        self.app.send_task(DOWNLOAD_TASK if kind == "download" else TASK_NAME, args=[job_id])

    def close(self) -> None:
        """Close the app's connections to the broker."""
        self.app.close()


def run_worker(settings: Settings, concurrency: int, loglevel: str = "info") -> None:
    """Run a Celery worker in this process until it is stopped: it takes job ids from the
    broker and runs them on *concurrency* threads with a job service of its own.

    :raises InvalidRequest: *settings* name no broker.
    """
    if not settings.broker_url:
        raise InvalidRequest("A worker needs a broker: --broker-url or IDMAPPING_BROKER_URL")
    app = celery_app(settings)
    with open_store(settings.store_url, readers=settings.reader_connections) as store, \
            JobService(store, settings, CeleryDispatcher(app)) as jobs:

        @app.task(name=TASK_NAME)  # type: ignore[untyped-decorator]
        def run_job(job_id: str) -> None:
            jobs.run(job_id)

        downloads = DownloadService(jobs)

        @app.task(name=DOWNLOAD_TASK)  # type: ignore[untyped-decorator]
        def run_download(download_id: str) -> None:
            downloads.run(download_id)

        app.worker_main(["worker", f"--concurrency={concurrency}", "--pool=threads",
                         f"--loglevel={loglevel}", "-Q", QUEUE, "--without-gossip",
                         "--without-mingle"])
