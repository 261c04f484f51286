"""The SQL of NCBI's taxonomy in a release: a ``taxId`` as a condition on entries (the taxon
alone, or its clade by spans or by walking the tree), merged and deleted taxa, names and
lineages, and the statements that finish a taxonomy load. Written as
:mod:`~idmapping.store.sql` writes its queries.
"""

from __future__ import annotations

from typing import Any

__all__ = ["taxon_sql", "TAXONOMY_FINISH", "taxa_named_sql", "taxon_names_sql", "lineages_sql",
           "lineage_paths_sql", "merged_sql", "IN_CLADE_OF", "IN_NAMED_CLADE", "TAXA_IN_CLADE",
           "TAXA_IN_NAMED_CLADE", "TAXON_FATE_SQL",
           "DESCENDANTS", "ASKED_TAXON", "CLADE", "IN_CLADE"]


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


LINEAGE_DEPTH = 200
"""The deepest lineage read (NCBI's deepest is about 50 taxa): the walk's bound, so that a loop
in a taxonomy ends it."""


def lineage_paths_sql(rel: str, count: int) -> str:
    """``(taxon, depth, ancestor, name, rank)`` rows: each of *count* given taxa with itself
    (depth 0) and every taxon above it, numbered upwards, with their scientific names and ranks;
    walked up the taxonomy's key, as :func:`lineages_sql`."""
    marks = ", ".join("(?)" for _ in range(count))
    return (f"WITH RECURSIVE given(taxon) AS (VALUES {marks}), "
            "up(taxon, depth, ancestor) AS (SELECT taxon, 0, taxon FROM given UNION ALL "
            f"SELECT u.taxon, u.depth + 1, t.parent FROM up u JOIN {rel}taxonomy t "
            f"ON t.taxon = u.ancestor WHERE t.parent <> t.taxon AND u.depth < {LINEAGE_DEPTH}) "
            f"SELECT u.taxon, u.depth, u.ancestor, a.name, a.rank FROM up u "
            f"JOIN {rel}taxonomy a ON a.taxon = u.ancestor")


IN_CLADE_OF = (
    "({column} = ? OR EXISTS (SELECT 1 FROM {rel}taxon_spans c JOIN {rel}taxon_spans s "
    "ON s.taxon = ? WHERE c.taxon = {column} AND c.low BETWEEN s.low AND s.high))")
"""A query's ``taxonomy_id:N``: the taxon in ``{column}`` is N or one of its descendants, by
clade spans (two lookups by key per row); without a taxonomy loaded the spans are empty and
only N itself matches. Takes N twice; ``{column}`` is replaced, ``{rel}`` left to the store."""


IN_NAMED_CLADE = (
    "EXISTS (SELECT 1 FROM {rel}taxonomy n JOIN {rel}taxon_spans s ON s.taxon = n.taxon "
    "JOIN {rel}taxon_spans c ON c.taxon = {column} "
    "WHERE lower(n.name) = ? AND c.low BETWEEN s.low AND s.high)")
"""A query's ``taxonomy_name:X``: the taxon in ``{column}`` is a taxon whose scientific name is
X (lower case) or one of its descendants, as one set query: the names by the taxonomy's
``lower(name)`` index, their clades by the spans' key, the row's taxon by the spans' key
(never the clade's taxa one by one). Without a taxonomy loaded nothing matches. Takes X once;
``{column}`` is replaced, ``{rel}`` left to the store."""


_TAXA_SPANS = (
    "EXISTS (SELECT 1 FROM {taxa_rows} JOIN {rel}taxon_spans c "
    "ON c.taxon = CAST(NULLIF(s.value, '') AS integer) ")

TAXA_IN_CLADE = (
    _TAXA_SPANS + "JOIN {rel}taxon_spans k ON k.taxon = ? WHERE c.low BETWEEN k.low AND k.high)")
"""UniParc's ``taxonomy_id:N``: one of the taxa of the row's token column (``" 9606 10090 "``,
its rows ``s(value)`` made by the store in place of ``{taxa_rows}``) is below N: each of the
row's few taxa found by the spans' key, N's span by its key, never the clade's taxa. Takes N
once (the taxon itself is matched by its token)."""

TAXA_IN_NAMED_CLADE = (
    _TAXA_SPANS + "JOIN {rel}taxonomy n ON lower(n.name) = ? JOIN {rel}taxon_spans k "
    "ON k.taxon = n.taxon WHERE c.low BETWEEN k.low AND k.high)")
"""UniParc's ``taxonomy_name:X``: one of the row's taxa is at or below a taxon whose scientific
name is X (lower case), the names found by the ``lower(name)`` index. Takes X once."""


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
