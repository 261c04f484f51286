"""HTTP and connection bounds (issue 14, rows 11, 13 and 15).

* Row 11: reads go through a bounded pool of store connections, not one per server thread:
  however many threads read at once, at most ``reader_connections`` connections exist, for
  SQLite and PostgreSQL alike, and idle ones are closed.
* Row 13: ``idmapping serve`` closes connections that send a request too slowly (a "slow
  loris", headers or body), that send nothing, or that stay idle between requests, and refuses
  oversized headers; a client at a normal pace is served meanwhile.
* Row 15: every GET route answers HEAD with the GET's status and headers and no body (the
  app's routes are enumerated, so a new GET route without HEAD fails here), and
  ``X-Forwarded-*`` headers count only from a trusted proxy.

The server tests run ``idmapping serve`` in a child process on loopback, with the shipped demo
release and deadlines of a few seconds.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from idmapping.errors import InvalidRequest, StoreUnavailable
from idmapping.loader import demo_dir, load_demo
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.server import prepare_store
from idmapping.settings import Settings
from idmapping.store import Store, open_store
from idmapping.store.pool import Pool
from idmapping.web import create_app
from idmapping.web import proxies as proxies_module
from idmapping.web.deadlines import MAX_HEADER_BYTES
from idmapping.web.proxies import TrustedProxies
from reliability import Server, on_own_thread, record
from stores import fresh_database

HEADER_TIMEOUT = 3
BODY_TIMEOUT = 3
KEEP_ALIVE = 1
SLACK = 1.5
"""Seconds a deadline may be late by on a loaded machine (the event loop's timers)."""


def _demo_accessions(count: int) -> list[str]:
    with gzip.open(demo_dir() / "idmapping.dat.gz", "rt") as text:
        found = dict.fromkeys(line.split("\t", 1)[0] for line in text)
    return [acc for acc in found if "-" not in acc][:count]


# ---------------------------------------------------------------------------------------------
# Row 11: reader connections


def _connections(store: Store, kind: str, where: str) -> int:
    """The store's open connections, counted outside the pool: SQLite's by this process's
    descriptors of the main file, PostgreSQL's by the server's list of its database's."""
    if kind == "sqlite":
        main = str(Path(where).resolve())
        count = 0
        for fd in Path("/proc/self/fd").iterdir():
            try:
                if str(fd.readlink()) == main:
                    count += 1
            except OSError:
                continue
        return count
    import psycopg

    name = where.rsplit("/", 1)[1]
    with psycopg.connect(where.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                            (name,)).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bounded_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[tuple[Store, str, str]]:
    """A store with the demo release and room for 3 readers: (store, kind, where)."""
    if request.param == "sqlite":
        where = str(tmp_path_factory.mktemp("bounded") / "bounded.sqlite")
        with open_store(where, readers=3) as store:
            load_demo(store)
            yield store, "sqlite", where
        return
    with fresh_database() as url, open_store(url, readers=3) as store:
        load_demo(store)
        yield store, "postgresql", url


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc descriptors")
def test_concurrent_reads_use_at_most_n_connections(bounded_store: tuple[Store, str, str]
                                                    ) -> None:
    store, kind, where = bounded_store
    accessions = _demo_accessions(40)
    request = MappingRequest("UniProtKB_AC-ID", "UniProtKB", tuple(accessions))
    expected = sorted(map_ids(store, request).pairs())
    # the writer (and nothing else) is open besides the readers
    others = _connections(store, kind, where) - store._readers.opened  # type: ignore[attr-defined]
    holding, go = [], threading.Event()
    results: list[list[tuple[str, str]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def read() -> None:
        try:
            run = map_ids(store, request, two_step=False)  # a lookup that holds a reader
            rows = ((p.from_id, p.to_id) for p in run)  # row by row, not a chunk at a time
            first = next(rows)  # the lookup now holds its connection
            with lock:
                holding.append(1)
            go.wait(60)
            with lock:
                results.append(sorted([first, *rows]))
            store.get_job("nope")  # a read of the main tables too
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(12)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(holding) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # the other nine are waiting for a connection, not opening one
    held, opened = len(holding), _connections(store, kind, where) - others
    go.set()
    peak = opened
    while any(t.is_alive() for t in threads):
        peak = max(peak, _connections(store, kind, where) - others)
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    record("reader connections", backend=kind, threads=12, readers=3, held_at_once=held,
           connections=opened, peak=peak)
    assert not errors, errors
    assert held == 3 and opened == 3, (held, opened)
    assert peak <= 3
    assert results == [expected] * 12


def _pool(size: int, **options: float) -> tuple[Pool[list[int]], list[list[int]]]:
    """A pool of plain objects, and the list of every one it made (closed ones hold a 0)."""
    made: list[list[int]] = []

    def make() -> list[int]:
        made.append([1])
        return made[-1]

    return Pool(size, make, lambda conn: conn.__setitem__(0, 0), **options), made


def test_idle_connections_are_closed() -> None:
    pool, made = _pool(4, idle_seconds=0.3)
    leases = [pool.take() for _ in range(4)]  # one per thread: four threads
    assert len(made) == 1  # re-entrant: this thread holds one connection
    for lease in leases:
        lease.release()
    barrier = threading.Barrier(4)

    def hold() -> None:
        with pool.lease():
            barrier.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert pool.opened == 4 and len(made) == 4
    time.sleep(1.0)
    assert pool.opened == 1  # one is kept for the next request
    assert sum(conn[0] for conn in made) == 1


def test_a_full_pool_makes_threads_wait_then_fail() -> None:
    pool, made = _pool(1, wait_seconds=0.3)
    lease = pool.take()
    got: list[list[int]] = []

    def wait() -> None:
        with pool.lease() as conn:
            got.append(conn)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.1)
    lease.release()  # the waiting thread gets it
    waiter.join(5)
    assert got == [made[0]] and len(made) == 1
    lease = pool.take()
    failed: list[BaseException] = []

    def too_late() -> None:
        try:
            pool.take()
        except StoreUnavailable as exc:
            failed.append(exc)

    late = threading.Thread(target=too_late)
    late.start()
    late.join(5)
    assert len(failed) == 1 and failed[0].status == 503
    lease.release()


def test_a_lookup_holds_a_reader_only_while_it_is_read(bounded_store: tuple[Store, str, str]
                                                       ) -> None:
    store, _, _ = bounded_store
    readers = store._readers  # type: ignore[attr-defined]
    request = MappingRequest("UniProtKB_AC-ID", "UniProtKB", tuple(_demo_accessions(40)))
    # the one-query plan: the two-step one maps accessions that are all entries' own
    # without any lookup rows to hold a reader for
    run = map_ids(store, request, two_step=False)
    assert readers.idle == 3  # asked for, not read: no reader held
    rows = iter(run)  # row by row (pairs() reads a chunk at a time)
    next(rows)
    assert readers.idle == 2
    rows.close()
    del rows, run  # dropped half-read: its reader goes back
    assert readers.idle == 3
    assert len(list(map_ids(store, request).pairs())) == 40


def test_jobs_waiting_to_write_hold_no_reader(bounded_store: tuple[Store, str, str]) -> None:
    """A job's rows are read while its results are written, under the store's write lock, and
    ids that map to nothing are then looked up again (UniParc suggestions). With one reader,
    a job waiting for the lock must not hold it: the job holding the lock needs it."""
    _, _, where = bounded_store
    with open_store(where, readers=1) as one:
        with gzip.open(demo_dir() / "idmapping.dat.gz", "rt") as text:
            embl = [line.split("\t")[2].strip() for line in text if "\tEMBL\t" in line][:50]
        done: list[int] = []

        def job(n: int) -> None:
            ids = (*embl, f"NOPE{n}")
            mapped = map_ids(one, MappingRequest("EMBL-GenBank-DDBJ", "UniProtKB", ids))
            done.append(one.write_results(f"job{n}", mapped.pairs()))

        threads = [threading.Thread(target=job, args=(n,), daemon=True) for n in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert len(done) == 6 and min(done) > 0, f"{len(done)} of 6 jobs written in 20 s"


# ---------------------------------------------------------------------------------------------
# Rows 13 and 15: a live server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """``idmapping serve`` with the demo release and short deadlines, and a finished job
    (with a finished download of its results)."""
    tmp = tmp_path_factory.mktemp("http")
    settings = {"IDMAPPING_DEMO": "true", "IDMAPPING_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
                "IDMAPPING_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
                "IDMAPPING_KEEP_ALIVE_SECONDS": str(KEEP_ALIVE)}
    with Server(str(tmp / "store.sqlite"), tmp / "server.log", settings) as server:
        response = httpx.post(server.url + "/idmapping/run", timeout=60, data={
            "from": "UniProtKB_AC-ID", "to": "UniProtKB",
            "ids": ",".join([*_demo_accessions(5), "NOPE1"])})
        assert response.status_code == 200, response.text
        job = response.json()["jobId"]
        response = httpx.post(server.url + "/idmapping/download/run", timeout=60,
                              data={"jobId": job, "format": "tsv"})
        assert response.status_code == 200, response.text
        download = response.json()["jobId"]
        deadline = time.monotonic() + 60
        while httpx.get(f"{server.url}/idmapping/download/status/{download}"
                        ).json()["jobStatus"] != "FINISHED":
            assert time.monotonic() < deadline, "the download did not finish"
            time.sleep(0.1)
        server.download = download  # type: ignore[attr-defined]
        yield server, job


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def _until_closed(sock: socket.socket, trickle: bytes = b"", every: float = 2.0,
                  limit: float = 15.0) -> tuple[float, bytes]:
    """Send *trickle* a byte every *every* seconds until the server closes the connection;
    return how long that took (*limit* when it did not) and what the server sent."""
    start = time.monotonic()
    received = b""
    sent = 0
    next_byte = start
    while (now := time.monotonic()) - start < limit:
        if sent < len(trickle) and now >= next_byte:
            try:
                sock.send(trickle[sent:sent + 1])
            except OSError:
                return time.monotonic() - start, received
            sent += 1
            next_byte = now + every
        sock.settimeout(max(0.01, min(0.2, limit - (now - start))))
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - start, received
        if not data:
            return time.monotonic() - start, received
        received += data
    return limit, received


SLOW_HEADERS = (b"GET /configure/idmapping/fields HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                + b"a" * 50)


def test_slow_headers_are_cut(served: tuple[Server, str]) -> None:
    server, _ = served
    with _connect(server) as sock:
        took, answer = _until_closed(sock, SLOW_HEADERS, every=2.0)
    record("slow headers", header_timeout=HEADER_TIMEOUT, closed_after=round(took, 2))
    assert took <= HEADER_TIMEOUT + SLACK, took
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_many_slow_clients_are_cut_while_others_are_served(served: tuple[Server, str]) -> None:
    server, _ = served
    results: list[float] = []

    def slow() -> None:
        with _connect(server) as sock:
            results.append(_until_closed(sock, SLOW_HEADERS, every=2.0)[0])

    threads = [threading.Thread(target=slow) for _ in range(50)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/configure/idmapping/fields").status_code == 200
    for thread in threads:
        thread.join(30)
    record("slow clients", clients=50, latest_close=round(max(results), 2))
    assert len(results) == 50 and max(results) <= HEADER_TIMEOUT + SLACK + 1, results


def test_a_silent_connection_is_closed(served: tuple[Server, str]) -> None:
    server, _ = served
    with _connect(server) as sock:
        took, answer = _until_closed(sock)
    assert took <= HEADER_TIMEOUT + SLACK and answer == b"", took


def test_slow_body_is_cut_and_a_fair_one_is_read(served: tuple[Server, str]) -> None:
    server, _ = served
    head = (b"POST /idmapping/run HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n")
    with _connect(server) as sock:
        sock.sendall(head)
        took, _ = _until_closed(sock, b"from=UniProtKB_AC-ID&to=UniProtKB&ids=" + b"X," * 100,
                                every=1.0)
    record("slow body", body_timeout=BODY_TIMEOUT, closed_after=round(took, 2))
    assert took <= BODY_TIMEOUT + SLACK, took
    # a large body sent at once is read whole: 2 MB of ids is refused for its size, not cut
    ids = ",".join([*_demo_accessions(5)] + [f"NOPE{i}" for i in range(200_000)])
    response = httpx.post(server.url + "/idmapping/run", timeout=60, data={
        "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ids})
    assert response.status_code == 400 and "maximum count limit" in response.text, \
        response.text[:200]


def test_an_idle_kept_alive_connection_is_closed(served: tuple[Server, str]) -> None:
    server, _ = served
    with _connect(server) as sock:
        sock.sendall(b"GET /configure/idmapping/fields HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        took, answer = _until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert took <= KEEP_ALIVE + SLACK, took


def test_oversized_headers_are_refused(served: tuple[Server, str]) -> None:
    server, _ = served
    with _connect(server) as sock:
        request = (b"GET /configure/idmapping/fields HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   + b"X-Big: " + b"a" * (MAX_HEADER_BYTES * 2) + b"\r\n\r\n")
        try:
            sock.sendall(request)
        except OSError:
            pass  # closed while still sending: also refused
        took, answer = _until_closed(sock, limit=5)
    assert answer.startswith(b"HTTP/1.1 431 ") or answer == b"", answer[:100]
    assert took < 5


# ---------------------------------------------------------------------------------------------
# Row 15: HEAD on every GET route; forwarded headers from trusted proxies only


def _flat(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (FastAPI may keep them as one entry that
    holds the router)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _flat(included.routes)
        else:
            yield route


def _get_paths(tmp: Path) -> list[str]:
    """The path of every GET route of the app (each must have HEAD routed too)."""
    with open_store(str(tmp / "routes.sqlite")) as store:
        app = create_app(Settings.load(environ={}, store=str(tmp / "routes.sqlite")), store)
        routes = [r for r in _flat(app.routes) if isinstance(r, APIRoute | Route)]
    heads = {r.path for r in routes if "HEAD" in (r.methods or ())}
    paths = sorted({r.path for r in routes if "GET" in (r.methods or ())})
    missing = [p for p in paths if p not in heads]
    assert not missing, f"GET routes without HEAD: {missing}"
    return paths


def test_head_answers_like_get_on_every_get_route(served: tuple[Server, str],
                                                  tmp_path: Path) -> None:
    server, job = served
    static = sorted(p.name for p in (resources.files("idmapping.web") / "static").iterdir())
    values = {"job_id": job, "dataset": "uniprotkb", "name": static[0],
              "download_id": server.download}  # type: ignore[attr-defined]
    paths = _get_paths(tmp_path)
    assert "/configure/idmapping/fields" in paths and "/idmapping/details/{job_id}" in paths
    checked = []
    with httpx.Client(base_url=server.url, timeout=60, follow_redirects=False) as client:
        for path in paths:
            names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
            unknown = [n for n in names if n not in values]
            assert not unknown, f"give this test a value for {unknown} of {path}"
            url = path.format(**values)
            got, head = client.get(url), client.head(url)
            assert head.status_code == got.status_code, (url, got.status_code, head.status_code)
            assert head.content == b"", url
            skip = {"date", "transfer-encoding", "content-length"}
            assert {k: v for k, v in head.headers.items() if k not in skip} == \
                {k: v for k, v in got.headers.items() if k not in skip}, url
            if "content-length" in head.headers and "content-length" in got.headers:
                assert head.headers["content-length"] == got.headers["content-length"], url
            checked.append((url, got.status_code))
    record("HEAD routes", routes=len(checked), statuses=sorted({s for _, s in checked}))
    assert len(checked) >= 25


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.example.org",
             "X-Forwarded-For": "203.0.113.9"}


def test_forwarded_headers_count_from_a_trusted_proxy_only(served: tuple[Server, str],
                                                           tmp_path: Path) -> None:
    server, job = served
    # the live server trusts loopback (the default): its client here is a proxy
    location = httpx.get(f"{server.url}/idmapping/status/{job}",
                         headers=FORWARDED).headers["location"]
    assert location.startswith("https://maps.example.org/idmapping/") and location.endswith(job)
    # an app whose client (203.0.113.7) is not a trusted proxy ignores them
    store_path = str(tmp_path / "proxy.sqlite")
    for trusted, honoured in (("127.0.0.1,::1", False), ("", False),
                              ("203.0.113.0/24", True), ("*", True)):
        settings = Settings.load(environ={}, store=store_path, forwarded_allow_ips=trusted)
        prepare_store(settings)
        location, job_id = on_own_thread(functools.partial(
            asyncio.run, _status_location(settings)))
        base = "https://maps.example.org" if honoured else "http://testserver"
        assert location.startswith(f"{base}/idmapping/") and location.endswith(job_id), \
            (trusted, location)


async def _status_location(settings: Settings) -> tuple[str, str]:
    """The ``Location`` of a finished job's status, asked with :data:`FORWARDED` by a client
    at 203.0.113.7 (the app on an ASGI transport), and the job's id."""
    with open_store(settings.store_url) as store:
        app = create_app(settings, store)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4567))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver"
                                         ) as client:
                response = await client.post("/idmapping/run", data={
                    "from": "UniProtKB_AC-ID", "to": "UniProtKB",
                    "ids": ",".join(_demo_accessions(2))})
                job_id = response.json()["jobId"]
                response = await client.get(f"/idmapping/status/{job_id}", headers=FORWARDED)
        finally:
            app.state.ctx.jobs.close()
    return response.headers["location"], job_id


def test_forwarded_for_names_the_client() -> None:
    seen: list[tuple[str, int] | None] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(scope["client"])  # type: ignore[arg-type]

    proxies = TrustedProxies(app, "10.0.0.0/8")  # type: ignore[arg-type]

    for client, chain, expected in (
            (("10.0.0.2", 1), "198.51.100.1, 10.0.0.5", ("198.51.100.1", 0)),
            (("10.0.0.2", 1), "198.51.100.1, 192.0.2.4", ("192.0.2.4", 0)),
            (("10.0.0.2", 1), "not-an-address", ("10.0.0.2", 1)),
            (("192.0.2.8", 1), "198.51.100.1", ("192.0.2.8", 1))):
        scope = {"type": "http", "client": client, "headers": [(b"x-forwarded-for",
                                                                 chain.encode())]}
        on_own_thread(functools.partial(
            asyncio.run, proxies(scope, None, None)))  # type: ignore[arg-type]
        assert seen[-1] == expected, (client, chain)


def test_a_wrong_trusted_proxy_setting_stops_the_start(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, store=str(tmp_path / "s.sqlite"),
                             forwarded_allow_ips="127.0.0.1, proxy.example.org")
    with pytest.raises(InvalidRequest, match="forwarded_allow_ips"):
        create_app(settings)


def test_trust_of_connections_is_kept_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proxies_module, "ANSWERS_KEPT", 3)
    proxies = TrustedProxies(None, "10.0.0.0/8")  # type: ignore[arg-type]
    addresses = ["10.0.0.2", "192.0.2.8", "10.0.0.2", "not-an-address", "10.1.2.3", "", None,
                 "192.0.2.9", "10.0.0.2", "192.0.2.8"]
    for _ in range(2):  # asked, then answered as kept (or asked again, past the bound)
        assert [proxies.trusts_connection(a) for a in addresses] == \
            [proxies.trusts(a) for a in addresses] == \
            [True, False, True, False, True, False, False, False, True, False]
    assert proxies._kept.cache_info().currsize == 3
