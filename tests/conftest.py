"""Shared fixtures. Each group is kept together under its own heading; add new groups below."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from hypothesis import settings

from idmapping.loader import load_demo, load_release
from idmapping.settings import Settings
from idmapping.store import Store
from idmapping.web import create_app
from releases import KINDS, ReleaseFacts, read_release, release_files
from stores import BACKENDS, fresh_store

# Hypothesis's deadline (200 ms an example) is a timing test: on CI's shared cores a first
# example that imports a module (NumPy: 0.9 s) failed it. Speed is measured in bench/, never
# in tests; the examples run without one.
settings.register_profile("idmapping", deadline=None)
settings.load_profile("idmapping")

# =============================================================================================
# API: a small but rich release, stores holding it, and live uvicorn servers over them
# (tests/test_api*.py). Servers are real: uvicorn on 127.0.0.1, spoken to over HTTP.
# =============================================================================================

API_RELEASE = "2099_01"
"""The release name the API release files state."""

API_BULK_SIZE = 300
"""Entries that share the gene id below, so that one mapping has several pages of results."""

API_BULK_GENE_ID = "1000"
API_BULK_CLUSTER = "UniRef90_P900000"


def api_bulk_accession(n: int) -> str:
    """The accession of bulk entry *n* (P900000, P900010, ... valid accessions)."""
    return f"P9{n:03d}0"


def _api_header(description: str, name: str) -> str:
    """A release-file header laid out as UniProt's."""
    rule = "-" * 76
    return (
        f"{rule}\n        API test release\n{rule}\n\nDescription: {description}\n"
        f"Name:        {name}\nRelease:     {API_RELEASE} of 05-Mar-2099\n\n{rule}\n\n"
    )


_API_ENTRIES = """\
P04637	UniProtKB-ID	P53_HUMAN
P04637	Gene_Name	TP53
P04637	Gene_Synonym	P53
P04637	GeneID	7157
P04637	Ensembl	ENSG00000141510.18
P04637	Ensembl_TRS	ENST00000269305.9
P04637	Ensembl_PRO	ENSP00000269305.4
P04637	RefSeq	NP_000537.3
P04637	RefSeq_NT	NM_000546.6
P04637	EMBL	X02469
P04637	EMBL-CDS	CAA26306.1
P04637	UniParc	UPI000002ED67
P04637	UniRef100	UniRef100_P04637
P04637	UniRef90	UniRef90_P04637
P04637	UniRef50	UniRef50_P04637
P04637	ChEMBL	CHEMBL4096
P04637	PDB	1A1U
P04637	PDB	1AIE
P04637	NCBI_TaxID	9606
P04637-2	Ensembl_TRS	ENST00000420246.6
P02340	UniProtKB-ID	P53_MOUSE
P02340	Gene_Name	Trp53
P02340	GeneID	22059
P02340	UniParc	UPI00000002B6
P02340	UniRef50	UniRef50_P04637
P02340	NCBI_TaxID	10090
K7PPA8	UniProtKB-ID	K7PPA8_HUMAN
K7PPA8	Gene_Name	TP53
K7PPA8	UniParc	UPI0002A0B6D1
K7PPA8	UniRef90	UniRef90_P04637
K7PPA8	NCBI_TaxID	9606
Q6GZX4	UniProtKB-ID	001R_FRG3G
Q6GZX4	Gene_ORFName	FV3-001R
Q6GZX4	GeneID	2947773
Q6GZX4	NCBI_TaxID	654924
"""


def write_api_release(directory: Path) -> list[Path]:
    """Write the API test release into *directory*; return its files.

    It holds a reviewed human entry with many cross-references (P04637), its mouse ortholog,
    an unreviewed entry, an entry with only an ORF name, API_BULK_SIZE entries sharing
    API_BULK_GENE_ID and API_BULK_CLUSTER, one deleted Swiss-Prot and one deleted TrEMBL
    accession, and a secondary accession.
    """
    directory.mkdir(parents=True, exist_ok=True)
    lines = [_API_ENTRIES]
    for n in range(API_BULK_SIZE):
        acc = api_bulk_accession(n)
        lines.append(
            f"{acc}\tUniProtKB-ID\t{acc}_HUMAN\n{acc}\tGeneID\t{API_BULK_GENE_ID}\n"
            f"{acc}\tNCBI_TaxID\t9606\n{acc}\tUniParc\tUPI{n + 1:010X}\n"
            f"{acc}\tUniRef90\t{API_BULK_CLUSTER}\n"
        )
    files = {
        "idmapping.dat": "".join(lines),
        "sec_ac.txt": _api_header("Secondary accession numbers: index", "SEC_AC.TXT")
        + "Secondary AC                  Primary AC\n____________                  __________\n"
        "Q15086                        P04637\n",
        "delac_sp.txt": _api_header(
            "Accession numbers deleted from UniProtKB/Swiss-Prot", "delac_sp.txt"
        )
        + "Accession number\n________________\nA0AV18\n",
        "delac_tr.txt": _api_header(
            "Accession numbers deleted from UniProtKB/TrEMBL", "delac_tr.txt"
        )
        + "Accession number\n________________\nA0A0A0MQ33\n",
    }
    paths = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text)
        paths.append(path)
    return paths


@dataclass(frozen=True)
class ApiRelease:
    """What the API test release holds, for tests to compare against (fixture api_release)."""

    name: str = API_RELEASE
    bulk_size: int = API_BULK_SIZE
    bulk_gene_id: str = API_BULK_GENE_ID
    bulk_cluster: str = API_BULK_CLUSTER

    @staticmethod
    def bulk_accession(n: int) -> str:
        """The accession of bulk entry *n*."""
        return api_bulk_accession(n)


@contextlib.contextmanager
def make_api_store(directory: Path, files: list[Path], kind: str = "sqlite"
                   ) -> Iterator[Store]:
    """A new store of *kind* (a SQLite file in *directory*, or a fresh PostgreSQL database)
    with the API release loaded; closed (and dropped) on exit."""
    with fresh_store(kind, directory) as store:
        load_release(files, store)
        yield store


def api_settings(store: Store, **overrides: Any) -> Settings:
    """Settings for a test server over *store*; the environment is not read."""
    return Settings.load(environ={}, store=store.url, **overrides)


@dataclass
class LiveServer:
    """A uvicorn server running an app on a thread; ``url`` is its base URL."""

    url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        """Stop the server and wait for its shutdown (the app's lifespan end)."""
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(app: FastAPI) -> LiveServer:
    """Serve *app* with uvicorn on a free port of 127.0.0.1, on a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return LiveServer(f"http://127.0.0.1:{port}", app, server, thread)


@pytest.fixture(scope="session")
def api_release() -> ApiRelease:
    """Names and sizes of the API test release."""
    return ApiRelease()


@pytest.fixture(scope="session")
def api_release_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The API test release files (see :func:`write_api_release`)."""
    return write_api_release(tmp_path_factory.mktemp("api-release"))


@pytest.fixture(scope="session", params=BACKENDS)
def api_backend(request: pytest.FixtureRequest) -> str:
    """The store backend the API tests run on: every API test runs on both."""
    return str(request.param)


@pytest.fixture(scope="session")
def api_store(
    tmp_path_factory: pytest.TempPathFactory, api_release_files: list[Path], api_backend: str
) -> Iterator[Store]:
    """A store with the API release, shared by the session's default server."""
    with make_api_store(tmp_path_factory.mktemp("api-store"), api_release_files,
                        api_backend) as store:
        yield store


@pytest.fixture(scope="session")
def api_server(api_store: Store) -> Iterator[LiveServer]:
    """A live server with default settings over :func:`api_store`."""
    live = start_server(create_app(api_settings(api_store), api_store))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def api_url(api_server: LiveServer) -> str:
    """The base URL of :func:`api_server`, e.g. ``http://127.0.0.1:43123``."""
    return api_server.url


@pytest.fixture
def api_server_factory(
    tmp_path: Path, api_release_files: list[Path], api_backend: str
) -> Iterator[Callable[..., LiveServer]]:
    """Start servers with their own settings, each over a fresh store with the API release.

    Call it with setting overrides (``max_ids=3``); pass ``store=`` to serve an existing store
    instead (e.g. to restart over the same file). Every server is stopped after the test.
    """
    started: list[LiveServer] = []
    with contextlib.ExitStack() as stores:

        def start(store: Store | None = None, **overrides: Any) -> LiveServer:
            if store is None:
                directory = tmp_path / f"store{len(started)}"
                directory.mkdir()
                store = stores.enter_context(
                    make_api_store(directory, api_release_files, api_backend))
            live = start_server(create_app(api_settings(store, **overrides), store))
            started.append(live)
            return live

        yield start
        for live in started:
            live.stop()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend (a test file may define its own ``store``)."""
    with fresh_store(request.param, tmp_path) as opened:
        yield opened


# =============================================================================================
# Releases: the demo release and the foreign-shaped one (tests/releases.py), each loaded once
# per backend, with a live server over each (tests/test_releases_*.py). Tests draw the ids
# they need from the release they run on.
# =============================================================================================

RELEASE_CASES = [(kind, backend) for kind in KINDS for backend in BACKENDS]


@pytest.fixture(scope="session")
def release_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReleaseFacts]:
    """What each release's files hold, read once: ``{"demo": …, "foreign": …}``."""
    directory = tmp_path_factory.mktemp("releases")
    return {kind: read_release(kind, release_files(kind, directory / kind)) for kind in KINDS}


@pytest.fixture(scope="session", params=RELEASE_CASES, ids=[f"{k}-{b}" for k, b in RELEASE_CASES])
def release_case(request: pytest.FixtureRequest) -> tuple[str, str]:
    """``(release, backend)``: every generic test runs on both releases and both stores."""
    kind, backend = request.param
    return str(kind), str(backend)


@pytest.fixture(scope="session")
def release(release_case: tuple[str, str], release_facts: dict[str, ReleaseFacts]
            ) -> ReleaseFacts:
    """What the files of the release under test hold."""
    return release_facts[release_case[0]]


@pytest.fixture(scope="session")
def release_store(tmp_path_factory: pytest.TempPathFactory, release_case: tuple[str, str],
                  release: ReleaseFacts) -> Iterator[Store]:
    """A store of the case's backend with the release under test loaded (the demo as
    ``idmapping serve`` loads it)."""
    with fresh_store(release_case[1], tmp_path_factory.mktemp("release-store")) as store:
        if release.demo:
            load_demo(store)
        else:
            load_release(release.files, store)
        yield store


@pytest.fixture(scope="session")
def release_server(release_store: Store) -> Iterator[LiveServer]:
    """A live server with default settings over :func:`release_store`."""
    live = start_server(create_app(api_settings(release_store), release_store))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def release_url(release_server: LiveServer) -> str:
    """The base URL of :func:`release_server`."""
    return release_server.url


# =============================================================================================
# Browser: Debian's headless Chromium, driven by Playwright (never a downloaded browser).
# Browser tests skip where Chromium or Playwright is missing, unless
# IDMAPPING_TEST_BROWSER=required (CI), where they fail instead.
# =============================================================================================

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's), or a skip where there is none (a failure in CI)."""
    required = os.environ.get("IDMAPPING_TEST_BROWSER") == "required"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("IDMAPPING_TEST_BROWSER=required but Playwright is not installed")
        pytest.skip("Playwright is not installed")
    if not CHROMIUM.exists():
        if required:
            pytest.fail(f"IDMAPPING_TEST_BROWSER=required but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page; any dialog (alert) or script error fails the test."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], f"script errors: {errors}"
