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
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from idmapping.explain import explain_ids, explain_job
from idmapping.loader import demo_dir, load_release
from idmapping.model import Job, JobStatus, MappingRequest
from idmapping.store import open_store
from idmapping.store.base import HoldingRow, Store
from idmapping.store.plans import HoldingsPlan


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain")
    parser.add_argument("--store", help="store URL or path [default: a temporary SQLite file]")
    parser.add_argument("--accessions", type=int, default=0,
                        help="generate a release of this many entries [default: the demo]")
    parser.add_argument("--ids", type=int, default=100_000, help="failed ids to explain")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, the best kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.accessions:
            from idmapping.demo.generator import generate
            files = generate(Path(tmp) / "release", accessions=args.accessions, seed=1)
        else:
            files = sorted(p for p in demo_dir().iterdir() if p.is_file())
        files = [p for p in files if "idmapping.dat" in p.name or p.name.startswith(
            ("sec_ac", "delac_"))]
        with open_store(args.store or str(Path(tmp) / "bench.sqlite")) as store:
            started = time.perf_counter()
            release = load_release(files, store)
            print(f"loaded {release.name}: {release.stats.get('rows', 0):,} rows in "
                  f"{time.perf_counter() - started:.1f} s")
            ids = _ids(files, args.ids)
            request = MappingRequest("Gene_Name", "UniProtKB", tuple(ids), "2147483647")
            job = Job("bench", "Gene_Name", "UniProtKB", "", "2147483647",
                      JobStatus.FINISHED, 0.0, 0.0, failed_ids=ids)
            plans = {"any key": store, "per db": cast(Store, PerDatabase(store))}
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
