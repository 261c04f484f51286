"""The access log's lines (idmapping.web.accesslog): uvicorn's, character for character."""

from __future__ import annotations

import logging
import sys

import pytest
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter

from idmapping.server import uvicorn_options
from idmapping.settings import Settings
from idmapping.web.accesslog import AccessLineFormatter, log_config

FORMAT = LOGGING_CONFIG["formatters"]["access"]["fmt"]


def record(status: int, path: str = "/idmapping/results/a1?size=25&cursor=x%20y",
           level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", level, "h.py", 1, '%s - "%s %s HTTP/%s" %d',
                             ("127.0.0.1:51234", "GET", path, "1.1", status), None)


@pytest.mark.parametrize("status", [200, 206, 303, 400, 404, 413, 500, 503,
                                    299, 599])  # no phrase: "299 " as uvicorn writes it
@pytest.mark.parametrize("colours", [False, True])  # colours: uvicorn's own formatting
@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING])
def test_lines_are_uvicorns(status: int, colours: bool, level: int) -> None:
    ours = AccessLineFormatter(FORMAT, use_colors=colours).format(record(status, level=level))
    assert ours == AccessFormatter(FORMAT, use_colors=colours).format(
        record(status, level=level))


def test_another_format_or_an_exception_is_left_to_uvicorn() -> None:
    fmt = "%(asctime)s %(client_addr)s %(status_code)s"
    line = record(200)
    line.created = 0.0
    assert AccessLineFormatter(fmt, use_colors=False).format(line) == \
        AccessFormatter(fmt, use_colors=False).format(line)
    try:
        raise ValueError("x")
    except ValueError:
        failed = record(500)
        failed.exc_info = sys.exc_info()
    ours = AccessLineFormatter(FORMAT, use_colors=False).format(failed)
    failed.exc_text = None
    assert ours == AccessFormatter(FORMAT, use_colors=False).format(failed)
    assert "ValueError: x" in ours


def test_serve_configures_it_and_leaves_uvicorns_own_config_alone() -> None:
    options = uvicorn_options(Settings.load(store="x.sqlite", demo=False))
    assert options["log_config"] == log_config()
    assert options["log_config"]["formatters"]["access"]["()"] == \
        "idmapping.web.accesslog.AccessLineFormatter"
    assert LOGGING_CONFIG["formatters"]["access"]["()"] == "uvicorn.logging.AccessFormatter"
