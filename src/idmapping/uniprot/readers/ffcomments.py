"""Flat-file comments (CC lines) as UniProt's JSON ``comments``.

>>> found = comments(["-!- FUNCTION: Receptor for adenosine. {ECO:0000269|PubMed:1}."])
>>> found[0]["commentType"], found[0]["texts"][0]["value"]
('FUNCTION', 'Receptor for adenosine')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from idmapping.uniprot.common import Json, parse_evidences, split_evidences, split_outside_braces
from idmapping.uniprot.readers.fftext import join_lines, with_evidences

__all__ = ["comments", "texts"]

_EVIDENCE = re.compile(r"\s*\{(ECO:[^{}]*)\}\.?")
_MOLECULE = re.compile(r"^\[([^\]]+)\]:\s*")


def texts(text: str) -> list[Json]:
    """Free text split at its evidences: ``[{"evidences"?, "value"}]``, full stops dropped."""
    found: list[Json] = []
    start = 0
    for match in _EVIDENCE.finditer(text):
        value = text[start : match.start()].strip().removesuffix(".")
        if value:
            found.append({"evidences": parse_evidences(match.group(1)), "value": value})
        start = match.end()
    tail = text[start:].strip().removesuffix(".").strip()
    if tail:
        found.append({"value": tail})
    return found


def _fields(text: str) -> list[tuple[str, str]]:
    """``Key=value;`` items (values may hold braces and parentheses)."""
    items = []
    for item in split_outside_braces(text):
        key, eq, value = item.partition("=")
        if eq:
            items.append((key.strip(), value.strip()))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + "; " + item)
    return items


def _note(text: str) -> Json:
    return {"texts": texts(text)}


def _free_text(kind: str, text: str) -> Json:
    return {"texts": texts(text), "commentType": kind}


def _subcellular(kind: str, text: str) -> Json:
    body, _, note = text.partition("Note=")
    locations = []
    for group in _sentences(body):
        parts = list(split_outside_braces(group))
        if not parts:
            continue
        location: Json = {"location": with_evidences(parts[0])}
        if len(parts) > 1:
            location["topology"] = with_evidences(parts[1])
        if len(parts) > 2:
            location["orientation"] = with_evidences(parts[2])
        locations.append(location)
    comment: Json = {"commentType": kind}
    if locations:
        comment["subcellularLocations"] = locations
    if note.strip():
        comment["note"] = _note(note)
    return comment


def _sentences(text: str) -> list[str]:
    """Text split at full stops that end a group (outside braces)."""
    groups, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "." and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            groups.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        groups.append(text[start:].strip())
    return [g for g in groups if g]


def _interactant(text: str, first: bool) -> Json:
    text = text.strip()
    gene = None
    if ":" in text:
        text, gene = (p.strip() for p in text.split(":", 1))
    chain_of = None
    if m := re.match(r"^(PRO_\d+)\s*\[([^\]]+)\]$", text):
        text, chain_of = m.group(1), m.group(2)
    found: Json = {}
    if not text:
        return found  # the entry itself, filled in by the entry reader
    if text.startswith("PRO_"):
        if chain_of:
            found["uniProtKBAccession"] = chain_of
        found["chainId"] = text
    else:
        found["uniProtKBAccession"] = text
    if gene and not first:
        found["geneName"] = gene
    return found


def _interaction(kind: str, text: str, lines: Sequence[str] = ()) -> Json:
    interactions = []
    for line in lines:
        parts = [p.strip() for p in line.strip().rstrip(";").split(";")]
        if len(parts) >= 2 and parts[1].startswith("NbExp="):
            # the format before 2020: the entry itself is the first interactant
            head = parts[0]
            xeno = head.endswith("(xeno)")
            parts = ["", head.removesuffix("(xeno)").strip(), *(["Xeno"] if xeno else []),
                     *parts[1:]]
        if len(parts) < 3:
            continue
        one, two = _interactant(parts[0], True), _interactant(parts[1], False)
        experiments, xeno, ids = 0, False, ["", ""]
        for part in parts[2:]:
            if part == "Xeno":
                xeno = True
            elif part.startswith("NbExp="):
                experiments = int(part[6:])
            elif part.startswith("IntAct="):
                ids = [i.strip() for i in part[7:].split(",")] + [""]
        one["intActId"], two["intActId"] = ids[0], ids[1]
        interactions.append({"interactantOne": one, "interactantTwo": two,
                             "numberOfExperiments": experiments, "organismDiffer": xeno})
    return {"commentType": kind, "interactions": interactions}


def _isoform_status(value: str) -> tuple[str, list[str]]:
    if value in ("Displayed", "External", "Not described", "Unsure"):
        return value, []
    return "Described", [v.strip() for v in value.split(",")]


def _alternative_products(kind: str, text: str) -> Json:
    comment: Json = {"commentType": kind}
    isoforms: list[Json] = []
    events: list[str] = []
    for key, value in _fields(text):
        if key == "Event":
            events.append(value)
        elif key == "Name":
            isoforms.append({"name": with_evidences(value)})
        elif key == "Synonyms" and isoforms:
            isoforms[-1]["synonyms"] = [with_evidences(v) for v in value.split(", ")]
        elif key == "IsoId" and isoforms:
            isoforms[-1]["isoformIds"] = [v.strip() for v in value.split(",")]
        elif key == "Sequence" and isoforms:
            status, ids = _isoform_status(value)
            if ids:
                isoforms[-1]["sequenceIds"] = ids
            isoforms[-1]["isoformSequenceStatus"] = status
        elif key in ("Note", "Comment"):
            target = isoforms[-1] if isoforms and key == "Note" else comment
            target["note"] = _note(value)
    comment["events"] = events
    comment["isoforms"] = isoforms
    if "note" in comment:
        comment["note"] = comment.pop("note")
    return comment


def _xrefs(value: str) -> list[Json]:
    found = []
    for item in value.split(","):
        db, _, ident = item.strip().partition(":")
        if ident:
            found.append({"database": db, "id": ident})
    return found


def _catalytic_activity(kind: str, text: str) -> Json:
    comment: Json = {"commentType": kind}
    reaction: Json = {}
    physiological: list[Json] = []
    current = reaction
    for key, value in _fields(text):
        if key == "Reaction":
            reaction["name"] = value
        elif key == "Xref":
            if current is reaction:
                reaction["reactionCrossReferences"] = _xrefs(value)
            else:
                refs = _xrefs(value)
                if refs:
                    current["reactionCrossReference"] = refs[0]
        elif key == "EC":
            reaction["ecNumber"] = value
        elif key == "Evidence":
            current["evidences"] = parse_evidences(value.strip("{}"))
        elif key == "PhysiologicalDirection":
            current = {"directionType": value}
            physiological.append(current)
    comment["reaction"] = reaction
    if physiological:
        comment["physiologicalReactions"] = physiological
    return comment


def _cofactor(kind: str, text: str) -> Json:
    comment: Json = {"commentType": kind}
    cofactors: list[Json] = []
    for key, value in _fields(text):
        if key == "Name":
            cofactors.append({"name": value})
        elif key == "Xref" and cofactors:
            refs = _xrefs(value)
            if refs:
                cofactors[-1]["cofactorCrossReference"] = refs[0]
        elif key == "Evidence" and cofactors:
            evidences = parse_evidences(value.strip("{}"))
            ref = cofactors[-1].pop("cofactorCrossReference", None)
            cofactors[-1]["evidences"] = evidences
            if ref:
                cofactors[-1]["cofactorCrossReference"] = ref
        elif key == "Note":
            comment["note"] = _note(value)
    if cofactors:
        comment["cofactors"] = cofactors
    if "note" in comment:
        comment["note"] = comment.pop("note")
    return comment


_DISEASE = re.compile(r"^(?P<name>.+?)(?: \((?P<acronym>[^()]+)\))? \[(?P<db>[A-Za-z]+):"
                      r"(?P<id>[^\]]+)\]:\s*(?P<rest>.*)$", re.DOTALL)


def _disease(kind: str, text: str) -> Json:
    comment: Json = {"commentType": kind}
    body, _, note = text.partition(" Note=")
    match = _DISEASE.match(body)
    if match:
        description, evidences = split_evidences(match.group("rest").strip().removesuffix("."))
        disease: Json = {"diseaseId": match.group("name")}
        if match.group("acronym"):
            disease["acronym"] = match.group("acronym")
        disease["description"] = description.removesuffix(".")
        disease["diseaseCrossReference"] = {"database": match.group("db"),
                                            "id": match.group("id")}
        if evidences:
            disease["evidences"] = evidences
        comment["disease"] = disease
    elif body.strip():
        note = body + (" " + note if note else "")
    if note.strip():
        comment["note"] = _note(note)
    return comment


def _sequence_caution(kind: str, text: str) -> Json:
    values = dict(_fields(text))
    comment: Json = {"commentType": kind}
    if "Type" in values:
        comment["sequenceCautionType"] = values["Type"]
    if "Sequence" in values:
        comment["sequence"] = values["Sequence"]
    if "Note" in values:
        comment["note"] = values["Note"].removesuffix(".")
    if "Evidence" in values:
        comment["evidences"] = parse_evidences(values["Evidence"].strip("{}"))
    return comment


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _mass_spectrometry(kind: str, text: str) -> Json:
    values = dict(_fields(text))
    comment: Json = {"commentType": kind}
    if "Method" in values:
        comment["method"] = values["Method"]
    if "Mass" in values:
        comment["molWeight"] = _number(values["Mass"])
    if "Mass_error" in values:
        comment["molWeightError"] = _number(values["Mass_error"])
    if "Note" in values:
        comment["note"] = values["Note"]
    if "Evidence" in values:
        comment["evidences"] = parse_evidences(values["Evidence"].strip("{}"))
    return comment


def _web_resource(kind: str, text: str) -> Json:
    values = dict(_fields(text))
    comment: Json = {"commentType": kind, "resourceName": values.get("Name", "")}
    url = values.get("URL", "").strip('"')
    comment["resourceUrl"] = url
    comment["ftp"] = url.startswith("ftp:")
    if "Note" in values:
        comment["note"] = values["Note"]
    return comment


_KM = re.compile(r"^KM=(?P<value>[0-9.eE+-]+) (?P<unit>\S+) for (?P<what>.+)$")
# "Vmax=25.2 uM/h/mg enzyme", "Vmax=4.4 umol/min/mg enzyme with ATP as substrate"
_VMAX = re.compile(r"^Vmax=(?P<value>[0-9.eE+-]+) (?P<unit>\S+) (?P<what>.+)$")
_ABS_MAX = re.compile(r"^(?P<approximate>~?)\s*(?P<value>[0-9.]+)\s*nm$")
_BPCP_SECTIONS = re.compile(r"(Absorption:|Kinetic parameters:|pH dependence:|"
                            r"Redox potential:|Temperature dependence:)")
_DEPENDENCES = {"pH dependence:": "phDependence", "Redox potential:": "redoxPotential",
                "Temperature dependence:": "temperatureDependence"}


def _absorption(body: str) -> Json:
    absorption: Json = {}
    for key, value in _fields(body):
        item, evidences = split_evidences(value)
        if key == "Abs(max)" and (m := _ABS_MAX.match(item)):
            number = float(m.group("value"))
            absorption["max"] = int(number) if number.is_integer() else number
            absorption["approximate"] = bool(m.group("approximate"))
            if evidences:
                absorption["evidences"] = evidences
        elif key == "Note":
            absorption["note"] = _note(value)
    return absorption


def _kinetics(body: str) -> Json:
    kinetics: Json = {}
    for key, value in _fields(body):
        item, evidences = split_evidences(f"{key}={value}")
        if m := _KM.match(item):
            constant: Json = {"constant": float(m.group("value")), "unit": m.group("unit"),
                              "substrate": m.group("what")}
            if evidences:
                constant["evidences"] = evidences
            kinetics.setdefault("michaelisConstants", []).append(constant)
        elif m := _VMAX.match(item):
            velocity: Json = {"velocity": float(m.group("value")), "unit": m.group("unit"),
                              "enzyme": m.group("what")}
            if evidences:
                velocity["evidences"] = evidences
            kinetics.setdefault("maximumVelocities", []).append(velocity)
        elif key == "Note":
            kinetics["note"] = _note(value)
    return kinetics


def _biophysical(kind: str, text: str) -> Json:
    """A BIOPHYSICOCHEMICAL PROPERTIES comment, section by section: ``Absorption:``
    (``Abs(max)``, a note), ``Kinetic parameters:`` (KM, Vmax, a note), and the pH,
    redox and temperature dependences (free text)."""
    comment: Json = {"commentType": kind}
    parts = _BPCP_SECTIONS.split(text)
    for header, body in zip(parts[1::2], parts[2::2], strict=True):
        if header == "Absorption:":
            if absorption := _absorption(body):
                comment["absorption"] = absorption
        elif header == "Kinetic parameters:":
            if kinetics := _kinetics(body):
                comment["kineticParameters"] = kinetics
        elif found := texts(body.strip().removesuffix(";")):
            comment[_DEPENDENCES[header]] = {"texts": found}
    return comment


def _rna_editing(kind: str, text: str) -> Json:
    values = dict(_fields(text))
    comment: Json = {"commentType": kind}
    positions = values.get("Modified_positions", "")
    if positions in ("Undetermined", "Not_applicable"):
        comment["locationType"] = positions.replace("_", " ")
    elif positions:
        comment["locationType"] = "Known"
        comment["positions"] = [with_evidences(p) for p in split_outside_braces(positions, ",")]
        for position in comment["positions"]:
            position["position"] = position.pop("value")
    if "Note" in values:
        comment["note"] = _note(values["Note"])
    return comment


_Builder = Callable[[str, str], Json]
_STRUCTURED: dict[str, _Builder] = {
    "SUBCELLULAR LOCATION": _subcellular,
    "ALTERNATIVE PRODUCTS": _alternative_products,
    "CATALYTIC ACTIVITY": _catalytic_activity,
    "COFACTOR": _cofactor,
    "DISEASE": _disease,
    "SEQUENCE CAUTION": _sequence_caution,
    "MASS SPECTROMETRY": _mass_spectrometry,
    "WEB RESOURCE": _web_resource,
    "BIOPHYSICOCHEMICAL PROPERTIES": _biophysical,
    "RNA EDITING": _rna_editing,
}


def _comment(kind: str, lines: list[str]) -> Json:
    text = join_lines(lines)
    molecule = None
    if m := _MOLECULE.match(text):
        molecule, text = m.group(1), text[m.end():]
    if kind == "INTERACTION":
        comment = _interaction(kind, text, lines[1:] if not lines[0].strip() else lines)
    elif kind in _STRUCTURED:
        comment = _STRUCTURED[kind](kind, text)
    else:
        comment = _free_text(kind, text)
    if molecule:
        keys = list(comment)
        at = keys.index("commentType") + 1
        items = list(comment.items())
        comment = dict(items[:at] + [("molecule", molecule)] + items[at:])
    return comment


def _comments_of(kind: str, body: list[str]) -> list[Json]:
    """The comments of one ``-!-`` block: one, or one per ``Sequence=`` line of a SEQUENCE
    CAUTION block (UniProt keeps each caution as a comment of its own)."""
    if kind != "SEQUENCE CAUTION":
        return [_comment(kind, body)]
    molecule = [body[0]] if body and body[0].startswith("[") else []
    groups: list[list[str]] = []
    for line in body[len(molecule):]:
        if line.startswith("Sequence=") or not groups:
            groups.append([*molecule, line])  # "[Isoform 3]:" belongs to each caution
        else:
            groups[-1].append(line)
    return [_comment(kind, group) for group in groups if "".join(group).strip()] or [
        _comment(kind, body)]


def comments(lines: Sequence[str]) -> list[Json]:
    """UniProt's ``comments`` of the CC line bodies (the copyright block is left out)."""
    found: list[Json] = []
    kind: str | None = None
    body: list[str] = []
    for line in lines:
        if line.startswith("-!- "):
            if kind is not None:
                found += _comments_of(kind, body)
            head, _, rest = line[4:].partition(":")
            kind, body = head.strip(), [rest.strip()] if rest.strip() else [""]
        elif line.startswith("----") or line.startswith("Copyrighted") or \
                line.startswith("Distributed"):
            if kind is not None:
                found += _comments_of(kind, body)
            kind, body = None, []
        elif kind is not None:
            body.append(line.strip())
    if kind is not None:
        found += _comments_of(kind, body)
    return found
