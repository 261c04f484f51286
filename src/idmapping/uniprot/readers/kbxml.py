"""The UniProtKB XML reader: ``uniprot_sprot.xml`` entries as UniProt's REST JSON.

Read with lxml's ``iterparse``; each entry is cleared once converted. The JSON has the same
shape as the flat-file reader's (:mod:`idmapping.uniprot.readers.flatfile`), so both feed the same
documents, fields and writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from idmapping.uniprot.common import EXISTENCE, REVIEWED, UNREVIEWED, Json, sequence_object
from idmapping.uniprot.readers.clusters import _child, _entries, _local
from idmapping.uniprot.readers.flatfile import _counts

__all__ = ["read_uniprot_xml", "XML_FEATURE_TYPES"]

XML_FEATURE_TYPES = {
    "initiator methionine": "Initiator methionine", "signal peptide": "Signal",
    "propeptide": "Propeptide", "transit peptide": "Transit peptide", "chain": "Chain",
    "peptide": "Peptide", "topological domain": "Topological domain",
    "transmembrane region": "Transmembrane", "intramembrane region": "Intramembrane",
    "domain": "Domain", "repeat": "Repeat", "calcium-binding region": "Calcium binding",
    "zinc finger region": "Zinc finger", "DNA-binding region": "DNA binding",
    "nucleotide phosphate-binding region": "Nucleotide binding",
    "region of interest": "Region", "coiled-coil region": "Coiled coil",
    "short sequence motif": "Motif", "compositionally biased region": "Compositional bias",
    "active site": "Active site", "metal ion-binding site": "Metal binding",
    "binding site": "Binding site", "site": "Site",
    "non-standard amino acid": "Non-standard residue", "modified residue": "Modified residue",
    "lipid moiety-binding region": "Lipidation", "glycosylation site": "Glycosylation",
    "disulfide bond": "Disulfide bond", "cross-link": "Cross-link",
    "splice variant": "Alternative sequence", "sequence variant": "Natural variant",
    "mutagenesis site": "Mutagenesis", "unsure residue": "Sequence uncertainty",
    "sequence conflict": "Sequence conflict", "non-consecutive residues": "Non-adjacent residues",
    "non-terminal residue": "Non-terminal residue", "helix": "Helix", "strand": "Beta strand",
    "turn": "Turn",
}
"""UniProtKB XML feature types → UniProt's JSON feature types."""

_EXISTENCE = {"evidence at protein level": 1, "evidence at transcript level": 2,
              "inferred from homology": 3, "predicted": 4, "uncertain": 5}
_COMMENT_TYPES = {"online information": "WEB RESOURCE", "PTM": "PTM", "RNA editing": "RNA EDITING"}


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: Any) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


class _Evidences:
    """The entry's ``<evidence key=...>`` elements, as UniProt's evidence objects."""

    def __init__(self, entry: Any) -> None:
        self.by_key: dict[str, Json] = {}
        for ev in _children(entry, "evidence"):
            found: Json = {"evidenceCode": ev.get("type", "")}
            source = _child(ev, "source")
            ref = _child(source, "dbReference") if source is not None else None
            if ref is not None:
                found["source"] = ref.get("type")
                found["id"] = ref.get("id")
            elif source is not None and source.get("ref"):
                found["source"], found["id"] = "Reference", f"Ref.{source.get('ref')}"
            self.by_key[ev.get("key", "")] = found

    def of(self, element: Any) -> list[Json]:
        keys = (element.get("evidence") or "").split() if element is not None else []
        return [self.by_key[k] for k in keys if k in self.by_key]

    def value(self, element: Any) -> Json:
        item: Json = {"value": _text(element)}
        evidences = self.of(element)
        if evidences:
            item["evidences"] = evidences
        return item

    def texts(self, element: Any) -> list[Json]:
        found = []
        for text in _children(element, "text"):
            item: Json = {}
            evidences = self.of(text)
            if evidences:
                item["evidences"] = evidences
            item["value"] = _text(text).removesuffix(".")
            found.append(item)
        return found


def _name_block(element: Any, ev: _Evidences) -> Json:
    block: Json = {}
    full = _child(element, "fullName")
    if full is not None:
        block["fullName"] = ev.value(full)
    shorts = [ev.value(s) for s in _children(element, "shortName")]
    if shorts:
        block["shortNames"] = shorts
    ecs = [ev.value(s) for s in _children(element, "ecNumber")]
    if ecs:
        block["ecNumbers"] = ecs
    return block


def _description(protein: Any, ev: _Evidences) -> Json:
    found: Json = {}
    if (rec := _child(protein, "recommendedName")) is not None:
        found["recommendedName"] = _name_block(rec, ev)
    subs = [_name_block(s, ev) for s in _children(protein, "submittedName")]
    if subs:
        found["submissionNames"] = subs
    alts = [_name_block(a, ev) for a in _children(protein, "alternativeName")]
    if alts:
        found["alternativeNames"] = alts
    for tag, key, many in (("allergenName", "allergenName", False),
                           ("biotechName", "biotechName", False),
                           ("cdAntigenName", "cdAntigenNames", True),
                           ("innName", "innNames", True)):
        values = [ev.value(x) for x in _children(protein, tag)]
        if values:
            found[key] = values if many else values[0]
    for tag, key in (("domain", "includes"), ("component", "contains")):
        parts = [_description(x, ev) for x in _children(protein, tag)]
        if parts:
            found[key] = parts
    return found


def _genes(entry: Any, ev: _Evidences) -> list[Json]:
    found: list[Json] = []
    for gene in _children(entry, "gene"):
        item: Json = {}
        for name in _children(gene, "name"):
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


def _organism(element: Any, ev: _Evidences, lineage: bool = True) -> Json:
    found: Json = {}
    for name in _children(element, "name"):
        kind = name.get("type")
        if kind == "scientific":
            found["scientificName"] = _text(name)
        elif kind == "common":
            found["commonName"] = _text(name)
        elif kind == "synonym":
            found.setdefault("synonyms", []).append(_text(name))
    ref = next((r for r in _children(element, "dbReference") if r.get("type") ==
                "NCBI Taxonomy"), None)
    if ref is not None:
        found["taxonId"] = int(ref.get("id"))
    evidences = ev.of(element)
    if evidences:
        found["evidences"] = evidences
    if lineage:
        taxa = _child(element, "lineage")
        found["lineage"] = [_text(t) for t in taxa] if taxa is not None else []
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
    if (pos := _child(element, "position")) is not None:
        point = _position(pos)
        return {"start": point, "end": dict(point)}
    begin, end = _child(element, "begin"), _child(element, "end")
    return {"start": _position(begin), "end": _position(end)}


def _feature(element: Any, ev: _Evidences) -> Json:
    kind = element.get("type", "")
    feature: Json = {"type": XML_FEATURE_TYPES.get(kind, kind),
                     "location": _location(_child(element, "location"))}
    description = element.get("description", "").removesuffix(".")
    original, variation = _child(element, "original"), _children(element, "variation")
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
            change["originalSequence"] = _text(original)
        if variation:
            change["alternativeSequences"] = [_text(v) for v in variation]
        feature["alternativeSequence"] = change
    elif kind in ("splice variant", "sequence variant"):
        feature["alternativeSequence"] = {}
    ligand = _child(element, "ligand")
    if ligand is not None:
        found: Json = {"name": _text(_child(ligand, "name"))}
        ref = _child(ligand, "dbReference")
        if ref is not None:
            found["id"] = f"{ref.get('type')}:{ref.get('id')}"
        feature["ligand"] = found
    return feature


from idmapping.uniprot.readers.kbxmlparts import comment, cross_reference, reference  # noqa: E402


def _entry(element: Any) -> Json:
    ev = _Evidences(element)
    accessions = [_text(a) for a in _children(element, "accession")]
    entry: Json = {
        "entryType": REVIEWED if element.get("dataset") == "Swiss-Prot" else UNREVIEWED,
        "primaryAccession": accessions[0],
    }
    if len(accessions) > 1:
        entry["secondaryAccessions"] = accessions[1:]
    entry["uniProtkbId"] = _text(_child(element, "name"))
    sequence = _child(element, "sequence")
    entry["entryAudit"] = {
        "firstPublicDate": element.get("created", ""),
        "lastAnnotationUpdateDate": element.get("modified", ""),
        "lastSequenceUpdateDate": sequence.get("modified", "") if sequence is not None else "",
        "entryVersion": int(element.get("version", 0)),
        "sequenceVersion": int(sequence.get("version", 0)) if sequence is not None else 0,
    }
    if (organism := _child(element, "organism")) is not None:
        entry["organism"] = _organism(organism, ev)
    hosts = [_organism(h, ev, lineage=False) for h in _children(element, "organismHost")]
    if hosts:
        entry["organismHosts"] = hosts
    if (existence := _child(element, "proteinExistence")) is not None:
        entry["proteinExistence"] = EXISTENCE[_EXISTENCE.get(existence.get("type", ""), 5)]
    if (protein := _child(element, "protein")) is not None:
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
    comments = [comment(c, ev, _COMMENT_TYPES) for c in _children(element, "comment")]
    if comments:
        entry["comments"] = comments
    features = [_feature(f, ev) for f in _children(element, "feature")]
    if features:
        entry["features"] = features
    locations = [{"geneEncodingType": g.get("type", "").capitalize(),
                  **({"value": _text(_child(g, "name"))} if _child(g, "name") is not None
                     else {})} for g in _children(element, "geneLocation")]
    if locations:
        entry["geneLocations"] = locations
    keywords = [{**({"id": k.get("id")} if k.get("id") else {}), "name": _text(k)}
                for k in _children(element, "keyword")]
    if keywords:
        entry["keywords"] = keywords
    references = [reference(r, ev) for r in _children(element, "reference")]
    if references:
        entry["references"] = references
    xrefs = [cross_reference(r, ev) for r in _children(element, "dbReference")]
    if xrefs:
        entry["uniProtKBCrossReferences"] = xrefs
    if sequence is not None:
        mass = sequence.get("mass")
        entry["sequence"] = sequence_object("".join((sequence.text or "").split()),
                                            int(mass) if mass else None,
                                            sequence.get("checksum"))
    entry["extraAttributes"] = {"countByCommentType": _counts(comments, "commentType"),
                                "countByFeatureType": _counts(features, "type")}
    return entry


def read_uniprot_xml(stream: IO[bytes], path: str) -> Iterator[Json]:
    """UniProt's JSON of each entry of a UniProtKB XML file."""
    for element in _entries(stream, path):
        yield _entry(element)
