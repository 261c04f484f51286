"""Flat-file features (FT lines, as Biopython reads them) as UniProt's JSON ``features``.

UniProt's key order is kept: type, location, description, featureCrossReferences, evidences,
featureId, alternativeSequence, ligand, ligandPart. ``description`` is always present.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from Bio.SeqFeature import (
    AfterPosition,
    BeforePosition,
    ExactPosition,
    UncertainPosition,
    UnknownPosition,
)

from idmapping.uniprot.common import Json, parse_evidences, split_evidences
from idmapping.uniprot.featuretypes import FEATURE_TYPES

__all__ = ["features", "alternative_sequence"]

_CHANGE = re.compile(r"^(?P<orig>[A-Z ]+?)\s*->\s*(?P<alt>[A-Z, ]+?)(?:\s*\((?P<rest>.*)\))?$",
                     re.DOTALL)
_MUTAGEN = re.compile(r"^(?P<orig>[A-Z]+)->(?P<alt>[A-Z,]+|Missing): ?(?P<rest>.*)$", re.DOTALL)
_MISSING = re.compile(r"^Missing(?:\s*\((?P<rest>.*)\))?$", re.DOTALL)
_DBSNP = re.compile(r"dbSNP:(rs\d+)")


def _position(position: Any, start: bool) -> Json:
    if isinstance(position, UnknownPosition):
        return {"modifier": "UNKNOWN"}
    value = int(position) + (1 if start else 0)
    if isinstance(position, UncertainPosition):
        return {"value": value, "modifier": "UNSURE"}
    if isinstance(position, (BeforePosition, AfterPosition)):
        return {"value": value, "modifier": "OUTSIDE"}
    if not isinstance(position, ExactPosition):
        return {"value": value, "modifier": "UNSURE"}
    return {"value": value, "modifier": "EXACT"}


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


def _ligand(qualifiers: dict[str, Any], prefix: str) -> Json | None:
    name = qualifiers.get(prefix)
    if not name:
        return None
    found: Json = {"name": name}
    for key, target in (("_id", "id"), ("_label", "label"), ("_note", "note")):
        if qualifiers.get(prefix + key):
            found[target] = qualifiers[prefix + key]
    return found


def _feature(record_feature: Any) -> Json:
    kind = record_feature.type
    qualifiers: dict[str, Any] = dict(record_feature.qualifiers)
    note = str(qualifiers.get("note", qualifiers.get("description", ""))).strip()
    evidences: list[Json] = []
    if "evidence" in qualifiers:
        evidences = parse_evidences(str(qualifiers["evidence"]))
    else:
        note, evidences = split_evidences(note.removesuffix("."))
    note = note.removesuffix(".") if "description" in qualifiers else note
    location = record_feature.location
    feature: Json = {
        "type": FEATURE_TYPES.get(kind, kind),
        "location": {"start": _position(location.start, True),
                     "end": _position(location.end, False)},
    }
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
    ident = record_feature.id or qualifiers.get("id")
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


def features(record_features: Iterable[Any]) -> list[Json]:
    """UniProt's ``features`` of Biopython's feature table of a record."""
    return [_feature(f) for f in record_features]
