"""The SQL of mapping and of finishing a load, both backends: the one lookup query, how each
backend finds an entry's rows, derived gene names, subsets and the entry staging tables.

Each builder writes the tables by their bare names (a backend attaches or qualifies the
release's tables: ``rel.`` in SQLite, a schema in PostgreSQL) and ``?`` placeholders, which
PostgreSQL's store adapts. Where the backends lay out the xrefs table differently, a builder
takes how to find an entry's rows (:func:`same_entry`, :func:`entry_column`). The other SQL
of the release queries: :mod:`~idmapping.store.sql_results` (filtered results, facets,
samples), :mod:`~idmapping.store.sql_taxonomy` (``taxId`` and the taxonomy tables),
:mod:`~idmapping.store.sql_probes` (the accession probe and what a release holds of ids).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from idmapping.store.plans import LookupPlan, Subset
from idmapping.store.schema import ENTRY_SHIFT, KEY_INDEX, key_expression
from idmapping.store.sql_taxonomy import taxon_sql

__all__ = ["same_entry", "entry_column", "entry_range", "xref_key", "sqlite_same_entry",
           "sqlite_entry_column", "sqlite_xref_sql", "derived_gene_name_sql",
           "postgres_derived_gene_name_sql", "subset_sql", "lookup_sql", "entry_hits_sql",
           "ENTRY_STAGING", "ENTRIES_FROM_STAGING", "FIND_ENTRIES_INDEX"]



def same_entry(alias: str, entry: str, db: int) -> str:
    """The condition that xrefs row *alias* is one of entry *entry*'s ids in database *db*."""
    return f"{alias}.entry = {entry} AND {alias}.db = {db}"


def entry_column(alias: str) -> str:
    """The entry number of xrefs row *alias* (an SQL expression)."""
    return f"{alias}.entry"


def xref_key(alias: str, parts: frozenset[str] | bool) -> str:
    """The lookup key of xrefs row *alias*, as the release's key index is built on it: its
    ``key`` column in a release loaded before :data:`~idmapping.store.schema.KEY_INDEX`, else
    :data:`~idmapping.store.schema.KEY_EXPRESSION` (NULL where it is the value in lower case).

    :param parts: the release's parts (:data:`~idmapping.store.schema.RELEASE_PARTS`), or
        whether it has that index.
    """
    if parts is True or (not isinstance(parts, bool) and KEY_INDEX in parts):
        return key_expression(alias)
    return f"{alias}.key"


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


class XrefSql(TypedDict):
    """How a backend's queries of results over documents read xrefs row ``x``
    (:func:`~idmapping.store.sql_results.filter_sql`'s parameters of that name)."""

    entry_xrefs: str
    xref_entry: str
    xref_key: str


def sqlite_xref_sql(parts: frozenset[str]) -> XrefSql:
    """How SQLite's queries of results over documents read xrefs row ``x`` of a release with
    *parts*: the ``entry_xrefs``, ``xref_entry`` and ``xref_key`` of
    :func:`~idmapping.store.sql_results.filter_sql`."""
    return {"entry_xrefs": entry_range("x", "m.id"), "xref_entry": sqlite_entry_column("x"),
            "xref_key": xref_key("x", parts)}


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


def postgres_derived_gene_name_sql(codes: dict[str, int]) -> str:
    """PostgreSQL's :func:`derived_gene_name_sql` in one statement, reading xrefs once: the
    ordered-locus names of an entry with no Gene_Name row, else its ORF names (the rows of
    the second statement there are those of entries with neither a Gene_Name nor an
    ordered-locus name). The rows of the three databases alone are sorted by entry."""
    gene, oln, orf = codes["Gene_Name"], codes["Gene_OrderedLocusName"], codes["Gene_ORFName"]
    return (f"INSERT INTO xrefs (entry, db, value, key) SELECT entry, {gene}, value, key FROM "
            f"(SELECT entry, db, value, key, bool_or(db = {gene}) OVER named AS named, "
            f"bool_or(db = {oln}) OVER named AS loci FROM xrefs "
            f"WHERE db IN ({gene}, {oln}, {orf}) WINDOW named AS (PARTITION BY entry)) x "
            f"WHERE NOT x.named AND (x.db = {oln} OR NOT x.loci)")


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


def _hits_sql(plan: LookupPlan, codes: dict[str, int], entry_of: Callable[[str], str],
              tables: frozenset[str]) -> str:
    """The ``(seq, entry[, isoform])`` rows of *plan*'s inputs found in the release: the
    entries of the accessions and entry names given, or of the ids of ``plan.source``."""
    if plan.source == "uniprot":
        # isoform: the number of the isoform an accession input names (in its version column)
        return (
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
    code = codes.get(plan.source)
    if code is None:
        return "SELECT i.seq, 0 AS entry FROM input i WHERE 1 = 0"
    return (
        # CROSS JOIN: SQLite keeps the input as the outer loop, probing the key index (it
        # would otherwise scan every stored id of the database for a small input)
        f"SELECT i.seq, {entry_of('x')} AS entry FROM input i CROSS JOIN xrefs x "
        f"WHERE x.db = {code} AND {xref_key('x', tables)} = i.key "
        "AND (i.version IS NULL OR lower(x.value) = i.version)"
    )


def entry_hits_sql(plan: LookupPlan, codes: dict[str, int], entry_of: Callable[[str], str],
                   taxonomy: bool = False, tables: frozenset[str] = frozenset(),
                   values: bool = True) -> tuple[str, str, list[Any]]:
    """:func:`lookup_sql` of ids of another database than UniProtKB to UniProtKB or Swiss-Prot
    in two queries, for a backend that orders the rows itself (SQLite: issue 18).

    The first takes the inputs' keys as one JSON array (no input table: binding 400,000
    values of 100,000 inputs took longer than the probes) and gives their hits as three JSON
    arrays of the same length: the position of the key in that array, the entry and the
    value found in lower case (as ``lookup_sql`` compares it with an input's version). The
    second takes a JSON array of entry numbers (its last parameter, after the *params*
    returned) and gives those that pass the target and the taxon, as three JSON arrays of the
    same length: their number, accession and ``reviewed``. Sorting the entry numbers before
    the second lets it read the entries in the order of their keys, beside each other, where
    the one query read them at random (100,000 RefSeq ids of the 1M release: 121,068 probes
    of a table of about 50 MB). The rows of :func:`lookup_sql` are then each hit's ``(seq,
    accession, 0)`` whose input has no version or that version, and whose entry passed,
    ordered by ``seq``, ``reviewed`` (1 first, NULL last) and accession.

    :param values: the first query gives the values found; else an empty array in their
        place (no input has a version: 311,555 hits of 20,000 gene names lowered and quoted
        for nothing).
    """
    if plan.source == "uniprot" or plan.target not in ("uniprotkb", "swissprot"):
        raise ValueError(f"no lookup by entry from {plan.source} to {plan.target}")
    head, taxon, params = taxon_sql(plan.taxon, plan.descendants and taxonomy, tables,
                                    plan.walk)
    reviewed = " AND e.reviewed = 1" if plan.target == "swissprot" else ""
    code = codes.get(plan.source)
    # CROSS JOIN: the keys stay the outer loop, each probing the key index
    found = "json_group_array(lower(x.value))" if values else "'[]'"
    hits = (f"SELECT json_group_array(j.key), json_group_array({entry_of('x')}), "
            f"{found} FROM json_each(?) j CROSS JOIN xrefs x "
            f"WHERE x.db = {code} AND {xref_key('x', tables)} = j.value"
            if code is not None else "SELECT '[]', '[]', '[]' WHERE ? IS NOT NULL")
    # CROSS JOIN: the entries probed by their key, in the order of the array
    entries = (f"{head}SELECT json_group_array(e.id), json_group_array(e.accession), "
               f"json_group_array(e.reviewed) FROM json_each(?) j CROSS JOIN entries e "
               f"ON e.id = j.value{taxon}{reviewed}")
    return hits, entries, params


def lookup_sql(plan: LookupPlan, codes: dict[str, int],
               entry_rows: Callable[[str, str, int], str] = same_entry,
               entry_of: Callable[[str], str] = entry_column, taxonomy: bool = False,
               tables: frozenset[str] = frozenset(), by_entry: bool = False
               ) -> tuple[str, list[Any]]:
    """The one query answering *plan*: ``(seq, to, obsolete)`` rows ordered for output.

    The input is the temporary table ``input(seq, key, kind, version)``. With *taxonomy* (the
    release holds one) and ``plan.descendants``, the taxon's descendants pass too
    (:data:`IN_CLADE` where the release has ``taxon_spans``, else :data:`DESCENDANTS`);
    otherwise the taxon alone. A taxon merged into another stands for the other, where the
    release has ``taxon_merged``.

    :param tables: the release's parts (:data:`~idmapping.store.schema.RELEASE_PARTS`: a
        release loaded before some came lacks them): its taxonomy tables, its key index.

    :param by_entry: ids of another database than UniProtKB are found first, then sorted by
        their entries, so that the entries (and their xrefs) are read in the order of their
        keys (PostgreSQL's nested loops: issue 18, 100,000 RefSeq ids against the 1M release,
        0.38-0.43 s of query instead of 0.58-0.67 s).
    :param entry_rows: how a backend finds an entry's xrefs (:func:`same_entry` by default).
    :param entry_of: how it reads an xref's entry (:func:`entry_column` by default).
    """
    params: list[Any] = []
    hits = _hits_sql(plan, codes, entry_of, tables)
    if by_entry and plan.source != "uniprot" and plan.source in codes:
        hits += " ORDER BY entry OFFSET 0"  # a subquery of its own, whose order the join keeps
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
