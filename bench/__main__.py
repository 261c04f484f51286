"""``python -m bench``: the benchmark suite of idmapping (never part of the tests or CI).

    python -m bench run                  # 1M accessions (and 100k for growth), 3 repeats
    python -m bench run --quick          # a smoke run: 100k and 10k accessions, 1 repeat
    python -m bench run --commit HEAD    # measure a commit, exported to bench/out/src-<sha>
    python -m bench run --scale 10m      # 10M accessions (and 1M for growth), DuckDB only
    python -m bench run --postgres postgresql://127.0.0.1/test   # PostgreSQL loads as well
    python -m bench run --entries 0      # without figure 6 (entry files, 100k by default)
    python -m bench report bench/out/results-1000000.json   # write the doc again from JSON
    python -m bench profile              # py-spy: where a load and a mapping spend their time
    python -m bench jobs --before main   # jobs of 100k and 1M accessions, two trees side by side
    python -m bench entries              # entry-file load rates: base commit vs this tree
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "benchmarks.md"
SCALES = {"1m": 1_000_000, "10m": 10_000_000}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="measure everything and write the report")
    run.add_argument("--accessions", type=int, default=None,
                     help="entries of the large release (default 1,000,000; quick: 100,000)")
    run.add_argument("--scale", choices=sorted(SCALES), default=None,
                     help="the large release by name: 1m, or 10m (1M for growth, one repeat, "
                          "DuckDB the only reference: pandas would need more memory than the "
                          "machine's, the plain SQLite reference an hour)")
    run.add_argument("--references", default=None,
                     help="comma-separated references (default duckdb,pandas,sqlite)")
    run.add_argument("--postgres", default="", metavar="URL",
                     help="also load each release into a fresh database of this PostgreSQL "
                          "server (created and dropped as idmapping_bench)")
    run.add_argument("--small", type=int, default=None,
                     help="entries of the release 10x smaller (default: accessions / 10)")
    run.add_argument("--seed", type=int, default=1, help="seed of the releases (default 1)")
    run.add_argument("--repeat", type=int, default=None,
                     help="runs of each figure; the median is reported (default 3; quick: 1)")
    run.add_argument("--quick", action="store_true", help="a small, single smoke run")
    run.add_argument("--commit", default="",
                     help="measure this commit of src/ instead of the installed work tree")
    run.add_argument("--output", type=Path, default=None,
                     help="the report (default docs/benchmarks.md; quick: bench/out/)")
    run.add_argument("--entries", type=int, default=None, metavar="ACCESSIONS",
                     help="entries of the release whose entry files are loaded by the code "
                          "before issue 18 and the measured code (default 100,000; quick: "
                          "2,000; --scale 10m: 0, none)")
    profile = commands.add_parser("profile", help="py-spy profiles of a load and a mapping")
    profile.add_argument("--accessions", type=int, default=1_000_000)
    profile.add_argument("--commit", default="", help="profile this commit of src/")
    profile.add_argument("--list", default="refseq", help="the id list to map (default refseq)")
    profile.add_argument("--store", type=Path, default=None,
                         help="profile only the mapping, on this loaded store")
    from bench.jobs import parser as jobs_parser

    jobs_parser(commands)
    entries = commands.add_parser("entries", help="entry-file load rates, base vs this tree")
    entries.add_argument("--accessions", type=int, default=20_000,
                         help="entries of the generated release (default 20,000)")
    entries.add_argument("--seed", type=int, default=1)
    entries.add_argument("--base", default="main",
                         help="the commit compared with (default main)")
    entries.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                         help="parsing processes of the parallel loads (default: cores)")
    report = commands.add_parser("report", help="write the report again from saved results")
    report.add_argument("results", type=Path)
    report.add_argument("--output", type=Path, default=DOC)
    return parser


def _use_commit(rev: str) -> str:
    """Export *rev*'s ``src/`` to ``bench/out/src-<sha>`` and put it first on the path."""
    from bench.measure import export_src

    sha, exported = export_src(rev)
    src = str(exported)
    sys.path.insert(0, src)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [src, ROOT.as_posix(), *filter(None, [os.environ.get("PYTHONPATH")])])
    return sha


def _stop(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM and SIGHUP into an exit, so that servers are stopped on the way out."""
    raise SystemExit(128 + signum)


def _run(args: argparse.Namespace) -> None:
    sha = _use_commit(args.commit) if args.commit else ""
    from bench.references import TOOLS
    from bench.report import write_report
    from bench.suite import Options, run

    big = args.scale == "10m"
    accessions = args.accessions or SCALES.get(args.scale or "", 0) or (
        100_000 if args.quick else 1_000_000)
    repeat = args.repeat or (1 if args.quick or big else 3)
    references = tuple(args.references.split(",")) if args.references else (
        ("duckdb",) if big else TOOLS)
    unknown = set(references) - set(TOOLS)
    if unknown:
        raise SystemExit(f"unknown references: {', '.join(sorted(unknown))}")
    name = f"results-{accessions}{'-quick' if args.quick else ''}.json"
    options = Options(accessions=accessions, small=args.small or max(accessions // 10, 1),
                      seed=args.seed, repeat=repeat, quick=args.quick,
                      command="python -m bench " + shlex.join(sys.argv[1:]),
                      results=OUT / name, commit=sha, references=references,
                      postgres=args.postgres, entries=_entry_accessions(args, big))
    output = args.output or (OUT / "benchmarks-quick.md" if args.quick else DOC)
    results = run(options, say=lambda text: print(text, flush=True))
    write_report(results, output)
    print(f"Wrote {output} and {options.results}", flush=True)


def _entry_accessions(args: argparse.Namespace, big: bool) -> int:
    """Accessions of the entry-file step: as asked, else by the run's kind."""
    if args.entries is not None:
        return int(args.entries)
    return 2_000 if args.quick else 0 if big else 100_000


def _profile(args: argparse.Namespace) -> None:
    if args.commit:
        _use_commit(args.commit)
    from bench.profile import hotspots, profile_load, profile_map

    if args.store is None:
        print(hotspots(profile_load(args.accessions)), flush=True)
    print(hotspots(profile_map(args.accessions, key=args.list, store=args.store)), flush=True)


def _entries(args: argparse.Namespace) -> None:
    from bench.entryfiles import entries_table, measure_entries
    from bench.measure import machine

    rows = measure_entries(args.accessions, args.seed, args.base, args.workers,
                           say=lambda text: print(text, flush=True))
    OUT.mkdir(parents=True, exist_ok=True)
    results = OUT / f"entries-{args.accessions}.json"
    results.write_text(json.dumps({"command": "python -m bench " + shlex.join(sys.argv[1:]),
                                   "machine": machine(), "rows": rows}, indent=1))
    print(entries_table(rows, args.workers))
    print(f"Wrote {results}", flush=True)


def main(argv: list[str] | None = None) -> None:
    """The command line."""
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    if args.command == "run":
        _run(args)
    elif args.command == "profile":
        _profile(args)
    elif args.command == "jobs":
        from bench.jobs import run as run_jobs

        run_jobs(args)
    elif args.command == "entries":
        _entries(args)
    else:
        from bench.report import write_report

        write_report(json.loads(args.results.read_text()), args.output)
        print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
