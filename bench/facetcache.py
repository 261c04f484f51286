"""``python -m bench.facetcache``: a page view's facets with and without the facet cache.

    python -m bench.facetcache                         # the shipped demo release, SQLite
    python -m bench.facetcache --store postgresql://…  # an empty PostgreSQL database
    python -m bench.facetcache --accessions 100000     # a generated release of that size

A job maps every accession of the release to UniProtKB; then the request UniProt's website
sends on every page of a UniProtKB job's results is timed,
``/idmapping/uniprotkb/results/{id}?facets=reviewed,model_organism,proteins_with,existence,
annotation_score,length&size=0``, on two servers (``idmapping serve`` processes) over the same
store, taking turns: one with ``IDMAPPING_FACET_CACHE_ENTRIES=0`` (every view counts each facet
again: before) and one with the default cache (after; its first view counts, the later ones
read the cache). The answers of the two must be the same. It prints the median seconds of
each, their ratio and the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.server import serving
from idmapping.loader import demo_dir, load_release
from idmapping.store import open_store

FACETS = "reviewed,model_organism,proteins_with,existence,annotation_score,length"
"""The facets UniProt's website asks for on a UniProtKB job's results page."""


def _accessions(files: list[Path], count: int) -> list[str]:
    found: dict[str, None] = {}
    dat = next(p for p in files if p.name.startswith("idmapping.dat"))
    with gzip.open(dat, "rt") if dat.suffix == ".gz" else dat.open() as lines:
        for line in lines:
            accession = line.split("\t", 1)[0]
            if "-" not in accession:
                found.setdefault(accession)
                if len(found) >= count:
                    break
    return list(found)


def _job(base: str, ids: list[str]) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={
        "from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(ids)}, timeout=600)
    response.raise_for_status()
    job = str(response.json()["jobId"])
    while True:
        status = httpx.get(f"{base}/idmapping/status/{job}", follow_redirects=False, timeout=60)
        if status.status_code == 303:
            return job
        status.raise_for_status()
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.facetcache")
    parser.add_argument("--store", help="store URL or path [default: a temporary SQLite file]")
    parser.add_argument("--accessions", type=int, default=0,
                        help="generate a release of this many entries [default: the demo]")
    parser.add_argument("--views", type=int, default=7, help="page views timed on each app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.accessions:
            from idmapping.demo.generator import generate
            files = generate(Path(tmp) / "release", accessions=args.accessions, seed=1)
        else:
            files = sorted(p for p in demo_dir().iterdir() if p.is_file())
        store = args.store or str(Path(tmp) / "bench.sqlite")
        with open_store(store) as opened:
            release = load_release(files, opened)
        ids = _accessions(files, 100_000)
        with contextlib.ExitStack() as stack:
            bases = {name: stack.enter_context(serving(
                store, Path(tmp) / f"server-{entries}.log",
                {"IDMAPPING_FACET_CACHE_ENTRIES": str(entries)})).url
                for name, entries in (("before (no cache)", 0), ("after (cache)", 256))}
            job = _job(next(iter(bases.values())), ids)
            times: dict[str, list[float]] = {name: [] for name in bases}
            answers = {}
            for _ in range(args.views):  # in turns, so that both see the same machine
                for name, base in bases.items():
                    started = time.perf_counter()
                    response = httpx.get(f"{base}/idmapping/uniprotkb/results/{job}",
                                         params={"facets": FACETS, "size": "0"}, timeout=600)
                    times[name].append(time.perf_counter() - started)
                    response.raise_for_status()
                    answers[name] = response.json()
        first, second = answers.values()
        if first != second:
            raise SystemExit("the two servers answer differently")
        print(f"release {release.name}: a job of {len(ids):,} accessions, "
              f"{len(first.get('facets', []))} facets; load average {os.getloadavg()[0]:.2f}")
        for name, seconds in times.items():
            print(f"{name:>18}: median {statistics.median(seconds):.4f} s, first "
                  f"{seconds[0]:.4f} s, over {len(seconds)} views")
        before, after = (statistics.median(s) for s in times.values())
        print(f"ratio before/after: {before / after:.1f}x")


if __name__ == "__main__":
    main()
