"""The SQL of a job's filtered results: UniProt's ``query``, ``sort`` and ``facets`` over the
job's result rows, and the sample of accessions the form offers. Written as
:mod:`~idmapping.store.sql` writes its queries (bare table names, ``?`` placeholders); the
``query`` itself is translated by :mod:`idmapping.store.query`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from idmapping.store.plans import FacetQuery, FilterQuery
from idmapping.store.queryfields import MODEL_ORGANISMS
from idmapping.store.schema import DOCUMENT_COLUMNS, DOCUMENT_TABLES
from idmapping.store.termfields import TERMS_TABLE

__all__ = ["SAMPLE_SCAN", "OLD_RELEASE", "OLD_QUERY", "OLD_FACETS", "FACET_COLUMNS",
           "result_rows_sql", "missing_column", "missing_table", "sample_sql", "filter_sql",
           "filter_params", "facet_sql", "split_tokens", "postgres_split_tokens",
           "RESULT_JOB_PARAMS"]


SAMPLE_SCAN = 10_000
"""How many entries :meth:`Store.sample_accessions` looks at."""


def sample_sql(rel: str, mark: str) -> str:
    """The query of :meth:`Store.sample_accessions`: takes the scan size, then the limit.

    :param rel: the prefix of the current release's tables; :param mark: the placeholder.
    """
    return (f"SELECT accession FROM (SELECT id, accession, reviewed FROM {rel}entries "
            f"ORDER BY id LIMIT {mark}) s "
            f"ORDER BY CASE WHEN reviewed = 1 THEN 0 ELSE 1 END, id LIMIT {mark}")


def result_rows_sql(main: str, blocks: bool = False, postgres: bool = False) -> str:
    """A job's results as rows ``(seq, from_id, to_id)``: its stored pairs and its runs of ids
    that map to themselves (``job_result_runs``, a JSON array of ids from ``seq`` on) expanded
    in the database. Takes the job twice (:data:`RESULT_JOB_PARAMS`).

    :param main: the prefix of the main tables (``main.``, ``idmapping.``).
    :param blocks: and its blocks of pairs (``job_result_blocks``): takes the job three
        times.
    """
    if postgres:
        runs = (f"SELECT r.seq + j.n - 1, j.value, j.value FROM {main}job_result_runs r "
                "CROSS JOIN LATERAL json_array_elements_text(r.ids) WITH ORDINALITY j(value, n) "
                "WHERE r.job = ?")
    else:
        runs = (f"SELECT r.seq + j.key, j.value, j.value FROM {main}job_result_runs r, "
                "json_each(r.ids) j WHERE r.job = ?")
    if blocks and postgres:
        runs += (" UNION ALL SELECT b.seq + j.n - 1, j.v ->> 0, j.v ->> 1 FROM "
                 f"{main}job_result_blocks b CROSS JOIN LATERAL json_array_elements("
                 "b.pairs::json) WITH ORDINALITY j(v, n) WHERE b.job = ?")
    elif blocks:
        runs += (" UNION ALL SELECT b.seq + j.key, j.value ->> 0, j.value ->> 1 "
                 f"FROM {main}job_result_blocks b, json_each(b.pairs) j WHERE b.job = ?")
    return (f"(SELECT seq, from_id, to_id FROM {main}job_results WHERE job = ? "
            f"UNION ALL {runs})")


RESULT_JOB_PARAMS = 2
"""How many times :func:`result_rows_sql` takes the job (once more with its blocks)."""


def filter_sql(query: FilterQuery, results: str, rel: str, collate: str = "",
               entry_xrefs: str = "x.entry = m.id", xref_entry: str = "x.entry",
               split: Callable[[str], str] | None = None, xref_key: str = "x.key"
               ) -> tuple[str, str]:
    """The page query and the count query of *query*.

    Both take ``job`` (twice, or four times with isoforms), then the query's params; the page
    query then takes ``limit`` and ``offset``.

    :param results: the job's results, :func:`result_rows_sql`.
    :param rel: the prefix of the current release's tables (``rel.``).
    :param collate: how the job's ids are compared with the release's (PostgreSQL: their
        columns have different collations).
    :param entry_xrefs: the condition that xrefs row ``x`` is one of entry ``m``'s rows
        (SQLite: :func:`entry_range`); :param xref_entry: the entry of xrefs row ``x``
        (SQLite: :func:`sqlite_entry_column`).
    :param split: how the backend makes rows ``s(value)`` of a token column (UniParc's taxa):
        :func:`split_tokens` by default.
    :param xref_key: the lookup key of xrefs row ``x`` in the release
        (:func:`~idmapping.store.sql.xref_key`).
    """
    source, where = _filtered(query, results, rel, collate, entry_xrefs, xref_entry, split,
                              xref_key)
    order = f"{query.order}, " if query.order else ""
    page = (f"SELECT p.from_id, p.to_id FROM {source}{where} "
            f"ORDER BY {order}p.seq, p.sub, p.to_id{collate} LIMIT ? OFFSET ?")
    count = f"SELECT count(*) FROM {source}{where}"
    return page, count


def _filtered(query: FilterQuery, results: str, rel: str, collate: str,
              entry_xrefs: str = "x.entry = m.id", xref_entry: str = "x.entry",
              split: Callable[[str], str] | None = None, xref_key: str = "x.key"
              ) -> tuple[str, str]:
    """The pairs of a job joined with their documents (``p``, ``e`` and, for UniProtKB, the
    mapping entries ``m``), and the ``WHERE`` of *query* (``""`` when it keeps every pair)."""
    table = rel + DOCUMENT_TABLES[query.kind]
    key = DOCUMENT_COLUMNS[query.kind][0][0]
    pairs = f"SELECT r.seq, 0 AS sub, r.from_id, r.to_id FROM {results} r"
    if query.include_isoform and query.kind == "uniprotkb":
        pairs += (f" UNION ALL SELECT r.seq, 1, r.from_id, i.accession FROM {results} r "
                  f"JOIN {table} i ON i.canonical = r.to_id{collate} AND i.isoform = 1")
    joins = f"LEFT JOIN {table} e ON e.{key} = p.to_id{collate}"
    if query.kind == "uniprotkb":
        joins += f" LEFT JOIN {rel}entries m ON m.accession = p.to_id{collate}"
    condition = query.where.replace("{rel}", rel).replace("{collate}", collate).replace(
        "{entry_xrefs}", entry_xrefs).replace("{xref_entry}", xref_entry).replace(
        "{xref_key}", xref_key).replace("{taxa_rows}", (split or split_tokens)("e.taxa"))
    return f"({pairs}) p {joins}", (f" WHERE {condition}" if condition else "")


FACET_COLUMNS = {
    "uniprotkb": {
        "reviewed": "COALESCE(e.reviewed, m.reviewed)",
        "taxon": "COALESCE(e.taxon, m.taxon)",
        "existence": "e.existence",
        "score": "e.score",
        "fragment": "e.fragment",
        "structure_3d": "(CASE WHEN e.proteins_with LIKE '% 1 %' THEN 1 "
                        "WHEN e.proteins_with IS NOT NULL THEN 0 END)",
        "length": "e.length",
        "proteins_with": "e.proteins_with",
        "proteomes": "e.proteomes",
        "other_organism": "(CASE WHEN COALESCE(e.taxon, m.taxon) NOT IN ({models}) "
                          "THEN e.scientific END)",
    },
    "uniref": {"identity": "e.identity", "length": "e.length"},
    "uniparc": {"length": "e.length", "databases": "e.databases", "taxa": "e.taxa"},
}
"""The columns a facet may count, per kind of document (a UniProtKB entry without an entry
file still has its status and taxon, from the mapping entries ``m``)."""

OLD_FACETS = ("Invalid request received. The current release was loaded by an earlier version "
              "without the entry data that this facet counts ({}): load it again to get it")
"""The message for a facet over a release whose document table lacks its column."""


def split_tokens(column: str) -> str:
    """SQLite's rows ``s(value)`` of the tokens of a token column (``" 9606 10090 "``), a
    table-valued function joined beside the row holding the column (a token holds no space,
    quote or backslash: taxa, proteome ids)."""
    return f"""json_each('["' || replace(trim({column}), ' ', '","') || '"]') s"""


def postgres_split_tokens(column: str) -> str:
    """PostgreSQL's :func:`split_tokens`."""
    return (f"LATERAL unnest(string_to_array(trim({column}), ' ')) AS s(value)")


def facet_sql(query: FilterQuery, facet: FacetQuery, results: str, rel: str,
              collate: str = "", entry_xrefs: str = "x.entry = m.id",
              xref_entry: str = "x.entry",
              split: Callable[[str], str] = split_tokens, xref_key: str = "x.key"
              ) -> tuple[str, list[Any]]:
    """One grouped query counting the distinct entries of a job's (filtered) pairs by the
    values of *facet*: ``(value, count)`` rows, entries without a value left out.

    Its parameters are what it returns, then those of :func:`filter_params`.

    :param split: how the backend makes rows ``s(value)`` of a token column's numbers
        (:func:`split_tokens`), for ``taxon_names``; *xref_key* as for :func:`filter_sql`.
    """
    column = FACET_COLUMNS[query.kind][facet.column].replace(
        "{models}", ", ".join(str(t) for t in MODEL_ORGANISMS))
    source, where = _filtered(query, results, rel, collate, entry_xrefs, xref_entry, split,
                              xref_key)
    params: list[Any] = []
    if facet.ranges:
        cases = []
        for number, (low, high) in enumerate(facet.ranges, 1):
            test = f"{column} >= ?" + ("" if high is None else f" AND {column} <= ?")
            params += [low] if high is None else [low, high]
            cases.append(f"WHEN {test} THEN {number}")
        value = "CASE " + " ".join(cases) + " END"
    elif facet.tokens:
        # a token column (" 2 14 25 "): one row per (pair, token it holds)
        codes = " UNION ALL ".join(f"SELECT {int(t)} AS token" for t in facet.tokens)
        source += (f" JOIN ({codes}) c ON {column} LIKE "
                   "('% ' || CAST(c.token AS TEXT) || ' %')")
        value = "c.token"
    elif facet.taxon_names:
        # one row per (pair, taxon), named by the taxonomy's key
        source += (f" JOIN {split(column)} ON s.value <> '' JOIN {rel}taxonomy tx "
                   "ON tx.taxon = CAST(s.value AS integer)")
        value = "tx.name"
    elif facet.split:
        source += f" JOIN {split(column)} ON s.value <> ''"  # one row per (pair, token)
        value = "s.value"
    elif facet.among:
        value = (f"CASE WHEN {column} IN ({', '.join(str(int(v)) for v in facet.among)}) "
                 f"THEN {column} END")
    else:
        value = column
    sql = (f"SELECT v, count(DISTINCT t) FROM (SELECT {value} AS v, p.to_id AS t "
           f"FROM {source}{where}) f WHERE v IS NOT NULL GROUP BY v ORDER BY v")
    return sql, params


def filter_params(query: FilterQuery, job_id: str, blocks: bool = False) -> list[Any]:
    """The leading parameters of :func:`filter_sql`'s queries (*blocks*: over
    :func:`result_rows_sql` with its blocks)."""
    # the job's stored pairs and its runs (and blocks), for the pairs and again for their
    # isoforms
    uses = RESULT_JOB_PARAMS + blocks
    jobs = [job_id] * (2 * uses if query.include_isoform and query.kind == "uniprotkb" else uses)
    return [*jobs, *query.params]


OLD_QUERY = ("'{}' is not held by this release: it was loaded by an earlier version without the "
             "entry data this field searches; load it again to search it")
"""The message for a query field over a release whose document table lacks its column, or
that has no ``kb_terms`` table."""


def missing_column(query: FilterQuery, error: str) -> str | None:
    """The :data:`OLD_QUERY` message of a store's "no such column" *error*, if a field of
    *query* reads the column it names."""
    names = [name for name, column in query.reads if re.search(rf"\be\.{column}\b", error)]
    return OLD_QUERY.format("', '".join(names)) if names else None


def missing_table(query: FilterQuery, error: str) -> str:
    """The message of a store's "no such table" *error*: :data:`OLD_QUERY` naming the fields
    of *query* that read ``kb_terms`` if that is the table, else :data:`OLD_RELEASE`."""
    names = [name for name, table in query.reads if table == TERMS_TABLE]
    if names and re.search(rf"\b{TERMS_TABLE}\b", error):
        return OLD_QUERY.format("', '".join(names))
    return OLD_RELEASE


OLD_RELEASE = ("Invalid request received. The current release was loaded by an earlier version "
               "without entry tables: load it again to filter or sort its entries")
"""The message for a filter over a release that has no entry tables."""
