"""Load: many concurrent clients on the embedded default, and jobs at every limit.

* 100 clients on loopback for 10 s in CI (60 s in the full run) submit, poll, page and stream
  against ``idmapping serve`` with its defaults (SQLite, the shipped demo release): no request
  may fail; p50/p99 latency, throughput and the server's memory (VmRSS) are recorded, and the
  memory must stay flat.
* A job of 100,000 ids (UniProt's cap) that maps to exactly 500,000 pairs (UniProt's other
  cap) finishes and streams; one more pair is UniProt's error 40; one more id is its 400.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from idmapping.loader import demo_dir
from reliability import Server, idmapping, record, rss_kib, scale, wait_finished

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for memory")

CLIENTS = 100
ACTIONS = ("submit", "poll", "page", "stream")
WEIGHTS = (3, 3, 3, 1)


def _demo_accessions() -> list[str]:
    with gzip.open(demo_dir() / "idmapping.dat.gz", "rt") as text:
        return list(dict.fromkeys(line.split("\t", 1)[0] for line in text
                                  if "-" not in line.split("\t", 1)[0]))


class Sampler:
    """Samples a process's VmRSS and RssAnon every *interval* seconds on a thread.

    RssAnon is the process's own memory. VmRSS adds the pages of files it maps, counted once
    per mapping: every SQLite connection maps the release file, so VmRSS grows with the
    connections (one per server thread) and the part of the release they have read, which is
    the page cache, not the server's memory."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self.anon: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        start = time.monotonic()
        while not self._stop.wait(self.interval):
            self.samples.append((time.monotonic() - start, rss_kib(self.pid)))
            self.anon.append(rss_kib(self.pid, "RssAnon"))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


async def _client(n: int, base: str, deadline: float, accs: list[str], jobs: list[str],
                  latencies: dict[str, list[float]], failures: list[str]) -> None:
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline:
            action = rng.choices(ACTIONS, WEIGHTS)[0] if jobs else "submit"
            job = rng.choice(jobs) if jobs else ""
            started = time.monotonic()
            try:
                if action == "submit":
                    ids = rng.sample(accs, rng.randint(1, 40))
                    response = await client.post("/idmapping/run", data={
                        "from": "UniProtKB_AC-ID", "to": rng.choice(("UniProtKB", "GeneID")),
                        "ids": ",".join(ids)})
                    ok = response.status_code == 200
                    if ok:
                        jobs.append(response.json()["jobId"])
                elif action == "poll":
                    response = await client.get(f"/idmapping/status/{job}")
                    ok = response.status_code in (200, 303)
                elif action == "page":
                    response = await client.get(f"/idmapping/results/{job}",
                                                params={"size": "5"})
                    ok = response.status_code == 200
                    link = response.headers.get("link")
                    if ok and link:
                        response = await client.get(link[1:link.index(">")])
                        ok = response.status_code == 200
                else:
                    response = await client.get(f"/idmapping/stream/{job}",
                                                params={"format": "tsv"})
                    ok = response.status_code == 200 and response.text.startswith("From\tTo")
            except httpx.HTTPError as exc:
                ok, response = False, None
                failures.append(f"{action}: {type(exc).__name__} {exc}")
            latencies[action].append(time.monotonic() - started)
            if not ok and response is not None:
                failures.append(f"{action}: {response.status_code} {response.text[:200]}")


async def _run_clients(base: str, seconds: float, accs: list[str]
                       ) -> tuple[dict[str, list[float]], list[str]]:
    latencies: dict[str, list[float]] = {a: [] for a in ACTIONS}
    failures: list[str] = []
    jobs: list[str] = []
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_client(n, base, deadline, accs, jobs, latencies, failures)
                           for n in range(CLIENTS)))
    return latencies, failures


def _clients(base: str, seconds: float, accs: list[str]
             ) -> tuple[dict[str, list[float]], list[str]]:
    """Run the clients on an event loop of their own thread: the test's thread may already
    have one running (another test's), where asyncio.run cannot start."""
    out: list[tuple[dict[str, list[float]], list[str]]] = []
    thread = threading.Thread(target=lambda: out.append(asyncio.run(
        _run_clients(base, seconds, accs))), daemon=True)
    thread.start()
    thread.join(timeout=seconds + 300)
    assert out, "the clients did not finish"
    return out[0]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def test_many_clients_on_the_embedded_default(tmp_path: Path) -> None:
    seconds = scale(10, 60)
    accs = _demo_accessions()
    # the embedded default: a SQLite store that `serve` fills with the shipped demo release
    server = Server(str(tmp_path / "store.sqlite"), tmp_path / "serve.log",
                    {"IDMAPPING_DEMO": "true"})
    with server:
        warm = _clients(server.url, 2, accs)  # warm-up: caches, threads
        assert not warm[1], warm[1][:5]
        with Sampler(server.pid) as memory:
            started = time.monotonic()
            latencies, failures = _clients(server.url, seconds, accs)
            elapsed = time.monotonic() - started
        assert server.process is not None and server.process.poll() is None
    every = [x for values in latencies.values() for x in values]
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:5]}"
    assert len(every) > CLIENTS
    rss = [kib for _, kib in memory.samples if kib]
    anon = [kib for kib in memory.anon if kib]
    fifth = max(1, len(anon) // 5)
    early, late = statistics.median(anon[:fifth]), statistics.median(anon[-fifth:])
    growth_mib = (late - early) / 1024
    # flat: what growth there is stops (caches fill); not a leak proportional to requests
    assert growth_mib < 40, f"server memory (RssAnon) grew from {early} to {late} KiB"
    record("load", clients=CLIENTS, seconds=round(elapsed, 1), requests=len(every),
           failed=len(failures), throughput_rps=round(len(every) / elapsed, 1),
           p50_ms=round(_quantile(every, 0.5) * 1000, 1),
           p99_ms=round(_quantile(every, 0.99) * 1000, 1),
           by_action={a: {"n": len(v), "p50_ms": round(_quantile(v, 0.5) * 1000, 1),
                          "p99_ms": round(_quantile(v, 0.99) * 1000, 1)}
                      for a, v in latencies.items() if v},
           anon_mib_start=round(early / 1024, 1), anon_mib_end=round(late / 1024, 1),
           anon_mib_max=round(max(anon) / 1024, 1), rss_mib_max=round(max(rss) / 1024, 1),
           rss_samples=len(rss))


# ---------------------------------------------------------------------------------------------
# Jobs at the limits


def _accession(n: int) -> str:
    """The *n*-th of 3 x 10 x 10 x 36**3 valid accessions ([OPQ][0-9][A-Z0-9]{3}[0-9])."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    first, rest = "OPQ"[n % 3], n // 3
    d1, rest = rest % 10, rest // 10
    d2, rest = rest % 10, rest // 10
    mid = digits[rest // 1296 % 36] + digits[rest // 36 % 36] + digits[rest % 36]
    return f"{first}{d1}{mid}{d2}"


MAX_IDS = 100_000
MAX_PAIRS = 500_000
PER_ENTRY = 5


@pytest.fixture(scope="module")
def limits_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store where entries 0..99,999 have 5 GeneIDs each and entry 100,000 has 6."""
    directory = tmp_path_factory.mktemp("limits")
    dat = directory / "idmapping.dat"
    with open(dat, "w") as out:
        for n in range(MAX_IDS + 1):
            acc = _accession(n)
            for k in range(PER_ENTRY + (n == MAX_IDS)):
                out.write(f"{acc}\tGeneID\t{n * 10 + k}\n")
    store = directory / "store.sqlite"
    idmapping("load", "--store", str(store), "-q", "--release", "2099_09", str(dat))
    return store


def test_jobs_at_the_limits(tmp_path: Path, limits_store: Path) -> None:
    accs = [_accession(n) for n in range(MAX_IDS + 1)]
    assert len(set(accs)) == MAX_IDS + 1
    timings = {}
    with Server(str(limits_store), tmp_path / "serve.log") as server, \
            httpx.Client(base_url=server.url, timeout=300) as client, \
            Sampler(server.pid) as memory:
        # 100,000 ids, 500,000 pairs: at both limits, accepted and finished
        started = time.monotonic()
        response = client.post("/idmapping/run", data={
            "from": "UniProtKB_AC-ID", "to": "GeneID", "ids": ",".join(accs[:MAX_IDS])})
        assert response.status_code == 200, response.text
        job = response.json()["jobId"]
        assert wait_finished(client, job, timeout=600) == 303
        timings["map_100000_ids_seconds"] = round(time.monotonic() - started, 1)
        page = client.get(f"/idmapping/results/{job}", params={"size": "500"})
        assert page.headers["x-total-results"] == str(MAX_PAIRS)
        started = time.monotonic()
        lines = 0
        with client.stream("GET", f"/idmapping/stream/{job}", params={"format": "tsv"}) as body:
            assert body.status_code == 200
            for _ in body.iter_lines():
                lines += 1
        assert lines == MAX_PAIRS + 1  # and the header
        timings["stream_500000_pairs_seconds"] = round(time.monotonic() - started, 1)
        # one pair more: UniProt's error 40, not a half-written result
        response = client.post("/idmapping/run", data={
            "from": "UniProtKB_AC-ID", "to": "GeneID", "ids": ",".join(accs[1:])})
        over = response.json()["jobId"]
        assert wait_finished(client, over, timeout=600) == 400
        errors = client.get(f"/idmapping/status/{over}").json()["errors"]
        assert errors == [{"code": 40, "message": 'Id Mapping API is not supported for mapping '
                           'results with more than 500000 "mapped to" IDs'}]
        assert client.get(f"/idmapping/results/{over}").status_code == 404
        # one id more: UniProt's 400 at submission
        response = client.post("/idmapping/run", data={
            "from": "UniProtKB_AC-ID", "to": "GeneID", "ids": ",".join(accs)})
        assert response.status_code == 400
        assert response.json()["messages"] == [
            "'100000' is the maximum count limit of comma separated items for 'ids' param. "
            "You have passed '100001' items."]
    rss = [kib for _, kib in memory.samples if kib]
    record("limits", ids=MAX_IDS, pairs=MAX_PAIRS, **timings,
           rss_mib_max=round(max(rss) / 1024, 1))
