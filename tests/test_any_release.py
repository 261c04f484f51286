"""The pages work on every release: the foreign-shaped one, the demo, one loaded from
idmapping.dat alone, and an empty store; examples come from the release served. (The whole
path through the pages, in a browser, on the demo and foreign releases and both stores:
test_releases_browser.py.)"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from conftest import LiveServer, api_settings, start_server
from foreign import ForeignRelease, write_foreign_release
from idmapping.catalogue import AC_ID, Catalogue
from idmapping.examples import example_ids
from idmapping.loader import load_release
from idmapping.store import Store
from idmapping.web import create_app
from releases import ReleaseFacts
from stores import BACKENDS, fresh_store

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> ForeignRelease:
    return write_foreign_release(tmp_path_factory.mktemp("foreign"))


def _mapped(base: str, from_db: str, to_db: str, ids: list[str]) -> list[dict[str, str]]:
    job = httpx.post(f"{base}/idmapping/run",
                     data={"from": from_db, "to": to_db, "ids": ",".join(ids)}).json()["jobId"]
    for _ in range(200):
        status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False)
        if status.status_code == 303:
            break
        time.sleep(0.05)
    results: list[dict[str, str]] = httpx.get(f"{base}/idmapping/results/{job}").json()["results"]
    return results


def _job_page(base: str, from_db: str, to_db: str, ids: str) -> httpx.Response:
    """Submit through the form as a browser without JavaScript does; the job page it leads to."""
    posted = httpx.post(f"{base}/id-mapping", data={"from": from_db, "to": to_db, "ids": ids})
    assert posted.status_code == 303, posted.text
    return httpx.get(base + posted.headers["location"], headers=HTML)


def _help_examples(html: str) -> list[str]:
    match = re.search(r'id="ids-help">For example\s*<code>([^<]*)</code>', html)
    return unescape(match.group(1)).split() if match else []


def test_form_offers_the_releases_own_ids(release: ReleaseFacts, release_url: str) -> None:
    page = httpx.get(f"{release_url}/id-mapping")
    assert page.status_code == 200, page.text
    shown = _help_examples(page.text)
    assert shown, "the form shows no example ids"
    names = {e.name for e in release.entries.values() if e.name}
    assert set(shown) <= set(release.accessions()) | names
    # and they map: every example of UniProtKB AC/ID comes back as an entry
    mapped = _mapped(release_url, AC_ID, "UniProtKB", shown)
    assert {r["from"] for r in mapped} == set(shown)


def test_example_link_fills_ids_that_map_for_each_database(
        release: ReleaseFacts, release_url: str, release_store: Store) -> None:
    examples = example_ids(release_store, Catalogue.default())
    assert AC_ID in examples and "Gene_Name" in examples
    chosen = [d for d in ("Gene_Name", "SGD", "RefSeq_Protein") if d in examples]
    assert release.demo or len(chosen) == 3  # the foreign release's entries have all three
    for database in chosen:
        page = httpx.get(f"{release_url}/id-mapping",
                         params={"example": "1", "from": database})
        assert page.status_code == 200
        ids = examples[database]
        assert all(i in page.text for i in ids)
        mapped = _mapped(release_url, database, "UniProtKB", ids)
        assert {r["from"] for r in mapped} == set(ids)
        accessions = set(release.accessions())
        assert {r["to"]["primaryAccession"] if isinstance(r["to"], dict) else r["to"]
                for r in mapped} <= accessions


def test_home_page_names_the_release_its_date_counts_and_whether_it_is_the_demo(
        release: ReleaseFacts, release_url: str) -> None:
    page = httpx.get(f"{release_url}/", headers=HTML)
    assert page.status_code == 200
    assert release.name in page.text and str(release.date) in page.text
    assert f"{len(release.entries):,}" in page.text
    assert ('id="demo-release"' in page.text) is release.demo
    assert ("generated data" in page.text) is release.demo
    assert ("demo" in page.text.lower()) is release.demo
    if release.demo:  # and says how to load a real one
        assert "idmapping load" in page.text
    form = httpx.get(f"{release_url}/id-mapping")
    assert form.status_code == 200 and _help_examples(form.text)


def test_no_example_ids_for_databases_the_release_lacks(release: ReleaseFacts,
                                                        release_store: Store) -> None:
    examples = example_ids(release_store, Catalogue.default())
    lacking = {db.name for db in Catalogue.default().databases.values()
               if db.dat_type and db.dat_type not in release.id_types() | {"Gene_Name"}}
    assert release.demo or {"HGNC", "MIM"} <= lacking  # the foreign release is not human
    assert not lacking & set(examples)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_on_an_empty_store_say_how_to_load(tmp_path: Path, backend: str) -> None:
    with fresh_store(backend, tmp_path) as store:
        live = start_server(create_app(api_settings(store), store))
        try:
            for path in ("/", "/id-mapping"):
                page = httpx.get(live.url + path, headers=HTML)
                assert page.status_code == 200, (path, page.text)
                assert "No release is loaded" in page.text
                assert "idmapping load" in page.text
            assert _help_examples(httpx.get(live.url + "/id-mapping").text) == []
            # a job submitted anyway: its page says why it failed, and how to load
            job = _job_page(live.url, "Gene_Name", "UniProtKB", "ABC1")
            assert job.status_code == 200
            assert "No release is loaded" in unescape(job.text)
        finally:
            live.stop()


@pytest.fixture(scope="module")
def dat_only_server(tmp_path_factory: pytest.TempPathFactory,
                    foreign: ForeignRelease) -> Iterator[LiveServer]:
    """idmapping.dat alone: no secondary or deleted accessions, no release name in it."""
    with fresh_store("sqlite", tmp_path_factory.mktemp("dat-only")) as store:
        load_release(foreign.files[:1], store)
        live = start_server(create_app(api_settings(store), store))
        yield live
        live.stop()


def test_pages_on_a_release_of_idmapping_dat_alone(dat_only_server: LiveServer,
                                                   foreign: ForeignRelease) -> None:
    for path in ("/", "/id-mapping"):
        assert httpx.get(dat_only_server.url + path, headers=HTML).status_code == 200
    home = httpx.get(dat_only_server.url + "/", headers=HTML).text
    assert "not stated" in home  # no file of it states a release date
    shown = _help_examples(httpx.get(dat_only_server.url + "/id-mapping").text)
    assert shown and set(shown) <= set(foreign.accessions()) | {
        f"{a}_YEAST" for a in foreign.accessions()}
    job = _job_page(dat_only_server.url, AC_ID, "UniProtKB", " ".join(shown))
    assert job.status_code == 200 and 'id="results-table"' in job.text
    assert all(f">{i}<" in job.text for i in shown)
