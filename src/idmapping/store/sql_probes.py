"""The SQL that asks what a release holds of ids rather than mapping them: the accession
probe that lets most accessions skip the lookup query, and the holdings behind detection and
explanations (every database, entry and taxon an id is found in). Written as
:mod:`~idmapping.store.sql` writes its queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress, islice
from operator import eq
from typing import Any

import numpy
import orjson

from idmapping.ids import ACCESSION_RE
from idmapping.store.plans import AccessionPlan, HoldingsPlan
from idmapping.store.schema import ANY_KEY, KEY_INDEX
from idmapping.store.sql import entry_column, xref_key
from idmapping.store.sql_taxonomy import taxon_sql

__all__ = ["accession_probe_sql", "SortedKeys", "positions_of", "postgres_key_rows",
           "odd_accessions_sql", "sqlite_plain_accession", "postgres_plain_accession",
           "holdings_params", "sqlite_json_rows", "postgres_json_rows", "holdings_sql"]


def accession_probe_sql(plan: AccessionPlan, source: str, keys: Any, plain: str,
                        taxonomy: bool = False, tables: frozenset[str] = frozenset(),
                        membership: bool = False) -> tuple[str, list[Any]]:
    """The query answering *plan*: the ``seq`` of every input that is not the accession of an
    entry passing the plan's filters, in order. Those are the inputs :func:`lookup_sql` must
    still map; each of the others maps to that entry alone (no secondary or deleted accession
    is a primary one, and an entry name or isoform is not written as a plain accession).

    :param source: the backend's row source ``j(seq, key)`` of the keys, read from one
        parameter, *keys* (the plan's keys as the backend reads them: one JSON array, or
        PostgreSQL's :func:`postgres_key_rows`).
    :param plain: the backend's condition that ``j.key`` is written as a plain accession
        (UniProt's pattern, :data:`idmapping.ids.ACCESSION_RE`); empty for a release whose
        accessions are all written so (:func:`odd_accessions_sql`), where only such a key
        can equal one (the test costs as much as the probe itself).
    :param taxonomy: as for :func:`lookup_sql`; and *tables*.
    :param membership: where nothing but the accession is tested (no filter, *plain* empty),
        ask ``NOT IN`` the accession column (SQLite: the index is probed by one instruction
        per input, a fifth less processor time than a correlated subquery run per input);
        never for PostgreSQL, whose ``NOT IN`` is no anti join.
    :return: the query and its parameters.
    """
    head, taxon, params = taxon_sql(plan.taxon, plan.descendants and taxonomy, tables)
    reviewed = " AND e.reviewed = 1" if plan.target == "swissprot" else ""
    params.append(keys)
    # a bare NOT EXISTS, every condition inside it: PostgreSQL plans it as an anti join (a
    # hash or merge join when the inputs are many of the release's entries, index probes
    # when few); wrapped in another condition, it stayed one index probe per input
    if membership and not (plain or taxon or reviewed):
        return (f"{head}SELECT j.seq FROM {source} WHERE j.key NOT IN "
                "(SELECT e.accession FROM entries e) ORDER BY j.seq"), params
    plain = f" AND {plain}" if plain else ""
    sql = (f"{head}SELECT j.seq FROM {source} WHERE NOT EXISTS (SELECT 1 FROM entries e "
           f"WHERE e.accession = j.key{plain}{taxon}{reviewed}) ORDER BY j.seq")
    return sql, params


class SortedKeys:
    """A probe's keys sorted, for SQLite (issue 18): the accession index is then probed in its
    own order, each probe beside the one before (a million keys of the 1M release: 0.3 s of
    processor time against 2.2 s in the jobs' random order). :attr:`json` is the sorted keys
    as one JSON array; :meth:`misses` reads the probe's rows (positions in that array) back as
    the positions of the keys as given.

    Keys of printable ASCII that JSON writes as they are (no quote, backslash or control
    character; a large job's accessions) are sorted as a NumPy array of bytes, and their array
    written from it, padded with spaces between elements, without a Python object per key (a
    million accessions: 0.3 s instead of 0.7 s, most of it Python's comparisons of strings
    strewn over memory); other keys are sorted by Python and written by orjson.

    :attr:`distinct` tells whether the keys are all different, from neighbours in their sorted
    order (a million keys as bytes: a few milliseconds, where a set of them costs a tenth of a
    second).

    >>> probe = SortedKeys(["P3", "P1", "P2", "P1"])
    >>> probe.json, probe.misses([(2,), (3,)]), probe.distinct
    ('["P1","P1","P2","P3"]', [0, 2], False)
    >>> probe = SortedKeys(["P3", "P1", "P2", "P1"] * 100)
    >>> orjson.loads(probe.json)[::100], probe.misses([(399,)])[:2], probe.distinct
    (['P1', 'P1', 'P2', 'P3'], [0, 4], False)
    >>> SortedKeys([f"P{n}" for n in range(200)]).distinct, SortedKeys(["P2", "P1"]).distinct
    (True, True)
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        rows = _byte_rows(keys) if len(keys) >= _NUMPY_KEYS else None
        self._rows = rows
        if rows is None:
            self.sorted = sorted(keys)
            self.json = orjson.dumps(self.sorted).decode()
            self.distinct = not any(map(eq, self.sorted, islice(self.sorted, 1, None)))
        else:
            rows.sort()
            self.json = _padded_json(rows)
            # rows hold no NUL of their own (_byte_rows): equal rows are equal keys
            self.distinct = not bool((rows[1:] == rows[:-1]).any())

    def _key(self, position: int) -> str:
        if self._rows is None:
            return self.sorted[position]
        return bytes(self._rows[position]).decode("ascii")

    def misses(self, rows: Iterable[Sequence[Any]]) -> list[int]:
        """The positions among the keys as given of those the rows name, in order."""
        return positions_of(self.keys, {self._key(row[0]) for row in rows})


def positions_of(keys: Sequence[str], found: set[str]) -> list[int]:
    """The positions of the *keys* that are among *found*, in order.

    >>> positions_of(["P3", "P1", "P2", "P1"], {"P1"})
    [1, 3]
    """
    if not found:
        return []
    return list(compress(range(len(keys)), map(found.__contains__, keys)))


_NUMPY_KEYS = 100
"""Fewer keys than this are sorted by Python (NumPy's setup costs more than it saves)."""

_ESCAPED = numpy.zeros(256, dtype=bool)
_ESCAPED[list(range(1, 32)) + [ord('"'), ord("\\")]] = True
"""The bytes that JSON does not write as they are, but NUL: a byte array pads its rows with
it (a key holding one is found by its count of bytes)."""


def _byte_rows(keys: Sequence[str]) -> numpy.ndarray | None:
    """*keys* as a NumPy array of bytes (``S`` of the longest key's width), if each is printable
    ASCII that JSON writes as it is and the array is not much larger than the keys; else
    None."""
    lengths = numpy.fromiter(map(len, keys), dtype=numpy.int64, count=len(keys))
    width = int(lengths.max())
    if width == 0 or width * len(keys) > 2 * int(lengths.sum()) + 16 * len(keys):
        return None  # one long key would make every row as wide
    try:
        rows = numpy.array(keys, dtype=f"S{width}")
    except UnicodeEncodeError:
        return None
    plain = rows.view(numpy.uint8).reshape(len(keys), width)
    # the bytes of each row are its key's, none dropped (a NUL) nor escaped by JSON
    if not numpy.array_equal(numpy.count_nonzero(plain, axis=1), lengths) \
            or _ESCAPED[plain].any():
        return None
    return rows


def _padded_json(rows: numpy.ndarray) -> str:
    """The JSON array of *rows* (checked by :func:`_byte_rows`), made as one block of bytes: each
    key quoted and followed by a comma, padded with spaces to the rows' width (whitespace
    between a JSON array's elements is no part of them).

    >>> _padded_json(numpy.array(["P1", "Q123"], dtype="S"))
    '["P1"  ,"Q123"]'
    """
    count, width = len(rows), rows.itemsize
    plain = rows.view(numpy.uint8).reshape(count, width)
    text = numpy.full(1 + count * (width + 3), ord(" "), dtype=numpy.uint8)  # "[" and the rows
    out = text[1:].reshape(count, width + 3)
    out[:, 0] = ord('"')
    numpy.copyto(out[:, 1:width + 1], plain, where=plain != 0)
    out[numpy.arange(count), numpy.count_nonzero(plain, axis=1) + 1] = ord('"')
    out[:, -1] = ord(",")
    text[0], text[-1] = ord("["), ord("]")  # the last comma closes the array
    return str(text.data, "ascii")  # decoded from the array: no copy as bytes first


def postgres_key_rows(keys: Sequence[str], streamed: bool = False) -> tuple[str, str]:
    """PostgreSQL's row source ``j(seq, key)`` of *keys* for :func:`accession_probe_sql`, and
    its one parameter.

    The keys go as one text split by the server (``string_to_array``, folded into an array
    while the query is planned), so that the planner knows how many rows there are and joins
    them as many (a JSON array's function is planned as 100 rows, so as index probes); the
    text is made by one ``join``, where a list bound as an array costs Python an object per
    key. Keys that hold a comma or are empty (which a split could not give back) go as a JSON
    array instead.

    :param streamed: for a plan the caller forces (issue 18: no estimate needed), the split
        keys as a select list's set-returning functions, which hand their rows on one at a
        time, where ``unnest ... WITH ORDINALITY`` in ``FROM`` first stores them all (spilled
        to disk past ``work_mem``): a million keys sorted and merged with the accession index
        in 0.66 s instead of 0.77 s (the 1M release). The planner then counts 1,000 rows.
    """
    joined = ",".join(keys)
    if keys and joined.count(",") == len(keys) - 1 and all(keys):
        if streamed:  # OFFSET 0: the array is made once, not inlined into both functions
            return ("(SELECT generate_series(0, cardinality(s.a) - 1) AS seq, "
                    "unnest(s.a) COLLATE \"C\" AS key FROM "
                    "(SELECT string_to_array(?, ',') AS a OFFSET 0) s) j", joined)
        return ("(SELECT t.n - 1 AS seq, t.value COLLATE \"C\" AS key FROM "
                "unnest(string_to_array(?, ',')) WITH ORDINALITY AS t(value, n)) j", joined)
    return ("(SELECT t.n - 1 AS seq, t.value COLLATE \"C\" AS key FROM "
            "json_array_elements_text(?::json) WITH ORDINALITY AS t(value, n)) j",
            orjson.dumps(list(keys)).decode())


def odd_accessions_sql(plain: str) -> str:
    """Whether the release holds an entry whose accession is not written as a plain accession
    (*plain*: the backend's test of ``e.accession``, as for :func:`accession_probe_sql`): one
    scan of the accession index, once per release."""
    return f"SELECT EXISTS (SELECT 1 FROM entries e WHERE NOT ({plain}))"


_ACCESSION_GLOBS = (
    "[OPQ][0-9][A-Z0-9][A-Z0-9][A-Z0-9][0-9]",
    "[A-NR-Z][0-9][A-Z][A-Z0-9][A-Z0-9][0-9]",
    "[A-NR-Z][0-9][A-Z][A-Z0-9][A-Z0-9][0-9][A-Z][A-Z0-9][A-Z0-9][0-9]",
)
"""UniProt's accession pattern as SQLite GLOBs (which have no repeats): the 6-character forms
and the 10-character one."""


def sqlite_plain_accession(column: str) -> str:
    """SQLite's condition that *column* is written as a plain accession (upper case)."""
    return "(" + " OR ".join(f"{column} GLOB '{g}'" for g in _ACCESSION_GLOBS) + ")"


def postgres_plain_accession(column: str) -> str:
    """PostgreSQL's condition that *column* is written as a plain accession (upper case):
    UniProt's pattern, its groups capturing (a ``?`` would be read as a placeholder)."""
    return f"{column} ~ '{ACCESSION_RE.pattern.replace('(?:', '(')}'"


def holdings_params(plan: HoldingsPlan) -> dict[str, str]:
    """The parameters of :func:`holdings_sql`: each of the plan's columns as one JSON array
    (*with_version*'s elements as ``[key, id]``), made in C by orjson."""
    return {"values": orjson.dumps(list(plan.values)).decode(),
            "with_version": orjson.dumps([
                None if key is None else (key, value)
                for key, value in zip(plan.with_version, plan.values, strict=True)]).decode(),
            "accessions": orjson.dumps(list(plan.accessions)).decode(),
            "entry_names": orjson.dumps(list(plan.entry_names)).decode()}


def sqlite_json_rows(name: str, pairs: bool = False) -> str:
    """SQLite's rows ``(seq, key)`` (with *pairs*: ``(seq, key, version)``) of the elements of
    the JSON array in parameter *name* that are not null, read by SQLite's ``json_each``."""
    if pairs:
        return (f"(SELECT key AS seq, json_extract(value, '$[0]') AS key, "
                f"json_extract(value, '$[1]') AS version FROM json_each(:{name}) "
                "WHERE type = 'array')")
    return f"(SELECT key AS seq, value AS key FROM json_each(:{name}) WHERE type = 'text')"


def postgres_json_rows(name: str, pairs: bool = False) -> str:
    """PostgreSQL's rows as :func:`sqlite_json_rows`, read by ``json_array_elements`` (keys in
    the "C" collation, as the release's indexes are)."""
    if pairs:
        return ("(SELECT t.n - 1 AS seq, (t.v ->> 0) COLLATE \"C\" AS key, t.v ->> 1 AS version "
                f"FROM json_array_elements(%({name})s::json) WITH ORDINALITY AS t(v, n) "
                "WHERE json_typeof(t.v) = 'array')")
    return ("(SELECT t.n - 1 AS seq, t.v COLLATE \"C\" AS key "
            f"FROM json_array_elements_text(%({name})s::json) WITH ORDINALITY AS t(v, n) "
            "WHERE t.v IS NOT NULL)")


def holdings_sql(plan: HoldingsPlan, codes: dict[str, int], rows: Callable[[str, bool], str],
                 entry_of: Callable[[str], str] = entry_column,
                 parts: frozenset[str] = frozenset()) -> str:
    """The one query answering *plan*: :data:`~idmapping.store.plans.HoldingRow` rows.

    The inputs are the plan's columns, read from the parameters of :func:`holdings_params`
    by *rows*, the backend's row source of a column (:func:`sqlite_json_rows`,
    :func:`postgres_json_rows`). Where the release has an index by key first
    (:data:`~idmapping.store.schema.KEY_INDEX`, or :data:`~idmapping.store.schema.ANY_KEY`
    beside the (db, key) index), every input is probed in it once, for all databases at once;
    otherwise (a release loaded before both, or ``plan.per_database``), once per database.
    Either way it is one set query whatever the number of ids.

    :param entry_of: how the backend reads an xref's entry (:func:`entry_column` by default).
    :param parts: the release's parts (:data:`~idmapping.store.schema.RELEASE_PARTS`).
    """
    key = xref_key("x", parts)
    any_key = not plan.per_database and bool({KEY_INDEX, ANY_KEY} & parts)
    wanted = sorted(codes[t] for t in plan.types if t in codes) or [-1]
    versioned = sorted(codes[t] for t in plan.versioned if t in codes) or [-1]
    among, among_versioned = ", ".join(map(str, wanted)), ", ".join(map(str, versioned))
    reviewed = "count(DISTINCT CASE WHEN e.reviewed = 1 THEN e.id END)"
    values, with_version = rows("values", False), rows("with_version", True)
    accessions, entry_names = rows("accessions", False), rows("entry_names", False)

    def probes(inputs: str) -> str:
        # CROSS JOIN: the input stays the outer loop, probing the key index (see lookup_sql)
        if any_key:
            # +x.db: the database is a filter of the rows found, never a way into an index
            # (SQLite would otherwise probe the index once per database again)
            return f"FROM {inputs} i CROSS JOIN xrefs x WHERE +x.db IN ({among}) AND "
        # c: the databases as a row source, so that each probe is one (db, key) of the index
        # (with db IN (...) alone, SQLite built an automatic index over every xref instead)
        return (f"FROM {inputs} i CROSS JOIN dbs c CROSS JOIN xrefs x "
                f"WHERE c.code IN ({among}) AND x.db = c.code AND ")

    queries = [
        "SELECT h.seq, 'xref' AS what, d.name AS detail, h.taxon, h.n, h.r FROM ("
        f"SELECT p.seq, p.db, e.taxon, count(DISTINCT e.id) AS n, {reviewed} AS r FROM ("
        # an id as it is, in any database, but for one given with a version, only where ids
        # carry none; then that one without its version where they carry one
        f"SELECT i.seq, x.db, {entry_of('x')} AS entry {probes(values)}{key} = i.key "
        f"AND (x.db NOT IN ({among_versioned}) OR i.seq NOT IN (SELECT seq FROM "
        f"{with_version} v)) UNION ALL "
        f"SELECT i.seq, x.db, {entry_of('x')} AS entry {probes(with_version)}{key} = i.key "
        f"AND x.db IN ({among_versioned}) AND lower(x.value) = i.version"
        ") p JOIN entries e ON e.id = p.entry "
        "GROUP BY p.seq, p.db, e.taxon) h JOIN dbs d ON d.code = h.db",
        f"SELECT i.seq, 'uniprot', '', e.taxon, count(DISTINCT e.id), {reviewed} "
        f"FROM {accessions} i JOIN entries e ON e.accession = i.key GROUP BY i.seq, e.taxon",
        f"SELECT i.seq, 'uniprot', '', e.taxon, count(DISTINCT e.id), {reviewed} "
        f"FROM {entry_names} i JOIN entries e ON e.name = i.key GROUP BY i.seq, e.taxon",
        "SELECT i.seq, 'secondary', s.primary_acc, e.taxon, 1, COALESCE(e.reviewed, 0) "
        f"FROM {accessions} i JOIN secondary s ON s.accession = i.key "
        "JOIN entries e ON e.accession = s.primary_acc",
        "SELECT i.seq, 'deleted', d.source, CAST(NULL AS integer), 0, 0 "
        f"FROM {accessions} i JOIN deleted d ON d.accession = i.key",
    ]
    code = codes.get(plan.any_version or "")
    if code is not None:
        queries.append(
            "SELECT DISTINCT i.seq, 'version', x.value, CAST(NULL AS integer), 0, 0 "
            f"FROM {with_version} i CROSS JOIN xrefs x WHERE x.db = {code} AND {key} = i.key")
    return " UNION ALL ".join(queries)
