"""What are these ids? ``detect`` on every release (the demo and the foreign one) and both
stores: the library, POST /idmapping/detect over HTTP, and ``idmapping detect``; ids drawn
from the release under test."""

from __future__ import annotations

import dataclasses
from typing import cast

import httpx
import orjson
import pytest
from click.testing import CliRunner

from idmapping.catalogue import AC_ID, Catalogue, Database
from idmapping.cli.commands import cli
from idmapping.detect import detect_ids, find_holdings, request_ids
from idmapping.errors import InvalidInput, InvalidRequest
from idmapping.store import Store
from idmapping.store.plans import HoldingsPlan
from releases import ReleaseFacts

CATALOGUE = Catalogue.default()
FROM_DATABASES = [db for db in CATALOGUE.databases.values() if db.is_from and db.dat_type]
ABSENT = "NOT-AN-ID-OF-ANY-RELEASE"


def ids_of(release: ReleaseFacts, database: Database, count: int = 40) -> list[str]:
    """Up to *count* ids of *database* that the release holds, spread over its sorted ids."""
    assert database.dat_type is not None
    values = sorted({v for held in release.holders(database.dat_type, database.versioned)
                     .values() for _, v in held})
    step = max(1, len(values) // count)
    return values[::step][:count]


def reviewed(release: ReleaseFacts, accessions: list[str]) -> int:
    return sum(1 for a in accessions if release.entries[a].reviewed)


def taxa(release: ReleaseFacts, accessions: list[str]) -> list[int]:
    return sorted({t for a in accessions if (t := release.entries[a].taxon) is not None})


@pytest.mark.parametrize("database", FROM_DATABASES, ids=lambda db: db.name)
def test_a_pure_list_detects_its_database(release: ReleaseFacts, release_store: Store,
                                          database: Database) -> None:
    ids = ids_of(release, database)
    if not ids:
        pytest.skip(f"the {release.kind} release holds no {database.name} ids")
    found = detect_ids(release_store, ids)
    best = found.best
    assert best is not None
    mine = next(c for c in found.candidates if c.database == database.name)
    assert mine.ids >= 0.95 * len(ids), found.reason()
    if best.database != database.name:
        # only a database whose ids these are as well (BioMuta ids are gene names) may rank
        # first instead, by holding them in more entries; the files say whose ids they are
        other = CATALOGUE.database(best.database)
        assert best.ids == mine.ids and best.entries >= mine.entries, found.reason()
        if other.name == AC_ID:
            theirs = set(release.entries) | {e.name for e in release.entries.values()}
            assert all(i.upper() in theirs for i in ids)
        else:
            assert other.dat_type is not None
            keys = release.holders(other.dat_type, other.versioned)
            assert sum(i.lower().rpartition(".")[0] in keys or i.lower() in keys
                       for i in ids) >= mine.ids
    assert found.reason() == f"{best.ids:,} of {len(ids):,} ids are {best.display_name} ids"


def test_accessions_and_entry_names_detect_uniprotkb(release: ReleaseFacts,
                                                     release_store: Store) -> None:
    accessions = release.accessions()[::max(1, len(release.entries) // 30)]
    names = [e.name for e in release.entries.values() if e.name][:10]
    found = detect_ids(release_store, [*accessions, *names, ABSENT])
    assert found.best is not None and found.best.database == AC_ID
    assert found.best.ids == len(set(accessions) | set(names))
    for held in found.ids[:len(accessions)]:
        holding = held.holding(AC_ID)
        assert holding is not None
        assert (holding.entries, holding.reviewed, list(holding.taxa)) == (
            1, reviewed(release, [held.id]), taxa(release, [held.id]))
    assert found.ids[-1].databases == []


def test_each_holding_counts_the_entries_the_files_give(release: ReleaseFacts,
                                                        release_store: Store) -> None:
    databases = [db for db in FROM_DATABASES if ids_of(release, db, 1)]
    ids = [i for db in databases for i in ids_of(release, db, 3)]
    found = {h.id: h for h in detect_ids(release_store, ids).ids}
    checked = 0
    for db in databases:
        for text in ids_of(release, db, 3):
            holding = found[text].holding(db.name)
            accessions = release.entries_of(db, text)
            assert holding is not None, (db.name, text)
            assert (holding.entries, holding.reviewed, list(holding.taxa)) == (
                len(accessions), reviewed(release, accessions), taxa(release, accessions))
            checked += 1
    assert checked >= 3 * len(databases) // 2


def test_a_versioned_id_is_held_with_its_version_only(release: ReleaseFacts,
                                                      release_store: Store) -> None:
    versioned = [db for db in FROM_DATABASES if db.versioned
                 and any("." in i for i in ids_of(release, db, 5))]
    if not versioned:
        pytest.skip("no versioned ids in this release")
    database = versioned[0]
    text = next(i for i in ids_of(release, database, 5) if "." in i)
    base, _, version = text.rpartition(".")
    wrong = f"{base}.{int(version) + 1000}"
    found = {h.id: h for h in detect_ids(release_store, [text, base, wrong]).ids}
    assert found[text].holding(database.name) is not None
    assert found[base].holding(database.name) is not None
    assert found[wrong].holding(database.name) is None


def test_one_probe_by_key_finds_what_a_probe_per_database_finds(release: ReleaseFacts,
                                                                 release_store: Store) -> None:
    # the index by key alone (store/schema.py, ANY_KEY) against the (db, key) index probed
    # once per database, which releases loaded before it are read with: the same rows
    databases = [db for db in FROM_DATABASES if ids_of(release, db, 1)]
    ids = [i for db in databases for i in ids_of(release, db, 4)]
    ids += [i.upper() for i in ids[::3]] + release.accessions()[:5] + [ABSENT]
    ids += [f"{i}.999" for i in ids[::7]]
    found = find_holdings(release_store, ids, any_version=CATALOGUE.database("RefSeq_Protein"))
    plan = HoldingsPlan(values=["x"], with_version=[None], accessions=[None],
                        entry_names=["X"], types=tuple(CATALOGUE.by_dat_type()))
    assert release_store.holdings(plan)[0] == found[0]

    class PerDatabase:  # the same store, asked to probe per database
        def __getattr__(self, name: str) -> object:
            return getattr(release_store, name)

        def holdings(self, plan: HoldingsPlan) -> object:
            return release_store.holdings(dataclasses.replace(plan, per_database=True))

    slow = find_holdings(cast(Store, PerDatabase()), ids,
                         any_version=CATALOGUE.database("RefSeq_Protein"))
    assert slow == found
    assert sum(len(h.databases) for h in found[1]) >= len(databases)


def test_request_ids_checks_as_run_does() -> None:
    assert request_ids(" P1 , P2,,", 5, 10) == ["P1", "P2"]
    with pytest.raises(InvalidRequest, match="'ids' is a required parameter"):
        request_ids(" , ", 5, 10)
    with pytest.raises(InvalidRequest, match="'2' is the maximum count limit"):
        request_ids("a,b,c", 2, 10)
    with pytest.raises(InvalidInput, match="longer than 3"):
        request_ids("abcd", 5, 3)


def test_detect_over_http(release: ReleaseFacts, release_url: str) -> None:
    database = max((db for db in FROM_DATABASES if ids_of(release, db, 1)),
                   key=lambda db: len(ids_of(release, db)))
    ids = [*ids_of(release, database), ABSENT]
    response = httpx.post(f"{release_url}/idmapping/detect", data={"ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["release"] == response.headers["x-uniprot-release"]
    assert body["count"] == len(ids)
    assert [r["id"] for r in body["results"]] == ids
    assert body["results"][-1]["databases"] == []
    assert body["best"]["ids"] >= 0.95 * (len(ids) - 1)
    assert body["best"]["reason"].startswith(f"{body['best']['ids']} of {len(ids)} ids are ")
    # multipart and tsv
    tsv = httpx.post(f"{release_url}/idmapping/detect", files={"ids": (None, ",".join(ids))},
                     params={"format": "tsv"})
    assert tsv.status_code == 200, tsv.text
    lines = tsv.text.splitlines()
    assert lines[0] == "Id\tDatabase\tEntries\tReviewed\tTaxa"
    assert lines[-1] == f"{ABSENT}\t\t0\t0\t"
    assert {line.split("\t")[0] for line in lines[1:]} == set(ids)
    # errors: UniProt's shape and messages
    missing = httpx.post(f"{release_url}/idmapping/detect", data={"ids": " , "})
    assert missing.status_code == 400
    assert missing.json()["messages"] == ["'ids' is a required parameter"]
    bad = httpx.post(f"{release_url}/idmapping/detect", data={"ids": "x", "format": "xml"})
    assert bad.status_code == 400


def test_detect_is_in_the_openapi_document(release_url: str) -> None:
    document = httpx.get(f"{release_url}/openapi.json").json()
    responses = document["paths"]["/idmapping/detect"]["post"]["responses"]
    assert set(responses) == {"200", "400", "413", "503"}


def test_detect_command(release: ReleaseFacts, release_store: Store) -> None:
    database = next(db for db in FROM_DATABASES if ids_of(release, db, 1))
    ids = ids_of(release, database, 10)
    runner = CliRunner()
    result = runner.invoke(cli, ["detect", "--store", release_store.url, *ids[:5]],
                           input="\n".join(ids[5:]))
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["Id", "Database", "Entries", "Reviewed", "Taxa"]
    assert [r[0] for r in rows[1:] if r[1] == database.name] == ids[:5]  # arguments only
    assert "Best --from:" in result.stderr
    from_stdin = runner.invoke(cli, ["detect", "--store", release_store.url, "--format",
                                     "json", "-i", "-"], input=",".join(ids))
    assert from_stdin.exit_code == 0, from_stdin.output
    body = orjson.loads(from_stdin.stdout)
    assert [r["id"] for r in body["results"]] == ids
    assert body["best"]["ids"] >= 0.95 * len(ids)


def test_the_form_has_a_detect_button(release_url: str) -> None:
    page = httpx.get(f"{release_url}/id-mapping")
    assert 'id="detect"' in page.text
    script = httpx.get(f"{release_url}/static/idmapping.js")
    assert "/idmapping/detect" in script.text


ODD = ['a"b', "a\\b", "a'b", "a%sb", "%(values)s", "$[0]", "a\u2028b", "straße", "🧬_HUMAN",
       "null", "[1]", '{"x": 1}', "P0\u00a0", "a\tb", 'q"\\.2']


def test_ids_of_any_characters_reach_the_query_as_they_are(release: ReleaseFacts,
                                                          release_store: Store) -> None:
    # the plan's columns reach the store as JSON arrays, read by the database: quotes,
    # backslashes, placeholders' marks, non-ASCII, JSON of their own must each stay one id,
    # at its own place, and find nothing, whatever their neighbours find
    accession = release.accessions()[0]
    held = [i for db in FROM_DATABASES for i in ids_of(release, db, 1)][:len(ODD) - 1]
    ids = [x for pair in zip(held + [accession] * (len(ODD) - len(held)), ODD, strict=True)
           for x in pair]
    ids += [f"{held[0]}{ODD[0]}", f"{accession}.{ODD[1]}"]
    _, found = find_holdings(release_store, ids,
                             any_version=CATALOGUE.database("RefSeq_Protein"))
    assert [h.id for h in found] == list(dict.fromkeys(ids))
    by_id = {h.id: h for h in found}
    for odd in ODD + ids[-2:]:
        assert not (by_id[odd].databases or by_id[odd].secondary_of or by_id[odd].versions
                    or by_id[odd].deleted), odd
    assert all(by_id[i].databases for i in held + [accession])
