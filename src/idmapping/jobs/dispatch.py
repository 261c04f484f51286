"""Dispatchers: where a job too large to finish inline is run.

A :class:`Dispatcher` takes a job id and has the job run: :class:`ThreadDispatcher` on a pool of
threads of this process (the embedded mode), :class:`InlineDispatcher` at once on the caller's
thread (a double for tests and one-shot tools), and
:class:`~idmapping.jobs.celeryapp.CeleryDispatcher` on Celery workers anywhere (the scale-out
mode). The job service (:mod:`idmapping.jobs.service`) is given one and never knows which;
:func:`idmapping.jobs.dispatcher_for` chooses it from the settings.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

__all__ = ["Dispatcher", "Runner", "ThreadDispatcher", "InlineDispatcher", "OnePerKey"]

log = logging.getLogger(__name__)

Runner = Callable[[str], None]
"""Runs the job of an id to its end, in this process (:meth:`JobService.run`)."""


class Dispatcher:
    """Has jobs run, here or elsewhere. Close it (or use it as a context manager) when done."""

    redelivers: bool = False
    """The queue itself gives the job of a dead worker to another worker: a restarting server
    must queue its NEW jobs again, but not its RUNNING ones."""

    runs_here: bool = False
    """It calls the *run* given to :meth:`submit`, in this process: the job service may then
    hand that run what it holds of the job (its ids, split at submission). Where workers of
    other processes run the job, they read it from the store."""

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        """Have job *job_id* run; return at once.

        :param run: how this process runs a job; a dispatcher whose workers live elsewhere
            sends the id to them instead, and their own job service runs it.
        :param kind: ``job`` (a mapping job) or ``download`` (an asynchronous download),
            for a dispatcher whose workers run each kind by its own task.
        """
        raise NotImplementedError()  # pragma: no cover - every dispatcher defines it

    def close(self) -> None:
        """Stop taking jobs; wait for those this process is running."""

    def __enter__(self) -> Dispatcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _run_logged(run: Runner, job_id: str) -> None:
    """Run a job where nobody would see an exception: log it instead."""
    try:
        run(job_id)
    except Exception:
        log.exception("job %s could not be run", job_id)


class ThreadDispatcher(Dispatcher):
    """Runs jobs on a pool of *threads* threads of this process (the embedded mode)."""

    runs_here = True

    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="idmapping-job")

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        self._pool.submit(_run_logged, run, job_id)

    def close(self) -> None:
        """Drop the jobs not started yet (a restart runs them again); wait for the others."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class InlineDispatcher(Dispatcher):
    """Runs each job at once, on the caller's thread, before :meth:`submit` returns."""

    runs_here = True

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        _run_logged(run, job_id)


class OnePerKey:
    """Runs of one key at a time in this process: a run asked for while the same key runs
    here returns at once (a dispatcher may deliver a job twice: a restart, a redelivery)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[str] = set()

    def run(self, key: str, runner: Runner) -> None:
        """Call ``runner(key)`` unless *key* is being run already."""
        with self._lock:
            if key in self._keys:
                return
            self._keys.add(key)
        try:
            runner(key)
        finally:
            with self._lock:
                self._keys.discard(key)
