"""runtime.paused_gc: the collector is off inside, on again after the last of nested steps."""

from __future__ import annotations

import gc
import threading

from idmapping.runtime import paused_gc


def test_paused_gc_nests_across_threads() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def step() -> None:
        with paused_gc():
            inside.set()
            leave.wait(10)

    other = threading.Thread(target=step)
    with paused_gc():
        assert not gc.isenabled()
        other.start()
        inside.wait(10)
    assert not gc.isenabled()  # the other thread's step still runs
    leave.set()
    other.join(10)
    assert gc.isenabled()


def test_paused_gc_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_tune_gc_sets_the_serving_thresholds() -> None:
    from idmapping.runtime import GC_THRESHOLDS, tune_gc

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
