"""Where the time goes: py-spy profiles of a load and of the server during a mapping.

``python -m bench profile`` records, with py-spy (``pip install py-spy``), one
``idmapping load`` of the large release, and the server while it maps the 100k-id list, and
prints the functions with the most samples: by *self* time (the frame on top of the stack)
and *inclusive* time (anywhere on the stack). Raw stacks go to ``bench/out/profile-*.txt``
(collapsed format: ``flamegraph.pl`` or speedscope read them).
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.idlists import SPECS, id_list
from bench.project import map_http, purge_jobs
from bench.release import OUT, release
from bench.server import serving

__all__ = ["profile_load", "profile_map", "hotspots"]

_RATE = "100"


def profile_load(accessions: int, seed: int = 1) -> Path:
    """Profile one ``idmapping load`` of the release; return the raw stacks file."""
    rel = release(accessions, seed)
    store = OUT / "stores" / "profile"
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    raw = OUT / f"profile-load-{accessions}.txt"
    subprocess.run(["py-spy", "record", "-r", _RATE, "--format", "raw", "-o", str(raw), "--",
                    sys.executable, "-m", "idmapping", "load", "--store",
                    str(store / "store.sqlite"), "-q", str(rel.dat)], check=True)
    return raw


def profile_map(accessions: int, seed: int = 1, key: str = "refseq",
                store: Path | None = None) -> Path:
    """Profile the server while it maps one list of figure 2 (a fresh job) end to end.

    :param store: a store holding the release; by default the one :func:`profile_load` left.
    """
    rel = release(accessions, seed)
    ids = id_list(rel, next(s for s in SPECS if s.key == key))
    store = store or OUT / "stores" / "profile" / "store.sqlite"
    purge_jobs(store)  # a job id is a hash of the request: make the job new
    raw = OUT / f"profile-map-{ids.name}.txt"
    with serving(store, OUT / "logs" / "server-profile.log") as server:
        spy = subprocess.Popen(["py-spy", "record", "-r", _RATE, "--format", "raw", "-o",
                                str(raw), "--pid", str(server.pid)])
        try:
            time.sleep(1.0)  # py-spy attaches
            result = map_http(server, ids)
            print(f"mapped {ids.name}: {result.seconds:.2f} s, {result.pairs:,} pairs "
                  f"(submit {result.submit:.2f}, wait {result.wait:.2f}, "
                  f"stream {result.stream:.2f})", flush=True)
        finally:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
    return raw


def hotspots(raw: Path, top: int = 15) -> str:
    """The *top* frames by self and by inclusive samples, as text."""
    own: collections.Counter[str] = collections.Counter()
    anywhere: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            anywhere[frame] += count
    lines = [f"{raw.name}: {total:,} samples"]
    for title, counter in (("self", own), ("inclusive", anywhere)):
        lines.append(f"  top by {title}:")
        lines += [f"    {n / total:6.1%}  {frame}" for frame, n in counter.most_common(top)]
    return "\n".join(lines)
