"""Settings: declared once, read from IDMAPPING_* and overrides, refused when unsafe."""

from __future__ import annotations

import pytest

from idmapping.errors import InvalidRequest
from idmapping.settings import SETTINGS, Settings, default_store_path


def test_defaults_are_uniprots_limits() -> None:
    settings = Settings.load(environ={})
    assert (settings.max_ids, settings.max_pairs, settings.max_enrich) == (
        100000, 500000, 100000)
    assert settings.job_ttl_days == 7
    assert settings.host == "127.0.0.1"  # nothing binds beyond loopback unless configured
    assert settings.store_url == str(default_store_path())


def test_environment_then_overrides() -> None:
    env = {"IDMAPPING_PORT": "9000", "IDMAPPING_DEMO": "false", "IDMAPPING_STORE": "/x.sqlite"}
    settings = Settings.load(environ=env, port=None, max_ids=5)
    assert (settings.port, settings.demo, settings.store_url, settings.max_ids) == (
        9000, False, "/x.sqlite", 5)
    assert Settings.load(environ=env, port=1234).port == 1234


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IDMAPPING_PORT": "eighty"}, "must be an integer"),
        ({"IDMAPPING_DEMO": "maybe"}, "must be true or false"),
        ({"IDMAPPING_MAX_IDS": "0"}, "'max_ids' must be at least 1"),
        ({"IDMAPPING_JOB_TTL_DAYS": "-1"}, "must not be negative"),
    ],
)
def test_bad_values_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        Settings.load(environ=env)


def test_every_setting_has_help() -> None:
    assert all(s.help for s in SETTINGS)
