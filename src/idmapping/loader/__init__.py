"""Loading UniProt's release files into a store, as a new release switched in atomically.

>>> from idmapping.store import open_store                      # doctest: +SKIP
>>> load_release(["idmapping.dat.gz", "sec_ac.txt"], open_store("my.sqlite"))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from idmapping.errors import NoRelease, ReleaseFileError, UnknownFormat
from idmapping.loader.builder import ReleaseBuilder
from idmapping.loader.chunks import ENTRY_FORMATS, chunk_bytes, parsed, split, worker_count
from idmapping.loader.entries import load_uniprotkb
from idmapping.loader.pipeline import READ_ERRORS, StoringThread, decompressed
from idmapping.loader.readers import (
    read_delac,
    read_release_date,
    read_release_name,
    read_sec_ac,
    read_selected,
    read_taxonomy_deleted,
    read_taxonomy_merged,
    read_taxonomy_names,
    read_taxonomy_nodes,
)
from idmapping.loader.sniff import ReleaseFile, open_text, sniff
from idmapping.model import Release
from idmapping.store.base import Store
from idmapping.store.plans import Subset, check_release_name
from idmapping.uniprot.readers.isoforms import read_isoform_fasta

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["load_release", "load_demo", "demo_dir", "release_paths", "Progress", "sniff",
           "ReleaseFile", "ReleaseBuilder"]

Progress = Callable[[int, int, int], None]
"""Called as ``progress(bytes_read, bytes_total, rows)`` while a load runs."""

T = TypeVar("T")

class _Counting(io.RawIOBase):
    """A raw reader that counts the bytes read from the file underneath."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None]) -> None:
        self.raw = raw
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.on_read(n or 0)
        return int(n or 0)


class _Load:
    """One run of the loader: its files, its release builder and its progress."""

    def __init__(self, files: Sequence[ReleaseFile], builder: ReleaseBuilder,
                 progress: Progress | None, workers: int = 1) -> None:
        self.files = files
        self.builder = builder
        self.progress = progress
        self.workers = workers
        self.total = sum(f.size for f in files)
        self.done = 0
        self.rows = 0
        self.names: list[str] = []
        self.dates: list[str] = []

    def _advance(self, n: int) -> None:
        self.done += n

    def _tick(self, rows: Iterable[T]) -> Iterator[T]:
        """Pass rows through, counting them and reporting progress every 100,000."""
        step = 100_000
        pending = 0
        for row in rows:
            pending += 1
            if pending == step:
                self.rows += step
                pending = 0
                if self.progress:
                    self.progress(self.done, self.total, self.rows)
            yield row
        self.rows += pending

    def run(self) -> None:
        for file in self.files:
            with open(file.path, "rb") as raw:
                counting = io.BufferedReader(_Counting(raw, self._advance), 1 << 20)
                if file.format in ENTRY_FORMATS:
                    try:
                        self._read_entries(file, counting)
                    except READ_ERRORS as exc:
                        raise ReleaseFileError(f"cannot read: {exc}", str(file.path)) from None
                    if self.progress:
                        self.progress(self.done, self.total, self.rows)
                    continue
                try:
                    if file.format == "idmapping":
                        self._read_columns(file, counting)
                        continue
                    text = open_text(file, counting)
                    self._read(file, text)
                except UnicodeDecodeError as exc:
                    raise ReleaseFileError(f"not UTF-8 text ({exc.reason})",
                                           str(file.path)) from None
                except (OSError, EOFError, zlib.error) as exc:
                    raise ReleaseFileError(f"cannot read: {exc}", str(file.path)) from None
            if self.progress:
                self.progress(self.done, self.total, self.rows)

    def _read_columns(self, file: ReleaseFile, raw: BinaryIO) -> None:
        """idmapping.dat, parsed by Arrow a batch of columns at a time (loader.columnar)."""
        from idmapping.loader.columnar import read_idmapping_columns  # Arrow: for loads only

        batches = read_idmapping_columns(file, raw, lambda: open(file.path, "rb"),
                                         self.builder.memory_mb)
        self.builder.add_mapping_columns(self._tick_batches(batches))
        if self.progress:
            self.progress(self.done, self.total, self.rows)

    def _tick_batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Pass batches through, counting their rows and reporting progress after each."""
        for batch in batches:
            self.rows += batch.num_rows
            if self.progress:
                self.progress(self.done, self.total, self.rows)
            yield batch

    def _read(self, file: ReleaseFile, text: io.TextIOWrapper) -> None:
        path = str(file.path)
        if file.format == "selected":
            self.builder.add_mappings(self._tick(read_selected(text, path)))
        elif file.format == "sec_ac":
            self._note_name(file)
            self.builder.add_secondary(self._tick(read_sec_ac(text, path)))
        elif file.format == "delac":
            self._note_name(file)
            source = "tr" if "trembl" in file.path.name.lower() or "_tr" in file.path.name \
                else "sp"
            self.builder.add_deleted((a, source) for a in self._tick(read_delac(text, path)))
        elif file.format == "taxonomy_nodes":
            self.builder.add_taxonomy(self._tick(read_taxonomy_nodes(text, path)))
        elif file.format == "taxonomy_names":
            self.builder.add_taxon_names(self._tick(read_taxonomy_names(text, path)))
        elif file.format == "taxonomy_merged":
            self.builder.add_taxon_merged(self._tick(read_taxonomy_merged(text, path)))
        elif file.format == "taxonomy_deleted":
            self.builder.add_taxon_deleted(self._tick(read_taxonomy_deleted(text, path)))
        elif file.format == "reldate":
            self._note_name(file)
        elif file.format == "isoform_fasta":
            isoforms = ((e, None) for e in read_isoform_fasta(text, path))
            load_uniprotkb(self.builder, self._tick(isoforms))

    def _read_entries(self, file: ReleaseFile, raw: BinaryIO) -> None:
        """Read an entry file (flat file or XML) a chunk of whole entries at a time, parsed by
        the worker processes (:mod:`idmapping.loader.chunks`), stored in order by a thread
        of this process while the next chunks are read (:mod:`idmapping.loader.pipeline`)."""
        with decompressed(raw, file.compressed) as stream, \
                StoringThread(self.builder, self._stored) as storing:
            chunks = split(file.format, stream, str(file.path),
                           chunk_bytes(self.builder.memory_mb))
            for prepared in parsed(chunks, self.workers):
                storing.put(prepared)
                if self.progress:
                    self.progress(self.done, self.total, self.rows)

    def _stored(self, count: int) -> None:
        self.rows += count

    def _note_name(self, file: ReleaseFile) -> None:
        """Note the release name that a file's header states."""
        name = read_release_name(file.head)
        if name:
            self.names.append(name)
        date = read_release_date(file.head)
        if date:
            self.dates.append(date)


def load_release(
    paths: Iterable[str | Path],
    store: Store,
    name: str | None = None,
    subset: Subset | None = None,
    progress: Progress | None = None,
    demo: bool = False,
    current: bool = True,
    memory_mb: int | None = None,
    add: bool = False,
    workers: int | None = None,
) -> Release:
    """Load release files into *store* as a new release, and make it current.

    The new release is built beside the current one; if anything fails, or the load is
    interrupted, the current release stays as it was.

    :param paths: release files in any order: idmapping.dat[.gz], idmapping_selected.tab[.gz],
        sec_ac.txt, delac_sp.txt, delac_tr.txt, reldate.txt, UniProtKB flat files
        (uniprot_sprot.dat, uniprot_trembl.dat) or XML, UniRef and UniParc XML, the isoform
        sequences (uniprot_sprot_varsplic.fasta), NCBI's taxonomy (taxdump's nodes.dmp,
        names.dmp, merged.dmp and delnodes.dmp); compressed or not.
    :param name: the release's name; by default the one the files state (``2026_01``), else
        today's date.
    :param subset: keep only some taxa, or reviewed entries (by default everything).
    :param progress: called with bytes read, bytes in all, rows read.
    :param demo: the files are the generated demo release (recorded, and said on the pages).
    :param current: False keeps the release being served current: the new one is added beside
        it (``idmapping releases current NAME`` switches later); a store with no current
        release makes it current anyway.
    :param memory_mb: the memory the load may use, whatever the release's size, in MiB (the
        setting ``load_memory_mb``; by default its default).
    :param add: build the new release from the current one plus *paths* (a second
        organism): the current release's rows are copied by the store, in SQL, and its files
        are not read again. By default the new release is named as the files state, else as
        the current one.
    :param workers: processes that parse entry files (the setting ``load_workers``: 0 or
        None, one per core; 1, none: parsed in this process). They are started only for a
        file larger than a chunk, forked, or (when threads run in this process) from
        multiprocessing's fork server, which imports the main module: a script calling
        this must keep its code under ``if __name__ == "__main__":``.
    :raises ReleaseFileError: a file that cannot be read, naming the file and line.
    :raises InvalidRequest: a release *name* the store refuses, before anything is read.
    """
    files = [sniff(p) for p in paths]
    if not files:
        raise ReleaseFileError("no release files given")
    if name is not None:
        check_release_name(name)
    base = store.current_release() if add else None
    if add and base is None:
        raise NoRelease("No release is served to add files to: load one first (without --add)")
    builder = ReleaseBuilder(store, memory_mb)
    try:
        if base is not None:
            builder.copy_release(base)
        load = _Load(files, builder, progress, worker_count(workers or 0))
        load.run()
        chosen = name or _pick_name(load.names, base.name if base else None)
        builder.meta["files"] = ", ".join(f.path.name for f in files)
        dates = load.dates + ([builder.facts["date"]] if "date" in builder.facts else [])
        if dates:
            builder.facts["date"] = max(dates)
        if demo:
            builder.facts["demo"] = True
        builder.lines += load.rows
        return builder.commit(chosen, subset, current)
    except BaseException:
        builder.abort()
        raise


_UNFINISHED = (".part", ".bad")
"""Suffixes of downloads that are not complete files (idmapping.download)."""


def release_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The release files among *paths*, where a folder stands for the release files in it.

    A file given by name is kept as it is (the load tells what is wrong with it). Of a
    folder's files, those whose content is a release file are kept, in name order; the others
    (an unfinished download ``NAME.part`` or a refused one ``NAME.bad``, a README, a
    ``RELEASE.metalink``, anything unknown) are skipped, each with a note. Hidden files are
    skipped silently.

    :returns: the files, and the notes on the files skipped.
    :raises ReleaseFileError: a folder with no release file in it.
    """
    files: list[Path] = []
    notes: list[str] = []
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            files.append(path)
            continue
        found = 0
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            if child.name.startswith("."):
                continue
            if child.name.endswith(_UNFINISHED):
                notes.append(f"{child}: skipped, an unfinished or refused download")
                continue
            try:
                sniff(child)
            except UnknownFormat:
                notes.append(f"{child}: skipped, not a release file this loader reads")
                continue
            files.append(child)
            found += 1
        if not found:
            raise ReleaseFileError("no release file in this folder", str(path))
    return files, notes


def _pick_name(names: list[str], base: str | None = None) -> str:
    """UniProt's release name (``2026_01``) if a file states it, else the name of the release
    added to (*base*), else a date."""
    for candidate in names:
        if "_" in candidate:
            return candidate
    return names[0] if names else base or dt.date.today().isoformat()


def demo_dir() -> Path:
    """The folder of the demo release shipped with the package (made by
    :mod:`idmapping.demo`, a tool the library never imports)."""
    return Path(str(resources.files("idmapping") / "data" / "demo"))


def load_demo(store: Store, progress: Progress | None = None) -> Release:
    """Load the demo release shipped inside the package (generated data, not UniProt's)."""
    files = sorted(p for p in demo_dir().iterdir() if p.is_file())
    return load_release(files, store, progress=progress, demo=True)
