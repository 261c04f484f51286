"""A page of a stored run's ids (or block's pairs) without decoding the whole run.

A job's ids that map to themselves are stored as runs (:class:`~idmapping.store.spool.Run`):
JSON arrays of up to :data:`~idmapping.store.spool.CHUNK_PAIRS` ids; its other pairs as blocks,
JSON arrays of ``[from, to]`` (``SqlStore.result_blocks``). A page of 25 results in a run
decoded all of its 10,000 ids (``orjson.loads``: 0.33 ms, a third of a page's time in the
server, issue 18), in a block its 250 pairs. :class:`RunIndex` remembers where every
:data:`STEP`-th item of a run or block begins in its text, learnt the first time it is read
whole; a page then decodes only the few dozen items around it from the text read again.

What is remembered is only ever used for the text it was learnt from: each entry carries the
store's *generation* (``Store.generation``), a number that changes whenever anything may have
been written to the store, in any process; the caller passes the generation that held from
before its read to after it, and an entry of another generation is learnt again.
"""

from __future__ import annotations

import itertools
import threading
from array import array
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

__all__ = ["RunIndex", "STEP", "MAX_RUNS", "PAGE_PAIRS"]

PAGE_PAIRS = 500
"""Reads of at most this many results (a page: UniProt's largest is 500) cut their runs by the
index; larger ones (a stream's batches) decode each run whole, once."""

STEP = 64
"""Every STEP-th id's place in a run's text is kept: a page decodes at most STEP - 1 ids more
than it needs."""

MAX_RUNS = 2048
"""Runs whose places are kept at most (about 1.3 KB each); all are forgotten when it is full."""


class RunIndex:
    """Where the ids of stored runs begin in their JSON text, by job and run."""

    def __init__(self, max_runs: int = MAX_RUNS) -> None:
        self._max_runs = max_runs
        # (job, start) -> (generation, length of the text, ids, places)
        self._places: dict[tuple[str, int], tuple[int, int, int, array[int]]] = {}
        self._lock = threading.Lock()

    def cut_runs(self, job_id: str, runs: Sequence[tuple[Any, ...]], offset: int, stop: int,
                 generation: int) -> list[tuple[Any, ...]]:
        """The runs (and blocks) of a page from *offset* to *stop*, as read (``(start,
        text)``), each as the items the page takes of it, from where the page takes them
        (``(start, items)``, as ``store.shared.page_parts`` reads a run: the runs and blocks
        of a page hold none of its rows). One read without its text is left as it is.

        :param generation: the store's generation, the same before and after *runs* were read.
        """
        return [(max(start, offset),
                 self.cut(job_id, start, text, max(offset - start, 0), stop - start, generation))
                if isinstance(text, str) else (start, text) for start, text in runs]

    def cut(self, job_id: str, start: int, text: str, lo: int, hi: int, generation: int
            ) -> list[Any]:
        """The items ``lo`` to ``hi`` (as in a slice) of the run (or block) of *job_id* that
        starts at result *start*, whose stored JSON text is *text*.

        :param generation: the store's generation, the same before and after *text* was read.
        """
        key = (job_id, start)
        with self._lock:
            known = self._places.get(key)
        if known is None or known[0] != generation or known[1] != len(text):
            ids = orjson.loads(text)
            places = _places(text, ids)
            if places is not None:
                with self._lock:
                    if len(self._places) >= self._max_runs:
                        self._places.clear()
                    self._places[key] = (generation, len(text), len(ids), places)
            return ids[lo:hi]  # type: ignore[no-any-return]
        count, places = known[2], known[3]
        hi = min(hi, count)
        if lo >= hi:
            return []
        first = lo // STEP
        after = -(-hi // STEP)  # the first place at or past hi (rounded up)
        begin = places[first]
        end = places[after] - 1 if after < len(places) else len(text) - 1
        if text[begin] not in '"[' or text[end] not in ",]":  # never expected: decode all
            return orjson.loads(text)[lo:hi]  # type: ignore[no-any-return]
        ids = orjson.loads("[" + text[begin:end] + "]")
        return ids[lo - first * STEP:hi - first * STEP]  # type: ignore[no-any-return]


def _places(text: str, items: list[Any]) -> array[int] | None:
    """Where items 0, STEP, 2 STEP... begin in *text*, the JSON array of *items* (ids, or
    ``[from, to]`` pairs); None if the text is not the plain form (``["a","b"]``,
    ``[["a","b"],["c","d"]]``: no escapes, no spaces), whose places follow from the ids'
    lengths alone."""
    if not items or "\\" in text:
        return None
    if all(type(i) is str for i in items):
        sizes: Iterable[int] = map(len, items)
        extra = 3  # '"id",'
    elif all(type(i) is list and len(i) == 2 and type(i[0]) is str and type(i[1]) is str
             for i in items):
        sizes = (len(a) + len(b) for a, b in items)
        extra = 8  # '["from","to"],'
    else:
        return None
    # item i begins at 1 + extra i + the lengths of the ids before it
    ends = list(itertools.accumulate(sizes, initial=0))
    if 1 + extra * len(items) + ends[-1] != len(text):
        return None
    return array("q", (1 + extra * i + ends[i] for i in range(0, len(items), STEP)))
