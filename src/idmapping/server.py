"""The serving process: what ``idmapping serve`` does, as library functions.

:func:`prepare_store` checks the store and gives an empty one the shipped demo release;
:func:`serve` tunes this process for serving and runs uvicorn over
:func:`idmapping.web.create_app` until it is stopped, in one process or several::

    settings = Settings.load(store="my.sqlite")
    prepare_store(settings)
    serve(settings)

The settings are passed in, never read back from the environment: one process serves the app
object built here; several processes each build theirs from the settings serialised by the
parent (see :func:`serve` for how and why).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI

from idmapping.loader import load_demo
from idmapping.model import Release
from idmapping.runtime import tune_gc
from idmapping.settings import Settings
from idmapping.store import open_store
from idmapping.web import create_app
from idmapping.web.accesslog import log_config
from idmapping.web.deadlines import DeadlineProtocol, configure

__all__ = ["Prepared", "prepare_store", "serve", "worker_app", "uvicorn_options",
           "SETTINGS_VARIABLE"]

SETTINGS_VARIABLE = "IDMAPPING_SERVE_SETTINGS"
"""Where the processes of ``serve --workers N`` find the settings of their parent (JSON)."""


@dataclass(frozen=True)
class Prepared:
    """The store :func:`prepare_store` found.

    :param release: the current release (None: the store is empty and the demo is off).
    :param demo_loaded: the store was empty and the demo release was loaded just now.
    """

    release: Release | None
    demo_loaded: bool = False


def prepare_store(settings: Settings) -> Prepared:
    """Check the store of *settings*; load the shipped demo release into it if it is empty
    (unless the ``demo`` setting is off).

    :raises StoreDamaged: a damaged store is never served, nor given the demo.
    """
    with open_store(settings.store_url) as store:
        store.verify()
        current = store.current_release()
        if current is not None or not settings.demo:
            return Prepared(current)
        return Prepared(load_demo(store), demo_loaded=True)


def serve(settings: Settings) -> None:
    """Serve the API on ``settings.host:settings.port`` until stopped (``settings.workers``
    processes), with this process's garbage collector tuned for serving.
    """
    tune_gc()
    configure(settings)
    settings = settings.replace(store=settings.store_url)  # every process opens the same store
    if settings.workers == 1:
        uvicorn.run(create_app(settings), **uvicorn_options(settings))
        return
    # uvicorn starts each worker process afresh (multiprocessing's spawn) and has it import
    # an app factory by name, with no arguments; the only thing spawned processes inherit from
    # this one is its environment. So the settings, resolved here (options and environment),
    # travel as one JSON value in one variable, set while uvicorn supervises its workers and
    # removed after: workers never read individual IDMAPPING_* variables, which could say
    # something else than the command line did.
    with _variable(SETTINGS_VARIABLE, settings.to_json().decode()):
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=settings.workers,
                    **uvicorn_options(settings))


def worker_app() -> FastAPI:
    """The app of one worker process of :func:`serve` (uvicorn's factory): built from the
    settings its parent serialised, in a process tuned for serving."""
    tune_gc()
    settings = Settings.from_json(os.environ[SETTINGS_VARIABLE])
    configure(settings)
    return create_app(settings)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for serving with *settings* (``uvicorn.run(app, **options)``).

    The HTTP protocol is uvicorn's httptools one with deadlines for reading a request
    (:class:`~idmapping.web.deadlines.DeadlineProtocol`, given its deadlines by
    :func:`~idmapping.web.deadlines.configure`). uvicorn's own handling of ``X-Forwarded-*`` is
    off: the app honours them from trusted proxies only, ``X-Forwarded-Host`` included
    (:mod:`idmapping.web.proxies`), which uvicorn's would prevent by replacing the proxy's
    address with the client's first. No websockets are served. The access log's lines are
    uvicorn's, made by :class:`~idmapping.web.accesslog.AccessLineFormatter`.
    """
    return {
        "host": settings.host,
        "port": settings.port,
        "http": DeadlineProtocol,
        "ws": "none",
        "proxy_headers": False,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections or None,
        "timeout_graceful_shutdown": settings.shutdown_timeout_seconds,
        "log_level": "info",
        "log_config": log_config(),
    }


@contextlib.contextmanager
def _variable(name: str, value: str) -> Iterator[None]:
    """Set an environment variable for the child processes started inside the block."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
