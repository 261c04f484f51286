"""SQLite's lookup (:func:`lookup_rows`), and that of ids of another database to UniProtKB or
Swiss-Prot, its rows ordered in NumPy (issue 18): :func:`rows_by_entry` runs the two queries
of :func:`~idmapping.store.sql.entry_hits_sql` and gives the rows of
:func:`~idmapping.store.sql.lookup_sql`, in its order.

The one query joined each hit to ``entries`` in the order of the inputs' keys, that is at
random: 100,000 RefSeq ids of the 1M release, 121,068 probes of a table of about 50 MB, were
120 ms of cache misses of 180 ms; the same probes in the order of the entries' numbers take
30-40 ms, but SQLite's sort of the hits by entry cost 75 ms, and its sort of the rows for
output about 40 ms more; and filling the input table bound 400,000 values (0.12-0.15 s).
Here the inputs' keys go in as one JSON array, the hits come back as JSON arrays, the entries
are probed in the order of their numbers, once each, and the sorts are NumPy's on integers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from itertools import chain, repeat
from operator import is_not, itemgetter
from typing import TYPE_CHECKING, Any

import orjson

from idmapping.store.plans import LookupPlan
from idmapping.store.sql import entry_hits_sql, lookup_sql, sqlite_entry_column, sqlite_same_entry
from idmapping.store.sqlite_reads import fill_input

if TYPE_CHECKING:
    import numpy as np

__all__ = ["lookup_rows", "rows_by_entry", "ranked"]

Row = tuple[int, str, int]


def lookup_rows(reader: Callable[[], AbstractContextManager[sqlite3.Connection]],
                plan: LookupPlan, codes: dict[str, int], taxonomy: bool,
                tables: frozenset[str]) -> Iterator[Row]:
    """SQLite's lookup of *plan* (``SqliteStore.lookup``), run when its rows are first asked
    for, on a reader of the release (*reader*): ids of another database to UniProtKB or
    Swiss-Prot by :func:`rows_by_entry`, the reader given back before the first row; else the
    one query of :func:`~idmapping.store.sql.lookup_sql`, on a reader kept until its rows
    are read to the end, closed or dropped (a lookup never read holds no reader). Either way
    the rows are chained in C, no step of a generator per row (121,068 RefSeq rows: 0.01 s).

    Inputs holding a NUL take the one query: ``json_each`` ends a string there, where a bound
    parameter holds the whole key.
    """
    if plan.source != "uniprot" and plan.target in ("uniprotkb", "swissprot") and \
            "\x00" not in "".join(map(itemgetter(1), plan.inputs)):
        hits, entries, params = entry_hits_sql(plan, codes, sqlite_entry_column, taxonomy,
                                               tables)

        def found() -> Iterator[Iterator[Row]]:
            with reader() as conn:
                rows = rows_by_entry(conn, plan.inputs, hits, entries, params)
            yield rows

        return chain.from_iterable(found())
    sql, params = lookup_sql(plan, codes, sqlite_same_entry, sqlite_entry_column,
                             taxonomy=taxonomy, tables=tables)

    def batches() -> Iterator[list[Row]]:
        with reader() as conn:
            fill_input(conn, plan.inputs)
            cursor = conn.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                yield batch

    return chain.from_iterable(batches())


def rows_by_entry(conn: sqlite3.Connection, inputs: Sequence[tuple[int, str, str, str | None]],
                  hits_sql: str, entries_sql: str, params: Sequence[Any]
                  ) -> Iterator[tuple[int, str, int]]:
    """The ``(seq, accession, 0)`` rows of the *inputs* (``(seq, key, kind, version)``) found
    by *hits_sql* (their keys as a JSON array, sorted: the key index is then probed in its own
    order, 0.32 s of query against 0.44 s in the inputs' order) whose entries *entries_sql*
    passes (with *params*, then the entries' numbers as a JSON array), ordered by ``seq``,
    then as :func:`ranked` orders their entries. Both queries are run before this returns."""
    import numpy as np  # here: the store's other users need not load it

    keys = list(map(itemgetter(1), inputs))
    # Python's sort: as fast as NumPy's of an array of strings, which one long key would make
    # as wide for every key
    ordered = sorted(range(len(keys)), key=keys.__getitem__)
    by_key = np.array(ordered, dtype=np.int64)
    positions_json, entries_json, values_json = conn.execute(
        hits_sql, [orjson.dumps(list(map(keys.__getitem__, ordered))).decode()]).fetchone()
    positions, entries = _integers(positions_json), _integers(entries_json)
    given = list(map(itemgetter(3), inputs))
    versioned = np.fromiter(map(is_not, given, repeat(None)), dtype=bool,
                            count=len(given))[by_key][positions]
    if versioned.any():  # a versioned input's hits of that version only
        versions = np.array(given, dtype=object)[by_key][positions]
        found = np.array(orjson.loads(values_json), dtype=object)
        wanted = ~versioned | np.equal(versions, found)
        positions, entries = positions[wanted], entries[wanted]
    if not len(entries):
        return iter(())
    ids_json, accessions_json, reviewed_json = conn.execute(
        entries_sql, [*params, _json(_distinct(entries))]).fetchone()
    ids = _integers(ids_json)
    if not len(ids):
        return iter(())
    # each hit's entry among those passed, found by its number (whatever their order)
    by_id = np.argsort(ids, kind="stable")
    at = np.searchsorted(ids[by_id], entries)
    at[at == len(ids)] = 0
    passed = ids[by_id[at]] == entries
    seq_of = np.array(list(map(itemgetter(0), inputs)), dtype=np.int64)[by_key]
    seqs, where = seq_of[positions[passed]], by_id[at[passed]]
    # the order of an input's entries matters only where it has more than one: those entries
    # alone are ranked (the others' rank, 0, orders nothing)
    accessions = np.array(orjson.loads(accessions_json), dtype=object)
    rank = np.zeros(len(ids), dtype=np.int64)
    tied = _distinct(where[np.bincount(seqs)[seqs] > 1])
    if len(tied):
        reviewed = np.array(orjson.loads(reviewed_json), dtype=np.float64)
        rank[tied[ranked(accessions[tied], reviewed[tied])]] = np.arange(1, len(tied) + 1)
    # one integer a row, seq then its entry's rank (a hit repeated, an id stored twice in its
    # entry under one key, stays repeated as the query gives it)
    order = np.argsort(seqs * (len(ids) + 1) + rank[where])
    return zip(seqs[order].tolist(), accessions[where[order]].tolist(), repeat(0),
               strict=False)


def ranked(accessions: Sequence[str] | np.ndarray[Any, Any],
           reviewed: Sequence[int | None] | np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The positions of entries of *accessions* and *reviewed* in the order of
    ``ORDER BY reviewed DESC NULLS LAST, accession`` (SQLite's binary order of text, which is
    that of the characters' code points, as NumPy compares them).

    >>> ranked(["P2", "P1", "Q1", "A1"], [1, 1, None, 0]).tolist()
    [1, 0, 3, 2]
    """
    import numpy as np  # here: the store's other users need not load it

    # reviewed is 0, 1 or NULL (schema.py): as floats, NULL is NaN, which sorts last
    descending = -np.asarray(reviewed, dtype=np.float64)
    order: np.ndarray[Any, Any] = np.lexsort((np.asarray(accessions, dtype=str), descending))
    return order


def _integers(array: str) -> np.ndarray[Any, Any]:
    """A JSON array of integers (SQLite's ``json_group_array``) as a NumPy array, read in C.

    >>> _integers("[3,-1,20]").tolist(), _integers("[]").tolist()
    ([3, -1, 20], [])
    """
    import numpy as np  # here: the store's other users need not load it

    values: np.ndarray[Any, Any] = np.fromstring(array[1:-1], dtype=np.int64, sep=",")
    return values


def _distinct(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The distinct *values*, sorted (``np.unique`` is several times slower on integers).

    >>> import numpy as np
    >>> _distinct(np.array([3, 1, 3, 2])).tolist(), _distinct(np.array([], dtype=int)).tolist()
    ([1, 2, 3], [])
    """
    import numpy as np  # here: the store's other users need not load it

    if not len(values):
        return values
    ordered = np.sort(values)
    distinct: np.ndarray[Any, Any] = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    return distinct


def _json(values: np.ndarray[Any, Any]) -> str:
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()
