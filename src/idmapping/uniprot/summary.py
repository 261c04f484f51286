"""What a store keeps beside each entry document: the columns that filters and sorting read.

A document is the entry's JSON, compressed (:func:`pack`: zlib's format, written by ISA-L's
igzip, about 4 times faster than zlib's level 6 for about 7% more bytes; any zlib reads it);
the columns are plain values taken
from it (:func:`uniprotkb_row`, :func:`uniref_row`, :func:`uniparc_row`), in the order of the
store's document tables (:data:`idmapping.store.schema.DOCUMENT_COLUMNS`). Text columns that
queries search are lower-case and hold their terms between single spaces (``" tp53 p53 "``),
so a term matches with ``LIKE '% tp53 %'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson
from isal import isal_zlib

from idmapping.uniprot.common import REVIEWED, Json
from idmapping.uniprot.readers.clusters import RELATED_CLUSTERS
from idmapping.uniprot.uniparcdb import facet_number, search_name

__all__ = ["pack", "unpack", "pack_text", "unpack_text", "uniprotkb_row", "uniref_row",
           "uniparc_row", "protein_names", "gene_names", "ec_numbers", "terms",
           "annotation_score", "fragment", "proteins_with", "PROTEINS_WITH"]

_ISOFORM = re.compile(r"-[0-9]+$")
_LEVEL = 3
"""ISA-L's highest level (0-3): the smallest of its outputs."""


def pack(entry: Json) -> bytes:
    """An entry's JSON, compressed for the store."""
    return isal_zlib.compress(orjson.dumps(entry), _LEVEL)


def unpack(blob: bytes) -> Json:
    """The JSON of a packed entry."""
    data: Json = orjson.loads(isal_zlib.decompress(blob))
    return data


def pack_text(text: str) -> bytes:
    """Text (a flat-file entry) compressed for the store."""
    return isal_zlib.compress(text.encode("utf-8"), _LEVEL)


def unpack_text(blob: bytes) -> str:
    """The text of :func:`pack_text`."""
    return isal_zlib.decompress(blob).decode("utf-8")


def terms(values: Iterable[str]) -> str:
    """Lower-case search terms between single spaces: ``" a b "`` (empty: ``""``)."""
    words = [v.strip().lower() for v in values if v and v.strip()]
    return " " + " ".join(words) + " " if words else ""


def _names(block: Json | None) -> list[str]:
    if not block:
        return []
    found = []
    if "fullName" in block:
        found.append(block["fullName"]["value"])
    found += [s["value"] for s in block.get("shortNames", [])]
    return found


def protein_names(entry: Json) -> list[str]:
    """Every protein name of an entry, the recommended (or first submitted) full name first."""
    desc = entry.get("proteinDescription") or {}
    found = _names(desc.get("recommendedName"))
    for key in ("submissionNames", "alternativeNames"):
        for block in desc.get(key, []):
            found += _names(block)
    for key in ("includes", "contains"):
        for part in desc.get(key, []):
            found += _names(part.get("recommendedName"))
            for block in part.get("alternativeNames", []):
                found += _names(block)
    return found


def gene_names(entry: Json) -> list[str]:
    """Every gene name of an entry: names, synonyms, ordered-locus and ORF names."""
    found = []
    for gene in entry.get("genes", []):
        if "geneName" in gene:
            found.append(gene["geneName"]["value"])
        for key in ("synonyms", "orderedLocusNames", "orfNames"):
            found += [v["value"] for v in gene.get(key, [])]
    return found


def ec_numbers(entry: Json) -> list[str]:
    """Every EC number of an entry's names."""
    desc = entry.get("proteinDescription") or {}
    found = []
    blocks = [desc.get("recommendedName") or {}, *desc.get("submissionNames", []),
              *desc.get("alternativeNames", [])]
    for key in ("includes", "contains"):
        for part in desc.get(key, []):
            blocks += [part.get("recommendedName") or {}, *part.get("alternativeNames", [])]
    for block in blocks:
        found += [ec["value"] for ec in block.get("ecNumbers", [])]
    return list(dict.fromkeys(found))


def _xref_terms(entry: Json) -> tuple[list[str], list[str]]:
    go, xrefs = [], []
    for xref in entry.get("uniProtKBCrossReferences", []):
        db, ident = xref["database"], xref["id"]
        xrefs += [f"{db}-{ident}", ident]
        if db == "GO":
            go.append(ident.removeprefix("GO:"))
            go.append(ident)
            for prop in xref.get("properties", []):
                if prop["key"] == "GoTerm":
                    go.append(prop["value"].split(":", 1)[-1].replace(" ", "_"))
    return go, xrefs


# UniProt's "Proteins with" facet: the number of each kind of annotation an entry has (a
# comment type or a feature type of its JSON; 1 is a PDB cross-reference), as UniProt numbers
# them (its uniprotkb.facet.properties labels them).
PROTEINS_WITH: dict[str, int] = {
    "Active site": 2, "ACTIVITY REGULATION": 3, "ALLERGEN": 4, "ALTERNATIVE PRODUCTS": 5,
    "Alternative sequence": 6, "Beta strand": 7, "INTERACTION": 8, "Binding site": 9,
    "BIOPHYSICOCHEMICAL PROPERTIES": 10, "BIOTECHNOLOGY": 11, "Calcium binding": 12,
    "CATALYTIC ACTIVITY": 13, "Chain": 14, "COFACTOR": 15, "Coiled coil": 16,
    "Compositional bias": 17, "Cross-link": 18, "DEVELOPMENTAL STAGE": 19, "DISEASE": 20,
    "DISRUPTION PHENOTYPE": 21, "Disulfide bond": 22, "DNA binding": 23, "Domain": 24,
    "FUNCTION": 25, "Glycosylation": 26, "Helix": 27, "INDUCTION": 28,
    "Initiator methionine": 29, "Intramembrane": 30, "Lipidation": 31,
    "MASS SPECTROMETRY": 32, "Metal binding": 33, "Modified residue": 34, "Motif": 35,
    "Mutagenesis": 36, "Natural variant": 37, "Non-standard residue": 38,
    "Nucleotide binding": 39, "PATHWAY": 40, "Peptide": 41, "PHARMACEUTICAL": 42,
    "POLYMORPHISM": 43, "Propeptide": 44, "PTM": 45, "Region": 46, "Repeat": 47,
    "RNA EDITING": 48, "Signal": 49, "SUBCELLULAR LOCATION": 50, "SUBUNIT": 51,
    "TISSUE SPECIFICITY": 52, "Topological domain": 53, "TOXIC DOSE": 54,
    "Transit peptide": 55, "Transmembrane": 56, "Turn": 57, "Zinc finger": 58,
}
STRUCTURE_3D = 1
"""The "Proteins with" number of a 3D structure (a PDB cross-reference)."""


def proteins_with(entry: Json) -> list[int]:
    """The "Proteins with" numbers of an entry, ascending."""
    found = {PROTEINS_WITH.get(str(c.get("commentType", ""))) for c in entry.get("comments", [])}
    found |= {PROTEINS_WITH.get(str(f.get("type", ""))) for f in entry.get("features", [])}
    if any(x.get("database") == "PDB" for x in entry.get("uniProtKBCrossReferences", [])):
        found.add(STRUCTURE_3D)
    return sorted(code for code in found if code is not None)


def fragment(entry: Json) -> int:
    """1 if the entry's sequence is a fragment (its names are flagged so), else 0."""
    flag = str((entry.get("proteinDescription") or {}).get("flag", ""))
    return int("Fragment" in flag)


def annotation_score(entry: Json) -> int | None:
    """The entry's annotation score (1 to 5) if its JSON carries one; flat files and XML do
    not."""
    score = entry.get("annotationScore")
    return int(score) if isinstance(score, (int, float)) else None


def uniprotkb_row(entry: Json, flat: str | None = None) -> tuple[Any, ...]:
    """The ``kb_entries`` row of a UniProtKB entry's JSON (and its flat-file text)."""
    accession = entry["primaryAccession"]
    organism = entry.get("organism") or {}
    sequence = entry.get("sequence") or {}
    audit = entry.get("entryAudit") or {}
    existence = str(entry.get("proteinExistence", ""))[:1]
    genes = gene_names(entry)
    go, xrefs = _xref_terms(entry)
    keywords = [k.get("name", "") for k in entry.get("keywords", [])] + \
        [k["id"] for k in entry.get("keywords", []) if "id" in k]
    org_name = organism.get("scientificName", "")
    if organism.get("commonName"):
        org_name += f" ({organism['commonName']})"
    return (
        accession, _ISOFORM.sub("", accession), entry.get("uniProtkbId"),
        int(entry.get("entryType") == REVIEWED), int(bool(_ISOFORM.search(accession))),
        organism.get("taxonId"), org_name.lower(), sequence.get("length"),
        sequence.get("molWeight"), int(existence) if existence.isdigit() else None,
        audit.get("firstPublicDate"), audit.get("lastAnnotationUpdateDate"),
        audit.get("entryVersion"), terms(["|".join(protein_names(entry))]).replace("|", " | "),
        terms(genes), genes[0].lower() if genes else None, terms(ec_numbers(entry)),
        terms(go), terms(k.replace(" ", "_") for k in keywords), terms(xrefs),
        annotation_score(entry), fragment(entry), terms(str(c) for c in proteins_with(entry)),
        organism.get("scientificName"),
        " " + " ".join(proteomes) + " " if (proteomes := list(dict.fromkeys(
            x["id"] for x in entry.get("uniProtKBCrossReferences", [])
            if x.get("database") == "Proteomes"))) else "",
        pack(entry), pack_text(flat) if flat is not None else None,
    )


def uniref_row(entry: Json) -> tuple[Any, ...]:
    """The ``uniref_entries`` row of a UniRef entry's JSON; its members' clusters
    (:data:`~idmapping.uniprot.readers.clusters.RELATED_CLUSTERS`) go to the ``clusters``
    column, not into the stored document."""
    clusters = entry.get(RELATED_CLUSTERS, [])
    entry = {k: v for k, v in entry.items() if k != RELATED_CLUSTERS}
    rep = entry.get("representativeMember") or {}
    taxon = entry.get("commonTaxon") or {}
    identity = entry.get("entryType", "UniRef").removeprefix("UniRef")
    return (
        entry["id"], int(identity) if identity.isdigit() else None, entry.get("name", ""),
        entry.get("memberCount", 0), (rep.get("sequence") or {}).get("length",
                                                                     rep.get("sequenceLength")),
        taxon.get("taxonId"), str(taxon.get("scientificName", "")).lower(),
        entry.get("updated"), terms(entry.get("members", [])), terms(clusters), pack(entry),
    )


def uniparc_row(entry: Json, xrefs: Iterable[Json] = ()) -> tuple[Any, ...]:
    """The ``uniparc_entries`` row of a UniParc entry's JSON and its cross-references
    (``{"database", "id", "active", "version", "taxon"}``, as UniParc XML states them).

    The columns beyond the entry's are UniProt's UniParc search fields and facets:
    ``databases`` the ``database_facet`` numbers of every cross-reference, ``database`` and
    ``active`` the search names of the databases of every and of the active ones, ``dbid``
    the ids (and ``id.version``), ``taxa`` the organisms' taxa, then gene names, protein
    names, proteome ids, the sequence features' signature and InterPro ids and the words of
    the proteomes' components (``chromosome 8``).
    """
    sequence = entry.get("sequence") or {}
    refs = list(xrefs)
    numbers = sorted({n for x in refs if (n := facet_number(str(x.get("database", ""))))})
    names = [search_name(str(x.get("database", ""))) for x in refs]
    active = [n for n, x in zip(names, refs, strict=True) if x.get("active")]
    ids = [str(x["id"]) for x in refs if x.get("id")]
    ids += [f"{x['id']}.{x['version']}" for x in refs if x.get("id") and x.get("version")]
    taxa = [str(t["taxonId"]) for t in entry.get("organisms", []) if t.get("taxonId")]
    taxa += [str(x["taxon"]) for x in refs if x.get("taxon")]
    features = [str(f["databaseId"]) for f in entry.get("sequenceFeatures", [])
                if f.get("databaseId")]
    features += [str(f["interproGroup"]["id"]) for f in entry.get("sequenceFeatures", [])
                 if (f.get("interproGroup") or {}).get("id")]
    proteins = entry.get("proteinNames", [])
    return (
        entry["uniParcId"], sequence.get("length"), sequence.get("crc64"),
        entry.get("oldestCrossRefCreated"), entry.get("mostRecentCrossRefUpdated"),
        terms(entry.get("uniProtKBAccessions", [])),
        terms(str(n) for n in numbers), terms(dict.fromkeys(names)),
        terms(dict.fromkeys(active)), terms(dict.fromkeys(ids)),
        terms(dict.fromkeys(taxa)), terms(g.replace(" ", "_") for g in entry.get("geneNames", [])),
        terms(["|".join(proteins)]).replace("|", " | ") if proteins else "",
        terms(dict.fromkeys(str(p.get("id", "")) for p in entry.get("proteomes", []))),
        terms(dict.fromkeys(features)),
        terms(dict.fromkeys(str(p.get("component", "")) for p in entry.get("proteomes", []))),
        pack(entry),
    )
