"""idmapping.dat through Arrow (loader.columnar, loader.xrefbatch) stores what the line reader does.

The column path is how every load reads idmapping.dat; the row path (``read_idmapping`` into
``add_mappings``) is the reference it must match, row for row, on both stores.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from idmapping.errors import ReleaseFileError
from idmapping.loader import ReleaseBuilder, columnar, demo_dir, load_release
from idmapping.loader.readers import read_idmapping
from idmapping.loader.sniff import sniff
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store
from idmapping.store.plans import XrefBatch

DEMO_DAT = demo_dir() / "idmapping.dat.gz"


def _stored(store: Store) -> tuple[set[tuple[str, str, str]], dict[str, tuple[object, ...]]]:
    """Every (accession, ID_type, id) the current release maps, and each entry's facts."""
    with gzip.open(DEMO_DAT, "rt") as text:
        accessions = list(dict.fromkeys(line.split("\t", 1)[0].split("-")[0] for line in text))
    facts = store.entry_facts(accessions)
    rows = {(acc, db, value) for acc, fact in facts.items()
            for db, values in fact.xrefs.items() for value in values}
    return rows, {acc: (f.name, f.taxon, f.reviewed) for acc, f in facts.items()}


def test_columns_store_what_rows_store(store: Store, tmp_path: Path) -> None:
    load_release([DEMO_DAT], store, name="columns")
    by_columns = _stored(store)
    builder = ReleaseBuilder(store)
    with gzip.open(DEMO_DAT, "rt") as text:
        builder.add_mappings(read_idmapping(text, str(DEMO_DAT)))
    builder.commit("rows")
    by_rows = _stored(store)
    assert by_columns == by_rows
    assert len(by_columns[0]) > 40_000


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def _lines() -> list[str]:
    with gzip.open(DEMO_DAT, "rt") as text:
        return [line.rstrip("\n") for line in text]


@pytest.mark.parametrize(("fault", "message"), [
    ("q9dem0\tGene_Name\tX", "not a UniProtKB accession: 'q9dem0'"),
    ("Q9DEM0\tGene_Name\t", "empty ID_type or id"),
    ("Q9DEM0\tGene_Name", "expected 3 tab-separated columns, found 2"),
    ("Q9DEM0\tGene_Name\tX\tY", "expected 3 tab-separated columns, found 4"),
])
def test_a_fault_in_a_later_batch_names_its_line(store: Store, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  fault: str, message: str) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 64 << 10)  # many batches
    lines = _lines()
    lines.insert(30_000, fault)
    path = _write(tmp_path / "idmapping.dat", lines)
    with pytest.raises(ReleaseFileError) as caught:
        load_release([path], store)
    assert str(caught.value) == f"{path}, line 30001: {message}"
    assert store.current_release() is None


def test_blank_lines_are_skipped_as_the_line_reader_does(store: Store, tmp_path: Path) -> None:
    lines = _lines()
    lines[10:10] = ["", "   "]
    load_release([_write(tmp_path / "idmapping.dat", lines)], store)
    run = map_ids(store, MappingRequest("UniProtKB_AC-ID", "Gene_Name", ("Q9DEM0",)))
    assert [p.to_id for p in run] == ["DEMO1"]


def test_repeated_rows_and_entries_split_across_batches_are_stored_once(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 16 << 10)  # entries cut by batch ends
    lines = _lines()
    repeated = [line for line in lines if line.startswith("Q9DEM0\t")]
    lines = lines + repeated + repeated[:3]  # Q9DEM0 again, in later batches
    lines.insert(5, lines[4])  # a line twice in a row
    load_release([_write(tmp_path / "idmapping.dat", lines)], store)
    stored, mapped = _stored(store), _genes(store)
    load_release([DEMO_DAT], store, name="reference")  # the shipped file: no repeats
    assert stored == _stored(store)
    assert mapped == _genes(store)
    assert "Q9DEM0" in mapped and len(mapped) == len(set(mapped))


def _genes(store: Store) -> list[str]:
    return [p.to_id for p in map_ids(store, MappingRequest("Gene_Name", "UniProtKB", ("DEMO1",)))]


def test_a_load_keeps_at_most_its_cache_of_entries_whatever_the_release(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The builder kept every entry's number, name and taxon in dicts until the end: 4.7 GB
    for 10M entries. Now a bounded cache of numbers, emptied when full (later accessions are
    looked up in the release), and no per-entry fact once a batch is stored."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 16 << 10)  # many batches
    lines = _lines()
    repeated = [line for line in lines if line.startswith(("Q9DEM0\t", "Q9DEM0-"))]
    first = lines[0].split("\t", 1)[0]
    path = _write(tmp_path / "idmapping.dat",
                  lines + repeated + [f"{first}\tGeneID\t999999"])  # entries long emptied
    builder = ReleaseBuilder(store)
    builder.entries.limit = 40
    held: list[tuple[int, int]] = []
    store_batch = builder.writer.insert_xref_batch

    def watch(batch: XrefBatch) -> None:
        held.append((len(builder.entries.cache), len(builder.entry_facts.pending)))
        store_batch(batch)

    monkeypatch.setattr(builder.writer, "insert_xref_batch", watch)
    with open(path, "rb") as raw:
        builder.add_mapping_columns(columnar.read_idmapping_columns(
            sniff(path), raw, lambda: open(path, "rb")))
    builder.commit("bounded")
    assert len(held) > 20 and builder.entries.emptied > 5
    assert max(cached for cached, _ in held) <= 40
    assert {facts for _, facts in held} == {0}
    stored, genes = _stored(store), _genes(store)
    assert (first, "GeneID", "999999") in stored[0]
    load_release([DEMO_DAT], store, name="reference")
    reference = _stored(store)
    assert stored[0] - {(first, "GeneID", "999999")} == reference[0]
    assert stored[1] == reference[1]
    assert genes == _genes(store)
    assert builder.stats()["entries"] == len(reference[1])
