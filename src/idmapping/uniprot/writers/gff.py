"""GFF3 of UniProtKB entries, as UniProt writes it: one line per feature.

``##gff-version 3`` opens the file; each entry starts with ``##sequence-region ACC 1 LENGTH``;
each line ends with a tab (UniProt's empty tenth column).
"""

from __future__ import annotations

from idmapping.uniprot.common import Json

__all__ = ["GFF_HEADER", "gff_record"]

GFF_HEADER = "##gff-version 3\n"

_ESCAPES = str.maketrans({",": "%2C", ";": "%3B", "=": "%3D", "\t": "%09", "\n": "%0A",
                          "%": "%25"})
_CHANGE_TYPES = ("Natural variant", "Alternative sequence", "Sequence conflict", "Mutagenesis",
                 "Sequence uncertainty")


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


_GFF_TYPES = {"Signal": "Signal peptide"}


def _description(feature: Json) -> str:
    """The description as GFF notes it: no dbSNP ids (they are Dbxrefs), no conflict refs."""
    if feature["type"] == "Sequence conflict":
        return ""
    parts = [p for p in str(feature.get("description", "")).split("; ")
             if not p.removeprefix("in ").startswith("dbSNP:")]
    return "; ".join(parts).removesuffix(";").strip()


def _note(feature: Json) -> str:
    description = _description(feature)
    if feature["type"] not in _CHANGE_TYPES or "alternativeSequence" not in feature:
        return description
    change = feature["alternativeSequence"]
    alts = change.get("alternativeSequences", [])
    text = f"{change.get('originalSequence', '')}->{','.join(alts)}" if alts else "Missing"
    if description:
        description = description[:1].upper() + description[1:]
        return f"{description}. {text}"
    return text


def _attributes(feature: Json) -> str:
    parts = []
    if feature.get("featureId"):
        parts.append(f"ID={feature['featureId']}")
    note = _note(feature)
    if note:
        parts.append(f"Note={_escape(note)}")
    evidences = feature.get("evidences", [])
    if evidences:
        parts.append("Ontology_term=" + ",".join(e["evidenceCode"] for e in evidences))
        texts = []
        for e in evidences:
            text = e["evidenceCode"]
            if e.get("source") == "Reference":
                text += f"|{e.get('id')}"
            elif e.get("source"):
                text += f"|{e['source']}:{e.get('id', '')}"
            texts.append(text)
        parts.append("evidence=" + ",".join(texts))
    refs = [f"{x['database']}:{x['id']}" for x in feature.get("featureCrossReferences", [])]
    refs += [f"PMID:{e['id']}" for e in evidences if e.get("source") == "PubMed"]
    if refs:
        parts.append("Dbxref=" + ",".join(refs))
    return ";".join(parts) or "."


def _position(point: Json) -> str:
    value = point.get("value")
    return "." if value is None else str(value)


def gff_record(entry: Json) -> str:
    """The ``##sequence-region`` line and feature lines of one entry."""
    accession = entry["primaryAccession"]
    length = (entry.get("sequence") or {}).get("length", 0)
    lines = [f"##sequence-region {accession} 1 {length}\n"]
    for feature in entry.get("features", []):
        location = feature.get("location") or {}
        lines.append("\t".join((
            accession, "UniProtKB", _GFF_TYPES.get(feature["type"], feature["type"]),
            _position(location.get("start", {})), _position(location.get("end", {})),
            ".", ".", ".", _attributes(feature))) + "\t\n")
    return "".join(lines)
