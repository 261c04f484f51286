"""A job as a row of the jobs table, and back: the columns, their order and their codecs.

Both backends store a job as the row :data:`JOB_COLUMNS` in that order; they differ only in how
they hold the JSON columns (SQLite: text; PostgreSQL: ``jsonb``, read by the driver), which
each passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from idmapping.model import Job, JobStatus

__all__ = ["JOB_COLUMNS", "JSON_JOB_COLUMNS", "FAILED_COLUMNS", "unread_columns", "job_select",
           "job_values", "job_from_row"]


JOB_COLUMNS = ("id", "from_db", "to_db", "tax_id", "status", "created", "updated",
               "release", "result_count", "obsolete_count", "warnings", "errors", "failed_ids",
               "suggested_ids", "ids")
"""The columns of the jobs table, by name (a store made before this order keeps its own; SQL
names every column). The ids that did not map, then the submitted ids, come last: a SQLite
store made in this order reads the other columns of a job of 100,000 ids without walking the
megabytes of overflow pages they fill (a results page spent 2 ms there, a status poll 3 ms)."""

JSON_JOB_COLUMNS = frozenset({"failed_ids", "suggested_ids", "warnings", "errors"})
"""Job columns holding JSON (lists of ids or problems)."""


FAILED_COLUMNS = ("failed_ids", "suggested_ids")
"""The columns of the ids that did not map (UniProt's ``failedIds`` and ``suggestedIds``):
megabytes of JSON for a job of 100,000 unknown ids, read only where they are sent."""


def unread_columns(with_ids: bool = True, with_failed: bool = True) -> frozenset[str]:
    """The columns a read leaves out: the submitted ids, the ids that did not map, or both."""
    return frozenset(("ids",) * (not with_ids) + FAILED_COLUMNS * (not with_failed))


def job_select(unread: Collection[str] = (), table: str = "", ids: str = "") -> str:
    """The select list of :data:`JOB_COLUMNS`, with NULL for each column of *unread*: the
    database neither reads nor sends those.

    :param table: the prefix of each column (``j.`` for a jobs table named ``j``).
    :param ids: the expression read as the submitted ids, if not their column.

    >>> job_select({"ids"}, "j.").split(", ")[-2:]
    ['j.suggested_ids', 'NULL AS ids']
    >>> job_select((), "j.", "coalesce(t.ids, j.ids)").split(", ")[-3:]
    ['j.suggested_ids', 'coalesce(t.ids', 'j.ids)']
    """
    return ", ".join(f"NULL AS {c}" if c in unread else ids if c == "ids" and ids
                     else table + c for c in JOB_COLUMNS)


def job_values(job: Job, encode_json: Callable[[Any], Any]) -> tuple[Any, ...]:
    """A job as a row of :data:`JOB_COLUMNS`; *encode_json* turns lists into the backend's JSON."""
    if job.partial:
        raise ValueError(f"job {job.id} was read without {', '.join(sorted(job.unread))} and "
                         "cannot be saved")
    values = []
    for column in JOB_COLUMNS:
        value = getattr(job, column)
        if column in JSON_JOB_COLUMNS:
            value = encode_json(value)
        elif isinstance(value, JobStatus):
            value = value.value
        values.append(value)
    return tuple(values)


def job_from_row(row: Sequence[Any], decode_json: Callable[[Any], Any] | None = None,
                 unread: Collection[str] = ()) -> Job:
    """The job of a row of :data:`JOB_COLUMNS` (selected by :func:`job_select`); *decode_json*
    reads its JSON columns, where the driver does not. The *unread* columns are left empty."""
    values: dict[str, Any] = dict(zip(JOB_COLUMNS, row, strict=True), unread=frozenset(unread))
    for column in JSON_JOB_COLUMNS:
        if column in unread:
            values[column] = []
        elif decode_json is not None:
            values[column] = decode_json(values[column])
    if "ids" in unread:
        values["ids"] = ""
    values["status"] = JobStatus(values["status"])
    return Job(**values)
