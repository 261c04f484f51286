"""The UniProtKB XML reader: ``uniprot_sprot.xml`` entries as UniProt's REST JSON.

Read with lxml's ``iterparse``; each entry is cleared once converted. The JSON has the same
shape as the flat-file reader's (:mod:`idmapping.uniprot.readers.flatfile`), so both feed the same
documents, fields and writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from idmapping.uniprot.common import (
    EXISTENCE,
    REVIEWED,
    UNREVIEWED,
    Json,
    counts_by_type,
    sequence_object,
)
from idmapping.uniprot.featuretypes import XML_FEATURE_TYPES
from idmapping.uniprot.readers.kbxmlparts import Evidences, comment, cross_reference, reference
from idmapping.uniprot.readers.xmltree import find_child, find_children, iter_entries, text_of

__all__ = ["read_uniprot_xml"]

_EXISTENCE = {"evidence at protein level": 1, "evidence at transcript level": 2,
              "inferred from homology": 3, "predicted": 4, "uncertain": 5}
_COMMENT_TYPES = {"online information": "WEB RESOURCE", "PTM": "PTM", "RNA editing": "RNA EDITING"}


def _name_block(element: Any, ev: Evidences) -> Json:
    block: Json = {}
    full = find_child(element, "fullName")
    if full is not None:
        block["fullName"] = ev.value(full)
    shorts = [ev.value(s) for s in find_children(element, "shortName")]
    if shorts:
        block["shortNames"] = shorts
    ecs = [ev.value(s) for s in find_children(element, "ecNumber")]
    if ecs:
        block["ecNumbers"] = ecs
    return block


def _description(protein: Any, ev: Evidences) -> Json:
    found: Json = {}
    if (rec := find_child(protein, "recommendedName")) is not None:
        found["recommendedName"] = _name_block(rec, ev)
    subs = [_name_block(s, ev) for s in find_children(protein, "submittedName")]
    if subs:
        found["submissionNames"] = subs
    alts = [_name_block(a, ev) for a in find_children(protein, "alternativeName")]
    if alts:
        found["alternativeNames"] = alts
    for tag, key, many in (("allergenName", "allergenName", False),
                           ("biotechName", "biotechName", False),
                           ("cdAntigenName", "cdAntigenNames", True),
                           ("innName", "innNames", True)):
        values = [ev.value(x) for x in find_children(protein, tag)]
        if values:
            found[key] = values if many else values[0]
    for tag, key in (("domain", "includes"), ("component", "contains")):
        parts = [_description(x, ev) for x in find_children(protein, tag)]
        if parts:
            found[key] = parts
    return found


def _genes(entry: Any, ev: Evidences) -> list[Json]:
    found: list[Json] = []
    for gene in find_children(entry, "gene"):
        item: Json = {}
        for name in find_children(gene, "name"):
            kind = name.get("type")
            if kind == "primary":
                item["geneName"] = ev.value(name)
            else:
                key = {"synonym": "synonyms", "ordered locus": "orderedLocusNames",
                       "ORF": "orfNames"}.get(kind or "", "synonyms")
                item.setdefault(key, []).append(ev.value(name))
        found.append({k: item[k] for k in ("geneName", "synonyms", "orderedLocusNames",
                                           "orfNames") if k in item})
    return found


def _organism(element: Any, ev: Evidences, lineage: bool = True) -> Json:
    found: Json = {}
    for name in find_children(element, "name"):
        kind = name.get("type")
        if kind == "scientific":
            found["scientificName"] = text_of(name)
        elif kind == "common":
            found["commonName"] = text_of(name)
        elif kind == "synonym":
            found.setdefault("synonyms", []).append(text_of(name))
    ref = next((r for r in find_children(element, "dbReference") if r.get("type") ==
                "NCBI Taxonomy"), None)
    if ref is not None:
        found["taxonId"] = int(ref.get("id"))
    evidences = ev.of(element)
    if evidences:
        found["evidences"] = evidences
    if lineage:
        taxa = find_child(element, "lineage")
        found["lineage"] = [text_of(t) for t in taxa] if taxa is not None else []
    return found


def _position(element: Any) -> Json:
    status = element.get("status", "certain")
    if status == "unknown" or element.get("position") is None:
        return {"modifier": "UNKNOWN"}
    modifier = {"less than": "OUTSIDE", "greater than": "OUTSIDE", "uncertain": "UNSURE"}
    return {"value": int(element.get("position")), "modifier": modifier.get(status, "EXACT")}


def _location(element: Any) -> Json:
    if element is None:
        return {}
    if (pos := find_child(element, "position")) is not None:
        point = _position(pos)
        return {"start": point, "end": dict(point)}
    begin, end = find_child(element, "begin"), find_child(element, "end")
    return {"start": _position(begin), "end": _position(end)}


def _feature(element: Any, ev: Evidences) -> Json:
    kind = element.get("type", "")
    feature: Json = {"type": XML_FEATURE_TYPES.get(kind, kind),
                     "location": _location(find_child(element, "location"))}
    description = element.get("description", "").removesuffix(".")
    original, variation = find_child(element, "original"), find_children(element, "variation")
    if kind in ("sequence variant", "splice variant", "sequence conflict", "mutagenesis site"):
        description = description[:1].lower() + description[1:] if description.startswith(
            "In ") else description
    feature["description"] = description
    if kind == "sequence variant" and "dbSNP:" in description:
        feature["featureCrossReferences"] = [
            {"database": "dbSNP", "id": part.split("dbSNP:")[1].split(";")[0].strip()}
            for part in description.split("; ") if "dbSNP:" in part]
    evidences = ev.of(element)
    if evidences:
        feature["evidences"] = evidences
    if element.get("id"):
        feature["featureId"] = element.get("id")
    elif kind == "glycosylation site":
        feature["featureId"] = ""
    if original is not None or variation:
        change: Json = {}
        if original is not None:
            change["originalSequence"] = text_of(original)
        if variation:
            change["alternativeSequences"] = [text_of(v) for v in variation]
        feature["alternativeSequence"] = change
    elif kind in ("splice variant", "sequence variant"):
        feature["alternativeSequence"] = {}
    ligand = find_child(element, "ligand")
    if ligand is not None:
        found: Json = {"name": text_of(find_child(ligand, "name"))}
        ref = find_child(ligand, "dbReference")
        if ref is not None:
            found["id"] = f"{ref.get('type')}:{ref.get('id')}"
        feature["ligand"] = found
    return feature


def _entry(element: Any) -> Json:
    ev = Evidences(element)
    accessions = [text_of(a) for a in find_children(element, "accession")]
    entry: Json = {
        "entryType": REVIEWED if element.get("dataset") == "Swiss-Prot" else UNREVIEWED,
        "primaryAccession": accessions[0],
    }
    if len(accessions) > 1:
        entry["secondaryAccessions"] = accessions[1:]
    entry["uniProtkbId"] = text_of(find_child(element, "name"))
    sequence = find_child(element, "sequence")
    entry["entryAudit"] = {
        "firstPublicDate": element.get("created", ""),
        "lastAnnotationUpdateDate": element.get("modified", ""),
        "lastSequenceUpdateDate": sequence.get("modified", "") if sequence is not None else "",
        "entryVersion": int(element.get("version", 0)),
        "sequenceVersion": int(sequence.get("version", 0)) if sequence is not None else 0,
    }
    if (organism := find_child(element, "organism")) is not None:
        entry["organism"] = _organism(organism, ev)
    hosts = [_organism(h, ev, lineage=False) for h in find_children(element, "organismHost")]
    if hosts:
        entry["organismHosts"] = hosts
    if (existence := find_child(element, "proteinExistence")) is not None:
        entry["proteinExistence"] = EXISTENCE[_EXISTENCE.get(existence.get("type", ""), 5)]
    if (protein := find_child(element, "protein")) is not None:
        entry["proteinDescription"] = _description(protein, ev)
        flags = []
        if sequence is not None and sequence.get("fragment"):
            flags.append("Fragments" if sequence.get("fragment") == "multiple" else "Fragment")
        if sequence is not None and sequence.get("precursor") == "true":
            flags.append("Precursor")
        if flags:
            entry["proteinDescription"]["flag"] = ",".join(flags)
    genes = _genes(element, ev)
    if genes:
        entry["genes"] = genes
    comments = [comment(c, ev, _COMMENT_TYPES) for c in find_children(element, "comment")]
    if comments:
        entry["comments"] = comments
    features = [_feature(f, ev) for f in find_children(element, "feature")]
    if features:
        entry["features"] = features
    locations = [{"geneEncodingType": g.get("type", "").capitalize(),
                  **({"value": text_of(find_child(g, "name"))} if find_child(g, "name") is not None
                     else {})} for g in find_children(element, "geneLocation")]
    if locations:
        entry["geneLocations"] = locations
    keywords = [{**({"id": k.get("id")} if k.get("id") else {}), "name": text_of(k)}
                for k in find_children(element, "keyword")]
    if keywords:
        entry["keywords"] = keywords
    references = [reference(r, ev) for r in find_children(element, "reference")]
    if references:
        entry["references"] = references
    xrefs = [cross_reference(r, ev) for r in find_children(element, "dbReference")]
    if xrefs:
        entry["uniProtKBCrossReferences"] = xrefs
    if sequence is not None:
        mass = sequence.get("mass")
        entry["sequence"] = sequence_object("".join((sequence.text or "").split()),
                                            int(mass) if mass else None,
                                            sequence.get("checksum"))
    entry["extraAttributes"] = {"countByCommentType": counts_by_type(comments, "commentType"),
                                "countByFeatureType": counts_by_type(features, "type")}
    return entry


def read_uniprot_xml(stream: IO[bytes], path: str, line_offset: int = 0) -> Iterator[Json]:
    """UniProt's JSON of each entry of a UniProtKB XML file.

    :param stream: the file, opened in binary mode (decompressed).
    :param path: its name, for errors.
    :param line_offset: added to the line of an error (a part of the file).
    :raises ReleaseFileError: the file is not well-formed XML.
    """
    for element in iter_entries(stream, path, line_offset):
        yield _entry(element)
