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

PART = 8_192
"""The keys that one query of the hits takes, then the entries that one query of the entries
takes, and the rows given a list at a time (issue 18): the arrays of a whole list of ids held
at once, their strings and those of their accessions as Python strings, raised the server's
peak memory by 37 MiB (100,000 RefSeq ids) to 67 MiB (20,000 gene names, 311,555 pairs)."""

TEXT_WIDTH = 16
"""The longest text :func:`_texts` holds as bytes of that width (an accession is 10)."""


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
                                               tables, values=_versioned(plan.inputs))

        def found() -> Iterator[Iterator[Row]]:
            with reader() as conn:
                rows = rows_by_entry(conn, plan.inputs, hits, entries, params, PART)
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
                  hits_sql: str, entries_sql: str, params: Sequence[Any], part: int = PART
                  ) -> Iterator[tuple[int, str, int]]:
    """The ``(seq, accession, 0)`` rows of the *inputs* (``(seq, key, kind, version)``) found
    by *hits_sql* (their keys as a JSON array, sorted: the key index is then probed in its own
    order, 0.32 s of query against 0.44 s in the inputs' order) whose entries *entries_sql*
    passes (with *params*, then the entries' numbers as a JSON array), ordered by ``seq``,
    then as :func:`ranked` orders their entries. Both queries are run before this returns, on
    *part* keys, then *part* entries, at a time (:data:`PART`); the rows come *part* at a
    time."""
    import numpy as np  # here: the store's other users need not load it

    keys = list(map(itemgetter(1), inputs))
    # Python's sort: as fast as NumPy's of an array of strings, which one long key would make
    # as wide for every key
    ordered = sorted(range(len(keys)), key=keys.__getitem__)
    by_key = np.array(ordered, dtype=np.int64)
    keys = list(map(keys.__getitem__, ordered))
    del ordered
    # each sorted key's input: its seq, and the version it asks for (None: any)
    seq_of = _narrow(np.array(list(map(itemgetter(0), inputs)), dtype=np.int64)[by_key])
    versions = (np.array(list(map(itemgetter(3), inputs)), dtype=object)[by_key]
                if _versioned(inputs) else None)
    del by_key
    seqs, entries = _hits(conn, hits_sql, keys, seq_of, versions, part)
    del keys, seq_of, versions
    if not len(entries):
        return iter(())
    ids, accessions, reviewed = _entries(conn, entries_sql, params, _distinct(entries), part)
    if not len(ids):
        return iter(())
    # each hit's entry among those passed (in the order of their numbers), found by its number
    at = np.searchsorted(ids, entries)
    at[at == len(ids)] = 0
    passed = ids[at] == entries
    del entries
    seqs, where = seqs[passed], _narrow(at[passed])
    del at, passed
    # the order of an input's entries matters only where it has more than one: those entries
    # alone are ranked (the others' rank, 0, orders nothing), or every entry where they are
    # most (no copy of their accessions: 20,000 gene names, 267,365 entries, 2.7 MB)
    rank = np.zeros(len(ids), dtype=np.int64 if len(ids) >> 31 else np.int32)
    tied = _distinct(where[(np.bincount(seqs) > 1)[seqs]])
    if 2 * len(tied) > len(ids):
        rank[ranked(accessions, reviewed)] = np.arange(1, len(ids) + 1, dtype=rank.dtype)
    elif len(tied):
        rank[tied[ranked(accessions[tied], reviewed[tied])]] = np.arange(
            1, len(tied) + 1, dtype=rank.dtype)
    del tied, reviewed
    # one integer a row, seq then its entry's rank (a hit repeated, an id stored twice in its
    # entry under one key, stays repeated as the query gives it)
    key = seqs.astype(np.int64)
    key *= len(ids) + 1
    key += rank[where]
    del rank
    order = np.argsort(key)
    del key
    seqs, where = seqs[order], where[order]  # what the rows are read from: 8 bytes a row
    del order
    return chain.from_iterable(
        zip(seqs[start:start + part].tolist(), _strings(accessions[where[start:start + part]]),
            repeat(0), strict=False)
        for start in range(0, len(seqs), part))


def _versioned(inputs: Sequence[tuple[int, str, str, str | None]]) -> bool:
    """Whether some input asks for a version: only then are the values found asked of SQLite
    (``entry_hits_sql(values=...)``) and compared."""
    return any(map(is_not, map(itemgetter(3), inputs), repeat(None)))


def _hits(conn: sqlite3.Connection, sql: str, keys: list[str], seq_of: np.ndarray[Any, Any],
          versions: np.ndarray[Any, Any] | None, part: int
          ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The hits of the sorted *keys* (*sql*, :func:`rows_by_entry`'s *hits_sql*), *part* keys
    a query: the seq of each hit's input (*seq_of* by the position of its key), and its
    entry; of an input given a version in *versions* (None: none is), the hits of that
    version only."""
    import numpy as np  # here: the store's other users need not load it

    found_seqs, found_entries = [], []
    for start in range(0, len(keys), part):
        positions_json, entries_json, values_json = conn.execute(
            sql, [orjson.dumps(keys[start:start + part]).decode()]).fetchone()
        positions, entries = _integers(positions_json) + start, _integers(entries_json)
        del positions_json, entries_json
        if versions is not None:
            asked = versions[positions]
            versioned = np.not_equal(asked, np.array(None))
            if versioned.any():  # a versioned input's hits of that version only
                found = np.array(orjson.loads(values_json), dtype=object)
                wanted = ~versioned | np.equal(asked, found)
                positions, entries = positions[wanted], entries[wanted]
        found_seqs.append(seq_of[positions])
        found_entries.append(_narrow(entries))
    if not found_seqs:
        return seq_of[:0], np.zeros(0, dtype=np.int64)
    return np.concatenate(found_seqs), np.concatenate(found_entries)


def _entries(conn: sqlite3.Connection, sql: str, params: Sequence[Any],
             entries: np.ndarray[Any, Any], part: int
             ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The sorted *entries* that *sql* passes (:func:`rows_by_entry`'s *entries_sql*, with
    *params*), *part* entries a query: their numbers (in order, as *entries* holds them),
    accessions (:func:`_texts`) and ``reviewed`` (NULL as NaN). The numbers and ``reviewed``
    are written into arrays made once, as long as *entries* (their parts joined would be held
    twice for a moment)."""
    import numpy as np  # here: the store's other users need not load it

    ids = np.empty(len(entries), dtype=entries.dtype)
    reviewed = np.empty(len(entries), dtype=np.float32)  # 0, 1 and NaN, exactly
    texts, count = [], 0
    for start in range(0, len(entries), part):
        ids_json, accessions_json, reviewed_json = conn.execute(
            sql, [*params, _json(entries[start:start + part])]).fetchone()
        found = _integers(ids_json)
        ids[count:count + len(found)] = found
        reviewed[count:count + len(found)] = orjson.loads(reviewed_json)
        texts.append(_texts(orjson.loads(accessions_json)))
        count += len(found)
    ids, reviewed, accessions = ids[:count], reviewed[:count], _joined(texts)
    if (ids[1:] < ids[:-1]).any():  # SQLite gives them in the order asked, as a rule
        by_id = np.argsort(ids, kind="stable")
        ids, accessions, reviewed = ids[by_id], accessions[by_id], reviewed[by_id]
    return ids, accessions, reviewed


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
    descending = -np.asarray(reviewed, dtype=np.float32)  # 0, 1 and NaN, exactly
    # bytes of ASCII (_texts) sort as their characters do, and take a quarter of the room
    texts = (accessions if isinstance(accessions, np.ndarray) and accessions.dtype.kind == "S"
             else np.asarray(accessions, dtype=str))
    order: np.ndarray[Any, Any] = np.lexsort((texts, descending))
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


def _texts(values: list[str]) -> np.ndarray[Any, Any]:
    """*values* as NumPy holds them in the least room: bytes of the width of the longest
    where all are ASCII without NUL and at most :data:`TEXT_WIDTH` long (an accession: 10
    bytes, where a Python string takes 59 and a pointer), else Python strings
    (:func:`_strings` gives them back as strings either way).

    >>> _texts(["P1", "Q12345"]).dtype, _texts(["\u00c41"]).dtype
    (dtype('S6'), dtype('O'))
    """
    import numpy as np  # here: the store's other users need not load it

    joined = "".join(values)
    # NumPy's bytes drop the NULs they end with
    if joined.isascii() and "\x00" not in joined and \
            max(map(len, values), default=0) <= TEXT_WIDTH:
        return np.array(values, dtype=bytes)
    return np.array(values, dtype=object)


def _joined(parts: list[np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    """The arrays of :func:`_texts` *parts* as one: bytes if all are, else Python strings.

    >>> _joined([_texts(["P1"]), _texts(["Q123"])]).tolist()
    [b'P1', b'Q123']
    >>> _joined([_texts(["P1"]), _texts(["\u00c4"])]).tolist()
    ['P1', '\u00c4']
    """
    import numpy as np  # here: the store's other users need not load it

    if all(p.dtype.kind == "S" for p in parts):
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bytes)
    return np.concatenate([p.astype(str).astype(object) if p.dtype.kind == "S" else p
                           for p in parts])


def _strings(values: np.ndarray[Any, Any]) -> list[str]:
    """The :func:`_texts` *values* as a list of Python strings, decoded in C.

    >>> _strings(_texts(["P1", "Q12"])), _strings(_texts(["\u00c4"]))
    (['P1', 'Q12'], ['\u00c4'])
    """
    strings: list[str] = (values.astype(str) if values.dtype.kind == "S" else values).tolist()
    return strings


def _narrow(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Integers *values* as 32 bits where they fit (half the room of an index or a seq).

    >>> import numpy as np
    >>> _narrow(np.array([0, 2**31 - 1])).dtype, _narrow(np.array([-1, 2**31])).dtype
    (dtype('int32'), dtype('int64'))
    """
    import numpy as np  # here: the store's other users need not load it

    small = np.iinfo(np.int32)
    if not len(values) or (small.min <= values.min() and values.max() <= small.max):
        return values.astype(np.int32)
    return values


def _json(values: np.ndarray[Any, Any]) -> str:
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()
