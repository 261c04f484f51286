"""Choosing a store by URL, and the message when the PostgreSQL extra is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from idmapping.errors import MissingDriver, StoreError
from idmapping.store import open_store


def test_sqlite_paths_and_urls(tmp_path: Path) -> None:
    for url in (str(tmp_path / "a.sqlite"), f"sqlite:///{tmp_path / 'b.sqlite'}"):
        with open_store(url) as store:
            assert store.releases() == []
    assert (tmp_path / "a.sqlite").exists() and (tmp_path / "b.sqlite").exists()


def test_unknown_scheme() -> None:
    with pytest.raises(StoreError, match="Unknown store URL 'mysql://x'"):
        open_store("mysql://x")


def test_missing_psycopg_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "idmapping.store.postgres", raising=False)
    with pytest.raises(MissingDriver, match=r"pip install 'idmapping\[postgres\]'"):
        open_store("postgresql://postgres@127.0.0.1:5432/test")
