"""Jobs as UniProt runs them: submitted, queued, mapped, stored, read back and expired.

:mod:`.service` is the job service (:class:`~idmapping.jobs.service.JobService`); :mod:`.jobid`
UniProt's deterministic job ids; :mod:`.celeryapp` the Celery queue of the scale-out mode.
"""
