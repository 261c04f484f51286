"""The newcomer's path, end to end, in a real browser: the README's first command
(``idmapping serve``, nothing configured) on a machine where nothing was ever stored, then the
same path after ``idmapping load`` of a release of the user's own.

The commands run as processes of their own, with HOME and the XDG directories in a temporary
directory: the default store is created where a newcomer's would be, in the user's data
directory, and nothing of the machine's own settings is read.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from browsing import walk_the_mapping_path
from releases import ReleaseFacts


def newcomer_environment(home: Path) -> dict[str, str]:
    """The environment of a user with a fresh home directory and no IDMAPPING_* setting."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("IDMAPPING_", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """``idmapping serve`` in a process of its own, until the block ends; yields its base URL."""
    port = free_port()
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "idmapping", "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a first start loads the demo release
        while True:
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {log.read_text()}"
                                         ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def test_first_start_then_a_release_of_ones_own(tmp_path: Path, page: Any,
                                                release_facts: dict[str, ReleaseFacts]) -> None:
    env = newcomer_environment(tmp_path / "home")
    store = tmp_path / "home" / ".local" / "share" / "idmapping" / "idmapping.sqlite"
    assert not store.exists()
    # the README's first command: an empty default store gets the demo release
    with serving(env, tmp_path / "first.log") as base:
        log = (tmp_path / "first.log").read_text()
        assert "loaded the demo release" in log and "idmapping load" in log
        assert store.is_file()
        walk_the_mapping_path(page, base, release_facts["demo"])
    # then the user's own release, loaded into the same default store
    foreign = release_facts["foreign"]
    loaded = subprocess.run([sys.executable, "-m", "idmapping", "load", "-q",
                             *map(str, foreign.files)], env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert f"Loaded release {foreign.name}" in loaded.stderr
    with serving(env, tmp_path / "second.log") as base:
        assert "demo" not in (tmp_path / "second.log").read_text()
        walk_the_mapping_path(page, base, foreign)  # the home page no longer says demo
        page.goto(f"{base}/")
        releases = page.locator("#releases tbody tr")
        assert releases.count() == 2  # the demo is kept, and listed, but not served
