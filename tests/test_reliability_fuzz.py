"""Fuzzing the release-file readers and the sniffer (tests/fuzz/fuzz_readers.py).

atheris runs the harness for a bounded time in CI (20 s) and for ten minutes in the full run
(``IDMAPPING_RELIABILITY=full``); where atheris cannot be installed, hypothesis drives the same
target from the same seeds. The defects the fuzzer found are below, each with its test.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idmapping.errors import ReleaseFileError
from idmapping.loader import load_release
from idmapping.loader.readers import read_release_name
from reliability import record, scale
from stores import fresh_store

HARNESS = Path(__file__).parent / "fuzz" / "fuzz_readers.py"


@functools.cache
def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fuzz_readers", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.timeout(scale(300, 1800))
def test_atheris_on_the_readers(tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris is not installed: the hypothesis run below "
                                          "covers the same target")
    seconds = scale(20, 600)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # the harness writes each input to a file: in memory where it can
    scratch = tempfile.mkdtemp(prefix="idmapping-fuzz-",
                               dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        done = subprocess.run(
            [sys.executable, str(HARNESS), f"-max_total_time={seconds}", "-seed=20261123",
             "-print_final_stats=1", str(corpus)],
            capture_output=True, text=True, timeout=seconds + 120,
            env={**os.environ, "FUZZ_SCRATCH": scratch})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = int(re.findall(r"Done (\d+) runs", done.stderr)[-1])
    known: dict[str, int] = {}
    for count, name in re.findall(r"KNOWN (\d+) (.+)", done.stderr):
        known[name] = max(known.get(name, 0), int(count))
    assert runs > 1000
    record("fuzz_atheris", seconds=seconds, runs=runs, crashes=0,
           known_defects_hit_at_least=known,
           corpus_inputs=len(list(corpus.iterdir())))


@settings(max_examples=scale(300, 3000), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_hypothesis_on_the_readers(data: st.DataObject) -> None:
    harness = _harness()
    seeds = [p.read_bytes() for p in harness.seed_files()]
    seed = data.draw(st.sampled_from(seeds))
    cut = data.draw(st.integers(0, len(seed)))
    flip = data.draw(st.binary(max_size=40))
    mode = data.draw(st.integers(0, 255))
    harness.one_input(bytes([mode]) + seed[:cut] + flip + seed[cut + len(flip):])


# ---------------------------------------------------------------------------------------------
# What the fuzzer found (in the loader, since fixed by its owner): corrupt gzip data is now a
# ReleaseFileError naming the file, which the command line shows in one line, and a header
# date that does not exist no longer stops the load. Each test fails on any other outcome.


def _corrupt_gzip() -> bytes:
    """A valid gzip header, then a deflate block of an invalid type."""
    data = bytearray(gzip.compress(b"Q6GZX4\tGI\t49237298\n" * 2000))
    data[10] = 0xFF
    return bytes(data)


def test_corrupt_gzip_is_a_release_file_error(tmp_path: Path) -> None:
    """Found by atheris: zlib.error escaped from sniff._head and _Load.run."""
    path = tmp_path / "idmapping.dat.gz"
    path.write_bytes(_corrupt_gzip())
    with fresh_store("sqlite", tmp_path) as store:
        with pytest.raises(ReleaseFileError, match=re.escape(str(path))):
            load_release([path], store)
        assert store.releases() == []


def test_impossible_release_date_is_handled(tmp_path: Path) -> None:
    """Found by atheris: strptime's ValueError escaped from read_release_name. A date that
    does not exist names no release; the file loads."""
    path = tmp_path / "delac_sp.txt"
    path.write_text("Accession numbers deleted from UniProtKB/Swiss-Prot\nRelease: 32-Jan-2026\n"
                    "\nAccession number\n________________\nA0AV18\n")
    assert read_release_name(path.read_text()) is None  # a date that is none names nothing
    with fresh_store("sqlite", tmp_path) as store:
        release = load_release([path], store)  # any error here fails the test
        assert release.state == "ready"
        assert release.stats["rows"] == 1  # the file's one deleted accession
