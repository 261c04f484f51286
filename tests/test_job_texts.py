"""A job's submitted ids kept apart from its row in SQLite (issue 18, item 4).

SQLite writes a whole row again on any update: a job of a million ids, saved as it is
submitted, claimed and finished, wrote its 11 MB three times. Its ids now go to ``job_texts``
once (``SqlStore.ids_apart``); a store made before, whose jobs hold their ids in their row,
still opens and serves them, read-only too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest

from idmapping.model import Job, JobStatus
from idmapping.store import open_store
from idmapping.store.jobrows import JOB_COLUMNS, job_values
from idmapping.store.schema import SQLITE_MAIN
from reliability import remount, small_filesystem

TEXTS_TABLE = "CREATE TABLE IF NOT EXISTS job_texts (job TEXT PRIMARY KEY, ids TEXT NOT NULL);\n"


def _job(job_id: str, ids: str, status: JobStatus = JobStatus.FINISHED) -> Job:
    return Job(id=job_id, from_db="UniProtKB_AC-ID", to_db="UniProtKB", ids=ids, tax_id="",
               status=status, created=1.0, updated=2.0, result_count=1)


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def _old_store(path: Path, *jobs: Job) -> None:
    """A store as made before ``job_texts``: each job's ids in its row, with one result."""
    assert TEXTS_TABLE in SQLITE_MAIN
    with sqlite3.connect(path) as conn:
        conn.executescript(SQLITE_MAIN.replace(TEXTS_TABLE, ""))
        for job in jobs:
            conn.execute(f"INSERT INTO jobs ({', '.join(JOB_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(JOB_COLUMNS))})",
                         job_values(job, lambda v: orjson.dumps(v).decode()))
            conn.execute("INSERT INTO job_results VALUES (?, 0, ?, ?)", (job.id, "P1", "P1"))
    conn.close()


def test_a_new_job_keeps_its_ids_apart_written_once(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    job = _job("new", "P04637,P02340", JobStatus.NEW)
    with open_store(str(path)) as store:
        store.save_job(job)
        assert store.claim_job("new", (JobStatus.NEW,), 3.0)
        job.status = JobStatus.FINISHED
        store.save_job(job)
        assert _rows(path, "SELECT id, ids, status FROM jobs") == [("new", "", "FINISHED")]
        assert _rows(path, "SELECT job, ids FROM job_texts") == [("new", "P04637,P02340")]
        assert store.get_job("new") == job
        assert store.get_job("new", with_ids=False).ids == ""  # type: ignore[union-attr]
        assert store.list_jobs() == [job]
        job.ids = "p04637 ,P02340"  # the same job id submitted as other text
        store.save_job(job)
        assert store.get_job("new") == job
        assert store.delete_jobs() == 1
        assert _rows(path, "SELECT count(*) FROM job_texts") == [(0,)]


def test_a_store_made_before_serves_its_jobs_and_moves_their_ids_when_saved(
        tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    old, other = _job("old", "P04637,P02340"), _job("other", "Q9DEM7")
    _old_store(path, old, other)
    with open_store(str(path)) as store:
        assert store.get_job("old") == old and store.get_job("other") == other
        assert sorted(store.list_jobs(), key=lambda j: j.id) == [old, other]
        assert list(store.read_results("old", 0, None)) == [("P1", "P1")]
        old.updated = 5.0  # submitted again: the job is saved, its ids move apart
        store.save_job(old)
        assert _rows(path, "SELECT id, ids FROM jobs ORDER BY id") == [
            ("old", ""), ("other", "Q9DEM7")]
        assert _rows(path, "SELECT job, ids FROM job_texts") == [("old", "P04637,P02340")]
        assert store.get_job("old") == old and store.get_job("other") == other
        assert store.delete_jobs() == 2
        assert _rows(path, "SELECT count(*) FROM job_texts") == [(0,)]


def test_a_store_made_before_serves_its_jobs_read_only(tmp_path: Path) -> None:
    """Opened read-only, a store made before cannot be given ``job_texts``: its jobs' ids are
    read from their rows."""
    directory = tmp_path / "fs"
    with small_filesystem(directory, 8) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs needs root (CI has it)")
        path = directory / "store.sqlite"
        old = _job("old", "P04637,P02340")
        _old_store(path, old)
        remount(directory, "ro")
        try:
            with open_store(str(path)) as store:
                assert store.read_only  # type: ignore[attr-defined]
                assert store.get_job("old") == old and store.list_jobs() == [old]
                assert list(store.read_results("old", 0, None)) == [("P1", "P1")]
        finally:
            remount(directory, "rw")
