"""A damaged store is never served, never given the demo, and never written over.

The cases of a disk fault or a clumsy hand: the main file truncated to nothing beside intact
release files; a release file truncated, with a garbage header, or missing; a PostgreSQL
release schema dropped. Each stops ``idmapping serve`` (and the app's start) with a message
that names the file and what to do, and leaves every file as it was.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import api_settings
from foreign import write_foreign_release
from idmapping.cli.commands import cli
from idmapping.errors import StoreDamaged
from idmapping.loader import load_release
from idmapping.store import open_store
from idmapping.store.sqlite import SqliteStore
from idmapping.web import create_app
from stores import fresh_store


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    """A SQLite store with the foreign release loaded and closed: (main file, release file)."""
    release = write_foreign_release(tmp_path / "files")
    main = tmp_path / "store" / "idmapping.sqlite"
    with open_store(str(main)) as store:
        load_release(release.files, store)
    (release_file,) = (main.parent / "idmapping.releases").glob("*.sqlite")
    return main, release_file


def _serve(main: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["serve", "--store", str(main), "--port", "1"])
    return result.exit_code, result.output


def test_truncated_main_file_is_refused_and_nothing_overwritten(loaded: tuple[Path, Path]
                                                                 ) -> None:
    main, release_file = loaded
    before = _digests(release_file.parent)
    main.write_bytes(b"")
    for name in ("-wal", "-shm"):
        main.with_name(main.name + name).unlink(missing_ok=True)
    code, output = _serve(main)
    assert code != 0
    assert "lists no release" in output and release_file.name in output
    assert "Restore the main file" in output
    # no demo was loaded, no release file written or replaced
    assert _digests(release_file.parent) == before
    with open_store(str(main)) as store:
        assert store.releases() == []
        with pytest.raises(StoreDamaged):
            load_release(write_foreign_release(main.parent / "again").files, store)
    assert _digests(release_file.parent) == before


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x5a" * 100
    path.write_bytes(bytes(data))


def _remove(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("damage, said", [
    (_truncate, "bytes where"),  # a disk fault cut the file
    (_garbage_header, "cannot be read"),  # the first page overwritten
    (_remove, "is missing"),  # deleted by hand
])
def test_damaged_release_file_stops_serve_with_the_file_named(
        loaded: tuple[Path, Path], damage: Callable[[Path], None], said: str) -> None:
    main, release_file = loaded
    damage(release_file)
    after = _digests(release_file.parent)
    code, output = _serve(main)
    assert code != 0
    assert said in output and release_file.name in output
    assert "Nothing was changed" in output
    assert _digests(release_file.parent) == after
    with open_store(str(main)) as store:
        with pytest.raises(StoreDamaged, match=said):
            store.verify()


def test_the_app_does_not_start_on_a_damaged_store(loaded: tuple[Path, Path]) -> None:
    main, release_file = loaded
    _truncate(release_file)
    store = SqliteStore(main)
    try:
        app = create_app(api_settings(store), store)

        async def start() -> None:
            async with app.router.lifespan_context(app):
                pass

        # the app's start (its lifespan) raises: uvicorn then exits, serving nothing
        # on a thread of its own: a browser test may leave this thread's event loop running
        with pytest.raises(StoreDamaged, match="bytes where"), \
                concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, start()).result()
    finally:
        store.close()


def test_a_release_file_swapped_for_another_is_found(tmp_path: Path) -> None:
    release = write_foreign_release(tmp_path / "files")
    main = tmp_path / "idmapping.sqlite"
    with open_store(str(main)) as store:
        load_release(release.files, store)
        load_release(release.files, store)
        first, second = sorted((main.parent / "idmapping.releases").glob("*.sqlite"))
    data = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(data)
    with open_store(str(main)) as store, pytest.raises(StoreDamaged, match="not the file"):
        store.verify()


def test_a_healthy_store_verifies_and_serves(loaded: tuple[Path, Path]) -> None:
    main, _ = loaded
    with open_store(str(main)) as store:
        store.verify()
        assert store.current_release() is not None


def test_postgresql_release_schema_dropped_is_refused(tmp_path: Path) -> None:
    release = write_foreign_release(tmp_path / "files")
    with fresh_store("postgresql", tmp_path) as store:
        loaded = load_release(release.files, store)
        store.verify()
        schema = loaded.file
        with store._write() as conn:  # type: ignore[attr-defined]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        with pytest.raises(StoreDamaged, match="missing"):
            store.verify()
