"""``python -m bench.explain``: how long explaining 100,000 failed ids takes (issue 17).

    python -m bench.explain                          # the shipped demo release, SQLite
    python -m bench.explain --store postgresql://…   # an empty PostgreSQL database
    python -m bench.explain --accessions 100000      # a generated release of that size

The ids are a job from Gene_Name to UniProtKB restricted to a taxon no entry has, so that
every one fails: the release's gene names (other taxa), its accessions and ids of other
databases (another database), and made-up ids (unknown), up to ``--ids``. It times
:func:`idmapping.explain.explain_ids` over all of them (what ``idmapping map --explain``
runs) and one page of 500 of ``/idmapping/explain`` (:func:`idmapping.explain.explain_job`).

Each is timed twice in the same run, taking turns: probing the index by key alone once for all
databases (``any key``, how a release is read now) and probing the (db, key) index once per
database (``per db``, how a release loaded before the index by key alone is read); the ratio
is the second's time over the first's. The explanations of the two must be the same.

    python -m bench.explain --before main~3          # that commit's code against this one

With ``--before REV``, the code of *REV* (its ``src``, exported by
:func:`bench.measure.export_src`) and this work tree's are timed instead, each in a child
process of its own reading the same loaded store, in turns (``any key`` both); the ratio is
before's time over after's, and the answers of the two must be the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson

from idmapping.explain import explain_ids, explain_job
from idmapping.model import Job, JobStatus, MappingRequest
from idmapping.store import open_store

if TYPE_CHECKING:  # what a child process of --before imports must be in any revision's src
    from idmapping.store.base import HoldingRow, Store
    from idmapping.store.plans import HoldingsPlan

ROOT = Path(__file__).resolve().parent.parent


def _ids(files: list[Path], count: int) -> list[str]:
    found: dict[str, None] = {}
    dat = next(p for p in files if p.name.startswith("idmapping.dat"))
    with gzip.open(dat, "rt") if dat.suffix == ".gz" else dat.open() as lines:
        for line in lines:
            accession, id_type, value = line.rstrip("\n").split("\t")
            if id_type not in ("NCBI_TaxID", "UniProtKB-ID"):
                found.setdefault(accession)
                found.setdefault(value)
            if len(found) >= count // 2:
                break
    n = 0
    while len(found) < count:
        found.setdefault(f"NOT-HELD-{n}")
        n += 1
    return list(found)[:count]


class PerDatabase:
    """A store whose holdings queries probe the key index once per database (the plan of a
    release loaded without the index by key alone); everything else is the store's."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def holdings(self, plan: HoldingsPlan) -> tuple[str, list[HoldingRow]]:
        return self._store.holdings(dataclasses.replace(plan, per_database=True))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock seconds, this process's processor seconds (all the work, for SQLite; on a
    machine others share, the steadier figure), and the answer of *work*."""
    started, cpu = time.perf_counter(), time.process_time()
    answer = work()
    return time.perf_counter() - started, time.process_time() - cpu, answer


def _job(ids: list[str]) -> tuple[MappingRequest, Job]:
    return (MappingRequest("Gene_Name", "UniProtKB", tuple(ids), "2147483647"),
            Job("bench", "Gene_Name", "UniProtKB", "", "2147483647", JobStatus.FINISHED, 0.0,
                0.0, failed_ids=ids))


def child(store_url: str, ids_file: str) -> None:
    """One timing of the ids in *ids_file* (a JSON list) on the release of *store_url*, in
    this process, whichever ``idmapping`` it imports: seconds, processor seconds, a page's
    seconds and the answer's digest, as one JSON line."""
    ids = json.loads(Path(ids_file).read_text())
    request, job = _job(ids)
    with open_store(store_url) as store:
        explain_ids(store, request, ids[:10])  # the connection, the catalogue: not timed
        seconds, cpu, (_, explained) = _timed(lambda: explain_ids(store, request, ids))
        digest = hashlib.sha256(orjson.dumps([e.to_dict() for e in explained])).hexdigest()
        page, page_cpu, _ = _timed(lambda: explain_job(store, job, len(ids) // 2, 500))
    print(json.dumps({"seconds": seconds, "cpu": cpu, "page": page, "page_cpu": page_cpu,
                      "digest": digest}))


def _before_after(store_url: str, ids: list[str], before: str, runs: int) -> None:
    """Time *before*'s code and this work tree's, each in child processes, in turns."""
    from bench.measure import export_src, load_average
    sha, src = export_src(before)
    trees = {f"before ({sha[:12]})": src, "after (work tree)": ROOT / "src"}
    timed: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    print(f"load average {load_average()}")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as ids_file:
        ids_file.write(json.dumps(ids))
        ids_file.flush()
        for _ in range(runs):
            for name, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT)])}
                out = subprocess.run(
                    [sys.executable, "-m", "bench.explain", "--child", store_url,
                     ids_file.name], env=env, cwd=ROOT, capture_output=True, text=True,
                    check=True).stdout
                timed[name].append(json.loads(out.splitlines()[-1]))
    print(f"load average {load_average()}")
    if len({t["digest"] for runs_ in timed.values() for t in runs_}) != 1:
        raise SystemExit("before and after explain the ids differently")
    (old_name, old), (new_name, new) = timed.items()
    for what, key, unit, label in (("explain all", "seconds", 1, "s"),
                                   ("one page of 500", "page", 1000, "ms")):
        b = min(old, key=lambda t: t[key])
        a = min(new, key=lambda t: t[key])
        cpu = key.replace("seconds", "cpu") if key == "seconds" else "page_cpu"
        print(f"{what}: {old_name} {b[key] * unit:.2f} {label} (cpu {b[cpu] * unit:.2f}), "
              f"{new_name} {a[key] * unit:.2f} {label} (cpu {a[cpu] * unit:.2f}): "
              f"{b[key] / a[key]:.2f}x")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        return
    from idmapping.loader import demo_dir, load_release
    parser = argparse.ArgumentParser(prog="python -m bench.explain")
    parser.add_argument("--store", help="store URL or path [default: a temporary SQLite file]")
    parser.add_argument("--accessions", type=int, default=0,
                        help="generate a release of this many entries [default: the demo]")
    parser.add_argument("--ids", type=int, default=100_000, help="failed ids to explain")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, the best kept")
    parser.add_argument("--before", metavar="REV",
                        help="time REV's code against this work tree's instead of the plans")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.accessions:
            from idmapping.demo.generator import generate
            files = generate(Path(tmp) / "release", accessions=args.accessions, seed=1)
        else:
            files = sorted(p for p in demo_dir().iterdir() if p.is_file())
        files = [p for p in files if "idmapping.dat" in p.name or p.name.startswith(
            ("sec_ac", "delac_"))]
        url = args.store or str(Path(tmp) / "bench.sqlite")
        with open_store(url) as store:
            started = time.perf_counter()
            release = load_release(files, store)
            print(f"loaded {release.name}: {release.stats.get('rows', 0):,} rows in "
                  f"{time.perf_counter() - started:.1f} s")
            ids = _ids(files, args.ids)
            if args.before:
                _before_after(url, ids, args.before, args.runs)
                return
            request, job = _job(ids)
            plans = {"any key": store, "per db": cast("Store", PerDatabase(store))}
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in plans}
            pages: dict[str, list[tuple[float, float]]] = {name: [] for name in plans}
            answers = {}
            for _ in range(args.runs):  # in turns, so that both see the same machine
                for name, reader in plans.items():
                    seconds, cpu, (_, explained) = _timed(
                        lambda r=reader: explain_ids(r, request, ids))
                    times[name].append((seconds, cpu))
                    answers[name] = [e.to_dict() for e in explained]
                    seconds, cpu, _ = _timed(
                        lambda r=reader: explain_job(r, job, len(ids) // 2, 500))
                    pages[name].append((seconds, cpu))
            if answers["any key"] != answers["per db"]:
                raise SystemExit("the two plans explain the ids differently")
            kinds = Counter(r["reason"] for e in answers["any key"] for r in e["reasons"])
            print(f"{len(answers['any key']):,} failed ids: {dict(kinds.most_common())}")
            for what, timed, unit in (("explain all", times, 1), ("one page of 500", pages, 1000)):
                (new, new_cpu), (old, old_cpu) = min(timed["any key"]), min(timed["per db"])
                label = "s" if unit == 1 else "ms"
                print(f"{what}: any key {new * unit:.2f} {label} (cpu {new_cpu * unit:.2f}), "
                      f"per db {old * unit:.2f} {label} (cpu {old_cpu * unit:.2f}): "
                      f"{old / new:.1f}x")

if __name__ == "__main__":
    main()
