"""Loading entry files into both stores: sniffing, subsets, mapping facts, bad files."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from idmapping.errors import ReleaseFileError
from idmapping.loader import load_release
from idmapping.loader.sniff import sniff
from idmapping.store import Store, Subset
from stores import pairs

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
SPARK = TESTDATA / "ebi-uniprot__uniprot-store" / "spark-indexer" / "src" / "test" / \
    "resources" / "2020_02"
P21802 = TESTDATA / "ebi-uniprot__uniprot-store" / "integration-test" / "src" / "test" / \
    "resources" / "entry" / "P21802.dat"
TREMBL = SPARK / "uniprotkb" / "A0PHU1.trembl"
XML = TESTDATA / "mpreusse__uniprotlib" / "tests" / "files" / "Q9Y261_https.xml.gz"
UNIREF = SPARK / "uniref" / "UniRef90_Q9EPI6.xml"
UNIPARC = SPARK / "uniparc" / "UPI00000E8551.xml"

pytestmark = pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")


def test_entry_files_are_sniffed_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "anything.bin"
    shutil.copy(P21802, renamed)
    assert sniff(renamed).format == "uniprotkb_flat"
    assert sniff(XML).format == "uniprotkb_xml" and sniff(XML).compressed
    assert sniff(UNIREF).format == "uniref_xml"
    assert sniff(UNIPARC).format == "uniparc_xml"


def test_entries_alone_make_a_release(store: Store) -> None:
    release = load_release([P21802, TREMBL, XML, UNIREF, UNIPARC], store)
    assert release.stats["documents_uniprotkb"] == 3
    # the entries' own names, genes, taxa and memberships serve the mapping engine
    assert pairs(store, "UniProtKB_AC-ID", "UniProtKB", "FGFR2_HUMAN") == [
        ("FGFR2_HUMAN", "P21802")]
    assert pairs(store, "Gene_Name", "UniProtKB", "FOXA2") == [("FOXA2", "Q9Y261")]
    assert pairs(store, "UniProtKB_AC-ID", "UniProtKB-Swiss-Prot", "P21802", "A0PHU1") == [
        ("P21802", "P21802")]
    assert pairs(store, "UniProtKB_AC-ID", "UniRef90", "Q9EPI6") == [
        ("Q9EPI6", "UniRef90_Q9EPI6")]
    assert pairs(store, "UniProtKB_AC-ID", "UniParc", "Q9EPI6") == [("Q9EPI6", "UPI00000E8551")]
    counts = store.release_counts(release)
    assert counts["(kb_entries)"] == 3 and counts["(uniref_entries)"] == 1


@pytest.mark.parametrize(
    ("subset", "kept"),
    [
        (Subset(reviewed_only=True), ["P21802", "Q9Y261"]),  # A0PHU1 is TrEMBL
        (Subset(taxa=(9606,)), ["P21802", "Q9Y261"]),
    ],
)
def test_subsets_apply_to_entries(store: Store, subset: Subset, kept: list[str]) -> None:
    load_release([P21802, TREMBL, XML], store, subset=subset)
    assert store.document_counts()["uniprotkb"] == len(kept)
    found = pairs(store, "UniProtKB_AC-ID", "UniProtKB", "P21802", "Q9Y261", "A0PHU1")
    assert [to for _, to in found] == kept


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.dat", "ID   X_HUMAN  Reviewed;  5 AA.\nAC   P1;\nZZ   x\n//\n",
         r"bad\.dat, line 3: not a UniProtKB flat-file entry"),
        ("bad.xml", '<?xml version="1.0"?>\n<uniprot xmlns="https://uniprot.org/uniprot">\n'
         "<entry dataset=\"Swiss-Prot\">\n<accession>P1</accession>\n</uniprot>\n",
         r"bad\.xml, line 5: not well-formed XML"),
    ],
)
def test_bad_entry_files_name_the_line_and_leave_the_release(
        store: Store, tmp_path: Path, name: str, content: str, message: str) -> None:
    first = load_release([P21802], store)
    bad = tmp_path / name
    bad.write_text(content)
    with pytest.raises(ReleaseFileError, match=message):
        load_release([bad], store)
    assert store.current_release() == first


def test_gzipped_flat_file(store: Store, tmp_path: Path) -> None:
    packed = tmp_path / "uniprot_sprot.dat.gz"
    with gzip.open(packed, "wb") as out:
        out.write(P21802.read_bytes())
    load_release([packed], store)
    assert store.document_counts()["uniprotkb"] == 1
