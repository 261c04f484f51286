"""The serving process (idmapping.server, ``idmapping serve``): the store readied, the settings
passed in (never written into the environment), the collector tuned by the server alone."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI

import idmapping.server
import idmapping.settings
from idmapping.cli.commands import cli
from idmapping.runtime import GC_THRESHOLDS
from idmapping.server import SETTINGS_VARIABLE, prepare_store, serve, worker_app
from idmapping.settings import SETTINGS, Settings

CORE = Path(__file__).parent / "data" / "core"


@pytest.fixture
def loaded(tmp_path: Path) -> str:
    """A SQLite store with the core test release."""
    path = str(tmp_path / "served.sqlite")
    result = CliRunner().invoke(cli, ["load", "--store", path, "-q", *map(str, CORE.iterdir())])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def thresholds() -> Iterator[None]:
    """Restore the collector's thresholds that a test's server tuned."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


class FakeUvicorn:
    """Stands in for uvicorn.run: records what it is given and what the environment holds."""

    def __init__(self) -> None:
        self.app: Any = None
        self.options: dict[str, Any] = {}
        self.variable: str | None = None
        self.worker: FastAPI | None = None

    def run(self, app: Any, **options: Any) -> None:
        self.app, self.options = app, options
        self.variable = os.environ.get(SETTINGS_VARIABLE)
        if options.get("factory"):  # what each worker process does
            self.worker = worker_app()


@pytest.fixture
def fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> FakeUvicorn:
    fake = FakeUvicorn()
    monkeypatch.setattr(idmapping.server.uvicorn, "run", fake.run)
    monkeypatch.delenv(SETTINGS_VARIABLE, raising=False)
    return fake


def test_prepare_store_loads_the_demo_into_an_empty_store_only(tmp_path: Path,
                                                               loaded: str) -> None:
    empty = Settings.load(environ={}, store=str(tmp_path / "empty.sqlite"), demo=False)
    assert prepare_store(empty).release is None
    first = prepare_store(empty.replace(demo=True))
    assert first.demo_loaded and first.release is not None
    again = prepare_store(empty.replace(demo=True))
    assert not again.demo_loaded and again.release == first.release
    kept = prepare_store(Settings.load(environ={}, store=loaded))
    assert kept.release is not None and kept.release.name == "2031_02" and not kept.demo_loaded


def test_one_process_serves_the_app_object_built_from_the_settings(
        loaded: str, fake_uvicorn: FakeUvicorn, thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    environ = dict(os.environ)
    serve(Settings.load(environ={}, store=loaded, port=0, max_ids=7))
    assert isinstance(fake_uvicorn.app, FastAPI)  # no import string, no environment
    ctx = fake_uvicorn.app.state.ctx
    assert (ctx.settings.max_ids, ctx.settings.store) == (7, loaded)
    ctx.store.close()
    assert fake_uvicorn.options["port"] == 0 and not fake_uvicorn.options.get("factory")
    assert fake_uvicorn.variable is None
    assert dict(os.environ) == environ  # nothing written into the environment
    assert gc.get_threshold() == GC_THRESHOLDS  # the serving process tunes its collector


def test_worker_processes_get_the_parents_settings_as_one_value(
        loaded: str, fake_uvicorn: FakeUvicorn, thresholds: None) -> None:
    environ = dict(os.environ)
    settings = Settings.load(environ={}, store=loaded, port=0, workers=3, max_ids=7)
    serve(settings)
    assert fake_uvicorn.app == "idmapping.server:worker_app"
    assert (fake_uvicorn.options["factory"], fake_uvicorn.options["workers"]) == (True, 3)
    assert fake_uvicorn.variable is not None
    assert Settings.from_json(fake_uvicorn.variable) == settings
    assert fake_uvicorn.worker is not None
    ctx = fake_uvicorn.worker.state.ctx
    assert ctx.settings == settings
    ctx.store.close()
    assert dict(os.environ) == environ  # set for the workers only while they run
    assert gc.get_threshold() == GC_THRESHOLDS


def test_the_default_store_is_resolved_once_for_every_process(
        fake_uvicorn: FakeUvicorn, thresholds: None, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idmapping.settings, "default_store_path", lambda: tmp_path / "d.sqlite")
    serve(Settings.load(environ={}, workers=2))
    assert fake_uvicorn.variable is not None
    assert Settings.from_json(fake_uvicorn.variable).store == str(tmp_path / "d.sqlite")
    assert fake_uvicorn.worker is not None
    fake_uvicorn.worker.state.ctx.store.close()


def test_building_an_app_leaves_the_collector_alone(loaded: str, thresholds: None) -> None:
    from idmapping.web import create_app

    gc.set_threshold(700, 10, 10)
    app = create_app(Settings.load(environ={}, store=loaded))
    app.state.ctx.store.close()
    assert gc.get_threshold() == (700, 10, 10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_with_two_workers_for_real(loaded: str, tmp_path: Path) -> None:
    """The store given as an option and a limit given in the environment reach both workers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {s.env for s in SETTINGS}}
    env["IDMAPPING_MAX_IDS"] = "3"
    with open(tmp_path / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "idmapping", "serve", "--store", loaded, "--port", str(port),
             "--workers", "2", "--no-demo"], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while (tmp_path / "serve.log").read_text().count("Application startup complete") < 2:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
            base = f"http://127.0.0.1:{port}"
            for _ in range(6):  # the workers share the socket: requests reach either
                answer = httpx.post(f"{base}/idmapping/run", timeout=10, data={
                    "from": "UniProtKB_AC-ID", "to": "GeneID", "ids": "P04637"})
                assert answer.status_code == 200, answer.text
                job = answer.json()["jobId"]
                results = httpx.get(f"{base}/idmapping/results/{job}", timeout=10).json()
                assert results == {"results": [{"from": "P04637", "to": "7157"}]}
                too_many = httpx.post(f"{base}/idmapping/run", timeout=10, data={
                    "from": "UniProtKB_AC-ID", "to": "GeneID", "ids": "A,B,C,D"})
                assert too_many.status_code == 400
                assert "'3' is the maximum count limit" in too_many.json()["messages"][0]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    log_text = (tmp_path / "serve.log").read_text()
    assert f"Serving on http://127.0.0.1:{port}/ (store {loaded})" in log_text
