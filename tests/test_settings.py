"""Settings: declared once, read from IDMAPPING_* and overrides, refused when unsafe."""

from __future__ import annotations

import dataclasses

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
        ({"IDMAPPING_PORT": "eighty"},
         r"^Setting 'port' \(IDMAPPING_PORT\) must be an integer, not 'eighty'$"),
        ({"IDMAPPING_DEMO": "maybe"}, "must be true or false"),
        ({"IDMAPPING_JOB_TTL_DAYS": "soon"}, "'job_ttl_days' .* must be a number"),
        ({"IDMAPPING_MAX_IDS": "0"},
         r"^Setting 'max_ids' \(IDMAPPING_MAX_IDS\) must be at least 1; 0 given$"),
        ({"IDMAPPING_JOB_TTL_DAYS": "-1"}, "'job_ttl_days' .* must not be negative; -1.0 given"),
        ({"IDMAPPING_PORT": "-1"}, "'port' .* must not be negative"),
        ({"IDMAPPING_PORT": "65536"}, "'port' .* must be at most 65535; 65536 given"),
        ({"IDMAPPING_WORKERS": "0"}, "'workers' .* must be at least 1"),
        ({"IDMAPPING_JOB_THREADS": "0"}, "'job_threads' .* must be at least 1"),
        ({"IDMAPPING_MAX_PAIRS": "0"}, "'max_pairs' .* must be at least 1"),
        ({"IDMAPPING_MAX_ID_LENGTH": "0"}, "'max_id_length' .* must be at least 1"),
        ({"IDMAPPING_MAX_BODY_BYTES": "0"}, "'max_body_bytes' .* must be at least 1"),
        ({"IDMAPPING_MAX_ENRICH": "-5"}, "'max_enrich' .* must not be negative"),
        ({"IDMAPPING_INLINE_JOB_IDS": "-1"}, "'inline_job_ids' .* must not be negative"),
        ({"IDMAPPING_BROKER_VISIBILITY_SECONDS": "0"},
         "'broker_visibility_seconds' .* must be at least 1"),
    ],
)
def test_bad_values_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        Settings.load(environ=env)


def test_bounds_allow_their_edges() -> None:
    settings = Settings.load(environ={"IDMAPPING_PORT": "0", "IDMAPPING_JOB_TTL_DAYS": "0",
                                      "IDMAPPING_INLINE_JOB_IDS": "0"}, max_ids=1)
    assert (settings.port, settings.job_ttl_days, settings.inline_job_ids, settings.max_ids) == (
        0, 0.0, 0, 1)
    assert Settings.load(environ={}, port=65535).port == 65535


def test_every_way_of_building_settings_is_checked() -> None:
    with pytest.raises(InvalidRequest, match="'max_ids' .* must be at least 1"):
        Settings(max_ids=0)
    with pytest.raises(InvalidRequest, match="'workers' .* must be at least 1"):
        Settings.load(environ={}).replace(workers=0)
    with pytest.raises(InvalidRequest, match="'port' must be of type int, not '80'"):
        Settings(port="80")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest, match="Unknown setting 'nope'"):
        Settings.load(environ={}, nope=1)
    assert Settings(job_ttl_days=3).job_ttl_days == 3  # a whole number of days is a number


def test_one_declaration_per_setting() -> None:
    fields = dataclasses.fields(Settings)
    assert [s.name for s in SETTINGS] == [f.name for f in fields]
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default
        assert isinstance(setting.default, setting.type)
        assert setting.env == "IDMAPPING_" + setting.name.upper()


def test_every_setting_has_help() -> None:
    assert all(s.help for s in SETTINGS)


def test_settings_travel_as_one_json_value() -> None:
    settings = Settings.load(environ={}, store="/s.sqlite", port=0, demo=False, job_ttl_days=2.5,
                             broker_url="redis://127.0.0.1:6379/3")
    assert Settings.from_json(settings.to_json()) == settings
    assert Settings.from_json(settings.to_json().decode()) == settings
    with pytest.raises(InvalidRequest, match="'workers' .* must be at least 1"):
        Settings.from_json(b'{"workers": 0}')
    with pytest.raises(InvalidRequest, match="must be a JSON object"):
        Settings.from_json(b"[1]")
