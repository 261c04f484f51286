"""The scale-out store: PostgreSQL through psycopg 3, one schema per release.

Schema ``idmapping`` holds the list of releases and the jobs. Each release lives in a schema of
its own, ``idmapping_r<id>``, with the release tables of :mod:`idmapping.store.schema`. Readers
look up the current release on every call and read its schema, so a load never disturbs them.

A load runs in three steps on a connection of its own:

1. One transaction creates the schema, COPYs the rows into UNLOGGED staging tables (no WAL while
   rows pour in), derives gene names, applies the subset, writes the final tables de-duplicated
   and sorted, makes every table LOGGED and builds the indexes. A kill anywhere here leaves
   nothing behind: the server rolls the transaction back.
2. ``VACUUM (FREEZE, ANALYZE)`` (which cannot run inside a transaction) sets the visibility map,
   so lookups are index-only scans, and gathers statistics. A kill here leaves a schema whose
   release is still ``loading``; the next :meth:`PostgresStore.begin_release` drops it.
3. One small transaction marks the release current.

The tables are made LOGGED before the switch because an UNLOGGED table is emptied after a server
crash: the current release would be lost, and it would not reach a streaming replica either.

Connections: a bounded pool for reads (:class:`~idmapping.store.pool.Pool`, at most the
``reader_connections`` setting; autocommit; a lookup runs in a transaction of its own with a
server-side cursor, and keeps its connection until its rows are read), a pool as large for
writing job results (a result stream may last as long as its lookup, so it must not hold the
shared lock), and one shared, lock-guarded connection for the other writes: at most
2 × ``reader_connections`` + 1 per process, however many threads the web server runs (a load's
DROP SCHEMA opens one more while it runs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb, set_json_loads

from idmapping.catalogue import Catalogue
from idmapping.errors import InvalidRequest, NoRelease, NotFound, StoreDamaged, StoreError
from idmapping.model import Release
from idmapping.store.plans import (
    AccessionMisses,
    AccessionPlan,
    FacetQuery,
    FilterQuery,
    HoldingRow,
    HoldingsPlan,
    LookupPlan,
)
from idmapping.store.pool import DEFAULT_READERS, Pool
from idmapping.store.postgres_cursors import LookupCursors, probes_keys
from idmapping.store.postgres_driver import (
    Connection,
    adapt,
    dumps,
    first_line,
    release_schema,
    shown_url,
    translated,
    translating,
)
from idmapping.store.postgres_probes import probe_accessions
from idmapping.store.postgres_results import compress_with_lz4, delete_results, write_results
from idmapping.store.postgres_writer import PostgresReleaseWriter
from idmapping.store.schema import (
    DOCUMENT_COLUMNS,
    DOCUMENT_TABLES,
    RELEASE_PARTS,
)
from idmapping.store.schema import POSTGRES_MAIN as MAIN
from idmapping.store.schema import POSTGRES_MAIN_TABLES as MAIN_SCHEMA
from idmapping.store.schema import POSTGRES_RELEASE_PREFIX as RELEASE_PREFIX
from idmapping.store.shared import (
    RELEASE_COLUMNS,
    FactRow,
    SqlStore,
    grouped,
    jobs_updated_before,
    ready_release,
    release_from_row,
)
from idmapping.store.sql import (
    lookup_sql,
    xref_key,
)
from idmapping.store.sql_probes import (
    holdings_params,
    holdings_sql,
    odd_accessions_sql,
    postgres_json_rows,
    postgres_plain_accession,
)
from idmapping.store.sql_results import (
    OLD_FACETS,
    SAMPLE_SCAN,
    facet_sql,
    filter_params,
    filter_sql,
    missing_column,
    missing_table,
    postgres_split_tokens,
    result_rows_sql,
    sample_sql,
)

__all__ = ["PostgresStore", "PostgresReleaseWriter", "shown_url"]

# Any constant will do: it only serialises the creation of the main tables between processes.
_SCHEMA_LOCK = 0x1D_3A_99_01

_RELEASE_COLUMNS = f"{RELEASE_COLUMNS}, '{RELEASE_PREFIX}' || id"


class PostgresStore(LookupCursors, SqlStore):
    """Releases and jobs in one PostgreSQL database.

    :param url: a libpq URL, ``postgresql://user:password@host:port/dbname``.
    :param readers: the most reader connections open at once (threads beyond wait), and as
        many for writing job results.
    """

    main = f"{MAIN}."
    result_blocks = True

    def __init__(self, url: str, catalogue: Catalogue | None = None,
                 readers: int = DEFAULT_READERS) -> None:
        super().__init__(catalogue)
        self._conninfo = url
        self.url = shown_url(url)
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._readers: Pool[Connection] = Pool(readers, self._connect, self._forget,
                                               _returned, _usable)
        self._results: Pool[Connection] = Pool(readers, self._connect, self._forget,
                                               _returned, _usable)
        self._connections: list[Connection] = []
        self._codes: dict[int, dict[str, int]] = {}
        self._parts: dict[int, frozenset[str]] = {}
        self._doc_counts: dict[int, dict[str, int]] = {}
        # whether a release holds accessions not written as UniProt's (accession_misses)
        self._odd_accessions: dict[int, bool] = {}
        # per reader: whether its input table exists, and which lookup owns its transaction
        self._with_input: weakref.WeakSet[Connection] = weakref.WeakSet()
        self._lookups: weakref.WeakKeyDictionary[Connection, object] = \
            weakref.WeakKeyDictionary()
        self._writer = self._connect()
        try:
            with self._write() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in MAIN_SCHEMA:
                    conn.execute(statement)
                compress_with_lz4(conn)
        except psycopg.Error as exc:
            self.close()
            raise StoreError(f"Cannot create the store's tables in PostgreSQL at {self.url}: "
                             f"{first_line(exc)}") from exc

    def close(self) -> None:
        self._readers.close()
        self._results.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    # -- connections ------------------------------------------------------------------------

    def _connect(self, autocommit: bool = True) -> Connection:
        """A new connection, remembered so that :meth:`close` closes it."""
        try:
            params = conninfo_to_dict(self._conninfo)
            params.setdefault("connect_timeout", 10)
            params.setdefault("application_name", "idmapping")
            conn = psycopg.connect(make_conninfo("", **params), autocommit=autocommit)
        except psycopg.Error as exc:
            raise StoreError(f"Cannot connect to PostgreSQL at {self.url}: "
                             f"{first_line(exc)}") from exc
        set_json_loads(orjson.loads, conn)
        with self._lock:
            self._connections.append(conn)
        return conn

    def _forget(self, conn: Connection) -> None:
        conn.close()
        with self._lock, contextlib.suppress(ValueError):
            self._connections.remove(conn)

    def reads_now(self) -> bool:
        return self._readers.idle > 0 or self._readers.holds()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock:
            if self._writer.closed or self._writer.broken:
                self._writer = self._connect()
            with self._writer.transaction():
                yield self._writer

    def _current(self, conn: Connection) -> Release:
        """The current release (a view's pinned one), whose schema reads go to."""
        if self.pin is not None:
            return self.pin
        row = conn.execute(
            f"SELECT {_RELEASE_COLUMNS} FROM {MAIN}.releases WHERE current").fetchone()
        if row is None:
            raise NoRelease("No release is loaded: run 'idmapping load FILE...' first")
        return release_from_row(row)

    def _codes_of(self, conn: Connection, release: Release) -> dict[str, int]:
        """The ID_type codes of *release*; a release never changes, so they are kept."""
        codes = self._codes.get(release.id)
        if codes is None:
            query = sql.SQL("SELECT name, code FROM {}.dbs").format(release_schema(release.id))
            codes = self._codes[release.id] = dict(conn.execute(query).fetchall())
        return codes

    def _parts_of(self, conn: Connection, release: Release) -> frozenset[str]:
        """The tables and indexes of :data:`RELEASE_PARTS` that *release* has, taxon_spans
        only where it holds spans (a taxonomy with a loop has none); kept."""
        if (found := self._parts.get(release.id)) is None:
            schema, wanted = f"{RELEASE_PREFIX}{release.id}", list(RELEASE_PARTS)
            parts = {name for name, in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s) "
                "UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = %s "
                "AND indexname = ANY(%s)", (schema, wanted, schema, wanted)).fetchall()}
            spans = sql.SQL("SELECT 1 FROM {}.taxon_spans").format(release_schema(release.id))
            if "taxon_spans" in parts and not conn.execute(spans).fetchone():
                parts.discard("taxon_spans")
            found = self._parts[release.id] = frozenset(parts)
        return found

    @translated
    def _release_parts(self) -> frozenset[str]:
        with self._readers.lease() as conn:
            return self._parts_of(conn, self._current(conn))

    # -- releases ---------------------------------------------------------------------------

    @translated
    def releases(self) -> list[Release]:
        rows = self._query(f"SELECT {_RELEASE_COLUMNS} FROM {MAIN}.releases ORDER BY id")
        return [release_from_row(r) for r in rows]

    @translated
    def verify(self) -> None:
        for release in self.releases():
            if release.state == "ready":
                self._check_release_schema(release)

    def _check_release_schema(self, release: Release) -> None:
        """Check that *release*'s schema is there and holds the data that was loaded."""
        with self._readers.lease() as conn:
            schema = f"{RELEASE_PREFIX}{release.id}"
            advice = "Nothing was changed. Load the release again ('idmapping load FILE...')."
            exists = conn.execute("SELECT to_regclass(%s)", (f"{schema}.meta",)).fetchone()
            if exists is None or exists[0] is None:
                raise StoreDamaged(f"The schema of release {release.name}, {schema}, is missing "
                                   f"or incomplete. {advice}")
            found = dict(conn.execute(
                sql.SQL("SELECT key, value FROM {}.meta").format(sql.Identifier(schema))))
            identity = release.stats.get("identity")
            if identity is not None and found.get("identity") != identity:
                raise StoreDamaged(f"The schema of release {release.name}, {schema}, is not the "
                                   f"data that was loaded. {advice}")

    @translated
    def set_current(self, release_id: int) -> Release:
        release = ready_release(self.releases(), release_id)
        self._check_release_schema(release)
        with self._write() as conn:
            conn.execute(f"LOCK TABLE {MAIN}.releases IN SHARE ROW EXCLUSIVE MODE")
            still = conn.execute(f"SELECT state FROM {MAIN}.releases WHERE id = %s",
                                 (release_id,)).fetchone()
            if still is None or still[0] != "ready":
                raise NotFound(f"Release {release.name} was removed meanwhile")
            conn.execute(f"UPDATE {MAIN}.releases SET current = false WHERE current")
            conn.execute(f"UPDATE {MAIN}.releases SET current = true WHERE id = %s",
                         (release_id,))
        return ready_release(self.releases(), release_id)

    @translated
    def begin_release(self) -> PostgresReleaseWriter:
        self._remove_unfinished()
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            row = conn.execute(
                f"INSERT INTO {MAIN}.releases (name, state, created) VALUES ('', 'loading', %s) "
                "RETURNING id", (created,)).fetchone()
        assert row is not None
        return PostgresReleaseWriter(self, int(row[0]))

    def _remove_unfinished(self) -> None:
        """Remove what loads that stopped half-way left behind, and schemas of no release."""
        super()._remove_unfinished()
        known = {f"{RELEASE_PREFIX}{r.id}" for r in self.releases()}
        rows = self._query("SELECT nspname FROM pg_namespace WHERE nspname ~ ?",
                           (f"^{RELEASE_PREFIX}[0-9]+$",))
        for (name,) in rows:
            if name not in known:
                self._droprelease_schema(sql.Identifier(name))

    @translated
    def remove_release(self, release_id: int) -> None:
        with self._write() as conn:
            row = conn.execute(f"SELECT current FROM {MAIN}.releases WHERE id = %s FOR UPDATE",
                               (release_id,)).fetchone()
            if row is None:
                return
            if row[0]:
                raise StoreError("The current release cannot be removed")
            conn.execute(f"DELETE FROM {MAIN}.releases WHERE id = %s", (release_id,))
        self._droprelease_schema(release_schema(release_id))

    def _droprelease_schema(self, schema: sql.Identifier) -> None:
        # On a connection of its own: the drop waits for readers still on that release, and
        # must not hold the shared write lock while it does.
        conn = self._connect()
        try:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))
        finally:
            self._forget(conn)

    @translated
    def release_counts(self, release: Release) -> dict[str, int]:
        with self._readers.lease() as conn:
            schema = release_schema(release.id)
            counts: dict[str, int] = dict(conn.execute(sql.SQL(
                "SELECT d.name, c.n FROM (SELECT db, count(*) AS n FROM {s}.xrefs GROUP BY db) c "
                "JOIN {s}.dbs d ON d.code = c.db ORDER BY d.name").format(s=schema)).fetchall())
            for table in ("entries", "secondary", "deleted", *DOCUMENT_TABLES.values()):
                row = conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
                    schema, sql.Identifier(table))).fetchone()
                counts[f"({table})"] = int(row[0]) if row else 0
            return counts

    @translated
    def size_bytes(self) -> dict[str, int]:
        sizes = {"jobs": self._schema_size(MAIN)}
        for release in self.releases():
            sizes[f"release {release.name}"] = self.release_bytes(release)
        return sizes

    def release_bytes(self, release: Release) -> int:
        return self._schema_size(f"{RELEASE_PREFIX}{release.id}")

    def _schema_size(self, schema: str) -> int:
        rows = self._query(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ? AND c.relkind = 'r'", (schema,))
        return int(rows[0][0]) if rows else 0

    # -- mapping ----------------------------------------------------------------------------

    @translated
    def lookup(self, plan: LookupPlan, release: Release | None = None
               ) -> tuple[str, Iterator[tuple[int, str, int]]]:
        with self._readers.lease() as conn:
            release = release or self._current(conn)
            query, params = lookup_sql(plan, self._codes_of(conn, release),
                                       taxonomy=bool(release.stats.get("taxa")),
                                       tables=self._parts_of(conn, release),
                                       by_entry=probes_keys(plan, release))
        # Like SQLite's, the query runs when the rows are first asked for: a lookup that is
        # never read leaves no transaction open, and holds no connection.
        return release.name, self._translated_rows(
            self._stream(release, plan, adapt(query), params))

    @translated
    def accession_misses(self, plan: AccessionPlan) -> AccessionMisses:
        with self._readers.lease() as conn:
            release = self._current(conn)
            with conn.transaction():
                conn.execute("SELECT set_config('search_path', %s, true)",
                             (f"{RELEASE_PREFIX}{release.id}",))
                odd = self._odd_accessions.get(release.id)
                if odd is None:
                    row = conn.execute(adapt(odd_accessions_sql(
                        postgres_plain_accession("e.accession")))).fetchone()
                    odd = self._odd_accessions[release.id] = bool(row and row[0])
                return probe_accessions(conn, plan, release, odd,
                                        self._parts_of(conn, release))

    @translated
    def holdings(self, plan: HoldingsPlan) -> tuple[str, list[HoldingRow]]:
        with self._readers.lease() as conn:
            release = self._current(conn)
            query = holdings_sql(plan, self._codes_of(conn, release), postgres_json_rows,
                                 parts=self._parts_of(conn, release))
            with conn.transaction():  # the inputs are parameters: no input table to fill
                conn.execute("SELECT set_config('search_path', %s, true), "
                             "set_config('work_mem', '64MB', true)",  # a lookup's room to sort
                             (f"{RELEASE_PREFIX}{release.id}",))
                rows = conn.execute(query, holdings_params(plan)).fetchall()
            return release.name, rows

    def _translated_rows(self, rows: Iterator[tuple[int, str, int]]
                         ) -> Iterator[tuple[int, str, int]]:
        with translating(self.url):  # read after lookup() has returned
            yield from rows

    def _stream(self, release: Release, plan: LookupPlan, query: str,
                params: list[Any]) -> Iterator[Any]:
        with self._readers.lease() as conn:  # until the rows are read, closed or dropped
            yield from self._stream_on(conn, release, plan, query, params)

    @translated
    def _release_rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._readers.lease() as conn:
            rel = f"{RELEASE_PREFIX}{self._current(conn).id}."
            return conn.execute(adapt(query.replace("{rel}", rel)), params).fetchall()

    @translated
    def _entry_fact_rows(self, accessions: list[str]
                         ) -> tuple[list[FactRow], list[tuple[str, str]]]:
        with self._readers.lease() as conn:
            schema = release_schema(self._current(conn).id)
            rows = conn.execute(sql.SQL(
                "SELECT e.accession, e.name, e.reviewed, e.taxon, d.name, x.value "
                "FROM {s}.entries e LEFT JOIN {s}.xrefs x ON x.entry = e.id "
                "LEFT JOIN {s}.dbs d ON d.code = x.db "
                "WHERE e.accession = ANY(%s) ORDER BY e.id, x.db, x.value").format(s=schema),
                (accessions,)).fetchall()
            deleted = conn.execute(sql.SQL(
                "SELECT accession, source FROM {}.deleted WHERE accession = ANY(%s)"
            ).format(schema), (accessions,)).fetchall()
            return rows, deleted

    @translated
    def sample_accessions(self, limit: int) -> list[str]:
        with self._readers.lease() as conn:
            rel = f"{RELEASE_PREFIX}{self._current(conn).id}."
            return [row[0] for row in conn.execute(sample_sql(rel, "%s"), (SAMPLE_SCAN, limit))]

    @translated
    def documents(self, kind: str, keys: Sequence[str], flat: bool = False
                  ) -> dict[str, tuple[bytes, bytes | None]]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        with self._readers.lease() as conn:
            schema = release_schema(self._current(conn).id)
            key = sql.Identifier(DOCUMENT_COLUMNS[kind][0][0])
            extra = sql.SQL("flat" if flat and kind == "uniprotkb" else "NULL::bytea")
            rows = conn.execute(sql.SQL("SELECT {k}, doc, {x} FROM {s}.{t} WHERE {k} = ANY(%s)")
                                .format(k=key, x=extra, s=schema,
                                        t=sql.Identifier(DOCUMENT_TABLES[kind])), (wanted,))
            return {ident: (bytes(doc), None if text is None else bytes(text))
                    for ident, doc, text in rows}

    @translated
    def document_counts(self) -> dict[str, int]:
        with self._readers.lease() as conn:
            release = self._current(conn)
            cached = self._doc_counts.get(release.id)
            if cached is None:
                cached = {}
                for kind, table in DOCUMENT_TABLES.items():
                    exists = conn.execute("SELECT to_regclass(%s)",
                                          (f"{RELEASE_PREFIX}{release.id}.{table}",)).fetchone()
                    if exists is None or exists[0] is None:
                        cached[kind] = 0
                        continue
                    row = conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
                        release_schema(release.id), sql.Identifier(table))).fetchone()
                    cached[kind] = int(row[0]) if row else 0
                self._doc_counts[release.id] = cached
            return dict(cached)

    @translated
    def filtered_results(self, job_id: str, query: FilterQuery, offset: int, limit: int | None
                         ) -> tuple[int, list[tuple[str, str]]]:
        self.check_taxonomy(query)
        with self._readers.lease() as conn:
            release = self._current(conn)
            page, count = filter_sql(query, result_rows_sql(f"{MAIN}.", True, postgres=True),
                                     f"{RELEASE_PREFIX}{release.id}.",
                                     ' COLLATE "C"', split=postgres_split_tokens,
                                     xref_key=xref_key("x", self._parts_of(conn, release)))
            params = filter_params(query, job_id, blocks=True)
            try:
                row = conn.execute(adapt(count), params).fetchone()
                rows = conn.execute(adapt(page), [*params, limit, offset]).fetchall()
            except psycopg.errors.UndefinedTable as exc:
                raise InvalidRequest(missing_table(query, str(exc))) from None
            except psycopg.errors.UndefinedColumn as exc:
                old = missing_column(query, str(exc))
                if old is None:
                    raise
                raise InvalidRequest(old) from None
            return (int(row[0]) if row else 0), [(r[0], r[1]) for r in rows]

    @translated
    def facet_counts(self, job_id: str, query: FilterQuery, facet: FacetQuery
                     ) -> list[tuple[int | str, int]]:
        self.check_taxonomy(query)
        with self._readers.lease() as conn:
            release = self._current(conn)
            text, params = facet_sql(query, facet, result_rows_sql(f"{MAIN}.", True, postgres=True),
                                     f"{RELEASE_PREFIX}{release.id}.", ' COLLATE "C"',
                                     split=postgres_split_tokens,
                                     xref_key=xref_key("x", self._parts_of(conn, release)))
            try:
                rows = conn.execute(adapt(text),
                                    [*params, *filter_params(query, job_id, True)]).fetchall()
            except psycopg.errors.UndefinedTable as exc:
                raise InvalidRequest(missing_table(query, str(exc))) from None
            except psycopg.errors.UndefinedColumn as exc:
                raise InvalidRequest(missing_column(query, str(exc))
                                     or OLD_FACETS.format(facet.column)) from None
            return [(r[0] if isinstance(r[0], str) else int(r[0]), int(r[1])) for r in rows]

    @translated
    def uniparc_suggestions(self, id_type: str, keys: Sequence[str]) -> dict[str, list[str]]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[str]] = {}
        if not wanted or not self.document_counts().get("uniparc"):
            return found
        with self._readers.lease() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT DISTINCT key, upi FROM {}.uniparc_xrefs WHERE db = %s AND key = ANY(%s) "
                "ORDER BY key, upi").format(release_schema(self._current(conn).id)),
                (id_type, wanted))
            return grouped(rows)

    @translated
    def members(self, id_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
        with self._readers.lease() as conn:
            release = self._current(conn)
            code = self._codes_of(conn, release).get(id_type)
            found: dict[str, list[str]] = {}
            if code is None or not ids:
                return found
            rows = conn.execute(sql.SQL(
                "SELECT x.value, e.accession FROM {s}.xrefs x JOIN {s}.entries e ON e.id = x.entry "
                "WHERE x.db = %s AND {k} = ANY(%s) "
                "ORDER BY x.value, e.reviewed DESC NULLS LAST, e.accession").format(
                    s=release_schema(release.id),
                    k=sql.SQL(xref_key("x", self._parts_of(conn, release)))),
                (code, [i.lower() for i in dict.fromkeys(ids)]))
            return grouped(rows)

    # -- jobs -------------------------------------------------------------------------------

    def encode_json(self, value: Any) -> Any:
        return Jsonb(value, dumps=dumps)

    @translated
    def _query(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._readers.lease() as conn:
            return conn.execute(adapt(query), params).fetchall()

    @translated
    def _change(self, query: str, params: Sequence[Any] = ()) -> int:
        with self._write() as conn:
            return conn.execute(adapt(query), params).rowcount

    @translated
    def write_results(self, job_id: str, pairs: Iterable[tuple[str, str]]) -> int:
        with self._results.lease() as conn:
            return write_results(conn, job_id, pairs)

    @translated
    def delete_jobs(self, updated_before: float | None = None) -> int:
        where, params = jobs_updated_before(updated_before)
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(
                adapt(f"DELETE FROM {MAIN}.jobs {where} RETURNING id"), params).fetchall()]
            delete_results(conn, ids)
        return len(ids)


def _usable(conn: Connection) -> bool:
    return not conn.closed and not conn.broken


def _returned(conn: Connection) -> None:
    """End whatever a connection going back to the pool left open (a lookup read in part)."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
