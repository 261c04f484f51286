"""The seeded release a benchmark runs on: generated once, then re-used from ``bench/out/``.

A release is cached by size and seed (``bench/out/release-1000000-s1/``); a folder is only
re-used when its ``complete`` marker exists, so an interrupted generation is redone. Only the
mapping files are generated (every load and mapping figure reads idmapping.dat alone); the entry
files, two thirds of the generation's time, are added the first time a benchmark asks for them
(their own ``entries-complete`` marker).
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass
from pathlib import Path

from idmapping.demo.entries import write_entry_files
from idmapping.demo.generator import generate

__all__ = ["OUT", "BenchRelease", "release"]

OUT = Path(__file__).resolve().parent / "out"
"""Everything the suite writes besides the report (git-ignored)."""

_MARKER = "complete"
_ENTRIES_MARKER = "entries-complete"


@dataclass(frozen=True)
class BenchRelease:
    """A generated release and its size.

    :param accessions: UniProtKB entries generated.
    :param lines: lines of idmapping.dat.
    :param dat_bytes: bytes of idmapping.dat.gz on disk.
    :param generated_seconds: time to generate it (0.0 when it was re-used).
    """

    directory: Path
    accessions: int
    seed: int
    lines: int
    dat_bytes: int
    generated_seconds: float

    @property
    def dat(self) -> Path:
        """The idmapping.dat.gz file, the input of every load figure."""
        return self.directory / "idmapping.dat.gz"


def release(accessions: int, seed: int = 1, out: Path = OUT,
            entry_files: bool = False) -> BenchRelease:
    """The release of *accessions* entries and *seed*, generated unless cached.

    :param out: the cache folder.
    :param entry_files: the entry files too (flat files, UniRef and UniParc XML).
    """
    directory = out / f"release-{accessions}-s{seed}"
    marker = directory / _MARKER
    seconds = 0.0
    if not marker.exists():
        started = time.perf_counter()
        generate(directory, accessions=accessions, seed=seed, entry_files=False)
        seconds = time.perf_counter() - started
        lines = _count_lines(directory / "idmapping.dat.gz")
        marker.write_text(f"{lines}\n")
    lines = int(marker.read_text().split()[0])
    dat = directory / "idmapping.dat.gz"
    if entry_files and not (directory / _ENTRIES_MARKER).exists():
        started = time.perf_counter()
        write_entry_files(directory, dat)
        seconds += time.perf_counter() - started
        (directory / _ENTRIES_MARKER).write_text("")
    return BenchRelease(directory, accessions, seed, lines, dat.stat().st_size, seconds)


def _count_lines(path: Path) -> int:
    """Lines of a gzip file, read in 1 MiB blocks."""
    count = 0
    with gzip.open(path, "rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
    return count
