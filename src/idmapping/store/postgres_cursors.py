"""How the PostgreSQL store streams a lookup: its input table filled by binary COPY, then a
server-side cursor read a batch at a time, one lookup per connection at a time."""

from __future__ import annotations

import operator
import weakref
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import Connection

from idmapping.errors import StoreError
from idmapping.model import Release
from idmapping.store.plans import LookupPlan
from idmapping.store.schema import POSTGRES_INPUT
from idmapping.store.schema import POSTGRES_RELEASE_PREFIX as RELEASE_PREFIX

__all__ = ["LookupCursors", "probes_keys"]

_FETCH = 10_000
_LOOKUP_WORK_MEM = "64MB"

PROBE_SHARE = 4
"""A lookup of ids of another database than UniProtKB probes the key index once per input, in
the inputs' key order, where it has fewer inputs than the release's entries divided by this
(issue 18): the planner would read every xref (cursors get no parallel workers) and hash them.
100,000 RefSeq ids against the 1M release (484,032 RefSeq rows): 0.74 s of query instead of
1.5-1.8 s. Above it, the planner chooses, as for every other lookup."""


class LookupCursors:
    """The lookup streaming of :class:`~idmapping.store.postgres.PostgresStore`.

    :ivar _with_input: the connections whose session has the input table.
    :ivar _lookups: per connection, the lookup that owns its transaction.
    """

    _with_input: weakref.WeakSet[Connection[Any]]
    _lookups: weakref.WeakKeyDictionary[Connection[Any], object]

    def _stream_on(self, conn: Connection, release: Release, plan: LookupPlan,
                   query: str, params: list[Any]) -> Iterator[Any]:
        token = object()
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()  # a lookup on this connection that was left half-read
        if conn not in self._with_input:
            # created outside the lookup's transaction, so that a rollback keeps it
            for statement in POSTGRES_INPUT:
                conn.execute(statement)
            self._with_input.add(conn)
        self._lookups[conn] = token
        try:
            conn.execute("BEGIN")
            cursor = self._declare(conn, release, plan, query, params)
            while batch := self._fetch(conn, cursor, token):
                yield from batch
        finally:
            # Rolling back ends the read-only transaction and empties the input table, unless
            # a later lookup owns the connection now.
            if self._lookups.get(conn) is token:
                del self._lookups[conn]
                if not conn.closed and not conn.broken:
                    conn.rollback()

    def _fetch(self, conn: Connection, cursor: psycopg.ServerCursor[Any], token: object
               ) -> list[Any]:
        if self._lookups.get(conn) is not token:
            raise StoreError("This lookup was ended by a later lookup on the same thread: "
                             "read one lookup's rows before starting the next")
        return cursor.fetchmany(_FETCH)

    def _declare(self, conn: Connection, release: Release, plan: LookupPlan,
                 query: str, params: list[Any]) -> psycopg.ServerCursor[Any]:
        """Fill the input table and open the lookup as a server-side cursor."""
        # For this transaction only: the release's tables by their bare names, as lookup_sql
        # writes them; a plan for reading every row (a cursor is otherwise planned for its
        # first tenth); and room to sort a large result in memory.
        conn.execute("SELECT set_config('search_path', %s, true), "
                     "set_config('cursor_tuple_fraction', '1', true), "
                     "set_config('work_mem', %s, true)",
                     (f"{RELEASE_PREFIX}{release.id}", _LOOKUP_WORK_MEM))
        inputs = plan.inputs
        probes = probes_keys(plan, release)
        if probes:
            # index probes in key order: nested loops only (PROBE_SHARE)
            conn.execute("SELECT set_config('enable_hashjoin', 'off', true), "
                         "set_config('enable_mergejoin', 'off', true)")
            # The input's key index, which that plan never reads, is not filled: dropped for
            # this transaction, which the lookup's end rolls back (the index then is back).
            # 100,000 RefSeq ids copied in 0.07-0.09 s instead of 0.11-0.15 s.
            conn.execute("DROP INDEX input_key")
            inputs = sorted(inputs, key=operator.itemgetter(1))
        with conn.cursor() as cur, cur.copy(
                "COPY input (seq, key, kind, version) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "text", "text", "text"])
            for row in inputs:
                copy.write_row(row)
        if not probes:
            # The input's statistics, for the planner to choose its joins (rolled back with
            # the lookup). With nested loops alone it has none to make (the input scanned, the
            # key index probed): 100,000 RefSeq ids, 0.03-0.07 s spared and the same plan.
            conn.execute("ANALYZE input")
        cursor = conn.cursor(name="idmapping_lookup")
        cursor.execute(query, params)
        return cursor


def probes_keys(plan: LookupPlan, release: Release) -> bool:
    """Whether the lookup of *plan* probes the key index once per input, in the inputs' key
    order (:data:`PROBE_SHARE`)."""
    return plan.source != "uniprot" and \
        len(plan.inputs) * PROBE_SHARE < int(release.stats.get("entries") or 0)
