"""idmapping: a self-hosted, UniProt-compatible ID Mapping service and toolkit.

The library under the command line and the HTTP API::

    from idmapping import open_store, load_release, map_ids, MappingRequest

    store = open_store("idmapping.sqlite")
    load_release(["idmapping.dat.gz", "sec_ac.txt"], store)
    run = map_ids(store, MappingRequest("Gene_Name", "UniProtKB", ("TP53",), "9606"))
    pairs = [(p.from_id, p.to_id) for p in run]

The library's API is what this module exports (``__all__``, checked by tests/test_exports.py
against this list):

- stores: :func:`open_store`, :class:`Store`, :class:`Release`, and :class:`Subset` (what a
  load keeps: taxa, reviewed entries only);
- loading: :func:`load_release`, :func:`load_demo`;
- mapping: :func:`map_ids` with a :class:`MappingRequest`, giving a :class:`MappingRun` of
  :class:`Pair`; :class:`Catalogue` (the databases and the from→to rules) and
  :class:`EntryFacts` (what a release knows of one entry);
- jobs: :class:`JobService`, :class:`Job`, :class:`JobStatus`;
- settings: :class:`Settings`;
- errors: every class of :mod:`idmapping.errors`, under :class:`IdMappingError`;
- ``__version__``.
"""

from idmapping.catalogue import Catalogue
from idmapping.errors import (
    DownloadError,
    IdMappingError,
    InvalidInput,
    InvalidRequest,
    JobFailed,
    MissingDriver,
    NoRelease,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    ReleaseFileError,
    ReleaseGone,
    Stopped,
    StoreDamaged,
    StoreError,
    StoreUnavailable,
    ToolUnavailable,
    UnknownFormat,
)
from idmapping.jobs.service import JobService
from idmapping.loader import load_demo, load_release
from idmapping.mapping import MappingRun, map_ids
from idmapping.model import EntryFacts, Job, JobStatus, MappingRequest, Pair, Release
from idmapping.settings import Settings
from idmapping.store import Store, Subset, open_store
from idmapping.version import __version__

__all__ = [
    "__version__",
    "Catalogue",
    "DownloadError",
    "EntryFacts",
    "IdMappingError",
    "InvalidInput",
    "InvalidRequest",
    "NotAcceptable",
    "Job",
    "JobFailed",
    "JobService",
    "JobStatus",
    "MappingRequest",
    "MappingRun",
    "MissingDriver",
    "NoRelease",
    "NotFound",
    "Pair",
    "PayloadTooLarge",
    "Release",
    "ReleaseFileError",
    "Settings",
    "ReleaseGone",
    "Stopped",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreUnavailable",
    "ToolUnavailable",
    "Subset",
    "UnknownFormat",
    "load_demo",
    "load_release",
    "map_ids",
    "open_store",
]
