"""The loader on every release (the demo and the foreign one) and both stores: what the store
reads back is what the files hold, ID types no catalogue database uses included."""

from __future__ import annotations

import json

from click.testing import CliRunner

from idmapping.catalogue import Catalogue
from idmapping.cli import cli
from idmapping.store import Store
from releases import ReleaseFacts

NOT_XREFS = ("UniProtKB-ID", "NCBI_TaxID")
"""ID types the loader keeps as entry columns (name, taxon), not as ids."""


def expected_counts(release: ReleaseFacts) -> dict[str, int]:
    """Ids per ID_type as docs/mapping.md says they are stored: each (entry, id) once, an
    isoform's ids as its entry's, and a Gene_Name derived for entries that have none."""
    counts = {t: sum(len(e.values.get(t, [])) for e in release.entries.values())
              for t in release.id_types() if t not in NOT_XREFS}
    counts["Gene_Name"] = sum(len(release.values(a, "Gene_Name")) for a in release.entries)
    return counts


def test_counts_read_back_equal_the_files_rows(release: ReleaseFacts,
                                               release_store: Store) -> None:
    current = release_store.current_release()
    assert current is not None
    assert (current.name, current.stats.get("date")) == (release.name, release.date)
    assert bool(current.stats.get("demo")) is release.demo
    counts = release_store.release_counts(current)
    assert {t: n for t, n in counts.items() if not t.startswith("(")} == expected_counts(release)
    assert counts["(entries)"] == current.stats["entries"] == len(release.entries)
    assert counts["(secondary)"] == sum(map(len, release.secondary.values()))
    assert counts["(deleted)"] == len(release.deleted)


def test_each_entry_reads_back_as_its_rows_state_it(release: ReleaseFacts,
                                                    release_store: Store) -> None:
    accessions = release.accessions()
    facts = release_store.entry_facts(accessions)
    assert list(facts) == accessions
    for accession in accessions:
        entry, fact = release.entries[accession], facts[accession]
        assert (fact.name, fact.taxon, fact.reviewed) == (entry.name, entry.taxon,
                                                         entry.reviewed), accession
        stored = {t: sorted(v) for t, v in fact.xrefs.items()}
        assert stored == {t: release.values(accession, t) for t in stored}, accession
        assert set(stored) - {"Gene_Name"} == set(entry.values) - {"Gene_Name"}, accession


def test_uncatalogued_id_types_are_stored_and_counted_by_info(
        release: ReleaseFacts, release_store: Store) -> None:
    uncatalogued = release.id_types() - set(Catalogue.default().dat_types())
    if not release.demo:  # the demo's types are all the catalogue's; the foreign one has others
        assert {"UniGene", "HOVERGEN", "MINT", "BioGrid"} <= uncatalogued
    result = CliRunner().invoke(cli, ["info", "--json", "--store", release_store.url])
    assert result.exit_code == 0, result.output
    current = next(r for r in json.loads(result.output)["releases"] if r["current"])
    wanted = expected_counts(release)
    assert {t: current["counts"][t] for t in uncatalogued} == {t: wanted[t] for t in uncatalogued}
