"""How the PostgreSQL store writes a release: a schema of its own, in one transaction.

See :mod:`idmapping.store.postgres` for the three steps of a load; this module is the first
two (the transaction that COPYs, derives, sorts and indexes, then ``VACUUM``) and the switch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from idmapping.errors import StoreError
from idmapping.model import Release
from idmapping.store.base import ReleaseWriter
from idmapping.store.plans import Subset, XrefBatch
from idmapping.store.postgres_driver import dumps, refused
from idmapping.store.postgres_xrefs import (
    BINARY_HEADER,
    BINARY_TRAILER,
    OrderedXrefs,
    XrefRows,
    binary_copy,
)
from idmapping.store.schema import (
    DOCUMENT_COLUMNS,
    DOCUMENT_TABLES,
    POSTGRES_FINAL,
    POSTGRES_INDEXES,
    POSTGRES_MAIN,
    POSTGRES_RELEASE_PREFIX,
    POSTGRES_STAGING,
    POSTGRES_XREFS_MERGE,
    TAXONOMY_TABLES,
    origin_sql,
)
from idmapping.store.shared import ready_release, removed_while_loading
from idmapping.store.sql import (
    ENTRIES_FROM_STAGING,
    ENTRY_STAGING,
    FIND_ENTRIES_INDEX,
    postgres_derived_gene_name_sql,
    subset_sql,
)
from idmapping.store.sql_taxonomy import (
    TAXONOMY_FINISH,
)
from idmapping.store.taxonspans import clade_spans

if TYPE_CHECKING:
    from idmapping.store.postgres import PostgresStore

__all__ = ["PostgresReleaseWriter"]

log = logging.getLogger(__name__)

_LOAD_SETTINGS = (
    # The load commits before the switch, and the switch commits synchronously after it, so
    # the load's own commit need not wait for the disk.
    "SET synchronous_commit = off",
    "SET work_mem = '256MB'",
    "SET maintenance_work_mem = '1GB'",
)

_DOCUMENT_TYPES = {"text": "text", "int": "int8", "bytes": "bytea"}


class PostgresReleaseWriter(ReleaseWriter):
    """Builds a release in schema ``idmapping_r<id>`` in one transaction, then switches to it."""

    batch_size = 100_000

    def __init__(self, store: PostgresStore, release_id: int) -> None:
        super().__init__(release_id)
        self.store = store
        self.schema_name = f"{POSTGRES_RELEASE_PREFIX}{int(release_id)}"
        self.schema = sql.Identifier(self.schema_name)
        self.conn = store._connect(autocommit=False)
        try:
            for setting in _LOAD_SETTINGS:
                self.conn.execute(setting)
            self.conn.execute(sql.SQL("CREATE SCHEMA {}").format(self.schema))
            # the statements of store/sql.py name the tables without a schema
            self.conn.execute(sql.SQL("SET search_path TO {}").format(self.schema))
            for statement in (*POSTGRES_STAGING, *ENTRY_STAGING):
                self.conn.execute(statement)
            self.origin = 0
            """The origin of the UniProtKB documents written last
            (:func:`~idmapping.store.schema.origin_sql`): 0, the base release's, until the
            first batch of the files'."""
            self.numbers_indexed = False
            self.ordered = OrderedXrefs()
            """Which xrefs go straight into the final table (:mod:`.postgres_xrefs`)."""
            self.xrefs_staged = False
            """Whether rows went into xrefs_load: then the end merges the two tables."""
        except BaseException:
            self.abort()
            raise

    def bound_memory(self, megabytes: int) -> None:
        # the server's memory for the load's sorts and index builds, at most the defaults
        with refused(self.store.url):
            self.conn.execute(f"SET work_mem = '{min(256, max(64, megabytes // 8))}MB'")
            self.conn.execute(
                f"SET maintenance_work_mem = '{min(1024, max(64, megabytes // 2))}MB'")

    def _copy(self, target: str, types: list[str], rows: Iterable[Sequence[Any]]) -> None:
        # Binary COPY with declared types: the fastest of write_row (text or binary) and
        # hand-built text chunks when measured (1M rows: 0.57 s against 0.63-0.84 s).
        with refused(self.store.url), self.conn.cursor() as cur, cur.copy(
                f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _store_clade_spans(self) -> None:
        """The taxonomy's clade spans (:mod:`idmapping.store.taxonspans`), its taxa read and
        the spans written by binary COPY a batch at a time: no result of 2.7 million rows held
        by the driver, no Python object per span."""
        merged = self.conn.execute("SELECT old, new FROM taxon_merged").fetchall()
        with self.conn.cursor() as cur:
            with cur.copy("COPY (SELECT taxon, parent FROM taxonomy) TO STDOUT "
                          "(FORMAT BINARY)") as copy:
                copy.set_types(["int4", "int4"])
                spans = clade_spans(copy.rows(), merged)
            if not spans:
                return
            with cur.copy("COPY taxon_spans (taxon, low, high) FROM STDIN (FORMAT BINARY)"
                          ) as copy:
                copy.write(BINARY_HEADER)
                for columns in spans.batches():
                    copy.write(binary_copy(*columns))
                copy.write(BINARY_TRAILER)

    def _copy_xrefs(self, rows: XrefRows | None, final: bool) -> None:
        """Binary COPY of *rows* into the final xrefs table (frozen: it was created by this
        transaction, which no one else sees) or into the staging one."""
        if rows is None or not len(rows):
            return
        self.xrefs_staged |= not final
        target = "xrefs (entry, db, value, key) FROM STDIN (FORMAT BINARY, FREEZE)" if final \
            else "xrefs_load (entry, db, value, key) FROM STDIN (FORMAT BINARY)"
        with refused(self.store.url), self.conn.cursor() as cur, cur.copy(
                f"COPY {target}") as copy:
            copy.write(BINARY_HEADER)
            copy.write(memoryview(rows.copy_data()))
            copy.write(BINARY_TRAILER)

    def insert_xref_batch(self, batch: XrefBatch) -> None:
        final, staged = self.ordered.add(batch)
        self._copy_xrefs(final, True)
        self._copy_xrefs(staged, False)

    def _unordered(self) -> None:
        """Rows come that may be out of order: from now on every xref is staged."""
        if self.ordered.ordered:
            self._copy_xrefs(self.ordered.unordered(), False)

    def insert_xrefs(self, rows: list[tuple[int, int, str, str | None]]) -> None:
        self._unordered()
        self.xrefs_staged = True
        self._copy("xrefs_load (entry, db, value, key)", ["int4", "int4", "text", "text"], rows)

    def insert_isoform_xrefs(self, rows: list[tuple[int, int, str, str]]) -> None:
        self._copy("isoform_xrefs (entry, db, value, isoform)", ["int4", "int4", "text", "text"],
                   rows)

    def insert_entry_numbers(self, rows: list[tuple[int, str]]) -> None:
        self._copy("entry_numbers (entry, accession)", ["int4", "text"], rows)

    def find_entries(self, accessions: list[str]) -> dict[str, int]:
        with refused(self.store.url):
            if not self.numbers_indexed:
                self.conn.execute(FIND_ENTRIES_INDEX)
                self.conn.execute("ANALYZE entry_numbers")
                self.numbers_indexed = True
            rows = self.conn.execute("SELECT accession, entry FROM entry_numbers "
                                     "WHERE accession = ANY(%s)", (accessions,)).fetchall()
        return {str(a): int(e) for a, e in rows}

    def insert_entry_facts(self, rows: list[tuple[int, str | None, int | None, int | None]]
                           ) -> None:
        self._copy("entry_facts (entry, name, reviewed, taxon)",
                   ["int4", "text", "int4", "int4"], rows)

    def insert_secondary(self, rows: list[tuple[str, str]]) -> None:
        self._copy("secondary (accession, primary_acc)", ["text", "text"], rows)

    def insert_documents(self, kind: str, rows: list[tuple[Any, ...]]) -> None:
        columns = DOCUMENT_COLUMNS[kind]
        if kind == "uniprotkb":
            # these documents and the words written after them come after those before
            self.origin += 1
            with refused(self.store.url):
                for statement in origin_sql(self.origin):
                    self.conn.execute(statement)
        self._copy(f"{DOCUMENT_TABLES[kind]} ({', '.join(c for c, _ in columns)})",
                   [_DOCUMENT_TYPES[k] for _, k in columns], rows)

    def insert_terms(self, rows: list[tuple[str, str, str]]) -> None:
        self._copy("kb_terms (accession, field, terms)", ["text", "text", "text"], rows)

    def insert_uniparc_xrefs(self, rows: list[tuple[str, str, str]]) -> None:
        self._copy("uniparc_xrefs (db, key, upi)", ["text", "text", "text"], rows)

    def insert_deleted(self, rows: list[tuple[str, str]]) -> None:
        self._copy("deleted_load (accession, source)", ["text", "text"], rows)

    def insert_taxonomy(self, rows: list[tuple[int, int, str]]) -> None:
        self._copy("taxonomy (taxon, parent, rank)", ["int4", "int4", "text"], rows)

    def insert_taxon_names(self, rows: list[tuple[int, str]]) -> None:
        self._copy("taxon_names (taxon, name)", ["int4", "text"], rows)

    def insert_taxon_merged(self, rows: list[tuple[int, int]]) -> None:
        self._copy("taxon_merged (old, new)", ["int4", "int4"], rows)

    def insert_taxon_deleted(self, rows: list[tuple[int]]) -> None:
        self._copy("taxon_deleted (taxon)", ["int4"], rows)

    def copy_release(self, base: Release, code_of: Callable[[str], int]
                     ) -> list[tuple[int, str, str | None, int | None, int | None]]:
        run, old = self.conn.execute, sql.Identifier(f"{POSTGRES_RELEASE_PREFIX}{int(base.id)}")
        self._unordered()
        self.xrefs_staged = True
        with refused(self.store.url):
            codes = [(c, code_of(n)) for c, n in run(
                sql.SQL("SELECT code, name FROM {}.dbs").format(old)).fetchall()]
            run("CREATE TEMP TABLE code_map (old integer PRIMARY KEY, new integer) "
                "ON COMMIT DROP")
            self._copy("pg_temp.code_map (old, new)", ["int4", "int4"], codes)
            run(sql.SQL("CREATE TEMP TABLE entry_map ON COMMIT DROP AS SELECT id AS old, "
                        "row_number() OVER (ORDER BY id)::integer AS new FROM {}.entries"
                        ).format(old))
            run("CREATE UNIQUE INDEX ON pg_temp.entry_map (old)")
            for statement in (
                    "INSERT INTO xrefs_load (entry, db, value, key) SELECT m.new, c.new, "
                    "x.value, x.key FROM {o}.xrefs x JOIN pg_temp.entry_map m ON m.old = x.entry "
                    "JOIN pg_temp.code_map c ON c.old = x.db",
                    "INSERT INTO isoform_xrefs (entry, db, value, isoform) SELECT m.new, "
                    "c.new, i.value, i.isoform FROM {o}.isoform_xrefs i JOIN pg_temp.entry_map "
                    "m ON m.old = i.entry JOIN pg_temp.code_map c ON c.old = i.db",
                    "INSERT INTO deleted_load (accession, source) SELECT accession, source "
                    "FROM {o}.deleted",
                    *(f"INSERT INTO {t} SELECT * FROM {{o}}.{t}" for t in (
                        "secondary", "uniparc_xrefs", "taxonomy"))):
                run(sql.SQL(statement).format(o=old))
            for kind, table in DOCUMENT_TABLES.items():
                # a base loaded by an earlier version lacks the later columns: they stay empty
                held = {r[0] for r in run(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = %s AND table_name = %s",
                    (f"{POSTGRES_RELEASE_PREFIX}{int(base.id)}", table))}
                columns = sql.SQL(", ").join(sql.Identifier(c) for c, _ in DOCUMENT_COLUMNS[kind]
                                             if c in held)
                if held:
                    run(sql.SQL("INSERT INTO {t} ({c}) SELECT {c} FROM {o}.{t}").format(
                        t=sql.Identifier(table), c=columns, o=old))
            for table in ("taxon_merged", "taxon_deleted", "kb_terms"):  # not in releases
                # loaded before them
                if run("SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                       (f"{POSTGRES_RELEASE_PREFIX}{int(base.id)}", table)).fetchone():
                    run(sql.SQL(f"INSERT INTO {table} SELECT * FROM {{o}}.{table}").format(
                        o=old))
            return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in run(sql.SQL(
                "SELECT m.new, e.accession, e.name, e.reviewed, e.taxon FROM {}.entries e "
                "JOIN pg_temp.entry_map m ON m.old = e.id ORDER BY m.new").format(old))]

    def finish(self, name: str, subset: Subset, codes: dict[str, int], meta: dict[str, str]
               ) -> None:
        self._copy("dbs (code, name)", ["int4", "text"], [(c, n) for n, c in codes.items()])
        self._copy("meta (key, value)", ["text", "text"],
                   [("name", name), ("identity", self.identity), *meta.items()])
        run = self.conn.execute
        self._copy_xrefs(self.ordered.flush(), self.ordered.ordered)
        with refused(self.store.url):
            for statement in (POSTGRES_XREFS_MERGE if self.xrefs_staged
                              else ["DROP TABLE xrefs_load"]):
                run(statement)
            for statement in ENTRIES_FROM_STAGING:
                run(statement)
            # statistics first, so the statements below are planned for the real row counts
            run("ANALYZE xrefs")
            run("ANALYZE entries")
            for statement in [postgres_derived_gene_name_sql(codes), *subset_sql(subset),
                              *TAXONOMY_FINISH]:
                run(statement)
            self._store_clade_spans()
            for statement in [*POSTGRES_FINAL, *POSTGRES_INDEXES]:
                run(statement)
            self.conn.commit()
            self.conn.autocommit = True  # VACUUM refuses to run inside a transaction
            run(sql.SQL("VACUUM (FREEZE, ANALYZE) {tables}").format(tables=sql.SQL(", ").join(
                sql.Identifier(self.schema_name, t)
                for t in ("xrefs", "isoform_xrefs", "entries", "secondary", "deleted", "dbs",
                          "meta", "uniparc_xrefs", "kb_terms", *TAXONOMY_TABLES,
                          *DOCUMENT_TABLES.values()))))
        self.store._forget(self.conn)

    def switch(self, name: str, stats: dict[str, Any], current: bool = True) -> Release:
        stats = {**stats, "identity": self.identity}
        with self.store._write() as conn:
            # one switch at a time; readers are not blocked
            conn.execute(f"LOCK TABLE {POSTGRES_MAIN}.releases IN SHARE ROW EXCLUSIVE MODE")
            ready = conn.execute(
                f"UPDATE {POSTGRES_MAIN}.releases SET name = %s, state = 'ready', stats = %s "
                "WHERE id = %s AND state = 'loading'",
                (name, Jsonb(stats, dumps=dumps), self.release_id))
            if ready.rowcount != 1:
                raise removed_while_loading(self.release_id)
            if not current:
                current = conn.execute(f"SELECT 1 FROM {POSTGRES_MAIN}.releases WHERE current"
                                       ).fetchone() is None
            if current:
                conn.execute(f"UPDATE {POSTGRES_MAIN}.releases SET current = false WHERE current")
                conn.execute(f"UPDATE {POSTGRES_MAIN}.releases SET current = true WHERE id = %s",
                             (self.release_id,))
        return ready_release(self.store.releases(), self.release_id)

    def abort(self) -> None:
        # Closing the session makes the server roll the load back; what a committed load
        # left (a kill during VACUUM) goes with the schema.
        self.store._forget(self.conn)
        try:
            self.store.remove_release(self.release_id)
        except (StoreError, psycopg.Error) as exc:
            # keep the error that stopped the load; the next load cleans up instead
            log.warning("could not remove unfinished release %s: %s", self.release_id, exc)
