"""Jobs as UniProt runs them: submitted, queued, mapped, stored, read back and expired.

:mod:`.service` is the job service (:class:`~idmapping.jobs.service.JobService`); :mod:`.jobid`
UniProt's deterministic job ids; :mod:`.dispatch` where larger jobs run (threads of this
process), and :mod:`.celeryapp` the Celery queue and workers of the scale-out mode. The modules
import one way only: ``celeryapp`` → ``service`` → ``dispatch``; the service never imports
Celery. :func:`dispatcher_for` is where a dispatcher is chosen from the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from idmapping.jobs.dispatch import Dispatcher
    from idmapping.settings import Settings

__all__ = ["dispatcher_for"]


def dispatcher_for(settings: Settings) -> Dispatcher:
    """The dispatcher *settings* ask for: Celery workers on ``broker_url`` if it is set, else
    ``job_threads`` threads of this process.

    The Celery dispatcher is imported here only, in scale-out mode.
    """
    if settings.broker_url:
        from idmapping.jobs.celeryapp import CeleryDispatcher

        return CeleryDispatcher.from_settings(settings)
    from idmapping.jobs.dispatch import ThreadDispatcher

    return ThreadDispatcher(settings.job_threads)
