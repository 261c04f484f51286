"""Runs of ids that map to themselves (issue 18): a job stores them as one row of ids each
(``job_result_runs``) beside its ordinary rows, and every reading of its results (pages,
streams in every format, filters, facets, sorts) answers as if each pair had its own row.

Each job here is submitted twice: once with runs made from two ids on, once with runs off
(the same ids and one repeated, so that the job id differs and the results do not); both
answers must be the same, on both releases and both stores.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from idmapping.catalogue import AC_ID
from idmapping.jobs.dispatch import Dispatcher, InlineDispatcher, Runner, ThreadDispatcher
from idmapping.jobs.service import JobService
from idmapping.model import Job, JobStatus
from idmapping.settings import Settings
from idmapping.store.base import Store
from idmapping.store.spool import PairSpool, Run
from releases import ReleaseFacts, pages, submit
from stores import BACKENDS, fresh_store


def _mixed_ids(release: ReleaseFacts) -> list[str]:
    """Accessions of the release as they are written (which map to themselves), broken by an
    accession in lower case, a secondary accession, an isoform and accessions the release
    lacks (failures), so that the results are runs and ordinary rows in turn."""
    accessions = release.accessions()[:80]
    breakers = [accessions[0].lower(), *release.absent_accessions(2)]
    breakers += list(release.secondary)[:1]
    breakers += [f"{a}-{n}" for a, n in release.isoforms()[:1]]
    ids: list[str] = []
    step = max(2, len(accessions) // (len(breakers) + 1))
    for n, start in enumerate(range(0, len(accessions), step)):
        ids += accessions[start:start + step]
        if n < len(breakers):
            ids.append(breakers[n])
    return ids


def _stored_runs(store: Store, job_id: str) -> int:
    return int(store._query(  # type: ignore[attr-defined]
        f"SELECT count(*) FROM {store.main}job_result_runs WHERE job = ?",  # type: ignore[attr-defined]
        (job_id,))[0][0])


@pytest.fixture
def twin_jobs(release: ReleaseFacts, release_url: str, release_store: Store,
              monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """``(with runs, without)``: the job ids of the same request, stored both ways."""
    ids = _mixed_ids(release)
    monkeypatch.setattr("idmapping.jobs.service.MIN_RUN", 2)
    runs = submit(release_url, AC_ID, "UniProtKB", ids)
    monkeypatch.setattr("idmapping.jobs.service.MIN_RUN", 0)
    plain = submit(release_url, AC_ID, "UniProtKB", [*ids, ids[0]])
    assert runs != plain
    assert _stored_runs(release_store, runs) >= 2, "the job was not stored as runs"
    assert _stored_runs(release_store, plain) == 0
    return runs, plain


def _same(base: str, runs: str, plain: str, path: str, **params: str) -> None:
    """The body of *path* for the job with runs, checked equal to the job without (RDF's
    lines in any order and its blank nodes unnamed: its serialiser orders the statements and
    names the blank nodes differently each time)."""
    one = httpx.get(f"{base}{path.format(runs)}", params=params, timeout=60)
    other = httpx.get(f"{base}{path.format(plain)}", params=params, timeout=60)
    assert one.status_code == other.status_code == 200, one.text
    assert one.headers.get("x-total-results") == other.headers.get("x-total-results")
    mine, theirs = one.content, other.content.replace(plain.encode(), runs.encode())
    if params.get("format") in RDF:
        mine, theirs = _statements(mine), _statements(theirs)
    assert mine == theirs, (path, params)


RDF = ("rdf", "ttl", "nt")


def _statements(body: bytes) -> list[bytes]:
    return sorted(re.sub(rb"N[0-9a-f]{32}", b"N", body).split(b"\n"))


def test_pages_cross_runs_as_rows(release: ReleaseFacts, release_url: str,
                                  twin_jobs: tuple[str, str]) -> None:
    runs, plain = twin_jobs
    for kind in ("idmapping/results", "idmapping/uniprotkb/results"):
        seen = {job: [(r["from"], r["to"]["primaryAccession"] if isinstance(r["to"], dict)
                       else r["to"])
                      for page in pages(f"{release_url}/{kind}/{job}", size="3")
                      for r in page.json()["results"]]
                for job in twin_jobs}
        assert seen[runs] == seen[plain]
    mapped = {f for f, _ in seen[runs]}
    assert mapped.issuperset(i for i in _mixed_ids(release) if i in release.entries)
    body = httpx.get(f"{release_url}/idmapping/results/{runs}", params={"size": "500"}).json()
    other = httpx.get(f"{release_url}/idmapping/results/{plain}", params={"size": "500"}).json()
    assert body["failedIds"] == other["failedIds"] and body["failedIds"]


@pytest.mark.parametrize("fmt", ["tsv", "json", "list"])
def test_streams_of_pairs_equal_the_rows(release_url: str, twin_jobs: tuple[str, str],
                                         fmt: str) -> None:
    _same(release_url, *twin_jobs, "/idmapping/stream/{}", format=fmt)


@pytest.mark.parametrize("fmt", ["tsv", "json", "list", "fasta", "txt", "gff", "xml", *RDF])
def test_streams_of_entries_equal_the_rows(release_url: str, twin_jobs: tuple[str, str],
                                           fmt: str) -> None:
    _same(release_url, *twin_jobs, "/idmapping/uniprotkb/results/stream/{}", format=fmt)


@pytest.mark.parametrize("params", [
    {"query": "reviewed:true"},
    {"query": "reviewed:false", "sort": "accession desc"},
    {"sort": "accession desc", "includeIsoform": "true"},
    {"facets": "reviewed,model_organism", "query": "*"},
    {"facets": "reviewed", "includeIsoform": "true", "sort": "accession asc"},
])
def test_filters_facets_and_sorts_see_the_same_pairs(release_url: str,
                                                     twin_jobs: tuple[str, str],
                                                     params: dict[str, str]) -> None:
    path = "/idmapping/uniprotkb/results/{}"
    _same(release_url, *twin_jobs, path, size="7", **params)
    _same(release_url, *twin_jobs, "/idmapping/uniprotkb/results/stream/{}", format="tsv",
          **params)


# -- the store alone ----------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with fresh_store(request.param, tmp_path) as opened:
        yield opened


def _spooled(parts: list[list[tuple[str, str]] | Run]) -> tuple[PairSpool, list[tuple[str, str]]]:
    spool = PairSpool(chunk_pairs=1_000)
    flat: list[tuple[str, str]] = []
    for part in parts:
        spool.extend(part)
        flat += list(zip(part, part, strict=True)) if isinstance(part, Run) else part
    return spool, flat


def test_the_store_reads_runs_and_rows_at_every_offset(any_store: Store) -> None:
    parts: list[list[tuple[str, str]] | Run] = [
        Run(f"R{n}" for n in range(10_000)), [("x1", "y1"), ("x2", "y2")],
        Run(f"L{n}" for n in range(12_000)),  # stored as two runs
        Run(f"S{n}" for n in range(3)), Run(f"T{n}" for n in range(2_500)),
        [(f"a{n}", f"b{n}") for n in range(6_000)], Run(["U"])]
    spool, flat = _spooled(parts)
    with spool:
        assert any_store.write_results("mixed", spool) == len(flat) == 30_506
    assert list(any_store.read_results("mixed", 0, None)) == flat
    assert _stored_runs(any_store, "mixed") == 6
    for offset in (0, 1, 4_999, 9_999, 10_000, 10_001, 10_002, 20_001, 22_001, 22_004, 24_504,
                   24_505, 30_500, 30_505, 30_506, 40_000):
        for limit in (1, 2, 25, 5_001, None):
            wanted = flat[offset:None if limit is None else offset + limit]
            assert list(any_store.read_results("mixed", offset, limit)) == wanted, (offset,
                                                                                   limit)
    # written again without runs, the runs are gone
    assert any_store.write_results("mixed", [("a", "b")]) == 1
    assert list(any_store.read_results("mixed", 0, None)) == [("a", "b")]
    assert _stored_runs(any_store, "mixed") == 0


def test_deleting_jobs_deletes_their_runs(any_store: Store) -> None:
    now = time.time()
    for name in ("old", "new"):
        any_store.save_job(Job(name, AC_ID, "UniProtKB", "P1", "", JobStatus.FINISHED,
                               now, now if name == "new" else now - 100))
        spool, flat = _spooled([Run(["P1", "P2"]), [("p3", "P3")]])
        with spool:
            assert any_store.write_results(name, spool) == 3
    assert _stored_runs(any_store, "old") == _stored_runs(any_store, "new") == 1
    assert any_store.delete_jobs(now - 50) == 1
    assert _stored_runs(any_store, "old") == 0
    assert list(any_store.read_results("old", 0, None)) == []
    assert list(any_store.read_results("new", 0, None)) == flat
    assert any_store.delete_jobs() == 1
    assert _stored_runs(any_store, "new") == 0


def test_sqlite_keeps_pairs_as_blocks_read_as_rows_were(tmp_path: Path) -> None:
    """SQLite keeps a job's pairs a block of a spool's chunk at a time (``result_blocks``,
    issue 18), not a row each; they read as the rows of a job stored before blocks do, at
    every offset, and are deleted with the job."""
    from idmapping.store.sqlite import SqliteStore

    flat = [(f"NP_{n}.1", f"P{n % 7}") for n in range(2_345)]
    with SqliteStore(tmp_path / "store.sqlite") as store:
        spool, _ = _spooled([flat[:1_500], Run(["Q1", "Q2"]), flat[1_500:]])
        with spool:
            assert store.write_results("blocks", spool) == len(flat) + 2
        assert store.write_results("plain", flat[:700]) == 700  # not spooled: blocks of 250 too
        with store._write() as conn:  # a job whose pairs were stored a row each
            conn.executemany("INSERT INTO job_results VALUES ('rows', ?, ?, ?)",
                             [(n, *pair) for n, pair in enumerate(flat)])
        counts = {table: store._query(f"SELECT job, count(*) FROM {table} GROUP BY job")
                  for table in ("job_results", "job_result_blocks")}
        assert counts == {"job_results": [("rows", len(flat))],
                          "job_result_blocks": [("blocks", 3), ("plain", 3)]}
        whole = [*flat[:1_500], ("Q1", "Q1"), ("Q2", "Q2"), *flat[1_500:]]
        assert list(store.read_results("blocks", 0, None)) == whole
        assert list(store.read_results("plain", 0, None)) == flat[:700]
        for offset in (0, 1, 999, 1_000, 1_001, 1_499, 1_500, 1_502, 2_346, 2_347, 5_000):
            for limit in (1, 2, 25, 1_001, None):
                end = None if limit is None else offset + limit
                assert list(store.read_results("blocks", offset, limit)) == whole[offset:end]
                assert list(store.read_results("rows", offset, limit)) == flat[offset:end]
        now = time.time()
        store.save_job(Job("blocks", AC_ID, "UniProtKB", "P1", "", JobStatus.FINISHED, now,
                           now))
        assert store.delete_jobs() == 1
        assert store._query("SELECT count(*) FROM job_result_blocks WHERE job = 'blocks'"
                            ) == [(0,)]


# -- ids handed from the submission to a run in this process ------------------------------


class Elsewhere(Dispatcher):
    """Queues job ids as Celery does: another process's job service runs them, from the
    store."""

    redelivers = True

    def __init__(self) -> None:
        self.queued: list[str] = []

    def submit(self, job_id: str, run: Runner, kind: str = "job") -> None:
        self.queued.append(job_id)


@pytest.mark.parametrize("here", ["inline", "threads"])
def test_a_job_run_here_maps_the_submitted_ids_as_one_read_from_the_store(
        release: ReleaseFacts, release_store: Store, monkeypatch: pytest.MonkeyPatch,
        here: str) -> None:
    # spaces and an empty item: the stored text is the submitted one, which the run splits
    ids = _mixed_ids(release)
    text = " , ".join(ids) + ",," + ids[-1]
    reads: list[tuple[str, bool]] = []  # the stored jobs read, and whether with their ids
    get_job = release_store.get_job

    def recorded(job_id: str, with_ids: bool = True, with_failed: bool = True) -> Job | None:
        found = get_job(job_id, with_ids, with_failed)
        if found is not None:
            reads.append((job_id, with_ids))
        return found

    monkeypatch.setattr(release_store, "get_job", recorded)
    # repeated ids: the same results under other job ids (one job per case and tree)
    first = 0 if here == "inline" else 2
    mine_text, other_text = (text + f",{ids[0]}" * n for n in (first, first + 1))
    elsewhere = Elsewhere()
    with JobService(release_store, Settings.load(environ={}, inline_job_ids=0),
                    elsewhere) as service:
        other = service.submit(AC_ID, "UniProtKB", other_text).id
    assert elsewhere.queued == [other]
    with JobService(release_store, Settings.load(environ={}), InlineDispatcher()) as worker:
        worker.run(other)  # as a worker of another process: the ids are read from the store
    assert (other, True) in reads
    settings = Settings.load(environ={}, inline_job_ids=10**6 if here == "inline" else 0)
    dispatcher = InlineDispatcher() if here == "inline" else ThreadDispatcher(1)
    reads.clear()
    with JobService(release_store, settings, dispatcher) as service:
        mine = service.submit(AC_ID, "UniProtKB", mine_text).id
    assert reads and (mine, True) not in reads, "the run read the submitted ids back"
    one, two = release_store.get_job(mine), release_store.get_job(other)
    assert one is not None and two is not None
    assert one.status == two.status == JobStatus.FINISHED and one.ids == mine_text
    assert (one.result_count, one.failed_ids, one.obsolete_count, one.release) == \
        (two.result_count, two.failed_ids, two.obsolete_count, two.release)
    assert one.failed_ids and one.result_count > 0
    assert list(release_store.read_results(mine, 0, None)) == \
        list(release_store.read_results(other, 0, None))


def test_queued_jobs_hold_at_most_max_ids_of_handed_ids(release: ReleaseFacts,
                                                         release_store: Store) -> None:
    started, go = threading.Event(), threading.Event()
    ids = release.accessions()[:40]
    settings = Settings.load(environ={}, inline_job_ids=0, max_ids=len(ids) + 10)
    with JobService(release_store, settings, ThreadDispatcher(1)) as service:
        service.dispatcher.submit("blocker", lambda _: (started.set(), go.wait(30)))
        assert started.wait(30)
        first = service.submit(AC_ID, "UniProtKB", ",".join(ids)).id
        assert service._handed == len(ids)  # held for its run
        second = service.submit(AC_ID, "UniProtKB", ",".join(ids[::-1])).id
        assert service._handed == len(ids)  # over max_ids: its run reads them
        go.set()
        deadline = time.monotonic() + 60
        while any(j.status != JobStatus.FINISHED for j in map(service.get, (first, second))):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert service._handed == 0
    for key in (first, second):
        job = release_store.get_job(key)
        assert job is not None and job.status == JobStatus.FINISHED and job.result_count == 40
