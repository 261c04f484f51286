"""The demo release's entry files, consistent with its mapping files.

:func:`write_entry_files` reads the demo's ``idmapping.dat.gz`` back and writes, for the same
entries, UniProtKB flat files (``uniprot_sprot.dat.gz``, ``uniprot_trembl.dat.gz``, in the
exact flat-file format), UniRef XML (``uniref100/90/50.xml.gz``) for its clusters, UniParc
XML (``uniparc_all.xml.gz``) for its UniParc ids, and the isoform sequence file
(``uniprot_sprot_varsplic.fasta.gz``) for the isoforms that idmapping.dat names of Swiss-Prot
entries (``Q9DEM0-2``; isoform 1 is the displayed, canonical sequence, which UniProt leaves
out of that file). Names, genes, taxa and cross-references come from idmapping.dat; sequences
are generated, one per UniParc id, so that entries sharing a UniParc id share their sequence,
and each isoform's from its entry's. The same input gives byte-identical files.

The first UniParc entry (that of ``Q9DEM0``) also carries the RefSeq id ``XP_999000001``, which
no UniProtKB entry has: mapping it from RefSeq_Protein to UniProtKB suggests that UniParc id.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from idmapping.catalogue import Catalogue
from idmapping.entries.uniprotkb import xref_databases
from idmapping.uniprot.common import REVIEWED, UNREVIEWED, Json, drline_databases, sequence_object
from idmapping.uniprot.writers.fasta import fasta_protein_name, uniprotkb_fasta
from idmapping.uniprot.writers.ffwriter import flat_file

__all__ = ["write_entry_files", "demo_sequence", "ENTRY_FILES", "SUGGESTED_REFSEQ"]

ENTRY_FILES = ("uniprot_sprot.dat.gz", "uniprot_trembl.dat.gz", "uniref100.xml.gz",
               "uniref90.xml.gz", "uniref50.xml.gz", "uniparc_all.xml.gz",
               "uniprot_sprot_varsplic.fasta.gz")
SUGGESTED_REFSEQ = "XP_999000001"
DATE = "2099-01-01"
_AMINO = "ACDEFGHIKLMNPQRSTVWY"
_ORGANISMS = {
    "9606": ("Homo sapiens", "Human", "Eukaryota; Metazoa; Chordata; Mammalia; Primates"),
    "10090": ("Mus musculus", "Mouse", "Eukaryota; Metazoa; Chordata; Mammalia; Rodentia"),
    "10116": ("Rattus norvegicus", "Rat", "Eukaryota; Metazoa; Chordata; Mammalia; Rodentia"),
    "9913": ("Bos taurus", "Bovine", "Eukaryota; Metazoa; Chordata; Mammalia; Artiodactyla"),
    "7955": ("Danio rerio", "Zebrafish", "Eukaryota; Metazoa; Chordata; Actinopterygii"),
    "8355": ("Xenopus laevis", "African clawed frog", "Eukaryota; Metazoa; Chordata; Amphibia"),
    "7227": ("Drosophila melanogaster", "Fruit fly", "Eukaryota; Metazoa; Arthropoda; Insecta"),
    "6239": ("Caenorhabditis elegans", "", "Eukaryota; Metazoa; Nematoda; Chromadorea"),
    "559292": ("Saccharomyces cerevisiae (strain ATCC 204508 / S288c)", "Baker's yeast",
               "Eukaryota; Fungi; Dikarya; Ascomycota"),
    "284812": ("Schizosaccharomyces pombe (strain 972 / ATCC 24843)", "Fission yeast",
               "Eukaryota; Fungi; Dikarya; Ascomycota"),
    "3702": ("Arabidopsis thaliana", "Mouse-ear cress", "Eukaryota; Viridiplantae; "
             "Streptophyta; Embryophyta"),
    "4577": ("Zea mays", "Maize", "Eukaryota; Viridiplantae; Streptophyta; Embryophyta"),
    "83333": ("Escherichia coli (strain K12)", "", "Bacteria; Pseudomonadota; "
              "Gammaproteobacteria; Enterobacterales"),
    "83332": ("Mycobacterium tuberculosis (strain ATCC 25618 / H37Rv)", "",
              "Bacteria; Actinomycetota; Actinomycetes; Mycobacteriales"),
    "208964": ("Pseudomonas aeruginosa (strain ATCC 15692 / PAO1)", "",
               "Bacteria; Pseudomonadota; Gammaproteobacteria; Pseudomonadales"),
    "272624": ("Legionella pneumophila subsp. pneumophila (strain Philadelphia 1)", "",
               "Bacteria; Pseudomonadota; Gammaproteobacteria; Legionellales"),
    "272631": ("Mycobacterium leprae (strain TN)", "", "Bacteria; Actinomycetota"),
    "237561": ("Candida albicans (strain SC5314 / ATCC MYA-2876)", "Yeast",
               "Eukaryota; Fungi; Dikarya; Ascomycota"),
    "44689": ("Dictyostelium discoideum", "Social amoeba", "Eukaryota; Amoebozoa"),
    "36329": ("Plasmodium falciparum (isolate 3D7)", "", "Eukaryota; Sar; Alveolata"),
    "6279": ("Brugia malayi", "Filarial nematode worm", "Eukaryota; Metazoa; Nematoda"),
    "654924": ("Frog virus 3 (isolate Goorha)", "FV-3", "Viruses; Varidnaviria"),
    "11108": ("Hepatitis C virus (isolate 1)", "HCV", "Viruses; Riboviria"),
    "6492": ("Conus magus", "Magical cone", "Eukaryota; Metazoa; Mollusca"),
    "6918": ("Phoneutria nigriventer", "Brazilian armed spider", "Eukaryota; Metazoa"),
}


def _entries(dat: Path) -> Iterator[tuple[str, dict[str, list[str]], list[str]]]:
    """idmapping.dat rows by canonical accession, in file order, and the isoform accessions
    that the entry's isoform rows (which follow its own) name."""
    current = ""
    rows: dict[str, list[str]] = {}
    isoforms: list[str] = []
    with gzip.open(dat, "rt", encoding="ascii") as text:
        for line in text:
            accession, id_type, value = line.rstrip("\n").split("\t")
            if "-" in accession:
                if accession not in isoforms:
                    isoforms.append(accession)
                continue
            if accession != current:
                if current:
                    yield current, rows, isoforms
                current, rows, isoforms = accession, {}, []
            rows.setdefault(id_type, []).append(value)
    if current:
        yield current, rows, isoforms


def demo_sequence(upi: str) -> str:
    """The generated sequence of a demo UniParc id (the same for every entry that has it)."""
    rng = random.Random(upi)
    return "M" + "".join(rng.choices(_AMINO, k=30 + rng.randrange(150)))


def _isoform_sequence(canonical: str, accession: str) -> str:
    """A generated isoform of *canonical*: a stretch of it replaced by one of another length,
    as an alternative exon would."""
    rng = random.Random(accession)
    start = 1 + rng.randrange(len(canonical) - 1)
    end = min(len(canonical), start + 5 + rng.randrange(40))
    exon = "".join(rng.choices(_AMINO, k=max(0, end - start + rng.choice((-12, -6, 3, 9)))))
    return canonical[:start] + exon + canonical[end:]


def _isoform_records(entry: Json, isoforms: list[str]) -> str:
    """The isoform file's records of a Swiss-Prot entry: every isoform but the displayed one
    (``-1``), under UniProt's isoform header (the entry's name, organism and gene)."""
    name = fasta_protein_name(entry)
    records = []
    for accession in isoforms:
        number = accession.rsplit("-", 1)[1]
        if number == "1":
            continue
        isoform: Json = {
            "entryType": REVIEWED, "primaryAccession": accession,
            "uniProtkbId": entry["uniProtkbId"], "organism": entry["organism"],
            "proteinDescription": {"recommendedName": {"fullName": {
                "value": f"Isoform {number} of {name}"}}},
            "genes": entry.get("genes", []),
            "sequence": {"value": _isoform_sequence(entry["sequence"]["value"], accession)}}
        records.append(uniprotkb_fasta(isoform))
    return "".join(records)


def _xrefs(rows: dict[str, list[str]], databases: dict[str, str]) -> list[Json]:
    found = []
    config = drline_databases()
    for id_type, values in rows.items():
        database = databases.get(id_type)
        if database is None:
            continue
        attrs = config.get(database, ("", []))[1]
        for value in values:
            xref: Json = {"database": database, "id": value}
            xref["properties"] = [{"key": name, "value": "-"} for name, _ in attrs] or [
                {"key": "Description", "value": "-"}]
            found.append(xref)
    return found


def _gene(rows: dict[str, list[str]]) -> list[Json]:
    gene: Json = {}
    if rows.get("Gene_Name"):
        gene["geneName"] = {"value": rows["Gene_Name"][0]}
    for id_type, key in (("Gene_Synonym", "synonyms"), ("Gene_OrderedLocusName",
                                                        "orderedLocusNames"),
                         ("Gene_ORFName", "orfNames")):
        if rows.get(id_type):
            gene[key] = [{"value": v} for v in rows[id_type]]
    return [gene] if gene else []


def _entry(accession: str, rows: dict[str, list[str]], databases: dict[str, str]) -> Json:
    name = rows.get("UniProtKB-ID", [f"{accession}_UNKNOWN"])[0]
    reviewed = not name.startswith(accession + "_")
    taxid = rows.get("NCBI_TaxID", ["1"])[0]
    scientific, common, lineage = _ORGANISMS.get(taxid, ("unclassified organism", "", ""))
    gene = (rows.get("Gene_Name") or rows.get("Gene_OrderedLocusName") or
            rows.get("Gene_ORFName") or [accession])[0]
    title = {"fullName": {"value": f"Demo protein {gene}"}}
    organism: Json = {"scientificName": scientific}
    if common:
        organism["commonName"] = common
    organism["taxonId"] = int(taxid)
    organism["lineage"] = lineage.split("; ") if lineage else []
    entry: Json = {
        "entryType": REVIEWED if reviewed else UNREVIEWED, "primaryAccession": accession,
        "uniProtkbId": name,
        "entryAudit": {"firstPublicDate": DATE, "lastAnnotationUpdateDate": DATE,
                       "lastSequenceUpdateDate": DATE, "entryVersion": 1,
                       "sequenceVersion": 1},
        "organism": organism,
        "proteinExistence": "1: Evidence at protein level" if reviewed else "4: Predicted",
        "proteinDescription": {"recommendedName": title} if reviewed else {
            "submissionNames": [title]},
    }
    genes = _gene(rows)
    if genes:
        entry["genes"] = genes
    if reviewed:
        entry["comments"] = [{"texts": [{"value": "Generated for the idmapping demo release; "
                                         "not a real protein"}], "commentType": "FUNCTION"}]
    entry["references"] = [{"citation": {
        "citationType": "submission", "authors": ["Demo A."],
        "publicationDate": "JAN-2099",
        "submissionDatabase": "EMBL/GenBank/DDBJ databases"},
        "referencePositions": ["NUCLEOTIDE SEQUENCE [MRNA]"]}]
    entry["uniProtKBCrossReferences"] = _xrefs(rows, databases)
    upi = rows.get("UniParc", [accession])[0]
    sequence = demo_sequence(upi)
    if reviewed:
        entry["features"] = [{"type": "Chain", "location": {
            "start": {"value": 1, "modifier": "EXACT"},
            "end": {"value": len(sequence), "modifier": "EXACT"}},
            "description": f"Demo protein {gene}"}]
    entry["keywords"] = [{"name": "Reference proteome"}]
    entry["sequence"] = sequence_object(sequence)
    return entry


def _gzip(path: Path) -> gzip.GzipFile:
    return gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)


@dataclass(frozen=True)
class _Brief:
    """What the UniRef and UniParc files need of an entry (the entries themselves are not
    kept: a large demo release would not fit in memory)."""

    accession: str
    name: str
    reviewed: bool
    taxon: int
    organism: str
    protein: str
    upi: str
    clusters: tuple[tuple[str, str], ...]
    refseq: tuple[str, ...]


def _brief(entry: Json, rows: dict[str, list[str]]) -> _Brief:
    organism = entry["organism"]
    source = organism["scientificName"] + (f" ({organism['commonName']})"
                                           if organism.get("commonName") else "")
    return _Brief(entry["primaryAccession"], entry["uniProtkbId"],
                  entry["entryType"] == REVIEWED, organism["taxonId"], source,
                  fasta_protein_name(entry), rows.get("UniParc", [""])[0],
                  tuple((t, rows[t][0]) for t in ("UniRef100", "UniRef90", "UniRef50")
                        if rows.get(t)),
                  tuple(r.rsplit(".", 1)[0] for r in rows.get("RefSeq", [])))


def _uniref_member(tag: str, brief: _Brief, kind: str, with_sequence: bool) -> str:
    sequence = sequence_object(demo_sequence(brief.upi))
    props = [("UniProtKB accession", brief.accession), ("source organism", brief.organism),
             ("NCBI taxonomy", str(brief.taxon)),
             *([("protein name", brief.protein)] if with_sequence else []),
             ("UniParc ID", brief.upi),
             *((f"{t} ID", c) for t, c in brief.clusters if t != kind),
             ("length", str(sequence["length"]))]
    lines = [f"  <{tag}>", f'    <dbReference type="UniProtKB ID" id={quoteattr(brief.name)}>']
    lines += [f"      <property type={quoteattr(k)} value={quoteattr(v)}/>" for k, v in props]
    lines.append("    </dbReference>")
    if with_sequence:
        lines.append(f'    <sequence length="{sequence["length"]}" '
                     f'checksum="{sequence["crc64"]}">{sequence["value"]}</sequence>')
    lines.append(f"  </{tag}>")
    return "\n".join(lines) + "\n"


def _uniref_file(path: Path, kind: str, clusters: dict[str, list[_Brief]]) -> None:
    with _gzip(path) as out:
        out.write(f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<{kind} xmlns="http://uniprot.'
                  f'org/uniref" releaseDate="{DATE}" version="2099_01">\n'.encode())
        for cluster, members in clusters.items():
            named = cluster.split("_", 1)[1]
            rep = next((m for m in members if m.accession == named), members[0])
            same = len({m.taxon for m in members}) == 1
            name, taxon = (rep.organism.split(" (")[0], rep.taxon) if same else (
                "cellular organisms", 131567)
            text = [f'<entry id="{cluster}" updated="{DATE}">',
                    f"  <name>Cluster: {escape(rep.protein)}</name>",
                    f'  <property type="member count" value="{len(members)}"/>',
                    f'  <property type="common taxon" value={quoteattr(name)}/>',
                    f'  <property type="common taxon ID" value="{taxon}"/>']
            out.write(("\n".join(text) + "\n").encode())
            for member in [rep, *(m for m in members if m is not rep)]:
                tag = "representativeMember" if member is rep else "member"
                out.write(_uniref_member(tag, member, kind, member is rep).encode())
            out.write(b"</entry>\n")
        out.write(f"</{kind}>\n".encode())


def _uniparc_file(path: Path, upis: dict[str, list[_Brief]]) -> None:
    with _gzip(path) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                  b'<uniparc xmlns="http://uniprot.org/uniparc">\n')
        for n, (upi, members) in enumerate(upis.items()):
            sequence = sequence_object(demo_sequence(upi))
            out.write(f'<entry dataset="uniparc" UniParcId="{upi}">\n'
                      f"  <accession>{upi}</accession>\n".encode())
            for brief in members:
                db = "UniProtKB/Swiss-Prot" if brief.reviewed else "UniProtKB/TrEMBL"
                refs = [(db, brief.accession)] + [("RefSeq", r) for r in brief.refseq]
                if n == 0 and brief is members[0]:
                    refs.append(("RefSeq", SUGGESTED_REFSEQ))
                for kind, ident in refs:
                    out.write(f'  <dbReference type="{kind}" id="{ident}" version_i="1" '
                              f'active="Y" version="1" created="{DATE}" last="{DATE}">\n'
                              f'    <property type="NCBI_taxonomy_id" value="{brief.taxon}"/>\n'
                              f"    <property type=\"protein_name\" value="
                              f"{quoteattr(brief.protein)}/>\n"
                              "  </dbReference>\n".encode())
            out.write(f'  <sequence length="{sequence["length"]}" checksum="{sequence["crc64"]}">'
                      f'{sequence["value"]}</sequence>\n</entry>\n'.encode())
        out.write(b"</uniparc>\n")


def write_entry_files(directory: Path, dat: Path) -> list[Path]:
    """Write the entry files of the demo release in *directory* from its idmapping.dat.

    Entries are written to the flat files as they are read; only a brief of each is kept for
    the UniRef and UniParc files, whose entries gather members from all over the release.

    :param directory: where to write (:data:`ENTRY_FILES`).
    :param dat: the release's ``idmapping.dat.gz``.
    """
    databases = xref_databases(Catalogue.default())
    paths = [directory / name for name in ENTRY_FILES]
    clusters: dict[str, dict[str, list[_Brief]]] = {"UniRef100": {}, "UniRef90": {},
                                                     "UniRef50": {}}
    upis: dict[str, list[_Brief]] = {}
    with _gzip(paths[0]) as sprot, _gzip(paths[1]) as trembl, _gzip(paths[6]) as varsplic:
        for accession, rows, isoforms in _entries(dat):
            entry = _entry(accession, rows, databases)
            reviewed = entry["entryType"] == REVIEWED
            (sprot if reviewed else trembl).write(flat_file(entry).encode("ascii"))
            if reviewed and isoforms:
                varsplic.write(_isoform_records(entry, isoforms).encode("ascii"))
            brief = _brief(entry, rows)
            for kind, cluster in brief.clusters:
                clusters[kind].setdefault(cluster, []).append(brief)
            if brief.upi:
                upis.setdefault(brief.upi, []).append(brief)
    for path, (kind, found) in zip(paths[2:5], clusters.items(), strict=True):
        _uniref_file(path, kind, found)
    _uniparc_file(paths[5], upis)
    return paths
