"""Parts of a UniProtKB XML entry as UniProt's JSON: comments, references, cross-references."""

from __future__ import annotations

from typing import Any

from idmapping.uniprot.common import Json, drline_databases
from idmapping.uniprot.readers.clusters import _child, _local

__all__ = ["comment", "reference", "cross_reference"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: Any) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _note(element: Any, ev: Any) -> Json | None:
    texts = ev.texts(element)
    return {"texts": texts} if texts else None


def _subcellular(element: Any, ev: Any, found: Json) -> None:
    locations = []
    for sub in _children(element, "subcellularLocation"):
        location: Json = {}
        for tag in ("location", "topology", "orientation"):
            item = _child(sub, tag)
            if item is not None:
                value: Json = {}
                evidences = ev.of(item)
                if evidences:
                    value["evidences"] = evidences
                value["value"] = _text(item)
                location[tag] = value
        locations.append(location)
    if locations:
        found["subcellularLocations"] = locations
    if note := _note(element, ev):
        found["note"] = note


def _alternative_products(element: Any, ev: Any, found: Json) -> None:
    found["events"] = [e.get("type", "").capitalize() for e in _children(element, "event")]
    isoforms = []
    for iso in _children(element, "isoform"):
        item: Json = {"name": ev.value(_child(iso, "name"))}
        synonyms = [ev.value(n) for n in _children(iso, "name")[1:]]
        if synonyms:
            item["synonyms"] = synonyms
        if (note := _note(iso, ev)) is not None:
            item["note"] = note
        item["isoformIds"] = [_text(i) for i in _children(iso, "id")]
        seq = _child(iso, "sequence")
        status = (seq.get("type", "") if seq is not None else "").capitalize()
        if seq is not None and seq.get("ref"):
            item["sequenceIds"] = seq.get("ref").split()
        item["isoformSequenceStatus"] = status.replace("_", " ")
        isoforms.append(item)
    found["isoforms"] = isoforms


def _interaction(element: Any, ev: Any, found: Json) -> None:
    parts = _children(element, "interactant")
    one: Json = {}
    two: Json = {}
    for target, part in zip((one, two), parts, strict=False):
        ident = _child(part, "id")
        if ident is not None:
            target["uniProtKBAccession"] = _text(ident)
        label = _child(part, "label")
        if label is not None and target is two:
            target["geneName"] = _text(label)
        target["intActId"] = part.get("intactId", "")
    xeno = _child(element, "organismsDiffer")
    experiments = _child(element, "experiments")
    found["interactions"] = [{
        "interactantOne": one, "interactantTwo": two,
        "numberOfExperiments": int(_text(experiments) or 0),
        "organismDiffer": _text(xeno) == "true"}]


def _catalytic(element: Any, ev: Any, found: Json) -> None:
    reaction = _child(element, "reaction")
    if reaction is not None:
        item: Json = {"name": _text(_child(reaction, "text"))}
        refs = [{"database": r.get("type"), "id": r.get("id")}
                for r in _children(reaction, "dbReference") if r.get("type") != "EC"]
        if refs:
            item["reactionCrossReferences"] = refs
        ec = next((r.get("id") for r in _children(reaction, "dbReference")
                   if r.get("type") == "EC"), None)
        if ec:
            item["ecNumber"] = ec
        if evidences := ev.of(reaction):
            item["evidences"] = evidences
        found["reaction"] = item
    directions = []
    for direction in _children(element, "physiologicalReaction"):
        item = {"directionType": direction.get("direction")}
        ref = _child(direction, "dbReference")
        if ref is not None:
            item["reactionCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        if evidences := ev.of(direction):
            item["evidences"] = evidences
        directions.append(item)
    if directions:
        found["physiologicalReactions"] = directions


def _cofactor(element: Any, ev: Any, found: Json) -> None:
    cofactors = []
    for cof in _children(element, "cofactor"):
        item: Json = {"name": _text(_child(cof, "name"))}
        if evidences := ev.of(cof):
            item["evidences"] = evidences
        ref = _child(cof, "dbReference")
        if ref is not None:
            item["cofactorCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        cofactors.append(item)
    if cofactors:
        found["cofactors"] = cofactors
    if note := _note(element, ev):
        found["note"] = note


def _disease(element: Any, ev: Any, found: Json) -> None:
    disease = _child(element, "disease")
    if disease is not None:
        item: Json = {"diseaseId": _text(_child(disease, "name"))}
        if disease.get("id"):
            item["diseaseAccession"] = disease.get("id")
        if (acronym := _child(disease, "acronym")) is not None:
            item["acronym"] = _text(acronym)
        item["description"] = _text(_child(disease, "description")).removesuffix(".")
        ref = _child(disease, "dbReference")
        if ref is not None:
            item["diseaseCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        if evidences := ev.of(element):
            item["evidences"] = evidences
        found["disease"] = item
    if note := _note(element, ev):
        found["note"] = note


def _sequence_caution(element: Any, ev: Any, found: Json) -> None:
    conflict = _child(element, "conflict")
    if conflict is not None:
        found["sequenceCautionType"] = conflict.get("type", "").capitalize()
        seq = _child(conflict, "sequence")
        if seq is not None:
            found["sequence"] = f"{seq.get('id')}.{seq.get('version')}"
    text = _children(element, "text")
    if text:
        found["note"] = _text(text[0]).removesuffix(".")
    if evidences := ev.of(element):
        found["evidences"] = evidences


def _web_resource(element: Any, ev: Any, found: Json) -> None:
    found["resourceName"] = element.get("name", "")
    link = _child(element, "link")
    found["resourceUrl"] = link.get("uri", "") if link is not None else ""
    found["ftp"] = found["resourceUrl"].startswith("ftp:")
    text = _children(element, "text")
    if text:
        found["note"] = _text(text[0])


_STRUCTURED = {
    "SUBCELLULAR LOCATION": _subcellular,
    "ALTERNATIVE PRODUCTS": _alternative_products,
    "INTERACTION": _interaction,
    "CATALYTIC ACTIVITY": _catalytic,
    "COFACTOR": _cofactor,
    "DISEASE": _disease,
    "SEQUENCE CAUTION": _sequence_caution,
    "WEB RESOURCE": _web_resource,
}


def comment(element: Any, ev: Any, names: dict[str, str]) -> Json:
    """One ``<comment>`` as UniProt's JSON comment."""
    raw = element.get("type", "")
    kind = names.get(raw, raw.upper())
    builder = _STRUCTURED.get(kind)
    if builder is None:
        found: Json = {"texts": ev.texts(element), "commentType": kind}
        molecule = _child(element, "molecule")
        if molecule is not None:
            found["molecule"] = _text(molecule)
        return found
    found = {"commentType": kind}
    molecule = _child(element, "molecule")
    if molecule is not None:
        found["molecule"] = _text(molecule)
    builder(element, ev, found)
    return found


def _submission_date(date: str) -> str:
    parts = date.split("-")
    if len(parts) == 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]}-{parts[0]}"
    return date


def reference(element: Any, ev: Any) -> Json:
    """One ``<reference>`` as UniProt's JSON reference."""
    cite = _child(element, "citation")
    citation: Json = {}
    xrefs = [{"database": r.get("type"), "id": r.get("id")}
             for r in _children(cite, "dbReference")
             if r.get("type") in ("PubMed", "DOI", "AGRICOLA")]
    pubmed = next((x["id"] for x in xrefs if x["database"] == "PubMed"), None)
    if pubmed:
        citation["id"] = pubmed
    kind = cite.get("type", "")
    citation["citationType"] = kind
    authors = _child(cite, "authorList")
    if authors is not None:
        groups = [p.get("name") for p in authors if _local(p.tag) == "consortium"]
        if groups:
            citation["authoringGroup"] = groups
        people = [p.get("name") for p in authors if _local(p.tag) == "person"]
        if people:
            citation["authors"] = people
    if xrefs:
        citation["citationCrossReferences"] = xrefs
    if (title := _child(cite, "title")) is not None:
        citation["title"] = _text(title)
    date = cite.get("date", "")
    if date:
        citation["publicationDate"] = _submission_date(date) if kind == "submission" else date
    if kind == "submission":
        citation["submissionDatabase"] = cite.get("db", "")
    for attr, key in (("name", "journal"), ("first", "firstPage"), ("last", "lastPage"),
                      ("volume", "volume")):
        if cite.get(attr) and kind != "submission":
            citation[key] = cite.get(attr)
    ref: Json = {"citation": citation}
    scopes = [_text(s) for s in _children(element, "scope")]
    if scopes:
        ref["referencePositions"] = scopes
    source = _child(element, "source")
    comments = []
    for item in source if source is not None else []:
        entry: Json = {}
        if evidences := ev.of(item):
            entry["evidences"] = evidences
        entry["value"] = _text(item)
        entry["type"] = _local(item.tag).upper()
        comments.append(entry)
    if comments:
        ref["referenceComments"] = comments
    if evidences := ev.of(element):
        ref["evidences"] = evidences
    return ref


def cross_reference(element: Any, ev: Any) -> Json:
    """One ``<dbReference>`` as UniProt's JSON cross-reference (properties by DR order)."""
    database = element.get("type", "")
    xref: Json = {"database": database, "id": element.get("id", "")}
    values = {p.get("type"): p.get("value") for p in _children(element, "property")}
    attrs = drline_databases().get(database, ("", []))[1]
    properties = [{"key": name, "value": values.get(tag, "-")} for name, tag in attrs]
    if not attrs:
        properties = [{"key": k, "value": v} for k, v in values.items()] or [
            {"key": "Description", "value": "-"}]
    if properties:
        xref["properties"] = properties
    molecule = _child(element, "molecule")
    if molecule is not None and molecule.get("id"):
        xref["isoformId"] = molecule.get("id")
    if evidences := ev.of(element):
        xref["evidences"] = evidences
    return xref
