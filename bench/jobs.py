"""Jobs of many ids over HTTP (issue 18): end-to-end time and server memory, two source trees
side by side in one run.

    python -m bench jobs [--accessions N] [--ids 100000,1000000] [--list KEY] [--repeat 3]
        [--before REV] [--after REV] [--store sqlite|postgresql://URL] [--out DIR]

A job maps UniProtKB accessions drawn from the release (``UniProtKB_AC-ID`` to ``UniProtKB``),
or with ``--list KEY`` the ids of another of the suite's lists (``bench/idlists.py``: ``refseq``
is its 100,000 RefSeq protein ids), through the same client path as figure 2 of the suite
(:func:`bench.project.map_http`: submit, poll the status, stream tsv). The release
(``bench/release.py``) is loaded once, with the work tree's code, into a store that both trees
then serve. Each repeat runs, for each tree in turn (interleaved, so that a busy moment slows
both alike), a freshly started server with that tree's ``src`` first on ``PYTHONPATH``, its
stored jobs purged, which maps 1,000 accessions untimed (as figure 2 warms up), then each list
once, smallest first; the server's peak RSS (``VmHWM``) is read after each list. *before*
defaults to ``main``; *after* to the work tree as it is. The server process's processor time
over each list (``/proc``: its threads, the polls and the stream included; not PostgreSQL's) is
read too: on a busy machine it varies less than the wall-clock time. Results are printed as a
table with the ratios after ÷ before, and saved to ``bench/out/jobs-<accessions>-<store>.json``
(``-<KEY>`` added for another list). ``--out DIR`` takes the release from *DIR*
(``DIR/release-<accessions>-s<seed>``, generated there by ``bench/release.py`` unless it is
complete), linked into ``bench/out``, where its id lists and stores are written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.idlists import ACCESSIONS, SPECS, ListSpec, id_list
from bench.measure import cpu_seconds, export_src, hwm_kb, load_average, machine, median
from bench.project import load, map_http, purge_jobs
from bench.release import OUT, BenchRelease, release
from bench.server import serving

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent



def _release(accessions: int, seed: int, out: Path | None) -> BenchRelease:
    """The release of *accessions* and *seed*; from the folder *out* when given, its files
    linked into ``bench/out`` (so that nothing but the release is written into *out*)."""
    if out is None or out.resolve() == OUT.resolve():
        return release(accessions, seed)
    given = release(accessions, seed, out=out)
    local = OUT / given.directory.name
    if not (local / "complete").exists():
        local.mkdir(parents=True, exist_ok=True)
        for path in sorted(given.directory.iterdir(), key=lambda p: p.name == "complete"):
            link = local / path.name  # the marker last: a half-linked folder is not complete
            if not link.exists():
                link.symlink_to(path.resolve())
    return release(accessions, seed)


def _store(rel: BenchRelease, url: str) -> str:
    """The store holding the release: a SQLite file loaded once (re-used), or *url*."""
    accessions, seed = rel.accessions, rel.seed
    if url != "sqlite":
        _load_postgres(rel.dat, url)
        return url
    folder = OUT / "stores" / f"jobs-{accessions}-s{seed}"
    done = folder / "loaded"
    if not done.exists():
        loaded = load(rel.dat, folder)
        done.write_text(f"{loaded.seconds:.1f} s\n")
    return str(folder / "store.sqlite")


def _load_postgres(dat: Path, url: str) -> None:
    """Load *dat* into the PostgreSQL store *url* unless its current release is that file's."""
    from idmapping.store import open_store

    marker = OUT / "stores" / f"jobs-postgres-{url.rsplit('/', 1)[-1]}-loaded"  # per database
    if marker.exists() and marker.read_text() == f"{url} {dat}\n":
        with open_store(url) as store:  # the database may have been dropped since
            if store.current_release() is not None:
                return
    subprocess.run([sys.executable, "-m", "idmapping", "load", "--store", url, "-q", str(dat)],
                   check=True)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{url} {dat}\n")


def _purge(store: str, src: Path) -> None:
    if store.startswith("postgresql"):
        _default_compression(store)
        subprocess.run([sys.executable, "-m", "idmapping", "jobs", "purge", "--all", "--store",
                        store], check=True, capture_output=True, env=_env(src))
    else:
        purge_jobs(Path(store))


def _default_compression(url: str) -> None:
    """Set the columns a tree may compress with lz4 (issue 18) back to the server's default,
    before each tree's server opens the store: a tree that sets them (as it opens a store)
    would otherwise leave them so for the tree measured after it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("jobs", "job_result_runs"):
            row = conn.execute("SELECT to_regclass(%s)", (f"idmapping.{table}",)).fetchone()
            if row and row[0]:
                conn.execute(f"ALTER TABLE idmapping.{table} ALTER COLUMN ids "
                             "SET COMPRESSION DEFAULT")


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}


@contextlib.contextmanager
def _server(store: str, src: Path, name: str) -> Iterator[Any]:
    log = OUT / "logs" / f"server-jobs-{name}.log"
    with serving(store, log, env={"PYTHONPATH": _env(src)["PYTHONPATH"]}) as server:
        yield server


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure; return (and save) the results."""
    trees: dict[str, tuple[str, Path]] = {"before": export_src(args.before)}
    trees["after"] = export_src(args.after) if args.after else ("work tree", ROOT / "src")
    rel = _release(args.accessions, args.seed, args.out)
    sizes = [int(n) for n in args.ids.split(",")]
    spec = next((s for s in SPECS if s.key == args.list), None)
    if spec is None:
        raise SystemExit(f"no list {args.list!r} in bench/idlists.py: "
                         f"{', '.join(s.key for s in SPECS)}")
    lists = list({x.name: x for x in (id_list(rel, spec.sized(n)) for n in sizes)}.values())
    warm = id_list(rel, ListSpec("warm", "UniProtKB_AC-ID", "UniProtKB", ACCESSIONS, 1_000))
    store = _store(rel, args.store)
    res: dict[str, Any] = {
        "command": "python -m bench jobs " + shlex.join(sys.argv[2:] if sys.argv[1:2] == ["jobs"]
                                                       else sys.argv[1:]),
        "machine": machine(), "load_average": {"start": load_average()},
        "trees": {k: v[0] for k, v in trees.items()}, "store": args.store.split(":")[0],
        "accessions": args.accessions, "list": args.list,
        "figures": {name: {x.name: {"seconds": [], "submit": [], "wait": [], "stream": [],
                                    "cpu": [], "hwm_kb": [], "pairs": 0} for x in lists}
                    for name in trees},
    }
    kind = "" if args.list == "accessions" else f"-{args.list}"
    out = OUT / f"jobs-{args.accessions}-{res['store']}{kind}.json"
    for r in range(args.repeat):
        for name, (_, src) in trees.items():
            _purge(store, src)
            with _server(store, src, name) as server:
                map_http(server, warm)  # the first request's imports and caches, as figure 2
                for x in lists:
                    cpu = cpu_seconds(server.pid)
                    m = map_http(server, x)
                    cpu = cpu_seconds(server.pid) - cpu
                    if m.error:
                        raise RuntimeError(f"{name} {x.name}: {m.error}")
                    fig = res["figures"][name][x.name]
                    for phase in ("seconds", "submit", "wait", "stream"):
                        fig[phase].append(round(getattr(m, phase), 4))
                    fig["cpu"].append(round(cpu, 3))
                    fig["hwm_kb"].append(hwm_kb(server.pid))
                    fig["pairs"] = m.pairs
                    print(f"{r + 1} {name:6} {x.name}: {m.seconds:.2f} s (submit {m.submit:.2f}"
                          f", wait {m.wait:.2f}, stream {m.stream:.2f}), server CPU {cpu:.2f} s, "
                          f"{m.pairs:,} pairs, "
                          f"peak RSS {fig['hwm_kb'][-1] / 1024:,.0f} MiB", flush=True)
        out.write_text(json.dumps(res, indent=1))
    res["load_average"]["end"] = load_average()
    out.write_text(json.dumps(res, indent=1))
    print(table(res))
    return res


def table(res: dict[str, Any]) -> str:
    """The medians of both trees and their ratios, as a Markdown table."""
    before, after = res["figures"]["before"], res["figures"]["after"]
    lines = ["| ids | pairs | before: end to end (submit / wait / stream) | after | "
             "after ÷ before | server CPU before | after | after ÷ before | peak RSS before | "
             "after |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, b in before.items():
        a = after[name]

        def phases(f: dict[str, Any]) -> str:
            return (f"{median(f['seconds']):.2f} s ({median(f['submit']):.2f} / "
                    f"{median(f['wait']):.2f} / {median(f['stream']):.2f})")

        lines.append(f"| {name.rsplit('-', 1)[1]} | {a['pairs']:,} | {phases(b)} | {phases(a)} | "
                     f"{median(a['seconds']) / median(b['seconds']):.2f}× | "
                     f"{median(b['cpu']):.2f} s | {median(a['cpu']):.2f} s | "
                     f"{median(a['cpu']) / max(median(b['cpu']), 1e-9):.2f}× | "
                     f"{max(b['hwm_kb']) / 1024:,.0f} MiB | {max(a['hwm_kb']) / 1024:,.0f} MiB |")
    return "\n".join(lines)


def parser(commands: Any = None) -> argparse.ArgumentParser:
    """The arguments (a sub-command of ``python -m bench`` when *commands* is given)."""
    helptext = "jobs of many accessions over HTTP, two source trees side by side"
    p = (commands.add_parser("jobs", help=helptext, description=helptext) if commands
         else argparse.ArgumentParser(prog="python -m bench.jobs", description=helptext))
    p.add_argument("--accessions", type=int, default=1_000_000,
                   help="entries of the release (default 1,000,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ids", default="100000,1000000",
                   help="sizes of the lists, comma-separated (capped by the release)")
    p.add_argument("--list", default="accessions",
                   help="the suite's list whose ids are mapped (default accessions; refseq...)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--before", default="main", help="the commit measured first (default main)")
    p.add_argument("--after", default="", help="the commit measured second (default: the "
                                               "work tree)")
    p.add_argument("--store", default="sqlite", help="sqlite, or a PostgreSQL URL to load into")
    p.add_argument("--out", type=Path, default=None,
                   help="take the release from this folder (default: bench/out)")
    return p


def main(argv: list[str] | None = None) -> None:
    run(parser().parse_args(argv))


if __name__ == "__main__":
    main()
