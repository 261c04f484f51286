"""The whole run: every figure beside its references, repeated, saved as JSON as it goes.

The small release runs first (it fails fast), then the large one. Each repeat runs the
project and its references one after the other, so that a busy machine slows them alike.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.idlists import SPECS, IdList, growth_specs, id_list
from bench.loadgen import page_paths, paged_rps
from bench.measure import hwm_kb, load_average, machine
from bench.project import load, load_postgres, map_http, purge_jobs, stream_memory
from bench.references import ROOT, TOOLS, read_limit, run_reference
from bench.release import OUT, BenchRelease, release
from bench.server import SERVER_ENV, serving

__all__ = ["Options", "run"]

Results = dict[str, Any]


@dataclass(frozen=True)
class Options:
    """What to run: release sizes, seed, repeats, and where the JSON goes."""

    accessions: int
    small: int
    seed: int
    repeat: int
    quick: bool
    command: str
    results: Path
    commit: str
    references: tuple[str, ...] = TOOLS
    postgres: str = ""
    entries: int = 0
    """Accessions of the release whose entry files are loaded (0: no entry-file step)."""


def run(options: Options, say: Callable[[str], None] = print) -> Results:
    """Measure everything; the results are saved to ``options.results`` after each step."""
    res: Results = {"command": options.command, "quick": options.quick, "repeat": options.repeat,
                    "seed": options.seed, "started": _now(), "machine": machine(),
                    "references": list(options.references), "load_memory_mb": _load_memory(),
                    "load_average": {"start": load_average()}, "project": _project(options),
                    "server_env": SERVER_ENV, "releases": {}, "load": {}, "joins": {},
                    "map": {}, "errors": {}}
    big, small = release(options.accessions, options.seed), release(options.small, options.seed)
    growth = [id_list(small, spec) for spec in growth_specs(small)]
    big_lists = _unique([id_list(big, spec) for spec in SPECS]
                        + [id_list(big, spec) for spec in growth_specs(small)])
    for tag, rel, lists in (("small", small, growth), ("big", big, big_lists)):
        res["releases"][tag] = _release_info(rel)
        say(f"{tag} release: {rel.accessions:,} accessions, {rel.lines:,} lines")
        _step(res, options, f"load-{tag}", partial(_loads, res, tag, rel, lists, options, say))
        _step(res, options, f"map-{tag}", partial(_maps, res, tag, lists, options, say))
    _step(res, options, "paged", partial(_paged, res, options, say))
    _step(res, options, "stream", partial(_streams, res, options, say))
    if options.entries:
        _step(res, options, "entries", partial(_entries, res, options, say))
    res["load_average"]["end"] = load_average()
    res["finished"] = _now()
    _save(res, options)
    return res


def _step(res: Results, options: Options, name: str, step: Callable[[], None]) -> None:
    """Run one step; a failure is recorded (and reported) instead of ending the run."""
    try:
        step()
    except Exception as exc:  # noqa: BLE001 - one figure's failure must not lose the others
        res["errors"][name] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    _save(res, options)


def _loads(res: Results, tag: str, rel: BenchRelease, lists: list[IdList], options: Options,
           say: Callable[[str], None]) -> None:
    """Figure 1 (and the references' joins): each repeat loads with every tool in turn."""
    tools = options.references
    figures: Results = {"read_limit": [], "project": [], "project_rss_kb": [],
                        **{t: {"load": [], "index": [], "rss_kb": []} for t in tools}}
    if options.postgres:
        figures["postgres"] = {"seconds": [], "rss_kb": []}
    joins: Results = {x.name: {t: {"seconds": [], "pairs": 0} for t in tools} for x in lists}
    res["load"][tag], res["joins"][tag] = figures, joins
    for r in range(options.repeat):
        figures["read_limit"].append(read_limit(rel.dat))
        loaded = load(rel.dat, _store_dir(tag, r))
        if r:
            shutil.rmtree(_store_dir(tag, r - 1), ignore_errors=True)
        figures["project"].append(loaded.seconds)
        figures["project_rss_kb"].append(loaded.max_rss_kb)
        figures["rows"], figures["store_bytes"] = loaded.rows, loaded.store_bytes
        say(f"  load {r + 1}: idmapping {loaded.seconds:.1f} s")
        if options.postgres:
            pg = load_postgres(rel.dat, options.postgres)
            figures["postgres"]["seconds"].append(pg.seconds)
            figures["postgres"]["rss_kb"].append(pg.max_rss_kb)
            say(f"  load {r + 1}: idmapping into PostgreSQL {pg.seconds:.1f} s")
        for tool in tools:
            ref = run_reference(tool, rel.dat, OUT / f"work-{tool}", lists)
            figures[tool]["load"].append(ref.load)
            figures[tool]["index"].append(ref.index)
            figures[tool]["rss_kb"].append(ref.max_rss_kb)
            for name, (seconds, pairs) in ref.joins.items():
                joins[name][tool]["seconds"].append(seconds)
                joins[name][tool]["pairs"] = pairs
            say(f"  load {r + 1}: {tool} {ref.load + ref.index:.1f} s")
        _save(res, options)
    res["load"][tag]["store"] = str(_store_dir(tag, options.repeat - 1) / "store.sqlite")


def _store_dir(tag: str, repeat: int) -> Path:
    return OUT / "stores" / f"{tag}-{repeat}"


def _maps(res: Results, tag: str, lists: list[IdList], options: Options,
          say: Callable[[str], None]) -> None:
    """Figure 2: each list mapped over HTTP, a new job each repeat."""
    store = Path(res["load"][tag]["store"])
    maps: Results = {x.name: {"key": x.spec.key, "from": x.spec.from_db, "to": x.spec.to_db,
                              "n": x.spec.size, "seconds": [], "submit": [], "wait": [],
                              "stream": [], "pairs": 0, "job": "", "error": ""} for x in lists}
    res["map"][tag] = maps
    with serving(store, OUT / "logs" / f"server-{tag}.log") as server:
        map_http(server, lists[0])  # warm-up: the first request's imports and caches
        for r in range(options.repeat):
            purge_jobs(store)
            for x in lists:
                m = map_http(server, x)
                figure = maps[x.name]
                if m.error:
                    figure["error"] = m.error
                    say(f"  map {x.name}: {m.error}")
                    continue
                for phase in ("seconds", "submit", "wait", "stream"):
                    figure[phase].append(getattr(m, phase))
                figure["pairs"], figure["job"] = m.pairs, m.job_id
                say(f"  map {r + 1} {x.name}: {m.seconds:.2f} s, {m.pairs:,} pairs")
            _save(res, options)
        res["server_hwm_kb"] = {**res.get("server_hwm_kb", {}), tag: hwm_kb(server.pid)}


def _largest(res: Results) -> Results:
    """The figure-2 job of the large release with the most pairs."""
    done = [m for m in res["map"]["big"].values() if m["job"]]
    return max(done, key=lambda m: m["pairs"])


def _paged(res: Results, options: Options, say: Callable[[str], None]) -> None:
    """Figure 3: pages of 25 results, at random cursors, by concurrent clients."""
    job = _largest(res)
    paths = page_paths(job["job"], job["pairs"])
    runs = []
    with serving(Path(res["load"]["big"]["store"]), OUT / "logs" / "server-paged.log") as server:
        for r in range(options.repeat):
            result = paged_rps(server.url, paths)
            runs.append(asdict(result))
            say(f"  paged {r + 1}: {result.rps:,.0f} requests/s, {result.failures} failures")
    res["paged"] = {"job": job["job"], "pairs": job["pairs"], "runs": runs}


def _streams(res: Results, options: Options, say: Callable[[str], None]) -> None:
    """Figure 4: server RSS while streaming the largest job and one of about 100k pairs.

    Each stream runs on a fresh server, so that both start from the same baseline.
    """
    large = _largest(res)
    others = [m for m in res["map"]["big"].values() if m["job"] and m is not large]
    small = min(others, key=lambda m: abs(m["pairs"] - 100_000))
    figures: Results = {}
    store = Path(res["load"]["big"]["store"])
    for label, job in (("small", small), ("large", large)):
        runs = []
        for r in range(options.repeat):
            with serving(store, OUT / "logs" / "server-stream.log") as server:
                runs.append(asdict(stream_memory(server, job["job"])))
            say(f"  stream {label} {r + 1}: {runs[-1]['pairs']:,} pairs, "
                f"peak {runs[-1]['peak_kb'] / 1024:,.0f} MiB")
        figures[label] = {"job": job["job"], "runs": runs}
    res["stream"] = figures


def _entries(res: Results, options: Options, say: Callable[[str], None]) -> None:
    """Figure 5: each entry file loaded by the base code, then by the measured code in one
    process and on every core (:mod:`bench.entryfiles`)."""
    from bench.entryfiles import BASE, measure_entries
    from bench.measure import export_src

    base = export_src(BASE)[0]
    src = export_src(options.commit)[1] if options.commit else None
    workers = os.cpu_count() or 1
    rows = measure_entries(options.entries, options.seed, base, workers, say, src)
    res["entries"] = {"accessions": options.entries, "base": base, "workers": workers,
                      "rows": rows}


def _unique(lists: list[IdList]) -> list[IdList]:
    """The lists without repeats, in the order first given."""
    return list({x.name: x for x in lists}.values())


def _release_info(rel: BenchRelease) -> Results:
    return {"accessions": rel.accessions, "lines": rel.lines, "dat_bytes": rel.dat_bytes,
            "directory": str(rel.directory.relative_to(ROOT))}


def _project(options: Options) -> Results:
    """Which code of idmapping is measured: a commit, or the work tree as it is."""
    if options.commit:
        return {"commit": options.commit, "worktree": False}
    head = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--", "src"))
    return {"commit": head, "worktree": True, "uncommitted_changes": dirty}


def _git(*args: str) -> str:
    """A read-only git query in the repository ('' when git is not there)."""
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _load_memory() -> int:
    """The ``load_memory_mb`` setting the loads run with (the environment's, or the default)."""
    from idmapping.settings import Settings

    return Settings.load().load_memory_mb


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _save(res: Results, options: Options) -> None:
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(res, indent=1))
