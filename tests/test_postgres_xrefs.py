"""The PostgreSQL store's xrefs load (store/postgres_xrefs.py): rows in key order go straight
into the final table, the others through a staging table merged at the end, and both ways store
the same rows, on either store."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import cast

import numpy as np
import pyarrow as pa
import pytest

from idmapping.loader import ReleaseBuilder, demo_dir, load_release
from idmapping.loader.columnar import read_idmapping_columns
from idmapping.loader.sniff import sniff
from idmapping.store import Store
from idmapping.store.plans import XrefBatch
from idmapping.store.postgres_xrefs import OrderedXrefs, XrefRows, binary_copy

DEMO_DAT = demo_dir() / "idmapping.dat.gz"

Row = tuple[int, int, str, str | None]


def _batch(rows: list[Row]) -> XrefBatch:
    return XrefBatch(np.array([r[0] for r in rows], np.int64),
                     np.array([r[1] for r in rows], np.int64),
                     pa.array([r[2] for r in rows], pa.string()),
                     pa.array([r[3] for r in rows], pa.string()))


def _rows(rows: XrefRows | None) -> list[Row]:
    if rows is None:
        return []
    return list(zip(rows.entry.tolist(), rows.db.tolist(), rows.value.to_pylist(),
                    rows.key.to_pylist(), strict=True))


def test_binary_copy_writes_each_row_as_the_format_says() -> None:
    data = binary_copy(np.array([7, 70000, 8]), np.array([3, -1, 2]),
                       pa.array(["NP_1.2", "é", "A1"]), pa.array(["np_1", "", None]))

    def row(entry: int, db: int, value: bytes, key: bytes | None) -> bytes:
        return (struct.pack(">hiiii", 4, 4, entry, 4, db) + struct.pack(">i", len(value))
                + value + (struct.pack(">i", -1) if key is None
                           else struct.pack(">i", len(key)) + key))

    assert bytes(data) == (row(7, 3, b"NP_1.2", b"np_1") + row(70000, -1, "é".encode(), b"")
                           + row(8, 2, b"A1", None))
    # integer columns alone, as the taxonomy's spans are written
    assert bytes(binary_copy(np.array([1, 2]), np.array([5, 6]))) == (
        struct.pack(">hiiii", 2, 4, 1, 4, 5) + struct.pack(">hiiii", 2, 4, 2, 4, 6))
    assert bytes(binary_copy(np.array([], np.int64), pa.array([], pa.string()))) == b""


def test_batches_in_entry_order_go_to_the_final_table_sorted_and_once() -> None:
    ordered = OrderedXrefs()
    first = [(1, 9, "b", None), (1, 2, "z", "z"), (1, 2, "a", "a"), (2, 5, "x", "x"),
             (3, 4, "q", "q"), (3, 1, "r", "r")]
    # entry 3 goes on in the next batch, with one of its rows again
    second = [(3, 1, "r", "r"), (3, 1, "P", "p"), (4, 1, "s", "s")]
    final, staged = ordered.add(_batch(first))
    written = _rows(final)
    assert staged is None
    assert written == [(1, 2, "a", "a"), (1, 2, "z", "z"), (1, 9, "b", None), (2, 5, "x", "x")]
    final, staged = ordered.add(_batch(second))
    assert staged is None
    written += _rows(final)
    written += _rows(ordered.flush())
    assert ordered.ordered
    # bytewise order, as COLLATE "C": upper case first
    assert written == sorted(set(first + second), key=lambda r: (r[0], r[1], r[2]))
    assert ordered.flush() is None


def test_an_entry_out_of_order_sends_every_row_from_then_on_to_staging() -> None:
    ordered = OrderedXrefs()
    final, staged = ordered.add(_batch([(1, 1, "a", "a"), (2, 1, "b", "b"), (3, 1, "c", "c")]))
    assert _rows(final) == [(1, 1, "a", "a"), (2, 1, "b", "b")] and staged is None
    # entry 2 again: the rows held back (entry 3) and the batch are staged
    final, staged = ordered.add(_batch([(2, 1, "d", "d"), (5, 1, "e", "e")]))
    assert final is None and not ordered.ordered
    assert sorted(_rows(staged)) == [(2, 1, "d", "d"), (3, 1, "c", "c"), (5, 1, "e", "e")]
    final, staged = ordered.add(_batch([(6, 1, "f", "f")]))
    assert final is None and _rows(staged) == [(6, 1, "f", "f")]
    assert ordered.flush() is None


def test_rows_of_another_path_stage_the_rows_held_back() -> None:
    ordered = OrderedXrefs()
    ordered.add(_batch([(1, 1, "a", "a"), (2, 1, "b", "b")]))
    assert _rows(ordered.unordered()) == [(2, 1, "b", "b")]
    assert not ordered.ordered and ordered.flush() is None


def _split(directory: Path) -> list[Path]:
    """The demo's idmapping.dat as two files, the second giving every entry's GeneID rows
    (entries the first file numbered already: out of order)."""
    with gzip.open(DEMO_DAT, "rt") as text:
        lines = text.readlines()
    paths = [directory / "a" / "idmapping.dat", directory / "b" / "idmapping.dat"]
    for path, wanted in zip(paths, (False, True), strict=True):
        path.parent.mkdir()
        path.write_text("".join(line for line in lines if ("\tGeneID\t" in line) == wanted))
    return paths


def _stored(store: Store) -> set[tuple[str, str, str]]:
    """Every (accession, ID_type, id) of the current release."""
    with gzip.open(DEMO_DAT, "rt") as text:
        accessions = list(dict.fromkeys(line.split("\t", 1)[0].split("-")[0] for line in text))
    return {(acc, db, value) for acc, fact in store.entry_facts(accessions).items()
            for db, values in fact.xrefs.items() for value in values}


def test_mappings_out_of_order_store_what_one_file_in_order_stores(store: Store,
                                                                  tmp_path: Path) -> None:
    load_release([DEMO_DAT], store, name="one")
    in_order = _stored(store)
    load_release(_split(tmp_path), store, name="two")
    assert _stored(store) == in_order
    assert any(db == "GeneID" for _, db, _ in in_order)
    # the derived gene names too: entries with an ordered-locus or ORF name and no Gene_Name
    assert len(in_order) > 40_000


@pytest.mark.parametrize("split", [False, True], ids=["in-order", "out-of-order"])
def test_postgres_takes_the_final_table_only_for_rows_in_order(store: Store, tmp_path: Path,
                                                                split: bool) -> None:
    if store.__class__.__name__ != "PostgresStore":
        pytest.skip("the PostgreSQL store's own path")
    from idmapping.store.postgres_writer import PostgresReleaseWriter

    builder = ReleaseBuilder(store)
    for path in _split(tmp_path) if split else [DEMO_DAT]:
        with open(path, "rb") as raw:
            builder.add_mapping_columns(read_idmapping_columns(
                sniff(path), raw, lambda p=path: open(p, "rb")))
    writer = cast(PostgresReleaseWriter, builder.writer)
    assert writer.ordered.ordered is not split
    assert writer.xrefs_staged is split
    release = builder.commit("loaded")
    assert store.release_counts(release)["GeneID"] > 0
