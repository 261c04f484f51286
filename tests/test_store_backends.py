"""Both stores alike where they used to differ (store/shared.py holds what they share).

Each test runs on SQLite and PostgreSQL and names the drift it pins: what one backend did
before the shared code, which the test would have caught.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from idmapping.errors import InvalidRequest, NoRelease, StoreError
from idmapping.loader import ReleaseBuilder, load_release
from idmapping.model import Job, JobStatus
from idmapping.store import Store
from stores import pairs

CORE = Path(__file__).parent / "data" / "core"


def _job(job_id: str, updated: float) -> Job:
    return Job(id=job_id, from_db="UniProtKB_AC-ID", to_db="GeneID", ids="P04637", tax_id="",
               status=JobStatus.FINISHED, created=updated, updated=updated)


def test_delete_jobs_before_time_zero_deletes_none(store: Store) -> None:
    """SQLite read ``updated_before=0`` as "no limit" (``if updated_before``) and deleted
    every job; 0 is a time like any other."""
    store.save_job(_job("a", 5.0))
    store.write_results("a", [("P04637", "7157")])
    assert store.delete_jobs(0.0) == 0
    assert [j.id for j in store.list_jobs()] == ["a"]
    assert list(store.read_results("a", 0, None)) == [("P04637", "7157")]
    assert store.delete_jobs(None) == 1
    assert store.list_jobs() == []


def test_a_job_saved_again_keeps_or_replaces_its_ids(store: Store) -> None:
    """A job saved again as it runs keeps its stored ids without writing them again (issue
    18: PostgreSQL compressed a large job's megabytes of ids at every save); a job saved with
    other ids (its request submitted again as other text of the same job id) gets them."""
    job = _job("a", 5.0)
    job.status = JobStatus.RUNNING
    store.save_job(job)
    job.status, job.result_count = JobStatus.FINISHED, 3
    store.save_job(job)
    saved = store.get_job("a")
    assert saved is not None and (saved.ids, saved.status, saved.result_count) == (
        "P04637", JobStatus.FINISHED, 3)
    job.ids = "p04637 ,P02340"
    store.save_job(job)
    saved = store.get_job("a")
    assert saved is not None and saved.ids == "p04637 ,P02340"


def test_a_bad_release_name_is_refused_before_the_long_part(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite checked the name when switching, after the entries, the derived gene names and
    the index builds (hours on a full release); PostgreSQL at the start of its finish."""
    builder = ReleaseBuilder(store)
    builder.add_mappings([("P04637", "GeneID", "7157")])
    work: list[str] = []
    for hook in ("insert_entry_numbers", "insert_entry_facts", "finish", "switch"):
        monkeypatch.setattr(builder.writer, hook,
                            lambda *args, _hook=hook, **kwargs: work.append(_hook))
    with pytest.raises(InvalidRequest, match="Invalid release name"):
        builder.commit("no spaces allowed")
    assert work == []
    monkeypatch.undo()
    builder.abort()
    assert store.releases() == []


def test_an_explicit_bad_release_name_is_refused_before_reading(store: Store) -> None:
    """A name given to the loader was checked only once every file had been read."""
    read: list[int] = []

    def progress(done: int, total: int, rows: int) -> None:
        read.append(done)

    with pytest.raises(InvalidRequest, match="Invalid release name"):
        load_release(sorted(CORE.iterdir()), store, name="no spaces allowed", progress=progress)
    assert read == []
    assert store.releases() == []


def test_entry_facts_of_no_accession_need_no_release(store: Store) -> None:
    """SQLite raised NoRelease for an empty list on an empty store; PostgreSQL answered {}."""
    assert store.entry_facts([]) == {}
    with pytest.raises(NoRelease):
        store.entry_facts(["P04637"])
    load_release(sorted(CORE.iterdir()), store)
    facts = store.entry_facts(["P04637", "P04637", "NOSUCH"])
    assert list(facts) == ["P04637"]
    assert facts["P04637"].xrefs["GeneID"] == ["7157"]


def test_a_release_removed_while_loading_is_never_made_current(store: Store) -> None:
    """A second load removes what it takes for a stopped one. PostgreSQL then refused to switch
    the first load's release; SQLite switched to nothing and failed an assertion."""
    first = ReleaseBuilder(store)
    first.add_mappings([("P04637", "GeneID", "1")])
    second = ReleaseBuilder(store)  # removes the first load's release as unfinished
    second.add_mappings([("P04637", "GeneID", "2")])
    with pytest.raises(StoreError, match="removed while it was being loaded"):
        try:
            first.commit("first")
        except BaseException:
            first.abort()  # as load_release does
            raise
    second.commit("second")
    assert [(r.name, r.state, r.current) for r in store.releases()] == [
        ("second", "ready", True)]
    assert pairs(store, "UniProtKB_AC-ID", "GeneID", "P04637") == [("P04637", "2")]


def test_release_rows_read_alike(store: Store) -> None:
    """The list of releases is decoded by one function for both backends."""
    release = load_release(sorted(CORE.iterdir()), store)
    listed: Any = store.releases()
    assert listed == [release] and release.current and release.state == "ready"
    assert isinstance(release.stats, dict) and release.stats["identity"]
    assert release.stats["entries"] > 0 and release.stats["xrefs"] > 0
    assert release.file
