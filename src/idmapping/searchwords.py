"""The words of a UniProtKB entry that UniProt's search fields find, field by field.

UniProt's server indexes each entry's comments, features, GO terms, references, lineage and
more into search fields (``cc_function``, ``ft_mod_res``, ``go_ida``, ``lit_author``,
``taxonomy_name`` …; its search-field configuration names them). This module reads the same
parts of an entry's JSON (:func:`entry_words`) and writes each part's text as lower-case words
between single spaces (:func:`words`), so that a store can keep one text per entry and field
and find a term, a phrase or a wildcard in it with ``LIKE`` (:func:`like_pattern`): the query's
text is cut into words the same way, so ``RHEA:10596`` finds the words ``rhea 10596`` and
``"protein kinase"`` the two words in a row. Values of one field are kept apart by `` | `` so
that a phrase never runs from one value into the next.

An ``_exp`` field (``cc_function_exp``) keeps the values that carry experimental evidence
(:data:`EXPERIMENTAL`), as UniProt's indexer keeps only those in its ``_exp`` fields. A field
that gathers others (``ft_sites``, ``go_manual``, ``cc_sc``) is not kept: its query reads the
fields it gathers (:data:`idmapping.store.termfields.TERM_FIELDS`).

>>> words("Belongs to the protein kinase superfamily. Tyr protein kinase family.")
'belongs to the protein kinase superfamily tyr protein kinase family'
>>> like_pattern("RHEA:10596"), like_pattern("kinas*")
('% rhea 10596 %', '% kinas%')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

__all__ = ["words", "query_words", "like_pattern", "entry_words", "term_rows", "EXPERIMENTAL",
           "SEPARATOR", "DATE_FIELDS", "FLAG_FIELDS"]

Json = dict[str, Any]

_WORD = re.compile(r"[^\W_]+")
_QUERY_WORD = re.compile(r"(?:[^\W_]|[*?])+")

SEPARATOR = " | "
"""Between two values of one field in a stored text."""

EXPERIMENTAL = frozenset({"ECO:0000269", "ECO:0000314", "ECO:0000315", "ECO:0000316",
                          "ECO:0000353", "ECO:0000270"})
"""The evidence codes of experiments (EXP, IDA, IMP, IGI, IPI, IEP): a value with one of them
goes to its field's ``_exp`` field too."""

_ANY_EXPERIMENTAL = re.compile(rb'"evidenceCode":"(?:' + "|".join(sorted(EXPERIMENTAL)).encode()
                               + rb')"')

DATE_FIELDS = frozenset({"lit_pubdate", "date_sequence_modified"})
"""Fields whose values are ``YYYY-MM-DD`` dates (ranges), one stored row per value."""

FLAG_FIELDS = frozenset({"precursor", "evidence_exp"})
"""Fields an entry either has (the stored text ``true``) or lacks: ``true``/``false`` terms."""

# JSON comment types whose field is not simply cc_ + the type in lower case (fields that
# UniProt has under two names, cc_sc and cc_sequence_caution, are kept once: the query of the
# other reads it, store/termfields.py)
_COMMENT_FIELDS = {"WEB RESOURCE": "cc_webresource"}
_BPCP = {"absorption": "cc_bpcp_absorption", "kineticParameters": "cc_bpcp_kinetics",
         "phDependence": "cc_bpcp_ph_dependence", "redoxPotential": "cc_bpcp_redox_potential",
         "temperatureDependence": "cc_bpcp_temp_dependence"}
_AP_EVENTS = {"Alternative promoter usage": "cc_ap_apu", "Alternative splicing": "cc_ap_as",
              "Alternative initiation": "cc_ap_ai", "Ribosomal frameshifting": "cc_ap_rf"}
_CAUTIONS = {"Frameshift": "cc_sc_framesh", "Erroneous initiation": "cc_sc_einit",
             "Erroneous termination": "cc_sc_eterm", "Erroneous gene model prediction":
             "cc_sc_epred", "Erroneous translation": "cc_sc_etran",
             "Miscellaneous discrepancy": "cc_sc_misc"}
_NO_EXP = frozenset({"cc_sc_framesh", "cc_sc_einit", "cc_sc_eterm", "cc_sc_epred",
                     "cc_sc_etran"})
"""Fields UniProt has no ``_exp`` field of."""

# JSON feature types → field names (UniProt's flat-file keys in lower case, as its field names
# are); the group fields (ft_sites, ft_positional …) read the fields of their types
_FEATURES = {
    "Initiator methionine": "init_met", "Signal": "signal", "Propeptide": "propep",
    "Transit peptide": "transit", "Chain": "chain", "Peptide": "peptide",
    "Topological domain": "topo_dom", "Transmembrane": "transmem",
    "Intramembrane": "intramem", "Domain": "domain", "Repeat": "repeat",
    "Calcium binding": "binding", "Zinc finger": "zn_fing", "DNA binding": "dna_bind",
    "Nucleotide binding": "binding", "Region": "region", "Coiled coil": "coiled",
    "Motif": "motif", "Compositional bias": "compbias", "Active site": "act_site",
    "Metal binding": "binding", "Binding site": "binding", "Site": "site",
    "Non-standard residue": "non_std", "Modified residue": "mod_res", "Lipidation": "lipid",
    "Glycosylation": "carbohyd", "Disulfide bond": "disulfid", "Cross-link": "crosslnk",
    "Alternative sequence": "var_seq", "Natural variant": "variant",
    "Mutagenesis": "mutagen", "Sequence uncertainty": "unsure",
    "Sequence conflict": "conflict", "Non-adjacent residues": "non_cons",
    "Non-terminal residue": "non_ter", "Helix": "helix", "Beta strand": "strand",
    "Turn": "turn",
}
_SKIPPED_KEYS = frozenset({"evidences", "commentType", "type", "location", "ftp",
                           "alternativeSequence",
                           "isoformSequenceStatus", "organismDiffer", "numberOfExperiments",
                           "approximate"})
"""Keys whose values are not words of a comment or feature (its kind, positions, flags, the
residues a variant changes)."""

_MONTH = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NAMED_MONTH = re.compile(r"^(" + "|".join(_MONTHS) + r")-([0-9]{4})$", re.I)


def words(text: str) -> str:
    """*text* in lower case, as words (letters and digits) between single spaces."""
    return " ".join(_WORD.findall(text.lower()))


def query_words(text: str) -> list[str]:
    """The words of a query's term, cut as :func:`words` cuts an entry's text, keeping the
    wildcards ``*`` and ``?``."""
    return _QUERY_WORD.findall(text.lower())


def like_pattern(text: str) -> str:
    """The ``LIKE`` pattern of a term or phrase over a stored text of :func:`words`: its words
    in a row, each whole (``*`` and ``?`` within a word are wildcards)."""
    found = query_words(text)
    if not found:
        return "%"
    joined = " ".join(found).replace("%", "").replace("?", "_").replace("*", "%")
    return f"% {joined} %".replace("% %", "%").replace("%% ", "%")


def _walk(value: Any) -> Iterator[str]:
    """Every text and number in a JSON value, outside :data:`_SKIPPED_KEYS`."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _SKIPPED_KEYS:
                yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _codes(value: Any) -> Iterator[str]:
    """Every evidence code in a JSON value, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "evidences" and isinstance(item, list):
                yield from (str(e.get("evidenceCode", "")) for e in item if isinstance(e, dict))
            else:
                yield from _codes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _codes(item)


def _experimental(value: Any) -> bool:
    return any(code in EXPERIMENTAL for code in _codes(value))


class _Collector:
    """The words of an entry, by field, in the order they come."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str, value: Any, evidence: Any = None) -> None:
        """The words of *value* to *field*; and to its ``_exp`` field when *evidence* (the
        value itself unless given) carries an experimental evidence code."""
        text = words(" ".join(_walk(value)))
        if not text:
            return
        self.found.setdefault(field, []).append(text)
        if field not in _NO_EXP and _experimental(value if evidence is None else evidence):
            self.found.setdefault(f"{field}_exp", []).append(text)

    def plain(self, field: str, values: Iterable[Any]) -> None:
        """Values with no ``_exp`` field."""
        for value in values:
            text = words(" ".join(_walk(value)))
            if text:
                self.found.setdefault(field, []).append(text)


def _comment(out: _Collector, comment: Json) -> None:
    kind = str(comment.get("commentType", ""))
    out.add(_COMMENT_FIELDS.get(kind) or "cc_" + kind.lower().replace(" ", "_"), comment)
    if kind == "BIOPHYSICOCHEMICAL PROPERTIES":
        for key, field in _BPCP.items():
            if key in comment:
                out.add(field, comment[key])
    elif kind == "ALTERNATIVE PRODUCTS":
        for event in comment.get("events", []):
            if event in _AP_EVENTS:
                out.add(_AP_EVENTS[event], comment)
    elif kind == "SEQUENCE CAUTION":
        out.add(_CAUTIONS.get(str(comment.get("sequenceCautionType")), "cc_sc_misc"), comment)
    elif kind == "SUBCELLULAR LOCATION":
        for place in comment.get("subcellularLocations", []):
            out.add("cc_scl_term", place)
        if "note" in comment:
            out.add("cc_scl_note", comment["note"])
    elif kind == "COFACTOR":
        for cofactor in comment.get("cofactors", []):
            out.add("cc_cofactor_chebi", cofactor)
        if "note" in comment:
            out.add("cc_cofactor_note", comment["note"])
    elif kind == "INTERACTION":
        out.plain("interactor", (
            [part.get("uniProtKBAccession"), part.get("intActId")]
            for i in comment.get("interactions", [])
            for part in (i.get("interactantOne") or {}, i.get("interactantTwo") or {})))
    elif kind == "CATALYTIC ACTIVITY":
        reactions = [comment.get("reaction") or {}, *comment.get("physiologicalReactions", [])]
        out.plain("rhea", (ref.get("id") for r in reactions
                           for ref in [*r.get("reactionCrossReferences", []),
                                       r.get("reactionCrossReference") or {}]
                           if ref.get("database") == "Rhea"))


def _feature(out: _Collector, feature: Json) -> None:
    kind = _FEATURES.get(str(feature.get("type", "")))
    if kind is None:
        return
    # the type's name first: a feature with no description (a disulfide bond) still has words
    out.add(f"ft_{kind}", [feature.get("type"), feature], feature)


def _go(out: _Collector, xref: Json) -> None:
    """A GO cross-reference to its ``go_<evidence>`` field (``IDA:UniProtKB`` → ``go_ida``,
    ``EXP`` → ``go_exp``; ``go_manual`` and ``go_automatic`` read those)."""
    properties = {p.get("key"): str(p.get("value", "")) for p in xref.get("properties", [])}
    code = properties.get("GoEvidenceType", "").split(":", 1)[0].lower()
    if not code:
        return
    term = properties.get("GoTerm", "").split(":", 1)[-1]
    value = [xref.get("id", ""), term]
    out.plain(f"go_{code}", [value])


def _date(text: str) -> str | None:
    """A date as ``YYYY-MM-DD``, a year or month alone taken as its first day: ``1990``,
    ``2004-06``, and a submission's ``JAN-2099``."""
    if named := _NAMED_MONTH.match(text):
        number = _MONTHS.index(named.group(1).upper()) + 1
        return f"{named.group(2)}-{number:02d}-01"
    match = _MONTH.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{month or '01'}-{day or '01'}"


def _references(out: _Collector, entry: Json) -> None:
    for reference in entry.get("references", []):
        citation = reference.get("citation") or {}
        out.plain("lit_author", [*citation.get("authors", []),
                                 *citation.get("authoringGroup", [])])
        out.plain("lit_title", [citation.get("title")])
        out.plain("lit_journal", [citation.get("journal")])
        refs = citation.get("citationCrossReferences", [])
        out.plain("lit_pubmed", (r.get("id") for r in refs if r.get("database") == "PubMed"))
        out.plain("lit_citation_id", [citation.get("id")])
        if date := _date(str(citation.get("publicationDate", ""))):
            out.found.setdefault("lit_pubdate", []).append(date)
        out.plain("scope", reference.get("referencePositions", []))
        for comment in reference.get("referenceComments", []):
            kind = str(comment.get("type", "")).lower()
            if kind in ("tissue", "strain", "plasmid", "transposon"):
                out.plain(kind, [comment.get("value")])


def entry_words(entry: Json) -> dict[str, list[str]]:
    """The words of each search field an entry has a value of: one text per value (the dates
    of :data:`DATE_FIELDS` as ``YYYY-MM-DD``, the flags of :data:`FLAG_FIELDS` as ``true``)."""
    out = _Collector()
    for comment in entry.get("comments", []):
        _comment(out, comment)
    for feature in entry.get("features", []):
        _feature(out, feature)
    for xref in entry.get("uniProtKBCrossReferences", []):
        if xref.get("database") == "GO":
            _go(out, xref)
    _references(out, entry)
    organism = entry.get("organism") or {}
    out.plain("taxonomy_name", [*organism.get("lineage", []), organism.get("scientificName"),
                                organism.get("commonName")])
    for host in entry.get("organismHosts", []):
        out.plain("virus_host_name", [[host.get("scientificName"), host.get("commonName")]])
        out.plain("virus_host_id", [host.get("taxonId")])
    out.plain("encoded_in", ([g.get("geneEncodingType"), g.get("value")]
                             for g in entry.get("geneLocations", [])))
    date = _date(str((entry.get("entryAudit") or {}).get("lastSequenceUpdateDate", "")))
    if date:
        out.found["date_sequence_modified"] = [date]
    if "Precursor" in str((entry.get("proteinDescription") or {}).get("flag", "")):
        out.found["precursor"] = ["true"]
    if _ANY_EXPERIMENTAL.search(orjson.dumps(entry)):  # one pass in C over the whole entry
        out.found["evidence_exp"] = ["true"]
    return out.found


def term_rows(entry: Json) -> list[tuple[str, str, str]]:
    """The ``kb_terms`` rows ``(accession, field, text)`` of an entry: one a field, its values'
    words between spaces and kept apart by :data:`SEPARATOR` (`` a b | c ``); one a value
    for a field of :data:`DATE_FIELDS`, the bare date."""
    accession = str(entry["primaryAccession"])
    rows = []
    for field, values in entry_words(entry).items():
        if field in DATE_FIELDS:
            rows += [(accession, field, v) for v in dict.fromkeys(values)]
        else:
            rows.append((accession, field, f" {SEPARATOR.join(dict.fromkeys(values))} "))
    return rows
