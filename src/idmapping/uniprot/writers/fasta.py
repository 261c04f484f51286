"""FASTA records of UniProtKB, UniRef and UniParc entries, with UniProt's exact headers.

>>> entry = {"entryType": "UniProtKB reviewed (Swiss-Prot)", "primaryAccession": "P1",
...          "uniProtkbId": "A_HUMAN", "organism": {"scientificName": "Homo sapiens",
...          "taxonId": 9606}, "proteinExistence": "1: Evidence at protein level",
...          "proteinDescription": {"recommendedName": {"fullName": {"value": "Prot A"}}},
...          "genes": [{"geneName": {"value": "A"}}], "entryAudit": {"sequenceVersion": 2},
...          "sequence": {"value": "MKV"}}
>>> uniprotkb_fasta(entry)
'>sp|P1|A_HUMAN Prot A OS=Homo sapiens OX=9606 GN=A PE=1 SV=2\\nMKV\\n'
>>> uniprotkb_fasta(entry, (2, 3))
'>sp|P1|2-3\\nKV\\n'
"""

from __future__ import annotations

from idmapping.uniprot.common import REVIEWED, Json

__all__ = ["wrap", "uniprotkb_fasta", "uniref_fasta", "uniparc_fasta", "fasta_protein_name"]

LINE = 60


def wrap(sequence: str, width: int = LINE) -> str:
    """The sequence in lines of *width* residues, each ending ``\\n``."""
    return "".join(sequence[i : i + width] + "\n" for i in range(0, len(sequence), width))


def fasta_protein_name(entry: Json) -> str:
    """The recommended full name, else the first submitted name; `` (Fragment)`` appended."""
    desc = entry.get("proteinDescription") or {}
    name = ((desc.get("recommendedName") or {}).get("fullName") or {}).get("value")
    if not name and desc.get("submissionNames"):
        name = desc["submissionNames"][0].get("fullName", {}).get("value")
    name = name or ""
    flag = desc.get("flag", "")
    if flag and flag != "Precursor":
        name += " (Fragment)"
    return name


def _gene(entry: Json) -> str | None:
    for gene in entry.get("genes", []):
        if "geneName" in gene:
            return str(gene["geneName"]["value"])
    for key in ("orderedLocusNames", "orfNames"):
        for gene in entry.get("genes", []):
            if gene.get(key):
                return str(gene[key][0]["value"])
    return None


def uniprotkb_fasta(entry: Json, subsequence: tuple[int, int] | None = None) -> str:
    """The FASTA record of a UniProtKB entry (``>sp|ACC|NAME ...``), or of a range of it.

    :param subsequence: the first and last positions of the range, from 1; None for all.
    """
    accession = entry["primaryAccession"]
    db = "sp" if entry.get("entryType") == REVIEWED else "tr"
    sequence = (entry.get("sequence") or {}).get("value", "")
    if subsequence is not None:
        begin, end = subsequence
        return f">{db}|{accession}|{begin}-{end}\n" + wrap(sequence[begin - 1 : end])
    organism = entry.get("organism") or {}
    header = f">{db}|{accession}|{entry.get('uniProtkbId', '')} {fasta_protein_name(entry)}"
    header += f" OS={organism.get('scientificName', '')} OX={organism.get('taxonId', '')}"
    gene = _gene(entry)
    if gene:
        header += f" GN={gene}"
    if not (db == "sp" and "-" in accession):
        existence = str(entry.get("proteinExistence", ""))[:1]
        version = (entry.get("entryAudit") or {}).get("sequenceVersion", "")
        header += f" PE={existence} SV={version}"
    return header + "\n" + wrap(sequence)


def uniref_fasta(entry: Json) -> str:
    """``>UniRef90_X <name> n=<count> Tax=<taxon> TaxID=<id> RepID=<member id>``."""
    rep = entry.get("representativeMember") or {}
    name = str(entry.get("name", "")).removeprefix("Cluster: ")
    header = f">{entry['id']} {name} n={entry.get('memberCount', 0)}"
    taxon = entry.get("commonTaxon") or {}
    if taxon and taxon.get("taxonId") != 1:
        header += f" Tax={taxon.get('scientificName', '')} TaxID={taxon.get('taxonId', '')}"
    header += f" RepID={rep.get('memberId', '')}"
    return header + "\n" + wrap((rep.get("sequence") or {}).get("value", ""))


def uniparc_fasta(entry: Json, subsequence: tuple[int, int] | None = None) -> str:
    """``>UPI... status=active`` (``inactive`` when no UniProtKB entry is active).

    :param subsequence: the first and last positions of a range, from 1; None for all.
    """
    sequence = (entry.get("sequence") or {}).get("value", "")
    status = "active" if entry.get("uniProtKBAccessions") or entry.get(
        "crossReferenceCount") else "inactive"
    ident = entry["uniParcId"]
    if subsequence is not None:
        ident += f"|{subsequence[0]}-{subsequence[1]}"
        sequence = sequence[subsequence[0] - 1 : subsequence[1]]
    return f">{ident} status={status}\n" + wrap(sequence)
