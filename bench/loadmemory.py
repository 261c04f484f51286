"""Peak memory of ``idmapping load`` as the release grows (issue 18), side by side for two
source trees.

    python -m bench.loadmemory --release DIR [--release DIR ...] --src NAME=PATH [--src ...]
        [--store sqlite|postgresql://URL ...] [--database NAME] [--repeat N] [--memory-mb N]
        [--duckdb]

Each load runs ``idmapping load -q DIR/idmapping.dat.gz`` in its own process into a fresh
store (a SQLite file in a temporary folder, or a fresh database of the PostgreSQL server given,
named ``--database``), with the source tree's ``src`` first on ``PYTHONPATH``; it prints wall
time, processor time (user and system, its threads' included: steadier than wall time on a
shared machine), peak RSS (``ru_maxrss`` of that process), the load average when it ended and,
for SQLite, the store's bytes per xrefs row, as JSON lines. With several stores, sources or
``--repeat``, the loads of a release are interleaved: each round loads every store with every
source.
With ``--duckdb``, each round also runs the suite's DuckDB reference (read, then index:
:func:`bench.references.run_reference`) on the same file, for the load's ratio to it.
Releases come from :func:`idmapping.demo.generator.generate` (``bench/release.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.measure import load_average, run_timed

__all__ = ["fresh_database", "measure_duckdb", "measure_load"]


def measure_load(src: Path, release: Path, store: str, memory_mb: int | None,
                 database: str = "idmapping_loadmem") -> dict[str, object]:
    """One load of *release*'s idmapping.dat with the code of *src* into a fresh *store*
    (for PostgreSQL, the database *database*, made afresh)."""
    env = dict(os.environ, PYTHONPATH=str(src / "src"))
    if memory_mb is not None:
        env["IDMAPPING_LOAD_MEMORY_MB"] = str(memory_mb)
    with tempfile.TemporaryDirectory(prefix="idmapping-loadmem-") as folder:
        if store == "sqlite":
            url = str(Path(folder) / "store.sqlite")
        else:
            url = fresh_database(store, database)
        timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store", url, "-q",
                           str(release / "idmapping.dat.gz")], env=env)
        figures: dict[str, object] = {
            "src": str(src), "release": release.name, "store": store.split(":")[0],
            "seconds": round(timed.seconds, 1), "cpu_seconds": round(timed.cpu_seconds, 1),
            "peak_rss_mb": round(timed.max_rss_kb / 1024),
            "load_average": load_average(),
        }
        if store == "sqlite":
            files = [p for p in Path(folder).rglob("*.sqlite") if p.name != "store.sqlite"]
            size = sum(p.stat().st_size for p in files)
            with sqlite3.connect(files[0]) as conn:
                rows = conn.execute("SELECT count(*) FROM xrefs").fetchone()[0]
                entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            figures.update(store_mb=round(size / 1e6), xrefs=rows, entries=entries,
                           bytes_per_row=round(size / rows, 1))
    return figures


def measure_duckdb(release: Path) -> dict[str, object]:
    """DuckDB's read and index of *release*'s idmapping.dat, as the suite's figure 1 takes it."""
    from bench.references import run_reference

    with tempfile.TemporaryDirectory(prefix="idmapping-loadmem-") as folder:
        ref = run_reference("duckdb", release / "idmapping.dat.gz", Path(folder) / "duckdb", [])
    return {"release": release.name, "seconds": round(ref.load + ref.index, 1),
            "read": round(ref.load, 1), "index": round(ref.index, 1),
            "peak_rss_mb": round(ref.max_rss_kb / 1024), "load_average": load_average()}


def fresh_database(server: str, name: str = "idmapping_loadmem") -> str:
    """A new empty database *name* on the PostgreSQL *server* (dropped first)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadmemory",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--release", action="append", type=Path, required=True)
    parser.add_argument("--src", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--store", action="append", help="sqlite (default) or a PostgreSQL "
                        "server's URL; given twice, both are loaded in the same run")
    parser.add_argument("--database", default="idmapping_loadmem",
                        help="the PostgreSQL database made afresh for each load")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory-mb", type=int, default=None)
    parser.add_argument("--duckdb", action="store_true",
                        help="also DuckDB's read and index of the file, in each round")
    args = parser.parse_args()
    for release in args.release:
        for _ in range(args.repeat):
            for store in args.store or ["sqlite"]:
                for named in args.src:  # interleaved: a busy moment slows each alike
                    name, _, path = named.partition("=")
                    figures = measure_load(Path(path), release, store, args.memory_mb,
                                           args.database)
                    print(json.dumps({"code": name, **figures}), flush=True)
            if args.duckdb:
                print(json.dumps({"code": "duckdb", **measure_duckdb(release)}), flush=True)


if __name__ == "__main__":
    main()
