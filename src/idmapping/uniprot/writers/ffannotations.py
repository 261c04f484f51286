"""Comments and features as the flat file writes them, one text each before wrapping: a CC
comment as ``TYPE: [molecule]: text {evidences}.``, an FT feature as ``KEY start..end;
/note="..."; /evidence="..."; /id="..."``. UniProt's TSV cells of comments and features are
the same texts (:mod:`idmapping.entries.kbcells`).

>>> comment_text({"commentType": "FUNCTION", "texts": [{"value": "Binds ATP"}]})
'FUNCTION: Binds ATP.'
>>> feature_text({"type": "Chain", "location": {"start": {"value": 1}, "end": {"value": 9}},
...               "description": "Demo protein", "featureId": "PRO_0000000001"})
'CHAIN 1..9; /note="Demo protein"; /id="PRO_0000000001"'
"""

from __future__ import annotations

from idmapping.uniprot.common import Json, evidence_text
from idmapping.uniprot.featuretypes import FEATURE_KEYS

__all__ = ["comment_text", "feature_text"]


def _with_ev(item: Json) -> str:
    text = str(item.get("value", ""))
    if item.get("evidences"):
        text += " {" + evidence_text(item["evidences"]) + "}"
    return text


def _texts(texts: list[Json]) -> str:
    """Free texts as the flat file writes them: ``text. {evidences}.``."""
    parts = []
    for text in texts:
        part = str(text.get("value", "")) + "."
        if text.get("evidences"):
            part += " {" + evidence_text(text["evidences"]) + "}."
        parts.append(part)
    return " ".join(parts)


def _comment_body(comment: Json) -> str:
    if "texts" in comment:
        return _texts(comment["texts"])
    kind = comment["commentType"]
    parts: list[str] = []
    if kind == "SUBCELLULAR LOCATION":
        for loc in comment.get("subcellularLocations", []):
            parts.append("; ".join(_with_ev(loc[k]) for k in ("location", "topology",
                                                              "orientation") if k in loc) + ".")
    elif kind == "DISEASE" and "disease" in comment:
        d = comment["disease"]
        ref = d.get("diseaseCrossReference", {})
        acronym = f" ({d['acronym']})" if d.get("acronym") else ""
        text = f"{d['diseaseId']}{acronym} [{ref.get('database')}:{ref.get('id')}]: " \
               f"{d.get('description', '')}."
        if d.get("evidences"):
            text = text[:-1] + " {" + evidence_text(d["evidences"]) + "}."
        parts.append(text)
    elif kind == "INTERACTION":
        for i in comment.get("interactions", []):
            two = i["interactantTwo"]
            parts.append(f"{two.get('uniProtKBAccession', two.get('chainId', ''))}"
                         + (f"; {two['geneName']}" if two.get("geneName") else ""))
        return "; ".join(parts)
    elif kind == "CATALYTIC ACTIVITY" and "reaction" in comment:
        r = comment["reaction"]
        parts.append(f"Reaction={r.get('name', '')};")
        if r.get("ecNumber"):
            parts.append(f"EC={r['ecNumber']};")
    elif kind == "ALTERNATIVE PRODUCTS":
        parts.append("Event=" + ", ".join(comment.get("events", [])) + ";")
        for iso in comment.get("isoforms", []):
            status = ", ".join(iso.get("sequenceIds", [])) or iso.get("isoformSequenceStatus", "")
            parts.append(f"Name={iso['name']['value']}; IsoId="
                         f"{', '.join(iso.get('isoformIds', []))}; Sequence={status};")
    elif kind == "COFACTOR":
        for c in comment.get("cofactors", []):
            parts.append(f"Name={c['name']};")
    elif kind == "WEB RESOURCE":
        url = comment.get("resourceUrl", "")
        parts.append(f"Name={comment.get('resourceName', '')}; URL=\"{url}\";")
    elif kind == "SEQUENCE CAUTION":
        parts.append(f"Sequence={comment.get('sequence', '')}; "
                     f"Type={comment.get('sequenceCautionType', '')};")
        if comment.get("note"):
            said = str(comment["note"])
            parts.append(f"Note={said}{'' if said.endswith('.') else '.'};")
        if comment.get("evidences"):
            parts.append(f"Evidence={{{evidence_text(comment['evidences'])}}};")
    elif kind == "MASS SPECTROMETRY":
        parts += [f"{k}={v};" for k, v in comment.items() if k not in ("commentType",
                                                                    "evidences")]
    note = comment.get("note")
    if isinstance(note, dict) and note.get("texts"):
        parts.append("Note=" + _texts(note["texts"]))
    return " ".join(parts)


def comment_text(comment: Json) -> str:
    """The text of one comment: ``TYPE: [molecule]: body``.

    :param comment: one of the entry's ``comments``, as UniProt's JSON has it.
    """
    kind = comment["commentType"]
    molecule = f"[{comment['molecule']}]: " if comment.get("molecule") else ""
    return f"{kind}: {molecule}{_comment_body(comment)}"


def _location(feature: Json) -> str:
    loc = feature["location"]

    def point(p: Json, start: bool) -> str:
        if p.get("modifier") == "UNKNOWN":
            return "?"
        prefix = {"OUTSIDE": "<" if start else ">", "UNSURE": "?"}.get(p.get("modifier", ""), "")
        return f"{prefix}{p.get('value', '')}"

    start, end = point(loc["start"], True), point(loc["end"], False)
    return start if start == end else f"{start}..{end}"


def feature_text(feature: Json) -> str:
    """The text of one feature: its key and location, then its qualifiers.

    :param feature: one of the entry's ``features``, as UniProt's JSON has it.
    """
    kind = feature["type"]
    text = f"{FEATURE_KEYS.get(kind, kind)} {_location(feature)}"
    note = feature.get("description", "")
    change = feature.get("alternativeSequence")
    if change is not None and kind != "Mutagenesis":
        alts = "/".join(change.get("alternativeSequences", []))
        head = f"{change.get('originalSequence', '')} -> {alts}" if alts else "Missing"
        note = f"{head} ({note})" if note else head
    if note:
        text += f'; /note="{note}"'
    if feature.get("evidences"):
        text += f'; /evidence="{evidence_text(feature["evidences"])}"'
    if feature.get("featureId"):
        text += f'; /id="{feature["featureId"]}"'
    return text
