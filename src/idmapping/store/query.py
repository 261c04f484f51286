"""UniProt's ``query`` (Lucene syntax, parsed with luqum) and ``sort`` as SQL over the entry
tables' columns (:data:`idmapping.store.schema.DOCUMENT_COLUMNS`).

The SQL reads the document table as ``e``, the mapping entries as ``m`` and the pair as ``p``
(see :func:`idmapping.store.sql_results.filter_sql`); ``{rel}`` stands for the release's
table prefix and ``{collate}`` for the comparison of job ids with release ids. The fields,
UniProt's aliases of them and the fields UniProt knows that this server does not search are in
:mod:`idmapping.store.queryfields`.

>>> where, params = parse_query("uniprotkb", "keyword:kinase AND length:[100 TO 400]")
>>> where
'((e.keyword LIKE ?) AND (e.length >= ? AND e.length <= ?))'
>>> params
['% kinase %', 100, 400]
>>> translate_query("uniprotkb", "ec:*1.1").warnings[0]["code"]
41
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
from dataclasses import dataclass
from dataclasses import field as dc_field
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
from idmapping.store.queryfields import (
    DEFAULT_FIELDS,
    FIELDS,
    NOT_HELD,
    Field,
    date,
    not_held_message,
    number,
    resolve,
    shown,
)
from idmapping.store.termfields import TERMS_TABLE

__all__ = ["parse_query", "translate_query", "Translation", "LEADING_WILDCARD", "parse_sort",
           "QUERY_FIELDS", "SORT_FIELDS", "MAX_QUERY_LENGTH", "MAX_QUERY_DEPTH",
           "MAX_OR_CLAUSES", "MAX_QUERY_TERMS", "MAX_TERM_LENGTH", "MAX_SORT_TERMS",
           "SMALLEST_NUMBER", "LARGEST_NUMBER", "INVALID_SYNTAX", "INVALID_SORT_FORMAT"]

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

LEADING_WILDCARD = {
    "code": 41,
    "message": "Leading wildcard (*, ?) was removed for this search. Please check the help "
               "page for more information on using wildcards on queries."}
"""UniProt's warning 41: a term's leading ``*`` or ``?`` is removed, and a page says so."""

INVALID_SYNTAX = "query parameter has an invalid syntax"
"""UniProt's message for a ``query`` that does not parse (search.invalid.query), word for word:
it names neither the query nor the place."""

_INVALID_TYPE = "'{}' filter type '{}' is invalid. Expected '{}' filter type"
"""UniProt's message (search.invalid.query.field.type)."""

_shown = shown

QUERY_FIELDS = FIELDS
"""The ``query`` fields of each dataset (:data:`idmapping.store.queryfields.FIELDS`)."""

SORT_FIELDS = {
    "uniprotkb": {"accession": "p.to_id", "id": "COALESCE(e.name, m.name)",
                  "gene": "e.gene_sort", "organism_name": "e.organism",
                  "protein_name": "e.protein", "length": "e.length", "mass": "e.mass",
                  "annotation_score": "e.existence"},
    "uniref": {"id": "p.to_id", "length": "e.length", "count": "e.count",
               "date_modified": "e.modified", "created": "e.modified",
               "organism_sort": "e.organism", "organism": "e.organism"},
    "uniparc": {"upi": "p.to_id", "uniparc": "p.to_id", "length": "e.length"},
}
"""The ``sort`` fields of each dataset and the column each orders by: UniProt's (with its
aliases, UniRef's ``created`` and UniParc's ``uniparc``), and UniRef's ``organism``, ours."""


@dataclass(frozen=True)
class Translation:
    """A ``query`` as SQL: the condition, its parameters, the warnings it brings (UniProt's
    warning 41), and the later-added columns it reads with the field that reads each."""

    where: str
    params: list[Any]
    warnings: list[dict[str, Any]] = dc_field(default_factory=list)
    reads: tuple[tuple[str, str], ...] = ()


class _Translator:
    def __init__(self, dataset: str) -> None:
        self.dataset = dataset
        self.fields = FIELDS[dataset]
        self.defaults = DEFAULT_FIELDS[dataset]
        self.warnings: list[dict[str, Any]] = []
        self.reads: dict[tuple[str, str], None] = {}

    def visit(self, node: Item, field: str | None = None) -> SQL:
        if isinstance(node, SearchField):
            if (field is not None and isinstance(node.expr, (Word, Phrase))
                    and TERMS_TABLE in self._field(field).late):
                # go_ida:GO:0005634, rhea:RHEA:10596: the id is the term, prefix and all
                return self._term(f"{node.name}:{node.expr.value}", False, field)
            return self.visit(node.expr, node.name)
        if isinstance(node, (Group, FieldGroup)):
            return self.visit(node.expr, field)
        if isinstance(node, (AndOperation, UnknownOperation)):
            return self._join(node, "AND", field)
        if isinstance(node, OrOperation):
            return self._join(node, "OR", field)
        if isinstance(node, (Not, Prohibit)):
            sql, params = self.visit(node.a, field)
            # Lucene keeps a document without the field: NULL (unknown) is not true
            return f"({sql}) IS NOT TRUE", params
        if isinstance(node, Plus):
            return self.visit(node.a, field)
        if isinstance(node, Range):
            return self._range(node, field)
        if isinstance(node, (Word, Phrase)):
            return self._term(str(node.value), isinstance(node, Phrase), field)
        raise InvalidRequest(INVALID_SYNTAX)

    def _join(self, node: Item, operator: str, field: str | None) -> SQL:
        parts = [self.visit(child, field) for child in node.children]
        return "(" + f" {operator} ".join(f"({sql})" for sql, _ in parts) + ")", [
            p for _, params in parts for p in params]

    def _field(self, name: str) -> Field:
        """The field *name* (or one of UniProt's aliases) names.

        :raises InvalidRequest: UniProt's message for a field it does not know; for one it
            knows whose data this server does not search, where that data would come from.
        """
        resolved = resolve(self.dataset, name)
        found = self.fields.get(resolved)
        if found is not None:
            for column in found.late:
                self.reads[(name, column)] = None
            return found
        why = NOT_HELD[self.dataset].get(resolved)
        if why is not None:
            raise InvalidRequest(not_held_message(name, why))
        raise InvalidRequest(f"'{_shown(name)}' is not a valid search field")

    def _unlead(self, value: str) -> str:
        """*value* without its leading wildcards, as UniProt searches it (warning 41)."""
        stripped = value.lstrip("*?")
        if stripped == value or not stripped:
            return value
        if LEADING_WILDCARD not in self.warnings:
            self.warnings.append(LEADING_WILDCARD)
        return stripped

    def _term(self, value: str, phrase: bool, field: str | None) -> SQL:
        if not phrase:
            value = self._unlead(value)
        if field is None:
            if value == "*":
                return "1 = 1", []
            parts = [self._field(name).build(value, phrase) for name in self.defaults]
            return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [
                p for _, params in parts for p in params]
        return self._field(field).build(value, phrase)

    def _range(self, node: Range, field: str | None) -> SQL:
        if field is None:
            raise InvalidRequest("A range needs a field, e.g. length:[100 TO 200]")
        found = self._field(field)
        column = found.range
        if column is None:
            raise InvalidRequest(_INVALID_TYPE.format(_shown(field), "range", "term"))
        parts: list[str] = []
        params: list[Any] = []
        for bound, include, op in ((node.low, node.include_low, ">"),
                                   (node.high, node.include_high, "<")):
            text = str(bound).strip().strip('"')
            if text == "*" or (found.kind == "date" and text.upper() == "NOW"):
                continue
            parts.append(f"{column} {op}{'=' if include else ''} ?")
            if found.kind == "int":
                params.append(number(text))
            elif found.kind == "date":
                params.append(date(text, field))
            else:
                params.append(text)
        where = " AND ".join(parts) or f"{column} IS NOT NULL"
        if found.scope is not None:  # within the entry's kb_terms rows of the field
            start, first = found.scope
            return f"{start} AND {where})", [*first, *params]
        return where, params


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
    """The SQL condition and parameters of a ``query`` (:func:`translate_query`)."""
    translation = translate_query(dataset, text)
    return translation.where, translation.params


def translate_query(dataset: str, text: str) -> Translation:
    """The SQL condition and parameters of a ``query``, and the warnings it brings.

    :raises InvalidRequest: a syntax error, an unknown field or a query over one of the limits
        (:data:`MAX_QUERY_LENGTH` and the others), with UniProt-like messages.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidRequest(f"The query is too long ({len(text)} characters). Maximum allowed "
                             f"is {MAX_QUERY_LENGTH}.")
    if "\x00" in text:  # PostgreSQL's text holds no NUL, and no entry has one
        raise InvalidRequest(INVALID_SYNTAX)
    try:
        tree = parser.parse(text)
    except (ParseError, Exception) as exc:  # luqum raises bare exceptions on some input
        if isinstance(exc, InvalidRequest):
            raise
        raise InvalidRequest(INVALID_SYNTAX) from None
    # within the limits the translation's recursion stays a few dozen calls deep
    _check_limits(tree)
    translator = _Translator(dataset)
    where, params = translator.visit(tree)
    return Translation(where, params, translator.warnings, tuple(translator.reads))


def parse_sort(dataset: str, text: str) -> str:
    """The ``ORDER BY`` terms of a ``sort`` (``field asc|desc``, comma-separated).

    Checked as UniProt's ``ValidSolrSortFields`` checks it, with its messages word for word:
    the value, lower-cased, must be ``word word`` terms joined by commas (else one message for
    the whole value); then each term's field must be a sort field and its order ``asc`` or
    ``desc`` (a message for each that is not). A field given again orders nothing more (the
    first term already did), so it is left out.

    :raises InvalidRequest: UniProt's messages; ours for more than :data:`MAX_SORT_TERMS`
        terms.
    """
    # empty terms (a trailing comma) are dropped first: ours, UniProt refuses them
    value = ",".join(term for term in text.lower().split(",") if term.strip())
    if not _SORT_FORMAT.fullmatch(value):
        raise InvalidRequest(INVALID_SORT_FORMAT)
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > MAX_SORT_TERMS:
        raise InvalidRequest(f"Invalid sort parameter format. Expected at most {MAX_SORT_TERMS} "
                             f"terms fieldName asc|desc. Received {len(parts)}")
    terms = []
    messages = []
    seen = set()
    for part in parts:
        # split on single spaces, as UniProt's validator does ("length  desc" has an empty order)
        pieces = part.split(" ")
        name, order = pieces[0], pieces[1] if len(pieces) > 1 else ""
        column = SORT_FIELDS[dataset].get(name)
        if column is None:
            messages.append(f"Invalid sort field '{_shown(name)}'")
        if order not in ("asc", "desc"):
            messages.append(f"Invalid sort field order '{_shown(order)}'. Expected asc or desc")
        if column is None or order not in ("asc", "desc") or column in seen:
            continue
        seen.add(column)
        # entries without the value (inactive ones) go last either way, in both stores
        terms.append(f"(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END), {column} "
                     f"{order.upper()}")
    if messages:
        raise InvalidRequest(*messages)
    return ", ".join(terms)


INVALID_SORT_FORMAT = "Invalid sort parameter format. Expected format fieldName asc|desc."
"""UniProt's message for a ``sort`` that is not ``field asc|desc`` terms (search.invalid.sort
.format)."""

_SORT_FORMAT = re.compile(r"\w+\s+\w+\s*(,\s*\w+\s+\w+\s*)*", re.ASCII)
"""UniProt's pattern of a whole ``sort`` value (Java's ``\\w`` is ASCII)."""
