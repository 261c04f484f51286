"""Entry end-points over a release loaded from UniProt's own entry files (flat file, UniProtKB
XML, UniRef and UniParc XML), on both stores: JSON, every format, fields, query, sort,
isoforms, subsequences, the filter limit and UniParc suggestions. The files are read in place
from ../shared/testdata."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import LiveServer, api_settings, start_server
from idmapping.loader import load_release
from idmapping.web import create_app
from stores import BACKENDS, fresh_store

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
STORE = TESTDATA / "ebi-uniprot__uniprot-store"
SPARK = STORE / "spark-indexer" / "src" / "test" / "resources" / "2020_02"
ENTRY = STORE / "integration-test" / "src" / "test" / "resources" / "entry"
FILES = [
    ENTRY / "P21802.dat",
    ENTRY / "P63150.dat",
    SPARK / "uniprotkb" / "Q9EPI6.sp",
    SPARK / "uniprotkb" / "Q9EPI6-1.sp",
    SPARK / "uniprotkb" / "Q9EPI6-2.sp",
    SPARK / "uniref" / "UniRef100_Q9EPI6.xml",
    SPARK / "uniref" / "UniRef90_Q9EPI6.xml",
    SPARK / "uniref" / "UniRef50_Q9EPI6.xml",
    *sorted((SPARK / "uniparc").glob("UPI*.xml")),
    TESTDATA / "mpreusse__uniprotlib" / "tests" / "files" / "Q9Y261.xml",
    TESTDATA / "mpreusse__uniprotlib" / "tests" / "files" / "idmapping.dat",
    TESTDATA / "jmillanacosta__pysec2pri" / "tests" / "data" / "mock_delac_sp.txt",
]
DELETED = "A0A087WTH5"  # the first accession of mock_delac_sp.txt

pytestmark = pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared/testdata is absent")


@pytest.fixture(scope="module", params=BACKENDS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[str]:
    with fresh_store(request.param, tmp_path_factory.mktemp("entries")) as store:
        load_release(FILES, store)
        live: LiveServer = start_server(create_app(api_settings(store, max_filter=5), store))
        yield live.url
        live.stop()


def submit(base: str, from_db: str, to_db: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={"from": from_db, "to": to_db,
                                                          "ids": ids})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def get(base: str, dataset: str, job: str, stream: bool = False, **params: str) -> httpx.Response:
    path = f"{base}/idmapping/{dataset}/results/{'stream/' if stream else ''}{job}"
    return httpx.get(path, params=params, timeout=60)


@pytest.fixture(scope="module")
def kb(base: str) -> str:
    return submit(base, "UniProtKB_AC-ID", "UniProtKB", f"P21802,Q9EPI6,Q9Y261,P63150,{DELETED}")


def by_from(body: dict[str, Any]) -> dict[str, Any]:
    return {row["from"]: row["to"] for row in body["results"]}


def test_full_entries_in_json(base: str, kb: str) -> None:
    body = get(base, "uniprotkb", kb).json()
    assert body["obsoleteCount"] == 1
    entries = by_from(body)
    fgfr2 = entries["P21802"]
    assert list(fgfr2)[:5] == ["entryType", "primaryAccession", "secondaryAccessions",
                               "uniProtkbId", "entryAudit"]
    assert fgfr2["proteinDescription"]["recommendedName"]["fullName"]["value"] == \
        "Fibroblast growth factor receptor 2"
    assert fgfr2["sequence"]["length"] == 821 and fgfr2["extraAttributes"]["countByFeatureType"]
    # read from UniProtKB XML
    assert entries["Q9Y261"]["uniProtkbId"] == "FOXA2_HUMAN"
    assert entries["Q9Y261"]["keywords"][0] == {"id": "KW-0002", "name": "3D-structure"}
    # the UniParc id comes from the UniParc XML loaded beside the entry
    assert entries["Q9EPI6"]["extraAttributes"]["uniParcId"] == "UPI00000E8551"
    assert entries[DELETED] == {"entryType": "Inactive", "primaryAccession": DELETED,
                                "inactiveReason": {"inactiveReasonType": "DELETED"}}


def test_tsv_fields(base: str, kb: str) -> None:
    fields = "accession,id,gene_primary,protein_name,organism_name,length,mass,ec,xref_pdb"
    lines = get(base, "uniprotkb", kb, format="tsv", fields=fields).text.splitlines()
    assert lines[0] == ("From\tEntry\tEntry Name\tGene Names (primary)\tProtein names\t"
                        "Organism\tLength\tMass\tEC number\tPDB")
    row = dict(zip(lines[0].split("\t"), lines[1].split("\t"), strict=True))
    assert row["Entry Name"] == "FGFR2_HUMAN" and row["Gene Names (primary)"] == "FGFR2"
    assert row["Protein names"].startswith(
        "Fibroblast growth factor receptor 2 (FGFR-2) (EC 2.7.10.1) (K-sam) (KGFR)")
    assert row["Organism"] == "Homo sapiens (Human)" and row["Length"] == "821"
    assert row["Mass"] == "92,025" and row["EC number"] == "2.7.10.1"
    assert row["PDB"].startswith("1DJS;")
    cc = get(base, "uniprotkb", kb, format="tsv", fields="cc_function,ft_signal,go_id")
    cells = cc.text.splitlines()[1].split("\t")
    assert cells[1].startswith("FUNCTION: Tyrosine-protein kinase")
    assert cells[2] == 'SIGNAL 1..21; /evidence="ECO:0000255"'
    assert cells[3].startswith("GO:")


def test_json_fields_keep_only_what_is_asked(base: str, kb: str) -> None:
    body = get(base, "uniprotkb", kb, fields="cc_function,ft_signal").json()
    fgfr2 = by_from(body)["P21802"]
    assert set(fgfr2) == {"entryType", "primaryAccession", "comments", "features",
                          "extraAttributes"}
    assert {c["commentType"] for c in fgfr2["comments"]} == {"FUNCTION"}
    assert {f["type"] for f in fgfr2["features"]} == {"Signal"}


def test_fasta_gff_txt_xml(base: str, kb: str) -> None:
    fasta = get(base, "uniprotkb", kb, stream=True, format="fasta").text
    headers = [line for line in fasta.splitlines() if line.startswith(">")]
    assert headers[0] == ("&gt;sp|P21802|FGFR2_HUMAN Fibroblast growth factor receptor 2 "
                          "OS=Homo sapiens OX=9606 GN=FGFR2 PE=1 SV=1").replace("&gt;", ">")
    assert len(headers) == 4  # the inactive entry has no sequence
    gff = get(base, "uniprotkb", kb, format="gff").text
    assert gff.startswith("##gff-version 3\n##sequence-region P21802 1 821\n")
    txt = get(base, "uniprotkb", kb, format="txt").text
    assert txt.startswith((ENTRY / "P21802.dat").read_text())
    assert "\nID   FOXA2_HUMAN             Reviewed;         457 AA.\n" in txt
    xml = get(base, "uniprotkb", kb, format="xml").content
    from idmapping.uniprot.readers.kbxml import read_uniprot_xml

    accessions = [e["primaryAccession"] for e in read_uniprot_xml(io.BytesIO(xml), "x")]
    assert accessions == ["P21802", "Q9EPI6", "Q9Y261", "P63150"]


def test_subsequence(base: str) -> None:
    job = submit(base, "UniProtKB_AC-ID", "UniProtKB", "P63150[10-20]")
    fasta = get(base, "uniprotkb", job, format="fasta", subsequence="true").text
    assert fasta.startswith(">sp|P63150|10-20\n") and len(fasta.splitlines()[1]) == 11
    plain = submit(base, "UniProtKB_AC-ID", "UniProtKB", "P63150[10-20],P21802")
    refused = get(base, "uniprotkb", plain, format="fasta", subsequence="true")
    assert refused.status_code == 400
    assert refused.text == (
        "Error messages\nInvalid request received. Unable to compute fasta subsequence for "
        "IDs: P21802. Expected format is accession[begin-end], for example:Q00001[10-20]")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"query": "gene:FGFR2"}, ["P21802"]),
        ({"query": "reviewed:true AND organism_id:9606"}, ["P21802", "Q9Y261"]),
        ({"query": "length:[400 TO 460]"}, ["Q9Y261", "P63150"]),  # in mapped order
        ({"query": "NOT active:true"}, [DELETED]),
        ({"query": 'protein_name:"growth factor"'}, ["P21802"]),
        ({"sort": "length desc"}, ["P21802", "Q9EPI6", "Q9Y261", "P63150", DELETED]),
        ({"sort": "accession asc", "query": "active:true"},
         ["P21802", "P63150", "Q9EPI6", "Q9Y261"]),
        ({"includeIsoform": "true", "query": "is_isoform:true"}, ["Q9EPI6-1", "Q9EPI6-2"]),
    ],
)
def test_query_sort_and_isoforms(base: str, kb: str, params: dict[str, str],
                                 expected: list[str]) -> None:
    response = get(base, "uniprotkb", kb, format="list", **params)
    assert response.text.split() == expected
    assert response.headers["x-total-results"] == str(len(expected))
    streamed = get(base, "uniprotkb", kb, stream=True, format="list", **params)
    assert streamed.text.split() == expected


def test_filter_limit_warning(base: str) -> None:
    # the test server's max_filter is 5: six pairs are served unfiltered, with warning 20
    job = submit(base, "UniProtKB_AC-ID", "UniProtKB",
                 f"P21802,Q9EPI6,Q9Y261,P63150,{DELETED},Q6GZX4")
    body = get(base, "uniprotkb", job, query="gene:FGFR2").json()
    assert body["warnings"] == [{"code": 20, "message": "Filters are not supported for mapping "
                                 "results with more than 5 IDs"}]
    assert len(body["results"]) == 6


def test_uniref_and_uniparc_entries(base: str) -> None:
    job = submit(base, "UniProtKB_AC-ID", "UniRef90", "Q9EPI6")
    entry = by_from(get(base, "uniref", job).json())["Q9EPI6"]
    assert entry["id"] == "UniRef90_Q9EPI6" and len(entry["members"]) == 10
    assert len(by_from(get(base, "uniref", job, complete="true").json())["Q9EPI6"][
        "members"]) == entry["memberCount"]
    tsv = get(base, "uniref", job, format="tsv").text.splitlines()
    assert tsv[1].startswith("Q9EPI6\tUniRef90_Q9EPI6\tCluster: NMDA receptor")
    fasta = get(base, "uniref", job, format="fasta").text
    assert re.match(r">UniRef90_Q9EPI6 NMDA receptor .* n=\d+ Tax=\w+ TaxID=\d+ "
                    r"RepID=NSMF_RAT\n", fasta)
    parc = submit(base, "UniProtKB_AC-ID", "UniParc", "Q9EPI6")
    upi = by_from(get(base, "uniparc", parc).json())["Q9EPI6"]
    assert upi["uniParcId"] == "UPI00000E8551" and upi["sequence"]["length"] > 0
    assert get(base, "uniparc", parc, format="fasta").text.startswith(
        ">UPI00000E8551 status=active\n")


def test_unmapped_sequence_ids_get_uniparc_suggestions(base: str) -> None:
    job = submit(base, "RefSeq_Protein", "UniProtKB", "XP_002711597.1,NP_999999.1")
    body = get(base, "uniprotkb", job).json()
    assert body["suggestedIds"] == [{"from": "XP_002711597.1", "to": "UPI0001C61C61"}]
    assert body["failedIds"] == ["NP_999999.1"]


def test_compressed_fasta_stream(base: str, kb: str) -> None:
    response = get(base, "uniprotkb", kb, stream=True, format="fasta", compressed="true")
    assert zlib.decompress(response.content, 16 + zlib.MAX_WBITS).startswith(b">sp|P21802|")


def _member_clusters(path: Path) -> tuple[str, list[str]]:
    """A UniRef XML file's cluster id and its members' clusters (UniRef100/90/50 ID), read
    here with the standard library."""
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    entry = next(e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "entry")
    found = [p.get("value", "") for p in entry.iter() if p.tag.rsplit("}", 1)[-1] == "property"
             and p.get("type") in ("UniRef100 ID", "UniRef90 ID", "UniRef50 ID")]
    return entry.get("id", ""), list(dict.fromkeys(found))


def test_uniref_cluster_field(base: str) -> None:
    """``cluster``: the clusters of an entry's members, as the UniRef XML files state them."""
    files = [f for f in FILES if f.parent.name == "uniref"]
    related = dict(_member_clusters(f) for f in files)
    asked = 0
    for cluster, clusters in related.items():
        job = submit(base, "UniProtKB_AC-ID", cluster.split("_")[0], "Q9EPI6")
        for other in [*clusters, *(c for cs in related.values() for c in cs)]:
            body = get(base, "uniref", job, query=f"cluster:{other}").json()
            found = [row["to"]["id"] for row in body["results"]]
            assert found == ([cluster] if other in clusters else []), (cluster, other)
            asked += other in clusters
    assert asked, "no member of the files names its clusters"


def test_uniref_and_uniparc_fields(base: str) -> None:
    job = submit(base, "UniProtKB_AC-ID", "UniRef50", "Q9EPI6")
    lines = get(base, "uniref", job, format="tsv",
                fields="id,identity,common_taxonid,length,types").text.splitlines()
    assert lines[0] == "From\tCluster ID\tIdentity\tCommon taxon ID\tLength\tTypes"
    cells = lines[1].split("\t")
    assert cells[1:3] == ["UniRef50_Q9EPI6", "0.5"] and cells[4].isdigit()
    parc = submit(base, "UniProtKB_AC-ID", "UniParc", "Q9EPI6")
    row = get(base, "uniparc", parc, format="tsv", fields="upi,checksum,organism_id").text
    assert row.splitlines()[1].startswith("Q9EPI6\tUPI00000E8551\t")
    sort = get(base, "uniparc", parc, format="list", sort="length desc", query="length:[1 TO *]")
    assert sort.text.split() == ["UPI00000E8551"]
