"""UniProt's ``query`` (Lucene syntax, parsed with luqum) and ``sort`` as SQL over the entry
tables' columns (:data:`idmapping.store.schema.DOCUMENT_COLUMNS`).

The SQL reads the document table as ``e``, the mapping entries as ``m`` and the pair as ``p``
(see :func:`idmapping.store.sql.filter_sql`); ``{rel}`` stands for the release's table prefix
and ``{collate}`` for the comparison of job ids with release ids.

>>> where, params = parse_query("uniprotkb", "gene:TP53 AND length:[100 TO 400]")
>>> where
'((e.gene LIKE ?) AND (e.length >= ? AND e.length <= ?))'
>>> params
['% tp53 %', 100, 400]
>>> parse_sort("uniprotkb", "length desc")
'(CASE WHEN e.length IS NULL THEN 1 ELSE 0 END), e.length DESC'

Every limit of a ``query`` and a ``sort`` is checked here, before any SQL is made, with a
message naming the limit (issue 14, row 7): the query's length (before it is parsed), its
depth, its OR conditions and terms, the length of one term, numbers within 64 bits, and the
number of sort fields. Within them a filter fits the limits of both stores (SQLite's parser
stack and expression depth among them); whatever still exceeds a store's limit is a 400 at
its boundary (:mod:`idmapping.store.sqlite_driver`, :mod:`idmapping.store.postgres_driver`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from luqum.exceptions import ParseError  # type: ignore[import-untyped]
from luqum.parser import parser  # type: ignore[import-untyped]
from luqum.tree import (  # type: ignore[import-untyped]
    AndOperation,
    FieldGroup,
    Group,
    Item,
    Not,
    OrOperation,
    Phrase,
    Plus,
    Prohibit,
    Range,
    SearchField,
    UnknownOperation,
    Word,
)

from idmapping.errors import InvalidRequest

__all__ = ["parse_query", "parse_sort", "QUERY_FIELDS", "SORT_FIELDS", "MAX_QUERY_LENGTH",
           "MAX_QUERY_DEPTH", "MAX_OR_CLAUSES", "MAX_QUERY_TERMS", "MAX_TERM_LENGTH",
           "MAX_SORT_TERMS", "SMALLEST_NUMBER", "LARGEST_NUMBER"]

SQL = tuple[str, list[Any]]

MAX_QUERY_LENGTH = 10_000
"""The longest ``query``, in characters, checked before it is parsed (parsing costs about
60 µs a term). UniProt's own server takes no request line over about 8 KB."""

MAX_QUERY_DEPTH = 20
"""The deepest nesting of parentheses, fields, AND, OR and NOT in a ``query``. The worst shape,
``(a b OR c AND (...))`` (four levels a group), overflows SQLite's parser stack (100 entries)
at 27 levels in a UniProtKB filter with isoforms."""

MAX_OR_CLAUSES = 50
"""The most OR conditions in a ``query``: each operand of an OR counts, as UniProt counts them
(its ``max.solr.or.clause.count``, 50)."""

MAX_QUERY_TERMS = 100
"""The most terms (words, phrases, ranges) in a ``query``."""

MAX_TERM_LENGTH = 1_000
"""The longest term of a ``query``, in characters (SQLite refuses LIKE patterns over 50,000
bytes)."""

MAX_SORT_TERMS = 10
"""The most ``field asc|desc`` terms in a ``sort`` (no dataset has more sort fields)."""

SMALLEST_NUMBER = -(2**63)
"""The smallest number a ``query`` may name (both stores hold 64-bit integers)."""
LARGEST_NUMBER = 2**63 - 1
"""The largest number a ``query`` may name."""

_SHOWN = 40
_NUMBER = re.compile(r"-?[0-9]+")


def _shown(text: str) -> str:
    """*text* as a message echoes it: cut to :data:`_SHOWN` characters."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _term(value: str, phrase: bool = False) -> str:
    return value.strip('"').lower().replace(" ", "_" if phrase else " ")


def _like_token(column: str) -> Callable[[str, bool], SQL]:
    """A term matching one whole token of a ``" a b "`` column; ``*`` and ``?`` wildcards."""

    def build(value: str, phrase: bool) -> SQL:
        term = _term(value, phrase).replace("%", "").replace("?", "_").replace("*", "%")
        return f"{column} LIKE ?", [f"% {term} %".replace("% %", "%").replace("%% ", "%")
                                    if term != "%" else "%"]

    return build


def _like_text(column: str) -> Callable[[str, bool], SQL]:
    """A term or phrase found anywhere in a text column (names)."""

    def build(value: str, phrase: bool) -> SQL:
        term = value.strip('"').lower().replace("%", "").replace("*", "%").replace("?", "_")
        return f"{column} LIKE ?", [f"%{term}%"]

    return build


def _equals(column: str, kind: type = str, upper: bool = False) -> Callable[[str, bool], SQL]:
    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"')
        if text == "*":
            return f"{column} IS NOT NULL", []
        if kind is str and ("*" in text or "?" in text):
            pattern = text.replace("*", "%").replace("?", "_")
            return f"upper({column}) LIKE ?", [pattern.upper()]
        if kind is int:
            return f"{column} = ?", [_number(text, "'{}' is not a valid value for this field")]
        return (f"upper({column}) = ?", [text.upper()]) if upper else (f"{column} = ?", [text])

    return build


def _boolean(column: str) -> Callable[[str, bool], SQL]:
    def build(value: str, phrase: bool) -> SQL:
        text = value.strip('"').lower()
        if text not in ("true", "false"):
            raise InvalidRequest(f"The 'query' value '{value}' is not a boolean true or false")
        return f"COALESCE({column}, 0) = ?", [1 if text == "true" else 0]

    return build


def _active(value: str, phrase: bool) -> SQL:
    exists = "EXISTS (SELECT 1 FROM {rel}deleted d WHERE d.accession = p.to_id{collate})"
    text = value.strip('"').lower()
    return (f"NOT {exists}" if text == "true" else exists), []


_Builder = Callable[[str, bool], SQL]

QUERY_FIELDS: dict[str, dict[str, tuple[_Builder, str | None]]] = {
    "uniprotkb": {
        "accession": (_equals("p.to_id", upper=True), "p.to_id"),
        "id": (_equals("COALESCE(e.name, m.name)", upper=True), "COALESCE(e.name, m.name)"),
        "gene": (_like_token("e.gene"), None),
        "gene_exact": (_like_token("e.gene"), None),
        "protein_name": (_like_text("e.protein"), None),
        "organism_id": (_equals("COALESCE(e.taxon, m.taxon)", int),
                        "COALESCE(e.taxon, m.taxon)"),
        "taxonomy_id": (_equals("COALESCE(e.taxon, m.taxon)", int),
                        "COALESCE(e.taxon, m.taxon)"),
        "organism_name": (_like_text("e.organism"), None),
        "reviewed": (_boolean("COALESCE(e.reviewed, m.reviewed)"), None),
        "active": (_active, None),
        "length": (_equals("e.length", int), "e.length"),
        "mass": (_equals("e.mass", int), "e.mass"),
        "ec": (_like_token("e.ec"), None),
        "go": (_like_token("e.go"), None),
        "keyword": (_like_token("e.keyword"), None),
        "existence": (_equals("e.existence", int), "e.existence"),
        "is_isoform": (_boolean("(CASE WHEN p.to_id LIKE '%-%' THEN 1 ELSE 0 END)"), None),
        "xref": (_like_token("e.xref"), None),
        "date_created": (_equals("e.created"), "e.created"),
        "date_modified": (_equals("e.modified"), "e.modified"),
    },
    "uniref": {
        "id": (_equals("p.to_id", upper=True), "p.to_id"),
        "name": (_like_text("e.name"), None),
        "identity": (_equals("e.identity", int), "e.identity"),
        "count": (_equals("e.count", int), "e.count"),
        "length": (_equals("e.length", int), "e.length"),
        "taxonomy_id": (_equals("e.taxon", int), "e.taxon"),
        "taxonomy_name": (_like_text("e.organism"), None),
        "uniprot_id": (_like_token("e.members"), None),
        "date_modified": (_equals("e.modified"), "e.modified"),
    },
    "uniparc": {
        "upi": (_equals("p.to_id", upper=True), "p.to_id"),
        "length": (_equals("e.length", int), "e.length"),
        "checksum": (_equals("e.checksum", upper=True), None),
        "uniprotkb": (_like_token("e.accessions"), None),
        "accession": (_like_token("e.accessions"), None),
    },
}
"""The ``query`` fields of each dataset: a condition builder and the column a range reads."""

_DEFAULT_FIELDS = {"uniprotkb": ("accession", "id", "gene", "protein_name"),
                   "uniref": ("id", "name", "uniprot_id"), "uniparc": ("upi", "uniprotkb")}

SORT_FIELDS = {
    "uniprotkb": {"accession": "p.to_id", "id": "COALESCE(e.name, m.name)",
                  "gene": "e.gene_sort", "organism_name": "e.organism",
                  "protein_name": "e.protein", "length": "e.length", "mass": "e.mass",
                  "annotation_score": "e.existence"},
    "uniref": {"id": "p.to_id", "length": "e.length", "count": "e.count",
               "date_modified": "e.modified", "organism": "e.organism"},
    "uniparc": {"upi": "p.to_id", "length": "e.length"},
}
"""The ``sort`` fields of each dataset and the column each orders by."""


class _Translator:
    def __init__(self, dataset: str) -> None:
        self.fields = QUERY_FIELDS[dataset]
        self.defaults = _DEFAULT_FIELDS[dataset]

    def visit(self, node: Item, field: str | None = None) -> SQL:
        if isinstance(node, SearchField):
            return self.visit(node.expr, node.name)
        if isinstance(node, (Group, FieldGroup)):
            return self.visit(node.expr, field)
        if isinstance(node, (AndOperation, UnknownOperation)):
            return self._join(node, "AND", field)
        if isinstance(node, OrOperation):
            return self._join(node, "OR", field)
        if isinstance(node, (Not, Prohibit)):
            sql, params = self.visit(node.a, field)
            return f"NOT ({sql})", params
        if isinstance(node, Plus):
            return self.visit(node.a, field)
        if isinstance(node, Range):
            return self._range(node, field)
        if isinstance(node, (Word, Phrase)):
            return self._term(str(node.value), isinstance(node, Phrase), field)
        raise InvalidRequest(f"query parameter has an invalid syntax: '{node}'")

    def _join(self, node: Item, operator: str, field: str | None) -> SQL:
        parts = [self.visit(child, field) for child in node.children]
        return "(" + f" {operator} ".join(f"({sql})" for sql, _ in parts) + ")", [
            p for _, params in parts for p in params]

    def _builder(self, field: str) -> tuple[_Builder, str | None]:
        found = self.fields.get(field.lower())
        if found is None:
            raise InvalidRequest(f"'{_shown(field)}' is not a valid search field")
        return found

    def _term(self, value: str, phrase: bool, field: str | None) -> SQL:
        if field is None:
            if value == "*":
                return "1 = 1", []
            parts = [self._builder(name)[0](value, phrase) for name in self.defaults]
            return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [
                p for _, params in parts for p in params]
        return self._builder(field)[0](value, phrase)

    def _range(self, node: Range, field: str | None) -> SQL:
        if field is None:
            raise InvalidRequest("A range needs a field, e.g. length:[100 TO 200]")
        column = self._builder(field)[1]
        if column is None:
            raise InvalidRequest(f"'{field}' does not take a range")
        numeric = field.lower() in ("length", "mass", "organism_id", "taxonomy_id", "identity",
                                    "count", "existence")
        parts, params = [], []
        for bound, include, op in ((node.low, node.include_low, ">"),
                                   (node.high, node.include_high, "<")):
            text = str(bound).strip().strip('"')
            if text == "*":
                continue
            parts.append(f"{column} {op}{'=' if include else ''} ?")
            params.append(_number(text) if numeric else text)
        return " AND ".join(parts) or "1 = 1", params


def _number(text: str, wrong: str = "'{}' is not a number") -> int:
    """The integer *text* names: ASCII digits, within 64 bits (issue 14, row 7).

    :param wrong: the message for text that is no number, with ``{}`` for the text.
    """
    if not _NUMBER.fullmatch(text):
        raise InvalidRequest(wrong.format(_shown(text)))
    value = int(text)  # at most MAX_TERM_LENGTH digits: Python's int() takes them at once
    if not SMALLEST_NUMBER <= value <= LARGEST_NUMBER:
        raise InvalidRequest(f"The query value '{_shown(text)}' is out of range. It should be "
                             f"a number from {SMALLEST_NUMBER} to {LARGEST_NUMBER}.")
    return value


def _check_limits(tree: Item) -> None:
    """Refuse a parsed query over one of the limits, before any SQL is made.

    One walk with a stack of its own (no recursion, however deep the tree), which stops at the
    first limit passed.

    :raises InvalidRequest: a message naming the limit.
    """
    terms = conditions = 0
    stack: list[tuple[Item, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (Word, Phrase, Range)) or not node.children:
            terms += 1
            if terms > MAX_QUERY_TERMS:
                raise InvalidRequest(
                    f"Too many terms in query. Maximum allowed is {MAX_QUERY_TERMS}.")
            if len(str(node)) > MAX_TERM_LENGTH:
                raise InvalidRequest(
                    f"A term of the query is too long ({len(str(node))} characters). Maximum "
                    f"allowed is {MAX_TERM_LENGTH}.")
            continue
        depth += 1
        if depth > MAX_QUERY_DEPTH:
            raise InvalidRequest(
                f"query parameter is nested too deeply. Maximum allowed is {MAX_QUERY_DEPTH} "
                "levels of parentheses, fields, AND, OR and NOT.")
        if isinstance(node, OrOperation):
            conditions += len(node.children)
            if conditions > MAX_OR_CLAUSES:
                # UniProt's message (too.many.or.clauses.error)
                raise InvalidRequest(
                    f"Too many OR conditions in query. Maximum allowed is {MAX_OR_CLAUSES}.")
        stack.extend((child, depth) for child in node.children)


def parse_query(dataset: str, text: str) -> SQL:
    """The SQL condition and parameters of a ``query``.

    :raises InvalidRequest: a syntax error, an unknown field or a query over one of the limits
        (:data:`MAX_QUERY_LENGTH` and the others), with UniProt-like messages.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidRequest(f"The query is too long ({len(text)} characters). Maximum allowed "
                             f"is {MAX_QUERY_LENGTH}.")
    if "\x00" in text:  # PostgreSQL's text holds no NUL, and no entry has one
        raise InvalidRequest("query parameter has an invalid syntax: it holds a NUL character")
    try:
        tree = parser.parse(text)
    except (ParseError, Exception) as exc:  # luqum raises bare exceptions on some input
        if isinstance(exc, InvalidRequest):
            raise
        raise InvalidRequest(
            f"query parameter has an invalid syntax: '{_shown(text)}'") from None
    # within the limits the translation's recursion stays a few dozen calls deep
    _check_limits(tree)
    return _Translator(dataset).visit(tree)


def parse_sort(dataset: str, text: str) -> str:
    """The ``ORDER BY`` terms of a ``sort`` (``field asc|desc``, comma-separated).

    A field given again orders nothing more (the first term already did), so it is left out.

    :raises InvalidRequest: UniProt-like messages for a bad format or field, or more than
        :data:`MAX_SORT_TERMS` terms.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > MAX_SORT_TERMS:
        raise InvalidRequest(f"Invalid sort parameter format. Expected at most {MAX_SORT_TERMS} "
                             f"terms fieldName asc|desc. Received {len(parts)}")
    terms = []
    messages = []
    seen = set()
    for part in parts:
        pieces = part.split()
        if len(pieces) != 2 or pieces[1].lower() not in ("asc", "desc"):
            messages.append(f"Invalid sort parameter format. Expected format fieldName asc|desc. "
                            f"Received '{_shown(part)}'")
            continue
        column = SORT_FIELDS[dataset].get(pieces[0].lower())
        if column is None:
            messages.append(f"Invalid sort field '{_shown(pieces[0])}'")
            continue
        if column in seen:
            continue
        seen.add(column)
        # entries without the value (inactive ones) go last either way, in both stores
        terms.append(f"(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END), {column} "
                     f"{pieces[1].upper()}")
    if messages:
        raise InvalidRequest(*messages)
    return ", ".join(terms)
