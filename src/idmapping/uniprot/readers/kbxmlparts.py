"""Parts of a UniProtKB XML entry as UniProt's JSON: its evidences, comments, references and
cross-references."""

from __future__ import annotations

from typing import Any

from idmapping.uniprot.common import Json, drline_databases
from idmapping.uniprot.readers.xmltree import find_child, find_children, local_name, text_of

__all__ = ["Evidences", "comment", "reference", "cross_reference"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


class Evidences:
    """The entry's ``<evidence key=...>`` elements, as UniProt's evidence objects, which the
    other elements of the entry cite by key (``evidence="1 3"``).

    :param entry: the ``<entry>`` element.
    """

    def __init__(self, entry: Any) -> None:
        self.by_key: dict[str, Json] = {}
        for ev in find_children(entry, "evidence"):
            found: Json = {"evidenceCode": ev.get("type", "")}
            source = find_child(ev, "source")
            ref = find_child(source, "dbReference") if source is not None else None
            if ref is not None:
                found["source"] = ref.get("type")
                found["id"] = ref.get("id")
            elif source is not None and source.get("ref"):
                found["source"], found["id"] = "Reference", f"Ref.{source.get('ref')}"
            self.by_key[ev.get("key", "")] = found

    def of(self, element: Any) -> list[Json]:
        """The evidences *element* cites (none for None)."""
        keys = (element.get("evidence") or "").split() if element is not None else []
        return [self.by_key[k] for k in keys if k in self.by_key]

    def value(self, element: Any) -> Json:
        """``{"value", "evidences"?}`` of *element*'s text."""
        item: Json = {"value": text_of(element)}
        evidences = self.of(element)
        if evidences:
            item["evidences"] = evidences
        return item

    def texts(self, element: Any) -> list[Json]:
        """``[{"evidences"?, "value"}]`` of *element*'s ``<text>`` children, full stops dropped."""
        found = []
        for text in find_children(element, "text"):
            item: Json = {}
            evidences = self.of(text)
            if evidences:
                item["evidences"] = evidences
            item["value"] = text_of(text).removesuffix(".")
            found.append(item)
        return found


def _note(element: Any, ev: Evidences) -> Json | None:
    texts = ev.texts(element)
    return {"texts": texts} if texts else None


def _subcellular(element: Any, ev: Evidences, found: Json) -> None:
    locations = []
    for sub in find_children(element, "subcellularLocation"):
        location: Json = {}
        for tag in ("location", "topology", "orientation"):
            item = find_child(sub, tag)
            if item is not None:
                value: Json = {}
                evidences = ev.of(item)
                if evidences:
                    value["evidences"] = evidences
                value["value"] = text_of(item)
                location[tag] = value
        locations.append(location)
    if locations:
        found["subcellularLocations"] = locations
    if note := _note(element, ev):
        found["note"] = note


def _alternative_products(element: Any, ev: Evidences, found: Json) -> None:
    found["events"] = [e.get("type", "").capitalize() for e in find_children(element, "event")]
    isoforms = []
    for iso in find_children(element, "isoform"):
        item: Json = {"name": ev.value(find_child(iso, "name"))}
        synonyms = [ev.value(n) for n in find_children(iso, "name")[1:]]
        if synonyms:
            item["synonyms"] = synonyms
        if (note := _note(iso, ev)) is not None:
            item["note"] = note
        item["isoformIds"] = [text_of(i) for i in find_children(iso, "id")]
        seq = find_child(iso, "sequence")
        status = (seq.get("type", "") if seq is not None else "").capitalize()
        if seq is not None and seq.get("ref"):
            item["sequenceIds"] = seq.get("ref").split()
        item["isoformSequenceStatus"] = status.replace("_", " ")
        isoforms.append(item)
    found["isoforms"] = isoforms


def _interaction(element: Any, ev: Evidences, found: Json) -> None:
    parts = find_children(element, "interactant")
    one: Json = {}
    two: Json = {}
    for target, part in zip((one, two), parts, strict=False):
        ident = find_child(part, "id")
        if ident is not None:
            target["uniProtKBAccession"] = text_of(ident)
        label = find_child(part, "label")
        if label is not None and target is two:
            target["geneName"] = text_of(label)
        target["intActId"] = part.get("intactId", "")
    xeno = find_child(element, "organismsDiffer")
    experiments = find_child(element, "experiments")
    found["interactions"] = [{
        "interactantOne": one, "interactantTwo": two,
        "numberOfExperiments": int(text_of(experiments) or 0),
        "organismDiffer": text_of(xeno) == "true"}]


def _catalytic(element: Any, ev: Evidences, found: Json) -> None:
    reaction = find_child(element, "reaction")
    if reaction is not None:
        item: Json = {"name": text_of(find_child(reaction, "text"))}
        refs = [{"database": r.get("type"), "id": r.get("id")}
                for r in find_children(reaction, "dbReference") if r.get("type") != "EC"]
        if refs:
            item["reactionCrossReferences"] = refs
        ec = next((r.get("id") for r in find_children(reaction, "dbReference")
                   if r.get("type") == "EC"), None)
        if ec:
            item["ecNumber"] = ec
        if evidences := ev.of(reaction):
            item["evidences"] = evidences
        found["reaction"] = item
    directions = []
    for direction in find_children(element, "physiologicalReaction"):
        item = {"directionType": direction.get("direction")}
        ref = find_child(direction, "dbReference")
        if ref is not None:
            item["reactionCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        if evidences := ev.of(direction):
            item["evidences"] = evidences
        directions.append(item)
    if directions:
        found["physiologicalReactions"] = directions


def _cofactor(element: Any, ev: Evidences, found: Json) -> None:
    cofactors = []
    for cof in find_children(element, "cofactor"):
        item: Json = {"name": text_of(find_child(cof, "name"))}
        if evidences := ev.of(cof):
            item["evidences"] = evidences
        ref = find_child(cof, "dbReference")
        if ref is not None:
            item["cofactorCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        cofactors.append(item)
    if cofactors:
        found["cofactors"] = cofactors
    if note := _note(element, ev):
        found["note"] = note


def _disease(element: Any, ev: Evidences, found: Json) -> None:
    disease = find_child(element, "disease")
    if disease is not None:
        item: Json = {"diseaseId": text_of(find_child(disease, "name"))}
        if disease.get("id"):
            item["diseaseAccession"] = disease.get("id")
        if (acronym := find_child(disease, "acronym")) is not None:
            item["acronym"] = text_of(acronym)
        item["description"] = text_of(find_child(disease, "description")).removesuffix(".")
        ref = find_child(disease, "dbReference")
        if ref is not None:
            item["diseaseCrossReference"] = {"database": ref.get("type"), "id": ref.get("id")}
        if evidences := ev.of(element):
            item["evidences"] = evidences
        found["disease"] = item
    if note := _note(element, ev):
        found["note"] = note


def _sequence_caution(element: Any, ev: Evidences, found: Json) -> None:
    conflict = find_child(element, "conflict")
    if conflict is not None:
        found["sequenceCautionType"] = conflict.get("type", "").capitalize()
        seq = find_child(conflict, "sequence")
        if seq is not None:
            found["sequence"] = f"{seq.get('id')}.{seq.get('version')}"
    text = find_children(element, "text")
    if text:
        found["note"] = text_of(text[0]).removesuffix(".")
    if evidences := ev.of(element):
        found["evidences"] = evidences


def _web_resource(element: Any, ev: Evidences, found: Json) -> None:
    found["resourceName"] = element.get("name", "")
    link = find_child(element, "link")
    found["resourceUrl"] = link.get("uri", "") if link is not None else ""
    found["ftp"] = found["resourceUrl"].startswith("ftp:")
    text = find_children(element, "text")
    if text:
        found["note"] = text_of(text[0])


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


def comment(element: Any, ev: Evidences, names: dict[str, str]) -> Json:
    """One ``<comment>`` as UniProt's JSON comment.

    :param ev: the entry's evidences.
    :param names: comment types whose JSON name is not the XML type upper-cased.
    """
    raw = element.get("type", "")
    kind = names.get(raw, raw.upper())
    builder = _STRUCTURED.get(kind)
    if builder is None:
        found: Json = {"texts": ev.texts(element), "commentType": kind}
        molecule = find_child(element, "molecule")
        if molecule is not None:
            found["molecule"] = text_of(molecule)
        return found
    found = {"commentType": kind}
    molecule = find_child(element, "molecule")
    if molecule is not None:
        found["molecule"] = text_of(molecule)
    builder(element, ev, found)
    return found


def _submission_date(date: str) -> str:
    parts = date.split("-")
    if len(parts) == 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]}-{parts[0]}"
    return date


def reference(element: Any, ev: Evidences) -> Json:
    """One ``<reference>`` as UniProt's JSON reference."""
    cite = find_child(element, "citation")
    citation: Json = {}
    xrefs = [{"database": r.get("type"), "id": r.get("id")}
             for r in find_children(cite, "dbReference")
             if r.get("type") in ("PubMed", "DOI", "AGRICOLA")]
    pubmed = next((x["id"] for x in xrefs if x["database"] == "PubMed"), None)
    if pubmed:
        citation["id"] = pubmed
    kind = cite.get("type", "")
    citation["citationType"] = kind
    authors = find_child(cite, "authorList")
    if authors is not None:
        groups = [p.get("name") for p in authors.iterchildren("{*}consortium")]
        if groups:
            citation["authoringGroup"] = groups
        people = [p.get("name") for p in authors.iterchildren("{*}person")]
        if people:
            citation["authors"] = people
    if xrefs:
        citation["citationCrossReferences"] = xrefs
    if (title := find_child(cite, "title")) is not None:
        citation["title"] = text_of(title)
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
    scopes = [text_of(s) for s in find_children(element, "scope")]
    if scopes:
        ref["referencePositions"] = scopes
    source = find_child(element, "source")
    comments = []
    for item in source if source is not None else []:
        entry: Json = {}
        if evidences := ev.of(item):
            entry["evidences"] = evidences
        entry["value"] = text_of(item)
        entry["type"] = local_name(item.tag).upper()
        comments.append(entry)
    if comments:
        ref["referenceComments"] = comments
    if evidences := ev.of(element):
        ref["evidences"] = evidences
    return ref


def cross_reference(element: Any, ev: Evidences) -> Json:
    """One ``<dbReference>`` as UniProt's JSON cross-reference (properties by DR order)."""
    database = element.get("type", "")
    xref: Json = {"database": database, "id": element.get("id", "")}
    values = {p.get("type"): p.get("value") for p in find_children(element, "property")}
    attrs = drline_databases().get(database, ("", []))[1]
    properties = [{"key": name, "value": values.get(tag, "-")} for name, tag in attrs]
    if not attrs:
        properties = [{"key": k, "value": v} for k, v in values.items()] or [
            {"key": "Description", "value": "-"}]
    if properties:
        xref["properties"] = properties
    molecule = find_child(element, "molecule")
    if molecule is not None and molecule.get("id"):
        xref["isoformId"] = molecule.get("id")
    if evidences := ev.of(element):
        xref["evidences"] = evidences
    return xref
