"""Scale-out mode for real: two API processes and two Celery workers on one PostgreSQL store
and one Redis broker, all on loopback; one worker is killed with SIGKILL in the middle of a job.

Every job must finish exactly once: none lost, none with duplicated results, each with the
results a clean in-process run gives.
"""

from __future__ import annotations

import gzip
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from idmapping.demo.generator import generate
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import open_store
from stores import fresh_database

REDIS = os.environ.get("IDMAPPING_TEST_REDIS_URL", "redis://127.0.0.1:6379")
JOBS = 16
KILL_ATTEMPTS = 5
IDS_PER_JOB = 12_000
TASK_RE = re.compile(r"Task idmapping\.run_job\[([0-9a-f-]+)\] (received|succeeded)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def broker() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    db = secrets.randbelow(14) + 1
    url = f"{REDIS}/{db}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        if os.environ.get("IDMAPPING_TEST_POSTGRES") == "required":
            pytest.fail(f"Redis at {REDIS} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS} is unreachable: {exc}")
    yield url
    client.flushdb()
    client.close()


class Processes:
    """Child processes of a test, each with a log file; all killed at the end."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.running: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{name}.log", "wb")
        process = subprocess.Popen([sys.executable, "-m", "idmapping", *args], env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT)
        self.running.append((process, log))
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process, log in self.running:
            if process.poll() is None:
                process.kill()
            process.wait(10)
            log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


def _wait_for_a_job_in_progress(procs: Processes, name: str) -> set[str]:
    """Task ids that worker *name* has received and not finished, once there is one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        received, done = set(), set()
        for task, event in TASK_RE.findall(procs.log(name)):
            (received if event == "received" else done).add(task)
        if received - done:
            return received - done
        time.sleep(0.02)
    raise AssertionError(f"{name} never took a job:\n{procs.log(name)}")


@pytest.mark.slow
def test_two_apis_two_workers_one_killed_mid_job(tmp_path: Path, broker: str) -> None:
    release = tmp_path / "release"
    generate(release, accessions=IDS_PER_JOB, seed=7)
    with fresh_database() as url:
        env = {**os.environ, "IDMAPPING_STORE": url, "IDMAPPING_BROKER_URL": broker,
               "IDMAPPING_INLINE_JOB_IDS": "10", "IDMAPPING_BROKER_VISIBILITY_SECONDS": "4"}
        subprocess.run([sys.executable, "-m", "idmapping", "load", "-q",
                        *map(str, sorted(release.iterdir()))], env=env, check=True)
        with gzip.open(release / "idmapping.dat.gz", "rt") as dat:
            accessions = sorted({line.split("\t", 1)[0].split("-")[0] for line in dat})
        procs = Processes(tmp_path, env)
        try:
            _scenario(procs, store_url=url, accessions=sorted(set(accessions)))
        finally:
            procs.stop()


def _scenario(procs: Processes, store_url: str, accessions: list[str]) -> None:
    procs.start("worker2", "worker", "--concurrency", "1", "--loglevel", "info")
    apis = []
    for name in ("api1", "api2"):
        port = _free_port()
        process = procs.start(name, "serve", "--port", str(port), "--no-demo")
        apis.append(f"http://127.0.0.1:{port}")
        _wait_until_up(apis[-1], process)
    requests: list[str] = []
    jobs: list[str] = []
    with httpx.Client(timeout=30) as client:
        interrupted: set[str] = set()
        for attempt in range(KILL_ATTEMPTS):
            interrupted = _kill_a_worker_mid_job(procs, f"worker1-{attempt}", client,
                                                 apis[0], accessions, requests, jobs)
            if interrupted:
                break
        assert interrupted, f"no kill landed mid-job in {KILL_ATTEMPTS} attempts"
        _wait_until_finished(client, apis[1], jobs)
        with open_store(store_url) as store:
            for job, ids in zip(jobs, requests, strict=True):  # ...read from the other API
                expected = [(p.from_id, p.to_id) for p in map_ids(store, MappingRequest(
                    "UniProtKB_AC-ID", "GeneID", tuple(ids.split(","))))]
                body = client.get(f"{apis[1]}/idmapping/stream/{job}",
                                  params={"format": "tsv"}).text
                got = [tuple(line.split("\t")) for line in body.splitlines()[1:]]
                assert got == expected  # complete, in order, nothing twice
    finished_by_worker2 = {t for t, e in TASK_RE.findall(procs.log("worker2")) if e == "succeeded"}
    assert interrupted <= finished_by_worker2, "the killed worker's job was not taken over"


def _kill_a_worker_mid_job(procs: Processes, name: str, client: httpx.Client, api: str,
                           accessions: list[str], requests: list[str], jobs: list[str]) -> set[str]:
    """Start worker *name*, submit :data:`JOBS` more jobs to *api* (appended to *requests* and
    *jobs*), kill the worker with SIGKILL once it holds one, and return the tasks it held and
    had not finished when it died: empty when the job it held finished before the signal
    landed (jobs of this size take a fraction of a second), which the caller tries again."""
    worker = procs.start(name, "worker", "--concurrency", "1", "--loglevel", "info")
    for n in range(len(jobs), len(jobs) + JOBS):  # every job submitted to the first API...
        ids = ",".join(accessions[n:] + accessions[:n])
        answer = client.post(api + "/idmapping/run",
                             data={"from": "UniProtKB_AC-ID", "to": "GeneID", "ids": ids})
        assert answer.status_code == 200, answer.text
        requests.append(ids)
        jobs.append(answer.json()["jobId"])
    held = _wait_for_a_job_in_progress(procs, name)
    worker.send_signal(signal.SIGKILL)  # ...and a worker dies mid-job
    worker.wait(10)
    finished = {t for t, e in TASK_RE.findall(procs.log(name)) if e == "succeeded"}
    return held - finished


def _wait_until_finished(client: httpx.Client, api: str, jobs: list[str]) -> None:
    deadline = time.monotonic() + 120
    pending = list(jobs)
    while pending and time.monotonic() < deadline:
        pending = [j for j in pending
                   if client.get(f"{api}/idmapping/status/{j}").status_code != 303]
        time.sleep(0.2)
    assert not pending, f"{len(pending)} jobs never finished"
