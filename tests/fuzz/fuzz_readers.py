"""Fuzz the release-file readers and the format sniffer with atheris (libFuzzer for Python).

The seeds are UniProt's real sample files in ../shared/testdata, read in place (never copied
into the project), and the project's own tiny release files in tests/data. Run it by hand::

    python tests/fuzz/fuzz_readers.py -max_total_time=600 WORKDIR

(WORKDIR: a writable directory where libFuzzer keeps the inputs it finds interesting; the
seeds are added with ``-seed_inputs``, see :func:`seed_files`.) tests/test_reliability_fuzz.py
runs it for a bounded time in CI and for longer with ``IDMAPPING_RELIABILITY=full``.

An input may make a reader raise what the loader turns into a clear error (``ReleaseFileError``
naming the file and line, and the I/O, decoding and decompression errors ``load_release``
reports as such). Anything else is a crash: libFuzzer stops and saves the input. Defects known
and reported (each with a failing ``xfail`` test in tests/test_reliability_fuzz.py) are counted
and printed instead, so that the fuzzer goes on looking for new ones.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import atheris
except ImportError:  # the same target also runs under hypothesis (tests/test_reliability_fuzz.py)
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["idmapping.loader.readers",
                                             "idmapping.loader.sniff"]):
        from idmapping.loader import readers
        from idmapping.loader.sniff import open_text, sniff
else:
    from idmapping.loader import readers
    from idmapping.loader.sniff import open_text, sniff

from idmapping.errors import ReleaseFileError

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT.parent / "shared" / "testdata"

EXPECTED: tuple[type[BaseException], ...] = (ReleaseFileError, UnicodeDecodeError, OSError,
                                             EOFError)
"""What ``load_release`` reports as a clear error about the file."""

KNOWN: dict[str, Callable[[BaseException], bool]] = {
    # Found by this fuzzer, reported, and fixed in the loader since (each has its test in
    # tests/test_reliability_fuzz.py): zlib.error out of sniff._head and _Load.run for corrupt
    # gzip data, and ValueError out of read_release_name for "Release: 32-Jan-2026".
    # A defect found and reported but not fixed yet goes here, by a predicate on the error.
}
"""Defects found by this fuzzer and reported; counted, not crashed on."""

FOUND: Counter[str] = Counter()
_TEXT_READERS: list[Callable[[Any, str], Iterator[Any]]] = [
    readers.read_idmapping, readers.read_selected, readers.read_sec_ac, readers.read_delac]
# Where each input is written as a file for the sniffer: FUZZ_SCRATCH if set (libFuzzer ends
# the process without running atexit), else a fresh directory in memory, removed at exit.
if os.environ.get("FUZZ_SCRATCH"):
    _SCRATCH = Path(os.environ["FUZZ_SCRATCH"])
    _SCRATCH.mkdir(parents=True, exist_ok=True)
else:
    _SCRATCH = Path(tempfile.mkdtemp(prefix="idmapping-fuzz-", dir="/dev/shm"
                                     if os.path.isdir("/dev/shm") else None))
    atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)


def seed_files() -> list[Path]:
    """The seed inputs: real release-file samples (in place) and the project's test files."""
    samples = [
        TESTDATA / "mpreusse__uniprotlib" / "tests" / "files" / "idmapping.dat",
        TESTDATA / "jmillanacosta__pysec2pri" / "tests" / "data" / "mock_sec_ac.txt",
        TESTDATA / "jmillanacosta__pysec2pri" / "tests" / "data" / "mock_delac_sp.txt",
        TESTDATA / "wwood__ApiLocServer" / "lib" / "testFiles" /
        "idmapping_selected.tab.example.gz",
    ]
    own = sorted((ROOT / "tests" / "data").glob("*/*.*")) + [ROOT / "tests" / "data" / "tiny.dat"]
    return [p for p in samples + own if p.is_file()]


def _drain(rows: Iterator[Any], limit: int = 100_000) -> None:
    for n, _ in enumerate(rows):
        if n >= limit:
            return


def _as_file(data: bytes) -> None:
    """The loader's path: sniff a file, then read it with its format's reader."""
    path = _SCRATCH / "input"
    path.write_bytes(data)
    file = sniff(path)
    readers.read_release_name(file.head)
    reader = {"idmapping": readers.read_idmapping, "selected": readers.read_selected,
              "sec_ac": readers.read_sec_ac, "delac": readers.read_delac}.get(file.format)
    if reader is None:
        return
    with open(path, "rb") as raw:
        _drain(reader(open_text(file, raw), str(path)))


def _as_text(data: bytes) -> None:
    """Each reader straight on text, and the header's release name."""
    text = data[1:].decode("utf-8", errors="replace")
    _drain(_TEXT_READERS[data[0] % len(_TEXT_READERS)](io.StringIO(text, newline=""), "fuzz"))
    readers.read_release_name(text[:16384])


def one_input(data: bytes) -> None:
    """One fuzz case: the first byte picks the file path or a reader on text."""
    if not data:
        return
    try:
        if data[0] % 2:
            _as_file(data[1:])
        else:
            _as_text(data)
    except EXPECTED:
        return
    except Exception as exc:
        for name, matches in KNOWN.items():
            if matches(exc):
                FOUND[name] += 1
                if FOUND[name].bit_count() == 1:  # 1, 2, 4, 8...: a trace, not a flood
                    print(f"KNOWN {FOUND[name]} {name}", file=sys.stderr, flush=True)
                return
        raise


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris")
    seeds = ",".join(str(p) for p in seed_files())
    argv = [sys.argv[0], f"-seed_inputs={seeds}", "-max_len=65536", *sys.argv[1:]]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
