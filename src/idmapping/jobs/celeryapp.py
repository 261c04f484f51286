"""Scale-out job execution: a Celery application whose workers run mapping jobs.

In scale-out mode (the ``broker_url`` setting, e.g. ``redis://127.0.0.1:6379/0``) the API
processes enqueue each job that is too large to finish inline, and any ``idmapping worker`` on
any machine runs it. Job state and results live in the store, so every process answers for
every job.

A job is acknowledged only once it has finished (late acknowledgement): a worker killed mid-job
leaves the message unacknowledged, and the broker hands it to another worker after the
visibility timeout. Running a job twice is harmless: its results are replaced in one
transaction, never appended.
"""

from __future__ import annotations

import threading
from typing import Any

from idmapping.errors import MissingDriver
from idmapping.settings import Settings

__all__ = ["make_celery", "TASK_NAME", "run_worker"]

TASK_NAME = "idmapping.run_job"
QUEUE = "idmapping"

_services: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def _service(settings: Settings) -> Any:
    """The job service of this worker process, opened on first use."""
    from idmapping.jobs.service import JobService
    from idmapping.store import open_store

    key = (settings.store_url, settings.broker_url)
    with _lock:
        service = _services.get(key)
        if service is None:
            service = _services[key] = JobService(open_store(settings.store_url),
                                                  settings.replace(broker_url=""))
    return service


def make_celery(settings: Settings) -> Any:
    """A Celery application for *settings*, with the one task that runs a job."""
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

    @app.task(name=TASK_NAME)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        _service(settings).run(job_id)

    return app


def _transport_options(visibility: int) -> dict[str, int]:
    """Redis options: how long a job may stay unacknowledged, and how often workers look for
    jobs whose worker died (by default only every 100 s, whatever the visibility timeout)."""
    return {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1, min(60, visibility // 4)),
        "unacked_restore_throttle": 1,
    }


def run_worker(settings: Settings, concurrency: int, loglevel: str = "info") -> None:
    """Run a Celery worker in this process until it is stopped."""
    app = make_celery(settings)
    app.worker_main(["worker", f"--concurrency={concurrency}", "--pool=threads",
                     f"--loglevel={loglevel}", "-Q", QUEUE, "--without-gossip",
                     "--without-mingle"])
