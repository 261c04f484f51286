"""Releases pinned by base URL (issue 16): every route under ``/releases/{name}``, on both stores.

Two small releases are written here and loaded side by side: the same gene name maps to a
different accession in each, and an accession both hold is of a different taxon in each, so
that a mapping and the entry data of its results say which release answered. Clients are
unmodified: unipressed re-pointed at a pinned base URL (its only change, as in
tests/test_clients.py), and plain httpx.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from conftest import LiveServer, api_settings, start_server
from idmapping.jobs.jobid import job_id
from idmapping.loader import load_release
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.releases import drop_release, make_current
from idmapping.store import Store
from idmapping.web import create_app
from reliability import child_env
from stores import BACKENDS, fresh_store

UNIPROT = "https://rest.uniprot.org"
GENE = "PINGENE1"


@dataclass(frozen=True)
class Pinned:
    """One small release: its name, date, and what tells it apart."""

    name: str
    date: str  # as UniProt's headers write it
    accession: str  # what GENE maps to
    taxon: int  # the taxon of SHARED
    files: tuple[Path, ...] = ()


SHARED = "Q0S0S1"
OTHERS = ("Q0S0S2", "Q0S0S3")


def write_release(directory: Path, name: str, day: str, accession: str, taxon: int,
                  extra: tuple[str, ...] = ()) -> Pinned:
    """A release of a few entries: *accession* carries GENE, SHARED is of *taxon*, and each
    of OTHERS and *extra* carries a GeneID of its own."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = [f"{accession}\tUniProtKB-ID\t{accession}_HUMAN", f"{accession}\tGene_Name\t{GENE}",
            f"{accession}\tNCBI_TaxID\t9606",
            f"{SHARED}\tUniProtKB-ID\t{SHARED}_HUMAN", f"{SHARED}\tNCBI_TaxID\t{taxon}",
            f"{SHARED}\tGene_Name\tSHARED1"]
    for n, other in enumerate((*OTHERS, *extra)):
        rows += [f"{other}\tUniProtKB-ID\t{other}_HUMAN", f"{other}\tGeneID\t{7000 + n}",
                 f"{other}\tGene_Name\t{GENE}", f"{other}\tNCBI_TaxID\t9606"]
    dat = directory / "idmapping.dat"
    dat.write_text("\n".join(rows) + "\n")
    reldate = directory / "reldate.txt"
    reldate.write_text(f"UniProt Knowledgebase Release {name} consists of:\n"
                       f"UniProtKB/Swiss-Prot Release {name} of {day}\n"
                       f"UniProtKB/TrEMBL Release {name} of {day}\n")
    months = {"Jan": "January", "Feb": "February", "Mar": "March"}
    d, m, y = day.split("-")
    return Pinned(name, f"{d}-{months[m]}-{y}", accession, taxon, (dat, reldate))


def two_releases(directory: Path) -> tuple[Pinned, Pinned]:
    return (write_release(directory / "a", "2031_01", "14-Jan-2031", "P0A0A1", 9606),
            write_release(directory / "b", "2031_02", "11-Feb-2031", "P0B0B2", 9598))


@dataclass
class Served:
    store: Store
    server: LiveServer
    a: Pinned
    b: Pinned

    @property
    def url(self) -> str:
        return self.server.url

    def base(self, release: Pinned | None = None) -> str:
        return self.url + (f"/releases/{release.name}" if release else "")


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """Releases A then B loaded in one store (B current), served."""
    a, b = two_releases(tmp_path / "files")
    with fresh_store(request.param, tmp_path) as store:
        load_release(a.files, store)
        load_release(b.files, store)
        app = create_app(api_settings(store), store)
        app.state.ctx.release_ttl = 0  # headers follow a switch at once
        server = start_server(app)
        try:
            yield Served(store, server, a, b)
        finally:
            server.stop()


def submit(base: str, ids: str, from_db: str = "Gene_Name", to_db: str = "UniProtKB",
           **extra: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", timeout=30,
                          data={"from": from_db, "to": to_db, "ids": ids, **extra})
    assert response.status_code == 200, response.text
    job = str(response.json()["jobId"])
    status = httpx.get(f"{base}/idmapping/status/{job}", timeout=30)
    assert status.status_code == 303, status.text
    return job


def mapped(base: str, job: str) -> list[tuple[str, str]]:
    response = httpx.get(f"{base}/idmapping/stream/{job}", params={"format": "tsv"}, timeout=30)
    assert response.status_code == 200, response.text
    return [tuple(line.split("\t")) for line in  # type: ignore[misc]
            response.text.splitlines()[1:]]


def taxa(base: str, job: str) -> dict[str, str]:
    """Accession -> organism id, from the entry stream of *job* (entry data)."""
    response = httpx.get(f"{base}/idmapping/uniprotkb/results/stream/{job}", timeout=30,
                         params={"format": "tsv", "fields": "accession,organism_id"})
    assert response.status_code == 200, response.text
    return dict(line.split("\t")[1:] for line in response.text.splitlines()[1:])


def test_unipressed_pinned_by_base_url(served: Served, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    from unipressed import IdMappingClient

    original = requests.sessions.Session.request
    base = {"url": ""}

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any
                ) -> requests.Response:
        if isinstance(url, str) and url.startswith(UNIPROT):
            url = base["url"] + url[len(UNIPROT):]
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.sessions.Session, "request", request)
    found = {}
    for release in (served.a, served.b, None):
        base["url"] = served.base(release)
        job = IdMappingClient.submit(source="Gene_Name", dest="UniProtKB", ids=[GENE])
        assert job.get_status() == "FINISHED"
        found[release.name if release else ""] = (job.job_id, sorted(
            r["to"] for r in job.each_result()))
    a, b, current = found[served.a.name], found[served.b.name], found[""]
    assert a[1] == sorted([served.a.accession, *OTHERS])
    assert b[1] == sorted([served.b.accession, *OTHERS])
    assert current == (job_id("Gene_Name", "UniProtKB", GENE), b[1])  # UniProt's own id
    assert len({a[0], b[0], current[0]}) == 3


def test_prefix_is_kept_and_headers_name_the_release(served: Served) -> None:
    a, b = served.a, served.b
    ids = f"{GENE},SHARED1"
    job_a = submit(served.base(a), ids)
    assert job_a != submit(served.base(b), ids) != job_id("Gene_Name", "UniProtKB", ids)
    with httpx.Client(timeout=30) as client:
        status = client.get(f"{served.base(a)}/idmapping/status/{job_a}")
        location = f"{served.base(a)}/idmapping/uniprotkb/results/{job_a}"
        assert status.headers["location"] == location
        details = client.get(f"{served.base(a)}/idmapping/details/{job_a}").json()
        assert details["redirectURL"] == location
        page = client.get(location, params={"size": "1", "fields": "accession"})
        link = re.fullmatch(r'<([^>]+)>; rel="next"', page.headers["link"])
        assert link and link.group(1).startswith(location + "?"), page.headers["link"]
        plain = client.get(f"{served.base(a)}/idmapping/results/{job_a}", params={"size": "1"})
        assert plain.headers["link"].startswith(f"<{served.base(a)}/idmapping/results/{job_a}?")
        for release in (a, b):
            for path in ("/configure/idmapping/fields", f"/idmapping/results/{job_a}", "/",
                         "/id-mapping", "/idmapping/status/nosuchjob"):
                response = client.get(served.base(release) + path)
                named = a if path.startswith("/idmapping/results") else release
                assert response.headers["x-uniprot-release"] == named.name, path
                assert response.headers["x-uniprot-release-date"] == named.date, path
        assert client.get(served.base(a)).json()["release"] == a.name
        # unprefixed: the current release
        response = client.get(served.url + "/configure/idmapping/fields")
        assert (response.headers["x-uniprot-release"],
                response.headers["x-uniprot-release-date"]) == (b.name, b.date)
        # a release that is not here
        missing = client.get(f"{served.url}/releases/1999_01/idmapping/status/{job_a}")
        assert missing.status_code == 404 and "1999_01" in missing.json()["messages"][0]
        # ours: the release form field pins as the base URL does
        named = client.post(f"{served.url}/idmapping/run",
                            data={"from": "Gene_Name", "to": "UniProtKB", "ids": ids,
                                  "release": a.name})
        assert named.json() == {"jobId": job_a}
        clash = client.post(f"{served.base(b)}/idmapping/run",
                            data={"from": "Gene_Name", "to": "UniProtKB", "ids": ids,
                                  "release": a.name})
        assert clash.status_code == 400 and a.name in clash.json()["messages"][0]
        unknown = client.post(f"{served.url}/idmapping/run",
                              data={"from": "Gene_Name", "to": "UniProtKB", "ids": ids,
                                    "release": "1999_01"})
        assert unknown.status_code == 400 and "1999_01" in unknown.json()["messages"][0]


def test_jobs_are_read_from_their_release_after_a_switch_and_a_drop(served: Served) -> None:
    a, b = served.a, served.b
    pinned_a = submit(served.base(a), f"{GENE},SHARED1")
    pinned_b = submit(served.base(b), f"{GENE},SHARED1")
    unpinned_b = submit(served.url, f"{GENE},SHARED1")
    make_current(served.store, a.name)  # `idmapping releases current A`
    unpinned_a = submit(served.url, f"{GENE},SHARED1")
    assert unpinned_a == unpinned_b  # UniProt's id, mapped again against the current release
    assert (GENE, a.accession) in mapped(served.url, unpinned_a)
    make_current(served.store, b.name)
    # each job is read from its own release, whatever is current, under any base URL
    for base in (served.url, served.base(a), served.base(b)):
        assert taxa(base, pinned_a)[SHARED] == str(a.taxon)
        assert taxa(base, pinned_b)[SHARED] == str(b.taxon)
        assert taxa(base, unpinned_a)[SHARED] == str(a.taxon)
        assert (GENE, a.accession) in mapped(base, pinned_a)
        assert (GENE, b.accession) in mapped(base, pinned_b)
    response = httpx.get(f"{served.url}/idmapping/uniprotkb/results/{pinned_a}", timeout=30,
                         params={"fields": "accession,organism_id"})
    assert response.headers["x-uniprot-release"] == a.name
    assert response.headers["x-uniprot-release-date"] == a.date
    # unprefixed: the current release, B again
    assert (GENE, b.accession) in mapped(served.url, submit(served.url, GENE))
    drop_release(served.store, a.name)
    assert httpx.get(f"{served.base(a)}/idmapping/status/{pinned_a}").status_code == 404
    for path in (f"/idmapping/uniprotkb/results/{pinned_a}",
                 f"/idmapping/uniprotkb/results/stream/{pinned_a}",
                 f"/idmapping/results/{pinned_a}", f"/idmapping/stream/{pinned_a}"):
        gone = httpx.get(served.url + path, timeout=30)
        assert gone.status_code == 410, (path, gone.text)
        assert a.name in gone.json()["messages"][0] and "dropped" in gone.json()["messages"][0]
    assert taxa(served.base(b), pinned_b)[SHARED] == str(b.taxon)
    assert (GENE, b.accession) in mapped(served.url, submit(served.url, GENE))


def test_pages_list_pin_and_name_the_release(served: Served) -> None:
    a, b = served.a, served.b
    html = {"accept": "text/html"}
    with httpx.Client(timeout=30, headers=html) as client:
        home = client.get(served.url + "/").text
        for release in (a, b):
            assert f'href="/releases/{release.name}/id-mapping"' in home
        # the pinned home and form link within the pinned release
        pinned_home = client.get(served.base(a) + "/").text
        assert 'href="/releases/' + a.name + '/id-mapping"' in pinned_home
        form = client.get(served.base(a) + "/id-mapping").text
        assert f'action="/releases/{a.name}/id-mapping"' in form
        assert f'<option value="{a.name}" selected>' in form
        assert f'<option value="{b.name}"' not in form
        # the unpinned form offers every release and the current one
        form = client.get(served.url + "/id-mapping").text
        assert '<option value="" selected>' in form
        assert f'<option value="{a.name}">' in form and f'<option value="{b.name}">' in form
        fields = {"from": "Gene_Name", "to": "UniProtKB", "ids": GENE}
        for base, release, expected in ((served.base(a), "", a), (served.url, a.name, a),
                                        (served.url, "", None)):
            posted = client.post(base + "/id-mapping", data={**fields, "release": release})
            assert posted.status_code == 303, posted.text
            page = client.get(base + posted.headers["location"].removeprefix(
                base.removeprefix(served.url)))
            named = expected or b
            assert f"<dt>Release</dt><dd>{named.name}</dd>" in page.text
            assert f'<dd id="job-release"><a href="/releases/{named.name}/">' in page.text
            assert named.accession in page.text
            other = a if named is b else b
            assert other.accession not in page.text
        clash = client.post(served.base(b) + "/id-mapping", data={**fields, "release": a.name})
        assert clash.status_code == 400 and a.name in clash.text


def write_organism(directory: Path, entries: int = 3) -> tuple[Path, list[str]]:
    """A second organism's idmapping.dat (mouse): *entries* entries carrying gene MOUSEG1."""
    directory.mkdir(parents=True, exist_ok=True)
    accessions = [f"M{n // 100000 % 10}{chr(65 + n // 10000 % 26)}{n // 1000 % 10}"
                  f"{chr(65 + n // 100 % 10)}{n // 10 % 10}{n % 10}"[:6] for n in range(entries)]
    accessions = list(dict.fromkeys(accessions))
    rows = []
    for n, accession in enumerate(accessions):
        rows += [f"{accession}\tUniProtKB-ID\t{accession}_MOUSE",
                 f"{accession}\tGene_Name\tMOUSEG1", f"{accession}\tNCBI_TaxID\t10090",
                 f"{accession}\tGeneID\t{500000 + n}"]
    path = directory / "MOUSE_10090_idmapping.dat"
    path.write_text("\n".join(rows) + "\n")
    return path, accessions


def run_cli(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**child_env(), "IDMAPPING_STORE": store_url(store)}
    return subprocess.run([sys.executable, "-m", "idmapping", *args], env=env, text=True,
                          capture_output=True, timeout=300)


def store_url(store: Store) -> str:
    return str(getattr(store, "_conninfo", store.url))


def genes(store: Store, gene: str) -> list[str]:
    run = map_ids(store, MappingRequest("Gene_Name", "UniProtKB", (gene,), ""), store.catalogue)
    return sorted(to for _, to in run.pairs())


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_a_second_organism_without_reading_the_first(backend: str, tmp_path: Path) -> None:
    a = write_release(tmp_path / "a", "2031_01", "14-Jan-2031", "P0A0A1", 9606)
    locus = a.files[0]
    locus.write_text(locus.read_text() + "Q0L0L1\tUniProtKB-ID\tQ0L0L1_HUMAN\n"
                     "Q0L0L1\tGene_OrderedLocusName\tb0001\nQ0L0L1\tNCBI_TaxID\t9606\n")
    mouse, accessions = write_organism(tmp_path / "m")
    with fresh_store(backend, tmp_path) as store:
        first = load_release(a.files, store)
        for path in a.files:  # the first organism's files are gone: --add cannot read them
            path.unlink()
        done = run_cli(store, "load", "--add", "-q", str(mouse))
        assert done.returncode == 0, done.stderr
        added = store.current_release()
        assert added is not None and added.id != first.id
        assert added.name == a.name  # the files state none: the release added to's
        assert added.stats["date"] == first.stats["date"]
        assert added.stats["entries"] == first.stats["entries"] + len(accessions)
        assert added.stats["added_to"] == a.name
        assert genes(store, GENE) == sorted([a.accession, *OTHERS])
        assert genes(store, "MOUSEG1") == sorted(accessions)
        assert genes(store, "b0001") == ["Q0L0L1"]  # a derived gene name, copied
        facts = store.entry_facts([SHARED, accessions[0]])
        assert facts[SHARED].taxon == a.taxon and facts[accessions[0]].taxon == 10090
        assert facts[accessions[0]].xrefs["GeneID"] == ["500000"]
        assert genes(store.pinned(a.name), "MOUSEG1") == sorted(accessions)  # the newer
        store.verify()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_add_leaves_the_current_release(backend: str, tmp_path: Path) -> None:
    a = write_release(tmp_path / "a", "2031_01", "14-Jan-2031", "P0A0A1", 9606)
    mouse, _ = write_organism(tmp_path / "m", 400_000)
    with fresh_store(backend, tmp_path) as store:
        first = load_release(a.files, store)
        env = {**child_env(), "IDMAPPING_STORE": store_url(store)}
        child = subprocess.Popen([sys.executable, "-m", "idmapping", "load", "--add", "-q",
                                  str(mouse)], env=env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not any(r.state == "loading" for r in store.releases()):
            assert child.poll() is None, child.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)  # copying or reading the new file
        assert child.poll() is None, "the load ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        current = store.current_release()
        assert current is not None and (current.id, current.name) == (first.id, first.name)
        assert genes(store, GENE) == sorted([a.accession, *OTHERS])
        assert genes(store, "MOUSEG1") == []
        store.verify()
        # the next --add cleans up after the killed one
        small, accessions = write_organism(tmp_path / "s")
        done = run_cli(store, "load", "--add", "-q", "--release", "2031_01.mm", str(small))
        assert done.returncode == 0, done.stderr
        assert [r.state for r in store.releases()] == ["ready", "ready"]
        assert genes(store, "MOUSEG1") == sorted(accessions)


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_past_the_entry_cache_numbers_each_entry_once(
        backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a cache of one accession: the copied entries fill it, later ones are looked up
    monkeypatch.setattr("idmapping.loader.builder.cache_limit", lambda megabytes: 1)
    a = write_release(tmp_path / "a", "2031_01", "14-Jan-2031", "P0A0A1", 9606)
    mouse, accessions = write_organism(tmp_path / "m")
    # an entry of the release added to gets one more id from the new file
    mouse.write_text(mouse.read_text() + f"{SHARED}\tGeneID\t999999\n")
    with fresh_store(backend, tmp_path) as store:
        first = load_release(a.files, store)
        added = load_release([mouse], store, add=True)
        assert added.stats["entries"] == first.stats["entries"] + len(accessions)
        run = map_ids(store, MappingRequest("GeneID", "UniProtKB", ("999999",), ""),
                      store.catalogue)
        assert sorted(to for _, to in run.pairs()) == [SHARED]
        assert genes(store, GENE) == sorted([a.accession, *OTHERS])
        assert genes(store, "MOUSEG1") == sorted(accessions)
        facts = store.entry_facts([SHARED, accessions[0]])
        assert facts[SHARED].taxon == a.taxon and facts[accessions[0]].taxon == 10090
        store.verify()
