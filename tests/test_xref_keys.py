"""Lookup keys stored only where SQL cannot find them from the value (issue 18: store size).

An xrefs row's key is NULL where it is the value in lower case as SQL's ``lower()`` makes it
(``store/schema.py``, KEY_EXPRESSION), and one index by that expression serves every lookup.
Checked here on both stores: what each row stores, on both generated releases; that ids whose
key is left out and ids that keep one (a version, letters beyond ASCII) map, are detected and
explained, whether idmapping.dat is read a batch of columns at a time or row by row; and that
a release loaded before (every key stored, the (db, key) index, with or without the index by
key alone of issue 17; in PostgreSQL, the primary key (entry, db, value) in place of the index
by entry) still answers alike.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from idmapping.catalogue import Catalogue
from idmapping.detect import detect_ids
from idmapping.explain import explain_ids
from idmapping.ids import lookup_key
from idmapping.loader import ReleaseBuilder, load_release
from idmapping.model import MappingRequest
from idmapping.store import Store
from idmapping.store.plans import HoldingsPlan, LookupPlan, stored_key
from idmapping.store.schema import ANY_KEY, KEY_INDEX
from idmapping.store.sql import lookup_sql, sqlite_entry_column, sqlite_same_entry
from idmapping.store.sql_probes import holdings_params, holdings_sql, sqlite_json_rows
from releases import ReleaseFacts
from stores import (
    BACKENDS,
    POSTGRES_PRIMARY_KEY,
    check_xref_counts,
    fresh_store,
    older_xrefs,
    pairs,
    rewritten,
)

CATALOGUE = Catalogue.default()

ROWS = [
    ("P04637", "UniProtKB-ID", "P53_HUMAN"),
    ("P04637", "NCBI_TaxID", "9606"),
    ("P04637", "Gene_Name", "TP53"),  # key left out: SQL's lower(value) gives it
    ("P04637", "GeneID", "7157"),
    ("P04637", "RefSeq", "NP_000537.3"),  # versioned: the key without the version is kept
    ("P04637", "RefSeq_NT", "NM_000546"),  # versioned, written without one: no key kept
    ("Q9XYZ1", "UniProtKB-ID", "Q9XYZ1_HUMAN"),
    ("Q9XYZ1", "NCBI_TaxID", "9606"),
    ("Q9XYZ1", "Gene_Name", "ÄRGER1"),  # beyond ASCII: Python's lower case, kept
    ("Q9XYZ1", "Gene_Name", "Straße"),
    ("Q9XYZ1", "GeneID", "42"),
]
"""idmapping.dat lines of two entries."""

STORED = {"TP53": None, "7157": None, "NP_000537.3": "np_000537",
          "NM_000546": None, "ÄRGER1": "ärger1", "Straße": "straße", "42": None}
"""The key each value's row stores."""


def _load(store: Store, tmp_path: Path, columns: bool) -> None:
    """The two entries, read as load_release reads idmapping.dat (Arrow batches) or row by
    row (what entry files and idmapping_selected.tab give the builder)."""
    if columns:
        dat = tmp_path / "idmapping.dat"
        dat.write_text("".join(f"{a}\t{t}\t{v}\n" for a, t, v in ROWS), encoding="utf-8")
        load_release([dat], store)
        return
    builder = ReleaseBuilder(store)
    try:
        builder.add_mappings(ROWS)
        builder.commit("2026_01")
    except BaseException:
        builder.abort()
        raise


Answers = tuple[list[list[tuple[str, str]]], list[tuple[str, list[str]]], list[dict[str, Any]]]


def _answers(store: Store) -> Answers:
    """What the two entries' ids answer: mappings both ways, holdings, explanations."""
    maps = [
        pairs(store, "Gene_Name", "UniProtKB", "tp53", "TP53", "Ärger1", "ärger1", "STRASSE",
              "straße", "STRAßE"),
        pairs(store, "RefSeq_Protein", "UniProtKB", "NP_000537.3", "np_000537",
              "NP_000537.4"),
        pairs(store, "RefSeq_Nucleotide", "UniProtKB", "NM_000546", "NM_000546.2"),
        pairs(store, "GeneID", "UniProtKB", "7157", "42"),
        pairs(store, "UniProtKB_AC-ID", "Gene_Name", "P04637", "Q9XYZ1"),
        pairs(store, "UniProtKB_AC-ID", "RefSeq_Protein", "P04637"),
    ]
    ids = ["tp53", "ÄRGER1", "np_000537.3", "NP_000537", "7157", "NM_000546.9", "nope"]
    detected = [(h.id, sorted(d.database for d in h.databases))
                for h in detect_ids(store, ids).ids]
    request = MappingRequest("Gene_Name", "UniProtKB", ("ärger1", "7157", "NP_000537.3"), "1")
    _, explained = explain_ids(store, request, list(request.ids))
    return maps, detected, [e.to_dict() for e in explained]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("columns", [True, False], ids=["columns", "rows"])
def test_ids_whose_key_is_left_out_or_kept_map_alike(backend: str, columns: bool,
                                                     tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        _load(store, tmp_path, columns)
        assert KEY_INDEX in store._release_parts()
        stored = dict(store._release_rows("SELECT value, key FROM {rel}xrefs"))
        assert stored == STORED
        assert check_xref_counts(store) == (backend == "sqlite")  # counted as they came
        maps, detected, explained = _answers(store)
    p53, other = "P04637", "Q9XYZ1"
    assert maps == [
        [("tp53", p53), ("TP53", p53), ("Ärger1", other), ("ärger1", other), ("straße", other),
         ("STRAßE", other)],  # "STRASSE" is not "straße" in lower case
        [("NP_000537.3", p53), ("np_000537", p53)],  # another version is another id
        [("NM_000546", p53)],
        [("7157", p53), ("42", other)],
        [(p53, "TP53"), (other, "Straße"), (other, "ÄRGER1")],
        [(p53, "NP_000537.3")],
    ]
    assert detected == [("tp53", ["Gene_Name"]), ("ÄRGER1", ["Gene_Name"]),
                        ("np_000537.3", ["RefSeq_Protein"]), ("NP_000537", ["RefSeq_Protein"]),
                        ("7157", ["GeneID"]), ("NM_000546.9", []), ("nope", [])]
    # taxon 1 holds none of them: each is explained as held, but in other taxa or databases
    assert [e["id"] for e in explained] == ["ärger1", "7157", "NP_000537.3"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("any_key", [True, False], ids=["issue17", "before"])
def test_a_release_loaded_with_every_key_stored_answers_alike(backend: str, any_key: bool,
                                                               tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        _load(store, tmp_path, columns=True)
        before = _answers(store)
        with rewritten(store, backend, tmp_path, older_xrefs(backend, any_key)) as old:
            parts = old._release_parts()
            assert KEY_INDEX not in parts and (ANY_KEY in parts) == any_key
            assert None not in dict(old._release_rows("SELECT value, key FROM {rel}xrefs"))
            assert _answers(old) == before


@pytest.mark.parametrize("columns", [True, False], ids=["columns", "rows"])
def test_a_postgresql_release_with_the_primary_key_answers_alike(columns: bool,
                                                                 tmp_path: Path) -> None:
    """A release loaded with the index by key of issue 18 and the primary key (entry, db,
    value) it had then, in place of the index by entry alone."""
    with fresh_store("postgresql", tmp_path) as store:
        _load(store, tmp_path, columns)
        before = _answers(store)
        with rewritten(store, "postgresql", tmp_path, POSTGRES_PRIMARY_KEY) as old:
            assert KEY_INDEX in old._release_parts()
            assert _answers(old) == before


def test_every_row_stores_its_key_only_where_sql_cannot_find_it(
        release: ReleaseFacts, release_store: Store) -> None:
    versioned = {db.dat_type for db in CATALOGUE.databases.values() if db.versioned}
    rows = release_store._release_rows(
        "SELECT d.name, x.value, x.key FROM {rel}xrefs x JOIN {rel}dbs d ON d.code = x.db")
    assert rows
    for name, value, key in rows:
        assert key == stored_key(value, lookup_key(value, name in versioned)), (name, value)
    kept = {name for name, _, key in rows if key is not None}
    assert kept and kept <= versioned  # the generated releases' ids are ASCII
    assert sum(key is None for *_, key in rows) > len(rows) / 2


def test_sqlite_probes_the_key_index_for_every_lookup(tmp_path: Path) -> None:
    # the plans, not the times: a key not written as the index's expression (or compared with
    # another affinity) scans the table or builds an index of its own; a database tested on
    # xrefs as a way into the index probes once per database; and a Bloom filter of the
    # index (SQLite 3.40 fills it wrongly for an expression) drops every row
    with fresh_store("sqlite", tmp_path) as store:
        _load(store, tmp_path, columns=True)
        parts = store._release_parts()
        release = store.current_release()
        assert release is not None
    with contextlib.closing(sqlite3.connect(tmp_path / "store.releases" / release.file)) as db:
        codes = dict(db.execute("SELECT name, code FROM dbs"))
        db.execute("CREATE TEMP TABLE input (seq INTEGER NOT NULL, key TEXT NOT NULL, "
                   "kind TEXT NOT NULL, version TEXT)")
        lookup, params = lookup_sql(LookupPlan("Gene_Name", "GeneID", [(0, "tp53", "value",
                                                                         None)]),
                                    codes, sqlite_same_entry, sqlite_entry_column, tables=parts)
        holdings = HoldingsPlan(["tp53"], ["np_000537"], [None], ["TP53"],
                                ("Gene_Name", "RefSeq", "GeneID"), frozenset({"RefSeq"}), "RefSeq")
        for sql, args, probe in (
                (lookup, params, "(<expr>=? AND db=?)"),
                (holdings_sql(holdings, codes, sqlite_json_rows, sqlite_entry_column, parts),
                 holdings_params(holdings), "(<expr>=?)")):
            steps = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
            probes = [s for s in steps if s.startswith(("SEARCH x", "SCAN x", "BLOOM FILTER ON x"))]
            index = f"SEARCH x USING COVERING INDEX {KEY_INDEX}"
            assert set(probes) <= {f"{index} (<expr>=?)", f"{index} (<expr>=? AND db=?)"}, steps
            assert f"{index} {probe}" in probes
