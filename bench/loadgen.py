"""Paged-results requests per second under concurrent clients, on the loopback only.

wrk is used when it is installed (``apt-get install wrk``); otherwise a small threaded client
of the standard library. Both are bounded: a fixed duration, and for the fallback a request
cap too. Pages are drawn at random offsets, each with UniProt's cursor.
"""

from __future__ import annotations

import http.client
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from idmapping.results.paging import encode_cursor

__all__ = ["PagedResult", "page_paths", "paged_rps", "CONNECTIONS", "DURATION"]

CONNECTIONS = 16
DURATION = 10
_MAX_REQUESTS = 200_000  # the fallback's cap, beside the duration


@dataclass(frozen=True)
class PagedResult:
    """One load test: requests per second, latency percentiles (ms), failures and the tool."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    tool: str


def page_paths(job_id: str, total: int, count: int = 1000, size: int = 25) -> list[str]:
    """Paths of *count* pages at seeded random offsets of a job of *total* results."""
    rng = random.Random(7)
    last = max((total - 1) // size, 0)
    paths = []
    for _ in range(count):
        offset = rng.randint(0, last) * size
        cursor = f"&cursor={encode_cursor(offset)}" if offset else ""
        paths.append(f"/idmapping/results/{job_id}?size={size}{cursor}")
    return paths


def paged_rps(url: str, paths: list[str]) -> PagedResult:
    """Requests per second of GETs of *paths* on the server at *url* (loopback only)."""
    host = urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise ValueError(f"load tests target the loopback only, not {host}")
    if shutil.which("wrk"):
        return _wrk(url, paths)
    return _threads(url, paths)


_WRK_SCRIPT = """
local paths = {%s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _wrk(url: str, paths: list[str]) -> PagedResult:
    quoted = ",".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % quoted)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s",
             "-s", script.name, url], capture_output=True, text=True, check=True,
            timeout=DURATION + 60).stdout
    finally:
        Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"([0-9]+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: ([0-9]+)", out)
    errors = re.search(r"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), "
                       r"timeout ([0-9]+)", out)
    failures = (int(bad.group(1)) if bad else 0) + (
        sum(int(g) for g in errors.groups()) if errors else 0)
    return PagedResult(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), requests, failures,
                       f"wrk, 2 threads, {CONNECTIONS} connections, {DURATION} s")


def _wrk_ms(out: str, percentile: str) -> float:
    match = re.search(rf"{percentile}\s+([0-9.]+)(us|ms|s)\b", out)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _threads(url: str, paths: list[str]) -> PagedResult:
    """The fallback: one keep-alive connection per thread, until the duration or cap."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, parts.port, timeout=10)
        mine: list[float] = []
        bad = 0
        i = n * 37
        while time.monotonic() < deadline and len(latencies) + len(mine) < _MAX_REQUESTS:
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
                bad += response.status != 200
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, parts.port, timeout=10)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return PagedResult(len(latencies) / elapsed, _percentile(latencies, 0.5),
                       _percentile(latencies, 0.99), len(latencies), failures[0],
                       f"Python threads, {CONNECTIONS} connections, {DURATION} s")


def _percentile(ordered: list[float], q: float) -> float:
    """The *q* quantile of sorted seconds, in milliseconds."""
    return ordered[int(q * (len(ordered) - 1))] * 1000 if ordered else float("nan")
