"""Entry results over real HTTP: /idmapping/{uniprotkb,uniref,uniparc}/results[/stream]."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import httpx
import pytest

REVIEWED = "UniProtKB reviewed (Swiss-Prot)"
UNREVIEWED = "UniProtKB unreviewed (TrEMBL)"


def submit(base: str, from_db: str, to_db: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={"from": from_db, "to": to_db, "ids": ids})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


@pytest.fixture(scope="module")
def kb_job(api_url: str) -> str:
    """Accessions → UniProtKB: reviewed, unreviewed, ORF-only, deleted, isoform, unknown."""
    return submit(
        api_url,
        "UniProtKB_AC-ID",
        "UniProtKB",
        "P04637,K7PPA8,Q6GZX4,A0AV18,A0A0A0MQ33,P04637-2,NOPE1",
    )


def kb_url(base: str, job: str, stream: bool = False) -> str:
    return f"{base}/idmapping/uniprotkb/results/{'stream/' if stream else ''}{job}"


def by_from(body: dict[str, Any]) -> dict[str, Any]:
    return {row["from"]: row["to"] for row in body["results"]}


# --- UniProtKB ---------------------------------------------------------------------------------


def test_uniprotkb_entry_json(api_url: str, kb_job: str) -> None:
    response = httpx.get(kb_url(api_url, kb_job))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["results", "failedIds", "obsoleteCount"]
    assert body["failedIds"] == ["NOPE1"] and body["obsoleteCount"] == 2
    entries = by_from(body)
    p53 = entries["P04637"]
    # UniProt's key order, restricted to what the release files hold
    assert list(p53) == [
        "entryType",
        "primaryAccession",
        "uniProtkbId",
        "organism",
        "genes",
        "uniProtKBCrossReferences",
        "extraAttributes",
    ]
    assert p53["entryType"] == REVIEWED and p53["uniProtkbId"] == "P53_HUMAN"
    assert p53["organism"] == {"taxonId": 9606}
    assert p53["genes"] == [{"geneName": {"value": "TP53"}, "synonyms": [{"value": "P53"}]}]
    assert sorted((x["database"], x["id"]) for x in p53["uniProtKBCrossReferences"]) == [
        ("ChEMBL", "CHEMBL4096"),
        ("EMBL", "X02469"),
        ("Ensembl", "ENST00000269305.9"),
        ("Ensembl", "ENST00000420246.6"),
        ("GeneID", "7157"),
        ("PDB", "1A1U"),
        ("PDB", "1AIE"),
        ("RefSeq", "NP_000537.3"),
    ]
    assert p53["extraAttributes"] == {"uniParcId": "UPI000002ED67"}
    assert entries["K7PPA8"]["entryType"] == UNREVIEWED
    # an entry named only by an ORF name has no gene name
    assert entries["Q6GZX4"]["genes"] == [{"orfNames": [{"value": "FV3-001R"}]}]
    # deleted accessions are inactive entries (the SimpleMapping mock of UniProt's website)
    assert entries["A0AV18"] == {
        "entryType": "Inactive",
        "primaryAccession": "A0AV18",
        "inactiveReason": {"inactiveReasonType": "DELETED"},
    }
    assert entries["A0A0A0MQ33"]["entryType"] == "Inactive"
    isoform = entries["P04637-2"]
    assert isoform["primaryAccession"] == "P04637-2" and isoform["uniProtkbId"] == "P53_HUMAN"


def test_uniprotkb_tsv_default_columns(api_url: str, kb_job: str) -> None:
    response = httpx.get(kb_url(api_url, kb_job), params={"format": "tsv"})
    lines = response.text.splitlines()
    assert lines[0] == (
        "From\tEntry\tEntry Name\tReviewed\tProtein names\tGene Names\tOrganism\tLength"
    )
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows["P04637"] == ["P04637", "P04637", "P53_HUMAN", "reviewed", "", "TP53 P53", "", ""]
    assert rows["K7PPA8"][3] == "unreviewed"
    assert rows["Q6GZX4"][5] == "FV3-001R"
    assert rows["A0AV18"][1:4] == ["A0AV18", "", ""]


def test_uniprotkb_fields(api_url: str, kb_job: str) -> None:
    fields = "accession,id,gene_primary,gene_orf,organism_id,uniparc_id,xref_pdb,xref_ensembl"
    tsv = httpx.get(kb_url(api_url, kb_job), params={"format": "tsv", "fields": fields})
    lines = tsv.text.splitlines()
    assert lines[0] == (
        "From\tEntry\tEntry Name\tGene Names (primary)\tGene Names (ORF)\t"
        "Organism (ID)\tUniParc\tPDB\tEnsembl"
    )
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows["P04637"] == [
        "P04637",
        "P04637",
        "P53_HUMAN",
        "TP53",
        "",
        "9606",
        "UPI000002ED67",
        "1A1U;1AIE;",
        "ENST00000269305.9;ENST00000420246.6;",
    ]
    assert rows["Q6GZX4"][3:5] == ["", "FV3-001R"]
    # JSON keeps the required keys and what the fields ask for
    body = httpx.get(kb_url(api_url, kb_job), params={"fields": "gene_primary,xref_pdb"}).json()
    p53 = by_from(body)["P04637"]
    assert p53 == {
        "entryType": REVIEWED,
        "primaryAccession": "P04637",
        "genes": [{"geneName": {"value": "TP53"}}],
        "uniProtKBCrossReferences": [
            {"database": "PDB", "id": "1A1U"},
            {"database": "PDB", "id": "1AIE"},
        ],
        "extraAttributes": {"uniParcId": "UPI000002ED67"},
    }
    assert by_from(body)["A0AV18"]["inactiveReason"] == {"inactiveReasonType": "DELETED"}


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ("accession,foo", ["Invalid fields parameter value 'foo'"]),
        (
            "bar, xref_nosuchdb",
            [
                "Invalid fields parameter value 'bar'",
                "Invalid fields parameter value 'xref_nosuchdb'",
            ],
        ),
    ],
)
def test_uniprotkb_unknown_fields(
    api_url: str, kb_job: str, fields: str, messages: list[str]
) -> None:
    response = httpx.get(kb_url(api_url, kb_job), params={"fields": fields})
    assert response.status_code == 400
    assert response.json()["messages"] == messages


def test_uniprotkb_list_xlsx_and_stream(api_url: str, kb_job: str) -> None:
    listed = httpx.get(kb_url(api_url, kb_job, stream=True), params={"format": "list"})
    assert listed.text.splitlines() == [
        "P04637",
        "K7PPA8",
        "Q6GZX4",
        "A0AV18",
        "A0A0A0MQ33",
        "P04637-2",
    ]
    paged_list = httpx.get(kb_url(api_url, kb_job), params={"format": "list"})
    assert paged_list.text == listed.text
    stream = httpx.get(kb_url(api_url, kb_job, stream=True)).json()
    assert list(stream) == ["results"]
    assert stream["results"] == httpx.get(kb_url(api_url, kb_job)).json()["results"]
    book = httpx.get(kb_url(api_url, kb_job), params={"format": "xlsx", "fields": "id"})
    with zipfile.ZipFile(io.BytesIO(book.content)) as opened:
        sheet = opened.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r"<t>([^<]*)</t>", sheet)[:4] == ["From", "Entry Name", "P04637", "P53_HUMAN"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"query": "nosuchfield:1"},
            "'nosuchfield' is not a valid search field",
        ),
        (
            {"sort": "accession sideways"},
            "Invalid sort field order 'sideways'. Expected asc or desc",
        ),
        (
            {"sort": "colour asc"},
            "Invalid sort field 'colour'",
        ),
        (
            {"facets": "colour"},
            "Invalid facet name 'colour'. Expected value can be [reviewed, fragment, "
            "structure_3d, model_organism, other_organism, existence, annotation_score, "
            "proteome, proteins_with, length].",
        ),
        (
            {"includeIsoform": "maybe"},
            "Invalid includeIsoform parameter value. Expected true or false",
        ),
        (
            {"subsequence": "true"},
            "Invalid content type received, 'application/json'. 'subsequence' parameter only "
            "accepted for 'text/plain;format=fasta' content type.",
        ),
        (
            {"format": "rdf"},
            "Invalid request received. Requested media type/format not accepted, 'rdf'. Valid "
            "media types/formats for this end-point include: application/json, "
            "text/plain;format=fasta, text/plain;format=tsv, "
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, "
            "application/xml, text/plain;format=flatfile, text/plain;format=gff, "
            "text/plain;format=list.",
        ),
    ],
)
def test_uniprotkb_bad_parameters(
    api_url: str, kb_job: str, params: dict[str, str], message: str
) -> None:
    response = httpx.get(kb_url(api_url, kb_job), params=params)
    assert response.status_code == 400
    assert response.json()["messages"] == [message]


def test_uniref_refuses_uniprotkb_formats(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniRef90", "P04637")
    response = httpx.get(f"{api_url}/idmapping/uniref/results/{job}", params={"format": "gff"})
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "Invalid request received. Requested media type/format not accepted, 'gff'. Valid media "
        "types/formats for this end-point include: text/plain;format=tsv, application/json, "
        "text/plain;format=fasta, "
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, "
        "text/plain;format=list."
    ]


def test_uniprotkb_accepts_what_clients_send(api_url: str, kb_job: str) -> None:
    # UniProtMapper: includeIsoform=false, size=500, compressed, a trailing slash
    response = httpx.get(
        kb_url(api_url, kb_job) + "/",
        params={
            "format": "tsv",
            "includeIsoform": "false",
            "size": "500",
            "compressed": "true",
            "query": "",
        },
    )
    assert response.status_code == 200 and response.content[:2] == b"\x1f\x8b"


def test_uniprotkb_pages_of_entries(api_url: str, api_release: Any) -> None:
    job = submit(api_url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    status = httpx.get(f"{api_url}/idmapping/status/{job}")
    assert status.headers["location"] == kb_url(api_url, job)
    first = httpx.get(kb_url(api_url, job))
    assert first.headers["x-total-results"] == str(api_release.bulk_size)
    assert first.headers["link"] == (
        f'<{kb_url(api_url, job)}?cursor=3v5g94y9lqs&size=25>; rel="next"'
    )
    seen = []
    url: str | None = kb_url(api_url, job) + "?format=tsv&fields=accession,reviewed&size=100"
    while url:
        page = httpx.get(url)
        lines = page.text.splitlines()
        assert lines[0] == "From\tEntry\tReviewed"
        seen += [line.split("\t")[1:] for line in lines[1:]]
        match = re.match(r'<(.+)>; rel="next"', page.headers.get("link", ""))
        url = match.group(1) if match else None
    assert seen == [
        [api_release.bulk_accession(n), "unreviewed"] for n in range(api_release.bulk_size)
    ]


def test_swissprot_target_and_wrong_dataset(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniProtKB-Swiss-Prot", "P04637,K7PPA8")
    assert by_from(httpx.get(kb_url(api_url, job)).json())["P04637"]["entryType"] == REVIEWED
    other = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637")
    response = httpx.get(kb_url(api_url, other))
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "Invalid request received. This job mapped to 'GeneID', whose results are at "
        f"{api_url}/idmapping/results/{other}"
    ]
    assert httpx.get(f"{api_url}/idmapping/uniparc/results/{job}").status_code == 400


# --- UniRef and UniParc -------------------------------------------------------------------------


def test_uniref_light_entries(api_url: str, api_release: Any) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniRef90", f"P04637,{api_release.bulk_accession(0)}")
    url = f"{api_url}/idmapping/uniref/results/{job}"
    entries = by_from(httpx.get(url).json())
    assert entries["P04637"] == {
        "id": "UniRef90_P04637",
        "entryType": "UniRef90",
        "memberCount": 2,
        "representativeMember": {"memberId": "P53_HUMAN", "accessions": ["P04637"]},
        "members": ["P04637", "K7PPA8"],
    }
    bulk = entries[api_release.bulk_accession(0)]
    assert bulk["id"] == api_release.bulk_cluster
    assert bulk["memberCount"] == api_release.bulk_size
    assert len(bulk["members"]) == 10  # a light entry lists ten members
    complete = by_from(httpx.get(url, params={"complete": "true"}).json())
    assert len(complete[api_release.bulk_accession(0)]["members"]) == api_release.bulk_size
    tsv = httpx.get(url, params={"format": "tsv"}).text.splitlines()
    assert tsv[0] == "From\tCluster ID\tCluster Name\tCommon taxon\tSize\tDate of last modification"
    assert tsv[1] == "P04637\tUniRef90_P04637\t\t\t2\t"
    listed = httpx.get(
        f"{api_url}/idmapping/uniref/results/stream/{job}", params={"format": "list"}
    )
    assert listed.text.splitlines() == ["UniRef90_P04637", api_release.bulk_cluster]
    members = httpx.get(url, params={"format": "tsv", "fields": "id,count,members"}).text
    assert members.splitlines()[1] == "P04637\tUniRef90_P04637\t2\tP04637; K7PPA8"


def test_uniparc_light_entries(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniParc", "P04637,P02340")
    url = f"{api_url}/idmapping/uniparc/results/{job}"
    assert httpx.get(url).json() == {
        "results": [
            {
                "from": "P04637",
                "to": {"uniParcId": "UPI000002ED67", "uniProtKBAccessions": ["P04637"]},
            },
            {
                "from": "P02340",
                "to": {"uniParcId": "UPI00000002B6", "uniProtKBAccessions": ["P02340"]},
            },
        ]
    }
    tsv = httpx.get(
        f"{url.replace('/results/', '/results/stream/')}", params={"format": "tsv"}
    ).text.splitlines()
    assert tsv == [
        "From\tEntry\tOrganisms\tUniProtKB\tFirst seen\tLast seen\tLength",
        "P04637\tUPI000002ED67\t\tP04637\t\t\t",
        "P02340\tUPI00000002B6\t\tP02340\t\t\t",
    ]
    fields = httpx.get(url, params={"fields": "upi,nope"})
    assert fields.json()["messages"] == ["Invalid fields parameter value 'nope'"]


def test_entry_page_errors_in_the_asked_format(api_url: str, kb_job: str) -> None:
    response = httpx.get(kb_url(api_url, kb_job), params={"format": "tsv", "size": "900"})
    assert response.status_code == 400
    assert response.text == "Error messages\n'size' must be less than or equal to 500"
    missing = httpx.get(kb_url(api_url, "nosuchjob"), params={"format": "list"})
    assert (missing.status_code, missing.text) == (404, "Error messages\nResource not found")
