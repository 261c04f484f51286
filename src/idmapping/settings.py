"""Settings, declared once as data.

Each setting has a name, a type, a default and a help text. Values come, in rising order of
precedence, from the defaults, from ``IDMAPPING_<NAME>`` environment variables and from
explicit overrides (command-line options). Nothing is read at import time: build a
:class:`Settings` with :meth:`Settings.load` and pass it in.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from idmapping.errors import InvalidRequest

__all__ = ["Setting", "SETTINGS", "Settings", "default_store_path"]

ENV_PREFIX = "IDMAPPING_"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default value and help text."""

    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("store", str, "", "Store: a file path, sqlite:///PATH or postgresql://URL "
            "(default: a SQLite file in the user's data directory)"),
    Setting("host", str, "127.0.0.1", "Address the server binds to"),
    Setting("port", int, 8000, "Port the server listens on"),
    Setting("workers", int, 1, "Number of server processes"),
    Setting("job_threads", int, 2, "Threads per server process that run mapping jobs"),
    Setting("inline_job_ids", int, 20000,
            "Jobs with at most this many ids are finished before /idmapping/run answers"),
    Setting("max_ids", int, 100000, "Most ids accepted in one job (UniProt: 100000)"),
    Setting("max_pairs", int, 500000,
            "Most mapped pairs a job may produce before it ends in ERROR (UniProt: 500000)"),
    Setting("max_enrich", int, 100000,
            "Most mapped pairs that are enriched with entry data (UniProt: 100000)"),
    Setting("max_filter", int, 25000,
            "Most mapped pairs that can be filtered with query= (UniProt: 25000)"),
    Setting("max_id_length", int, 1000, "Longest id accepted, in characters"),
    Setting("max_body_bytes", int, 64 * 1024 * 1024, "Largest request body accepted, in bytes"),
    Setting("job_ttl_days", float, 7.0,
            "Days a job is kept after its last submission (0: keep forever)"),
    Setting("demo", bool, True, "Load the shipped demo release when the store is empty"),
    Setting("broker_url", str, "",
            "Celery broker for scale-out workers (redis://...); empty: jobs run in-process"),
    Setting("broker_visibility_seconds", int, 3600,
            "Seconds before the broker gives an unacknowledged job (its worker died) to another"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def default_store_path() -> Path:
    """The default SQLite store: ``idmapping.sqlite`` in the user's data directory."""
    return Path(platformdirs.user_data_dir("idmapping")) / "idmapping.sqlite"


def _convert(setting: Setting, raw: Any) -> Any:
    if isinstance(raw, setting.type) and not (setting.type is int and isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    try:
        if setting.type is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        return setting.type(text)
    except ValueError:
        kind = {int: "an integer", float: "a number", bool: "true or false"}.get(
            setting.type, "text")
        raise InvalidRequest(
            f"Setting '{setting.name}' ({ENV_PREFIX}{setting.name.upper()}) "
            f"must be {kind}, not {text!r}"
        ) from None


@dataclass(frozen=True)
class Settings:
    """The settings of one run of idmapping. Build with :meth:`load`."""

    store: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    job_threads: int = 2
    inline_job_ids: int = 20000
    max_ids: int = 100000
    max_pairs: int = 500000
    max_enrich: int = 100000
    max_filter: int = 25000
    max_id_length: int = 1000
    max_body_bytes: int = 64 * 1024 * 1024
    job_ttl_days: float = 7.0
    demo: bool = True
    broker_url: str = ""
    broker_visibility_seconds: int = 3600

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Defaults, then ``IDMAPPING_*`` variables of *environ*, then non-None *overrides*.

        :param environ: the environment to read (default: ``os.environ``).
        :param overrides: values given explicitly, e.g. by command-line options.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            key = ENV_PREFIX + setting.name.upper()
            if key in env:
                values[setting.name] = _convert(setting, env[key])
        for name, value in overrides.items():
            if name not in _BY_NAME:
                raise InvalidRequest(f"Unknown setting '{name}'")
            if value is not None:
                values[name] = _convert(_BY_NAME[name], value)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse values that cannot work."""
        for name in ("port", "workers", "job_threads", "max_ids", "max_pairs",
                     "max_id_length", "max_body_bytes"):
            if getattr(self, name) < 1 and not (name == "port" and self.port == 0):
                raise InvalidRequest(f"Setting '{name}' must be at least 1")
        if self.job_ttl_days < 0:
            raise InvalidRequest("Setting 'job_ttl_days' must not be negative")

    @property
    def store_url(self) -> str:
        """The store to open: the ``store`` setting, else the default SQLite file."""
        return self.store or str(default_store_path())

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)


# The table and the dataclass must name the same settings, with the same defaults.
assert [f.name for f in dataclasses.fields(Settings)] == [s.name for s in SETTINGS]
assert all(getattr(Settings(), s.name) == s.default for s in SETTINGS)
