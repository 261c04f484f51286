"""UniProtKB flat-file text of an entry's JSON, for entries that were not read from a flat file
(those keep their own text, which ``format=txt`` returns as it was).

Lines are wrapped at 80 characters as UniProt wraps them; the line groups are ID, AC, DT, DE,
GN, OS, OG, OC, OX, OH, references, CC, DR, PE, KW, FT and SQ.
"""

from __future__ import annotations

import textwrap

from idmapping.uniprot.common import REVIEWED, Json, evidence_text, flat_date
from idmapping.uniprot.featuretypes import FEATURE_KEYS
from idmapping.uniprot.writers.ffannotations import comment_text, feature_text

__all__ = ["flat_file"]

WIDTH = 80


def _ev(item: Json) -> str:
    return f" {{{evidence_text(item['evidences'])}}}" if item.get("evidences") else ""


def _wrap(code: str, text: str, indent: str = "") -> list[str]:
    prefix = f"{code}   "
    lines = textwrap.wrap(text, WIDTH - len(prefix), subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False)
    return [prefix + line for line in lines] or [prefix.rstrip()]


def _names(kind: str, block: Json) -> list[str]:
    lines = []
    first = True
    for key, label in (("fullName", "Full"), ("shortNames", "Short"), ("ecNumbers", "EC")):
        values = block.get(key)
        for value in ([values] if isinstance(values, dict) else values or []):
            head = f"{kind}: " if first else " " * (len(kind) + 2)
            lines.append(f"{head}{label}={value['value']}{_ev(value)};")
            first = False
    return lines


def _description(desc: Json, indent: str = "") -> list[str]:
    lines: list[str] = []
    if desc.get("recommendedName"):
        lines += _names("RecName", desc["recommendedName"])
    for block in desc.get("alternativeNames", []):
        lines += _names("AltName", block)
    for key, label in (("allergenName", "Allergen"), ("biotechName", "Biotech")):
        if desc.get(key):
            lines.append(f"AltName: {label}={desc[key]['value']}{_ev(desc[key])};")
    for key, label in (("cdAntigenNames", "CD_antigen"), ("innNames", "INN")):
        lines += [f"AltName: {label}={v['value']}{_ev(v)};" for v in desc.get(key, [])]
    for block in desc.get("submissionNames", []):
        lines += _names("SubName", block)
    for key, label in (("includes", "Includes:"), ("contains", "Contains:")):
        for part in desc.get(key, []):
            lines.append(label)
            lines += ["  " + line for line in _description(part)]
    if desc.get("flag"):
        lines.append("Flags: " + " ".join(f + ";" for f in desc["flag"].split(",")))
    return [f"DE   {indent}{line}" for line in lines]


def _genes(genes: list[Json]) -> list[str]:
    lines: list[str] = []
    for n, gene in enumerate(genes):
        if n:
            lines.append("GN   and")
        parts = []
        if "geneName" in gene:
            parts.append(f"Name={gene['geneName']['value']}{_ev(gene['geneName'])};")
        for key, label in (("synonyms", "Synonyms"), ("orderedLocusNames", "OrderedLocusNames"),
                           ("orfNames", "ORFNames")):
            if gene.get(key):
                parts.append(f"{label}=" + ", ".join(v["value"] + _ev(v) for v in gene[key]) +
                             ";")
        lines += _wrap("GN", " ".join(parts))
    return lines


def _organism(entry: Json) -> list[str]:
    organism = entry.get("organism") or {}
    name = organism.get("scientificName", "")
    if organism.get("commonName"):
        name += f" ({organism['commonName']})"
    name += "".join(f" ({s})" for s in organism.get("synonyms", []))
    lines = _wrap("OS", name + ".")
    if organism.get("lineage"):
        lines += _wrap("OC", "; ".join(organism["lineage"]) + ".")
    lines.append(f"OX   NCBI_TaxID={organism.get('taxonId', '')}{_ev(organism)};")
    for host in entry.get("organismHosts", []):
        host_name = host.get("scientificName", "") + (f" ({host['commonName']})"
                                                      if host.get("commonName") else "")
        lines += _wrap("OH", f"NCBI_TaxID={host.get('taxonId')}; {host_name}.")
    return lines


def _reference(n: int, ref: Json) -> list[str]:
    citation = ref.get("citation", {})
    lines = [f"RN   [{n}]{_ev(ref)}"]
    if ref.get("referencePositions"):
        lines += _wrap("RP", ", ".join(ref["referencePositions"]) + ".")
    comments: dict[str, list[str]] = {}
    for comment in ref.get("referenceComments", []):
        comments.setdefault(comment["type"], []).append(comment["value"] + _ev(comment))
    if comments:
        lines += _wrap("RC", " ".join(f"{k}={', '.join(v)};" for k, v in comments.items()))
    xrefs = citation.get("citationCrossReferences", [])
    if xrefs:
        lines += _wrap("RX", " ".join(f"{x['database']}={x['id']};" for x in xrefs))
    if citation.get("authoringGroup"):
        lines += _wrap("RG", "; ".join(citation["authoringGroup"]) + ";")
    if citation.get("authors"):
        lines += _wrap("RA", ", ".join(citation["authors"]) + ";")
    if citation.get("title"):
        lines += _wrap("RT", f'"{citation["title"]}";')
    lines += _wrap("RL", _location(citation))
    return lines


def _location(citation: Json) -> str:
    kind = citation.get("citationType")
    if kind == "submission":
        return (f"Submitted ({citation.get('publicationDate', '')}) to the "
                f"{citation.get('submissionDatabase', '')}.")
    pages = citation.get("firstPage", "")
    if citation.get("lastPage"):
        pages += f"-{citation['lastPage']}"
    return (f"{citation.get('journal', '')} {citation.get('volume', '')}:{pages}"
            f"({citation.get('publicationDate', '')}).")


def _comments(entry: Json) -> list[str]:
    lines: list[str] = []
    for comment in entry.get("comments", []):
        text = comment_text(comment)
        wrapped = textwrap.wrap(text, WIDTH - 9, break_long_words=False,
                                break_on_hyphens=False)
        lines += [("CC   -!- " if n == 0 else "CC       ") + line
                  for n, line in enumerate(wrapped)]
    if lines:
        rule = "CC   " + "-" * 75
        lines += [rule, "CC   Copyrighted by the UniProt Consortium, see "
                  "https://www.uniprot.org/terms",
                  "CC   Distributed under the Creative Commons Attribution (CC BY 4.0) License",
                  rule]
    return lines


def _xrefs(entry: Json) -> list[str]:
    lines = []
    for xref in entry.get("uniProtKBCrossReferences", []):
        values = [xref["database"], xref["id"], *(p["value"] for p in xref.get("properties",
                                                                                []))]
        line = "DR   " + "; ".join(values) + "."
        if xref.get("isoformId"):
            line += f" [{xref['isoformId']}]"
        lines.append(line)
    return lines


def _features(entry: Json) -> list[str]:
    lines = []
    for feature in entry.get("features", []):
        text = feature_text(feature)
        head, *qualifiers = text.split("; /")
        key, _, location = head.partition(" ")
        lines.append(f"FT   {FEATURE_KEYS.get(feature['type'], key):<16}{location}")
        for qualifier in qualifiers:
            for part in textwrap.wrap("/" + qualifier, WIDTH - 21, break_long_words=True):
                lines.append("FT" + " " * 19 + part)
    return lines


def _sequence(entry: Json) -> list[str]:
    seq = entry.get("sequence") or {}
    value = seq.get("value", "")
    lines = [f"SQ   SEQUENCE {seq.get('length', 0):>5} AA;  {seq.get('molWeight', 0)} MW;  "
             f"{seq.get('crc64', '')} CRC64;"]
    for start in range(0, len(value), 60):
        chunk = value[start : start + 60]
        lines.append("     " + " ".join(chunk[i : i + 10] for i in range(0, len(chunk), 10)))
    return lines


def flat_file(entry: Json) -> str:
    """The flat-file text of one UniProtKB entry, ending with ``//``."""
    reviewed = entry.get("entryType") == REVIEWED
    status = "Reviewed" if reviewed else "Unreviewed"
    length = (entry.get("sequence") or {}).get("length", 0)
    lines = [f"ID   {entry.get('uniProtkbId', ''):<24}{status};{length:>{21 - len(status) - 1}}"
             " AA."]
    accessions = [entry["primaryAccession"], *entry.get("secondaryAccessions", [])]
    lines += _wrap("AC", " ".join(a + ";" for a in accessions))
    audit = entry.get("entryAudit") or {}
    database = "UniProtKB/Swiss-Prot" if reviewed else "UniProtKB/TrEMBL"
    # an entry read from the isoform FASTA file has no dates: its DT lines are left out
    dates = (("firstPublicDate", f"integrated into {database}"),
             ("lastSequenceUpdateDate", f"sequence version {audit.get('sequenceVersion', '')}"),
             ("lastAnnotationUpdateDate", f"entry version {audit.get('entryVersion', '')}"))
    lines += [f"DT   {flat_date(audit[key])}, {text}." for key, text in dates if audit.get(key)]
    lines += _description(entry.get("proteinDescription") or {})
    lines += _genes(entry.get("genes", []))
    lines += _organism(entry)
    for n, ref in enumerate(entry.get("references", []), 1):
        lines += _reference(n, ref)
    lines += _comments(entry)
    lines += _xrefs(entry)
    existence = str(entry.get("proteinExistence", ""))
    if existence:
        lines.append(f"PE   {existence};")
    if entry.get("keywords"):
        lines += _wrap("KW", "; ".join(k.get("name", "") + _ev(k)
                                       for k in entry["keywords"]) + ".")
    lines += _features(entry)
    lines += _sequence(entry)
    return "\n".join(lines) + "\n//\n"
