"""``idmapping serve`` in a child process, stopped whatever happens.

>>> with serving(store, env={"IDMAPPING_MAX_IDS": "2000000"}) as server:  # doctest: +SKIP
...     httpx.get(server.url + "/")
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Server", "serving", "free_port", "SERVER_ENV"]

SERVER_ENV = {
    "IDMAPPING_MAX_IDS": "2000000",
    "IDMAPPING_MAX_PAIRS": "100000000",
    "IDMAPPING_MAX_BODY_BYTES": str(256 * 1024 * 1024),
    "IDMAPPING_MAX_JOB_BYTES": str(256 * 1024 * 1024),
}
"""Settings raised so that a million ids (and their pairs) are accepted."""

_START_SECONDS = 120.0


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, process id and log file."""

    url: str
    pid: int
    log: Path


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(store: Path | str, log: Path, env: Mapping[str, str] | None = None
            ) -> Iterator[Server]:
    """Serve *store* (a SQLite file, or a PostgreSQL URL) on a free loopback port until the block
    ends, then stop the server.

    The server gets its own process group, and is terminated (killed after 15 s) on the way
    out of the block, on success, error or interrupt.

    :param log: the server's stdout and stderr go here.
    :param env: settings added to :data:`SERVER_ENV` and the environment.
    """
    port = free_port()
    full_env = {**os.environ, **SERVER_ENV, **(env or {})}
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "idmapping", "serve", "--store", str(store),
            "--host", "127.0.0.1", "--port", str(port), "--no-demo"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=full_env,
                                start_new_session=True)
    try:
        server = Server(f"http://127.0.0.1:{port}", proc.pid, log)
        _wait_ready(server, proc)
        yield server
    finally:
        _stop(proc)


def _wait_ready(server: Server, proc: subprocess.Popen[bytes]) -> None:
    """Wait until the server answers ``GET /``.

    :raises RuntimeError: it exited or did not answer in time; the message ends with its log.
    """
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/", timeout=2.0).status_code == 200:
                return
        time.sleep(0.1)
    tail = server.log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"the server on {server.url} did not start:\n{tail}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server's process group, then kill it if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 15)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
        proc.wait()
