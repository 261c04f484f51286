"""SQLite's lookup of ids of another database to UniProtKB and Swiss-Prot in two queries, its
rows ordered by NumPy (``store/sqlite_hits.py``, issue 18), against the one query of
``lookup_sql`` that it replaced, run on the same release: the same rows in the same order.

The release is generated: entries that share ids (gene names many entries have, RefSeq ids
stored twice in an entry under two versions), reviewed, unreviewed and of no known status,
of taxa of a small taxonomy or of none; the lookups go to both targets, with and without a
taxon (with its descendants, walked or by spans, or alone; merged; unknown).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

import pytest

from idmapping.ids import value_keys
from idmapping.loader import load_release
from idmapping.store import sqlite_hits
from idmapping.store.plans import LookupPlan
from idmapping.store.schema import KEY_INDEX
from idmapping.store.sql import (
    entry_hits_sql,
    lookup_sql,
    sqlite_entry_column,
    sqlite_same_entry,
)
from idmapping.store.sqlite import SqliteStore
from idmapping.store.sqlite_hits import ranked
from idmapping.store.sqlite_reads import fill_input, release_parts
from stores import fresh_store

TAXA = {1: 1, 2: 1, 3: 2, 4: 2, 5: 1}
"""nodes.dmp: taxon -> parent (1 the root)."""

MERGED = {9: 3}
"""merged.dmp: old -> new."""


def _release(directory: Path, seed: int) -> list[Path]:
    """idmapping.dat of 300 random entries, and a taxdump."""
    rng = random.Random(seed)
    lines = []
    accessions = rng.sample([f"{a}{n:05d}" for a in "OPQ" for n in range(1000)], 300)
    for n, accession in enumerate(accessions):
        name = rng.choice([f"G{n}_HUMAN", f"{accession}_HUMAN", None])  # reviewed 1, 0, NULL
        if name:
            lines.append((accession, "UniProtKB-ID", name))
        taxon = rng.choice([3, 4, 5, None])
        if taxon:
            lines.append((accession, "NCBI_TaxID", str(taxon)))
        for _ in range(rng.randrange(3)):
            lines.append((accession, "Gene_Name", f"GENE{rng.randrange(15)}"))
        for _ in range(rng.randrange(4)):
            lines.append((accession, "RefSeq", f"NP_{rng.randrange(80)}.{rng.randrange(1, 3)}"))
    rng.shuffle(lines)  # the entries' numbers in no order of their accessions
    order = {a: n for n, a in enumerate(dict.fromkeys(a for a, _, _ in lines))}
    lines.sort(key=lambda line: order[line[0]])
    dat = directory / "idmapping.dat"
    dat.write_text("".join(f"{a}\t{t}\t{v}\n" for a, t, v in lines))
    taxdump = directory / "taxdump"
    taxdump.mkdir()
    texts = {
        "nodes.dmp": "".join(f"{t}\t|\t{p}\t|\tno rank\t|\t\t|\t4\t|\t1\t|\t1\t|\t1\t|\t3\t|"
                             f"\t1\t|\t0\t|\t0\t|\t\t|\n" for t, p in TAXA.items()),
        "names.dmp": "".join(f"{t}\t|\ttaxon {t}\t|\t\t|\tscientific name\t|\n" for t in TAXA),
        "merged.dmp": "".join(f"{old}\t|\t{new}\t|\n" for old, new in MERGED.items()),
        "delnodes.dmp": "77\t|\n",
    }
    for name, text in texts.items():
        (taxdump / name).write_text(text)
    return [dat, *(taxdump / name for name in texts)]


@pytest.fixture(scope="module", params=[1, 2])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[SqliteStore]:
    directory = tmp_path_factory.mktemp("order")
    with fresh_store("sqlite", directory) as opened:
        assert isinstance(opened, SqliteStore)
        load_release(_release(directory, request.param), opened)
        yield opened


def _one_query(store: SqliteStore, plan: LookupPlan) -> list[tuple[Any, ...]]:
    """The rows of ``lookup_sql``'s one query for *plan*, as SQLite's lookup ran it before."""
    with store._release_conn() as (conn, release):
        codes = dict(conn.execute("SELECT name, code FROM rel.dbs"))
        sql, params = lookup_sql(plan, codes, sqlite_same_entry, sqlite_entry_column,
                                 taxonomy=bool(release.stats.get("taxa")),
                                 tables=release_parts(conn))
        fill_input(conn, plan.inputs)
        return conn.execute(sql, params).fetchall()


def _inputs(texts: list[str], versioned: bool = True
            ) -> list[tuple[int, str, str, str | None]]:
    keys, versions = value_keys(texts, versioned)
    return list(zip(range(len(texts)), keys, repeat("value"), versions, strict=False))


@pytest.mark.parametrize("source, texts", [
    # many entries a name: the order among an input's accessions
    ("Gene_Name", [f"GENE{n}" for n in range(15)] + ["gene3", "NOPE"]),
    # versions given, left out, unknown; an id stored twice in an entry under two versions
    ("RefSeq", [f"NP_{n}" for n in range(80)] + [f"NP_{n}.1" for n in range(0, 80, 3)]
     + ["np_7.2", "NP_999", "NP_5.9"]),
    ("RefSeq", ["NP_999"]),  # nothing found
])
@pytest.mark.parametrize("target", ["uniprotkb", "swissprot"])
@pytest.mark.parametrize("taxon, descendants, walk", [
    (None, True, False),
    (2, True, False),  # its clade by spans
    (2, True, True),  # walked
    (2, False, False),  # the taxon alone (no entry has it)
    (3, True, False),
    (9, True, False),  # merged into 3
    (5, False, False),
    (-1, True, False),  # nothing passes
])
@pytest.mark.parametrize("part", [
    sqlite_hits.PART,
    3,  # a query of the hits, or of the entries, per 3 keys or entries; rows 3 at a time
])
def test_rows_are_the_one_querys(store: SqliteStore, source: str, texts: list[str],
                                 target: str, taxon: int | None, descendants: bool,
                                 walk: bool, part: int, monkeypatch: pytest.MonkeyPatch
                                 ) -> None:
    monkeypatch.setattr(sqlite_hits, "PART", part)
    plan = LookupPlan(source, target, _inputs(texts, source == "RefSeq"), taxon, descendants,
                      walk)
    expected = _one_query(store, plan)
    _, rows = store.lookup(plan)
    assert list(rows) == expected
    if taxon is None and source == "Gene_Name":  # the test tells something
        assert len(expected) > 2 * len(texts)
        reviewed = {r for _, r in store._release_rows(
            "SELECT accession, reviewed FROM entries")}
        assert reviewed == {0, 1, None}


def test_each_query_probes_an_index(store: SqliteStore) -> None:
    plan = LookupPlan("RefSeq", "uniprotkb", _inputs(["NP_1"]), 3)
    with store._release_conn() as (conn, release):
        codes = dict(conn.execute("SELECT name, code FROM rel.dbs"))
        hits, entries, params = entry_hits_sql(plan, codes, sqlite_entry_column, True,
                                               release_parts(conn))
        steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {hits}", ['["np_1"]'])]
        assert f"SEARCH x USING COVERING INDEX {KEY_INDEX} (<expr>=? AND db=?)" in steps
        steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {entries}",
                                                [*params, "[1]"])]
        assert "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)" in steps, steps
        assert not [s for s in steps if s.startswith("SCAN e")], steps


def test_a_key_holding_a_nul_is_looked_up_whole(store: SqliteStore) -> None:
    # json_each ends a string at a NUL: such inputs keep the one query, whose bound key is
    # whole (and found nowhere)
    plan = LookupPlan("RefSeq", "uniprotkb", _inputs(["NP_1\x00", "NP_1"]))
    rows = list(store.lookup(plan)[1])
    assert rows == _one_query(store, plan)
    assert rows and {seq for seq, _, _ in rows} == {1}


def test_no_lookup_by_entry_of_accessions_or_to_other_databases() -> None:
    for source, target in (("uniprot", "uniprotkb"), ("RefSeq", "GeneID")):
        with pytest.raises(ValueError):
            entry_hits_sql(LookupPlan(source, target, []), {}, sqlite_entry_column)


def test_ranked_as_sqlite_orders() -> None:
    rng = random.Random(3)
    rows = [(rng.choice(["P1", "p1", "Q", "Ä1", "A\u00e9", "A\U0001f600", "B", "Ab"]),
             rng.choice([0, 1, None])) for _ in range(200)]
    rows = list(dict.fromkeys(rows))
    accessions, reviewed = [a for a, _ in rows], [r for _, r in rows]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (n INTEGER, accession TEXT, reviewed INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                     [(n, a, r) for n, (a, r) in enumerate(rows)])
    expected = [n for n, in conn.execute(
        "SELECT n FROM t ORDER BY reviewed DESC NULLS LAST, accession, n")]
    assert ranked(accessions, reviewed).tolist() == expected
