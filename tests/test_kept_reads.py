"""What the server keeps between requests for paged results (issue 18), and that it is never
used once stale: the places of a run's ids (``RunIndex``), finished jobs
(``JobService.finished``) and the list of releases (SQLite), each kept for one generation of
the store (``Store.generation``), which a write from any connection, or any process, ends.

A second store object opened on the same file (or database) stands for another process.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from idmapping.catalogue import AC_ID
from idmapping.errors import NotFound
from idmapping.jobs.dispatch import InlineDispatcher
from idmapping.jobs.service import JobService
from idmapping.model import Job, JobStatus
from idmapping.settings import Settings
from idmapping.store import Store, open_store
from idmapping.store.runindex import STEP, RunIndex
from idmapping.store.spool import PairSpool, Run
from idmapping.store.sqlite import SqliteStore
from idmapping.store.sqlite_reads import Reader
from stores import BACKENDS, fresh_store


def _ids(rng: random.Random, count: int) -> list[str]:
    # of several lengths, some not ASCII: places are counted in characters
    heads = ["P", "Q0", "A0A0", "é", "日本"]
    return [rng.choice(heads) + str(rng.randrange(10**rng.randrange(1, 9))) for _ in range(count)]


def test_a_run_is_cut_as_decoding_it_whole_would() -> None:
    rng = random.Random(1)
    index = RunIndex()
    for count in (1, STEP - 1, STEP, STEP + 1, 1_000, 10_000):
        ids = _ids(rng, count)
        text = orjson.dumps(ids).decode()
        bounds = [(0, count), (0, 1), (count - 1, count), (count, count + 5)]
        bounds += [(lo, lo + rng.choice([1, 25, STEP, 500]))
                   for lo in (rng.randrange(count) for _ in range(100))]
        for lo, hi in bounds:
            for _ in range(2):  # learnt by the first, used by the second
                assert index.cut("job", 7, text, lo, hi, generation=1) == ids[lo:hi]


def test_a_block_of_pairs_is_cut_as_decoding_it_whole_would() -> None:
    rng = random.Random(2)
    index = RunIndex()
    for count in (1, STEP, 1_000):
        pairs = [[a, b] for a, b in zip(_ids(rng, count), _ids(rng, count), strict=True)]
        text = orjson.dumps(pairs).decode()
        for lo in [0, count - 1, *(rng.randrange(count) for _ in range(50))]:
            for _ in range(2):
                assert index.cut("job", 0, text, lo, lo + 25, generation=1) == pairs[lo:lo + 25]


def test_a_run_is_learnt_again_in_another_generation_or_of_another_length() -> None:
    index = RunIndex()
    one, other = ["P1", "P22", "P333"] * 50, ["P22", "P1", "P333"] * 50  # the same length
    index.cut("job", 0, orjson.dumps(one).decode(), 0, 3, generation=1)
    assert index.cut("job", 0, orjson.dumps(other).decode(), 0, 3, generation=2) == other[:3]
    longer = [*other, "P4"]
    assert index.cut("job", 0, orjson.dumps(longer).decode(), 148, 151, generation=2) == \
        longer[148:151]


def test_a_run_with_escapes_is_decoded_whole() -> None:
    ids = ['a"b', "c\\d", "e\nf", *map(str, range(200))]
    text = orjson.dumps(ids).decode()
    index = RunIndex()
    for _ in range(2):
        assert index.cut("job", 0, text, 100, 125, generation=1) == ids[100:125]


@pytest.fixture(params=BACKENDS)
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """A fresh store, and the same store opened again (as by another process)."""
    with fresh_store(request.param, tmp_path) as opened, open_store(opened.url) as again:
        yield opened, again


def _job(result_count: int, updated: float) -> Job:
    return Job("job", AC_ID, "UniProtKB", "P1", "", JobStatus.FINISHED, updated, updated,
               result_count=result_count, failed_ids=["X1"])


def _write(store: Store, job_id: str, ids: list[str]) -> None:
    spool = PairSpool()
    spool.extend(Run(ids))
    with spool:
        store.write_results(job_id, spool)


def test_pages_of_runs_written_again_elsewhere_are_read_anew(
        two_stores: tuple[Store, Store]) -> None:
    store, elsewhere = two_stores
    store.save_job(_job(10_000, time.time()))
    first = [f"R{n:05d}" for n in range(10_000)]
    _write(store, "job", first)
    for _ in range(2):
        assert list(store.read_results("job", 5_000, 25)) == [(i, i) for i in first[5_000:5_025]]
    # the same job's results written again, by another process: runs of the same lengths
    second = [f"S{n:05d}" for n in range(10_000)]
    _write(elsewhere, "job", second)
    assert list(store.read_results("job", 5_000, 25)) == [(i, i) for i in second[5_000:5_025]]
    elsewhere.delete_jobs()  # purged
    assert list(store.read_results("job", 5_000, 25)) == []


def test_a_finished_job_kept_is_read_anew_once_changed_elsewhere(
        two_stores: tuple[Store, Store]) -> None:
    store, elsewhere = two_stores
    now = time.time()
    store.save_job(_job(1, now))
    with JobService(store, Settings.load(environ={}), InlineDispatcher()) as jobs:
        for _ in range(2):
            assert jobs.finished("job").result_count == 1
        kept = jobs.finished("job")
        kept.result_count = 99  # what a caller does to its job is not kept
        assert jobs.finished("job").result_count == 1
        assert jobs.finished("job", with_failed=False).failed_ids == []
        assert jobs.finished("job").failed_ids == ["X1"]
        elsewhere.save_job(_job(2, now))  # run again, by another process
        assert jobs.finished("job").result_count == 2
        elsewhere.save_job(_job(2, now - 40 * 86400))  # expired (job_ttl_days)
        with pytest.raises(NotFound):
            jobs.finished("job")
        elsewhere.save_job(_job(3, now))
        assert jobs.finished("job").result_count == 3
        elsewhere.delete_jobs()  # purged
        with pytest.raises(NotFound):
            jobs.finished("job")


def test_the_generation_changes_with_any_write(two_stores: tuple[Store, Store]) -> None:
    store, elsewhere = two_stores
    first = store.generation()
    if first is None:  # PostgreSQL cannot tell: nothing is kept
        assert elsewhere.generation() is None
        return
    assert store.generation() == first
    elsewhere.save_job(_job(1, time.time()))
    assert store.generation() != first
    second = store.generation()
    store.save_job(_job(2, time.time()))  # this process's own writer, too
    assert store.generation() != second


def test_a_reader_lent_for_a_page_alone_keeps_its_cache(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # every statement of the store's readers, traced from the time each is opened
    traced: list[str] = []
    opened = SqliteStore._open_reader

    def open_traced(self: SqliteStore) -> Reader:
        reader = opened(self)
        reader.conn.set_trace_callback(traced.append)
        return reader

    monkeypatch.setattr(SqliteStore, "_open_reader", open_traced)
    with fresh_store("sqlite", tmp_path) as store:
        store.save_job(_job(10_000, time.time()))
        _write(store, "job", [f"R{n:05d}" for n in range(10_000)])
        freed = "PRAGMA shrink_memory"
        for _ in range(2):
            traced.clear()
            assert len(list(store.read_results("job", 5_000, 25))) == 25  # a page
            assert traced and freed not in traced
        traced.clear()
        assert len(list(store.read_results("job", 0, None))) == 10_000  # a stream's batches
        assert freed in traced
        traced.clear()
        store.get_job("job")  # any other read
        assert freed in traced
