"""Boundaries: what HTTP cannot do, where the server listens, and the pinned dependencies.

* Admin actions (loading a release, purging jobs) are command-line only: no route reaches
  them, whatever its method.
* With nothing configured, the server binds to loopback only.
* The dependencies are pinned in requirements.lock (``uv pip compile``, see
  docs/reliability.md) and audited with pip-audit when it is installed and the network allows.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from conftest import api_settings, make_api_store, start_server
from idmapping.settings import Settings
from idmapping.web import create_app
from reliability import child_env, free_port, record

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ADMIN = ("load_release", "load_demo", "begin_release", "remove_release", "delete_jobs",
         "purge", "_switch", "commit(")
# The only routes that change anything: submitting a job (the API and the form) or a download
# of one; and the one POST that only reads (its ids are a body, as /run's: too many for a URL).
WRITES = {("POST", "/idmapping/run"), ("POST", "/id-mapping"),
          ("POST", "/idmapping/download/run"),  # a download job: a file of a finished job
          ("POST", "/align/run")}  # an alignment job of the entries given
READING_POSTS = {("POST", "/idmapping/detect")}


def _walk(routes: Iterable[Any]) -> Iterator[Route]:
    """Every route of an app, through included routers and mounts."""
    for route in routes:
        inner = getattr(route, "original_router", None) or route
        if isinstance(inner, Route):
            yield inner
        elif hasattr(inner, "routes"):
            yield from _walk(inner.routes)
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")


def test_no_route_loads_or_purges(tmp_path: Path, api_release_files: list[Path]) -> None:
    with make_api_store(tmp_path, api_release_files, "sqlite") as store:
        app = create_app(api_settings(store), store)
        seen = 0
        for route in _walk(app.routes):
            methods = set(route.methods or ())
            path = route.path
            assert not re.search(r"(?<!down)load|purge|admin|release|delete|upload", path,
                                 re.I), path
            for method in methods - {"GET", "HEAD"}:
                assert (method, path) in WRITES | READING_POSTS, (method, path)
            source = inspect.getsource(route.endpoint)
            assert not any(word in source for word in ADMIN), (path, route.endpoint)
            seen += 1
        assert seen > 10
        # and none answers a write method it was not made for
        live = start_server(app)
        try:
            with httpx.Client(base_url=live.url) as client:
                for method in ("PUT", "DELETE", "PATCH", "POST"):
                    for path in ("/idmapping/jobs", "/idmapping/purge", "/releases", "/load",
                                 "/idmapping/status/x", "/idmapping/results/x"):
                        assert client.request(method, path).status_code in (404, 405)
                # /releases/{name}/... is the same routes read from that release (a base URL
                # that pins it): no path under it loads, drops or switches a release either
                name = store.current_release().name  # type: ignore[union-attr]
                for path in ("", "/load", "/drop", "/current", "/idmapping/purge"):
                    for method in ("PUT", "DELETE", "PATCH", "POST"):
                        assert client.request(method, f"/releases/{name}{path}"
                                              ).status_code in (404, 405), (method, path)
        finally:
            live.stop()


def _listening(port: int) -> list[str]:
    """Local addresses listening on *port* (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/net")
def test_default_host_is_loopback(tmp_path: Path) -> None:
    assert Settings.load(environ={}).host == "127.0.0.1"
    port = free_port()
    store = tmp_path / "store.sqlite"
    env = child_env({"IDMAPPING_STORE": str(store)})  # no IDMAPPING_HOST, no --host
    with open(tmp_path / "serve.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "idmapping", "serve", "--port",
                                   str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not _listening(port) and time.monotonic() < deadline:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
            assert _listening(port) == ["0100007F"], _listening(port)  # 127.0.0.1, and only
            response = httpx.get(f"http://127.0.0.1:{port}/configure/idmapping/fields",
                                 timeout=30)
            assert response.status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert f"Serving on http://127.0.0.1:{port}/" in (tmp_path / "serve.log").read_text()


# ---------------------------------------------------------------------------------------------
# The lock file


def _requirement_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in ("postgres", "celery"):
        wanted += project["optional-dependencies"][extra]
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-")
            for r in wanted}


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: not pinned: {line}"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_lock_pins_every_dependency() -> None:
    missing = _requirement_names() - set(_pins())
    assert not missing, (
        f"requirements.lock lacks {sorted(missing)}: regenerate it with 'uv pip compile "
        "pyproject.toml --extra postgres --extra celery --python-version 3.11 "
        "--annotation-style line -o requirements.lock'")


def test_pip_audit_of_the_lock() -> None:
    """pip-audit against the lock file: skipped without pip-audit or a network; fails on any
    known vulnerability."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", str(LOCK), "--no-deps", "--disable-pip",
             "--progress-spinner", "off", "-f", "json"],
            capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit timed out (no network?)")
    if "No module named pip_audit" in done.stderr:
        pytest.skip("pip-audit is not installed (pip install pip-audit)")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not run (network?): {done.stderr.strip()[-300:]}")
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]]
                  for d in report["dependencies"] if d.get("vulns")}
    assert not vulnerable, f"known vulnerabilities in requirements.lock: {vulnerable}"
    record("pip_audit", packages=len(report["dependencies"]), vulnerable=0)
