"""Why did it not map? Every kind of reason on every release (the demo and the foreign one) and
both stores: the library, GET /idmapping/explain over HTTP (paged, json and tsv), the job page
and ``idmapping map --explain``; ids drawn from the release under test."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from idmapping.catalogue import AC_ID, SWISSPROT, Catalogue, Database
from idmapping.cli.commands import cli
from idmapping.explain import REASONS, Reason, explain_ids
from idmapping.model import MappingRequest
from idmapping.store import Store
from releases import ReleaseFacts, pages, submit

CATALOGUE = Catalogue.default()
GENE = CATALOGUE.database("Gene_Name")
HTML = {"Accept": "text/html"}


def reasons(store: Store, from_db: str, to_db: str, ids: list[str], tax_id: str = ""
            ) -> dict[str, dict[str, Reason]]:
    """The reasons of each id, by kind."""
    _, found = explain_ids(store, MappingRequest(from_db, to_db, tuple(ids), tax_id), ids)
    assert [e.id for e in found] == list(dict.fromkeys(ids))
    for e in found:
        assert e.reasons and all(r.kind in REASONS for r in e.reasons)
    return {e.id: {r.kind: r for r in e.reasons} for e in found}


def secondaries(release: ReleaseFacts) -> list[str]:
    """Secondary accessions that are no entry's accession, whose primaries are entries."""
    return [s for s, primaries in release.secondary.items()
            if s not in release.entries and all(p in release.entries for p in primaries)]


def gene_names(release: ReleaseFacts, count: int) -> list[str]:
    return [n for n in release.sample("Gene_Name", count) if release.entries_of(GENE, n)]


def test_an_id_of_another_database(release: ReleaseFacts, release_store: Store) -> None:
    accessions = release.accessions()[:5]
    found = reasons(release_store, "Gene_Name", "UniProtKB", accessions)
    for accession in accessions:
        reason = found[accession]["other_database"]
        databases = {d["database"]: d["entries"] for d in reason.facts["databases"]}
        assert databases[AC_ID] == 1
        assert "did you mean from=" in reason.message
        assert "unknown" not in found[accession]


def test_a_gene_name_given_as_another_database(release: ReleaseFacts,
                                               release_store: Store) -> None:
    names = gene_names(release, 5)
    holders = GENE.dat_type and release.holders("Gene_Name", False)
    assert holders
    other = next(db for db in CATALOGUE.databases.values()
                 if db.is_from and db.dat_type and db.name != "Gene_Name"
                 and not any(release.holders(db.dat_type, db.versioned).get(n.lower())
                             for n in names))
    found = reasons(release_store, other.name, "UniProtKB", names)
    for name in names:
        reason = found[name]["other_database"]
        databases = {d["database"]: d["entries"] for d in reason.facts["databases"]}
        assert databases["Gene_Name"] == len(release.entries_of(GENE, name))


def test_a_secondary_accession(release: ReleaseFacts, release_store: Store) -> None:
    chosen = secondaries(release)[:3]
    if not chosen:
        pytest.skip("no secondary accessions in this release")
    found = reasons(release_store, "Gene_Name", "UniProtKB", chosen)
    for accession in chosen:
        reason = found[accession]["secondary"]
        assert reason.facts["accessions"] == sorted(release.secondary[accession])
        assert "did you mean from=UniProtKB_AC-ID?" in reason.message


def test_a_deleted_accession(release: ReleaseFacts, release_store: Store) -> None:
    chosen = [a for a in release.deleted
              if a not in release.entries and a not in release.secondary][:3]
    assert chosen, "both releases list deleted accessions"
    found = reasons(release_store, AC_ID, "Gene_Name", chosen)
    for accession in chosen:
        reason = found[accession]["deleted"]
        assert reason.facts["source"] == release.deleted[accession]
        assert f"delac_{release.deleted[accession]}.txt" in reason.message


def test_held_only_in_other_taxa(release: ReleaseFacts, release_store: Store) -> None:
    every = {e.taxon for e in release.entries.values() if e.taxon is not None}
    name = gene_names(release, 1)[0]
    held = {release.entries[a].taxon for a in release.entries_of(GENE, name)}
    # a taxon of the release the gene's entries are not of, else one the release lacks
    others = sorted(every - held) or [max(every) + 1]
    found = reasons(release_store, "Gene_Name", "UniProtKB", [name], str(others[0]))
    reason = found[name]["other_taxa"]
    assert reason.facts["taxa"] == sorted(t for t in held if t is not None)
    assert f"not of taxon {others[0]}" in reason.message


def test_held_with_another_version(release: ReleaseFacts, release_store: Store) -> None:
    database: Database | None = None
    for db in CATALOGUE.databases.values():
        if db.is_from and db.versioned and db.dat_type:
            values = [v for held in release.holders(db.dat_type, True).values()
                      for _, v in held if "." in v]
            if values:
                database, value = db, values[0]
                break
    if database is None:
        pytest.skip("no versioned ids in this release")
    base, _, version = value.rpartition(".")
    wrong = f"{base}.{int(version) + 1000}"
    found = reasons(release_store, database.name, "UniProtKB", [wrong])
    reason = found[wrong]["other_version"]
    assert value in reason.facts["values"]
    assert "other_database" not in found[wrong]  # the wrong version is held nowhere


def test_held_but_without_a_target_id(release: ReleaseFacts, release_store: Store) -> None:
    unreviewed = [a for a, e in release.entries.items() if e.reviewed is False][:3]
    if unreviewed:
        found = reasons(release_store, AC_ID, SWISSPROT, unreviewed)
        for accession in unreviewed:
            assert "none of them reviewed" in found[accession]["no_target"].message
    rule = CATALOGUE.database(AC_ID).rule
    assert rule is not None
    for target in (CATALOGUE.database(t) for t in rule.tos):
        if target.dat_type is None or target.name == "Gene_Name":
            continue
        lacking = [a for a in release.accessions() if not release.values(a, target.dat_type)]
        if lacking and len(lacking) < len(release.entries):
            found = reasons(release_store, AC_ID, target.name, lacking[:3])
            for accession in lacking[:3]:
                reason = found[accession]["no_target"]
                assert reason.facts["entries"] == 1
                assert f"none of which has a {target.name} id" in reason.message
            return
    raise AssertionError("no target database that only some entries have")


def test_malformed_and_unknown_ids(release: ReleaseFacts, release_store: Store) -> None:
    absent = release.absent_accessions(3)
    broken = [f"{a}!" for a in release.accessions()[:2]]
    found = reasons(release_store, AC_ID, "UniProtKB", [*absent, *broken])
    for accession in absent:
        assert set(found[accession]) == {"unknown"}
    for text in broken:
        assert "malformed" in found[text]
    upi = reasons(release_store, "UniParc", "UniProtKB", absent[:1])
    assert "malformed" in upi[absent[0]]


def test_explain_over_http(release: ReleaseFacts, release_url: str, release_store: Store) -> None:
    names = gene_names(release, 3)
    failed = [*release.accessions()[:3], *secondaries(release)[:2],
              *release.absent_accessions(2)]
    job = submit(release_url, "Gene_Name", "UniProtKB", [*names, *failed])
    seen: list[dict[str, object]] = []
    for response in pages(f"{release_url}/idmapping/explain/{job}", size="2"):
        assert response.headers["x-total-results"] == str(len(failed))
        assert response.headers["x-uniprot-release"] == release.name or not release.name
        seen += response.json()["results"]
    assert [r["id"] for r in seen] == failed
    request = MappingRequest("Gene_Name", "UniProtKB", tuple(failed))
    _, expected = explain_ids(release_store, request, failed)
    assert seen == [e.to_dict() for e in expected]
    tsv = httpx.get(f"{release_url}/idmapping/explain/{job}",
                    params={"format": "tsv", "size": "500"})
    lines = tsv.text.splitlines()
    assert lines[0] == "Id\tReason\tMessage"
    assert [tuple(line.split("\t")[:2]) for line in lines[1:]] == [
        (e.id, r.kind) for e in expected for r in e.reasons]
    assert httpx.get(f"{release_url}/idmapping/explain/NOT-A-JOB").status_code == 404
    assert httpx.get(f"{release_url}/idmapping/explain/{job}",
                     params={"size": "501"}).status_code == 400
    page = httpx.get(f"{release_url}/id-mapping/{job}", headers=HTML)
    assert 'id="explained"' in page.text
    assert page.text.count("data-reason=") == sum(len(e.reasons) for e in expected)


def test_map_explain_command(release: ReleaseFacts, release_store: Store) -> None:
    names = gene_names(release, 2)
    absent = release.absent_accessions(2)
    result = CliRunner().invoke(cli, ["map", "--store", release_store.url, "--from", "Gene_Name",
                                      "--to", "UniProtKB", "--explain"],
                                input="\n".join([*names, *absent]))
    assert result.exit_code == 0, result.output
    assert "\t" in result.stdout and "Reason" not in result.stdout  # results alone
    lines = result.stderr.splitlines()
    assert "Id\tReason\tMessage" in lines
    explained = [line.split("\t") for line in lines if line.count("\t") == 2][1:]
    assert [row[0] for row in explained] == absent
    assert {row[1] for row in explained} == {"unknown"}
