"""The facet cache (issue 15, facets): a finished job's facet counts are counted once per
(job, release, filter, facet) and kept in a bounded LRU (``facet_cache_entries``; 0 keeps
none); a job run again or submitted again after its deletion, or another release, are counted
afresh. On both releases and both stores; the store's ``facet_counts`` calls are counted, and
every answer is compared with one counted without the cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import api_settings, start_server
from idmapping.loader import load_release
from idmapping.results.facetcache import FacetCache
from idmapping.store.base import Store
from idmapping.web import create_app
from releases import ReleaseFacts, submit
from stores import fresh_store

FACETS = "reviewed,model_organism,proteins_with,existence,annotation_score,length"
"""What UniProt's website asks of every UniProtKB job."""


def test_lru_keeps_at_most_its_bound() -> None:
    cache = FacetCache(2)
    counted: list[str] = []

    def count(key: str) -> Callable[[], list[tuple[Any, int]]]:
        return lambda: counted.append(key) or [(key, 1)]

    for key in ("a", "b", "a", "c", "b", "a"):
        assert cache.counts(key, count(key)) == [(key, 1)]
    # a, b counted; a hit; c counted (b dropped: a was used since); b again (a dropped); a again
    assert counted == ["a", "b", "c", "b", "a"]
    assert len(cache) == 2 and (cache.hits, cache.misses) == (1, 5)


def test_no_entries_keeps_nothing() -> None:
    cache = FacetCache(0)
    counted: list[int] = []
    for _ in range(3):
        cache.counts("a", lambda: counted.append(1) or [])
    assert len(counted) == 3 and len(cache) == 0


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, release_case: tuple[str, str],
           release: ReleaseFacts) -> Iterator[Store]:
    """A store of its own (the release-change test loads a second release into it)."""
    with fresh_store(release_case[1], tmp_path_factory.mktemp("facet-cache")) as store:
        load_release(release.files, store)
        yield store


@pytest.fixture
def calls(loaded: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The facets the store counts (its facet_counts calls), in order."""
    found: list[str] = []
    original = type(loaded).facet_counts

    def counting(self: Store, job_id: str, query: Any, facet: Any) -> Any:
        found.append(facet.column)
        return original(self, job_id, query, facet)

    monkeypatch.setattr(type(loaded), "facet_counts", counting)
    return found


@contextmanager
def served(store: Store, entries: int) -> Iterator[str]:
    live = start_server(create_app(api_settings(store, facet_cache_entries=entries), store))
    try:
        yield live.url
    finally:
        live.stop()


def _ids(release: ReleaseFacts) -> list[str]:
    accessions = release.accessions()
    return accessions[:: max(1, len(accessions) // 60)][:60]


def _facets(base: str, job: str, facets: str = FACETS, **params: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/idmapping/uniprotkb/results/{job}",
                         params={"facets": facets, "size": "0", **params}, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_page_view_counts_each_facet_once(loaded: Store, release: ReleaseFacts,
                                            calls: list[str]) -> None:
    with served(loaded, 0) as plain:
        ids = _ids(release)
        job = submit(plain, "UniProtKB_AC-ID", "UniProtKB", ids)
        fresh = _facets(plain, job)
        assert fresh["facets"], "no facet has a value: nothing to compare"
        one = f"accession:{ids[0]}"  # another filter: one entry of the job
        filtered = _facets(plain, job, query=one)
        assert filtered != fresh
    counted_once = len(calls)
    assert counted_once == 2 * len(FACETS.split(","))
    calls.clear()
    with served(loaded, 256) as cached:
        assert _facets(cached, job) == fresh
        first = len(calls)
        assert first == len(FACETS.split(","))
        for _ in range(3):  # the website's next pages
            assert _facets(cached, job) == fresh
        assert len(calls) == first, "a later view counted again"
        # another filter is another count, kept too
        assert _facets(cached, job, query=one) == filtered
        assert _facets(cached, job, query=one) == filtered
        assert len(calls) == 2 * first


def test_the_bound_and_no_cache(loaded: Store, release: ReleaseFacts, calls: list[str]) -> None:
    with served(loaded, 2) as base:
        job = submit(base, "UniProtKB_AC-ID", "UniProtKB", _ids(release))
        for _ in range(2):
            _facets(base, job, "reviewed,length")
        assert calls == ["reviewed", "length"]
        _facets(base, job, "existence")  # a third count: reviewed, the oldest, goes
        _facets(base, job, "length,reviewed")
        assert calls == ["reviewed", "length", "existence", "reviewed"]
    calls.clear()
    with served(loaded, 0) as base:
        for _ in range(3):
            _facets(base, job, "reviewed")
        assert calls == ["reviewed"] * 3


def test_a_job_run_again_or_deleted_is_counted_afresh(loaded: Store, release: ReleaseFacts,
                                                      calls: list[str]) -> None:
    with served(loaded, 256) as base:
        job = submit(base, "UniProtKB_AC-ID", "UniProtKB", _ids(release))
        before = _facets(base, job, "reviewed")
        _facets(base, job, "reviewed")
        assert calls == ["reviewed"]
        # the job run again: its record changes, its old counts are never read
        stored = loaded.get_job(job)
        assert stored is not None
        loaded.save_job(dataclasses.replace(stored, updated=stored.updated + 1))
        assert _facets(base, job, "reviewed") == before
        assert calls == ["reviewed"] * 2
        # deleted, then submitted again (the same ids give the same job id)
        assert loaded.delete_jobs() >= 1
        assert submit(base, "UniProtKB_AC-ID", "UniProtKB", _ids(release)) == job
        assert _facets(base, job, "reviewed") == before
        assert calls == ["reviewed"] * 3


def test_another_release_is_counted_afresh(loaded: Store, release: ReleaseFacts,
                                           calls: list[str], tmp_path: Path) -> None:
    with served(loaded, 256) as base:
        job = submit(base, "UniProtKB_AC-ID", "UniProtKB", _ids(release))
        before = _facets(base, job, "reviewed")
        assert calls == ["reviewed"]
        load_release(release.files, loaded)  # the same files again: a newer release
        assert _facets(base, job, "reviewed") == before
        assert calls == ["reviewed"] * 2
        _facets(base, job, "reviewed")
        assert calls == ["reviewed"] * 2
