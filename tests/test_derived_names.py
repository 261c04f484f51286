"""UniProt's "Gene Name" derived from ordered-locus or ORF names, whichever batch brings an
entry's rows (issue 18: SQLite derives them as batches come, so that its pages stay full).

An entry without a Gene_Name row is named by its ordered-locus names, else by its ORF names.
SQLite derives that for each entry whose rows a batch holds, appending the derived rows right
after the entry's own; the finish derives the rest in SQL: the entry at a batch's end (its rows
may go on), entries revisited by a later batch (whose names derived early are dropped), rows
given one by one. Checked on both stores against the names expected and against the rows the
row-by-row load stores.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from idmapping.loader import ReleaseBuilder
from idmapping.store import Store
from stores import BACKENDS, check_xref_counts, fresh_store, pairs

LOCUS, ORF, GENE = "Gene_OrderedLocusName", "Gene_ORFName", "Gene_Name"

BATCHES = [
    [("P00001", LOCUS, "At1g00010"),  # a locus name only: its gene name
     ("P00002", ORF, "F1N1.1"), ("P00002", ORF, "F1N1.2"),  # ORF names only: both
     ("P00003", ORF, "F2N1.1"), ("P00003", LOCUS, "At1g00030"),  # both: the locus name
     ("P00004", GENE, "abcD"), ("P00004", LOCUS, "At1g00040"),  # a gene name: nothing
     ("P00006", LOCUS, "At1g00060"),  # revisited below, with a gene name: nothing derived
     ("P00007", ORF, "F7N1.1"),  # revisited below, with a locus name: that one
     ("P00005", LOCUS, "At1g00050")],  # the batch's last entry, which goes on below
    [("P00005", GENE, "efgH"), ("P00008", "GeneID", "8")],
    [("P00006", GENE, "ijkL"), ("P00007", LOCUS, "At1g00070"), ("P00009", ORF, "F9N1.1")],
]
"""idmapping.dat's rows, in three batches."""

NAMES = {"P00001": ["At1g00010"], "P00002": ["F1N1.1", "F1N1.2"], "P00003": ["At1g00030"],
         "P00004": ["abcD"], "P00005": ["efgH"], "P00006": ["ijkL"], "P00007": ["At1g00070"],
         "P00008": [], "P00009": ["F9N1.1"]}
"""The Gene_Name ids of each entry, as stored or derived."""


def _rows(store: Store) -> list[tuple[str, str, str]]:
    return sorted(store._release_rows(
        "SELECT e.accession, d.name, x.value FROM {rel}xrefs x "
        "JOIN {rel}entries e ON e.id = x.entry JOIN {rel}dbs d ON d.code = x.db"))


def _load(store: Store, columns: bool) -> None:
    builder = ReleaseBuilder(store)
    try:
        if columns:
            builder.add_mapping_columns(
                pa.record_batch([pa.array(c) for c in zip(*rows, strict=True)],
                                names=["accession", "id_type", "value"]) for rows in BATCHES)
        else:
            builder.add_mappings(row for rows in BATCHES for row in rows)
        builder.commit("2026_01")
    except BaseException:
        builder.abort()
        raise


@pytest.mark.parametrize("backend", BACKENDS)
def test_names_derived_as_batches_come_are_those_derived_at_the_end(backend: str,
                                                                     tmp_path: Path) -> None:
    found = {}
    for columns in (True, False):
        with fresh_store(backend, tmp_path / str(columns)) as store:
            _load(store, columns)
            names = pairs(store, "UniProtKB_AC-ID", "Gene_Name", *NAMES)
            assert {a: [n for f, n in names if f == a] for a in NAMES} == NAMES
            found[columns] = _rows(store)
            # revisited entries: SQLite counts the rows per database when asked
            assert check_xref_counts(store) == (backend == "sqlite" and not columns)
    assert found[True] == found[False]
