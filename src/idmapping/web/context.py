"""What the routes of one app share: settings, store, job service and catalogue."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

from starlette.requests import Request

from idmapping.catalogue import Catalogue
from idmapping.jobs.service import JobService
from idmapping.settings import Settings
from idmapping.store.base import Store

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
    owns_store: bool = False
    deployed: str = field(default_factory=lambda: http_date(dt.date.today()))
    release_ttl: float = 5.0
    _release: tuple[float, str | None] = (0.0, None)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def release_name(self) -> str | None:
        """The current release's name, re-read at most every few seconds (for headers)."""
        now = time.monotonic()
        read_at, name = self._release
        if now - read_at < self.release_ttl and read_at:
            return name
        try:
            current = self.store.current_release()
        except Exception:  # a header is not worth failing a response for
            log.warning("cannot read the current release", exc_info=True)
            current = None
        name = current.name if current is not None else None
        with self._lock:
            self._release = (now, name)
        return name


def context(request: Request) -> ApiContext:
    """The :class:`ApiContext` of the app serving *request*."""
    ctx: ApiContext = request.app.state.ctx
    return ctx
