"""The isoform sequence file (uniprot_sprot_varsplic.fasta): sniffing, loading on both stores,
line-numbered errors, and the isoforms served by the API (``includeIsoform=true``, isoform ids).

The small release here is written by the tests; the cases built from UniProt's own entries
(P48347 and its isoforms, P21802-2) read ../shared/testdata in place, and skip without it.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from Bio.SeqUtils.CheckSum import crc64 as biopython_crc64

from conftest import api_settings, start_server
from idmapping import demo
from idmapping.errors import ReleaseFileError, UnknownFormat
from idmapping.loader import load_release
from idmapping.loader.sniff import sniff
from idmapping.store import Store
from idmapping.uniprot.common import mol_weight
from idmapping.uniprot.readers.flatfile import read_flatfile
from idmapping.uniprot.readers.isoforms import read_isoform_fasta
from idmapping.uniprot.summary import unpack
from idmapping.uniprot.writers.fasta import wrap
from idmapping.web import create_app
from stores import BACKENDS, fresh_store, pairs

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
UNIPROT_STORE = TESTDATA / "ebi-uniprot__uniprot-store"
SAMPLE = UNIPROT_STORE / "uniprot-datastore" / "src" / "test" / "resources" / "uniprot" / \
    "flatFIleSample.txt"  # P48347, and its isoform 1 as an entry of its own
ENTRY = UNIPROT_STORE / "integration-test" / "src" / "test" / "resources" / "entry"
needs_testdata = pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")

# UniProt's header of the isoform (the brief and UniProt's varsplic file agree on it)
P48347_2 = ("sp|P48347-2|14310_ARATH Isoform 2 of 14-3-3-like protein GF14 epsilon "
            "OS=Arabidopsis thaliana OX=3702 GN=GRF10")
# a fragment without a gene name: ` (Fragment)` is UniProt's flag, and must come back
Q8R4A1_3 = "sp|Q8R4A1-3|ABCX_MOUSE Isoform 3 of Protein ABCX (Fragment) OS=Mus musculus OX=10090"
SEQUENCE_2 = "MENEREKQVYLAKLSEQTERYDEMVEAMKKVAQLDVELTVEERNLVSVGYKNVIGARRAS" * 2 + "DEV"
SEQUENCE_3 = "MKVLAAGICW"
MAPPINGS = """\
P48347	UniProtKB-ID	14310_ARATH
P48347	Gene_Name	GRF10
P48347	NCBI_TaxID	3702
P48347-2	RefSeq	NP_001031093.1
Q8R4A1	UniProtKB-ID	ABCX_MOUSE
Q8R4A1	NCBI_TaxID	10090
Q6GZX4	UniProtKB-ID	001R_FRG3G
Q6GZX4	NCBI_TaxID	654924
"""


def record(header: str, sequence: str) -> str:
    """A FASTA record as UniProt writes it: the header, then lines of 60 residues."""
    return f">{header}\n{wrap(sequence)}"


VARSPLIC = record(P48347_2, SEQUENCE_2) + record(Q8R4A1_3, SEQUENCE_3)


def write_release(directory: Path, varsplic: str = VARSPLIC) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "idmapping.dat").write_text(MAPPINGS)
    with gzip.open(directory / "uniprot_sprot_varsplic.fasta.gz", "wt") as out:
        out.write(varsplic)
    return [directory / "idmapping.dat", directory / "uniprot_sprot_varsplic.fasta.gz"]


def expected_sequence(value: str) -> dict[str, Any]:
    """UniProt's sequence object, with Biopython's CRC64 as a second opinion."""
    return {"value": value, "length": len(value), "molWeight": mol_weight(value),
            "crc64": biopython_crc64(value).removeprefix("CRC-"),
            "md5": hashlib.md5(value.encode()).hexdigest().upper()}


EXPECTED_P48347_2 = {
    "entryType": "UniProtKB reviewed (Swiss-Prot)",
    "primaryAccession": "P48347-2",
    "uniProtkbId": "14310_ARATH",
    "organism": {"scientificName": "Arabidopsis thaliana", "taxonId": 3702},
    "proteinDescription": {"recommendedName": {"fullName": {
        "value": "Isoform 2 of 14-3-3-like protein GF14 epsilon"}}},
    "genes": [{"geneName": {"value": "GRF10"}}],
    "sequence": expected_sequence(SEQUENCE_2),
}


# ---------------------------------------------------------------------------------------------
# Sniffing


def test_sniffed_by_content(tmp_path: Path) -> None:
    plain = tmp_path / "anything.txt"
    plain.write_text("\n" + VARSPLIC)  # a leading blank line does not hide it
    packed = write_release(tmp_path / "release")[1]
    assert (sniff(plain).format, sniff(plain).compressed) == ("isoform_fasta", False)
    assert (sniff(packed).format, sniff(packed).compressed) == ("isoform_fasta", True)


@pytest.mark.parametrize(
    "text",
    [
        # the canonical sequences (uniprot_sprot.fasta) are not the isoform file
        ">sp|P48347|14310_ARATH 14-3-3-like protein GF14 epsilon OS=Arabidopsis thaliana "
        "OX=3702 GN=GRF10 PE=1 SV=1\nMENE\n",
        ">UniRef90_P48347 14-3-3-like protein n=3 Tax=Arabidopsis TaxID=3701 RepID=1\nMENE\n",
        "MENEREKQVY\n",  # no header at all
    ],
)
def test_other_fasta_is_not_sniffed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.fasta"
    path.write_text(text)
    with pytest.raises(UnknownFormat, match="uniprot_sprot_varsplic.fasta"):
        sniff(path)


# ---------------------------------------------------------------------------------------------
# Loading, on both stores


def test_loads_isoform_documents(store: Store, tmp_path: Path) -> None:
    files = write_release(tmp_path / "release")
    calls: list[tuple[int, int, int]] = []
    release = load_release(files, store, progress=lambda *a: calls.append(a))
    assert release.stats["documents_uniprotkb"] == 2
    # progress is reported per file, by bytes read, and counts the isoform records as rows
    total = sum(f.stat().st_size for f in files)
    assert calls[-1] == (total, total, MAPPINGS.count("\n") + 2)
    docs = store.documents("uniprotkb", ["P48347-2", "Q8R4A1-3"])
    assert unpack(docs["P48347-2"][0]) == EXPECTED_P48347_2
    fragment = unpack(docs["Q8R4A1-3"][0])
    assert fragment["proteinDescription"] == {
        "recommendedName": {"fullName": {"value": "Isoform 3 of Protein ABCX"}},
        "flag": "Fragment"}
    assert "genes" not in fragment
    # isoforms are documents of their entries, not entries of their own
    assert store.release_counts(release)["(kb_entries)"] == 2
    assert pairs(store, "UniProtKB_AC-ID", "UniProtKB", "P48347-2", "Q8R4A1-3") == [
        ("P48347-2", "P48347-2"), ("Q8R4A1-3", "Q8R4A1-3")]
    assert pairs(store, "RefSeq_Protein", "UniProtKB", "NP_001031093") == [
        ("NP_001031093", "P48347")]


def test_subset_drops_isoforms_of_dropped_entries(store: Store, tmp_path: Path) -> None:
    from idmapping.store import Subset

    load_release(write_release(tmp_path / "release"), store, subset=Subset(taxa=(3702,)))
    assert list(store.documents("uniprotkb", ["P48347-2", "Q8R4A1-3"])) == ["P48347-2"]


# One malformed file per case: (its text, the line and the message the error names).
MALFORMED = [
    # a header that is not UniProt's isoform header (no OS/OX) in the second record
    (record(P48347_2, SEQUENCE_2) + ">sp|P48347-3|14310_ARATH Isoform 3\nMKV\n", 5,
     r"not a UniProtKB isoform header .*'sp\|P48347-3\|14310_ARATH Isoform 3'"),
    # a canonical record among isoforms
    (record(P48347_2, "MKV") + ">sp|P48347|14310_ARATH 14-3-3-like protein GF14 epsilon "
     "OS=Arabidopsis thaliana OX=3702 GN=GRF10 PE=1 SV=1\nMKV\n", 3,
     r"not an isoform accession: 'P48347'"),
    # residues that are not amino-acid letters
    (record(P48347_2, SEQUENCE_2) + f">{Q8R4A1_3}\nMKV\nMK1V\n", 7,
     r"not a protein sequence line: 'MK1V'"),
    # a header with no sequence after it
    (f">{P48347_2}\n\n>{Q8R4A1_3}\nMKV\n", 1, r"no sequence after the header of P48347-2"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED,
                         ids=["header", "canonical", "residues", "empty"])
def test_malformed_file_names_file_and_line(store: Store, tmp_path: Path, text: str, line: int,
                                            message: str) -> None:
    good = load_release(write_release(tmp_path / "good"), store)
    bad = write_release(tmp_path / "bad", text)[1]
    with pytest.raises(ReleaseFileError) as raised:
        load_release([bad], store)
    assert (raised.value.path, raised.value.line) == (str(bad), line)
    assert re.match(rf"{re.escape(str(bad))}, line {line}: {message}", str(raised.value))
    # the load switched nothing: the release served is the one before, isoforms and all
    current = store.current_release()
    assert current is not None and current.name == good.name
    assert unpack(store.documents("uniprotkb", ["P48347-2"])["P48347-2"][0]) == \
        EXPECTED_P48347_2


def test_reader_refuses_residues_before_the_first_header() -> None:
    import io

    with pytest.raises(ReleaseFileError, match=r"^f.fasta, line 2: a sequence line before"):
        list(read_isoform_fasta(io.StringIO("\nMKV\n" + VARSPLIC), "f.fasta"))


def test_reader_gives_the_header_back_byte_for_byte() -> None:
    import io

    from idmapping.uniprot.writers.fasta import uniprotkb_fasta

    text = VARSPLIC.replace("\n", "\r\n")  # Windows line ends change nothing
    written = "".join(uniprotkb_fasta(e) for e in read_isoform_fasta(io.StringIO(text), "f"))
    assert written == VARSPLIC


# ---------------------------------------------------------------------------------------------
# Served over HTTP, on both stores


@pytest.fixture(scope="module", params=BACKENDS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("isoforms")
    with fresh_store(request.param, directory) as store:
        load_release(write_release(directory / "release"), store)
        live = start_server(create_app(api_settings(store), store))
        yield live.url
        live.stop()


def submit(base: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run",
                          data={"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ids})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def results(base: str, job: str, stream: bool = False, **params: str) -> httpx.Response:
    path = f"{base}/idmapping/uniprotkb/results/{'stream/' if stream else ''}{job}"
    response = httpx.get(path, params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("stream", [False, True])
def test_include_isoform_adds_the_loaded_isoforms(base: str, stream: bool) -> None:
    job = submit(base, "Q6GZX4,P48347,Q8R4A1")
    plain = results(base, job, stream, format="list")
    assert plain.text.split() == ["Q6GZX4", "P48347", "Q8R4A1"]
    both = results(base, job, stream, format="list", includeIsoform="true")
    assert both.text.split() == ["Q6GZX4", "P48347", "P48347-2", "Q8R4A1", "Q8R4A1-3"]
    assert stream or both.headers["x-total-results"] == "5"
    body = results(base, job, stream, includeIsoform="true").json()
    isoform = body["results"][2]
    assert isoform == {"from": "P48347", "to": EXPECTED_P48347_2}
    fasta = results(base, job, stream, format="fasta", includeIsoform="true").text
    # entries known from idmapping.dat alone have no sequence, so no FASTA record
    assert fasta == VARSPLIC


def test_isoform_id_gives_its_own_entry(base: str) -> None:
    job = submit(base, "P48347-2,Q8R4A1-3")
    assert results(base, job, format="fasta").text == VARSPLIC
    body = results(base, job).json()
    assert [row["to"]["sequence"]["value"] for row in body["results"]] == [SEQUENCE_2,
                                                                           SEQUENCE_3]
    assert body["results"][0]["to"] == EXPECTED_P48347_2
    tsv = results(base, job, format="tsv", fields="accession,id,reviewed,organism_id,length")
    assert tsv.text.splitlines()[1:] == ["P48347-2\tP48347-2\t14310_ARATH\treviewed\t3702\t123",
                                         "Q8R4A1-3\tQ8R4A1-3\tABCX_MOUSE\treviewed\t10090\t10"]


def test_isoforms_in_the_entry_formats(base: str) -> None:
    """Flat file, XML and GFF write what an isoform's header tells, and no empty fields."""
    job = submit(base, "P48347-2")
    flat = results(base, job, format="txt").text
    assert flat.startswith("ID   14310_ARATH             Reviewed;         123 AA.\n"
                           "AC   P48347-2;\nDE   RecName: Full=Isoform 2 of 14-3-3-like protein "
                           "GF14 epsilon;\nGN   Name=GRF10;\nOS   Arabidopsis thaliana.\n"
                           "OX   NCBI_TaxID=3702;\nSQ   SEQUENCE   123 AA;")
    xml = results(base, job, format="xml").text
    assert '<entry xmlns="https://uniprot.org/uniprot" dataset="Swiss-Prot">' in xml
    assert "<accession>P48347-2</accession>" in xml and '=""' not in xml
    assert "##sequence-region P48347-2 1 123" in results(base, job, format="gff").text


# ---------------------------------------------------------------------------------------------
# UniProt's own entries (../shared/testdata)


def _sample_entries() -> dict[str, Any]:
    entries = {}
    for path in (SAMPLE, ENTRY / "P21802-2.dat"):
        with open(path, encoding="utf-8") as text:
            for entry in read_flatfile(text, str(path)):
                entries[entry.json["primaryAccession"]] = entry.json
    return entries


def _with_variant(canonical: dict[str, Any], vsp: str) -> str:
    """The canonical sequence with one VAR_SEQ feature of the entry applied."""
    sequence = canonical["sequence"]["value"]
    feature = next(f for f in canonical["features"] if f.get("featureId") == vsp)
    start = feature["location"]["start"]["value"]
    end = feature["location"]["end"]["value"]
    replacement = feature["alternativeSequence"]["alternativeSequences"][0]
    return sequence[: start - 1] + replacement + sequence[end:]


@needs_testdata
def test_uniprot_entries_and_their_isoform_file(store: Store, tmp_path: Path) -> None:
    entries = _sample_entries()
    # P48347-2 differs from the displayed isoform by VSP_008972 (N -> V at 254)
    p48347_2 = _with_variant(entries["P48347"], "VSP_008972")
    assert p48347_2 == entries["P48347"]["sequence"]["value"][:-1] + "V"
    p21802_2 = entries["P21802-2"]
    header = ("sp|P21802-2|FGFR2_HUMAN Isoform 2 of Fibroblast growth factor receptor 2 "
              "OS=Homo sapiens OX=9606 GN=FGFR2")
    varsplic = tmp_path / "uniprot_sprot_varsplic.fasta"
    varsplic.write_text(record(P48347_2, p48347_2) +
                        record(header, p21802_2["sequence"]["value"]))
    load_release([SAMPLE, ENTRY / "P21802.dat", varsplic], store)
    docs = {acc: unpack(doc) for acc, (doc, _) in
            store.documents("uniprotkb", ["P48347-1", "P48347-2", "P21802-2"]).items()}
    # the checksum and mass UniProt states for P21802-2 (its SQ line) are the ones computed
    assert docs["P21802-2"]["sequence"] == p21802_2["sequence"]
    assert docs["P48347-2"]["sequence"]["value"] == p48347_2
    assert docs["P48347-1"]["uniProtkbId"] == "14310-1_ARATH"  # the flat file's own entry
    assert pairs(store, "UniProtKB_AC-ID", "UniProtKB", "P48347-2", "P21802-2") == [
        ("P48347-2", "P48347-2"), ("P21802-2", "P21802-2")]
    live = start_server(create_app(api_settings(store), store))
    try:
        job = submit(live.url, "P48347,P21802")
        listed = results(live.url, job, format="list", includeIsoform="true").text.split()
        assert listed == ["P48347", "P48347-1", "P48347-2", "P21802", "P21802-2"]
        fasta = results(live.url, job, format="fasta", includeIsoform="true").text
        assert record(header, p21802_2["sequence"]["value"]) in fasta
        assert f">{P48347_2}\n" in fasta
    finally:
        live.stop()


# ---------------------------------------------------------------------------------------------
# The demo release


def test_demo_isoforms_agree_with_its_mapping_files() -> None:
    """Every Swiss-Prot entry's isoform rows in idmapping.dat, but the displayed one (-1), has
    a record, under the entry's name, organism and gene."""
    directory = demo.demo_dir()
    rows: dict[str, dict[str, list[str]]] = {}
    with gzip.open(directory / "idmapping.dat.gz", "rt", encoding="ascii") as text:
        for line in text:
            accession, id_type, value = line.rstrip("\n").split("\t")
            rows.setdefault(accession, {}).setdefault(id_type, []).append(value)
    expected = [a for a in rows if "-" in a and not a.endswith("-1")
                and not rows[a.split("-")[0]]["UniProtKB-ID"][0].startswith(a.split("-")[0])]
    with gzip.open(directory / "uniprot_sprot_varsplic.fasta.gz", "rt") as text:
        found = list(read_isoform_fasta(text, "varsplic"))
    assert [e["primaryAccession"] for e in found] == expected
    assert "Q9DEM0-2" in expected
    for entry in found:
        canonical = rows[entry["primaryAccession"].split("-")[0]]
        assert entry["uniProtkbId"] == canonical["UniProtKB-ID"][0]
        assert str(entry["organism"]["taxonId"]) == canonical["NCBI_TaxID"][0]
        assert entry["sequence"]["crc64"] != canonical["CRC64"][0]
