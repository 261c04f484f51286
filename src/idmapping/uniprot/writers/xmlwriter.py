"""UniProtKB XML of an entry's JSON: one ``<entry>`` element in UniProt's XML schema.

Evidences are numbered per entry, as UniProt numbers them, and listed before ``<sequence>``.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs shipped

from idmapping.uniprot.common import REVIEWED, Json, drline_databases
from idmapping.uniprot.featuretypes import XML_FEATURE_TYPES

__all__ = ["xml_entry", "NAMESPACE"]

NAMESPACE = "https://uniprot.org/uniprot"
_FEATURES = {json_type: xml_type for xml_type, json_type in XML_FEATURE_TYPES.items()}
_COMMENTS = {"WEB RESOURCE": "online information", "PTM": "PTM", "RNA EDITING": "RNA editing"}
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_EXISTENCE = {"1": "evidence at protein level", "2": "evidence at transcript level",
              "3": "inferred from homology", "4": "predicted", "5": "uncertain"}


class _Builder:
    def __init__(self) -> None:
        self.evidences: list[Json] = []

    def el(self, parent: Any, tag: str, text: str | None = None, **attrs: Any) -> Any:
        node = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()
                                               if v is not None and v != ""})
        if text is not None:
            node.text = str(text)
        return node

    def keys(self, item: Json) -> str | None:
        found = []
        for ev in item.get("evidences", []) if isinstance(item, dict) else []:
            if ev not in self.evidences:
                self.evidences.append(ev)
            found.append(str(self.evidences.index(ev) + 1))
        return " ".join(found) or None

    def value(self, parent: Any, tag: str, item: Json, **attrs: Any) -> Any:
        return self.el(parent, tag, item.get("value", ""), evidence=self.keys(item), **attrs)


def _names(b: _Builder, parent: Any, tag: str, block: Json) -> None:
    node = b.el(parent, tag)
    if "fullName" in block:
        b.value(node, "fullName", block["fullName"])
    for item in block.get("shortNames", []):
        b.value(node, "shortName", item)
    for item in block.get("ecNumbers", []):
        b.value(node, "ecNumber", item)


def _protein(b: _Builder, parent: Any, desc: Json) -> None:
    if desc.get("recommendedName"):
        _names(b, parent, "recommendedName", desc["recommendedName"])
    for block in desc.get("alternativeNames", []):
        _names(b, parent, "alternativeName", block)
    for block in desc.get("submissionNames", []):
        _names(b, parent, "submittedName", block)
    for key, tag in (("allergenName", "allergenName"), ("biotechName", "biotechName")):
        if desc.get(key):
            b.value(parent, tag, desc[key])
    for key, tag in (("cdAntigenNames", "cdAntigenName"), ("innNames", "innName")):
        for item in desc.get(key, []):
            b.value(parent, tag, item)
    for key, tag in (("includes", "domain"), ("contains", "component")):
        for part in desc.get(key, []):
            _protein(b, b.el(parent, tag), part)


def _organism(b: _Builder, parent: Any, tag: str, organism: Json, lineage: bool) -> None:
    node = b.el(parent, tag, evidence=b.keys(organism))
    b.el(node, "name", organism.get("scientificName", ""), type="scientific")
    if organism.get("commonName"):
        b.el(node, "name", organism["commonName"], type="common")
    for synonym in organism.get("synonyms", []):
        b.el(node, "name", synonym, type="synonym")
    b.el(node, "dbReference", type="NCBI Taxonomy", id=organism.get("taxonId", ""))
    if lineage and organism.get("lineage"):
        taxa = b.el(node, "lineage")
        for taxon in organism["lineage"]:
            b.el(taxa, "taxon", taxon)


def _reference(b: _Builder, parent: Any, n: int, ref: Json) -> None:
    node = b.el(parent, "reference", key=n, evidence=b.keys(ref))
    c = ref.get("citation", {})
    kind = c.get("citationType", "")
    date = c.get("publicationDate", "")
    month, _, year = date.partition("-")
    if kind == "submission" and month in _MONTHS:
        date = f"{year}-{_MONTHS.index(month) + 1:02d}"
    cite = b.el(node, "citation", type=kind, date=date,
                name=c.get("journal"), volume=c.get("volume"), first=c.get("firstPage"),
                last=c.get("lastPage"), db=c.get("submissionDatabase"))
    if c.get("title"):
        b.el(cite, "title", c["title"])
    if c.get("authors") or c.get("authoringGroup"):
        authors = b.el(cite, "authorList")
        for group in c.get("authoringGroup", []):
            b.el(authors, "consortium", name=group)
        for person in c.get("authors", []):
            b.el(authors, "person", name=person)
    for x in c.get("citationCrossReferences", []):
        b.el(cite, "dbReference", type=x["database"], id=x["id"])
    for scope in ref.get("referencePositions", []):
        b.el(node, "scope", scope)
    if ref.get("referenceComments"):
        source = b.el(node, "source")
        for comment in ref["referenceComments"]:
            b.el(source, comment["type"].lower(), comment["value"], evidence=b.keys(comment))


def _comment(b: _Builder, parent: Any, comment: Json) -> None:
    kind = comment["commentType"]
    node = b.el(parent, "comment", type=_COMMENTS.get(kind, kind.lower()),
                name=comment.get("resourceName"))
    if comment.get("molecule"):
        b.el(node, "molecule", comment["molecule"])
    for loc in comment.get("subcellularLocations", []):
        sub = b.el(node, "subcellularLocation")
        for tag in ("location", "topology", "orientation"):
            if tag in loc:
                b.value(sub, tag, loc[tag])
    if kind == "WEB RESOURCE":
        b.el(node, "link", uri=comment.get("resourceUrl", ""))
    texts = comment.get("texts") or (comment.get("note") or {}).get("texts", []) if isinstance(
        comment.get("note", {}), dict) else []
    for text in texts:
        b.el(node, "text", text["value"] + ".", evidence=b.keys(text))
    if isinstance(comment.get("note"), str):
        b.el(node, "text", comment["note"])


def _feature(b: _Builder, parent: Any, feature: Json) -> None:
    node = b.el(parent, "feature", type=_FEATURES.get(feature["type"], feature["type"].lower()),
                id=feature.get("featureId"), description=feature.get("description"),
                evidence=b.keys(feature))
    change = feature.get("alternativeSequence")
    if change:
        if change.get("originalSequence"):
            b.el(node, "original", change["originalSequence"])
        for alt in change.get("alternativeSequences", []):
            b.el(node, "variation", alt)
    location = b.el(node, "location")
    start, end = feature["location"]["start"], feature["location"]["end"]

    def point(tag: str, p: Json) -> None:
        status = {"OUTSIDE": "less than" if tag == "begin" else "greater than",
                  "UNSURE": "uncertain", "UNKNOWN": "unknown"}.get(p.get("modifier", ""))
        b.el(location, tag, position=p.get("value"), status=status)

    if start == end:
        point("position", start)
    else:
        point("begin", start)
        point("end", end)


def _xref(b: _Builder, parent: Any, xref: Json) -> None:
    node = b.el(parent, "dbReference", type=xref["database"], id=xref["id"],
                evidence=b.keys(xref))
    tags = dict(drline_databases().get(xref["database"], ("", []))[1])
    if xref.get("isoformId"):
        b.el(node, "molecule", id=xref["isoformId"])
    for prop in xref.get("properties", []):
        if prop["value"] != "-":
            b.el(node, "property", type=tags.get(prop["key"], prop["key"]), value=prop["value"])


def xml_entry(entry: Json) -> str:
    """The ``<entry>`` element of one UniProtKB entry, as text."""
    b = _Builder()
    audit = entry.get("entryAudit") or {}
    attributes = {
        "dataset": "Swiss-Prot" if entry.get("entryType") == REVIEWED else "TrEMBL",
        "created": audit.get("firstPublicDate", ""),
        "modified": audit.get("lastAnnotationUpdateDate", ""),
        "version": str(audit.get("entryVersion", ""))}
    # an entry read from the isoform FASTA file has no dates: they are left out, not empty
    root = etree.Element("entry", {k: v for k, v in attributes.items() if v},
                         nsmap={None: NAMESPACE})
    for accession in [entry["primaryAccession"], *entry.get("secondaryAccessions", [])]:
        b.el(root, "accession", accession)
    b.el(root, "name", entry.get("uniProtkbId", ""))
    _protein(b, b.el(root, "protein"), entry.get("proteinDescription") or {})
    for gene in entry.get("genes", []):
        node = b.el(root, "gene")
        if "geneName" in gene:
            b.value(node, "name", gene["geneName"], type="primary")
        for key, kind in (("synonyms", "synonym"), ("orderedLocusNames", "ordered locus"),
                          ("orfNames", "ORF")):
            for item in gene.get(key, []):
                b.value(node, "name", item, type=kind)
    if entry.get("organism"):
        _organism(b, root, "organism", entry["organism"], True)
    for host in entry.get("organismHosts", []):
        _organism(b, root, "organismHost", host, False)
    for n, ref in enumerate(entry.get("references", []), 1):
        _reference(b, root, n, ref)
    for comment in entry.get("comments", []):
        _comment(b, root, comment)
    for xref in entry.get("uniProtKBCrossReferences", []):
        _xref(b, root, xref)
    existence = str(entry.get("proteinExistence", ""))[:1]
    if existence:
        b.el(root, "proteinExistence", type=_EXISTENCE.get(existence, ""))
    for keyword in entry.get("keywords", []):
        b.el(root, "keyword", keyword.get("name", ""), id=keyword.get("id"),
             evidence=b.keys(keyword))
    for feature in entry.get("features", []):
        _feature(b, root, feature)
    for n, ev in enumerate(b.evidences, 1):
        node = b.el(root, "evidence", type=ev["evidenceCode"], key=n)
        if ev.get("source") and ev.get("source") != "Reference":
            b.el(b.el(node, "source"), "dbReference", type=ev["source"], id=ev.get("id", ""))
    seq = entry.get("sequence") or {}
    flag = (entry.get("proteinDescription") or {}).get("flag", "")
    b.el(root, "sequence", seq.get("value", ""), length=seq.get("length"),
         mass=seq.get("molWeight"), checksum=seq.get("crc64"),
         modified=audit.get("lastSequenceUpdateDate"), version=audit.get("sequenceVersion"),
         fragment=("multiple" if "Fragments" in flag else "single" if "Fragment" in flag
                   else None), precursor="true" if "Precursor" in flag else None)
    return str(etree.tostring(root, encoding="unicode", pretty_print=True))
