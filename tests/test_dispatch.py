"""Dispatchers: where larger jobs run (threads, inline, Celery), and how the jobs package
imports (one way: the job service never imports Celery)."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from idmapping.jobs import dispatcher_for
from idmapping.jobs.dispatch import Dispatcher, InlineDispatcher, Runner, ThreadDispatcher
from idmapping.jobs.service import JobService
from idmapping.model import Job, JobStatus
from idmapping.settings import Settings
from idmapping.store import Store

JOBS = Path(__file__).resolve().parents[1] / "src" / "idmapping" / "jobs"


def test_the_job_service_imports_without_celery() -> None:
    code = ("import sys, idmapping.jobs.service\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'celery'"
            " or m == 'idmapping.jobs.celeryapp'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def _imports(path: Path) -> set[str]:
    """The idmapping modules *path* imports, anywhere in it (lazy imports in functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("idmapping.")}


def test_the_jobs_modules_import_one_way() -> None:
    modules = {f"idmapping.jobs.{p.stem}": _imports(p) for p in JOBS.glob("*.py")
               if p.stem != "__init__"}
    assert "idmapping.jobs.service" in modules["idmapping.jobs.celeryapp"]
    assert not {"idmapping.jobs.celeryapp", "idmapping.jobs"} & modules["idmapping.jobs.service"]
    for name, imported in modules.items():  # no module of the package imports another back
        for other in imported & set(modules):
            assert name not in modules[other], f"{name} and {other} import each other"


class Recording(Dispatcher):
    """Records the ids it is given, and runs nothing."""

    def __init__(self, redelivers: bool) -> None:
        self.redelivers = redelivers
        self.submitted: list[str] = []

    def submit(self, job_id: str, run: Runner) -> None:
        self.submitted.append(job_id)


DISPATCHERS = {"threads": lambda: ThreadDispatcher(2), "inline": InlineDispatcher}


@pytest.mark.parametrize("kind", DISPATCHERS)
def test_every_submitted_job_runs_once(kind: str) -> None:
    ran: list[tuple[str, str]] = []
    lock = threading.Lock()

    def run(job_id: str) -> None:
        with lock:
            ran.append((job_id, threading.current_thread().name))

    with DISPATCHERS[kind]() as dispatcher:
        for n in range(6):
            dispatcher.submit(f"job{n}", run)
        deadline = time.monotonic() + 10
        while len(ran) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert sorted(job for job, _ in ran) == [f"job{n}" for n in range(6)]
    threads = {name for _, name in ran}
    if kind == "threads":
        assert all(name.startswith("idmapping-job") for name in threads)
    else:  # run before submit returned, on the caller's thread
        assert threads == {threading.current_thread().name}


def test_closing_waits_for_running_jobs_and_drops_queued_ones() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def run(job_id: str) -> None:
        started.set()
        release.wait(10)
        ran.append(job_id)

    dispatcher = ThreadDispatcher(1)
    dispatcher.submit("running", run)
    started.wait(10)
    dispatcher.submit("queued", run)  # behind the first on the only thread
    closing = threading.Thread(target=dispatcher.close)
    closing.start()
    closing.join(0.2)
    assert closing.is_alive()  # waits for the running job...
    release.set()
    closing.join(10)
    assert ran == ["running"]  # ...and drops the queued one (a restart runs it again)


@pytest.mark.parametrize("kind", DISPATCHERS)
def test_a_failing_job_is_logged_not_raised(kind: str, caplog: pytest.LogCaptureFixture
                                            ) -> None:
    started = threading.Event()

    def run(job_id: str) -> None:
        started.set()
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="idmapping.jobs.dispatch"), \
            DISPATCHERS[kind]() as dispatcher:
        dispatcher.submit("jobX", run)
        assert started.wait(10)  # closing waits for it, once it has started
    assert "job jobX could not be run" in caplog.text
    assert "RuntimeError: boom" in caplog.text


@pytest.mark.parametrize(("redelivers", "queued"), [
    (False, ["RUNNING1", "NEW1"]),  # threads: everything a stop left unfinished runs again
    (True, ["NEW1"]),  # a broker redelivers its RUNNING jobs itself: only NEW ones are queued
])
def test_resume_queues_what_the_dispatcher_does_not_redeliver(
        store: Store, redelivers: bool, queued: list[str]) -> None:
    now = time.time()
    for n, (key, status) in enumerate((("NEW1", JobStatus.NEW), ("RUNNING1", JobStatus.RUNNING),
                                       ("DONE1", JobStatus.FINISHED), ("ERR1", JobStatus.ERROR))):
        store.save_job(Job(id=key, from_db="UniProtKB_AC-ID", to_db="GeneID", ids="P04637",
                           tax_id="", status=status, created=now + n, updated=now + n))
    dispatcher = Recording(redelivers)
    with JobService(store, Settings.load(environ={}), dispatcher) as jobs:
        assert jobs.resume() == len(queued)
    assert sorted(dispatcher.submitted) == sorted(queued)


def test_the_settings_choose_the_dispatcher() -> None:
    with dispatcher_for(Settings.load(environ={}, job_threads=3)) as threads:
        assert isinstance(threads, ThreadDispatcher) and not threads.redelivers
    pytest.importorskip("celery")
    from idmapping.jobs.celeryapp import CeleryDispatcher

    settings = Settings.load(environ={}, broker_url="redis://127.0.0.1:6379/0",
                             broker_visibility_seconds=40)
    with dispatcher_for(settings) as celery:  # builds the app; connects only to send
        assert isinstance(celery, CeleryDispatcher) and celery.redelivers
        options = celery.app.conf.broker_transport_options
        assert (options["visibility_timeout"], options["unacked_restore_interval"]) == (40, 10)
        assert celery.app.conf.task_acks_late
