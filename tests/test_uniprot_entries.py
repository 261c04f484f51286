"""UniProt entry readers and writers against UniProt's own files (../shared/testdata, read in
place): flat files, UniProtKB/UniRef/UniParc XML, and the FASTA, GFF, flat-file and XML that
UniProt wrote for the same entries."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from idmapping.errors import InvalidRequest, ReleaseFileError
from idmapping.store.query import parse_query, parse_sort
from idmapping.uniprot.readers.clusters import read_uniparc_xml, read_uniref_xml
from idmapping.uniprot.readers.flatfile import read_flatfile
from idmapping.uniprot.readers.kbxml import read_uniprot_xml
from idmapping.uniprot.summary import pack, uniprotkb_row, unpack
from idmapping.uniprot.writers.fasta import uniparc_fasta, uniprotkb_fasta, uniref_fasta
from idmapping.uniprot.writers.ffwriter import flat_file
from idmapping.uniprot.writers.gff import gff_record
from idmapping.uniprot.writers.xmlwriter import xml_entry

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
BIO = TESTDATA / "biopython__biopython" / "Tests" / "SwissProt"
CORE = TESTDATA / "ebi-uniprot__uniprot-core"
STORE = TESTDATA / "ebi-uniprot__uniprot-store"
GFF_ENTRIES = CORE / "core-parser" / "src" / "test" / "resources" / "uniprotkb" / "entry"
ENTRY_DIR = STORE / "integration-test" / "src" / "test" / "resources" / "entry"
MOCK_JSON = TESTDATA / "David-Araripe__UniProtMapper" / "tests" / "resources" / \
    "A3_mock_IDMapper_response.json"
UNIREF_FASTA = TESTDATA / "csdaw__uniprotREST" / "tests" / "testthat" / "_mocks" / \
    "fetch_stream" / "rest.uniprot.org" / "uniref" / "stream-f72464.txt"

pytestmark = pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")


def flat(path: Path) -> list[Any]:
    with open(path) as text:
        return list(read_flatfile(text, str(path)))


def test_every_real_flat_file_is_read() -> None:
    # Swiss-Prot and TrEMBL flat files of several eras; O05204.dat ends with a blank line,
    # which Biopython alone refuses
    paths = sorted((CORE / "ff-parser").rglob("*.dat")) + sorted((CORE / "ff-parser").rglob(
        "*.txl")) + sorted(ENTRY_DIR.glob("*.dat"))
    assert len(paths) > 60
    entries = [e for path in paths for e in flat(path)]
    assert len(entries) >= len(paths)
    for entry in entries:
        json = entry.json
        assert json["sequence"]["length"] == len(json["sequence"]["value"])
        assert entry.text.startswith("ID   ") and entry.text.rstrip().endswith("//")


def test_malformed_flat_file_names_the_line() -> None:
    text = io.StringIO("ID   X_HUMAN  Reviewed;  5 AA.\nAC   P1;\nXX   what\n//\nnonsense\n")
    with pytest.raises(ReleaseFileError, match=r"bad\.dat, line 3: .*XX"):
        list(read_flatfile(text, "bad.dat"))


def test_json_shape_follows_uniprot() -> None:
    import orjson

    mock = orjson.loads(MOCK_JSON.read_bytes())
    entry = flat(ENTRY_DIR / "P21802.dat")[0].json
    order = [k for k in mock if k in entry]
    assert [k for k in entry if k in mock] == order
    # the same key order inside features (a variant, the fullest), references and xrefs
    variant = next(f for f in mock["features"] if f["type"] == "Natural variant")
    mine = next(f for f in entry["features"] if f["type"] == "Natural variant"
                and "featureCrossReferences" in f)
    assert list(mine) == list(variant)
    assert mine["description"] == "in dbSNP:rs3750819"
    assert mine["alternativeSequence"] == {"originalSequence": "R",
                                           "alternativeSequences": ["P"]}
    assert list(entry["references"][0]["citation"])[:3] == ["id", "citationType", "authors"]
    ensembl = next(x for x in entry["uniProtKBCrossReferences"] if x["database"] == "Ensembl")
    assert [p["key"] for p in ensembl["properties"]] == ["ProteinId", "GeneId"]
    assert list(ensembl)[-1] == "isoformId"
    # sequence facts computed as UniProt computes them
    from idmapping.uniprot.common import sequence_object

    assert sequence_object(mock["sequence"]["value"]) == mock["sequence"]


def test_comments_keep_their_structure() -> None:
    entry = flat(ENTRY_DIR / "P21802.dat")[0].json
    kinds = {c["commentType"]: c for c in entry["comments"]}
    catalytic = kinds["CATALYTIC ACTIVITY"]["reaction"]
    assert catalytic["name"] == ("ATP + L-tyrosyl-[protein] = ADP + H(+) + "
                                 "O-phospho-L-tyrosyl-[protein]")
    assert catalytic["ecNumber"] == "2.7.10.1"
    interaction = kinds["INTERACTION"]["interactions"][0]
    assert interaction["interactantOne"]["uniProtKBAccession"] == "P21802"
    assert interaction["organismDiffer"] is True
    products = kinds["ALTERNATIVE PRODUCTS"]
    assert products["isoforms"][0]["isoformIds"] == ["P21802-1"]
    disease = kinds["DISEASE"]["disease"]
    assert disease["diseaseCrossReference"]["database"] == "MIM"


def test_fasta_matches_uniprots_file() -> None:
    # multi_ex.fasta was written by UniProt in 2010, before FASTA headers gained OX=
    real = (BIO / "multi_ex.fasta").read_text()
    from_flat = "".join(uniprotkb_fasta(e.json) for e in flat(BIO / "multi_ex.txt"))
    with open(BIO / "multi_ex.xml", "rb") as raw:
        from_xml = "".join(uniprotkb_fasta(e) for e in read_uniprot_xml(raw, "multi_ex.xml"))
    assert re.sub(r" OX=\d+", "", from_flat) == real
    assert re.sub(r" OX=\d+", "", from_xml) == real


def test_fasta_subsequence() -> None:
    entry = flat(ENTRY_DIR / "P63150.dat")[0].json
    assert uniprotkb_fasta(entry, (10, 20)) == ">sp|P63150|10-20\n" + \
        entry["sequence"]["value"][9:20] + "\n"


@pytest.mark.parametrize("accession", ["P21802", "Q8IWB6", "Q8NDV7"])
def test_gff_matches_uniprots_file(accession: str) -> None:
    entry = flat(GFF_ENTRIES / f"{accession}.dat")[0].json
    mine = [line.rstrip("\t") for line in gff_record(entry).splitlines()]
    real = [line.rstrip("\t") for line in (GFF_ENTRIES / f"{accession}.gff").read_text()
            .splitlines()]
    assert mine[0] == f"##sequence-region {accession} 1 {entry['sequence']['length']}"
    assert mine[1:] == real


def test_flat_file_written_from_json_is_uniprots() -> None:
    entry = flat(ENTRY_DIR / "P63150.dat")[0]
    assert flat_file(entry.json) == entry.text


def test_xml_written_and_read_back() -> None:
    entry = flat(ENTRY_DIR / "P21802.dat")[0].json
    text = f'<uniprot xmlns="https://uniprot.org/uniprot">{xml_entry(entry)}</uniprot>'
    back = next(read_uniprot_xml(io.BytesIO(text.encode()), "x.xml"))
    for key in ("primaryAccession", "secondaryAccessions", "uniProtkbId", "entryAudit",
                "organism", "proteinDescription", "genes", "sequence"):
        assert back[key] == entry[key], key
    assert [f["type"] for f in back["features"]] == [f["type"] for f in entry["features"]]
    assert [f["location"] for f in back["features"]] == [f["location"] for f in entry["features"]]


def test_uniprot_xml_reads_like_the_flat_file() -> None:
    with open(BIO / "multi_ex.xml", "rb") as raw:
        from_xml = {e["primaryAccession"]: e for e in read_uniprot_xml(raw, "x")}
    from_flat = {e.json["primaryAccession"]: e.json for e in flat(BIO / "multi_ex.txt")}
    assert list(from_xml) == list(from_flat)
    for acc, entry in from_xml.items():
        other = from_flat[acc]
        for key in ("entryType", "uniProtkbId", "sequence", "genes"):
            assert entry.get(key) == other.get(key), (acc, key)
        assert entry["organism"]["taxonId"] == other["organism"]["taxonId"]


def test_uniref_light_entry_and_fasta() -> None:
    with open(BIO / "UniRef90_P99999.xml", "rb") as raw:
        entry, members = next(read_uniref_xml(raw, "x"))
    assert list(entry)[:6] == ["id", "name", "updated", "entryType", "commonTaxon",
                               "memberCount"]
    assert entry["memberCount"] == 27 and members[0] == {
        "accession": "P99999", "name": "CYC_HUMAN", "taxon": 9606}
    header, *sequence = uniref_fasta(entry).splitlines()
    assert header == ("&gt;UniRef90_P99999 Cytochrome c n=27 Tax=Catarrhini TaxID=9526 "
                      "RepID=CYC_HUMAN").replace("&gt;", ">")
    # UniProt's own FASTA of the same cluster (an older release: its size differs)
    recorded = UNIREF_FASTA.read_text().split(">UniRef90_P99999 ")[1].splitlines()
    assert re.fullmatch(r"Cytochrome c n=\d+ Tax=\w+ TaxID=\d+ RepID=CYC_HUMAN", recorded[0])
    assert sequence == recorded[1:3]


def test_uniparc_light_entry() -> None:
    path = STORE / "integration-test" / "src" / "test" / "resources" / "uniparc" / \
        "UPI0000127191_UPI0000127192_UPI0000127193.xml"
    with open(path, "rb") as raw:
        entries = list(read_uniparc_xml(raw, "x"))
    entry, xrefs = entries[0]
    assert entry["uniParcId"] == "UPI0000127191"
    assert entry["crossReferenceCount"] == len(xrefs)
    assert uniparc_fasta(entry).startswith(">UPI0000127191 status=active\n")


def test_documents_round_trip() -> None:
    entry = flat(ENTRY_DIR / "P21802.dat")[0]
    row = uniprotkb_row(entry.json, entry.text)
    assert row[0] == "P21802" and row[3] == 1 and row[5] == 9606
    assert " fgfr2 " in row[14] and " bek " in row[14]
    assert unpack(pack(entry.json)) == entry.json


@pytest.mark.parametrize(
    ("query", "where", "params"),
    [
        ("ec:1.1.1.1", "e.ec LIKE ?", ["% 1.1.1.1 %"]),
        ("keyword:KW-00*", "e.keyword LIKE ?", ["% kw-00%"]),
        ("reviewed:true", "COALESCE(e.reviewed, m.reviewed) = ?", [1]),
        ("length:[100 TO *]", "e.length >= ?", [100]),
        ('protein_name:"growth factor"', "e.protein LIKE ?", ["%growth factor%"]),
    ],
)
def test_query_translation(query: str, where: str, params: list[Any]) -> None:
    assert parse_query("uniprotkb", query) == (where, params)


def test_query_and_sort_errors() -> None:
    with pytest.raises(InvalidRequest, match="'colour' is not a valid search field"):
        parse_query("uniprotkb", "colour:red")
    with pytest.raises(InvalidRequest, match="syntax"):
        parse_query("uniprotkb", "gene:(")
    assert parse_sort("uniref", "count desc").endswith("e.count DESC")
    with pytest.raises(InvalidRequest, match="Invalid sort field 'gene'"):
        parse_sort("uniparc", "gene asc")
