"""Several releases in one store (issue 16, item 2): a load adds a release, ``--keep-current``
leaves the served one current, ``idmapping releases list|current|drop`` lists them with their
sizes, switches the one served and drops old ones. Both stores, through the command line.

Two small releases are written here; each maps one gene name to a different entry, so which
release answers is seen in the mapping itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from idmapping.cli import cli
from idmapping.errors import InvalidRequest, NotFound, StoreDamaged
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.releases import drop_release, find_release, list_releases, make_current
from idmapping.store import Store, open_store
from stores import BACKENDS, fresh_store

GENE = "SIDEBYSIDE1"


def _release(directory: Path, name: str, accession: str) -> list[Path]:
    """A release named *name* (in its sec_ac.txt header) in which GENE maps to *accession*."""
    directory.mkdir(parents=True)
    dat = directory / "idmapping.dat"
    dat.write_text(f"{accession}\tUniProtKB-ID\t{accession}_HUMAN\n{accession}\tGene_Name\t{GENE}\n"
                   f"{accession}\tNCBI_TaxID\t9606\n")
    rule = "-" * 76
    sec = directory / "sec_ac.txt"
    sec.write_text(f"{rule}\nDescription: Secondary accession numbers: index\nName:        "
                   f"SEC_AC.TXT\nRelease:     {name} of 05-Mar-2099\n{rule}\n\nSecondary AC"
                   "                  Primary AC\n____________                  __________\n")
    return [dat, sec]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with fresh_store(request.param, tmp_path / "store") as opened:
        yield opened


def _cli(store: Store, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--store", store.url])
    return result.exit_code, result.stdout, result.stderr


def _mapped(store: Store) -> list[str]:
    with open_store(store.url) as other:  # as another process would see it
        return [p.to_id for p in map_ids(other, MappingRequest("Gene_Name", "UniProtKB", (GENE,)))]


def test_releases_side_by_side(store: Store, tmp_path: Path) -> None:
    first = _release(tmp_path / "a", "2099_01", "P11111")
    second = _release(tmp_path / "b", "2099_02", "P22222")
    third = _release(tmp_path / "c", "2099_03", "P33333")
    assert _cli(store, "load", "-q", *map(str, first))[0] == 0
    code, _, err = _cli(store, "load", "-q", "--keep-current", *map(str, second))
    assert code == 0 and "the current release is unchanged" in err
    assert _mapped(store) == ["P11111"]  # the first is still served
    assert _cli(store, "load", "-q", *map(str, third))[0] == 0
    assert _mapped(store) == ["P33333"]  # a plain load switches

    code, out, _ = _cli(store, "releases", "list", "--json")
    assert code == 0
    rows = orjson.loads(out)
    assert [(r["name"], r["current"]) for r in rows] == [
        ("2099_01", False), ("2099_02", False), ("2099_03", True)]
    assert all(r["bytes"] > 0 and r["entries"] == 1 and r["date"] == "2099-03-05"
               for r in rows)
    code, out, _ = _cli(store, "releases", "list")
    assert code == 0 and "2099_02" in out and "#2" in out

    code, _, err = _cli(store, "releases", "current", "2099_02")
    assert code == 0 and "2099_02" in err
    assert _mapped(store) == ["P22222"]

    code, _, err = _cli(store, "releases", "drop", "2099_02")
    assert code != 0 and "is the one being served" in err
    code, _, err = _cli(store, "releases", "drop", "2099_01")
    assert code == 0 and "Dropped release 2099_01" in err
    assert [r.name for r in list_releases(store)] == ["2099_02", "2099_03"]
    assert store.size_bytes().get("release 2099_01") is None
    code, _, err = _cli(store, "releases", "current", "2099_01")
    assert code != 0 and "No release is named '2099_01'" in err and "2099_03" in err


def test_a_store_with_no_current_release_makes_the_new_one_current(store: Store,
                                                                     tmp_path: Path) -> None:
    files = _release(tmp_path / "a", "2099_01", "P11111")
    assert _cli(store, "load", "-q", "--keep-current", *map(str, files))[0] == 0
    assert _mapped(store) == ["P11111"]
    current = store.current_release()
    assert current is not None and current.name == "2099_01"


def test_names_that_repeat_are_told_apart_by_id(store: Store, tmp_path: Path) -> None:
    from idmapping.loader import load_release

    old = load_release(_release(tmp_path / "a", "2099_01", "P11111"), store)
    new = load_release(_release(tmp_path / "b", "2099_01", "P22222"), store)
    with pytest.raises(InvalidRequest, match=f"#{old.id}, #{new.id}"):
        find_release(store, "2099_01")
    assert make_current(store, f"#{old.id}").id == old.id
    assert _mapped(store) == ["P11111"]
    assert drop_release(store, str(new.id)).id == new.id
    with pytest.raises(NotFound):
        find_release(store, f"#{new.id}")


def test_a_damaged_release_is_never_made_current(tmp_path: Path) -> None:
    """SQLite: a release file that is no longer what was loaded is refused by name."""
    from idmapping.loader import load_release

    with fresh_store("sqlite", tmp_path / "store") as store:
        old = load_release(_release(tmp_path / "a", "2099_01", "P11111"), store)
        load_release(_release(tmp_path / "b", "2099_02", "P22222"), store)
        path = Path(store.url.removeprefix("sqlite:///")).parent
        files = [p for p in path.rglob(old.file)]
        assert len(files) == 1
        files[0].write_bytes(files[0].read_bytes()[:4096])
        with pytest.raises(StoreDamaged, match="2099_01"):
            make_current(store, "2099_01")
        current = store.current_release()
        assert current is not None and current.name == "2099_02"
