"""The REST API on every release (the demo and the foreign one) and both stores, over HTTP:
a job's life, paged results with Link, streams in tsv, json and list, and failedIds, with ids
drawn from the release served."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from idmapping.catalogue import AC_ID, Catalogue, Database
from idmapping.ids import ACCESSION_RE
from releases import ReleaseFacts, pages, submit, to_databases

GENE = Catalogue.default().database("Gene_Name")


def plain_target(release: ReleaseFacts) -> Database:
    """A ``to`` database whose results are plain pairs, the one with the most ids."""
    plain = [db for db in to_databases(release)
             if db.name not in ("UniParc", "UniRef50", "UniRef90", "UniRef100")]
    assert plain
    return max(plain, key=lambda db: sum(1 for _, t, _ in release.rows if t == db.dat_type))


def genes_and_missing(release: ReleaseFacts) -> tuple[list[str], list[str]]:
    """Gene names of the release (one in another case), and ids it does not have."""
    names = release.sample("Gene_Name", 5)
    return [*names, names[0].lower()], ["NOT-A-GENE-OF-ANY-RELEASE", "zz9"]


def expected_genes(release: ReleaseFacts, ids: list[str]) -> list[tuple[str, str]]:
    return [(i, acc) for i in dict.fromkeys(ids) for acc in release.entries_of(GENE, i)]


def test_a_jobs_life(release: ReleaseFacts, release_url: str) -> None:
    names, missing = genes_and_missing(release)
    ids = [*names, *missing]
    response = httpx.post(f"{release_url}/idmapping/run",
                          data={"from": "Gene_Name", "to": "UniProtKB", "ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    job = submit(release_url, "Gene_Name", "UniProtKB", ids)
    assert job == response.json()["jobId"]  # the same request is the same job
    status = httpx.get(f"{release_url}/idmapping/status/{job}", follow_redirects=False)
    assert status.status_code == 303
    results_url = f"{release_url}/idmapping/uniprotkb/results/{job}"
    assert status.headers["location"] == results_url
    details = httpx.get(f"{release_url}/idmapping/details/{job}").json()
    assert details["redirectURL"] == results_url
    assert (details["from"], details["to"], details["ids"]) == ("Gene_Name", "UniProtKB",
                                                                 ",".join(ids))
    body = httpx.get(results_url, params={"size": "500"}).json()
    wanted = expected_genes(release, ids)
    assert [(r["from"], r["to"]["primaryAccession"]) for r in body["results"]] == wanted
    assert body["failedIds"] == missing
    for row in body["results"]:  # what the files say of each entry
        entry = release.entries[row["to"]["primaryAccession"]]
        assert row["to"].get("uniProtkbId") == entry.name
        assert row["to"]["organism"]["taxonId"] == entry.taxon


def test_paged_results_follow_link(release: ReleaseFacts, release_url: str) -> None:
    target = plain_target(release)
    assert target.dat_type is not None
    accessions = release.carriers(target.dat_type, 12)
    job = submit(release_url, AC_ID, target.name, accessions)
    wanted = [(a, v) for a in accessions for v in release.values(a, target.dat_type)]
    assert len(wanted) > 10
    url = httpx.get(f"{release_url}/idmapping/details/{job}").json()["redirectURL"]
    assert url == f"{release_url}/idmapping/results/{job}"
    seen = list(pages(url, size="5"))
    assert len(seen) == -(-len(wanted) // 5)
    assert {p.headers["x-total-results"] for p in seen} == {str(len(wanted))}
    assert all("link" in p.headers for p in seen[:-1]) and "link" not in seen[-1].headers
    assert [(r["from"], r["to"]) for p in seen for r in p.json()["results"]] == wanted


def test_streams_in_tsv_json_and_list(release: ReleaseFacts, release_url: str) -> None:
    target = plain_target(release)
    assert target.dat_type is not None
    accessions = release.carriers(target.dat_type, 6)
    job = submit(release_url, AC_ID, target.name, accessions)
    wanted = [(a, v) for a in accessions for v in release.values(a, target.dat_type)]
    stream = f"{release_url}/idmapping/stream/{job}"
    tsv = httpx.get(stream, params={"format": "tsv"}).text.splitlines()
    assert tsv == ["From\tTo", *(f"{a}\t{v}" for a, v in wanted)]
    body = httpx.get(stream, params={"format": "json"}).json()
    assert [(r["from"], r["to"]) for r in body["results"]] == wanted
    listed = httpx.get(stream, params={"format": "list"}).text.splitlines()
    assert listed == [v for _, v in wanted]
    # entries: the TSV of the chosen columns, names as the files give them
    names, missing = genes_and_missing(release)
    job = submit(release_url, "Gene_Name", "UniProtKB", [*names, *missing])
    rows = httpx.get(f"{release_url}/idmapping/uniprotkb/results/stream/{job}",
                     params={"format": "tsv", "fields": "accession,id,organism_id"}
                     ).text.splitlines()
    assert rows[0] == "From\tEntry\tEntry Name\tOrganism (ID)"
    assert rows[1:] == [f"{i}\t{a}\t{release.entries[a].name or ''}\t{release.entries[a].taxon}"
                        for i, a in expected_genes(release, [*names, *missing])]


def test_failed_ids_are_the_ids_the_release_lacks(
        release: ReleaseFacts, release_facts: dict[str, ReleaseFacts], release_url: str) -> None:
    # valid accessions it never had, the other release's entries, and no accession at all
    others = [a for r in release_facts.values() if r is not release
              for a in r.accessions()[:3] if a not in release.entries]
    ids = [*release.absent_accessions(3), *others, "NOT_AN_ID"]
    assert all(ACCESSION_RE.match(i) for i in ids[:-1]) and len(others) == 3
    known = release.accessions()[:2]
    job = submit(release_url, AC_ID, "UniProtKB", [*known, *ids])
    body: dict[str, Any] = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{job}").json()
    assert [r["to"]["primaryAccession"] for r in body["results"]] == known
    assert body["failedIds"] == ids
    assert "obsoleteCount" not in body
    only_failed = submit(release_url, AC_ID, "UniProtKB", ids)
    body = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{only_failed}").json()
    assert body == {"results": [], "failedIds": ids}


@pytest.mark.parametrize("field", ["longest", "shortest"])
def test_ids_of_any_length_the_release_holds(release: ReleaseFacts, release_url: str,
                                             field: str) -> None:
    by_type = Catalogue.default().by_dat_type()
    values = [(v, by_type[t]) for _, t, v in release.rows
              if t in by_type and by_type[t].is_from and t != "Gene_Name"]
    pick = max if field == "longest" else min
    value, database = pick(values, key=lambda item: len(item[0]))
    job = submit(release_url, database.name, "UniProtKB", [value])
    body = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{job}").json()
    wanted = release.entries_of(database, value)
    assert wanted and [r["to"]["primaryAccession"] for r in body["results"]] == wanted
    assert body.get("failedIds", []) == []


def test_release_and_its_date_on_every_response(release: ReleaseFacts, release_url: str) -> None:
    """``X-UniProt-Release`` and ``X-UniProt-Release-Date`` (``14-December-2022``, as
    UniProt writes it) from the release's own files, on configure, job and result responses."""
    import datetime as dt

    names = [e.name for e in release.entries.values() if e.name][:3]
    gene_rows = [v for a, t, v in release.rows if t == "Gene_Name"][:3]
    job = submit(release_url, "Gene_Name", "UniProtKB", gene_rows or names)
    responses = [httpx.get(f"{release_url}/configure/idmapping/fields"),
                 httpx.get(f"{release_url}/idmapping/status/{job}"),
                 httpx.get(f"{release_url}/idmapping/uniprotkb/results/{job}")]
    for response in responses:
        assert response.headers["x-uniprot-release"] == release.name
        if release.date is None:
            assert "x-uniprot-release-date" not in response.headers
        else:
            day = dt.date.fromisoformat(release.date)
            assert response.headers["x-uniprot-release-date"] == \
                f"{day.day:02d}-{day.strftime('%B')}-{day.year}"


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 "
    "Safari/537.36",
])
def test_a_browser_gets_json_whatever_it_accepts(release: ReleaseFacts, release_url: str,
                                                  agent: str) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    accession = next(iter(release.entries))
    job = submit(release_url, AC_ID, "UniProtKB", [accession])
    url = f"{release_url}/idmapping/uniprotkb/results/{job}"
    browser = httpx.get(url, headers={"accept": accept, "user-agent": agent})
    assert browser.headers["content-type"] == "application/json"
    assert browser.json()["results"][0]["to"]["primaryAccession"] == accession
    # a program sending the same Accept gets what it asks for, as from UniProt
    program = httpx.get(url, headers={"accept": accept, "user-agent": "python-httpx"})
    assert program.headers["content-type"] == "application/xml"
