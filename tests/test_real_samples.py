"""Loading and mapping UniProt's real release-file samples, where ../shared/testdata is present.

Those files are read in place, never copied into the project.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from idmapping.loader import load_release
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store, open_store
from stores import BACKENDS, fresh_store

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
DAT = TESTDATA / "mpreusse__uniprotlib" / "tests" / "files" / "idmapping.dat"
SEC_AC = TESTDATA / "jmillanacosta__pysec2pri" / "tests" / "data" / "mock_sec_ac.txt"
DELAC = TESTDATA / "jmillanacosta__pysec2pri" / "tests" / "data" / "mock_delac_sp.txt"
SELECTED = (TESTDATA / "wwood__ApiLocServer" / "lib" / "testFiles"
            / "idmapping_selected.tab.example.gz")

pytestmark = pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Store]:
    with fresh_store(request.param, tmp_path_factory.mktemp("real")) as opened:
        load_release([DAT, SEC_AC, DELAC], opened)
        yield opened


def pairs(store: Store, from_db: str, to_db: str, *ids: str) -> list[tuple[str, str]]:
    return [(p.from_id, p.to_id) for p in map_ids(store, MappingRequest(from_db, to_db, ids))]


def test_release_name_comes_from_delac(store: Store) -> None:
    release = store.current_release()
    assert release is not None and release.name == "2026_01"


def test_idmapping_dat_sample(store: Store) -> None:
    assert pairs(store, "UniProtKB_AC-ID", "GI_number", "Q6GZX4") == [
        ("Q6GZX4", "49237298"), ("Q6GZX4", "81941549")]
    assert pairs(store, "UniProtKB_AC-ID", "UniProtKB", "001R_FRG3G") == [
        ("001R_FRG3G", "Q6GZX4")]
    # one EMBL genome record carries two proteins
    assert pairs(store, "EMBL-GenBank-DDBJ", "UniProtKB", "AY548484") == [
        ("AY548484", "Q6GZX3"), ("AY548484", "Q6GZX4")]
    assert pairs(store, "EMBL-GenBank-DDBJ_CDS", "UniProtKB", "AAT09660") == [
        ("AAT09660", "Q6GZX4")]
    assert pairs(store, "RefSeq_Protein", "UniParc", "YP_031579.1") == [
        ("YP_031579.1", "UPI00003B0FD4")]
    assert pairs(store, "KEGG", "UniProtKB", "vg:4156251") == [("vg:4156251", "Q197F8")]
    assert pairs(store, "CRC64", "UniProtKB", "B4840739BF7D4121") == [
        ("B4840739BF7D4121", "Q6GZX4")]
    # an entry with only an ORF name is named by it
    assert pairs(store, "Gene_Name", "UniProtKB", "FV3-001R") == [("FV3-001R", "Q6GZX4")]
    assert pairs(store, "UniProtKB_AC-ID", "Gene_Name", "Q197F8") == [("Q197F8", "IIV3-002R")]


def test_taxon_of_sample_entries(store: Store) -> None:
    run = map_ids(store, MappingRequest("UniProtKB_AC-ID", "UniProtKB",
                                        ("Q6GZX4", "Q197F8"), "345201"))
    assert [p.to_id for p in run] == ["Q197F8"]


def test_sec_ac_sample(store: Store) -> None:
    # primaries of the sample are not in the idmapping.dat head, so nothing resolves to an
    # entry; what matters is that every line was read
    counts = store.release_counts(store.current_release())  # type: ignore[arg-type]
    assert counts["(secondary)"] == 19
    assert counts["(deleted)"] == 23


def test_delac_sample_maps_to_inactive_entries(store: Store) -> None:
    run = map_ids(store, MappingRequest("UniProtKB_AC-ID", "UniProtKB", ("A0A087WTH5", "A1L3W1")))
    assert [(p.to_id, p.obsolete) for p in run] == [("A0A087WTH5", True), ("A1L3W1", True)]
    assert run.obsolete_count == 2


def test_selected_tab_sample_legacy_layout(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite")) as opened:
        load_release([SELECTED], opened)
        counts = opened.release_counts(opened.current_release())  # type: ignore[arg-type]
        assert counts["(entries)"] == 1000
        got = pairs(opened, "UniProtKB_AC-ID", "UniRef100", "Q197F8")
        assert got == [("Q197F8", "UniRef100_Q197F8")]
