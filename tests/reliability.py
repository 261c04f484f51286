"""Shared pieces of the reliability tests (tests/test_reliability_*.py), and their full run.

The tests run in a bounded form by default (CI): a few seconds each. The full form, whose
figures docs/reliability.md publishes, is one command away::

    python -m tests.reliability            # IDMAPPING_RELIABILITY=full pytest, then the fuzzer

or ``IDMAPPING_RELIABILITY=full python -m pytest tests/test_reliability_*.py``. Every test
records its figures (kills survived, requests served, latencies, memory, fuzz cases) with
:func:`record`; they are printed, and appended as JSON lines to the file named by
``IDMAPPING_RELIABILITY_REPORT`` when it is set.

Only loopback addresses are used, and every loop is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

import anyio
import httpx

FULL = os.environ.get("IDMAPPING_RELIABILITY", "") == "full"
"""Whether this is the full run (``IDMAPPING_RELIABILITY=full``), not CI's bounded one."""

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
"""UniProt's real sample files, read in place (never copied into the project)."""


def scale(ci: int, full: int) -> int:
    """*full* in the full run, *ci* otherwise."""
    return full if FULL else ci


def record(name: str, **figures: Any) -> None:
    """Print a test's figures and append them to ``IDMAPPING_RELIABILITY_REPORT``, if set."""
    line = {"test": name, "mode": "full" if FULL else "ci", "time": time.time(), **figures}
    print(f"\nRELIABILITY {json.dumps(line)}")
    report = os.environ.get("IDMAPPING_RELIABILITY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


T = TypeVar("T")


def on_own_thread(call: Callable[[], T]) -> T:
    """Return ``call()`` run on a thread of its own. For code that starts an event loop
    (``asyncio.run``, ``anyio.run``): the session's browser (Playwright's sync API) may be
    running one on the test's thread."""
    done: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            done.append(call())
        except BaseException as exc:  # handed back to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return done[0]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def idmapping(*args: str, env: Mapping[str, str] | None = None, timeout: float = 300,
              check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the ``idmapping`` command line in a child process and wait for it."""
    done = subprocess.run([sys.executable, "-m", "idmapping", *args], env=child_env(env),
                          capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"idmapping {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout}\n{done.stderr}")
    return done


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: this one's, less any IDMAPPING_* setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDMAPPING_")}
    env.update(extra or {})
    return env


MAPPING_FILES = ("idmapping.dat.gz", "idmapping_selected.tab.gz", "sec_ac.txt", "delac_sp.txt",
                 "delac_tr.txt", "reldate.txt")
"""The files of a release that hold the mappings (no entry files)."""


def demo_release(accessions: int, seed: int) -> list[Path]:
    """The mapping files of a release made by ``idmapping demo DIR --accessions N --seed S``.

    Made once per machine and generator version (it takes a while: the generator also writes
    entry files, which these tests do not load), in the temporary directory.
    """
    from idmapping import demo

    key = hashlib.sha256(Path(demo.generator.__file__).read_bytes()).hexdigest()[:12]
    directory = Path(tempfile.gettempdir()) / f"idmapping-demo-{accessions}-{seed}-{key}"
    if not (directory / "done").exists():
        building = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
        idmapping("demo", str(building), "--accessions", str(accessions), "--seed", str(seed))
        (building / "done").write_text("")
        with contextlib.suppress(OSError):  # another run made it meanwhile: use theirs
            building.rename(directory)
    return [directory / name for name in MAPPING_FILES]


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """The resident memory of process *pid* (VmRSS), in KiB; 0 once it has gone.

    :param field: another line of /proc/PID/status, such as ``RssAnon`` (the process's own
        memory, without the pages of files it maps).
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """``idmapping serve`` in a child process on 127.0.0.1, with a log file.

    :param store: the store path or URL.
    :param settings: more ``IDMAPPING_*`` variables (e.g. ``{"IDMAPPING_INLINE_JOB_IDS": "5"}``).
    """

    def __init__(self, store: str, log: Path, settings: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.log_path = log
        self.settings = dict(settings or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        """Start the server and wait until it answers."""
        self._log = open(self.log_path, "ab")
        env = child_env({"IDMAPPING_STORE": self.store, "IDMAPPING_HOST": "127.0.0.1",
                         "IDMAPPING_PORT": str(self.port), "IDMAPPING_DEMO": "false",
                         **self.settings})
        self.process = subprocess.Popen([sys.executable, "-m", "idmapping", "serve"], env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped at start:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                probe = httpx.get(self.url + "/configure/idmapping/fields", timeout=2)
                if probe.status_code == 200:
                    return self
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"the server did not answer in {timeout} s:\n{self.log()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the server (no clean-up of any kind) and wait for it to be gone."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        """Stop the server as an operator would (SIGTERM), SIGKILL if it does not stop."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


def wait_finished(client: httpx.Client, job_id: str, timeout: float = 120) -> int:
    """Poll a job's status until it is FINISHED (303) or ERROR (400); return that status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/idmapping/status/{job_id}", follow_redirects=False)
        if response.status_code in (303, 400):
            return response.status_code
        assert response.status_code == 200, response.text
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def stream_pairs(client: httpx.Client, job_id: str) -> list[tuple[str, str]]:
    """Every ``(from, to)`` pair of a finished job, read from its TSV stream."""
    response = client.get(f"/idmapping/stream/{job_id}", params={"format": "tsv"}, timeout=300)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[0] == "From\tTo"
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


@contextlib.contextmanager
def small_filesystem(directory: Path, megabytes: int) -> Iterator[bool]:
    """Mount a tmpfs of *megabytes* on *directory*; yields False where mounting is impossible.

    Root is needed (as on CI); the mount is always undone, lazily if still busy.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                              str(directory)], capture_output=True)
    if mounted.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", str(directory)], capture_output=True)
        if os.path.ismount(directory):
            subprocess.run(["umount", "-l", str(directory)], capture_output=True)


def remount(directory: Path, mode: str) -> None:
    """Remount the tmpfs at *directory* ``ro`` or ``rw``."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(directory)], check=True,
                   capture_output=True)


def fill(directory: Path, name: str = "filler") -> Path:
    """Fill the file system of *directory* to the last byte; return the filler file."""
    path = directory / name
    with contextlib.suppress(OSError), open(path, "wb", buffering=0) as out:
        for size in (1 << 20, 1 << 12, 1):  # bounded: at most 64 GiB, then the last bytes
            with contextlib.suppress(OSError):
                for _ in range(1 << 16):
                    out.write(b"\0" * size)
    return path


def main(argv: list[str]) -> int:
    """The full run: the reliability tests with IDMAPPING_RELIABILITY=full, then the fuzzer.

    ``python -m tests.reliability [REPORT.jsonl] [pytest args...]``
    """
    root = Path(__file__).resolve().parents[1]
    report = (Path(argv[0]).resolve() if argv
              else Path(tempfile.gettempdir()) / "idmapping-reliability.jsonl")
    env = {**os.environ, "IDMAPPING_RELIABILITY": "full",
           "IDMAPPING_RELIABILITY_REPORT": str(report)}
    tests = sorted(str(p.relative_to(root)) for p in (root / "tests").glob("test_reliability_*.py"))
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
               "-o", "timeout=3600", *tests, *argv[1:]]
    print("$", " ".join(command), flush=True)
    status = subprocess.call(command, cwd=root, env=env)
    print(f"figures: {report}")
    return status


def asgi_once(app: Any, scope: dict[str, Any], hang_up: threading.Event | None = None,
              sent: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Run an ASGI *app* for one request; the client goes once *hang_up* is set. The messages
    the client gets are added to *sent* as they come, and returned."""
    sent = [] if sent is None else sent

    async def run() -> None:
        asked = 0

        async def receive() -> dict[str, Any]:
            nonlocal asked
            asked += 1
            if asked == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            while hang_up is None or not hang_up.is_set():
                await anyio.sleep(0.01)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with anyio.fail_after(10):
            await app(scope, receive, send)

    on_own_thread(lambda: anyio.run(run))
    return sent


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
