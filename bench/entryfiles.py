"""Entry-file load rates (issue 18): each entry format loaded alone, by a base commit's code and
by this tree's, in one parsing process and on every core, side by side in one run.

    python -m bench entries [--accessions 20000] [--seed 1] [--base REV] [--workers N]

The files are those of a generated release (``bench/release.py``): ``uniprot_trembl.dat.gz``
(flat file), ``uniref100.xml.gz``, ``uniparc_all.xml.gz``, and ``uniprot.xml.gz``, the
UniProtKB XML of the release's Swiss-Prot and TrEMBL entries (written once from the flat
files by :func:`idmapping.uniprot.writers.xmlwriter.xml_entry`). Each load is
``idmapping load -q FILE`` in its own process into a fresh SQLite store; the rate is MB of
decompressed text a second. The base code ignores ``IDMAPPING_LOAD_WORKERS``. Figures of one
run each, in the order base, serial, parallel per file, with the machine's load average after
each (the 2-core machine is shared).

CPU time is that of the loading process and the children it waited for (``wait4``): in a
parallel load the workers are children of multiprocessing's fork server, not of the loading
process, so there it is the loading process's own share (reading, decompressing, cutting,
storing), the part that parallel parsing cannot spread over the cores.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import export_src, load_average, run_timed
from bench.release import release

__all__ = ["FILES", "BASE", "TARGET", "entry_files", "measure_entries", "entries_table",
           "entries_section", "entries_target"]

BASE = "2b34f178db1d"
"""The last commit before issue 18's entry-file work: its serial load is the issue's "today's
rate", which the loads on every core are to reach ten times of."""

TARGET = 10.0
"""Issue 18: entry files at least this many times the base's rate, per machine (wall time)."""

FILES = (("UniProtKB flat file", "uniprot_trembl.dat.gz"), ("UniProtKB XML", "uniprot.xml.gz"),
         ("UniRef XML", "uniref100.xml.gz"), ("UniParc XML", "uniparc_all.xml.gz"))


def _uniprot_xml(directory: Path) -> Path:
    """``uniprot.xml.gz``: the UniProtKB XML of the release's flat-file entries."""
    from idmapping.uniprot.readers.flatfile import read_flatfile
    from idmapping.uniprot.writers.xmlwriter import NAMESPACE, xml_entry

    target = directory / "uniprot.xml.gz"
    if target.exists():
        return target
    partial = target.with_suffix(".part")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<uniprot xmlns="{NAMESPACE}">\n')
        for name in ("uniprot_sprot.dat.gz", "uniprot_trembl.dat.gz"):
            with gzip.open(directory / name, "rb") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8")
                for entry in read_flatfile(text, name):
                    out.write(xml_entry(entry.json) + "\n")
        out.write("</uniprot>\n")
    partial.rename(target)
    return target


def entry_files(accessions: int, seed: int) -> dict[str, Path]:
    """The entry files measured, by format label."""
    directory = release(accessions, seed, entry_files=True).directory
    _uniprot_xml(directory)
    return {label: directory / name for label, name in FILES}


def _text_mb(path: Path) -> float:
    size = 0
    with gzip.open(path, "rb") as raw:
        while block := raw.read(1 << 20):
            size += len(block)
    return size / 1e6



def _load(src: Path, path: Path, workers: int) -> tuple[float, float]:
    """Wall and CPU seconds (with its workers') of ``idmapping load`` of *path* alone, with
    the code of *src*."""
    env = dict(os.environ, PYTHONPATH=str(src), IDMAPPING_LOAD_WORKERS=str(workers))
    with tempfile.TemporaryDirectory(prefix="idmapping-entries-") as folder:
        timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store",
                           str(Path(folder) / "store.sqlite"), "-q", str(path)], env=env)
    return timed.seconds, timed.cpu_seconds


def measure_entries(accessions: int, seed: int, base: str, workers: int,
                    say: Callable[[str], None], src: Path | None = None
                    ) -> list[dict[str, Any]]:
    """Load each entry file with the base code, the measured code in one process, and the
    measured code with *workers* processes; one row of figures per file.

    :param src: the measured code's ``src`` folder (default: this work tree's).
    """
    here = src or Path(__file__).resolve().parent.parent / "src"
    before = export_src(base)[1]
    rows = []
    for label, path in entry_files(accessions, seed).items():
        mb = _text_mb(path)
        row: dict[str, Any] = {"format": label, "file": path.name, "text_mb": round(mb, 1)}
        for name, src, count in (("base", before, 1), ("serial", here, 1),
                                 ("parallel", here, workers)):
            seconds, cpu = _load(src, path, count)
            load = load_average()[0]
            row[name] = {"seconds": round(seconds, 1), "mb_s": round(mb / seconds, 2),
                         "cpu": round(cpu, 1), "mb_cpu_s": round(mb / cpu, 2), "load": load}
            say(f"{label} {name}: {seconds:.1f} s, {mb / seconds:.2f} MB/s, CPU {cpu:.1f} s "
                f"({mb / cpu:.2f} MB a CPU-second), load average {load:.1f}")
        rows.append(row)
    return rows


def entries_table(rows: list[dict[str, Any]], workers: int) -> str:
    """The Markdown table of :func:`measure_entries`' rows: wall time and rate, CPU time
    and rate per CPU-second, and the machine's load average after each load."""
    lines = [f"| format | text | base | this tree, 1 process | this tree, {workers} processes "
             "| per CPU-second, 1 process / base | wall, parallel / base |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        base, serial, parallel = row["base"], row["serial"], row["parallel"]
        cells = [f"{x['seconds']} s, {x['mb_s']} MB/s; CPU {x['cpu']} s, {x['mb_cpu_s']} "
                 f"MB/CPU-s (load {x['load']})" for x in (base, serial, parallel)]
        lines.append(f"| {row['format']} (`{row['file']}`) | {row['text_mb']} MB | "
                     + " | ".join(cells)
                     + f" | {serial['mb_cpu_s'] / base['mb_cpu_s']:.2f}× "
                       f"| {parallel['mb_s'] / base['mb_s']:.2f}× |")
    return "\n".join(lines)


def entries_target(rows: list[dict[str, Any]]) -> tuple[float, str]:
    """The slowest format's gain per machine (its load on every core against the base's
    serial load, wall time) and a cell naming each format's."""
    gains = {row["format"]: row["parallel"]["mb_s"] / row["base"]["mb_s"] for row in rows}
    cell = ", ".join(f"{name} {gain:.2f}×" for name, gain in gains.items())
    return min(gains.values()), cell


def entries_section(figures: dict[str, Any]) -> str:
    """The report's section of the suite's entry-file step (``bench.suite``)."""
    rows, workers = figures["rows"], figures["workers"]
    return f"""## 6. Entry files

Each entry file of a generated release of {figures['accessions']:,} accessions, loaded alone
by `idmapping load -q FILE` into a fresh SQLite store, by the code before issue 18's entry-file
work (`{figures['base'][:12]}`, one process: the issue's "today's rate"), by the measured code
in one process (`IDMAPPING_LOAD_WORKERS=1`), and by the measured code on {workers} processes,
one after the other. MB are of decompressed text; start-up, the release's commit and indexes
are included. CPU is the loading process's with the children it waited for: the workers of a
parallel load are the fork server's children, so there it is the loading process's own share.
The target compares the parallel load's wall time with the base's.

{entries_table(rows, workers)}"""
