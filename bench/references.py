"""The references each figure is set beside: the read limit, DuckDB, pandas and plain SQLite.

Each reference runs in a child process of its own (``python -m bench.references JSON``), so that
its peak memory is its own and its imports are not timed. The child loads idmapping.dat.gz,
indexes it where the tool has indexes, joins every id list against it, and prints its timings
as one JSON line. A join takes the ids as a Python list, as the HTTP API does, and ends with
every pair materialised.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.idlists import ACCESSIONS, IdList
from bench.measure import Timed, run_timed

__all__ = ["TOOLS", "RefResult", "read_limit", "run_reference", "main"]

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("duckdb", "pandas", "sqlite")


@dataclass(frozen=True)
class RefResult:
    """One run of one reference tool.

    :param load: seconds to read the file into the tool's table.
    :param index: seconds to build the (type, value) index (0 for pandas, which has none).
    :param joins: per id list, ``(seconds, pairs)``.
    """

    tool: str
    load: float
    index: float
    joins: dict[str, tuple[float, int]]
    max_rss_kb: int


def read_limit(dat: Path) -> float:
    """Seconds for ``zcat FILE | wc -l``: decompressing and splitting lines, nothing more."""
    zcat = shutil.which("zcat") or "zcat"
    return run_timed(["bash", "-c", f"{zcat} '{dat}' | wc -l"]).seconds


def run_reference(tool: str, dat: Path, workdir: Path, lists: list[IdList]) -> RefResult:
    """Run *tool* on *dat* in a child process, with its files in *workdir*."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    job = {"tool": tool, "dat": str(dat), "workdir": str(workdir),
           "lists": [{"name": x.name, "dat_type": x.spec.dat_type, "path": str(x.path)}
                     for x in lists]}
    try:
        timed: Timed = run_timed([sys.executable, "-m", "bench.references", json.dumps(job)],
                                 cwd=ROOT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = json.loads(timed.stdout.strip().splitlines()[-1])
    joins = {name: (float(s), int(p)) for name, (s, p) in out["joins"].items()}
    return RefResult(tool, out["load"], out["index"], joins, timed.max_rss_kb)


# -- in the child ------------------------------------------------------------------------------

DUCKDB_MEMORY = "10GB"
"""The DuckDB reference's ``memory_limit``, stated in the report."""


def _join_column(dat_type: str) -> str:
    """Accessions are looked up in the first column (their UniProtKB-ID row), ids in the third."""
    return "acc" if dat_type == ACCESSIONS else "value"


def _duckdb(dat: Path, workdir: Path) -> tuple[float, float, Callable[[list[str], str], int]]:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(str(workdir / "ref.duckdb"))
    con.execute("SET enable_progress_bar = false")
    # DuckDB takes 80% of the machine's memory by default; the other loads and servers of a run
    # (and of other work on the machine) need the rest. At 1M accessions it peaks near 3 GB,
    # under this; at 10M it spills to its database file past it.
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    started = time.perf_counter()
    con.execute(
        "CREATE TABLE dat AS SELECT * FROM read_csv(?, delim='\t', header=false, quote='', "
        "escape='', columns={'acc': 'VARCHAR', 'type': 'VARCHAR', 'value': 'VARCHAR'})",
        [str(dat)])
    loaded = time.perf_counter()
    con.execute("CREATE INDEX dat_type_value ON dat(type, value)")
    indexed = time.perf_counter()

    def join(ids: list[str], dat_type: str) -> int:
        con.register("ids", pa.table({"id": ids}))
        column = _join_column(dat_type)
        result = con.execute(f"SELECT i.id, d.acc FROM ids i JOIN dat d ON d.type = ? "
                             f"AND d.{column} = i.id", [dat_type]).to_arrow_table()
        con.unregister("ids")
        return int(result.num_rows)  # type: ignore[union-attr]

    return loaded - started, indexed - loaded, join


def _pandas(dat: Path, workdir: Path) -> tuple[float, float, Callable[[list[str], str], int]]:
    import pandas as pd

    started = time.perf_counter()
    # The pyarrow parser: the fastest read_csv engine pandas has (it uses every core).
    frame = pd.read_csv(dat, sep="\t", header=None, names=["acc", "type", "value"], dtype=str,
                        engine="pyarrow")
    loaded = time.perf_counter()

    def join(ids: list[str], dat_type: str) -> int:
        wanted = pd.DataFrame({"id": ids})
        rows = frame[frame["type"] == dat_type]
        merged = wanted.merge(rows, left_on="id", right_on=_join_column(dat_type))
        return len(merged)

    return loaded - started, 0.0, join


def _dat_rows(dat: Path) -> Iterator[list[str]]:
    with gzip.open(dat, "rt", encoding="utf-8") as text:
        for line in text:
            yield line.rstrip("\n").split("\t")


def _sqlite(dat: Path, workdir: Path) -> tuple[float, float, Callable[[list[str], str], int]]:
    conn = sqlite3.connect(workdir / "ref.sqlite", isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE dat (acc TEXT, type TEXT, value TEXT)")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO dat VALUES (?, ?, ?)", _dat_rows(dat))
    conn.execute("COMMIT")
    loaded = time.perf_counter()
    conn.execute("CREATE INDEX dat_type_value ON dat(type, value)")
    indexed = time.perf_counter()

    def join(ids: list[str], dat_type: str) -> int:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.execute("DELETE FROM ids")
        conn.execute("BEGIN")
        conn.executemany("INSERT OR IGNORE INTO ids VALUES (?)", ((i,) for i in ids))
        conn.execute("COMMIT")
        # CROSS JOIN fixes the loop order: ids are looked up in the (type, value) index, but
        # accessions have no index of their own, so the type's rows are read once and each
        # is looked up among the ids (the planner may otherwise scan them once per id).
        if dat_type == ACCESSIONS:
            sql = ("SELECT i.id, d.acc FROM dat d CROSS JOIN ids i ON i.id = d.acc "
                   "WHERE d.type = ?")
        else:
            sql = ("SELECT i.id, d.acc FROM ids i CROSS JOIN dat d ON d.type = ? "
                   "AND d.value = i.id")
        return len(conn.execute(sql, (dat_type,)).fetchall())

    return loaded - started, indexed - loaded, join


_LOADERS = {"duckdb": _duckdb, "pandas": _pandas, "sqlite": _sqlite}


def main(argv: list[str]) -> None:
    """The child: load, index, join each list, print ``{"load", "index", "joins"}``."""
    job: dict[str, Any] = json.loads(argv[0])
    load, index, join = _LOADERS[job["tool"]](Path(job["dat"]), Path(job["workdir"]))
    joins: dict[str, tuple[float, int]] = {}
    if job["lists"]:  # one untimed join first: first-query costs are not the join's
        first = job["lists"][0]
        join(Path(first["path"]).read_text().split(), first["dat_type"])
    for item in job["lists"]:
        ids = Path(item["path"]).read_text().split()
        started = time.perf_counter()
        pairs = join(ids, item["dat_type"])
        joins[item["name"]] = (time.perf_counter() - started, pairs)
    print(json.dumps({"load": load, "index": index, "joins": joins}))


if __name__ == "__main__":
    main(sys.argv[1:])
