"""The loading process's threads (issue 18): an entry file decompressed by a thread of its
own, and the workers' chunks stored by another while the next are read; failures in either
stop the load with the file's name and leave the current release."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pytest

from idmapping.errors import ReleaseFileError
from idmapping.loader import demo_dir, load_release
from idmapping.loader.entries import Prepared
from idmapping.loader.pipeline import StoringThread, decompressed
from idmapping.store import Store


class _Builder:
    """A release builder that records the entries it is given, or fails at one."""

    def __init__(self, fail_at: str | None = None) -> None:
        self.fail_at = fail_at
        self.entries: list[str] = []
        self.documents: list[Any] = []

    def set_entry(self, accession: str, *_: Any) -> None:
        if accession == self.fail_at:
            raise RuntimeError(f"cannot store {accession}")
        self.entries.append(accession)

    def add_documents(self, kind: str, rows: list[Any]) -> None:
        self.documents += rows

    def add_mappings(self, rows: list[Any]) -> None:
        pass


def _chunk(*accessions: str) -> Prepared:
    return Prepared("uniprotkb", documents=[(a,) for a in accessions],
                    entries=[(a, None, None, None) for a in accessions])


def test_chunks_are_stored_in_order_and_counted() -> None:
    builder, counts = _Builder(), []
    with StoringThread(builder, counts.append) as storing:  # type: ignore[arg-type]
        for n in range(10):
            storing.put(_chunk(f"P{n}a", f"P{n}b"))
    assert builder.entries == [f"P{n}{x}" for n in range(10) for x in "ab"]
    assert counts == [2] * 10


def test_a_failure_while_storing_reaches_the_main_thread() -> None:
    builder = _Builder(fail_at="P3a")
    with pytest.raises(RuntimeError, match="cannot store P3a"):  # noqa: PT012
        with StoringThread(builder, lambda n: None) as storing:  # type: ignore[arg-type]
            for n in range(20):  # puts after the failure neither block nor store
                storing.put(_chunk(f"P{n}a"))
    assert builder.entries == ["P0a", "P1a", "P2a"]


def test_leaving_on_an_error_stops_the_storing_thread() -> None:
    builder = _Builder()
    with pytest.raises(ValueError, match="parsing"):  # noqa: PT012
        with StoringThread(builder, lambda n: None) as storing:  # type: ignore[arg-type]
            storing.put(_chunk("P1"))
            raise ValueError("parsing failed")
    assert builder.entries == ["P1"]  # what was put before the error was stored, no more


def test_decompressed_reads_a_gzip_file_and_passes_others() -> None:
    text = (demo_dir() / "uniprot_sprot.dat.gz").read_bytes()
    with decompressed(io.BytesIO(text), True) as stream:
        assert stream.read() == gzip.decompress(text)
    with decompressed(io.BytesIO(b"ID   A\n//\n"), False) as stream:
        assert stream.read() == b"ID   A\n//\n"


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_a_damaged_gzip_entry_file_stops_the_load(store: Store, tmp_path: Path,
                                                   damage: str) -> None:
    first = load_release([demo_dir() / "sec_ac.txt", demo_dir() / "reldate.txt"], store)
    data = (demo_dir() / "uniprot_sprot.dat.gz").read_bytes()
    half = len(data) // 2
    damaged = data[:half] if damage == "truncated" else \
        data[:half] + bytes(b ^ 0x5A for b in data[half:half + 64]) + data[half + 64:]
    path = tmp_path / "uniprot_sprot.dat.gz"
    path.write_bytes(damaged)
    with pytest.raises(ReleaseFileError, match=r"uniprot_sprot\.dat\.gz"):
        load_release([path], store)
    assert store.current_release() == first
