"""The fields of UniProt's ``query`` language, per dataset: the ones this server searches (a
condition builder over the release's tables, and the file their data comes from), UniProt's
aliases of them, and every other field UniProt knows, with why this server does not search it.

Field names, aliases and the valid values are UniProt's (its search-field configuration); the
SQL is over the tables of :mod:`idmapping.store.schema`, read as in
:func:`idmapping.store.sql_results.filter_sql`: the document table ``e``, the pair ``p`` and, for
UniProtKB, the mapping entries ``m``. ``{rel}`` is the release's table prefix, ``{collate}``
the comparison of job ids with release ids, ``{entry_xrefs}`` the condition that xrefs row
``x`` belongs to entry ``m``, ``{xref_entry}`` the entry of row ``x`` and ``{xref_key}`` its
lookup key (each backend lays xrefs out its own way, and so did earlier versions).

>>> FIELDS["uniprotkb"]["length"].range
'e.length'
>>> resolve("uniref", "uniprot_id")
'uniprotkb'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from idmapping.errors import InvalidRequest
from idmapping.searchwords import like_pattern
from idmapping.store.sql_taxonomy import (
    IN_CLADE_OF,
    IN_NAMED_CLADE,
    TAXA_IN_CLADE,
    TAXA_IN_NAMED_CLADE,
)
from idmapping.store.termfields import NOT_IN_FILES, TERM_FIELDS, TERMS_TABLE

__all__ = ["Field", "FIELDS", "ALIASES", "NOT_HELD", "DEFAULT_FIELDS", "MODEL_ORGANISMS",
           "resolve", "not_held_message", "uniprot_fields", "NEEDS_TAXONOMY",
           "TAXONOMY_NOT_LOADED"]

SQL = tuple[str, list[Any]]
Builder = Callable[[str, bool], SQL]

_SHOWN = 40
_NUMBER = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(T[0-9:.]+Z?)?")


def shown(text: str) -> str:
    """*text* as a message echoes it: cut to 40 characters."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _term(value: str, phrase: bool = False) -> str:
    return value.strip('"').lower().replace(" ", "_" if phrase else " ")


def _pattern(text: str) -> str:
    """A term's LIKE pattern: ``*`` and ``?`` wildcards, ``%`` and ``_`` taken literally
    nowhere (they are dropped or matched as any character, as before)."""
    return text.replace("%", "").replace("?", "_").replace("*", "%")


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _like_token(column: str) -> Builder:
    """A term matching one whole token of a ``" a b "`` column; ``*`` and ``?`` wildcards."""

    def build(value: str, phrase: bool) -> SQL:
        term = _pattern(_term(value, phrase))
        return f"{column} LIKE ?", [f"% {term} %".replace("% %", "%").replace("%% ", "%")
                                    if term != "%" else "%"]

    return build


def _like_text(column: str) -> Builder:
    """A term or phrase found anywhere in a text column (names)."""

    def build(value: str, phrase: bool) -> SQL:
        term = _pattern(value.strip('"').lower())
        return f"{column} LIKE ?", [f"%{term}%"]

    return build


def _prefix_token(column: str, prefix: str = "", suffix: str = "") -> Builder:
    """A token of a ``" a b "`` column that starts with *prefix* + the term + *suffix*
    (``database:pdb`` is a token ``pdb-…`` of the cross-references)."""

    def build(value: str, phrase: bool) -> SQL:
        term = _pattern(_term(value, phrase))
        return f"{column} LIKE ?", [f"% {prefix}{term}{suffix}%"]

    return build


def number(text: str, wrong: str = "'{}' is not a number") -> int:
    """The integer *text* names: ASCII digits, within 64 bits (issue 14, row 7).

    :param wrong: the message for text that is no number, with ``{}`` for the text.
    """
    if not _NUMBER.fullmatch(text):
        raise InvalidRequest(wrong.format(shown(text)))
    value = int(text)  # at most MAX_TERM_LENGTH digits: Python's int() takes them at once
    if not -(2**63) <= value <= 2**63 - 1:
        raise InvalidRequest(f"The query value '{shown(text)}' is out of range. It should be "
                             f"a number from {-(2**63)} to {2**63 - 1}.")
    return value


def date(text: str, field: str) -> str:
    """The ``YYYY-MM-DD`` of a date term (Solr's ``2020-01-01T00:00:00Z`` too)."""
    match = _DATE.fullmatch(text)
    if not match:
        raise InvalidRequest(f"'{shown(text)}' is not a valid date for '{field}': expected "
                             "YYYY-MM-DD, e.g. [2020-01-01 TO *]")
    return match.group(1)


_NOT_A_NUMBER = "'{}' is not a valid value for this field"

_NUMBER_MESSAGES = {
    name: f"The '{name}' filter value should be a number"
    for name in ("organism_id", "taxonomy_id", "virus_host_id")}
"""UniProt's messages for a UniProtKB numeric field given no number (search.uniprot.invalid
.query.field.value.*)."""

_TAXON_NUMBER = "The taxonomy id filter value should be a number"
"""UniProt's message for UniRef's and UniParc's ``taxonomy_id`` given no number."""


def _range_only(field: str) -> str:
    """UniProt's message for a term (not a range) of one of its range fields, which is what
    a term that is no number gets here (a number is ours: the value itself, not a range)."""
    return f"'{field}' filter type 'general' is invalid. Expected 'range' filter type"


def _equals(column: str, kind: str = "text", upper: bool = False,
            wrong: str = _NOT_A_NUMBER) -> Builder:
    """A term equal to the column's value.

    :param wrong: the message for a term of an ``int`` field that is no number, with ``{}``
        for the term (UniProt's own for the fields it has one for: :data:`_NUMBER_MESSAGES`).
    """

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if text == "*":
            return f"{column} IS NOT NULL", []
        if kind == "int":
            return f"{column} = ?", [number(text, wrong)]
        if _wild(text):
            return f"upper({column}) LIKE ?", [_pattern(text).upper()]
        if kind == "date":
            return f"{column} = ?", [date(text, "date")]
        return (f"upper({column}) = ?", [text.upper()]) if upper else (f"{column} = ?", [text])

    return build


def _true_or_false(value: str, message: str) -> bool:
    """A boolean term, ``true`` or ``false`` in any case.

    :raises InvalidRequest: *message*, UniProt's for the field.
    """
    text = value.strip('"').lower()
    if text not in ("true", "false"):
        raise InvalidRequest(message)
    return text == "true"


def _boolean(column: str, field: str) -> Builder:
    """``true`` or ``false`` of a 0/1 column; entries without the value match neither (as a
    facet does not count them). Another term gets UniProt's message naming *field*."""
    message = f"The '{field}' filter value can only be true or false"

    def build(value: str, phrase: bool) -> SQL:
        return f"{column} = ?", [1 if _true_or_false(value, message) else 0]

    return build


def _active(value: str, phrase: bool) -> SQL:
    exists = "EXISTS (SELECT 1 FROM {rel}deleted d WHERE d.accession = p.to_id{collate})"
    active = _true_or_false(value, "The 'active' parameter can only be true or false")
    return (f"NOT {exists}" if active else exists), []


def _structure(value: str, phrase: bool) -> SQL:
    _, params = _boolean("e.proteins_with", "structure_3d")(value, phrase)
    with_pdb = "e.proteins_with LIKE '% 1 %'"
    return (with_pdb if params[0] else
            f"e.proteins_with IS NOT NULL AND NOT ({with_pdb})"), []


def _secondary(value: str, phrase: bool) -> SQL:
    text = value.strip('"').upper()
    test = "s.accession LIKE ?" if _wild(text) else "s.accession = ?"
    return (f"EXISTS (SELECT 1 FROM {{rel}}secondary s WHERE {test} "
            "AND s.primary_acc = p.to_id{collate})"), [_pattern(text) if _wild(text) else text]


def _xrefs(*types: str) -> Builder:
    """An id of the entry in idmapping.dat, in one of the ID_types *types*: an exact id is
    looked up once in the (db, key) index; a wildcard reads each entry's own rows (by its
    number), never the whole database's keys."""
    names = ", ".join(f"'{t}'" for t in types)

    codes = f"(SELECT d.code FROM {{rel}}dbs d WHERE d.name IN ({names}))"

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"').lower()
        if not _wild(text):  # the entries holding the id, found once in the (db, key) index
            return (f"m.id IN (SELECT {{xref_entry}} FROM {{rel}}xrefs x WHERE x.db IN {codes} "
                    "AND {xref_key} = ?)"), [text]
        return (f"EXISTS (SELECT 1 FROM {{rel}}xrefs x WHERE {{entry_xrefs}} AND +x.db IN "
                f"{codes} AND {{xref_key}} LIKE ?)"), [_pattern(text)]

    return build


def _number_token(column: str) -> Builder:
    """A whole number among the tokens of a ``" 100 2500 "`` column (UniParc's databases
    and taxa)."""

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if text == "*":
            return f"{column} <> ''", []
        found = number(text, "'{}' is not a valid value for this field")
        return f"{column} LIKE ?", [f"% {found} %"]

    return build


def _taxon_named(column: str) -> Builder:
    """An organism of a ``" 9606 10090 "`` column whose scientific name in the release's
    taxonomy is the term (any case; what a click on the ``organism_name`` facet asks)."""

    def build(value: str, phrase: bool) -> SQL:
        return ("EXISTS (SELECT 1 FROM {rel}taxonomy tx WHERE lower(tx.name) = ? AND "
                f"{column} LIKE '% ' || CAST(tx.taxon AS TEXT) || ' %')"), [
                    value.strip('"').lower()]

    return build


def _in_clade(column: str, wrong: str) -> Builder:
    """``taxonomy_id``: a taxon and its descendants where the release holds NCBI's taxonomy
    (:data:`~idmapping.store.sql_taxonomy.IN_CLADE_OF`), the taxon alone otherwise; ``*`` any
    taxon."""
    exact = _equals(column, "int", wrong=wrong)

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if text == "*":
            return exact(value, phrase)
        taxon = number(text, wrong)
        return IN_CLADE_OF.replace("{column}", column), [taxon, taxon]

    return build


def _named_clade(column: str) -> Builder:
    """``taxonomy_name``: the taxon in *column* is below (or is) a taxon of NCBI's taxonomy
    whose scientific name is the term, any case (:data:`~idmapping.store.sql_taxonomy
    .IN_NAMED_CLADE`). A term with a wildcard names no taxon: it matches nothing here."""

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if _wild(text):
            return "1 = 0", []
        return IN_NAMED_CLADE.replace("{column}", column), [text.lower()]

    return build


def _taxa_in_clade(value: str, phrase: bool) -> SQL:
    """UniParc's ``taxonomy_id``: an organism of the entry is the taxon or (where the release
    holds NCBI's taxonomy) below it (:data:`~idmapping.store.sql_taxonomy.TAXA_IN_CLADE`)."""
    if value.strip('"') == "*":
        return _number_token("e.taxa")(value, phrase)
    taxon = number(value.strip('"'), _TAXON_NUMBER)
    return f"(e.taxa LIKE ? OR {TAXA_IN_CLADE})", [f"% {taxon} %", taxon]


def _taxa_named(value: str, phrase: bool) -> SQL:
    """UniParc's ``taxonomy_name``: an organism of the entry is at or below a taxon of NCBI's
    taxonomy whose scientific name is the term, any case; a wildcard names no taxon."""
    text = value.strip('"')
    if text == "*":
        return "e.taxa <> ''", []
    return ("1 = 0", []) if _wild(text) else (TAXA_IN_NAMED_CLADE, [text.lower()])


NEEDS_TAXONOMY = "taxonomy"
"""The :attr:`Field.late` mark of a field that searches NCBI's taxonomy alone: over a release
without one it answers :data:`TAXONOMY_NOT_LOADED` (the store checks)."""

TAXONOMY_NOT_LOADED = ("the lineages of NCBI's taxonomy (taxdump's nodes.dmp and names.dmp; "
                       "UniParc XML files give taxon ids only), which this release does not hold")
"""Why UniParc's ``taxonomy_name`` is refused over a release without NCBI's taxonomy."""


def _either(*builders: Builder) -> Builder:
    def build(value: str, phrase: bool) -> SQL:
        parts = [b(value, phrase) for b in builders]
        return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [
            p for _, params in parts for p in params]

    return build


MODEL_ORGANISMS = (9606, 10090, 10116, 9913, 7955, 7227, 6239, 44689, 3702, 39947, 83333,
                   224308, 559292)
"""The taxa of UniProt's "Popular organisms" facet (``model_organism``)."""

_TAXON = "COALESCE(e.taxon, m.taxon)"


def _model(value: str, phrase: bool) -> SQL:
    taxon = number(value.strip('"'), "'{}' is not a valid value for this field")
    return (f"{_TAXON} = ?", [taxon]) if taxon in MODEL_ORGANISMS else ("1 = 0", [])


def _other(value: str, phrase: bool) -> SQL:
    """An organism outside the popular ones, by taxon id or (what the ``other_organism`` facet
    gives) by scientific name, any case."""
    text = value.strip('"')
    models = ", ".join(str(t) for t in MODEL_ORGANISMS)
    if _NUMBER.fullmatch(text):
        taxon = number(text)
        return (f"{_TAXON} = ?", [taxon]) if taxon not in MODEL_ORGANISMS else ("1 = 0", [])
    return f"lower(e.scientific) = ? AND {_TAXON} NOT IN ({models})", [text.lower()]


def _identity(value: str, phrase: bool) -> SQL:
    """UniRef's identity as UniProt writes it (``1.0``, ``0.9``, ``0.5``): a percentage."""
    text = value.strip('"')
    if not re.fullmatch(r"(0|1)(\.[0-9]+)?", text):
        raise InvalidRequest(f"'{shown(text)}' is not a valid value for 'identity': expected "
                             "1.0, 0.9 or 0.5")
    return "e.identity = ?", [round(float(text) * 100)]


_TERMS = ("EXISTS (SELECT 1 FROM {rel}" + TERMS_TABLE +
          " t WHERE t.accession = p.to_id{collate}")
"""The start of the condition that an entry has rows in ``kb_terms``; its rows of a field
are found by the index on ``(accession, field)``."""


def _of_fields(reads: tuple[str, ...]) -> SQL:
    """The start of the ``EXISTS`` of the entry's ``kb_terms`` rows of the fields *reads*."""
    test = "t.field = ?" if len(reads) == 1 else f"t.field IN ({', '.join('?' * len(reads))})"
    return f"{_TERMS} AND {test}", list(reads)


def _kb_terms(field: str, kind: str, reads: tuple[str, ...]) -> Builder:
    """A term of a ``kb_terms`` field (:mod:`idmapping.store.termfields`): its words in a row
    among the words of one of the values of the fields it *reads*; a date; or whether the
    entry has the field (``true``/``false``)."""
    of_field, fields = _of_fields(reads)

    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if kind == "flag":
            has = _true_or_false(value, f"The '{field}' filter value can only be true or false")
            return (f"{of_field})" if has else f"NOT {of_field})"), [*fields]
        if text == "*":
            return f"{of_field})", [*fields]
        if kind == "date":
            return f"{of_field} AND t.terms = ?)", [*fields, date(text, field)]
        if kind == "number" and not _wild(text):
            number(text, _NUMBER_MESSAGES.get(field, _NOT_A_NUMBER))
        return f"{of_field} AND t.terms LIKE ?)", [*fields, like_pattern(text)]

    return build


def _any_terms(value: str, phrase: bool) -> SQL:
    """A term among the words of any ``kb_terms`` field of the entry."""
    return f"{_TERMS} AND t.terms LIKE ?)", [like_pattern(value.strip('"'))]


@dataclass(frozen=True)
class Field:
    """A field this server searches.

    :param build: the condition of one term (``value``, ``phrase``).
    :param range: the column a range reads; None: no range.
    :param kind: ``int``, ``date`` or ``text``: how range bounds are read.
    :param source: the release file the data comes from (docs/api.md lists it).
    :param late: columns a later version added (a release loaded before lacks them), or
        the table ``kb_terms``.
    :param scope: for a field of ``kb_terms``, the start of the ``EXISTS`` of the entry's
        rows of the field, and its parameter: a range is its condition inside it.
    """

    build: Builder
    source: str
    range: str | None = None
    kind: str = "text"
    late: tuple[str, ...] = ()
    scope: SQL | None = None


_DAT = "idmapping.dat"
_PARC = "UniParc XML files"
_KB = "UniProtKB entry files"
_FACETS = ("score", "fragment", "proteins_with")

_GENE = _either(_like_token("e.gene"), _xrefs("Gene_Name", "Gene_Synonym",
                                              "Gene_OrderedLocusName", "Gene_ORFName"))

FIELDS: dict[str, dict[str, Field]] = {
    "uniprotkb": {
        "accession": Field(_equals("p.to_id", upper=True), "the mapping", "p.to_id"),
        "accession_id": Field(_equals("p.to_id", upper=True), "the mapping", "p.to_id"),
        "sec_acc": Field(_secondary, "sec_ac.txt"),
        "id": Field(_equals("COALESCE(e.name, m.name)", upper=True), _DAT,
                    "COALESCE(e.name, m.name)"),
        "id_default": Field(_equals("COALESCE(e.name, m.name)", upper=True), _DAT,
                            "COALESCE(e.name, m.name)"),
        "gene": Field(_GENE, f"{_DAT} and {_KB}"),
        "gene_exact": Field(_GENE, f"{_DAT} and {_KB}"),
        "protein_name": Field(_like_text("e.protein"), _KB),
        "protgene_default": Field(_either(_like_text("e.protein"), _GENE), f"{_DAT} and {_KB}"),
        "organism_id": Field(_equals(_TAXON, "int", wrong=_NUMBER_MESSAGES["organism_id"]),
                             _DAT, _TAXON, "int"),
        "taxonomy_id": Field(_in_clade(_TAXON, _NUMBER_MESSAGES["taxonomy_id"]),
                             f"{_DAT} and NCBI's taxonomy", _TAXON, "int"),
        "model_organism": Field(_model, _DAT),
        "other_organism": Field(_other, f"{_DAT} and {_KB}", late=("scientific",)),
        "organism_name": Field(_like_text("e.organism"), _KB),
        "reviewed": Field(_boolean("COALESCE(e.reviewed, m.reviewed)", "reviewed"), _DAT),
        "active": Field(_active, "delac_sp.txt and delac_tr.txt"),
        "is_isoform": Field(_boolean("(CASE WHEN p.to_id LIKE '%-%' THEN 1 ELSE 0 END)",
                                     "is_isoform"), "the mapping"),
        "length": Field(_equals("e.length", "int", wrong=_range_only("length")), _KB,
                        "e.length", "int"),
        "mass": Field(_equals("e.mass", "int", wrong=_range_only("mass")), _KB, "e.mass", "int"),
        "existence": Field(_equals("e.existence", "int"), _KB, "e.existence", "int"),
        "annotation_score": Field(_equals("e.score", "int"), f"{_KB} (JSON only)", "e.score",
                                  "int", ("score",)),
        "fragment": Field(_boolean("e.fragment", "fragment"), _KB, late=("fragment",)),
        "structure_3d": Field(_structure, _KB, late=("proteins_with",)),
        "proteins_with": Field(_like_token("e.proteins_with"), _KB, late=("proteins_with",)),
        "ec": Field(_like_token("e.ec"), _KB),
        "ec_exact": Field(_like_token("e.ec"), _KB),
        "go": Field(_like_token("e.go"), _KB),
        "keyword": Field(_like_token("e.keyword"), _KB),
        "xref": Field(_like_token("e.xref"), _KB),
        "database": Field(_prefix_token("e.xref", suffix="-"), _KB),
        "proteome": Field(_prefix_token("e.xref", "proteomes-", " "), _KB),
        "uniparc": Field(_xrefs("UniParc"), _DAT),
        "uniref_cluster_50": Field(_xrefs("UniRef50"), _DAT),
        "uniref_cluster_90": Field(_xrefs("UniRef90"), _DAT),
        "uniref_cluster_100": Field(_xrefs("UniRef100"), _DAT),
        "checksum": Field(_xrefs("CRC64"), _DAT),
        "date_created": Field(_equals("e.created", "date"), _KB, "e.created", "date"),
        "date_modified": Field(_equals("e.modified", "date"), _KB, "e.modified", "date"),
    },
    "uniref": {
        "id": Field(_equals("p.to_id", upper=True), "the mapping", "p.to_id"),
        "name": Field(_like_text("e.name"), "UniRef XML files"),
        "identity": Field(_identity, "UniRef XML files"),
        "count": Field(_equals("e.count", "int", wrong=_range_only("count")), "UniRef XML files",
                       "e.count", "int"),
        "length": Field(_equals("e.length", "int", wrong=_range_only("length")),
                        "UniRef XML files", "e.length", "int"),
        "date_modified": Field(_equals("e.modified", "date"), "UniRef XML files",
                               "e.modified", "date"),
        "uniprotkb": Field(_like_token("e.members"), "UniRef XML files"),
        "cluster": Field(_like_token("e.clusters"), "UniRef XML files", late=("clusters",)),
        "uniparc": Field(_like_token("e.members"), "UniRef XML files"),
        "taxonomy_id": Field(_in_clade("e.taxon", _TAXON_NUMBER),
                             "UniRef XML files and NCBI's taxonomy", "e.taxon", "int"),
        "taxonomy_name": Field(_like_text("e.organism"), "UniRef XML files"),
        "organism_sort": Field(_like_text("e.organism"), "UniRef XML files"),
    },
    "uniparc": {
        "upi": Field(_equals("p.to_id", upper=True), "the mapping", "p.to_id"),
        "length": Field(_equals("e.length", "int", wrong=_range_only("length")), _PARC,
                        "e.length", "int"),
        "checksum": Field(_equals("e.checksum", upper=True), _PARC),
        "uniprotkb": Field(_like_token("e.accessions"), _PARC),
        "isoform": Field(_like_token("e.accessions"), _PARC),
        "database_facet": Field(_number_token("e.databases"), _PARC, late=("databases",)),
        "database": Field(_like_token("e.database"), _PARC, late=("database",)),
        "active": Field(_like_token("e.active"), _PARC, late=("active",)),
        "dbid": Field(_like_token("e.dbid"), _PARC, late=("dbid",)),
        "organism_id": Field(_number_token("e.taxa"), _PARC, late=("taxa",)),
        "taxonomy_id": Field(_taxa_in_clade, f"{_PARC} and NCBI's taxonomy", late=("taxa",)),
        "taxonomy_name": Field(_taxa_named, f"{_PARC} and NCBI's taxonomy",
                               late=("taxa", NEEDS_TAXONOMY)),
        "gene": Field(_like_token("e.gene"), _PARC, late=("gene",)),
        "protein_name": Field(_like_text("e.protein"), _PARC, late=("protein",)),
        "proteome": Field(_like_token("e.proteome"), _PARC, late=("proteome",)),
        "feature_id": Field(_like_token("e.feature"), _PARC, late=("feature",)),
        "proteomecomponent": Field(_like_token("e.component"), _PARC, late=("component",)),
        "organism_name": Field(_taxon_named("e.taxa"), f"{_PARC} and NCBI's taxonomy",
                               late=("taxa",)),
    },
}
"""The fields this server searches, per dataset."""

FIELDS["uniprotkb"] |= {
    name: Field(_kb_terms(name, spec.kind, spec.reads), spec.source,
                "t.terms" if spec.kind == "date" else None,
                "date" if spec.kind == "date" else "text", (TERMS_TABLE,),
                _of_fields(spec.reads) if spec.kind == "date" else None)
    for name, spec in TERM_FIELDS.items()}
_LINEAGE_WORDS = TERM_FIELDS["taxonomy_name"]
FIELDS["uniprotkb"]["taxonomy_name"] = Field(
    _either(_kb_terms("taxonomy_name", _LINEAGE_WORDS.kind, _LINEAGE_WORDS.reads),
            _named_clade(_TAXON)),
    f"{_LINEAGE_WORDS.source} and NCBI's taxonomy", late=(TERMS_TABLE,))
"""``taxonomy_name``: a word of the entry's OS and OC lines (releases without a taxonomy keep
these), or a taxon of the entry's lineage in NCBI's taxonomy, named in full."""
FIELDS["uniprotkb"]["content"] = Field(
    _either(_any_terms, _like_text("e.protein"), _GENE, _like_token("e.keyword"),
            _like_text("e.organism"), _like_token("e.xref"), _like_token("e.ec"),
            _equals("p.to_id", upper=True)),
    f"every part of the {_KB} and {_DAT}'s gene names", late=(TERMS_TABLE,))

ALIASES = {
    "uniprotkb": {"organelle": "encoded_in"},
    "uniref": {"created": "date_modified", "uniprot_id": "uniprotkb", "upi": "uniparc"},
    "uniparc": {"uniparc": "upi", "accession": "uniprotkb", "upid": "proteome",
                "protein": "protein_name"},
}
"""UniProt's aliases of search fields."""

DEFAULT_FIELDS = {"uniprotkb": ("accession", "id", "gene", "protein_name"),
                  "uniref": ("id", "name", "uniprotkb"), "uniparc": ("upi", "uniprotkb")}
"""What a term without a field searches."""

NOT_HELD: dict[str, dict[str, str]] = {
    "uniprotkb": NOT_IN_FILES,
    "uniref": {},
    "uniparc": {},
}
"""UniProt's other search fields, per dataset, and where their data would come from."""


def resolve(dataset: str, name: str) -> str:
    """The field *name* (any case, or one of UniProt's aliases) stands for."""
    lowered = name.lower()
    return ALIASES[dataset].get(lowered, lowered)


def not_held_message(name: str, why: str) -> str:
    """The 400 message of a field UniProt knows whose data this server does not search."""
    return f"'{shown(name)}' is not held by this release: its data comes from {why}"


def uniprot_fields(dataset: str) -> set[str]:
    """Every search field name UniProt knows for *dataset* (aliases aside)."""
    return set(FIELDS[dataset]) | set(NOT_HELD[dataset])
