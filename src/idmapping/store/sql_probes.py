"""The SQL that asks what a release holds of ids rather than mapping them: the accession
probe that lets most accessions skip the lookup query, and the holdings behind detection and
explanations (every database, entry and taxon an id is found in). Written as
:mod:`~idmapping.store.sql` writes its queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idmapping.ids import ACCESSION_RE
from idmapping.store.plans import AccessionPlan, HoldingsPlan
from idmapping.store.sql import entry_column
from idmapping.store.sql_taxonomy import taxon_sql

__all__ = ["accession_probe_sql", "odd_accessions_sql", "sqlite_plain_accession",
           "postgres_plain_accession", "holdings_sql"]


def accession_probe_sql(plan: AccessionPlan, source: str, keys: Any, plain: str,
                        taxonomy: bool = False, tables: frozenset[str] = frozenset()
                        ) -> tuple[str, list[Any]]:
    """The query answering *plan*: the ``seq`` of every input that is not the accession of an
    entry passing the plan's filters, in order. Those are the inputs :func:`lookup_sql` must
    still map; each of the others maps to that entry alone (no secondary or deleted accession
    is a primary one, and an entry name or isoform is not written as a plain accession).

    :param source: the backend's row source ``j(seq, key)`` of the keys, read from one
        parameter, *keys* (the plan's keys as the backend reads them: one JSON array).
    :param plain: the backend's condition that ``j.key`` is written as a plain accession
        (UniProt's pattern, :data:`idmapping.ids.ACCESSION_RE`); ``1`` for a release whose
        accessions are all written so (:func:`odd_accessions_sql`), where only such a key
        can equal one (the test costs as much as the probe itself).
    :param taxonomy: as for :func:`lookup_sql`; and *tables*.
    :return: the query and its parameters.
    """
    head, taxon, params = taxon_sql(plan.taxon, plan.descendants and taxonomy, tables)
    reviewed = " AND e.reviewed = 1" if plan.target == "swissprot" else ""
    params.append(keys)
    sql = (f"{head}SELECT j.seq FROM {source} WHERE NOT ({plain} AND EXISTS (SELECT 1 FROM "
           f"entries e WHERE e.accession = j.key{taxon}{reviewed})) ORDER BY j.seq")
    return sql, params


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


def holdings_sql(plan: HoldingsPlan, codes: dict[str, int],
                 entry_of: Callable[[str], str] = entry_column, any_key: bool = False) -> str:
    """The one query answering *plan*: :data:`~idmapping.store.plans.HoldingRow` rows.

    The input is the temporary table ``input(seq, key, kind, version)``. With *any_key* (the
    release has the index :data:`~idmapping.store.schema.ANY_KEY`), every input is probed in
    it once, for all databases at once; without it (a release loaded before it), once per
    database in the (db, key) index. Either way it is one set query whatever the number of
    ids.

    :param entry_of: how the backend reads an xref's entry (:func:`entry_column` by default).
    """
    wanted = sorted(codes[t] for t in plan.types if t in codes) or [-1]
    versioned = sorted(codes[t] for t in plan.versioned if t in codes) or [-1]
    among, among_versioned = ", ".join(map(str, wanted)), ", ".join(map(str, versioned))
    reviewed = "count(DISTINCT CASE WHEN e.reviewed = 1 THEN e.id END)"
    if any_key:
        # +x.db: the database is a filter of the rows found, never a way into an index (SQLite
        # would otherwise probe the (db, key) index once per database again)
        probes = f"FROM input i CROSS JOIN xrefs x WHERE +x.db IN ({among}) AND "
    else:
        # c: the databases as a row source, so that each probe is one (db, key) of the index
        # (with db IN (...) alone, SQLite built an automatic index over every xref instead)
        probes = (f"FROM input i CROSS JOIN dbs c CROSS JOIN xrefs x WHERE c.code IN ({among}) "
                  "AND x.db = c.code AND ")
    parts = [
        # CROSS JOIN: the input stays the outer loop, probing the key index (see lookup_sql)
        "SELECT h.seq, 'xref' AS what, d.name AS detail, h.taxon, h.n, h.r FROM ("
        f"SELECT p.seq, p.db, e.taxon, count(DISTINCT e.id) AS n, {reviewed} AS r "
        f"FROM (SELECT i.seq, x.db, {entry_of('x')} AS entry {probes}"
        "i.kind IN ('value', 'plain', 'versioned') AND x.key = i.key AND (i.kind = 'value' "
        f"OR (i.kind = 'plain' AND x.db NOT IN ({among_versioned})) "
        f"OR (i.kind = 'versioned' AND x.db IN ({among_versioned}) "
        "AND lower(x.value) = i.version))) p JOIN entries e ON e.id = p.entry "
        "GROUP BY p.seq, p.db, e.taxon) h JOIN dbs d ON d.code = h.db",
        f"SELECT i.seq, 'uniprot', '', e.taxon, count(DISTINCT e.id), {reviewed} "
        "FROM input i JOIN entries e ON e.accession = i.key WHERE i.kind = 'accession' "
        "GROUP BY i.seq, e.taxon",
        f"SELECT i.seq, 'uniprot', '', e.taxon, count(DISTINCT e.id), {reviewed} "
        "FROM input i JOIN entries e ON e.name = i.key WHERE i.kind = 'entry_name' "
        "GROUP BY i.seq, e.taxon",
        "SELECT i.seq, 'secondary', s.primary_acc, e.taxon, 1, COALESCE(e.reviewed, 0) "
        "FROM input i JOIN secondary s ON s.accession = i.key "
        "JOIN entries e ON e.accession = s.primary_acc WHERE i.kind = 'accession'",
        "SELECT i.seq, 'deleted', d.source, CAST(NULL AS integer), 0, 0 FROM input i "
        "JOIN deleted d ON d.accession = i.key WHERE i.kind = 'accession'",
    ]
    code = codes.get(plan.any_version or "")
    if code is not None:
        parts.append(
            "SELECT DISTINCT i.seq, 'version', x.value, CAST(NULL AS integer), 0, 0 "
            "FROM input i "
            f"CROSS JOIN xrefs x WHERE i.kind = 'versioned' AND x.db = {code} "
            "AND x.key = i.key")
    return " UNION ALL ".join(parts)
