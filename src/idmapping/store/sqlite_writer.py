"""How the SQLite store writes a release: a file of its own beside the main file.

The file is written with journaling off (a load that stops leaves only a file that the next
load removes), in one transaction; its xrefs ids encode the entry
(:data:`~idmapping.store.schema.ENTRY_SHIFT`), so each batch's rows are numbered here. Once the
rows are in, the file is de-duplicated, subset and indexed, and one small transaction in the
main file makes it the current release.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from idmapping.errors import StoreDamaged, StoreError
from idmapping.model import Release
from idmapping.store.base import ReleaseWriter
from idmapping.store.plans import Subset, XrefBatch
from idmapping.store.schema import (
    DERIVED,
    DOCUMENT_COLUMNS,
    DOCUMENT_TABLES,
    ENTRY_SHIFT,
    SQLITE_RELEASE,
    SQLITE_RELEASE_INDEXES,
)
from idmapping.store.shared import ready_release, removed_while_loading
from idmapping.store.sql import (
    ENTRIES_FROM_STAGING,
    ENTRY_STAGING,
    FIND_ENTRIES_INDEX,
    derived_gene_name_sql,
    entry_range,
    sqlite_entry_column,
    sqlite_same_entry,
    subset_sql,
)
from idmapping.store.sql_taxonomy import (
    TAXONOMY_FINISH,
)
from idmapping.store.sqlite_driver import connect, translated
from idmapping.store.taxonspans import clade_spans

if TYPE_CHECKING:
    import numpy as np

    from idmapping.store.sqlite import SqliteStore

__all__ = ["SqliteReleaseWriter"]

LOAD_CACHE_SHARE = 8
"""The page cache while rows are inserted: this fraction of the load's memory (256 MB of the
default 2 GiB)."""

INDEX_CACHE_KIB = 8192
"""The page cache while indexes are built (KiB): the size of the sorter's runs."""

ROWS_PER_STATEMENT = 128
"""Rows bound to one ``INSERT ... VALUES (...), (...), ...`` of :func:`insert_rows`: a million
xrefs rows in 1.0 s of processor time, against 1.8 s for ``executemany`` of a row at a time,
which binds as many values but runs a statement per row."""


@functools.lru_cache(maxsize=64)
def _values_sql(head: str, width: int, rows: int) -> str:
    """*head* (``INSERT INTO t(a, b)``) with *rows* rows of *width* parameters."""
    row = "(" + ", ".join("?" * width) + ")"
    return f"{head} VALUES {', '.join([row] * rows)}"


def insert_rows(conn: sqlite3.Connection, head: str, columns: Sequence[list[Any]]) -> None:
    """Insert the rows whose columns are *columns* (lists of one length), in their order,
    :data:`ROWS_PER_STATEMENT` rows a statement.

    :param head: the statement up to its values: ``INSERT INTO t(a, b)``, one column a list.
    """
    width, count = len(columns), len(columns[0]) if columns else 0
    flat: list[Any] = [None] * (width * count)
    for place, column in enumerate(columns):
        flat[place::width] = column
    _insert_flat(conn, head, width, flat)


def insert_tuples(conn: sqlite3.Connection, head: str, width: int,
                  rows: Iterable[Sequence[Any]]) -> None:
    """:func:`insert_rows` of rows given as tuples of *width* values each.

    :raises ValueError: a row of another width (laid end to end, it would shift the values of
        every row after it).
    """
    rows = list(rows)
    if rows and set(map(len, rows)) != {width}:
        raise ValueError(f"rows of {width} values expected for {head}")
    _insert_flat(conn, head, width, list(itertools.chain.from_iterable(rows)))


def _insert_flat(conn: sqlite3.Connection, head: str, width: int, flat: list[Any]) -> None:
    """Insert the rows of *width* values each laid end to end in *flat*."""
    step = ROWS_PER_STATEMENT * width
    full = len(flat) - len(flat) % step
    if full:
        conn.executemany(_values_sql(head, width, ROWS_PER_STATEMENT),
                         (flat[start:start + step] for start in range(0, full, step)))
    if full < len(flat):
        conn.execute(_values_sql(head, width, (len(flat) - full) // width), flat[full:])


_DEDUPE_REVISITED = f"""
DELETE FROM xrefs WHERE id IN (
    SELECT x.id FROM temp.revisited r JOIN xrefs x ON {entry_range('x', 'r.entry')}
    WHERE EXISTS (SELECT 1 FROM xrefs y WHERE y.id BETWEEN r.entry << {ENTRY_SHIFT} AND x.id - 1
                  AND y.db = x.db AND y.value = x.value))"""
"""Drop repeated (entry, db, value) rows of entries whose rows came in more than one batch."""

_DROP_EARLY_NAMES = f"""
DELETE FROM xrefs WHERE id IN (
    SELECT x.id FROM temp.revisited r JOIN xrefs x
    ON x.id BETWEEN (r.entry << {ENTRY_SHIFT}) + {DERIVED}
    AND (r.entry << {ENTRY_SHIFT}) + {(1 << ENTRY_SHIFT) - 1} WHERE r.entry > ?)"""
"""Drop the gene names derived as a batch came (:func:`derived_names`) of entries whose rows
came again in a later batch (which may hold a Gene_Name): the finish derives them again. The
parameter: the entries copied from a base release (numbered first), whose derived names were
copied and stay, as before."""

_DROP_REPLACED_TERMS = """
DELETE FROM kb_terms WHERE rowid IN (
    SELECT t.rowid FROM temp.replaced r CROSS JOIN kb_terms t ON t.accession = r.accession
    WHERE t.rowid <= r.last)"""
"""Drop the words of documents that a later document of the same entry replaced: the rows of
each replaced entry stored before the last document's (rows are appended, so their rowids
grow in load order). ``CROSS JOIN`` keeps the replaced entries outside, each one probe of
the ``(accession, field)`` index: the planner, before ``ANALYZE``, scans the whole index."""


def derived_names(ids: np.ndarray, db: np.ndarray, codes: tuple[int, int, int]) -> np.ndarray:
    """The rows of a batch (places, in order) whose values are also their entry's Gene_Name
    (:func:`~idmapping.store.sql.derived_gene_name_sql`): the ordered-locus names, else the ORF
    names, of each entry without a Gene_Name row. Only entries whose rows all are in the batch
    as far as the batch can tell: not its last one (its rows may go on in the next batch), nor
    one with rows stored before (a revisit). The finish derives the others' names in SQL, and
    those of entries revisited later again (:data:`_DROP_EARLY_NAMES`).

    :param ids: the rows' ids (:data:`~idmapping.store.schema.ENTRY_SHIFT`), each entry's
        together; *db* their ID_type codes; *codes* those of Gene_Name, the ordered-locus names
        and the ORF names.
    """
    import numpy as np

    if not len(ids):
        return np.zeros(0, np.int64)
    gene, loci, orfs = codes
    entry = ids >> ENTRY_SHIFT
    starts = np.append(True, entry[1:] != entry[:-1])
    group = np.cumsum(starts) - 1

    def holding(code: int) -> np.ndarray:
        found = np.zeros(int(group[-1]) + 1, bool)
        found[group[db == code]] = True
        return found

    # an entry's first row here is its row 0: nothing of it was stored before
    open_ = ((ids[starts] & (DERIVED - 1)) == 0) & ~holding(gene)
    open_[-1] = False
    chosen = (db == loci) | ((db == orfs) & ~holding(loci)[group])
    named: np.ndarray = np.flatnonzero(chosen & open_[group])
    return named


_XREFS = "INSERT INTO xrefs(id, db, value, key)"


class SqliteReleaseWriter(ReleaseWriter):
    """Builds a release file with journaling off, then switches the main file to it."""

    @translated
    def __init__(self, store: SqliteStore, release_id: int, path: Path) -> None:
        super().__init__(release_id)
        self.store = store
        self.path = path
        if path.exists():  # never a file of the store's: their names are unique
            raise StoreDamaged(f"{path} exists already; move it away and load again.")
        self.conn = connect(path)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
                       "cache_size = -262144", "temp_store = FILE",
                       # sort the index builds (a third of a load) on every core
                       f"threads = {os.cpu_count() or 1}"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.executescript(SQLITE_RELEASE)
        self.conn.execute("BEGIN")
        for sql in ENTRY_STAGING:
            self.conn.execute(sql)
        self.conn.execute("CREATE TEMP TABLE revisited (entry INTEGER PRIMARY KEY)")
        self.revisited = False
        """Whether some entry's rows came in more than one batch (its rows may repeat): those
        entries are listed in ``temp.revisited``."""
        self.high = 0
        """The highest entry number with xrefs stored: a higher one has none yet."""
        self.conn.execute("CREATE TEMP TABLE replaced (accession TEXT PRIMARY KEY, "
                          "last INTEGER NOT NULL) WITHOUT ROWID")
        self.replaced = False
        """Whether some UniProtKB document replaced one stored before: its accession and the
        last ``kb_terms`` rowid of the words before it are in ``temp.replaced``
        (:data:`_DROP_REPLACED_TERMS`)."""
        self.numbers_indexed = False
        self.copied = 0
        """The entries copied from a base release (:meth:`copy_release`): numbered 1..n."""
        self.counts: dict[int, int] = {}
        """Xrefs rows stored per ID_type code, written into the release's ``meta``
        (``xref_counts``, what ``idmapping info`` shows: its ``GROUP BY db`` sorts every row,
        having no index by database) where they are exact: no row repeated across batches,
        none copied, none dropped by a subset."""

    def bound_memory(self, megabytes: int) -> None:
        self.conn.execute(f"PRAGMA cache_size = -{megabytes * 1024 // LOAD_CACHE_SHARE}")

    @translated
    def insert_xrefs(self, rows: list[tuple[int, int, str, str | None]]) -> None:
        import numpy as np

        # one row per (entry, db, value), the rows of an entry together
        unique = sorted({(r[0], r[1], r[2]): r for r in rows}.values(), key=lambda r: r[0])
        ids = self._row_ids(np.fromiter((r[0] for r in unique), np.int64, len(unique)))
        insert_tuples(self.conn, _XREFS, 4, ((i, db, value, key) for i, (_, db, value, key)
                                             in zip(ids.tolist(), unique, strict=True)))
        self._count(np.array([r[1] for r in unique], np.int64))

    @translated
    def insert_xref_batch(self, batch: XrefBatch) -> None:
        import numpy as np
        import pyarrow as pa

        ids, db, value, key = self._row_ids(batch.entry), batch.db, batch.value, batch.key
        if self.gene_codes and len(named := derived_names(ids, db, self.gene_codes)):
            # each entry's derived rows right after its own: appended in id order, the table's
            # pages stay full (inserted at the finish, they split most of its pages in two)
            entry = ids >> ENTRY_SHIFT
            ends = np.flatnonzero(np.append(entry[1:] != entry[:-1], True))
            last = ends[np.searchsorted(ends, named)]
            order = np.argsort(np.concatenate([np.arange(len(ids)) * 2, last * 2 + 1]),
                               kind="stable")
            ids = np.concatenate([ids, ids[named] + DERIVED])[order]
            db = np.concatenate([db, np.full(len(named), self.gene_codes[0], db.dtype)])[order]
            places, taken = pa.array(order), pa.array(named)
            value = pa.concat_arrays([value, value.take(taken)]).take(places)
            key = pa.concat_arrays([key, key.take(taken)]).take(places)
        self._count(db)
        for start in range(0, len(ids), self.batch_size):
            count = min(self.batch_size, len(ids) - start)
            insert_rows(self.conn, _XREFS, (
                ids[start:start + count].tolist(), db[start:start + count].tolist(),
                value.slice(start, count).to_pylist(), key.slice(start, count).to_pylist()))

    def _count(self, db: np.ndarray) -> None:
        import numpy as np

        for code, n in zip(*np.unique(db, return_counts=True), strict=True):
            self.counts[int(code)] = self.counts.get(int(code), 0) + int(n)

    def _row_ids(self, entries: np.ndarray) -> np.ndarray:
        """Ids of new rows of *entries* (grouped by entry): each entry's next row numbers.

        An entry that already has rows is noted, for :data:`_DEDUPE_REVISITED`.
        """
        import numpy as np

        n = len(entries)
        if n == 0:
            return entries
        starts = np.ones(n, bool)
        np.not_equal(entries[1:], entries[:-1], out=starts[1:])
        first = np.flatnonzero(starts)
        counts = np.diff(np.append(first, n))
        distinct = entries[first]
        before = np.zeros(len(distinct), np.int64)
        old = np.flatnonzero(distinct <= self.high)
        if len(old):  # entries seen before (in files grouped by entry: one a batch)
            stored = self._rows_stored(distinct[old].tolist())
            before[old] = stored
            again = distinct[old][stored > 0].tolist()
            if again:
                self.revisited = True
                self.conn.executemany("INSERT OR IGNORE INTO temp.revisited VALUES (?)",
                                      ((e,) for e in again))
        after = before + counts
        if int(after.max()) >= DERIVED:
            raise StoreError(f"An entry has more than {DERIVED - 1:,} ids: cannot store it")
        self.high = max(self.high, int(distinct.max()))
        rank = np.arange(n) - np.repeat(first, counts)
        ids: np.ndarray = (entries << ENTRY_SHIFT) + np.repeat(before, counts) + rank
        return ids

    def _rows_stored(self, entries: list[int]) -> np.ndarray:
        """How many xrefs rows each of *entries* has stored (the next row's number)."""
        import numpy as np

        found = dict(self.conn.execute(
            f"SELECT j.value, (SELECT max(x.id) - (j.value << {ENTRY_SHIFT}) + 1 FROM xrefs x "
            f"WHERE x.id BETWEEN j.value << {ENTRY_SHIFT} "
            f"AND (j.value << {ENTRY_SHIFT}) + {DERIVED - 1}) FROM json_each(?) j",
            (orjson.dumps(entries),)).fetchall())
        return np.array([found.get(e) or 0 for e in entries], np.int64)

    @translated
    def insert_isoform_xrefs(self, rows: list[tuple[int, int, str, str]]) -> None:
        insert_tuples(self.conn, "INSERT INTO isoform_xrefs", 4, rows)

    @translated
    def insert_entry_numbers(self, rows: list[tuple[int, str]]) -> None:
        if self.numbers_indexed:  # in accession order: the index's inserts walk it in order
            rows = sorted(rows, key=lambda row: row[1])
        insert_tuples(self.conn, "INSERT INTO temp.entry_numbers", 2, rows)

    @translated
    def find_entries(self, accessions: list[str]) -> dict[str, int]:
        if not self.numbers_indexed:
            self.conn.execute(FIND_ENTRIES_INDEX.replace(" INDEX ", " INDEX temp.", 1))
            self.numbers_indexed = True
        return dict(self.conn.execute(
            "SELECT accession, entry FROM temp.entry_numbers WHERE accession IN "
            "(SELECT value FROM json_each(?))", (orjson.dumps(accessions),)).fetchall())

    @translated
    def insert_entry_facts(self, rows: list[tuple[int, str | None, int | None, int | None]]
                           ) -> None:
        insert_tuples(self.conn, "INSERT INTO temp.entry_facts", 4, rows)

    @translated
    def insert_secondary(self, rows: list[tuple[str, str]]) -> None:
        self.conn.executemany("INSERT INTO secondary VALUES (?, ?)", rows)

    @translated
    def insert_documents(self, kind: str, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(DOCUMENT_COLUMNS[kind]))
        if kind == "uniprotkb":
            self._note_replaced([row[0] for row in rows])
        # a repeated entry (in two files) keeps its last document
        self.conn.executemany(f"INSERT OR REPLACE INTO {DOCUMENT_TABLES[kind]} VALUES ({marks})",
                              rows)

    def _note_replaced(self, accessions: list[str]) -> None:
        """Note the entries of *accessions* that have a document already (an earlier file's,
        or the base release's): the words stored so far of them are the earlier document's,
        dropped at :meth:`finish`. One probe of the primary key per document; the words of an
        entry repeated within one batch are dropped by the loader
        (:func:`idmapping.loader.entries.prepare_uniprotkb`)."""
        found = self.conn.execute(
            "SELECT accession FROM kb_entries WHERE accession IN (SELECT value FROM "
            "json_each(?))", (orjson.dumps(accessions).decode(),)).fetchall()
        if found:
            last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM kb_terms"
                                     ).fetchone()[0]
            self.conn.executemany("INSERT OR REPLACE INTO temp.replaced VALUES (?, ?)",
                                  [(accession, last) for accession, in found])
            self.replaced = True

    @translated
    def insert_terms(self, rows: list[tuple[str, str, str]]) -> None:
        self.conn.executemany("INSERT INTO kb_terms VALUES (?, ?, ?)", rows)

    @translated
    def insert_uniparc_xrefs(self, rows: list[tuple[str, str, str]]) -> None:
        self.conn.executemany("INSERT INTO uniparc_xrefs VALUES (?, ?, ?)", rows)

    @translated
    def insert_deleted(self, rows: list[tuple[str, str]]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO deleted VALUES (?, ?)", rows)

    @translated
    def insert_taxonomy(self, rows: list[tuple[int, int, str]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO taxonomy (taxon, parent, rank) VALUES (?, ?, ?)", rows)

    @translated
    def insert_taxon_names(self, rows: list[tuple[int, str]]) -> None:
        self.conn.executemany("INSERT INTO taxon_names VALUES (?, ?)", rows)

    @translated
    def insert_taxon_merged(self, rows: list[tuple[int, int]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO taxon_merged VALUES (?, ?)", rows)

    @translated
    def insert_taxon_deleted(self, rows: list[tuple[int]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO taxon_deleted VALUES (?)", rows)

    @translated
    def copy_release(self, base: Release, code_of: Callable[[str], int]
                     ) -> list[tuple[int, str, str | None, int | None, int | None]]:
        self.store._check_release_file(base)
        conn, mask = self.conn, (1 << ENTRY_SHIFT) - 1
        conn.execute("COMMIT")  # SQLite attaches outside a transaction only
        uri = (self.store.release_dir / base.file).resolve().as_uri() + "?mode=ro&immutable=1"
        conn.execute("ATTACH DATABASE ? AS base", (uri,))
        conn.execute("BEGIN")
        codes = [(old, code_of(name)) for old, name in conn.execute("SELECT code, name FROM "
                                                                    "base.dbs").fetchall()]
        conn.execute("CREATE TEMP TABLE code_map (old INTEGER PRIMARY KEY, new INTEGER)")
        conn.executemany("INSERT INTO temp.code_map VALUES (?, ?)", codes)
        conn.execute("CREATE TEMP TABLE entry_map (old INTEGER PRIMARY KEY, new INTEGER)")
        conn.execute("INSERT INTO temp.entry_map SELECT id, row_number() OVER (ORDER BY id) "
                     "FROM base.entries")
        # derived gene names (row ids past DERIVED) too: the new files add no row to them
        conn.execute(
            f"INSERT INTO xrefs(id, db, value, key) SELECT (m.new << {ENTRY_SHIFT}) | "
            f"(x.id & {mask}), c.new, x.value, x.key FROM base.xrefs x "
            f"JOIN temp.entry_map m ON m.old = x.id >> {ENTRY_SHIFT} "
            "JOIN temp.code_map c ON c.old = x.db ORDER BY x.id")
        conn.execute("INSERT INTO isoform_xrefs SELECT m.new, c.new, i.value, i.isoform "
                     "FROM base.isoform_xrefs i JOIN temp.entry_map m ON m.old = i.entry "
                     "JOIN temp.code_map c ON c.old = i.db")
        for table in ("secondary", "deleted", "uniparc_xrefs", "taxonomy"):
            conn.execute(f"INSERT INTO {table} SELECT * FROM base.{table}")
        for kind, table in DOCUMENT_TABLES.items():
            # a base loaded by an earlier version lacks the later columns: they stay empty
            held = {row[1] for row in conn.execute(f"PRAGMA base.table_info({table})")}
            columns = ", ".join(c for c, _ in DOCUMENT_COLUMNS[kind] if c in held)
            if columns:
                conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} "
                             f"FROM base.{table}")
        for table in ("taxon_merged", "taxon_deleted", "kb_terms"):  # not in releases loaded
            # before them
            if conn.execute("SELECT 1 FROM base.sqlite_master WHERE name = ?",
                            (table,)).fetchone():
                conn.execute(f"INSERT INTO {table} SELECT * FROM base.{table}")
        # the copied entries are numbered 1..n: a later row of one of them is a revisit
        self.copied = conn.execute("SELECT count(*) FROM temp.entry_map").fetchone()[0]
        self.high = max(self.high, self.copied)
        entries = conn.execute("SELECT m.new, e.accession, e.name, e.reviewed, e.taxon FROM "
                               "base.entries e JOIN temp.entry_map m ON m.old = e.id "
                               "ORDER BY m.new").fetchall()
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE base")
        conn.execute("BEGIN")
        return entries

    @translated
    def finish(self, name: str, subset: Subset, codes: dict[str, int], meta: dict[str, str]
               ) -> None:
        conn = self.conn
        conn.executemany("INSERT INTO dbs VALUES (?, ?)", [(c, n) for n, c in codes.items()])
        conn.executemany("INSERT INTO meta VALUES (?, ?)",
                         [("name", name), ("identity", self.identity), *meta.items()])
        for sql in ENTRIES_FROM_STAGING:
            conn.execute(sql)
        if self.revisited:
            conn.execute(_DEDUPE_REVISITED)
            conn.execute(_DROP_EARLY_NAMES, (self.copied,))
        # the names no batch derived (entries at a batch's end or revisited, rows given one by
        # one), found by a scan (no index by database): before the indexes, not updating them
        for sql in derived_gene_name_sql(codes, sqlite_same_entry, sqlite_entry_column,
                                         ("id", f"x.id + {DERIVED}")):
            gene = codes["Gene_Name"]
            self.counts[gene] = self.counts.get(gene, 0) + conn.execute(sql).rowcount
        if not (self.revisited or self.copied or subset_sql(subset)):
            names = {code: name for name, code in codes.items()}
            conn.execute("INSERT INTO meta VALUES ('xref_counts', ?)", (orjson.dumps(dict(sorted(
                (names[c], n) for c, n in self.counts.items() if n))).decode(),))
        for sql in (*subset_sql(subset), *TAXONOMY_FINISH):
            conn.execute(sql)
        spans = clade_spans(conn.execute("SELECT taxon, parent FROM taxonomy"),
                            conn.execute("SELECT old, new FROM taxon_merged").fetchall())
        for rows in spans.rows() if spans else ():
            conn.executemany("INSERT INTO taxon_spans VALUES (?, ?, ?)", rows)
        # SQLite's sorter sorts runs as large as the page cache, one per worker thread: runs of
        # 8 MB (which stay in the processor's cache) built the key index of 18M rows in 10 s,
        # runs of 256 MB in 18 s
        conn.execute(f"PRAGMA cache_size = -{INDEX_CACHE_KIB}")
        for sql in SQLITE_RELEASE_INDEXES:
            conn.execute(sql)
        if self.replaced:  # after the index of kb_terms, which finds the entries' words
            conn.execute(_DROP_REPLACED_TERMS)
        conn.execute("COMMIT")
        conn.execute("PRAGMA analysis_limit = 1000")  # statistics from a sample, not a scan
        conn.execute("ANALYZE")
        # none of xrefs: with them, SQLite 3.40 may check a probe of the key index against a
        # Bloom filter of the table, which it fills wrongly for an index on an expression
        # (KEY_INDEX; no row found where the inputs outnumber the xrefs); xrefs has one index
        conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'xrefs'")
        conn.close()

    @translated
    def switch(self, name: str, stats: dict[str, Any], current: bool = True) -> Release:
        with self.store._write() as conn:
            # the file too: another load may have this id now (SQLite re-uses a deleted id)
            state = conn.execute("SELECT state, file FROM releases WHERE id = ?",
                                 (self.release_id,)).fetchone()
            if state is None or tuple(state) != ("loading", self.path.name):
                raise removed_while_loading(self.release_id)
            stats = {**stats, "identity": self.identity, "file_bytes": self.path.stat().st_size}
            if current or conn.execute(
                    "SELECT 1 FROM releases WHERE current = 1").fetchone() is None:
                conn.execute("UPDATE releases SET current = 0 WHERE current = 1")
                current = True
            conn.execute("UPDATE releases SET name = ?, state = 'ready', current = ?, "
                         "stats = ? WHERE id = ?",
                         (name, int(current), orjson.dumps(stats).decode(), self.release_id))
        return ready_release(self.store.releases(), self.release_id)

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        # The partial file goes first: on a full disk it is what frees the space, and the
        # record below may not be writable until then. A record left 'loading' is removed by
        # the next load.
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.path) + suffix).unlink()
        with contextlib.suppress(sqlite3.Error, StoreError):
            self.store.remove_release(self.release_id, self.path.name)
