"""Flat-file line groups as UniProt's JSON: names (DE), genes (GN), organisms (OS, OH, OG),
references (RN...RL) and cross-references (DR).

Each function takes the bodies of its lines (the text after the 5-character line code).

>>> description(["RecName: Full=Adenosine receptor A1;", "Flags: Precursor;"])
{'recommendedName': {'fullName': {'value': 'Adenosine receptor A1'}}, 'flag': 'Precursor'}
>>> genes(["Name=FGFR2; Synonyms=BEK, KGFR;"])
[{'geneName': {'value': 'FGFR2'}, 'synonyms': [{'value': 'BEK'}, {'value': 'KGFR'}]}]
>>> organism_names("Homo sapiens (Human).")
{'scientificName': 'Homo sapiens', 'commonName': 'Human'}
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from idmapping.uniprot.common import Json, drline_databases, split_evidences, split_outside_braces
from idmapping.uniprot.readers.fftext import join_lines, with_evidences

__all__ = ["description", "genes", "organism_names", "organism_hosts", "gene_locations",
           "reference", "cross_reference"]


def _value(text: str) -> Json:
    """A name value as UniProt writes it: ``value`` then ``evidences``."""
    value, evidences = split_evidences(text)
    item: Json = {"value": value}
    if evidences:
        item["evidences"] = evidences
    return item


_SINGLE_NAMES = {"Allergen": "allergenName", "Biotech": "biotechName"}
_LIST_NAMES = {"CD_antigen": "cdAntigenNames", "INN": "innNames"}
_KEY_ORDER = ("recommendedName", "submissionNames", "alternativeNames", "allergenName",
              "biotechName", "cdAntigenNames", "innNames", "includes", "contains", "flag")


def _name_block(parts: list[tuple[str, str]]) -> Json:
    name: Json = {}
    for key, value in parts:
        if key == "Full":
            name["fullName"] = _value(value)
        elif key == "Short":
            name.setdefault("shortNames", []).append(_value(value))
        elif key == "EC":
            name.setdefault("ecNumbers", []).append(_value(value))
    return name


def _description(lines: list[str]) -> Json:
    """One description (the entry's, or one Includes:/Contains: section)."""
    found: Json = {}
    kind = ""
    parts: list[tuple[str, str]] = []
    flags: list[str] = []

    def close() -> None:
        if not parts:
            return
        if kind == "RecName":
            found["recommendedName"] = _name_block(parts)
        elif kind == "SubName":
            found.setdefault("submissionNames", []).append(_name_block(parts))
        elif kind == "AltName":
            key, value = parts[0]
            if key in _SINGLE_NAMES:
                found[_SINGLE_NAMES[key]] = _value(value)
            elif key in _LIST_NAMES:
                found.setdefault(_LIST_NAMES[key], []).append(_value(value))
            else:
                found.setdefault("alternativeNames", []).append(_name_block(parts))
        parts.clear()

    for line in lines:
        text = line.strip()
        head, sep, rest = text.partition(":")
        if sep and head in ("RecName", "AltName", "SubName", "Flags"):
            close()
            kind, text = head, rest.strip()
        for item in split_outside_braces(text):
            if kind == "Flags":
                flags.append(item.strip())
                continue
            key, eq, value = item.partition("=")
            if eq:
                parts.append((key.strip(), value.strip()))
    close()
    if flags:
        found["flag"] = ",".join(sorted(flags, key=lambda f: f != "Fragment" and
                                        f != "Fragments"))
    return {key: found[key] for key in _KEY_ORDER if key in found}


def description(lines: Sequence[str]) -> Json:
    """UniProt's ``proteinDescription`` of the DE lines."""
    main: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        stripped = line.strip()
        if stripped in ("Includes:", "Contains:"):
            sections.append((stripped[:-1].lower(), []))
        elif sections and line.startswith("  "):
            sections[-1][1].append(stripped)
        else:
            main.append(stripped)
    found = _description(main)
    for key, body in sections:
        found.setdefault(key, []).append(_description(body))
    return {key: found[key] for key in _KEY_ORDER if key in found}


_GENE_KEYS = {"Name": "geneName", "Synonyms": "synonyms", "OrderedLocusNames":
              "orderedLocusNames", "ORFNames": "orfNames"}


def genes(lines: Sequence[str]) -> list[Json]:
    """UniProt's ``genes`` of the GN lines (genes separated by ``and`` lines)."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "and":
            blocks.append([])
        else:
            blocks[-1].append(line.strip())
    found = []
    for block in blocks:
        gene: Json = {}
        for item in split_outside_braces(" ".join(block)):
            key, eq, value = item.partition("=")
            target = _GENE_KEYS.get(key.strip())
            if not eq or target is None:
                continue
            if target == "geneName":
                gene[target] = _value(value)
            else:
                gene[target] = [_value(v) for v in split_outside_braces(value, ",")]
        if gene:
            found.append({k: gene[k] for k in _GENE_KEYS.values() if k in gene})
    return found


_STRAIN_WORDS = re.compile(
    r"^(strain|isolate|subsp\.|var\.|serotype|serovar|biovar|pathovar|pv\.|cultivar|cv\.|"
    r"clone|subtype|genotype|substrain|ecotype|forma|f\. sp\.|race|group|type|segment)\b",
    re.IGNORECASE)


def organism_names(text: str) -> Json:
    """``scientificName``, ``commonName`` and ``synonyms`` of an OS (or OH) name."""
    text = text.strip().rstrip(".")
    groups: list[str] = []
    while text.endswith(")"):
        depth, i = 0, len(text) - 1
        while i >= 0:
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                break
            i -= 1
        inner = text[i + 1 : -1]
        if i <= 0 or _STRAIN_WORDS.match(inner) or not text[:i].strip():
            break
        groups.insert(0, inner)
        text = text[:i].rstrip()
    names: Json = {"scientificName": text}
    if groups:
        names["commonName"] = groups[0]
    if len(groups) > 1:
        names["synonyms"] = groups[1:]
    return names


def organism_hosts(lines: Sequence[str]) -> list[Json]:
    """UniProt's ``organismHosts`` of OH lines: ``NCBI_TaxID=9606; Homo sapiens (Human).``."""
    hosts = []
    for line in lines:
        taxid, _, name = line.partition(";")
        host = organism_names(name)
        host["taxonId"] = int(taxid.split("=", 1)[1].strip())
        hosts.append(host)
    return hosts


def gene_locations(lines: Sequence[str]) -> list[Json]:
    """UniProt's ``geneLocations`` of OG lines (``Plasmid pX``, ``Mitochondrion``)."""
    found = []
    for item in split_outside_braces(" ".join(x.strip() for x in lines).rstrip(".")):
        for part in split_outside_braces(item, ","):
            part = part.strip().removeprefix("and ").strip()
            text, evidences = split_evidences(part)
            location: Json = {}
            for kind in ("Plasmid", "Hydrogenosome", "Mitochondrion", "Nucleomorph",
                         "Plastid; Chloroplast", "Plastid; Apicoplast", "Plastid"):
                if text.startswith(kind.split(";")[0]):
                    location["geneEncodingType"] = text.split()[0] if kind != "Plasmid" \
                        else "Plasmid"
                    rest = text[len("Plasmid"):].strip() if kind == "Plasmid" else ""
                    if rest:
                        location["value"] = rest
                    break
            else:
                location["geneEncodingType"] = text
            if evidences:
                location["evidences"] = evidences
            found.append(location)
    return found


# -- references --------------------------------------------------------------------------------

_JOURNAL = re.compile(r"^(?P<journal>.+?) (?P<volume>[^ :]*):(?P<first>[^-:]*)"
                      r"(?:-(?P<last>[^(]*))?\((?P<year>[^)]*)\)\.?$")
_SUBMITTED = re.compile(r"^Submitted \((?P<date>[^)]*)\) to (?:the )?(?P<db>.+?)\.?$")


def _location(text: str, citation: Json) -> None:
    """Fill *citation* from an RL line: its type, journal and pages, or submission."""
    text = text.strip()
    if m := _SUBMITTED.match(text):
        citation["citationType"] = "submission"
        citation["publicationDate"] = m.group("date")
        database = m.group("db").removesuffix(" databases").removesuffix(" database")
        citation["submissionDatabase"] = _SUBMISSION_DB.get(database, database)
        return
    if text.startswith("Unpublished observations"):
        citation["citationType"] = "unpublished observations"
        date = text[text.find("(") + 1 : text.find(")")] if "(" in text else ""
        if date:
            citation["publicationDate"] = date
        return
    if text.startswith("Thesis"):
        citation["citationType"] = "thesis"
        return
    if text.startswith("Patent"):
        citation["citationType"] = "patent"
        return
    if text.startswith("(In)"):
        citation["citationType"] = "book"
        return
    if text.startswith("(er)"):
        citation["citationType"] = "online journal article"
        citation["journal"] = text[4:].strip().rstrip(".")
        return
    citation["citationType"] = "journal article"
    if m := _JOURNAL.match(text):
        citation["publicationDate"] = m.group("year")
        citation["journal"] = m.group("journal")
        citation["firstPage"] = m.group("first")
        if m.group("last"):
            citation["lastPage"] = m.group("last")
        citation["volume"] = m.group("volume")


_SUBMISSION_DB = {"EMBL/GenBank/DDBJ": "EMBL/GenBank/DDBJ databases",
                  "UniProtKB": "UniProtKB", "PDB data bank": "PDB data bank"}


def reference(lines: dict[str, list[str]]) -> Json:
    """One reference (its RP, RC, RX, RG, RA, RT and RL line bodies) as UniProt's JSON."""
    joined = {code: join_lines(body) for code, body in lines.items()}
    xrefs = []
    for item in split_outside_braces(joined.get("RX", "")):
        db, _, ident = item.partition("=")
        if db.strip() in ("PubMed", "DOI", "AGRICOLA"):
            xrefs.append({"database": db.strip(), "id": ident.strip()})
    citation: Json = {}
    pubmed = next((x["id"] for x in xrefs if x["database"] == "PubMed"), None)
    if pubmed:
        citation["id"] = pubmed
    citation["citationType"] = ""
    if joined.get("RG"):
        citation["authoringGroup"] = [g.strip() for g in joined["RG"].split(";") if g.strip()]
    if joined.get("RA"):
        citation["authors"] = [a.strip() for a in joined["RA"].rstrip(";").split(",")
                               if a.strip()]
    if xrefs:
        citation["citationCrossReferences"] = xrefs
    if joined.get("RT"):
        title = joined["RT"].rstrip(";").strip()
        if title.startswith('"') and title.endswith('"'):
            title = title[1:-1]
        citation["title"] = title
    details: Json = {}
    _location(joined.get("RL", ""), details)
    citation["citationType"] = details.pop("citationType", "journal article")
    citation.update(details)
    ref: Json = {"citation": citation}
    positions = [p.strip() for p in joined.get("RP", "").rstrip(".").split(", ") if p.strip()]
    if positions:
        ref["referencePositions"] = _positions(joined.get("RP", ""))
    comments = []
    for item in split_outside_braces(joined.get("RC", "")):
        kind, eq, value = item.partition("=")
        if not eq:
            continue
        for single in value.split(", "):
            comment = with_evidences(single.strip().removeprefix("and "))
            comment["type"] = kind.strip()
            comments.append(comment)
    if comments:
        ref["referenceComments"] = comments
    _, evidences = split_evidences(joined.get("RN", ""))
    if evidences:
        ref["evidences"] = evidences
    return ref


def _positions(text: str) -> list[str]:
    """RP scopes: split on commas outside brackets, the closing full stop dropped."""
    text = text.strip().removesuffix(".")
    found, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0 and text[i + 1 : i + 2] == " ":
            if text[i + 2 : i + 6] != "AND ":
                found.append(text[start:i].strip())
                start = i + 1
    found.append(text[start:].strip())
    return [f for f in found if f]


# -- cross-references --------------------------------------------------------------------------

_ISOFORM_TAIL = re.compile(r"\s*\[([A-Z0-9]+-[0-9]+)\]\s*$")


@functools.cache
def _attribute_names() -> dict[str, tuple[str, ...]]:
    """The attribute names of each cross-reference database, in UniProt's order."""
    return {name: tuple(a for a, _ in attributes)
            for name, (_, attributes) in drline_databases().items()}


def cross_reference(line: str) -> Json:
    """One DR line as UniProt's ``{"database", "id", "properties"?, "isoformId"?}``."""
    text = line.strip()
    isoform = None
    if "[" in text and (m := _ISOFORM_TAIL.search(text)):
        isoform = m.group(1)
        text = text[: m.start()]
    stated, evidences = split_evidences(text)
    text = text.rstrip().removesuffix(".") if not evidences else stated
    text = text.removesuffix(".")
    fields = [f.strip() for f in text.split("; ")]
    database, ident, values = fields[0], fields[1] if len(fields) > 1 else "", fields[2:]
    xref: Json = {"database": database, "id": ident}
    names = _attribute_names().get(database, ())
    properties = []
    for n, value in enumerate(values):
        # databases with no attributes in UniProt's configuration show one "Description"
        key = names[n] if n < len(names) else "Description" if not names and n == 0 \
            else f"Property{n + 1}"
        properties.append({"key": key, "value": value})
    if properties:
        xref["properties"] = properties
    if isoform:
        xref["isoformId"] = isoform
    if evidences:
        xref["evidences"] = evidences
    return xref

