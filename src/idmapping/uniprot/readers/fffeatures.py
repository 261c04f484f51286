"""Flat-file features (FT lines) as UniProt's JSON ``features``.

The FT lines are read here, in one pass, as Biopython's ``Bio.SwissProt`` read them before
(new-style ``FT   TYPE   1..10`` lines with ``/qualifier="..."`` continuations, and the
old column-style lines with ``/FTId=``), but without building Biopython's location and
position objects for each feature: a position goes straight to UniProt's
``{"value", "modifier"}``.

UniProt's key order is kept: type, location, description, featureCrossReferences, evidences,
featureId, alternativeSequence, ligand, ligandPart. ``description`` is always present.

>>> found = features(read_features(["FT   HELIX           <3..?7\\n",
...                                 'FT                   /evidence="ECO:0000269"\\n']))
>>> found[0]["location"]
{'start': {'value': 3, 'modifier': 'OUTSIDE'}, 'end': {'value': 7, 'modifier': 'UNSURE'}}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from idmapping.uniprot.common import Json, parse_evidences, split_evidences
from idmapping.uniprot.featuretypes import FEATURE_TYPES

__all__ = ["FeatureLines", "read_feature_line", "read_features", "features", "alternative_sequence"]

_CHANGE = re.compile(r"^(?P<orig>[A-Z ]+?)\s*->\s*(?P<alt>[A-Z, ]+?)(?:\s*\((?P<rest>.*)\))?$",
                     re.DOTALL)
_MUTAGEN = re.compile(r"^(?P<orig>[A-Z]+)->(?P<alt>[A-Z,]+|Missing): ?(?P<rest>.*)$", re.DOTALL)
_MISSING = re.compile(r"^Missing(?:\s*\((?P<rest>.*)\))?$", re.DOTALL)
_DBSNP = re.compile(r"dbSNP:(rs\d+)")
_QUALIFIER = re.compile(r"/([a-z_]+)=")
# INSDC's fuzzy positions, as Biopython reads them: (8.10) and one-of(5,8,11)
_WITHIN = re.compile(r"\((\d+)\.(\d+)\)")
_ONE_OF = re.compile(r"one\-of\((\d+[,\d+]+)\)")
_BLANK_29 = " " * 29


@dataclass
class FeatureLines:
    """One feature as its FT lines state it.

    :param kind: the flat-file key (``CHAIN``, ``VARIANT`` ...).
    :param start: ``location.start`` (UniProt's position object).
    :param end: ``location.end``.
    :param qualifiers: ``note``, ``evidence``, ``ligand`` ... (new style), or ``description``
        (old style), in the order of the lines.
    :param ident: ``/id`` or ``/FTId=``.
    """

    kind: str
    start: Json
    end: Json
    qualifiers: dict[str, str] = field(default_factory=dict)
    ident: str | None = None


def _position(text: str, start: bool) -> tuple[Json, int | None]:
    """UniProt's position of an FT location's *text*, and the 0-based number Biopython
    compared (None for an unknown position). A one-of position is its smallest choice as a
    start, its largest as an end; a within position its left or right bound likewise."""
    if text == "?":
        return {"modifier": "UNKNOWN"}, None
    head = text[:1]
    if head == "?":
        value = int(text[1:])
        modifier = "UNSURE"
    elif head in ("<", ">"):
        value = int(text[1:])
        modifier = "OUTSIDE"
    elif m := _WITHIN.match(text):
        value = int(m.group(1) if start else m.group(2))
        modifier = "UNSURE"
    elif m := _ONE_OF.match(text):
        choices = [int(c) for c in m.group(1).split(",")]
        value = min(choices) if start else max(choices)
        modifier = "UNSURE"
    else:
        value = int(text)
        modifier = "EXACT"
    return {"value": value, "modifier": modifier}, value - 1 if start else value


def _location(first: str, last: str) -> tuple[Json, Json]:
    """The start and end of a location ``first..last`` (*last* empty: one position)."""
    start, low = _position(first, True)
    if not last:
        return start, dict(start)
    end, high = _position(last, False)
    if low is not None and high is not None and low > high:
        raise ValueError(f"End location ({high}) must be greater than or equal to start "
                         f"location ({low})")
    return start, end


def _joined_change(description: str) -> str:
    """A VAR_SEQ description whose ``A B -> C D`` sequences ran over lines, without the
    spaces the line breaks left in the sequences."""
    parts = description.split(" -> ")
    if len(parts) != 2:
        return description
    first, second = parts
    extra = ""
    at = second.find(" (")
    if at != -1:
        second, extra = second[:at], second[at:]
    return first.replace(" ", "") + " -> " + second.replace(" ", "") + extra


def _old_style(found: list[FeatureLines], line: str) -> None:
    """A continuation of an old column-style feature: description text or ``/FTId=``."""
    feature = found[-1]
    text = line[34:75].rstrip()
    if text.startswith("/FTId="):
        feature.ident = text[6:].rstrip(".")
        return
    before = feature.qualifiers["description"]
    text = f"{before}{text}" if before.endswith("-") else f"{before} {text}"
    if feature.kind in ("VARSPLIC", "VAR_SEQ"):
        text = _joined_change(text)
    feature.qualifiers["description"] = text


def _new_style(found: list[FeatureLines], line: str) -> None:
    """A qualifier line (``/note="...``) or the continuation of the last qualifier."""
    feature = found[-1]
    value = line[21:].rstrip()
    if m := _QUALIFIER.match(value):
        key = m.group(1)
        value = value[m.end():]
        if not value.startswith('"'):
            raise ValueError("Missing starting quote in feature")
        if key == "id":
            if not value.endswith('"'):
                raise ValueError("Missing closing quote for id")
            feature.ident = value[1:-1]
            return
        if key in feature.qualifiers:
            raise ValueError(f"Feature qualifier {key!r} already exists for feature")
        feature.qualifiers[key] = value[1:-1] if value.endswith('"') else value[1:]
        return
    key = next(reversed(feature.qualifiers))  # StopIteration: no qualifier to continue
    before, text = feature.qualifiers[key], value.rstrip('"')
    text = f"{before}{text}" if key == "evidence" or before.endswith("-") else \
        f"{before} {text}"
    if feature.kind == "VAR_SEQ":
        text = _joined_change(text)
    feature.qualifiers[key] = text


def read_feature_line(found: list[FeatureLines], line: str) -> None:
    """Add one FT line to *found*: a new feature, or more of the last one.

    :raises ValueError: a location or qualifier the format does not allow.
    :raises IndexError: a continuation before any feature.
    """
    name = line[5:13].rstrip()
    if not name:
        if not found:
            raise IndexError("a feature's continuation before any feature")
        if line[5:34] == _BLANK_29:
            _old_style(found, line)
        else:
            try:
                _new_style(found, line)
            except StopIteration:
                raise ValueError("a continuation of no qualifier") from None
        return
    if line[13:21] == "        ":  # new style: FT   TYPE            [isoform:]1..10
        location = line[21:80].rstrip()
        parts = location.split(":")
        if len(parts) == 2:
            location = parts[1]
        first, dots, last = location.partition("..")
        if ".." in last:
            first, last = location, ""
        start, end = _location(first, last)
        found.append(FeatureLines(name, start, end))
    else:  # old style: columns for the ends, the description from column 35
        start, end = _location(line[14:20].lstrip(), line[21:27].lstrip())
        found.append(FeatureLines(name, start, end, {"description": line[34:75].rstrip()}))


def read_features(lines: Iterable[str]) -> list[FeatureLines]:
    """The features of an entry's FT lines (whole lines, ``FT`` included)."""
    found: list[FeatureLines] = []
    for line in lines:
        read_feature_line(found, line)
    return found


def alternative_sequence(kind: str, note: str) -> tuple[str, Json | None]:
    """A variant-like note split into its description and ``alternativeSequence``.

    :param kind: the flat-file key (``VARIANT``, ``VAR_SEQ``, ``MUTAGEN``, ``CONFLICT``).
    :param note: the feature's note, as the FT lines have it.
    """
    if kind == "MUTAGEN":
        if note.startswith("Missing:"):
            return note[8:].strip().removesuffix("."), {}
        if m := _MUTAGEN.match(note):
            alts = [] if m.group("alt") == "Missing" else m.group("alt").split(",")
            change: Json = {"originalSequence": m.group("orig")}
            if alts:
                change["alternativeSequences"] = alts
            return m.group("rest").strip().removesuffix("."), change
        return note, None
    if m := _MISSING.match(note):
        return (m.group("rest") or "").strip(), {}
    if m := _CHANGE.match(note):
        alts = [a.replace(" ", "") for a in m.group("alt").split(",") if a.strip()]
        return (m.group("rest") or "").strip(), {
            "originalSequence": m.group("orig").replace(" ", ""), "alternativeSequences": alts}
    return note, None


def _ligand(qualifiers: dict[str, str], prefix: str) -> Json | None:
    name = qualifiers.get(prefix)
    if not name:
        return None
    found: Json = {"name": name}
    for key, target in (("_id", "id"), ("_label", "label"), ("_note", "note")):
        if qualifiers.get(prefix + key):
            found[target] = qualifiers[prefix + key]
    return found


def _feature(lines: FeatureLines) -> Json:
    kind, qualifiers = lines.kind, lines.qualifiers
    note = qualifiers.get("note", qualifiers.get("description", "")).strip()
    evidences: list[Json] = []
    if "evidence" in qualifiers:
        evidences = parse_evidences(qualifiers["evidence"])
    else:
        note, evidences = split_evidences(note.removesuffix("."))
    note = note.removesuffix(".") if "description" in qualifiers else note
    feature: Json = {"type": FEATURE_TYPES.get(kind, kind),
                     "location": {"start": lines.start, "end": lines.end}}
    change: Json | None = None
    if kind in ("VARIANT", "VAR_SEQ", "CONFLICT", "MUTAGEN", "UNSURE"):
        note, change = alternative_sequence(kind, note)
    feature["description"] = note
    if kind == "VARIANT":
        refs = [{"database": "dbSNP", "id": rs} for rs in _DBSNP.findall(note)]
        if refs:
            feature["featureCrossReferences"] = refs
    if evidences:
        feature["evidences"] = evidences
    ident = lines.ident or qualifiers.get("id")
    if ident:
        feature["featureId"] = ident
    elif kind == "CARBOHYD":
        feature["featureId"] = ""
    if change is not None:
        feature["alternativeSequence"] = change
    for key, target in (("ligand", "ligand"), ("ligand_part", "ligandPart")):
        found = _ligand(qualifiers, key)
        if found:
            feature[target] = found
    return feature


def features(found: Iterable[FeatureLines]) -> list[Json]:
    """UniProt's ``features`` of an entry's features (:func:`read_features`)."""
    return [_feature(f) for f in found]
