"""Process-wide switches that the library's heavy steps use.

Mapping a large job allocates millions of small objects (parsed ids, result rows) that live
until the job ends. The cyclic garbage collector, run every 700 allocations, re-scans them again
and again: parsing a million accessions took 1.3 s with it and 0.6 s without. None of these
objects form cycles, so :func:`paused_gc` stops the collector for such a step; refcounting still
frees everything else as usual, and the collector catches up when the last step ends.

A server allocates thousands of objects per request (the framework's, the request's), nearly all
freed by refcounting; at the default thresholds the collector still runs every few requests.
:func:`tune_gc` has it run a hundred times less often: paged results went from 1,200 to 2,400
requests per second. That is a choice for a whole process, made by the process that serves
(:func:`idmapping.server.serve` and its workers), never by the library: building an app
(:func:`idmapping.web.create_app`) leaves the collector as it found it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["paused_gc", "tune_gc", "GC_THRESHOLDS"]

GC_THRESHOLDS = (70_000, 20, 100)
"""Allocations before a young collection; young, then middle collections before an older one."""

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block with the cyclic garbage collector off (steps on several threads nest)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def tune_gc() -> None:
    """Have the collector run less often, for a long-running server (see above)."""
    gc.set_threshold(*GC_THRESHOLDS)
