"""The SQL of the release queries both backends run: mapping, filtered results, samples, and
the statements that finish a load (derived gene names, subsets).

Each builder writes the tables by their bare names (a backend attaches or qualifies the
release's tables: ``rel.`` in SQLite, a schema in PostgreSQL) and ``?`` placeholders, which
PostgreSQL's store adapts. Where the backends lay out the xrefs table differently, a builder
takes how to find an entry's rows (:func:`same_entry`, :func:`entry_column`).
UniProt's ``query`` and ``sort`` are translated by :mod:`idmapping.store.query`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from idmapping.ids import ACCESSION_RE
from idmapping.store.plans import (
    AccessionPlan,
    FacetQuery,
    FilterQuery,
    HoldingsPlan,
    LookupPlan,
    Subset,
)
from idmapping.store.queryfields import MODEL_ORGANISMS
from idmapping.store.schema import DOCUMENT_COLUMNS, DOCUMENT_TABLES, ENTRY_SHIFT

__all__ = ["SAMPLE_SCAN", "OLD_RELEASE", "OLD_QUERY", "OLD_FACETS", "FACET_COLUMNS",
           "missing_column", "sample_sql", "accession_probe_sql", "odd_accessions_sql",
           "sqlite_plain_accession", "postgres_plain_accession",
           "filter_sql", "filter_params", "facet_sql", "split_tokens", "postgres_split_tokens",
           "same_entry", "entry_column", "entry_range", "sqlite_same_entry",
           "sqlite_entry_column", "derived_gene_name_sql", "subset_sql", "lookup_sql", "taxon_sql",
           "holdings_sql", "TAXONOMY_FINISH", "taxa_named_sql", "taxon_names_sql", "lineages_sql",
           "merged_sql", "TAXON_FATE_SQL", "DESCENDANTS", "ASKED_TAXON", "CLADE", "IN_CLADE",
           "ENTRY_STAGING", "ENTRIES_FROM_STAGING", "FIND_ENTRIES_INDEX"]


SAMPLE_SCAN = 10_000
"""How many entries :meth:`Store.sample_accessions` looks at."""


def sample_sql(rel: str, mark: str) -> str:
    """The query of :meth:`Store.sample_accessions`: takes the scan size, then the limit.

    :param rel: the prefix of the current release's tables; :param mark: the placeholder.
    """
    return (f"SELECT accession FROM (SELECT id, accession, reviewed FROM {rel}entries "
            f"ORDER BY id LIMIT {mark}) s "
            f"ORDER BY CASE WHEN reviewed = 1 THEN 0 ELSE 1 END, id LIMIT {mark}")


def filter_sql(query: FilterQuery, results: str, rel: str, collate: str = "",
               entry_xrefs: str = "x.entry = m.id", xref_entry: str = "x.entry"
               ) -> tuple[str, str]:
    """The page query and the count query of *query*.

    Both take ``job`` (once, or twice with isoforms), then the query's params; the page query
    then takes ``limit`` and ``offset``.

    :param results: the job results table (``job_results``, schema-qualified as needed).
    :param rel: the prefix of the current release's tables (``rel.``).
    :param collate: how the job's ids are compared with the release's (PostgreSQL: their
        columns have different collations).
    :param entry_xrefs: the condition that xrefs row ``x`` is one of entry ``m``'s rows
        (SQLite: :func:`entry_range`); :param xref_entry: the entry of xrefs row ``x``
        (SQLite: :func:`sqlite_entry_column`).
    """
    source, where = _filtered(query, results, rel, collate, entry_xrefs, xref_entry)
    order = f"{query.order}, " if query.order else ""
    page = (f"SELECT p.from_id, p.to_id FROM {source}{where} "
            f"ORDER BY {order}p.seq, p.sub, p.to_id{collate} LIMIT ? OFFSET ?")
    count = f"SELECT count(*) FROM {source}{where}"
    return page, count


def _filtered(query: FilterQuery, results: str, rel: str, collate: str,
              entry_xrefs: str = "x.entry = m.id", xref_entry: str = "x.entry"
              ) -> tuple[str, str]:
    """The pairs of a job joined with their documents (``p``, ``e`` and, for UniProtKB, the
    mapping entries ``m``), and the ``WHERE`` of *query* (``""`` when it keeps every pair)."""
    table = rel + DOCUMENT_TABLES[query.kind]
    key = DOCUMENT_COLUMNS[query.kind][0][0]
    pairs = f"SELECT r.seq, 0 AS sub, r.from_id, r.to_id FROM {results} r WHERE r.job = ?"
    if query.include_isoform and query.kind == "uniprotkb":
        pairs += (f" UNION ALL SELECT r.seq, 1, r.from_id, i.accession FROM {results} r "
                  f"JOIN {table} i ON i.canonical = r.to_id{collate} AND i.isoform = 1 "
                  "WHERE r.job = ?")
    joins = f"LEFT JOIN {table} e ON e.{key} = p.to_id{collate}"
    if query.kind == "uniprotkb":
        joins += f" LEFT JOIN {rel}entries m ON m.accession = p.to_id{collate}"
    condition = query.where.replace("{rel}", rel).replace("{collate}", collate).replace(
        "{entry_xrefs}", entry_xrefs).replace("{xref_entry}", xref_entry)
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
              split: Callable[[str], str] = split_tokens) -> tuple[str, list[Any]]:
    """One grouped query counting the distinct entries of a job's (filtered) pairs by the
    values of *facet*: ``(value, count)`` rows, entries without a value left out.

    Its parameters are what it returns, then those of :func:`filter_params`.

    :param split: how the backend makes rows ``s(value)`` of a token column's numbers
        (:func:`split_tokens`), for ``taxon_names``.
    """
    column = FACET_COLUMNS[query.kind][facet.column].replace(
        "{models}", ", ".join(str(t) for t in MODEL_ORGANISMS))
    source, where = _filtered(query, results, rel, collate, entry_xrefs, xref_entry)
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


def filter_params(query: FilterQuery, job_id: str) -> list[Any]:
    """The leading parameters of :func:`filter_sql`'s queries."""
    jobs = [job_id, job_id] if query.include_isoform and query.kind == "uniprotkb" else [job_id]
    return [*jobs, *query.params]


OLD_QUERY = ("'{}' is not held by this release: it was loaded by an earlier version without the "
             "entry data this field searches; load it again to search it")
"""The message for a query field over a release whose document table lacks its column."""


def missing_column(query: FilterQuery, error: str) -> str | None:
    """The :data:`OLD_QUERY` message of a store's "no such column" *error*, if a field of
    *query* reads the column it names."""
    names = [name for name, column in query.reads if re.search(rf"\be\.{column}\b", error)]
    return OLD_QUERY.format("', '".join(names)) if names else None


OLD_RELEASE = ("Invalid request received. The current release was loaded by an earlier version "
               "without entry tables: load it again to filter or sort its entries")
"""The message for a filter over a release that has no entry tables."""

def same_entry(alias: str, entry: str, db: int) -> str:
    """The condition that xrefs row *alias* is one of entry *entry*'s ids in database *db*."""
    return f"{alias}.entry = {entry} AND {alias}.db = {db}"


def entry_column(alias: str) -> str:
    """The entry number of xrefs row *alias* (an SQL expression)."""
    return f"{alias}.entry"


def entry_range(alias: str, entry: str) -> str:
    """SQLite's condition that xrefs row *alias* belongs to entry *entry*: an id range (its
    ids encode the entry, :data:`~idmapping.store.schema.ENTRY_SHIFT`)."""
    return (f"{alias}.id BETWEEN ({entry}) << {ENTRY_SHIFT} "
            f"AND (({entry}) << {ENTRY_SHIFT}) + {(1 << ENTRY_SHIFT) - 1}")


def sqlite_same_entry(alias: str, entry: str, db: int) -> str:
    """SQLite's :func:`same_entry`: an entry's range of rows, read in full ('+': never the key
    index's rows of that database, which SQLite would otherwise choose to scan)."""
    return f"{entry_range(alias, entry)} AND +{alias}.db = {db}"


def sqlite_entry_column(alias: str) -> str:
    """SQLite's :func:`entry_column`: the entry read from the row id, which the key index
    covers (SQLite does not see that the generated ``entry`` column is covered)."""
    return f"({alias}.id >> {ENTRY_SHIFT})"


def derived_gene_name_sql(codes: dict[str, int],
                          entry_rows: Callable[[str, str, int], str] = same_entry,
                          entry_of: Callable[[str], str] = entry_column,
                          new_row: tuple[str, str] = ("entry", "x.entry")) -> list[str]:
    """Statements deriving UniProt's "Gene Name" for entries that have no Gene_Name row.

    Such an entry is named by its ordered-locus names, else by its ORF names.

    :param entry_rows: as for :func:`lookup_sql`; also *entry_of*.
    :param new_row: the column that places a derived row and its value: its entry by default
        (SQLite gives a row id instead).
    """
    gene, oln, orf = codes["Gene_Name"], codes["Gene_OrderedLocusName"], codes["Gene_ORFName"]
    column, value = new_row
    # NOT EXISTS rather than NOT IN: PostgreSQL runs NOT IN well only while the subquery fits
    # in memory, which a full release's does not.
    return [
        f"INSERT INTO xrefs({column}, db, value, key) SELECT {value}, {gene}, x.value, x.key "
        f"FROM xrefs x WHERE x.db = {kind} AND NOT EXISTS "
        f"(SELECT 1 FROM xrefs g WHERE {entry_rows('g', entry_of('x'), gene)})"
        for kind in (oln, orf)
    ]


def subset_sql(subset: Subset) -> list[str]:
    """Statements that delete what a subset load does not keep."""
    if not subset.taxa and not subset.reviewed_only:
        return []
    keep = []
    if subset.taxa:
        keep.append("taxon IN (" + ",".join(str(int(t)) for t in subset.taxa) + ")")
    if subset.reviewed_only:
        keep.append("reviewed = 1")
    dropped = "SELECT id FROM entries WHERE NOT (" + " AND ".join(
        f"COALESCE({k}, FALSE)" for k in keep) + ")"
    return [
        f"DELETE FROM xrefs WHERE entry IN ({dropped})",
        f"DELETE FROM isoform_xrefs WHERE entry IN ({dropped})",
        f"DELETE FROM entries WHERE id IN ({dropped})",
        "DELETE FROM secondary WHERE primary_acc NOT IN (SELECT accession FROM entries)",
        "DELETE FROM kb_entries WHERE NOT EXISTS "
        "(SELECT 1 FROM entries m WHERE m.accession = kb_entries.canonical)",
    ]


ENTRY_STAGING = (
    # temporary tables: gone with the load's session, whether it ends well or not
    "CREATE TEMP TABLE entry_numbers (entry INTEGER PRIMARY KEY, accession TEXT NOT NULL)",
    "CREATE TEMP TABLE entry_facts (entry INTEGER NOT NULL, name TEXT, reviewed INTEGER, "
    "taxon INTEGER)",
)
"""Where a load writes its entries as it reads them (numbers, then what files state of
them), instead of keeping them in memory until the end."""

ENTRIES_FROM_STAGING = (
    "INSERT INTO entries (id, accession, name, reviewed, taxon) "
    "SELECT n.entry, n.accession, f.name, COALESCE(f.reviewed, CASE "
    # TrEMBL entry names are ACCESSION_SPECIES; Swiss-Prot names are mnemonics
    "WHEN f.name IS NULL THEN NULL "
    "WHEN substr(upper(f.name), 1, length(n.accession) + 1) = n.accession || '_' THEN 0 "
    "ELSE 1 END), f.taxon "
    "FROM entry_numbers n LEFT JOIN (SELECT entry, max(name) AS name, max(reviewed) AS "
    "reviewed, max(taxon) AS taxon FROM entry_facts GROUP BY entry) f ON f.entry = n.entry "
    "ORDER BY n.entry",
    "DROP TABLE entry_facts",
    "DROP TABLE entry_numbers",
)
"""The release's entries, one row each, from :data:`ENTRY_STAGING`."""

FIND_ENTRIES_INDEX = "CREATE INDEX entry_numbers_accession ON entry_numbers (accession)"
"""Built when the loader first looks numbers up in the store (never, for most releases)."""


DESCENDANTS = (
    "WITH RECURSIVE wanted(taxon) AS (SELECT {asked} UNION "
    "SELECT t.taxon FROM taxonomy t JOIN wanted w ON t.parent = w.taxon "
    "WHERE t.taxon <> t.parent) ")
"""The taxa a ``taxId`` stands for: the taxon and its descendants, walked down the taxonomy's
parent index one level at a time, once per query (UNION: a loop in the tree ends the walk; the
root is its own parent). ``{asked}`` is the taxon (:data:`ASKED_TAXON`).

This reads the whole clade (500,000 taxa for Bacteria): releases with clade spans
(:mod:`idmapping.store.taxonspans`) are read with :data:`IN_CLADE` instead, the same taxa; this
walk is for releases loaded before them, and for a taxonomy with a loop."""

ASKED_TAXON = ("COALESCE((SELECT m.new FROM taxon_merged m WHERE m.old = ?), "
               "CAST(? AS integer))")
"""The taxon a ``taxId`` asks for: the taxon it was merged into (merged.dmp), else itself.
Takes the taxon twice (a release loaded before merged taxa were read: ``CAST(? AS integer)``,
once)."""

CLADE = (", clade(low, high) AS (SELECT w.low, w.high FROM taxon_spans w "
         "WHERE w.taxon = (SELECT taxon FROM asked)) ")
"""The range of the clade of the taxon ``asked`` (after its ``WITH``): none for a taxon the
taxonomy does not hold."""

IN_CLADE = (
    " AND (e.taxon = (SELECT taxon FROM asked) OR (SELECT c.low FROM taxon_spans c "
    "WHERE c.taxon = e.taxon) BETWEEN (SELECT low FROM clade) AND (SELECT high FROM clade))")
"""That entry ``e``'s taxon is the taxon ``asked`` or below it (:data:`CLADE`): one lookup by
key per entry found (a subquery each backend runs per row), whatever the size of the
clade."""

TAXONOMY_FINISH = (
    # nodes.dmp and names.dmp may come in either order: the names join the nodes at the end
    "UPDATE taxonomy SET name = n.name FROM taxon_names n WHERE n.taxon = taxonomy.taxon",
    "DROP TABLE taxon_names",
)
"""Statements that finish a release's taxonomy (before its indexes)."""


def taxa_named_sql(rel: str) -> str:
    """Taxa ``(taxon, name, rank)`` whose scientific name is the given one, ignoring case,
    else those it begins, by name (a range of the name index); takes the lower-case name, the
    range's ends (the name, and the name followed by the highest character), the name again and
    a limit."""
    return (f"SELECT taxon, name, rank FROM {rel}taxonomy WHERE lower(name) = ? UNION ALL "
            f"SELECT * FROM (SELECT taxon, name, rank FROM {rel}taxonomy "
            f"WHERE lower(name) > ? AND lower(name) < ? "
            f"AND NOT EXISTS (SELECT 1 FROM {rel}taxonomy x WHERE lower(x.name) = ?) "
            "ORDER BY lower(name), taxon LIMIT ?) p")


def taxon_names_sql(rel: str, count: int) -> str:
    """``(taxon, name)`` of *count* given taxa, by the taxonomy's key."""
    marks = ", ".join("?" for _ in range(count))
    return f"SELECT taxon, name FROM {rel}taxonomy WHERE taxon IN ({marks})"


def lineages_sql(rel: str, count: int) -> str:
    """``(taxon, ancestor)`` rows: each of *count* given taxa with itself and every taxon above
    it, walked up the taxonomy's key (a lineage is a few dozen taxa)."""
    marks = ", ".join("(?)" for _ in range(count))
    return (f"WITH RECURSIVE given(taxon) AS (VALUES {marks}), "
            "up(taxon, ancestor) AS (SELECT taxon, taxon FROM given UNION "
            f"SELECT u.taxon, t.parent FROM up u JOIN {rel}taxonomy t ON t.taxon = u.ancestor "
            "WHERE t.parent <> t.taxon) SELECT taxon, ancestor FROM up")


def merged_sql(rel: str, count: int) -> str:
    """``(old, new)`` rows of merged.dmp for *count* given old taxa."""
    marks = ", ".join("?" for _ in range(count))
    return f"SELECT old, new FROM {rel}taxon_merged WHERE old IN ({marks})"


TAXON_FATE_SQL = (
    "SELECT 1 FROM {rel}taxonomy WHERE taxon = ?",
    "SELECT new FROM {rel}taxon_merged WHERE old = ?",
    "SELECT 1 FROM {rel}taxon_deleted WHERE taxon = ?",
)
"""Whether a taxon is one of the taxonomy's, merged into another (which), or deleted."""


def taxon_sql(taxon: int | None, descendants: bool, tables: frozenset[str], walk: bool = False
              ) -> tuple[str, str, list[Any]]:
    """The ``WITH`` head, the condition on entry ``e`` and the parameters of a ``taxId``:
    with *descendants* the taxon's clade (:data:`IN_CLADE` where the release has
    ``taxon_spans`` and not *walk*, else :data:`DESCENDANTS`), otherwise the taxon alone; a
    taxon merged into another stands for the other where the release has ``taxon_merged``.
    Nothing for no taxon."""
    if taxon is None:
        return "", "", []
    asked = ASKED_TAXON if "taxon_merged" in tables else "CAST(? AS integer)"
    params: list[Any] = [taxon] * asked.count("?")
    if descendants and "taxon_spans" in tables and not walk:
        return f"WITH asked(taxon) AS (SELECT {asked}){CLADE}", IN_CLADE, params
    if descendants:
        return (DESCENDANTS.replace("{asked}", asked),
                " AND e.taxon IN (SELECT taxon FROM wanted)", params)
    return (f"WITH asked(taxon) AS (SELECT {asked}) ", " AND e.taxon = (SELECT taxon FROM asked)",
            params)


def lookup_sql(plan: LookupPlan, codes: dict[str, int],
               entry_rows: Callable[[str, str, int], str] = same_entry,
               entry_of: Callable[[str], str] = entry_column, taxonomy: bool = False,
               tables: frozenset[str] = frozenset()) -> tuple[str, list[Any]]:
    """The one query answering *plan*: ``(seq, to, obsolete)`` rows ordered for output.

    The input is the temporary table ``input(seq, key, kind, version)``. With *taxonomy* (the
    release holds one) and ``plan.descendants``, the taxon's descendants pass too
    (:data:`IN_CLADE` where the release has ``taxon_spans``, else :data:`DESCENDANTS`);
    otherwise the taxon alone. A taxon merged into another stands for the other, where the
    release has ``taxon_merged``.

    :param tables: the release's taxonomy tables (of :data:`~idmapping.store.schema.
        TAXONOMY_TABLES`; a release loaded before some came lacks them).

    :param entry_rows: how a backend finds an entry's xrefs (:func:`same_entry` by default).
    :param entry_of: how it reads an xref's entry (:func:`entry_column` by default).
    """
    params: list[Any] = []
    if plan.source == "uniprot":
        # isoform: the number of the isoform an accession input names (in its version column)
        hits = (
            "SELECT i.seq, e.id AS entry, i.version AS isoform FROM input i JOIN entries e "
            "ON e.accession = i.key WHERE i.kind = 'accession' "
            "UNION SELECT i.seq, e.id, NULL FROM input i JOIN entries e "
            "ON e.name = i.key WHERE i.kind = 'entry_name' "
            # the NOT EXISTS names s, not i: it is then checked for the few secondary
            # accessions found, not for every input (a million inputs: a million probes)
            "UNION SELECT i.seq, e.id, i.version FROM input i JOIN secondary s "
            "ON s.accession = i.key JOIN entries e ON e.accession = s.primary_acc "
            "WHERE i.kind = 'accession' "
            "AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.accession = s.accession)"
        )
    else:
        code = codes.get(plan.source)
        if code is None:
            hits = "SELECT i.seq, 0 AS entry FROM input i WHERE 1 = 0"
        else:
            hits = (
                # CROSS JOIN: SQLite keeps the input as the outer loop, probing the key index
                # (it would otherwise scan every stored id of the database for a small input)
                f"SELECT i.seq, {entry_of('x')} AS entry FROM input i CROSS JOIN xrefs x "
                f"WHERE x.db = {code} AND x.key = i.key "
                "AND (i.version IS NULL OR lower(x.value) = i.version)"
            )
    head, taxon, taxon_params = taxon_sql(plan.taxon, plan.descendants and taxonomy, tables,
                                          plan.walk)
    params += taxon_params
    if plan.target in ("uniprotkb", "swissprot"):
        reviewed = " AND e.reviewed = 1" if plan.target == "swissprot" else ""
        union = ""
        if plan.target == "uniprotkb" and plan.source == "uniprot":
            # A deleted accession maps to itself, as an inactive entry, for UniProtKB only.
            union = (
                " UNION SELECT i.seq, d.accession, 1, 0 FROM input i "
                "JOIN deleted d ON d.accession = i.key WHERE i.kind = 'accession' "
                "AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.accession = d.accession) "
                "AND NOT EXISTS (SELECT 1 FROM secondary s WHERE s.accession = d.accession)"
            )
        sql = (
            f"{head}SELECT seq, accession, obsolete FROM ("
            f"SELECT h.seq, e.accession, 0 AS obsolete, e.reviewed FROM ({hits}) h "
            f"JOIN entries e ON e.id = h.entry{taxon}{reviewed}{union}"
            ") r ORDER BY seq, obsolete, reviewed DESC NULLS LAST, accession"
        )
        return sql, params
    code = codes.get(plan.target)
    if code is None:
        return "SELECT seq, key, 0 FROM input WHERE 1 = 0", []
    own = ""
    if plan.source == "uniprot" and any(i[2] == "accession" and i[3] for i in plan.inputs):
        # An isoform gets its entry's ids but those that the files give to other isoforms
        # only (docs/mapping.md, "Isoforms")
        owners = (f"SELECT 1 FROM isoform_xrefs o WHERE o.entry = h.entry AND o.db = {code} "
                  "AND o.value = t.value AND o.isoform")
        own = (f" WHERE h.isoform IS NULL OR NOT EXISTS ({owners} <> h.isoform) "
               f"OR EXISTS ({owners} = h.isoform)")
    sql = (
        f"{head}SELECT DISTINCT h.seq, t.value, 0 AS obsolete FROM ({hits}) h "
        f"JOIN entries e ON e.id = h.entry{taxon} "
        f"JOIN xrefs t ON {entry_rows('t', 'h.entry', code)}{own} "
        "ORDER BY h.seq, t.value"
    )
    return sql, params


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
