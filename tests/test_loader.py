"""The release loader: formats, compression, subsets, errors, and the atomic switch."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from idmapping.errors import ReleaseFileError, UnknownFormat
from idmapping.loader import ReleaseBuilder, load_release, sniff
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store, Subset

DATA = Path(__file__).parent / "data"
CORE = DATA / "core"
BAD = DATA / "bad"


def gzipped(source: Path, target: Path) -> Path:
    with open(source, "rb") as f, gzip.open(target, "wb") as out:
        shutil.copyfileobj(f, out)
    return target


def targets(store: Store, from_db: str, to_db: str, *ids: str) -> list[str]:
    return [p.to_id for p in map_ids(store, MappingRequest(from_db, to_db, ids))]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("idmapping.dat", "idmapping"),
        ("sec_ac.txt", "sec_ac"),
        ("delac_sp.txt", "delac"),
        ("delac_tr.txt", "delac"),
    ],
)
def test_sniffs_format_and_compression(tmp_path: Path, name: str, fmt: str) -> None:
    plain = sniff(CORE / name)
    assert (plain.format, plain.compressed) == (fmt, False)
    # the name does not matter, the content does
    packed = sniff(gzipped(CORE / name, tmp_path / "anything.bin"))
    assert (packed.format, packed.compressed) == (fmt, True)


def test_sniffs_selected_tab(tmp_path: Path) -> None:
    line = "\t".join(["P04637", "P53_HUMAN", "7157", "NP_000537.3"] + [""] * 18) + "\n"
    path = tmp_path / "idmapping_selected.tab"
    path.write_text(line)
    assert sniff(path).format == "selected"


@pytest.mark.parametrize("name", ["unknown.txt", "truncated.dat.gz"])
def test_unknown_or_broken_files_are_refused_before_loading(store: Store, name: str) -> None:
    with pytest.raises(UnknownFormat, match=name.replace(".", r"\.")):
        load_release([CORE / "idmapping.dat", BAD / name], store)
    assert store.releases() == []


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("two_columns.dat", 2, "expected 3 tab-separated columns, found 2"),
        ("bad_accession.dat", 2, "not a UniProtKB accession: 'not-an-acc'"),
    ],
)
def test_malformed_line_names_file_and_line(store: Store, name: str, line: int,
                                            message: str) -> None:
    with pytest.raises(ReleaseFileError) as caught:
        load_release([BAD / name], store)
    assert caught.value.line == line
    assert str(caught.value) == f"{BAD / name}, line {line}: {message}"


def test_a_failed_load_leaves_the_current_release_intact(store: Store) -> None:
    first = load_release(sorted(CORE.iterdir()), store)
    with pytest.raises(ReleaseFileError):
        load_release([CORE / "idmapping.dat", BAD / "two_columns.dat"], store)
    assert store.current_release() == first
    assert [r.id for r in store.releases()] == [first.id]
    assert targets(store, "UniProtKB_AC-ID", "GeneID", "P04637") == ["7157"]
    # and the next load simply works
    second = load_release([CORE / "idmapping.dat"], store, name="again")
    assert store.current_release() == second
    assert second.name == "again"


# sqlite only: it counts the release files on disk; test_postgres.py checks the schemas
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_interrupted_load_leaves_the_current_release_intact(store: Store) -> None:
    first = load_release(sorted(CORE.iterdir()), store)

    def interrupt(done: int, total: int, rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_release([CORE / "idmapping.dat"], store, progress=interrupt)
    assert store.current_release() == first
    assert targets(store, "UniProtKB_AC-ID", "GeneID", "P04637") == ["7157"]
    release_files = list((store.path.parent / "store.releases").iterdir())  # type: ignore[attr-defined]
    assert len(release_files) == 1


def test_a_load_left_behind_by_a_kill_is_cleaned_by_the_next(store: Store) -> None:
    load_release([CORE / "idmapping.dat"], store)
    builder = ReleaseBuilder(store)  # a load that never finishes, as after SIGKILL
    builder.add_mappings([("P04637", "GeneID", "1")])
    assert [r.state for r in store.releases()] == ["ready", "loading"]
    load_release([CORE / "idmapping.dat"], store)
    assert [r.state for r in store.releases()] == ["ready", "ready"]


def test_gzip_and_selected_tab_load_alike(store: Store, tmp_path: Path) -> None:
    cells = ["P04637", "P53_HUMAN", "7157", "NP_000537.3", "", "1A1U; 1AIE", "GO:0000001",
             "UniRef100_P04637", "UniRef90_P04637", "UniRef50_P04637", "UPI000002ED67", "",
             "9606", "191170", "", "", "", "", "ENSG00000141510.18", "", "", ""]
    selected = tmp_path / "idmapping_selected.tab"
    selected.write_text("\t".join(cells) + "\n")
    load_release([gzipped(selected, tmp_path / "idmapping_selected.tab.gz")], store)
    assert targets(store, "UniProtKB_AC-ID", "PDB", "P04637") == ["1A1U", "1AIE"]
    assert targets(store, "UniProtKB_AC-ID", "MIM", "P04637") == ["191170"]
    assert targets(store, "Ensembl", "UniProtKB-Swiss-Prot", "ENSG00000141510") == ["P04637"]
    assert targets(store, "Gene_Name", "UniProtKB", "TP53") == []  # not in that file


@pytest.mark.parametrize(
    ("subset", "accessions"),
    [
        (Subset(taxa=(9606,)), ["K7PPA8", "O14639", "P00505", "P04637"]),
        (Subset(taxa=(9606, 10090)), ["K7PPA8", "O14639", "P00505", "P02340", "P04637"]),
        (Subset(reviewed_only=True), ["O14639", "P00505", "P02340", "P04637", "P0A6F5",
                                      "P12345", "Q6GZX4"]),
        (Subset(taxa=(9606,), reviewed_only=True), ["O14639", "P00505", "P04637"]),
    ],
)
def test_subsets(store: Store, subset: Subset, accessions: list[str]) -> None:
    load_release(sorted(CORE.iterdir()), store, subset=subset)
    every = ["K7PPA8", "O14639", "P00505", "P02340", "P04637", "P0A6F5", "P12345", "Q6GZX4"]
    assert sorted(targets(store, "UniProtKB_AC-ID", "UniProtKB", *every)) == accessions


def test_release_name_from_files_else_date(store: Store) -> None:
    assert load_release([CORE / "idmapping.dat", CORE / "delac_sp.txt"], store).name == "2031_02"
    assert load_release([CORE / "sec_ac.txt"], store).name == "2031-03-05"
    import datetime as dt

    assert load_release([CORE / "idmapping.dat"], store).name == dt.date.today().isoformat()


def test_counts_and_sizes(store: Store) -> None:
    release = load_release(sorted(CORE.iterdir()), store)
    counts = store.release_counts(release)
    assert counts["(entries)"] == 8
    assert counts["(deleted)"] == 3
    assert counts["(secondary)"] == 4
    assert counts["PDB"] == 2
    assert counts["Gene_Name"] == 8  # six stated, two derived (ordered locus, ORF)
    assert all(size > 0 for size in store.size_bytes().values())


def test_progress_reports_bytes(store: Store) -> None:
    seen: list[tuple[int, int, int]] = []
    load_release([CORE / "idmapping.dat"], store, progress=lambda *a: seen.append(a))
    done, total, rows = seen[-1]
    assert done == total == (CORE / "idmapping.dat").stat().st_size
    assert rows == len((CORE / "idmapping.dat").read_text().splitlines())
