"""What a job's results add up to: ids submitted, distinct, mapped and not, and until when
the job is kept.

>>> from idmapping.model import Job, JobStatus
>>> job = Job("j1", "GeneID", "UniProtKB", "7157,7157,1", "", JobStatus.FINISHED,
...           created=0.0, updated=86400.0, failed_ids=["1"])
>>> JobSummary.of(job, ttl_days=7)
JobSummary(submitted=3, distinct=2, mapped=1, failed=1, expires=691200.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from idmapping.ids import split_api_ids
from idmapping.model import Job

__all__ = ["JobSummary"]


@dataclass(frozen=True)
class JobSummary:
    """The numbers of one job.

    :param submitted: ids as submitted, duplicates included.
    :param distinct: different ids submitted.
    :param mapped: distinct ids that mapped to at least one id.
    :param failed: distinct ids that mapped to none (the job's ``failedIds``).
    :param expires: when the job will be deleted, in seconds since the epoch; None if jobs are
        kept for ever.
    """

    submitted: int
    distinct: int
    mapped: int
    failed: int
    expires: float | None

    @classmethod
    def of(cls, job: Job, ttl_days: float) -> JobSummary:
        """The summary of *job*, kept *ttl_days* after it was last submitted (0: for ever).

        :raises ValueError: *job* was read without its ids (``Store.get_job(with_ids=False)``).
        """
        if job.partial:
            raise ValueError(f"job {job.id} was read without its ids: read it whole to sum it up")
        submitted = split_api_ids(job.ids)
        distinct = len(set(submitted))
        failed = len(job.failed_ids)
        expires = job.updated + ttl_days * 86400 if ttl_days > 0 else None
        return cls(len(submitted), distinct, max(distinct - failed, 0), failed, expires)
