"""The flat-file reader that reads every line itself (issue 18: Biopython's ``Bio.SwissProt``
no longer builds a record and location objects for each entry): every line type, features
with fuzzy and isoform locations and qualifiers over several lines, evidence tags, odd
entries, and, over every entry of the team's test data, the values Biopython reads from the
same lines (ids, dates, taxonomy, sequence, every feature's location and qualifiers)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from Bio import SwissProt
from Bio.SeqFeature import (
    AfterPosition,
    BeforePosition,
    ExactPosition,
    UncertainPosition,
    UnknownPosition,
)

from idmapping.errors import ReleaseFileError
from idmapping.uniprot.readers.fffeatures import features, read_features
from idmapping.uniprot.readers.ffheader import EntryHead, read_dt, read_id
from idmapping.uniprot.readers.flatfile import EXAMPLE, read_flatfile

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"

ENTRY = """\
ID   TEST1_HUMAN             Reviewed;         120 AA.
AC   P99991; Q00001;
AC   Q00002;
DT   01-JAN-1990, integrated into UniProtKB/Swiss-Prot.
DT   15-MAR-1995, sequence version 2.
DT   07-JUN-2023, entry version 41.
DE   RecName: Full=Test protein {ECO:0000303|PubMed:123};
DE            EC=1.2.3.4;
GN   Name=TST1 {ECO:0000312|HGNC:HGNC:1}; Synonyms=TEST;
OS   Homo sapiens (Human).
OC   Eukaryota; Metazoa;
OC   Chordata.
OX   NCBI_TaxID=9606 {ECO:0000313|EMBL:AAA1.1};
OH   NCBI_TaxID=9598; Pan troglodytes (Chimpanzee).
OG   Mitochondrion.
RN   [1] {ECO:0000313|EMBL:AAA1.1}
RP   NUCLEOTIDE SEQUENCE [MRNA].
RX   PubMed=123;
RA   Doe J.;
RT   "A title.";
RL   J. Biol. 1:1-2(1990).
CC   -!- FUNCTION: Does things. {ECO:0000269|PubMed:123}.
DR   EMBL; AAA1; AAA1.1; -; mRNA.
DR   GO; GO:0005737; C:cytoplasm; IDA:UniProtKB.
PE   1: Evidence at protein level;
KW   Reference proteome {ECO:0000313|Proteomes:UP1}; Zinc.
FT   CHAIN           1..120
FT                   /note="Test protein"
FT                   /id="PRO_0000000001"
FT   HELIX           <3..?7
FT   DOMAIN          ?..>20
FT                   /note="A domain whose note runs over two lines
FT                   of the feature table"
FT                   /evidence="ECO:0000255|PROSITE-ProRule:PRU00001, ECO:0000269|
FT                   PubMed:123"
FT   BINDING         9
FT                   /ligand="Zn(2+)"
FT                   /ligand_id="ChEBI:CHEBI:29105"
FT   VAR_SEQ         10..14
FT                   /note="ABCDE -> FGHIJKLMNOPQ RSTUV (in isoform 2)"
FT                   /id="VSP_000001"
FT   VARIANT         P99991-2:30
FT                   /note="A -> V (in dbSNP:rs42)"
FT   MUTAGEN         40
FT                   /note="C->A: Loss of activity."
FT   CARBOHYD        50
FT                   /note="N-linked (GlcNAc...) asparagine"
SQ   SEQUENCE   10 AA;  1111 MW;  0123456789ABCDEF CRC64;
     MKVLAAGIVG
//
"""


def _one(text: str) -> Any:
    return next(read_flatfile(io.StringIO(text, newline=""), "test.dat"))


def test_every_line_type_is_read() -> None:
    entry = _one(ENTRY).json
    assert entry["primaryAccession"] == "P99991"
    assert entry["secondaryAccessions"] == ["Q00001", "Q00002"]
    assert entry["uniProtkbId"] == "TEST1_HUMAN"
    assert entry["entryAudit"] == {
        "firstPublicDate": "1990-01-01", "lastAnnotationUpdateDate": "2023-06-07",
        "lastSequenceUpdateDate": "1995-03-15", "entryVersion": 41, "sequenceVersion": 2}
    assert entry["organism"]["taxonId"] == 9606
    assert entry["organism"]["lineage"] == ["Eukaryota", "Metazoa", "Chordata"]
    assert entry["organism"]["evidences"][0]["id"] == "AAA1.1"
    assert entry["organismHosts"][0]["taxonId"] == 9598
    assert entry["geneLocations"][0]["geneEncodingType"] == "Mitochondrion"
    assert entry["proteinExistence"] == "1: Evidence at protein level"
    assert entry["proteinDescription"]["recommendedName"]["ecNumbers"] == [{"value": "1.2.3.4"}]
    assert entry["genes"][0]["geneName"]["value"] == "TST1"
    assert entry["references"][0]["citation"]["citationCrossReferences"][0]["id"] == "123"
    assert entry["references"][0]["evidences"][0]["id"] == "AAA1.1"
    assert entry["comments"][0]["commentType"] == "FUNCTION"
    assert [x["database"] for x in entry["uniProtKBCrossReferences"]] == ["EMBL", "GO"]
    assert [k["name"] for k in entry["keywords"]] == ["Reference proteome", "Zinc"]
    assert entry["sequence"]["value"] == "MKVLAAGIVG"
    assert entry["sequence"]["molWeight"] == 1111
    assert entry["sequence"]["crc64"] == "0123456789ABCDEF"
    assert entry["extraAttributes"]["countByFeatureType"]["Chain"] == 1


def test_features_locations_qualifiers_and_evidences() -> None:
    found = {f["type"]: f for f in _one(ENTRY).json["features"]}
    assert found["Chain"]["featureId"] == "PRO_0000000001"
    assert found["Chain"]["description"] == "Test protein"
    assert found["Helix"]["location"] == {"start": {"value": 3, "modifier": "OUTSIDE"},
                                          "end": {"value": 7, "modifier": "UNSURE"}}
    domain = found["Domain"]
    assert domain["location"] == {"start": {"modifier": "UNKNOWN"},
                                  "end": {"value": 20, "modifier": "OUTSIDE"}}
    # a note over two lines is joined with a space, an evidence with nothing
    assert domain["description"] == "A domain whose note runs over two lines of the feature table"
    assert [e.get("id") for e in domain["evidences"]] == ["PRU00001", "123"]
    # one position: start and end the same, and not the same object
    binding = found["Binding site"]
    assert binding["location"]["start"] == binding["location"]["end"] == {
        "value": 9, "modifier": "EXACT"}
    assert binding["location"]["start"] is not binding["location"]["end"]
    assert binding["ligand"] == {"name": "Zn(2+)", "id": "ChEBI:CHEBI:29105"}
    splice = found["Alternative sequence"]
    assert splice["alternativeSequence"] == {"originalSequence": "ABCDE",
                                             "alternativeSequences": ["FGHIJKLMNOPQRSTUV"]}
    assert splice["description"] == "in isoform 2"
    assert splice["featureId"] == "VSP_000001"
    variant = found["Natural variant"]  # an isoform's location: the positions only
    assert variant["location"]["start"] == {"value": 30, "modifier": "EXACT"}
    assert variant["featureCrossReferences"] == [{"database": "dbSNP", "id": "rs42"}]
    assert found["Mutagenesis"]["alternativeSequence"] == {"originalSequence": "C",
                                                           "alternativeSequences": ["A"]}
    assert found["Glycosylation"]["featureId"] == ""


def test_a_var_seq_running_over_lines_loses_the_spaces_of_its_sequences() -> None:
    found = features(read_features([
        "FT   VAR_SEQ         1..20\n",
        'FT                   /note="MKVLAAGIVGMKVLAAGIVG -> MKV\n',
        'FT                   LAAG (in isoform 3)"\n']))
    assert found[0]["alternativeSequence"]["alternativeSequences"] == ["MKVLAAG"]
    assert found[0]["description"] == "in isoform 3"


def test_old_column_style_features_and_fuzzy_positions() -> None:
    found = features(read_features([
        "FT   CHAIN         1    394       Protein X.\n",
        "FT                                /FTId=PRO_0000001.\n",
        "FT   DOMAIN        5     60       A domain that goes on over\n",
        "FT                                two lines (By similarity).\n",
        "FT   REGION          (8.10)..one-of(20,25)\n",
        "FT   SITE          7              A site.\n"]))
    assert found[0]["featureId"] == "PRO_0000001"
    assert found[0]["description"] == "Protein X"
    assert found[1]["description"] == "A domain that goes on over two lines (By similarity)"
    assert found[2]["location"] == {"start": {"value": 8, "modifier": "UNSURE"},
                                    "end": {"value": 25, "modifier": "UNSURE"}}
    assert found[3]["location"]["end"] == {"value": 7, "modifier": "EXACT"}


def test_dates_of_both_forms() -> None:
    head = EntryHead()
    read_dt(head, "DT   01-FEB-1995 (Rel. 31, Created)\n")
    read_dt(head, "DT   01-OCT-2000 (Rel. 40, Last annotation update)\n")
    read_dt(head, "DT   15-MAR-1995, sequence version 2.\n")
    assert (head.created, head.annotation_update, head.sequence_update) == (
        ("01-FEB-1995", 31), ("01-OCT-2000", 40), ("15-MAR-1995", 2))
    read_id(head, "ID   OLD_HUMAN      STANDARD;      PRT;   10 AA.\n")
    assert head.data_class == "STANDARD"
    with pytest.raises(ValueError, match="data class"):
        read_id(head, "ID   X_HUMAN  Curated;  10 AA.\n")


def test_blank_lines_and_crlf_are_read_as_unix_lines() -> None:
    crlf = _one(EXAMPLE.replace("\n", "\r\n").replace("AC   Q9DEM0;", "\r\nAC   Q9DEM0;"))
    plain = _one(EXAMPLE)
    assert crlf.json == plain.json


@pytest.mark.parametrize(
    ("good", "bad", "line", "message"),
    [
        ("KW   Reference proteome {ECO:0000313|Proteomes:UP1}; Zinc.", "ZZ   Zinc.", 26,
         "Unknown keyword 'ZZ' found"),
        ("RN   [1] {ECO:0000313|EMBL:AAA1.1}", "RC   STRAIN=X;", 16, "RC: missing RN"),
        ("FT   HELIX           <3..?7", "FT   HELIX           9..3", 30, "End location"),
        ('FT                   /note="Test protein"', 'FT                   /note=Test', 28,
         "Missing starting quote"),
        ("SQ   SEQUENCE   10 AA;  1111 MW;  0123456789ABCDEF CRC64;", "SQ   SEQUENCE", 48,
         "SQ line"),
        ("OX   NCBI_TaxID=9606 {ECO:0000313|EMBL:AAA1.1};", "OX   Other=9606;", 13,
         "taxonomy type"),
        ("DT   07-JUN-2023, entry version 41.", "DT   07-JUN-2023, touched.", 6,
         "DT \\(DaTe\\)"),
    ],
)
def test_a_bad_line_names_its_line(good: str, bad: str, line: int, message: str) -> None:
    assert ENTRY.splitlines()[line - 1] == good
    with pytest.raises(ReleaseFileError, match=rf"test\.dat, line {line}: .*{message}"):
        _one(ENTRY.replace(good, bad))


def test_odd_entries() -> None:
    with pytest.raises(ReleaseFileError, match="line 1: .*no DT line"):
        _one("ID   X_HUMAN  Reviewed;  5 AA.\nAC   P1;\nSQ   SEQUENCE   5 AA;  1 MW;  "
             "0 CRC64;\n     MKVLA\n//\n")
    with pytest.raises(ReleaseFileError, match="line 1: .*Failed to find ID"):
        _one("AC   P1;\n//\n")
    with pytest.raises(ReleaseFileError, match="Unexpected end of stream"):
        _one(ENTRY.replace("//\n", ""))
    # a qualifier continuation before any feature
    with pytest.raises(ReleaseFileError, match="line 27: not a UniProtKB flat-file entry"):
        _one(ENTRY.replace("FT   CHAIN           1..120\n", ""))


# -- every entry of the test data, against what Biopython reads from the same lines ----------

def _bio_position(position: Any, start: bool) -> dict[str, Any]:
    if isinstance(position, UnknownPosition):
        return {"modifier": "UNKNOWN"}
    value = int(position) + (1 if start else 0)
    if isinstance(position, UncertainPosition):
        return {"value": value, "modifier": "UNSURE"}
    if isinstance(position, (BeforePosition, AfterPosition)):
        return {"value": value, "modifier": "OUTSIDE"}
    return {"value": value, "modifier": "EXACT" if isinstance(position, ExactPosition)
            else "UNSURE"}


def _flat_files() -> list[Path]:
    if not TESTDATA.is_dir():
        return []
    found = []
    for path in sorted(TESTDATA.rglob("*")):
        if path.is_file() and path.suffix in (".dat", ".txt", ".sp", ".trembl") \
                and path.read_bytes()[:5] == b"ID   ":
            found.append(path)
    return found


def _bio_records(path: Path) -> list[Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return list(SwissProt.parse(handle))
    except Exception:  # noqa: BLE001 - files Biopython refuses are compared elsewhere
        return None


@pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")
def test_every_test_data_entry_reads_as_biopython_reads_it() -> None:
    compared = 0
    for path in _flat_files():
        records = _bio_records(path)
        if records is None:
            continue
        with open(path, encoding="utf-8", newline="") as text:
            try:
                mine = list(read_flatfile(text, path.name))
            except ReleaseFileError:
                assert any(not r.created for r in records), path
                continue
        assert len(mine) == len(records), path
        for entry, record in zip(mine, records, strict=True):
            json = entry.json
            assert [json["primaryAccession"], *json.get("secondaryAccessions", [])] == \
                record.accessions
            assert json["uniProtkbId"] == record.entry_name
            assert json["entryAudit"]["entryVersion"] == record.annotation_update[1]
            assert json["organism"]["taxonId"] == int(record.taxonomy_id[0])
            assert json["sequence"]["value"] == record.sequence
            assert len(json.get("features", [])) == len(record.features), path
            for feature, bio in zip(json.get("features", []), record.features, strict=True):
                assert feature["location"] == {
                    "start": _bio_position(bio.location.start, True),
                    "end": _bio_position(bio.location.end, False)}, (path, bio)
                ident = bio.id or bio.qualifiers.get("id")
                assert feature.get("featureId") in (ident, "" if not ident else ident)
                if "evidence" in bio.qualifiers:
                    assert feature.get("evidences"), (path, bio)
            compared += 1
    assert compared > 100
