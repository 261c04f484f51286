"""What the routes of one app share: settings, store, job service and catalogue."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

from starlette.requests import Request

from idmapping.catalogue import Catalogue
from idmapping.jobs.downloads import DownloadService
from idmapping.jobs.service import JobService
from idmapping.results.facetcache import FacetCache
from idmapping.settings import Settings
from idmapping.store.base import Store
from idmapping.web.http import pinned_release

__all__ = ["ApiContext", "context", "http_date"]

log = logging.getLogger(__name__)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def http_date(day: dt.date) -> str:
    """A date as UniProt's headers write it: ``20-December-2022`` (whatever the locale)."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


@dataclass
class ApiContext:
    """The objects one app serves from, built once by :func:`idmapping.web.create_app`.

    :param owns_store: close the store when the app stops (it was opened by the app).
    """

    settings: Settings
    store: Store
    jobs: JobService
    catalogue: Catalogue
    downloads: DownloadService
    owns_store: bool = False
    facet_cache: FacetCache | None = None
    """Facet counts of finished jobs (``facet_cache_entries``); None counts each time."""
    deployed: str = field(default_factory=lambda: http_date(dt.date.today()))
    release_ttl: float = 5.0
    _releases: tuple[float, str | None, dict[str, str], frozenset[str]] = (
        0.0, None, {}, frozenset())
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _read_releases(self, fresh: bool = False
                       ) -> tuple[str | None, dict[str, str], frozenset[str]]:
        """The current release's name, each ready release's date (as UniProt's headers
        write it) and the ready releases' names, re-read at most every few seconds (or now,
        if *fresh*)."""
        now = time.monotonic()
        read_at, name, dates, ready = self._releases
        if read_at and now - read_at < self.release_ttl and not fresh:
            return name, dates, ready
        name, dates, names = None, {}, set()
        try:
            for release in self.store.releases():
                if release.current:
                    name = release.name
                if release.state == "ready":
                    names.add(release.name)
                day = release.stats.get("date")
                if release.state == "ready" and isinstance(day, str):
                    try:
                        dates[release.name] = http_date(dt.date.fromisoformat(day))
                    except ValueError:
                        log.warning("release %s states no valid date: %r", release.name, day)
        except Exception:  # a header is not worth failing a response for
            log.warning("cannot read the releases", exc_info=True)
        with self._lock:
            self._releases = (now, name, dates, frozenset(names))
        return name, dates, frozenset(names)

    def serves(self, name: str) -> bool:
        """Whether a ready release is named *name* (one loaded a moment ago too)."""
        return name in self._read_releases()[2] or name in self._read_releases(True)[2]

    def store_for(self, request: Request) -> Store:
        """The store as *request* reads it: pinned to the release its base URL names
        (``/releases/{name}/...``), else the store itself (the current release).

        :raises NotFound: the named release is gone.
        """
        name = pinned_release(request)
        return self.store.pinned(name) if name else self.store

    def release_for(self, request: Request) -> str | None:
        """The release *request* is answered from: the pinned one, else the current one."""
        return pinned_release(request) or self.release_name()

    def release_name(self) -> str | None:
        """The current release's name (for headers)."""
        return self._read_releases()[0]

    def release_date(self, name: str) -> str | None:
        """The date of release *name* as UniProt's ``X-UniProt-Release-Date`` writes it
        (``14-December-2022``), if the release's files state one."""
        return self._read_releases()[1].get(name)


def context(request: Request) -> ApiContext:
    """The :class:`ApiContext` of the app serving *request*."""
    ctx: ApiContext = request.app.state.ctx
    return ctx
