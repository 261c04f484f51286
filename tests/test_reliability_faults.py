"""Resource faults: a full disk and a read-only store, during a load and during jobs.

Each fault must give a clear error (one line, no traceback; 503 with a message over HTTP),
leave the served release intact and reads working, and the service must recover by itself
once space returns. The store lives on a small tmpfs mounted for the test (root only, as on
CI; skipped elsewhere); a file-size limit (``RLIMIT_FSIZE``) stands in for a full disk where
mounting is impossible.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reliability import (
    Server,
    child_env,
    demo_release,
    fill,
    idmapping,
    record,
    remount,
    small_filesystem,
    stream_pairs,
    wait_finished,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux mounts and rlimits")

PROBES = [
    {"from": "UniProtKB_AC-ID", "to": "GeneID", "ids": "Q9DEM0,Q9DEM1,Q9DEM2"},
    {"from": "Gene_Name", "to": "UniProtKB", "ids": "DEMO1", "taxId": "9606"},
    {"from": "UniProtKB_AC-ID", "to": "UniParc", "ids": "Q9DEM0,A0A0D1EMO1,Q9DEM5"},
]


@pytest.fixture(scope="module")
def releases() -> dict[str, list[Path]]:
    """A small release (served: 4 MB) and a large one (40 MB: it will not fit)."""
    return {"small": demo_release(3000, 5), "large": demo_release(30000, 7)}


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB tmpfs for the store, or a skip where mounting is impossible."""
    directory = tmp_path / "fs"
    with small_filesystem(directory, 24) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs needs root (CI has it)")
        yield directory


def _load(store: Path, files: list[Path], release: str, **kwargs: object
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "idmapping", "load", "--store", str(store), "-q",
         "--release", release, *map(str, files)],
        env=child_env(), capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]


def _clear_failure(done: subprocess.CompletedProcess[str], *words: str) -> None:
    """A command that failed with a one-line error naming the cause, and no traceback."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: "), done.stderr
    assert any(w in done.stderr for w in words), done.stderr


def _answers(client: httpx.Client) -> list[list[tuple[str, str]]]:
    out = []
    for request in PROBES:
        response = client.post("/idmapping/run", data=request)
        assert response.status_code == 200, response.text
        job = response.json()["jobId"]
        assert wait_finished(client, job) == 303
        out.append(stream_pairs(client, job))
    return out


def _current(store: Path) -> str:
    done = idmapping("info", "--store", str(store), "--json")
    import json

    current = [r for r in json.loads(done.stdout)["releases"] if r["current"]]
    return str(current[0]["name"]) if current else ""


def test_full_disk_during_a_load(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    with Server(str(store), tmpfs.parent / "serve.log") as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        before = _answers(client)
        failed = _load(store, releases["large"], "2099_02")  # 40 MB: cannot fit in 24 MiB
        _clear_failure(failed, "disk is full", "No space")
        assert "release being served is unchanged" in failed.stderr
        # the served release is intact and reads keep working (the answers are the stored jobs)
        assert _current(store) == "2099_01"
        assert _answers(client) == before
        # space returns: the service recovers by itself, and the load simply runs again
        subprocess.run(["mount", "-o", "remount,size=200m", str(tmpfs)], check=True)
        fresh = client.post("/idmapping/run", data={**PROBES[0], "ids": "Q9DEM0,Q9DEM6"})
        assert fresh.status_code == 200, fresh.text
        again = _load(store, releases["large"], "2099_02")
        assert again.returncode == 0, again.stderr
        assert _current(store) == "2099_02"
    files = sorted(p.name for p in (tmpfs / "store.releases").iterdir())
    assert len(files) == 2, files  # the failed load's partial file is gone
    record("full_disk_load", clear_error=failed.stderr.strip(), served_release_intact=True,
           recovered=True)


def test_a_failed_load_frees_its_space(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    """A load that failed on a full disk removes its partial file at once (it used to stay,
    keeping the disk full, until the next load)."""
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    used = sum(p.stat().st_size for p in (tmpfs / "store.releases").iterdir())
    assert _load(store, releases["large"], "2099_02").returncode == 1
    after = sum(p.stat().st_size for p in (tmpfs / "store.releases").iterdir())
    assert after == used


def test_file_size_limit_during_a_load(tmp_path: Path, releases: dict[str, list[Path]]) -> None:
    """Without mounts: RLIMIT_FSIZE (a file may not grow past 8 MiB) stands in for a full disk."""
    store = tmp_path / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8 << 20, 8 << 20))

    failed = _load(store, releases["large"], "2099_02", preexec_fn=limit)
    _clear_failure(failed, "disk is full", "too large", "I/O error")
    assert _current(store) == "2099_01"
    again = _load(store, releases["large"], "2099_02")
    assert again.returncode == 0, again.stderr
    assert _current(store) == "2099_02"


def test_full_disk_during_jobs(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    accs = ["Q9DEM0", "Q9DEM1", "Q9DEM2", "Q9DEM5", "Q9DEM6", "Q9DEM7", "A0A0D1EMO1"]
    requests = [{"from": "UniProtKB_AC-ID", "to": to, "ids": ",".join(accs[:n] + [f"X{n}"])}
                for n in range(1, 8) for to in ("GeneID", "UniParc", "Ensembl")]
    settings = {"IDMAPPING_INLINE_JOB_IDS": "4"}  # half the jobs run on worker threads
    outcomes: dict[int, int] = {}
    with Server(str(store), tmpfs.parent / "serve.log", settings) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        before = _answers(client)
        filler = fill(tmpfs)
        for request in requests:
            response = client.post("/idmapping/run", data=request)
            outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
            assert response.status_code in (200, 503), response.text
            if response.status_code == 503:
                assert "cannot be written" in response.json()["messages"][0]
                continue
            # a job that was accepted ends, FINISHED or in a clear ERROR: never RUNNING for ever
            job = response.json()["jobId"]
            if wait_finished(client, job, timeout=60) == 400:
                errors = client.get(f"/idmapping/status/{job}").json()["errors"]
                assert "cannot be written" in errors[0]["message"], errors
        # reads keep working: earlier jobs, their results and the configuration
        assert _answers(client) == before
        assert client.get("/configure/idmapping/fields").status_code == 200
        # space returns: every request now succeeds, without a restart
        filler.unlink()
        for request in requests:
            response = client.post("/idmapping/run", data=request)
            assert response.status_code == 200, response.text
            assert wait_finished(client, response.json()["jobId"]) == 303
        assert server.process is not None and server.process.poll() is None
    record("full_disk_jobs", requests=len(requests), outcomes_while_full=outcomes,
           server_errors=0, recovered=True)


def test_read_only_store_during_a_load(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    remount(tmpfs, "ro")
    try:
        failed = _load(store, releases["small"], "2099_02")
        _clear_failure(failed, "read-only", "readonly", "unable to open")
    finally:
        remount(tmpfs, "rw")
    assert _current(store) == "2099_01"
    again = _load(store, releases["small"], "2099_02")
    assert again.returncode == 0, again.stderr
    record("read_only_load", clear_error=failed.stderr.strip(), served_release_intact=True,
           recovered=True)


def test_read_only_store_during_jobs(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    """A store made read-only after a clean stop (no -wal or -shm file left, and none can be
    created) is still served: finished jobs and the release are read, submissions get a 503."""
    # While a server runs, a file system cannot be made read-only (its files are open for
    # writing: mount says busy), so the server is started on the read-only store.
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    server = Server(str(store), tmpfs.parent / "serve.log").start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        before = _answers(client)
    server.stop()  # a clean stop, as an operator's: SQLite removes its -wal and -shm files
    remount(tmpfs, "ro")
    try:
        with Server(str(store), tmpfs.parent / "serve-ro.log") as server, \
                httpx.Client(base_url=server.url, timeout=60) as client:
            assert _answers(client) == before  # finished jobs are read, not run again
            response = client.post("/idmapping/run", data={**PROBES[0], "ids": "Q9DEM7"})
            assert response.status_code == 503, response.text
    finally:
        remount(tmpfs, "rw")


def test_read_only_store_after_a_crash(tmpfs: Path, releases: dict[str, list[Path]]) -> None:
    """A store left read-only after a crash (its -wal and -shm files still there) is served:
    reads work, submissions get a clear 503, and a writable store works again."""
    store = tmpfs / "store.sqlite"
    assert _load(store, releases["small"], "2099_01").returncode == 0
    with Server(str(store), tmpfs.parent / "serve.log") as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        before = _answers(client)
    remount(tmpfs, "ro")  # the server was SIGKILLed on leaving the block above
    try:
        with Server(str(store), tmpfs.parent / "serve-ro.log") as server, \
                httpx.Client(base_url=server.url, timeout=60) as client:
            assert _answers(client) == before
            response = client.post("/idmapping/run", data={**PROBES[0], "ids": "Q9DEM7"})
            assert response.status_code == 503, response.text
            message = response.json()["messages"][0]
            assert "cannot be written" in message and "readonly" in message, message
    finally:
        remount(tmpfs, "rw")
    with Server(str(store), tmpfs.parent / "serve-rw.log") as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        response = client.post("/idmapping/run", data={**PROBES[0], "ids": "Q9DEM7"})
        assert response.status_code == 200 and wait_finished(client, response.json()["jobId"])
    record("read_only_jobs", clear_error=message, reads_kept_working=True, recovered=True)


def test_a_job_whose_end_cannot_be_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """A job that ran while the disk filled up ends in a clear ERROR (held in memory, since
    the store cannot record it), and runs again when submitted once the disk has room."""
    import contextlib
    import sqlite3

    from idmapping.jobs.dispatch import InlineDispatcher
    from idmapping.jobs.service import JobService
    from idmapping.loader import load_demo
    from idmapping.model import JobStatus
    from idmapping.settings import Settings
    from idmapping.store import open_store

    with contextlib.closing(sqlite3.connect(":memory:")) as tiny:  # SQLite's own full disk
        tiny.execute("CREATE TABLE t (b BLOB)")
        tiny.execute("PRAGMA max_page_count = 2")
        with pytest.raises(sqlite3.OperationalError) as disk_full:
            tiny.execute("INSERT INTO t VALUES (zeroblob(100000))")

    class FullDisk:
        """The store's write connection on a full disk: the results cannot be written."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: object) -> object:
            if "job_results" in sql:
                raise disk_full.value
            return self.conn.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self.conn, name)

    with open_store(str(tmp_path / "store.sqlite")) as store:
        load_demo(store)
        service = JobService(store, Settings.load(environ={}, store=store.url),
                             InlineDispatcher())
        real = store._writer  # type: ignore[attr-defined]
        monkeypatch.setattr(store, "_writer", FullDisk(real))
        job = service.submit("UniProtKB_AC-ID", "GeneID", "Q9DEM0,Q9DEM1")
        assert job.status == JobStatus.ERROR
        assert job.errors[0]["code"] == 50
        assert "cannot be written (database or disk is full)" in job.errors[0]["message"]
        assert service.get(job.id).status == JobStatus.ERROR  # polling sees the same
        monkeypatch.setattr(store, "_writer", real)
        again = service.submit("UniProtKB_AC-ID", "GeneID", "Q9DEM0,Q9DEM1")
        assert again.id == job.id and again.status == JobStatus.FINISHED
        assert again.result_count > 0
        service.close()
