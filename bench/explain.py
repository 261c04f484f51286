"""``python -m bench.explain``: how long explaining 100,000 failed ids takes (issue 17).

    python -m bench.explain                          # the shipped demo release, SQLite
    python -m bench.explain --store postgresql://…   # an empty PostgreSQL database
    python -m bench.explain --accessions 100000      # a generated release of that size

The ids are a job from Gene_Name to UniProtKB restricted to a taxon no entry has, so that
every one fails: the release's gene names (other taxa), its accessions and ids of other
databases (another database), and made-up ids (unknown), up to ``--ids``. It times
:func:`idmapping.explain.explain_ids` over all of them (what ``idmapping map --explain``
runs) and one page of 500 of ``/idmapping/explain`` (:func:`idmapping.explain.explain_job`).
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from collections import Counter
from pathlib import Path

from idmapping.explain import explain_ids, explain_job
from idmapping.loader import demo_dir, load_release
from idmapping.model import Job, JobStatus, MappingRequest
from idmapping.store import open_store


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain")
    parser.add_argument("--store", help="store URL or path [default: a temporary SQLite file]")
    parser.add_argument("--accessions", type=int, default=0,
                        help="generate a release of this many entries [default: the demo]")
    parser.add_argument("--ids", type=int, default=100_000, help="failed ids to explain")
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
            started = time.perf_counter()
            _, explained = explain_ids(store, request, ids)
            seconds = time.perf_counter() - started
            kinds = Counter(r.kind for e in explained for r in e.reasons)
            print(f"explained {len(explained):,} failed ids in {seconds:.2f} s "
                  f"({len(explained) / seconds:,.0f} ids/s): {dict(kinds.most_common())}")
            job = Job("bench", "Gene_Name", "UniProtKB", "", "2147483647",
                      JobStatus.FINISHED, 0.0, 0.0, failed_ids=ids)
            started = time.perf_counter()
            page = explain_job(store, job, len(ids) // 2, 500)
            print(f"one page of {len(page.explanations)} of {page.total:,}: "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
