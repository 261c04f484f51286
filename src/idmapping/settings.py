"""Settings, declared once as data.

Each setting is declared once, as a field of :class:`Settings`: its name, type, default, help
text and the bounds of a safe value. :data:`SETTINGS` lists those declarations (as
:class:`Setting` records), and the command line (``idmapping settings``, the options' ``--help``)
and ``docs/settings.md`` are made from them.

Values come, in rising order of precedence, from the defaults, from ``IDMAPPING_<NAME>``
environment variables and from explicit overrides (command-line options). Nothing is read at
import time: build a :class:`Settings` with :meth:`Settings.load` and pass it in::

    >>> Settings.load(environ={"IDMAPPING_PORT": "9000"}, max_ids=500).port
    9000
    >>> Settings.load(environ={"IDMAPPING_PORT": "-1"})
    Traceback (most recent call last):
    ...
    idmapping.errors.InvalidRequest: Setting 'port' (IDMAPPING_PORT) must not be negative; -1 given
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
import platformdirs

from idmapping.errors import InvalidRequest
from idmapping.store.pool import DEFAULT_READERS

__all__ = ["Setting", "SETTINGS", "Settings", "default_store_path", "ENV_PREFIX"]

ENV_PREFIX = "IDMAPPING_"

_T = TypeVar("_T")


def _declare(default: _T, help: str, *, minimum: float | None = None,
             maximum: float | None = None, shown_default: str | None = None) -> _T:
    """Declare a setting: a field of :class:`Settings` with its help and safe bounds.

    :param shown_default: how the default is shown, when its value says little (``""``).
    """
    return dataclasses.field(default=default, metadata={
        "help": help, "minimum": minimum, "maximum": maximum, "shown_default": shown_default})


def default_store_path() -> Path:
    """The default SQLite store: ``idmapping.sqlite`` in the user's data directory."""
    return Path(platformdirs.user_data_dir("idmapping")) / "idmapping.sqlite"


@dataclass(frozen=True)
class Settings:
    """The settings of one run of idmapping. Build with :meth:`load`; every value is checked
    when it is built (:class:`~idmapping.errors.InvalidRequest` names the setting)."""

    store: str = _declare(
        "", "Store: a SQLite file path, sqlite:///PATH or postgresql://URL",
        shown_default="a SQLite file in the user's data directory")
    host: str = _declare("127.0.0.1", "Address the server binds to")
    port: int = _declare(8000, "Port the server listens on (0: any free port)",
                         minimum=0, maximum=65535)
    workers: int = _declare(1, "Number of server processes", minimum=1)
    job_threads: int = _declare(2, "Threads per server process that run mapping jobs",
                                minimum=1)
    reader_connections: int = _declare(
        DEFAULT_READERS, "Most store connections per server process that read at once; more "
        "concurrent reads wait for one", minimum=1)
    inline_job_ids: int = _declare(
        20000, "Jobs with at most this many ids are finished before /idmapping/run answers",
        minimum=0)
    max_ids: int = _declare(100000, "Most ids accepted in one job (UniProt: 100000)",
                            minimum=1)
    max_pairs: int = _declare(
        500000, "Most mapped pairs a job may produce before it ends in ERROR (UniProt: 500000)",
        minimum=1)
    max_enrich: int = _declare(
        100000, "Most mapped pairs that are enriched with entry data (UniProt: 100000)",
        minimum=0)
    max_filter: int = _declare(
        0, "Most mapped pairs that query=, sort= and includeIsoform= apply to; past it a page "
        "is served unfiltered with warning 20 and a stream is refused (0: no cap; UniProt: "
        "25000)", minimum=0)
    max_facet_pairs: int = _declare(
        0, "Most mapped pairs that facets= are counted over; past it a page is served without "
        "facets, with warning 20 (0: no cap; UniProt: 25000)", minimum=0)
    facet_cache_entries: int = _declare(
        256, "Facet counts of finished jobs kept per server process (the facets UniProt's "
        "website asks on every page of results), least recently used dropped first (0: none "
        "kept, each counted again)", minimum=0)
    max_xlsx_cells: int = _declare(
        2_000_000, "Most cells (rows × columns, header row included) of one xlsx result; "
        "more is refused before any work", minimum=1)
    max_xlsx_bytes: int = _declare(
        1024**3, "Most bytes of temporary files one xlsx result may take while it is built "
        "(about twice its sheet's XML); more is refused", minimum=1)
    max_id_length: int = _declare(1000, "Longest id accepted, in characters", minimum=1)
    max_body_bytes: int = _declare(64 * 1024 * 1024, "Largest request body accepted, in bytes",
                                   minimum=1)
    header_timeout_seconds: float = _declare(
        10.0, "Seconds a client has to send a request's line and headers (from its first "
        "byte, or from connecting); the connection is closed after", minimum=0.1)
    body_timeout_seconds: float = _declare(
        30.0, "Seconds a request body may take to arrive, one more for every "
        "body_min_bytes_per_second bytes received; the connection is closed after",
        minimum=0.1)
    body_min_bytes_per_second: int = _declare(
        10000, "The slowest upload that body_timeout_seconds is extended for, in bytes per "
        "second", minimum=1)
    keep_alive_seconds: int = _declare(
        5, "Seconds an idle connection is kept open for a next request", minimum=1)
    max_connections: int = _declare(
        1000, "Most open connections per server process; requests beyond are answered 503 "
        "(0: no limit)", minimum=0)
    shutdown_timeout_seconds: int = _declare(
        30, "Seconds a stopping server waits for the requests in progress before it cancels "
        "them", minimum=0)
    forwarded_allow_ips: str = _declare(
        "127.0.0.1,::1", "Proxies whose X-Forwarded-For/-Proto/-Host headers are honoured: "
        "addresses or networks, comma-separated ('*': any client; empty: none)")
    max_job_bytes: int = _declare(
        16 * 1024 * 1024, "Largest ids text a job stores, in UTF-8 bytes: kept as submitted "
        "up to this size, else joined by commas without the whitespace around the ids; "
        "larger is refused", minimum=1)
    max_align_sequences: int = _declare(
        100, "Most sequences one alignment (POST /align/run) may align with Clustal Omega",
        minimum=2)
    job_ttl_days: float = _declare(
        7.0, "Days a job is kept after its last submission (0: keep forever)", minimum=0)
    taxonomy_descendants: bool = _declare(
        True, "taxId also matches the taxa below it (4932 matches the strain 559292), where "
        "the release holds NCBI's taxonomy (taxdump's nodes.dmp); off, or without a "
        "taxonomy: that taxon exactly")
    async_download_dir: str = _declare(
        "", "Folder of the files that asynchronous downloads (/idmapping/download/run) build; "
        "they are deleted with their job", shown_default="STORE.downloads beside a SQLite store, "
        "else downloads in the user's data directory")
    async_download_above: int = _declare(
        100000, "The job page's downloads of more results than this are built by the "
        "asynchronous download (/idmapping/download/run), and the page links to the file when "
        "it is ready; smaller ones are streamed (UniProt's website: 100000)", minimum=0)
    demo: bool = _declare(True, "Load the shipped demo release when the store is empty")
    load_memory_mb: int = _declare(
        2048, "Memory a load may use, in MiB, whatever the release's size: the loader keeps "
        "at most a share of it of accession numbers in memory (the rest are looked up in the "
        "release being built) and sizes the batches of text parsed at a time, SQLite's page "
        "cache and PostgreSQL's sort memory from it", minimum=256)
    load_workers: int = _declare(
        0, "Processes that parse an entry file (flat file, UniProtKB, UniRef or UniParc XML) "
        "during a load, each a chunk of whole entries at a time, two chunks each in flight "
        "(0: one per core; 1: parse in the loading process)", minimum=0)
    broker_url: str = _declare(
        "", "Celery broker for scale-out workers (redis://...); empty: jobs run in-process")
    broker_visibility_seconds: int = _declare(
        3600, "Seconds before the broker gives an unacknowledged job (its worker died) to "
        "another", minimum=1)
    download_url: str = _declare(
        "https://ftp.uniprot.org/pub/databases/uniprot",
        "Where 'idmapping download' fetches UniProt's release files (the folder holding "
        "current_release/; mirrors: https://ftp.ebi.ac.uk/pub/databases/uniprot, "
        "https://ftp.expasy.org/databases/uniprot)")
    download_timeout: float = _declare(
        60.0, "Seconds 'idmapping download' waits for a server to connect or send more data",
        minimum=0.001)
    download_retries: int = _declare(
        3, "Times 'idmapping download' tries a file again after a network error, resuming "
        "where it stopped", minimum=0)

    def __post_init__(self) -> None:
        for setting in SETTINGS:
            setting.check(getattr(self, setting.name))

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``IDMAPPING_*`` variables of *environ*, then non-None *overrides*.

        :param environ: the environment to read (default: ``os.environ``).
        :param overrides: values given explicitly, e.g. by command-line options.
        :raises InvalidRequest: an unknown setting, or a value that is not safe.
        """
        env = os.environ if environ is None else environ
        values = {s.name: s.convert(env[s.env]) for s in SETTINGS if s.env in env}
        for name, value in overrides.items():
            if name not in _BY_NAME:
                raise InvalidRequest(f"Unknown setting '{name}'")
            if value is not None:
                values[name] = _BY_NAME[name].convert(value)
        return cls(**values)

    @property
    def store_url(self) -> str:
        """The store to open: the ``store`` setting, else the default SQLite file."""
        return self.store or str(default_store_path())

    @property
    def download_folder(self) -> Path:
        """Where asynchronous downloads are kept: the ``async_download_dir`` setting, else
        ``STORE.downloads`` beside a SQLite store, else in the user's data directory."""
        if self.async_download_dir:
            return Path(self.async_download_dir)
        url = self.store_url
        if "://" not in url or url.startswith("sqlite:"):
            path = Path(url.removeprefix("sqlite://").removeprefix("sqlite:"))
            return path.with_name(path.name + ".downloads")
        return Path(platformdirs.user_data_dir("idmapping")) / "downloads"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (checked as :meth:`load` checks them)."""
        return dataclasses.replace(self, **changes)

    def to_json(self) -> bytes:
        """Every setting as one JSON object, read back by :meth:`from_json`."""
        return orjson.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: bytes | str) -> Settings:
        """The settings written by :meth:`to_json` (no environment is read)."""
        values = orjson.loads(data)
        if not isinstance(values, dict):
            raise InvalidRequest("Settings must be a JSON object")
        return cls.load(environ={}, **values)


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting (a field of :class:`Settings`)."""

    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    shown_default: str | None = None

    @property
    def env(self) -> str:
        """Its environment variable: ``IDMAPPING_<NAME>``."""
        return ENV_PREFIX + self.name.upper()

    @property
    def default_text(self) -> str:
        """Its default as people read it (``8000``, ``true``, ``(empty)``)."""
        if self.shown_default is not None:
            return self.shown_default
        if isinstance(self.default, bool):
            return str(self.default).lower()
        return str(self.default) if self.default != "" else "(empty)"

    def convert(self, raw: Any) -> Any:
        """*raw* (text from the environment, or a value) as this setting's type.

        :raises InvalidRequest: *raw* cannot be read as the type.
        """
        if isinstance(raw, self.type) and not (self.type is int and isinstance(raw, bool)):
            return raw
        text = str(raw).strip()
        try:
            if self.type is bool:
                lowered = text.lower()
                if lowered in ("1", "true", "yes", "on"):
                    return True
                if lowered in ("0", "false", "no", "off", ""):
                    return False
                raise ValueError(text)
            return self.type(text)
        except ValueError:
            kind = {int: "an integer", float: "a number", bool: "true or false"}.get(
                self.type, "text")
            raise InvalidRequest(
                f"Setting '{self.name}' ({self.env}) must be {kind}, not {text!r}") from None

    def check(self, value: Any) -> None:
        """Refuse a value of the wrong type or outside the safe bounds.

        :raises InvalidRequest: naming the setting, the bound and its environment variable.
        """
        kinds: tuple[type, ...] = (int, float) if self.type is float else (self.type,)
        if not isinstance(value, kinds) or (self.type is not bool and isinstance(value, bool)):
            raise InvalidRequest(
                f"Setting '{self.name}' must be of type {self.type.__name__}, not {value!r}")
        number: float = value if isinstance(value, int | float) else 0
        bound = None
        if self.minimum is not None and number < self.minimum:
            bound = "not be negative" if self.minimum == 0 else f"be at least {self.minimum:g}"
        elif self.maximum is not None and number > self.maximum:
            bound = f"be at most {self.maximum:g}"
        if bound:
            raise InvalidRequest(
                f"Setting '{self.name}' ({self.env}) must {bound}; {value!r} given")


def _declarations() -> tuple[Setting, ...]:
    """The :class:`Setting` of every field of :class:`Settings`, in their order."""
    types = typing.get_type_hints(Settings)
    return tuple(Setting(f.name, types[f.name], f.default, **f.metadata)
                 for f in dataclasses.fields(Settings))


SETTINGS: tuple[Setting, ...] = _declarations()
"""Every setting, in the order they are documented."""

_BY_NAME = {s.name: s for s in SETTINGS}
