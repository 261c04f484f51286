"""The tables of a release, the same in every backend, and the document tables' columns.

A store holds any number of *releases* (each a complete, immutable copy of UniProt's mapping
data, built by the loader) of which one is *current*, and the *jobs* with their ordered results.
Release tables::

    dbs(code, name)                      ID_type names of idmapping.dat, as small integers
    entries(id, accession, name, reviewed, taxon)   one row per UniProtKB entry
    xrefs(entry, db, value, key)         one row per (entry, database, id); key = lookup_key(value),
                                         or NULL where that is the value in lower case
                                         (:data:`KEY_EXPRESSION`)
    isoform_xrefs(entry, db, value, isoform)  the ids that idmapping.dat gives to an isoform
                                         (``P04637-2  RefSeq_NT  NM_001126114.2``): which of
                                         the entry's xrefs belong to which isoform (``2``)
    secondary(accession, primary_acc)    sec_ac.txt
    deleted(accession, source)           delac_sp.txt (sp) and delac_tr.txt (tr)
    kb_entries(accession, ..., doc, flat)  UniProtKB entries: JSON document (compressed), the
                                         flat-file text if read from one, filter columns
    kb_terms(accession, field, terms)    the words of UniProtKB search fields (cc_*, ft_*,
                                         go_*, lit_* …), one row per entry and field
                                         (:mod:`idmapping.store.termfields`)
    uniref_entries(id, ..., doc)         UniRef light entries
    uniparc_entries(upi, ..., doc)       UniParc light entries
    uniparc_xrefs(db, key, upi)          UniParc ids of EMBL, RefSeq and GI ids (suggestions),
                                         and of deleted accessions (db ``UniProtKB``)
    taxonomy(taxon, parent, rank, name)  NCBI's taxonomy (taxdump nodes.dmp, with the scientific
                                         names of names.dmp); empty without them
    taxon_spans(taxon, low, high)        each taxon's clade as a range of depth-first numbers
    taxon_merged(old, new)               merged.dmp: taxa merged into others
    taxon_deleted(taxon)                 delnodes.dmp: taxa NCBI deleted

The document tables' columns are :data:`DOCUMENT_COLUMNS`; their rows are made from an entry's
JSON by :mod:`idmapping.uniprot.summary`.

Below them, each backend's own definitions: SQLite's main file and release files (whose xrefs
ids encode the entry, :data:`ENTRY_SHIFT`), and PostgreSQL's main schema and release schemas
(loaded into UNLOGGED staging tables, then written sorted and LOGGED, then indexed).
"""

from __future__ import annotations

__all__ = ["DOCUMENT_TABLES", "DOCUMENT_COLUMNS", "DOCUMENT_INDEXES", "document_schema",
           "TERMS_SCHEMA", "origin_sql",
           "TAXONOMY_INDEXES", "TAXONOMY_TABLES", "ANY_KEY", "ANY_KEY_INDEX", "KEY_INDEX",
           "KEY_EXPRESSION", "key_expression", "RELEASE_PARTS",
           "INACTIVE_UNIPROTKB", "ENTRY_SHIFT",
           "DERIVED", "SQLITE_MAIN",
           "SQLITE_RELEASE", "SQLITE_RELEASE_INDEXES",
           "POSTGRES_MAIN", "POSTGRES_RELEASE_PREFIX", "POSTGRES_MAIN_TABLES",
           "POSTGRES_STAGING", "POSTGRES_XREFS_MERGE", "POSTGRES_FINAL", "POSTGRES_INDEXES",
           "POSTGRES_INPUT"]

INACTIVE_UNIPROTKB = "UniProtKB"
"""The ``db`` of the uniparc_xrefs rows naming the UniParc entries of accessions that UniParc XML
lists as inactive (``active="N"``): a deleted accession's sequence."""

DOCUMENT_TABLES = {"uniprotkb": "kb_entries", "uniref": "uniref_entries",
                   "uniparc": "uniparc_entries"}
"""The release table of each kind of entry document."""

DOCUMENT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "uniprotkb": (
        ("accession", "text"), ("canonical", "text"), ("name", "text"), ("reviewed", "int"),
        ("isoform", "int"), ("taxon", "int"), ("organism", "text"), ("length", "int"),
        ("mass", "int"), ("existence", "int"), ("created", "text"), ("modified", "text"),
        ("version", "int"), ("protein", "text"), ("gene", "text"), ("gene_sort", "text"),
        ("ec", "text"), ("go", "text"), ("keyword", "text"), ("xref", "text"),
        ("score", "int"), ("fragment", "int"), ("proteins_with", "text"),
        ("scientific", "text"), ("proteomes", "text"),
        ("doc", "bytes"), ("flat", "bytes"),
    ),
    "uniref": (
        ("id", "text"), ("identity", "int"), ("name", "text"), ("count", "int"),
        ("length", "int"), ("taxon", "int"), ("organism", "text"), ("modified", "text"),
        ("members", "text"), ("clusters", "text"), ("doc", "bytes"),
    ),
    "uniparc": (
        ("upi", "text"), ("length", "int"), ("checksum", "text"), ("first_seen", "text"),
        ("last_seen", "text"), ("accessions", "text"), ("databases", "text"),
        ("database", "text"), ("active", "text"), ("dbid", "text"), ("taxa", "text"),
        ("gene", "text"), ("protein", "text"), ("proteome", "text"), ("feature", "text"),
        ("component", "text"), ("doc", "bytes"),
    ),
}
"""Column names and kinds of each document table; the first column is its key.

``score``, ``fragment``, ``proteins_with``, ``scientific`` (the organism's scientific name)
and ``proteomes`` (UniProtKB's facets) came later, and so did
UniParc's columns after ``accessions`` (its cross-references' databases, ids and taxa, gene,
protein, proteome and feature ids, proteome components), and UniRef's ``clusters`` (its
members' clusters): a release loaded before them lacks them (see
:data:`~idmapping.store.sql.OLD_FACETS` and :data:`~idmapping.store.sql.OLD_QUERY`)."""

TERMS_SCHEMA = "CREATE TABLE kb_terms (accession {text}, field {text}, terms {text})"
"""The table of the entries' search words (:mod:`idmapping.store.termfields`); a release
loaded before it has none, and its fields then answer
:data:`~idmapping.store.sql_results.OLD_QUERY`."""

DOCUMENT_INDEXES = (
    "CREATE INDEX kb_entries_key ON kb_entries (accession)",
    "CREATE INDEX kb_terms_entry ON kb_terms (accession, field)",
    "CREATE INDEX kb_entries_canonical ON kb_entries (canonical)",
    "CREATE INDEX uniref_entries_key ON uniref_entries (id)",
    "CREATE INDEX uniparc_entries_key ON uniparc_entries (upi)",
    "CREATE INDEX uniparc_xrefs_key ON uniparc_xrefs (db, key)",
)
"""Indexes of the document tables, built after the load."""

ANY_KEY = "xrefs_any_key"
"""The name of the index of xrefs by key alone (:data:`ANY_KEY_INDEX`)."""

ANY_KEY_INDEX = f"CREATE INDEX {ANY_KEY} ON xrefs {{}}"
"""The index of xrefs by key whatever the database (its columns to be filled in): ``detect``
and ``explain`` look an id up in every database at once with one probe of it, not one probe
per database of the (db, key) index (100,000 ids in 97 databases: 10 million probes). A
release loaded before it has none; those queries then probe per database. A release loaded
since :data:`KEY_INDEX` came has neither: that index serves both kinds of probe."""

def key_expression(alias: str = "") -> str:
    """:data:`KEY_EXPRESSION` of the xrefs row *alias* (its columns qualified by it)."""
    of = f"{alias}." if alias else ""
    return f"CAST(coalesce({of}key, lower({of}value)) AS TEXT)"


KEY_EXPRESSION = key_expression()
"""An xrefs row's lookup key in a release with :data:`KEY_INDEX`: its ``key`` column, which
is NULL where the key is the value in lower case as SQL's ``lower()`` makes it (ASCII letters
only, in both backends: SQLite's built-in one, PostgreSQL's in the "C" collation), that is for
most ids (issue 18: the key was stored in the table and in two indexes). A value with other
letters, or with a version, keeps its key (Python's lower case, without the version). Queries
name the key with this expression (:func:`idmapping.store.sql.xref_key`), so that the index
on it is used. The CAST gives it TEXT affinity in SQLite, without which SQLite does not use
the index to compare it with a TEXT column (the input table's keys); PostgreSQL drops it."""

KEY_INDEX = "xrefs_by_key"
"""The one index of xrefs by key (:data:`KEY_EXPRESSION`), then database: it serves the
lookups by (database, key), which are equalities, and the probes by key alone. Its presence
tells a release whose keys may be NULL: a release loaded before it stores every key, and has
the (db, key) index ``xrefs_key`` and (in those loaded since issue 17) :data:`ANY_KEY`."""

TAXONOMY_TABLES = ("taxonomy", "taxon_spans", "taxon_merged", "taxon_deleted")
"""The taxonomy's tables: the taxa (nodes.dmp, names.dmp), their clades as ranges
(:mod:`idmapping.store.taxonspans`), merged taxa (merged.dmp) and deleted ones (delnodes.dmp).
A release loaded before the last three came has only the first."""

RELEASE_PARTS = (*TAXONOMY_TABLES, ANY_KEY, KEY_INDEX)
"""Tables and indexes that a release loaded by an earlier version may lack: a store looks up
which of them a release has, and reads it accordingly."""

TAXONOMY_INDEXES = (
    # a taxon's children: the step of the recursive query of a taxon's descendants
    "CREATE INDEX taxonomy_parent ON taxonomy (parent, taxon)",
    "CREATE INDEX taxonomy_name ON taxonomy (lower(name))",
)
"""Indexes of the taxonomy, built after the load (the taxon is the key)."""


def document_schema(kind: str, types: dict[str, str], primary: bool = False) -> str:
    """``CREATE TABLE`` of a document table, column kinds mapped through *types*.

    :param primary: declare the first column the primary key (SQLite, which then replaces a
        repeated entry).
    """
    columns = ", ".join(f"{name} {types[kind_]}" + (" PRIMARY KEY" if primary and n == 0 else "")
                        for n, (name, kind_) in enumerate(DOCUMENT_COLUMNS[kind]))
    return f"CREATE TABLE {DOCUMENT_TABLES[kind]} ({columns})"


# -- SQLite -----------------------------------------------------------------------------------

SQLITE_MAIN = """
CREATE TABLE IF NOT EXISTS releases (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL, created TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 0, file TEXT NOT NULL, stats TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, from_db TEXT NOT NULL, to_db TEXT NOT NULL,
    tax_id TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    release TEXT NOT NULL DEFAULT '', result_count INTEGER NOT NULL DEFAULT 0,
    obsolete_count INTEGER NOT NULL DEFAULT 0, warnings TEXT NOT NULL DEFAULT '[]',
    errors TEXT NOT NULL DEFAULT '[]', failed_ids TEXT NOT NULL DEFAULT '[]',
    suggested_ids TEXT NOT NULL DEFAULT '[]', ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_texts (job TEXT PRIMARY KEY, ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_results (
    job TEXT NOT NULL, seq INTEGER NOT NULL, from_id TEXT NOT NULL, to_id TEXT NOT NULL,
    PRIMARY KEY (job, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_result_runs (
    job TEXT NOT NULL, seq INTEGER NOT NULL, ids TEXT NOT NULL, PRIMARY KEY (job, seq));
CREATE TABLE IF NOT EXISTS job_result_blocks (
    job TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL, pairs TEXT NOT NULL,
    PRIMARY KEY (job, seq));
CREATE TABLE IF NOT EXISTS download_jobs (
    id TEXT PRIMARY KEY, job TEXT NOT NULL, format TEXT NOT NULL, fields TEXT,
    compressed INTEGER NOT NULL, status TEXT NOT NULL, created REAL NOT NULL,
    updated REAL NOT NULL, error TEXT NOT NULL DEFAULT '', total INTEGER NOT NULL DEFAULT 0,
    processed INTEGER NOT NULL DEFAULT 0, result_file TEXT NOT NULL DEFAULT '');
"""
"""The main file: the list of releases, the jobs (their submitted ids in ``job_texts``:
``SqlStore.ids_apart``; their results as rows, runs of ids and blocks of pairs:
``SqlStore.result_blocks``) and the download jobs."""

# An xrefs row's id is its entry's number shifted left by ENTRY_SHIFT, plus the row's number
# within the entry: the rows of an entry are one range of the table (read without an index),
# the entry is in every index entry (as the rowid), and rows read from idmapping.dat, grouped by
# entry, are appended in id order. Lookups read the entry as ``id >> ENTRY_SHIFT``, which the
# (db, key) index covers (SQLite does not see that the generated ``entry`` column is covered).
ENTRY_SHIFT = 20
DERIVED = 1 << (ENTRY_SHIFT - 1)
"""Added to an ordered-locus or ORF name's row id for the Gene_Name row derived from it."""

SQLITE_RELEASE = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dbs (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, accession TEXT NOT NULL, name TEXT,
    reviewed INTEGER, taxon INTEGER);
CREATE TABLE xrefs (id INTEGER PRIMARY KEY, db INTEGER NOT NULL, value TEXT NOT NULL,
    key TEXT, entry INTEGER GENERATED ALWAYS AS (id >> {ENTRY_SHIFT}) VIRTUAL);
CREATE TABLE isoform_xrefs (entry INTEGER NOT NULL, db INTEGER NOT NULL, value TEXT NOT NULL,
    isoform TEXT NOT NULL);
CREATE TABLE secondary (accession TEXT NOT NULL, primary_acc TEXT NOT NULL);
CREATE TABLE deleted (accession TEXT PRIMARY KEY, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE uniparc_xrefs (db TEXT NOT NULL, key TEXT NOT NULL, upi TEXT NOT NULL);
CREATE TABLE taxonomy (taxon INTEGER PRIMARY KEY, parent INTEGER NOT NULL, rank TEXT,
    name TEXT);
CREATE TABLE taxon_names (taxon INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE taxon_spans (taxon INTEGER PRIMARY KEY, low INTEGER NOT NULL,
    high INTEGER NOT NULL);
CREATE TABLE taxon_merged (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
CREATE TABLE taxon_deleted (taxon INTEGER PRIMARY KEY);
""" + "".join(document_schema(kind, {"text": "TEXT", "int": "INTEGER", "bytes": "BLOB"},
                              primary=True) + ";\n" for kind in DOCUMENT_COLUMNS) + \
    TERMS_SCHEMA.format(text="TEXT NOT NULL") + ";\n"
"""A release file, before its rows."""

SQLITE_RELEASE_INDEXES = (
    # value too: a versioned id (NP_000537.3) is checked in the index, not in the table
    # (100,000 RefSeq ids mapped in 0.33 s instead of 0.65 s; the index takes 1.7 s longer);
    # and key: SQLite reads an index on an expression as covering only where it holds the
    # columns the expression reads (a NULL key costs a byte)
    f"CREATE INDEX {KEY_INDEX} ON xrefs({KEY_EXPRESSION}, db, value, key)",
    "CREATE INDEX isoform_xrefs_value ON isoform_xrefs(entry, db, value)",
    "CREATE UNIQUE INDEX entries_accession ON entries(accession)",
    "CREATE INDEX entries_name ON entries(name)",
    "CREATE INDEX secondary_accession ON secondary(accession)",
    *TAXONOMY_INDEXES,
    *(i for i in DOCUMENT_INDEXES if "_key " not in i),  # the primary keys index those
)
"""A release file's indexes, built after its rows."""


# -- PostgreSQL -------------------------------------------------------------------------------

POSTGRES_MAIN = "idmapping"
"""The schema of the list of releases and the jobs."""

POSTGRES_RELEASE_PREFIX = "idmapping_r"
"""The schema of release N is this prefix and N."""

POSTGRES_MAIN_TABLES = (
    f"CREATE SCHEMA IF NOT EXISTS {POSTGRES_MAIN}",
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.releases (
        id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL,
        state text NOT NULL, created text NOT NULL, current boolean NOT NULL DEFAULT false,
        stats jsonb NOT NULL DEFAULT '{{}}')""",
    # the database itself refuses a second current release
    f"CREATE UNIQUE INDEX IF NOT EXISTS releases_current ON {POSTGRES_MAIN}.releases (current) "
    "WHERE current",
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.jobs (
        id text PRIMARY KEY, from_db text NOT NULL, to_db text NOT NULL, ids text NOT NULL,
        tax_id text NOT NULL, status text NOT NULL, created double precision NOT NULL,
        updated double precision NOT NULL, release text NOT NULL DEFAULT '',
        result_count bigint NOT NULL DEFAULT 0, failed_ids jsonb NOT NULL DEFAULT '[]',
        suggested_ids jsonb NOT NULL DEFAULT '[]', obsolete_count bigint NOT NULL DEFAULT 0,
        warnings jsonb NOT NULL DEFAULT '[]', errors jsonb NOT NULL DEFAULT '[]')""",
    f"CREATE INDEX IF NOT EXISTS jobs_updated ON {POSTGRES_MAIN}.jobs (updated)",
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.job_results (
        job text NOT NULL, seq bigint NOT NULL, from_id text NOT NULL, to_id text NOT NULL,
        PRIMARY KEY (job, seq))""",
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.job_result_runs (
        job text NOT NULL, seq bigint NOT NULL, ids json NOT NULL, PRIMARY KEY (job, seq))""",
    # text, not json: read back by orjson (the driver's JSON decoding costs more)
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.job_result_blocks (
        job text NOT NULL, seq bigint NOT NULL, size integer NOT NULL, pairs text NOT NULL,
        PRIMARY KEY (job, seq))""",
    f"""CREATE TABLE IF NOT EXISTS {POSTGRES_MAIN}.download_jobs (
        id text PRIMARY KEY, job text NOT NULL, format text NOT NULL, fields text,
        compressed integer NOT NULL, status text NOT NULL, created double precision NOT NULL,
        updated double precision NOT NULL, error text NOT NULL DEFAULT '',
        total bigint NOT NULL DEFAULT 0, processed bigint NOT NULL DEFAULT 0,
        result_file text NOT NULL DEFAULT '')""",
)
"""The main schema: the list of releases, the jobs and the download jobs."""

ORIGIN_TABLES = ("kb_entries", "kb_terms")
"""The staging tables whose rows are numbered by origin (:func:`origin_sql`)."""


def origin_sql(origin: int) -> list[str]:
    """Number the UniProtKB documents written next, and their words, *origin*: the load order
    of their batch (0: the base release's), which :data:`POSTGRES_FINAL` reads and drops. A
    column default, so that no value is sent per row, and a constant one, which COPY does not
    evaluate per row (a setting read by ``current_setting()`` cost a quarter of the COPY of
    the words)."""
    return [f"ALTER TABLE {table} ALTER COLUMN origin SET DEFAULT {int(origin)}"
            for table in ORIGIN_TABLES]


def _staged(create: str, origin: bool) -> str:
    """A ``CREATE TABLE`` of *create* as a staging table (unlogged); with *origin*, the column
    ``origin`` of :func:`origin_sql`."""
    create = create.replace("CREATE TABLE", "CREATE UNLOGGED TABLE")
    if origin:
        create = f"{create[:-1]}, origin integer NOT NULL DEFAULT 0)"
    return create


# Text is compared and sorted bytewise (COLLATE "C"), as SQLite does, so both stores order
# results alike whatever the database's locale; it also makes the indexes faster.
POSTGRES_STAGING = (
    'CREATE UNLOGGED TABLE meta (key text COLLATE "C" NOT NULL, value text NOT NULL)',
    'CREATE UNLOGGED TABLE dbs (code integer NOT NULL, name text COLLATE "C" NOT NULL)',
    'CREATE UNLOGGED TABLE entries (id integer NOT NULL, accession text COLLATE "C" NOT NULL, '
    'name text COLLATE "C", reviewed integer, taxon integer)',
    'CREATE UNLOGGED TABLE isoform_xrefs (entry integer NOT NULL, db integer NOT NULL, '
    'value text COLLATE "C" NOT NULL, isoform text COLLATE "C" NOT NULL)',
    # xrefs is the final table, LOGGED: rows that come in key order are COPYed into it
    # frozen; the others wait in xrefs_load (store/postgres_xrefs.py)
    'CREATE TABLE xrefs (entry integer NOT NULL, db integer NOT NULL, '
    'value text COLLATE "C" NOT NULL, key text COLLATE "C")',
    'CREATE UNLOGGED TABLE xrefs_load (entry integer NOT NULL, db integer NOT NULL, '
    'value text COLLATE "C" NOT NULL, key text COLLATE "C")',
    'CREATE UNLOGGED TABLE secondary (accession text COLLATE "C" NOT NULL, '
    'primary_acc text COLLATE "C" NOT NULL)',
    # n keeps the load order: the first of two rows for one accession wins, as in SQLite
    'CREATE UNLOGGED TABLE deleted_load (n bigint GENERATED ALWAYS AS IDENTITY, '
    'accession text COLLATE "C" NOT NULL, source text NOT NULL)',
    'CREATE UNLOGGED TABLE uniparc_xrefs (db text COLLATE "C" NOT NULL, '
    'key text COLLATE "C" NOT NULL, upi text COLLATE "C" NOT NULL)',
    'CREATE UNLOGGED TABLE taxonomy (taxon integer NOT NULL, parent integer NOT NULL, '
    'rank text COLLATE "C", name text COLLATE "C")',
    'CREATE UNLOGGED TABLE taxon_names (taxon integer NOT NULL, name text COLLATE "C" NOT NULL)',
    "CREATE UNLOGGED TABLE taxon_spans (taxon integer NOT NULL, low integer NOT NULL, "
    "high integer NOT NULL)",
    "CREATE UNLOGGED TABLE taxon_merged (old integer NOT NULL, new integer NOT NULL)",
    "CREATE UNLOGGED TABLE taxon_deleted (taxon integer NOT NULL)",
    *(_staged(document_schema(kind, {"text": 'text COLLATE "C"', "int": "bigint",
                                      "bytes": "bytea"}), kind == "uniprotkb")
      for kind in DOCUMENT_COLUMNS),
    _staged(TERMS_SCHEMA.format(text='text COLLATE "C" NOT NULL'), True),
)
"""A release's tables while its rows are loaded (no WAL while rows pour in)."""

POSTGRES_XREFS_MERGE = (
    'CREATE UNLOGGED TABLE xrefs_sorted (entry integer NOT NULL, db integer NOT NULL, '
    'value text COLLATE "C" NOT NULL, key text COLLATE "C")',
    # SQLite drops repeated rows on insert (its primary key); here one sort does it at the
    # end. DISTINCT ON always plans as one sort; a plain DISTINCT may hash and then sort
    # again (3 times slower when measured). key follows from (db, value), so the rows agree.
    "INSERT INTO xrefs_sorted SELECT DISTINCT ON (entry, db, value) entry, db, value, key "
    "FROM (SELECT entry, db, value, key FROM xrefs UNION ALL "
    "SELECT entry, db, value, key FROM xrefs_load) x ORDER BY entry, db, value",
    "DROP TABLE xrefs",
    "DROP TABLE xrefs_load",
    "ALTER TABLE xrefs_sorted RENAME TO xrefs",
)
"""The final xrefs, de-duplicated and sorted, from rows that did not all come in key order
(the final table and the staging one); made LOGGED with the other tables
(:data:`POSTGRES_FINAL`)."""

POSTGRES_FINAL = (
    'CREATE UNLOGGED TABLE deleted (accession text COLLATE "C" NOT NULL, '
    "source text NOT NULL)",
    "INSERT INTO deleted SELECT DISTINCT ON (accession) accession, source FROM deleted_load "
    "ORDER BY accession, n",
    "DROP TABLE deleted_load",
    # An entry given by two files keeps its last document, as SQLite's primary key keeps it:
    # COPY appends to a new table in order, so the later row has the larger ctid.
    *(f"DELETE FROM {table} a USING {table} b WHERE a.{DOCUMENT_COLUMNS[kind][0][0]} = "
      f"b.{DOCUMENT_COLUMNS[kind][0][0]} AND a.ctid < b.ctid"
      for kind, table in DOCUMENT_TABLES.items() if kind != "uniprotkb"),
    # ... and a UniProtKB entry the words of its last document alone: those of an earlier
    # origin than a document that replaced one go. The last but one document is replaced by
    # the last alone, so each replaced entry returns its last document's origin.
    "WITH replaced AS (DELETE FROM kb_entries a USING kb_entries b "
    "WHERE a.accession = b.accession AND a.ctid < b.ctid RETURNING b.accession, b.origin) "
    "DELETE FROM kb_terms t USING replaced r "
    "WHERE t.accession = r.accession AND t.origin < r.origin",
    "ALTER TABLE kb_entries DROP COLUMN origin",
    "ALTER TABLE kb_terms DROP COLUMN origin",
    # Rewriting a finished table as LOGGED writes whole pages to the WAL: faster than
    # logging each row as it is inserted (1.5 s against 6 s for 1.7M rows). xrefs is LOGGED
    # already unless its rows were merged (POSTGRES_XREFS_MERGE): then nothing is done.
    *(f"ALTER TABLE {table} SET LOGGED"
      for table in ("xrefs", "isoform_xrefs", "entries", "secondary", "deleted", "dbs", "meta",
                    "uniparc_xrefs", "kb_terms", *TAXONOMY_TABLES,
                    *DOCUMENT_TABLES.values())),
)
"""The final tables, de-duplicated and sorted, from the staging ones."""

_FULL_PAGES = "WITH (fillfactor = 100)"
"""A PostgreSQL index of a release fills its pages (B-trees leave 10% free by default, for
rows inserted later: a release's tables are never written after its load)."""

POSTGRES_INDEXES = (
    # An entry's rows by its number alone, not the primary key (entry, db, value) of the
    # releases loaded before issue 18: B-tree deduplication stores each entry once with its
    # rows' places (7.6 bytes a row on the generated releases, where the key took 41.4, the id
    # a second time); a lookup of an entry's ids of one database reads them from the table,
    # where an entry's rows lie together (written in (entry, db, value) order). The load drops
    # repeated rows itself (store/postgres_xrefs.py, POSTGRES_XREFS_MERGE).
    f"CREATE INDEX xrefs_entry ON xrefs (entry) {_FULL_PAGES}",
    # covering, so that id → entry lookups never visit the table (key too: the planner
    # reads an expression's index alone only where it holds the columns the expression reads;
    # a row whose key is kept holds its id three times, at most 2,704 bytes: ids of 900)
    f"CREATE INDEX {KEY_INDEX} ON xrefs (({KEY_EXPRESSION}), db) INCLUDE (entry, value, key) "
    f"{_FULL_PAGES}",
    f"CREATE INDEX isoform_xrefs_value ON isoform_xrefs (entry, db, value) {_FULL_PAGES}",
    f"ALTER TABLE entries ADD PRIMARY KEY (id) {_FULL_PAGES}",
    f"CREATE UNIQUE INDEX entries_accession ON entries (accession) {_FULL_PAGES}",
    f"CREATE INDEX entries_name ON entries (name) {_FULL_PAGES}",
    f"CREATE INDEX secondary_accession ON secondary (accession) {_FULL_PAGES}",
    f"ALTER TABLE deleted ADD PRIMARY KEY (accession) {_FULL_PAGES}",
    "ALTER TABLE dbs ADD PRIMARY KEY (code)",
    "ALTER TABLE meta ADD PRIMARY KEY (key)",
    "ALTER TABLE taxonomy ADD PRIMARY KEY (taxon)",
    "ALTER TABLE taxon_spans ADD PRIMARY KEY (taxon)",
    "ALTER TABLE taxon_merged ADD PRIMARY KEY (old)",
    "ALTER TABLE taxon_deleted ADD PRIMARY KEY (taxon)",
    *TAXONOMY_INDEXES,
    *DOCUMENT_INDEXES,
)
"""A release's indexes, built in the load's transaction."""

POSTGRES_INPUT = (
    # emptied by every commit or rollback: each lookup starts with an empty table
    'CREATE TEMP TABLE IF NOT EXISTS input (seq integer NOT NULL, key text COLLATE "C" '
    'NOT NULL, kind text NOT NULL, version text COLLATE "C") ON COMMIT DELETE ROWS',
    "CREATE INDEX IF NOT EXISTS input_key ON input (key)",
)
"""The input table of lookups, one per session."""
