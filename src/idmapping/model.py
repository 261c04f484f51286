"""Plain value objects shared by the store, the engine, the jobs and the shells."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Release", "JobStatus", "Job", "DownloadJob", "MappingRequest", "Pair",
           "EntryFacts"]


@dataclass(frozen=True)
class Release:
    """One loaded release of UniProt's files.

    :param id: the store's number for it; releases are numbered in load order.
    :param name: UniProt's name (``2026_01``), or the date of the load.
    :param state: ``loading`` while being built, ``ready`` once usable, ``failed`` if the load
        stopped.
    """

    id: int
    name: str
    state: str
    created: str
    current: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    """Where the backend keeps it (SQLite: the release file's name in the releases folder)."""


class JobStatus(enum.StrEnum):
    """UniProt's job states."""

    NEW = "NEW"  # stored, not started
    RUNNING = "RUNNING"  # being mapped
    FINISHED = "FINISHED"  # results stored
    ERROR = "ERROR"  # stopped; ``errors`` says why


@dataclass(frozen=True)
class MappingRequest:
    """What to map: UniProt's ``/idmapping/run`` fields, already split into ids."""

    from_db: str
    to_db: str
    ids: tuple[str, ...]
    tax_id: str = ""


@dataclass(frozen=True)
class Pair:
    """One result: an input id and one id it maps to.

    :param obsolete: the target is an inactive (deleted) UniProtKB entry.
    """

    from_id: str
    to_id: str
    obsolete: bool = False


@dataclass
class Job:
    """A mapping job as stored: the request, its state and the summary of its results."""

    id: str
    from_db: str
    to_db: str
    ids: str
    tax_id: str
    status: JobStatus
    created: float
    updated: float
    release: str = ""
    result_count: int = 0
    failed_ids: list[str] = field(default_factory=list)
    suggested_ids: list[dict[str, str]] = field(default_factory=list)
    obsolete_count: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: the columns it was read without (``ids``, ``failed_ids``, ``suggested_ids``: see
    #: ``Store.get_job``), which then hold empty values; such a job is never saved back
    unread: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def partial(self) -> bool:
        """Whether it was read without some of its columns (see :attr:`unread`)."""
        return bool(self.unread)

    def require(self, *columns: str) -> None:
        """Refuse a job read without any of *columns*: their empty values would be wrong.

        :raises ValueError: naming the job and the columns.
        """
        missing = [c for c in columns if c in self.unread]
        if missing:
            raise ValueError(f"job {self.id} was read without {', '.join(missing)}: read "
                             "them too")


@dataclass
class DownloadJob:
    """An asynchronous download of a finished mapping job's results: a file built by a job
    worker (UniProt's ``IdMappingDownloadJob``).

    :param job: the mapping job whose results it writes.
    :param format: UniProt's media type of the file's format (``application/json``).
    :param fields: the ``fields`` asked for, as given (None: the defaults).
    :param compressed: the file is gzip (UniProt's always are).
    :param total: the results the file holds; :param processed: how many are written.
    :param result_file: the file's name in the download folder, once FINISHED.
    """

    id: str
    job: str
    format: str
    fields: str | None
    compressed: bool
    status: JobStatus
    created: float
    updated: float
    error: str = ""
    total: int = 0
    processed: int = 0
    result_file: str = ""


@dataclass
class EntryFacts:
    """What a release knows of one UniProtKB entry from the mapping files.

    :param xrefs: ids per idmapping.dat ID_type (``{"GeneID": ["7157"], ...}``), in stored order.
    :param deleted: ``sp`` or ``tr`` for an accession deleted from Swiss-Prot or TrEMBL.
    """

    accession: str
    name: str | None = None
    reviewed: bool | None = None
    taxon: int | None = None
    xrefs: dict[str, list[str]] = field(default_factory=dict)
    deleted: str | None = None
