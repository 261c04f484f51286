"""Crashes: SIGKILL the server while jobs run, and ``idmapping load`` in the middle of a load.

* The server (``idmapping serve`` on a SQLite store, jobs on worker threads) is killed several
  times while jobs are queued and running. After the last restart every job finishes, with
  the results a clean in-process mapping gives, once: no job lost, none duplicated.
* ``idmapping load`` of a generated release (``idmapping demo DIR --accessions 30000``) is
  killed at several points. The previous release stays current and whole, a server over the
  store keeps answering as before, and the same load simply run again succeeds.

Bounded in CI; ``IDMAPPING_RELIABILITY=full`` kills more often (see tests/reliability.py).
"""

from __future__ import annotations

import gzip
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import open_store
from reliability import (
    FULL,
    Server,
    child_env,
    demo_release,
    idmapping,
    record,
    scale,
    stream_pairs,
    wait_finished,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs SIGKILL and /proc")

TARGETS = ("GeneID", "Ensembl", "UniParc", "UniProtKB", "EMBL-GenBank-DDBJ", "RefSeq_Protein",
           "Gene_Name", "UniRef90")


@pytest.fixture(scope="module")
def big_release() -> list[Path]:
    """A generated 30,000-accession release (``idmapping demo DIR --accessions 30000``)."""
    return demo_release(30000, 7)


def accessions(release: list[Path]) -> list[str]:
    """The primary accessions of a release, in file order."""
    dat = next(p for p in release if p.name.startswith("idmapping.dat"))
    seen: dict[str, None] = {}
    with gzip.open(dat, "rt") as text:
        for line in text:
            acc = line.split("\t", 1)[0]
            if "-" not in acc:
                seen[acc] = None
    return list(seen)


def _requests(accs: list[str], count: int, rng: random.Random) -> list[dict[str, str]]:
    """*count* distinct mapping requests of 1,000 to 8,000 ids each (2,000 to 20,000 in the
    full run)."""
    requests = []
    for n in range(count):
        size = rng.randint(scale(1000, 2000), scale(8000, 20000))
        start = rng.randrange(0, len(accs) - size)
        ids = accs[start:start + size] + [f"NOPE{n}"]  # one failed id each; makes ids distinct
        requests.append({"from": "UniProtKB_AC-ID", "to": TARGETS[n % len(TARGETS)],
                         "ids": ",".join(ids)})
    return requests


def _statuses(store_path: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT id, status FROM jobs"))


def test_sigkill_server_while_jobs_run(tmp_path: Path, big_release: list[Path]) -> None:
    rng = random.Random(20261123)
    store_path = tmp_path / "store.sqlite"
    idmapping("load", "--store", str(store_path), "-q", *map(str, big_release))
    jobs = scale(54, 240)
    kills = scale(3, 8)
    requests = _requests(accessions(big_release), jobs, rng)
    settings = {"IDMAPPING_INLINE_JOB_IDS": "5", "IDMAPPING_JOB_THREADS": "2"}
    server = Server(str(store_path), tmp_path / "serve.log", settings)
    ids: dict[int, str] = {}
    interrupted = []
    per_round = -(-jobs // kills)
    started = time.monotonic()
    for round_ in range(kills):
        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            # an earlier job submitted again has the same id (and is not run twice)
            if round_:
                again = client.post("/idmapping/run", data=requests[0]).json()["jobId"]
                assert again == ids[0]
            batch = range(round_ * per_round, min(jobs, (round_ + 1) * per_round))

            def submit(n: int) -> tuple[int, httpx.Response]:
                return n, client.post("/idmapping/run", data=requests[n])

            # submitted side by side, so that they queue faster than two threads run them
            with ThreadPoolExecutor(8) as pool:
                for n, response in pool.map(submit, batch):
                    assert response.status_code == 200, response.text
                    ids[n] = response.json()["jobId"]
        time.sleep(rng.uniform(0.0, 0.02))
        server.kill()
        left = [s for s in _statuses(store_path).values() if s in ("NEW", "RUNNING")]
        interrupted.append(len(left))
    # every kill found jobs queued or running (each round submits ~18 jobs of thousands of ids)
    assert all(interrupted), interrupted

    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            finished = {n: wait_finished(client, job, timeout=300) for n, job in ids.items()}
            assert set(finished.values()) == {303}
            got = {n: stream_pairs(client, job) for n, job in ids.items()}
    finally:
        server.stop()
    seconds = time.monotonic() - started

    # results identical to a clean run, each job once and each pair once
    assert len(set(ids.values())) == jobs
    with open_store(str(store_path)) as store:
        for n, request in enumerate(requests):
            run = map_ids(store, MappingRequest(request["from"], request["to"],
                                                tuple(request["ids"].split(","))))
            assert got[n] == [(p.from_id, p.to_id) for p in run], f"job {n} differs"
        stored = store.list_jobs()
    assert sorted(j.id for j in stored) == sorted(ids.values())
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        # the pairs stored a row each or a block at a time, and the ids that map to
        # themselves a run at a time
        counts = dict(conn.execute(
            "SELECT job, sum(n) FROM (SELECT job, count(*) AS n FROM job_results GROUP BY job "
            "UNION ALL SELECT job, sum(json_array_length(ids)) FROM job_result_runs "
            "GROUP BY job UNION ALL SELECT job, sum(json_array_length(pairs)) "
            "FROM job_result_blocks GROUP BY job) GROUP BY job"))
    assert {j.id: j.result_count for j in stored} == {
        j.id: counts.get(j.id, 0) for j in stored}
    record("sigkill_server", jobs=jobs, kills=kills, interrupted_at_kill=interrupted,
           jobs_lost=0, jobs_duplicated=0, pairs=sum(len(p) for p in got.values()),
           seconds=round(seconds, 1))


# ---------------------------------------------------------------------------------------------
# Killing a load


def _probe_requests() -> list[dict[str, str]]:
    """Mappings whose answers must not change while a load is killed (demo's fixed ids)."""
    return [
        {"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": "Q9DEM0,P0DEM0,O0DEM0,A4_HUMAN"},
        {"from": "Gene_Name", "to": "UniProtKB", "ids": "DEMO1,Demo1", "taxId": "9606"},
        {"from": "UniProtKB_AC-ID", "to": "Ensembl", "ids": "Q9DEM0,A0A0D1EMO1"},
        {"from": "EMBL-GenBank-DDBJ", "to": "UniProtKB", "ids": "AY548484,U00096"},
        {"from": "UniProtKB_AC-ID", "to": "GeneID", "ids": "Q9DEM0,Q9DEM1,Q9DEM2,Q9DEM5"},
    ]


def _served(client: httpx.Client, nonce: str) -> list[list[tuple[str, str]]]:
    """The probe mappings as the server answers them now (a fresh job each: *nonce*)."""
    answers = []
    for request in _probe_requests():
        data = {**request, "ids": request["ids"] + f",{nonce}"}
        response = client.post("/idmapping/run", data=data)
        assert response.status_code == 200, response.text
        job = response.json()["jobId"]
        assert wait_finished(client, job) == 303
        answers.append(stream_pairs(client, job))
    return answers


def _release_state(store_path: Path) -> tuple[str, dict[str, int]]:
    with open_store(str(store_path)) as store:
        current = store.current_release()
        assert current is not None
        return current.name, store.release_counts(current)


def _load(store_path: Path, files: list[Path], release: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "idmapping", "load", "--store", str(store_path), "-q",
         "--release", release, *map(str, files)],
        env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_sigkill_load_keeps_the_served_release(tmp_path: Path, big_release: list[Path]) -> None:
    store_path = tmp_path / "store.sqlite"
    idmapping("load", "--store", str(store_path), "-q", "--release", "2099_01",
              *map(str, demo_release(3000, 3)))
    before = _release_state(store_path)

    # how long a whole load takes here, into a scratch store
    started = time.monotonic()
    idmapping("load", "--store", str(tmp_path / "scratch.sqlite"), "-q",
              *map(str, big_release))
    whole = time.monotonic() - started
    fractions = [0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] if FULL else [
        0.05, 0.35, 0.7, 0.9]

    server = Server(str(store_path), tmp_path / "serve.log")
    killed_at, finished_first = [], 0
    with server:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            expected = _served(client, "NONCE0")
            assert any(expected), "the probes map to something"
            for n, fraction in enumerate(fractions, 1):
                load = _load(store_path, big_release, f"2099_{n + 1:02d}")
                time.sleep(whole * fraction)
                if load.poll() is None:
                    os.kill(load.pid, signal.SIGKILL)
                    load.wait(timeout=30)
                # a kill can land after the switch, while the process exits: that load is
                # complete, its release current and whole, as when it finished first
                if load.returncode == -signal.SIGKILL and (
                        _release_state(store_path)[0] != f"2099_{n + 1:02d}"):
                    killed_at.append(round(whole * fraction, 2))
                    # the previous release is still current, whole, and served as before
                    assert _release_state(store_path) == before
                    assert _served(client, f"NONCE{n}") == expected
                else:
                    # quicker than the scratch load (a busy machine): it completed, and its
                    # release is served, whole; it is the previous release from now on
                    assert load.returncode in (0, -signal.SIGKILL)
                    finished_first += 1
                    before = _release_state(store_path)
                    assert before[0] == f"2099_{n + 1:02d}"
                    expected = _served(client, f"NONCE{n}")
            # the same load, simply run again, completes and is served
            done = _load(store_path, big_release, "2099_99")
            assert done.wait(timeout=300) == 0, done.stdout.read() if done.stdout else ""
            assert _release_state(store_path)[0] == "2099_99"
            accs = accessions(big_release)[:3]
            response = client.post("/idmapping/run", data={
                "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(accs)})
            job = response.json()["jobId"]
            assert wait_finished(client, job) == 303
            assert stream_pairs(client, job) == [(a, a) for a in accs]
    # nothing the killed loads wrote is left behind: one file per release, each ready
    files = sorted(p.name for p in (tmp_path / "store.releases").iterdir())
    with open_store(str(store_path)) as store:
        states = [(r.name, r.state) for r in store.releases()]
    assert states[0] == ("2099_01", "ready") and states[-1] == ("2099_99", "ready"), states
    assert all(state == "ready" for _, state in states), states
    assert len(files) == len(states) == 2 + finished_first, (files, states)
    assert len(killed_at) >= len(fractions) - 2, "most kill points were reached"
    record("sigkill_load", kills=len(killed_at), killed_after_seconds=killed_at,
           loads_finished_before_their_kill=finished_first,
           whole_load_seconds=round(whole, 2), served_release_intact=True, reload_ok=True)
