"""Process-wide tuning, applied once by each entry point (the CLI and the server's app).

Large jobs and loads allocate millions of small objects (parsed ids, result rows) that live
until the job ends. At Python's default thresholds the cyclic garbage collector runs every 700
allocations and re-scans them again and again: mapping a million accessions spent more than half
of its parsing time there. None of these objects form cycles, so collecting a hundred times less
often loses nothing.
"""

from __future__ import annotations

import gc

__all__ = ["tune_gc"]

GC_THRESHOLDS = (70_000, 20, 100)
"""Allocations before a young collection; young, then middle collections before an older one."""


def tune_gc() -> None:
    """Have the garbage collector run less often (see the module's docstring)."""
    gc.set_threshold(*GC_THRESHOLDS)
