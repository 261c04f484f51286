"""The tables of a release, the same in every backend, and the document tables' columns.

A store holds any number of *releases* (each a complete, immutable copy of UniProt's mapping
data, built by the loader) of which one is *current*, and the *jobs* with their ordered results.
Release tables::

    dbs(code, name)                      ID_type names of idmapping.dat, as small integers
    entries(id, accession, name, reviewed, taxon)   one row per UniProtKB entry
    xrefs(entry, db, value, key)         one row per (entry, database, id); key = lookup_key(value)
    secondary(accession, primary_acc)    sec_ac.txt
    deleted(accession, source)           delac_sp.txt (sp) and delac_tr.txt (tr)
    kb_entries(accession, ..., doc, flat)  UniProtKB entries: JSON document (compressed), the
                                         flat-file text if read from one, filter columns
    uniref_entries(id, ..., doc)         UniRef light entries
    uniparc_entries(upi, ..., doc)       UniParc light entries
    uniparc_xrefs(db, key, upi)          UniParc ids of EMBL, RefSeq and GI ids (suggestions)

The document tables' columns are :data:`DOCUMENT_COLUMNS`; their rows are made from an entry's
JSON by :mod:`idmapping.uniprot.summary`.
"""

from __future__ import annotations

__all__ = ["DOCUMENT_TABLES", "DOCUMENT_COLUMNS", "DOCUMENT_INDEXES", "document_schema"]

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
        ("doc", "bytes"), ("flat", "bytes"),
    ),
    "uniref": (
        ("id", "text"), ("identity", "int"), ("name", "text"), ("count", "int"),
        ("length", "int"), ("taxon", "int"), ("organism", "text"), ("modified", "text"),
        ("members", "text"), ("doc", "bytes"),
    ),
    "uniparc": (
        ("upi", "text"), ("length", "int"), ("checksum", "text"), ("first_seen", "text"),
        ("last_seen", "text"), ("accessions", "text"), ("doc", "bytes"),
    ),
}
"""Column names and kinds of each document table; the first column is its key."""

DOCUMENT_INDEXES = (
    "CREATE INDEX kb_entries_key ON kb_entries (accession)",
    "CREATE INDEX kb_entries_canonical ON kb_entries (canonical)",
    "CREATE INDEX uniref_entries_key ON uniref_entries (id)",
    "CREATE INDEX uniparc_entries_key ON uniparc_entries (upi)",
    "CREATE INDEX uniparc_xrefs_key ON uniparc_xrefs (db, key)",
)
"""Indexes of the document tables, built after the load."""


def document_schema(kind: str, types: dict[str, str], primary: bool = False) -> str:
    """``CREATE TABLE`` of a document table, column kinds mapped through *types*.

    :param primary: declare the first column the primary key (SQLite, which then replaces a
        repeated entry).
    """
    columns = ", ".join(f"{name} {types[kind_]}" + (" PRIMARY KEY" if primary and n == 0 else "")
                        for n, (name, kind_) in enumerate(DOCUMENT_COLUMNS[kind]))
    return f"CREATE TABLE {DOCUMENT_TABLES[kind]} ({columns})"
