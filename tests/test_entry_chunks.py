"""Entry files parsed on every core (idmapping.loader.chunks): files cut at record boundaries,
chunks parsed by worker processes, stored in order. A parallel load stores what a serial one
does, on both stores and for the demo and the foreign releases, and a bad record in a worker's
chunk is reported with the file and the line of the file."""

from __future__ import annotations

import gzip
import io
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

import idmapping.loader as loader
import idmapping.loader.chunks as chunks
from idmapping.errors import ReleaseFileError
from idmapping.loader import demo_dir, load_release
from idmapping.loader.chunks import Chunk, parse_chunk, split
from idmapping.loader.sniff import sniff
from idmapping.store import Store
from idmapping.uniprot.readers.clusters import read_uniparc_xml, read_uniref_xml
from idmapping.uniprot.readers.flatfile import read_flatfile
from idmapping.uniprot.summary import unpack, unpack_text
from releases import KINDS, release_files
from stores import BACKENDS, fresh_store

SMALL = 16 << 10
"""Chunks this small cut even the test releases' entry files into many."""

DEMO_FILES = ("uniprot_sprot.dat.gz", "uniref50.xml.gz", "uniparc_all.xml.gz")

_KINDS = {"uniprotkb_flat": "uniprotkb", "uniref_xml": "uniref", "uniparc_xml": "uniparc"}


def _entry_files(kind: str, directory: Path) -> list[Path]:
    """The entry files of release *kind*: the demo's own, or written from the foreign
    release's idmapping.dat (:func:`idmapping.demo.entries.write_entry_files`)."""
    if kind == "demo":  # one file of each format (the others are larger files of the same)
        return [demo_dir() / name for name in DEMO_FILES]
    from idmapping.demo.entries import write_entry_files

    [dat] = [p for p in release_files(kind, directory) if sniff(p).format == "idmapping"]
    packed = directory / "entries" / "idmapping.dat.gz"
    packed.parent.mkdir()
    with open(dat, "rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    return [p for p in write_entry_files(packed.parent, packed) if p.stat().st_size > 100
            and sniff(p).format in _KINDS]


def _ids(files: list[Path]) -> dict[str, list[str]]:
    """The ids of the entries in *files*, by document kind, read back from the files."""
    found: dict[str, list[str]] = {k: [] for k in _KINDS.values()}
    for path in files:
        fmt = sniff(path).format
        with gzip.open(path, "rb") as raw:
            if fmt == "uniprotkb_flat":
                text = io.TextIOWrapper(raw, encoding="utf-8")
                found["uniprotkb"] += [e.json["primaryAccession"]
                                       for e in read_flatfile(text, str(path))]
            elif fmt == "uniref_xml":
                found["uniref"] += [e["id"] for e, _ in read_uniref_xml(raw, str(path))]
            else:
                found["uniparc"] += [e["uniParcId"] for e, _ in read_uniparc_xml(raw, str(path))]
    return found


def _contents(store: Store, ids: dict[str, list[str]]) -> dict[str, Any]:
    """What a load stored: row counts, every document (JSON and flat text) and what each
    accession's entry states."""
    release = store.current_release()
    assert release is not None
    documents = {}
    for kind, keys in ids.items():
        stored = store.documents(kind, keys, flat=kind == "uniprotkb")
        documents[kind] = {key: (unpack(doc), unpack_text(text) if text else None)
                           for key, (doc, text) in stored.items()}
    return {"counts": store.release_counts(release), "documents": documents,
            "facts": store.entry_facts(ids["uniprotkb"])}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_parallel_load_stores_what_a_serial_load_stores(
        kind: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _entry_files(kind, tmp_path)
    ids = _ids(files)
    assert all(ids.values()), ids.keys()
    # serial: each file one chunk (the default size), parsed in this process
    with fresh_store(backend, tmp_path / "serial") as store:
        load_release(files, store, workers=1)
        serial = _contents(store, ids)
    # parallel: small chunks, two worker processes
    started: list[int] = []

    class Pool(chunks.ProcessPoolExecutor):
        def __init__(self, workers: int, **kwargs: Any) -> None:
            started.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(chunks, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(loader, "chunk_bytes", lambda memory_mb: SMALL)
    with fresh_store(backend, tmp_path / "parallel") as store:
        load_release(files, store, workers=2)
        parallel = _contents(store, ids)
    assert started == [2] * len(files)  # every file was cut into chunks and parsed by workers
    assert parallel == serial
    assert {k: len(v) for k, v in parallel["documents"].items()} == {
        k: len(v) for k, v in ids.items()}


def _flat_text() -> bytes:
    with gzip.open(demo_dir() / "uniprot_sprot.dat.gz", "rb") as raw:
        return raw.read()


def _uniref_text() -> bytes:
    with gzip.open(demo_dir() / "uniref90.xml.gz", "rb") as raw:
        return raw.read()


def _spoil(text: bytes, good: bytes, bad: bytes) -> tuple[bytes, int]:
    """*text* with the first *good* past two thirds of it replaced by *bad*, and its line."""
    at = text.index(good, len(text) * 2 // 3)
    return text[:at] + bad + text[at + len(good):], text.count(b"\n", 0, at) + 1


@pytest.mark.parametrize(
    ("name", "text", "good", "bad", "message"),
    [
        # an unknown line code, deep in the file
        ("bad.dat", _flat_text, b"\nKW   ", b"\nZZ   ", "not a UniProtKB flat-file entry"),
        # a text that is not UTF-8
        ("bad.dat", _flat_text, b"\nKW   ", b"\nKW \xff ", r"not UTF-8 text"),
        # a mismatched closing tag
        ("bad.xml", _uniref_text, b"</member>", b"</membr>", "not well-formed XML"),
    ],
)
def test_a_bad_record_in_a_workers_chunk_names_the_file_and_line(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
        text: Any, good: bytes, bad: bytes, message: str) -> None:
    first = load_release([demo_dir() / "sec_ac.txt", demo_dir() / "reldate.txt"], store)
    spoilt, line = _spoil(text(), good, bad)
    path = tmp_path / name
    path.write_bytes(spoilt)
    assert len(list(split(sniff(path).format, io.BytesIO(spoilt), name, SMALL))) > 10
    monkeypatch.setattr(loader, "chunk_bytes", lambda memory_mb: SMALL)
    with pytest.raises(ReleaseFileError, match=message) as raised:
        load_release([path], store, workers=2)
    assert (raised.value.path, raised.value.line) == (str(path), line + 1 if bad.startswith(
        b"\n") else line)
    assert store.current_release() == first


@pytest.mark.parametrize("name", ["uniprot_sprot.dat.gz", "uniref50.xml.gz",
                                  "uniparc_all.xml.gz"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_chunks_hold_whole_records_and_cover_the_file(name: str, newline: bytes) -> None:
    path = demo_dir() / name
    with gzip.open(path, "rb") as raw:
        text = raw.read().replace(b"\n", newline)
    fmt = sniff(path).format
    cut = list(split(fmt, io.BytesIO(text), name, SMALL))
    assert len(cut) > 3
    assert b"".join(c.data for c in cut) == text
    assert [c.first_line for c in cut] == [
        1 + text.count(b"\n", 0, sum(len(d.data) for d in cut[:n])) for n in range(len(cut))]
    whole = parse_chunk(Chunk(fmt, name, text, 1))
    parts = [parse_chunk(c) for c in cut]
    assert [row[0] for p in parts for row in p.documents] == [row[0] for row in
                                                              whole.documents]


def test_a_release_file_error_crosses_processes_whole() -> None:
    error = pickle.loads(pickle.dumps(ReleaseFileError("not well-formed XML", "u.xml", 12)))
    assert (str(error), error.path, error.line) == ("u.xml, line 12: not well-formed XML",
                                                    "u.xml", 12)
