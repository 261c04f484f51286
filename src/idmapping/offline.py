"""Offline mapping, for pipelines: ids in, one format's bytes out, nothing stored.

``idmapping map`` reads ids from a file, maps them with the same engine as the API
(:func:`idmapping.mapping.map_ids`) and writes the results through the same writers
(:mod:`idmapping.results.formats`), as they are read: the results are never all in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from idmapping.mapping import MappingRun, map_ids
from idmapping.model import MappingRequest
from idmapping.results.formats import Extras, write, writer_for
from idmapping.runtime import paused_gc
from idmapping.store.base import Store

__all__ = ["FORMATS", "map_to", "mapping_output"]

FORMATS = ("tsv", "json", "list")
"""The formats of offline mapping: ``From<TAB>To`` rows, UniProt's JSON, or one target a line."""


def mapping_output(run: MappingRun, fmt: str) -> Iterator[bytes]:
    """The bytes of *run* in format *fmt* (json ends with the ids that mapped to nothing)."""
    extras = Extras()

    def rows() -> Iterator[tuple[str, str]]:
        yield from run.pairs()
        extras.failed_ids = run.failed_ids  # known once every result has been read

    return write(writer_for(fmt)(("From", "To"), extras), rows())


def map_to(out: BinaryIO, store: Store, request: MappingRequest, fmt: str,
           descendants: bool = True) -> MappingRun:
    """Map *request* on *store* and write the results to *out* in *fmt*, ending with a
    newline; return the finished run (its counts and failed ids).

    :param descendants: the setting ``taxonomy_descendants`` (see :func:`map_ids`).

    :raises InvalidRequest: an unknown database or from/to pair, as the API says it.
    """
    with paused_gc():  # a million parsed ids and results, none in a cycle
        run = map_ids(store, request, descendants=descendants)
        last = b"\n"
        for chunk in mapping_output(run, fmt):
            out.write(chunk)
            last = chunk[-1:] or last
        if last != b"\n":
            out.write(b"\n")
        out.flush()
    return run
