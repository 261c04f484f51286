"""``python -m bench.cladespans``: the clade spans of a taxonomy of NCBI's size (issue 17 item
4, issue 18), the code of two source trees side by side in one run.

    python -m bench.cladespans                          # 2.7M taxa: --before vs this tree
    python -m bench.cladespans --taxa 300000 --runs 1
    python -m bench.cladespans --load sqlite --load postgresql://127.0.0.1/test   # and loads

The taxonomy is :func:`bench.taxonomy.generate_parents`' (no NCBI file is read), about 100
levels deep, the demo release's taxa among its leaves, with 80,000 merged taxa. For each tree
(``--before``, by default the commit before the spans were numbered in arrays, exported with
``git archive``; and this work tree), in processes of their own, taking turns:

- ``clade_spans`` alone, fed the taxa a row at a time sorted by taxon (as a cursor over the
  table gives them), its result read as the writers read it: processor time
  (``time.process_time``), peak RSS above the process's RSS before the call (``VmHWM``),
  and, in another process, the peak of ``tracemalloc`` (Python's and numpy's allocations).
  Both trees must give the same spans (a digest of them is compared).
- with ``--load STORE`` (``sqlite`` or a PostgreSQL server's URL, where a database
  ``idmapping_loadmem`` is created and dropped): ``idmapping load`` of the demo release with
  the taxonomy in taxdump's form (nodes.dmp, names.dmp, merged.dmp) into a fresh store, its
  wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.loadmemory import fresh_database
from bench.measure import export_src, run_timed
from bench.taxonomy import generate_parents, release_taxa, write_dmp

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "60454c5cecd4447faaa5bc1d324f50dc3432c7bd"
"""The last commit whose ``clade_spans`` numbered the taxa with a Python object each."""
MERGED = 80_000


def _rows(taxa: np.ndarray, parents: np.ndarray) -> Iterator[tuple[int, int]]:
    """The ``(taxon, parent)`` rows, made a few thousand at a time as a cursor makes them."""
    for start in range(0, len(taxa), 4096):
        end = start + 4096
        yield from zip(taxa[start:end].tolist(), parents[start:end].tolist(), strict=True)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    """This process's own peak RSS: VmHWM, of its memory since it started this program
    (``ru_maxrss`` keeps the peak of the process it was started from, by vfork)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def _generate(folder: Path, count: int, taxdump: bool) -> None:
    """The taxonomy into *folder*, made in a process of its own so that the measuring one
    stays small: the taxa and their parents sorted by taxon and the merged taxa as numpy
    arrays, and with *taxdump* nodes.dmp, names.dmp and merged.dmp."""
    from idmapping.loader import demo_dir

    leaves = set(release_taxa(_demo(demo_dir())[0]).values())
    parents, _ = generate_parents(count, leaves)
    taxa = np.array(sorted(parents), dtype=np.int64)
    np.save(folder / "taxa.npy", taxa)
    np.save(folder / "parents.npy", np.array([parents[t] for t in taxa.tolist()]))
    rng = np.random.default_rng(1)
    merged = np.array([10**7 + np.arange(MERGED), rng.choice(taxa, MERGED)])
    np.save(folder / "merged.npy", merged)
    if taxdump:
        write_dmp(folder / "taxdump", parents)
        (folder / "taxdump" / "merged.dmp").write_text("".join(
            f"{old}\t|\t{new}\t|\n" for old, new in merged.T.tolist()))


def _demo(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.iterdir()) if p.is_file() and "idmapping.dat" in p.name]


def _child(folder: Path, traced: bool) -> None:
    """One run of ``clade_spans`` of the first source tree on the path: figures as JSON."""
    from idmapping.store.taxonspans import clade_spans

    taxa, parents = np.load(folder / "taxa.npy"), np.load(folder / "parents.npy")
    merged = list(zip(*np.load(folder / "merged.npy").tolist(), strict=True))
    gc.collect()
    if traced:
        tracemalloc.start()
    before, started = _rss(), time.process_time()
    spans: Any = clade_spans(_rows(taxa, parents), merged)
    rows = 0
    if hasattr(spans, "rows"):  # arrays, handed to the store a batch of tuples at a time
        for batch in spans.rows():
            rows += len(batch)
    else:  # one list of tuples
        rows = len(spans)
    seconds = time.process_time() - started
    peak = _peak_rss() - before
    if traced:  # tracemalloc slows Python's allocations: no processor time from this run
        figures: dict[str, Any] = {"traced_mb": round(tracemalloc.get_traced_memory()[1] / 2**20)}
        tracemalloc.stop()
    else:
        figures = {"seconds": round(seconds, 2), "rows": rows, "rss_mb": round(peak / 2**20)}
        found = (np.array([spans.taxa, spans.low, spans.high]).T if hasattr(spans, "rows")
                 else np.array(spans, dtype=np.int64))
        found = found[np.argsort(found[:, 0])]
        figures["digest"] = hashlib.sha1(found.astype(np.int64).tobytes()).hexdigest()[:12]
    print(json.dumps(figures))


def _measure(src: Path, folder: Path, traced: bool) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{ROOT}")
    flag = ["--traced"] if traced else []
    timed = run_timed([sys.executable, "-m", "bench.cladespans", "--child", str(folder), *flag],
                      env=env)
    return dict(json.loads(timed.stdout.strip().splitlines()[-1]))


def _load(src: Path, files: list[Path], store: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(src))
    with tempfile.TemporaryDirectory(prefix="idmapping-cladespans-") as folder:
        url = str(Path(folder) / "store.sqlite") if store == "sqlite" else fresh_database(store)
        timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store", url, "-q",
                           *map(str, files)], env=env)
    return {"seconds": round(timed.seconds), "peak_rss_mb": round(timed.max_rss_kb / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cladespans",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--taxa", type=int, default=2_700_000, help="taxa in the taxonomy")
    parser.add_argument("--before", default=BEFORE, help="the commit compared with")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, taking turns")
    parser.add_argument("--load", action="append", default=[], metavar="STORE",
                        help="also load it into this store: sqlite, or a PostgreSQL URL")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.traced)
        return
    if args.generate:
        _generate(args.generate, args.taxa, bool(args.load))
        return
    trees = {"before": export_src(args.before)[1], "after": ROOT / "src"}
    with tempfile.TemporaryDirectory(prefix="idmapping-cladespans-") as tmp:
        folder = Path(tmp)
        run_timed([sys.executable, "-m", "bench.cladespans", "--taxa", str(args.taxa),
                   "--generate", str(folder), *(["--load", "taxdump"] if args.load else [])],
                  env=dict(os.environ, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}"))
        print(f"{len(np.load(folder / 'taxa.npy')):,} taxa, {MERGED:,} merged; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        digests = set()
        for run in range(args.runs):
            for name, src in trees.items():
                figures = {**_measure(src, folder, False), **_measure(src, folder, True)}
                digests.add(figures.pop("digest"))
                print(json.dumps({"run": run, "code": name, "clade_spans": figures}),
                      flush=True)
        if len(digests) != 1:
            raise SystemExit("before and after give different spans")
        from idmapping.loader import demo_dir

        files = [*_demo(demo_dir()), *(folder / "taxdump").glob("*.dmp")]
        for store in args.load:
            for name, src in trees.items():
                figures = _load(src, files, store)
                print(json.dumps({"code": name, "load": store.split(":")[0], **figures,
                                  "load_average": round(os.getloadavg()[0], 1)}), flush=True)


if __name__ == "__main__":
    main()
