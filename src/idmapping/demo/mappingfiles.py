"""The mapping files of the demo release: ``idmapping.dat.gz`` and ``idmapping_selected.tab.gz``,
drawn entry by entry and written one chunk at a time, and the secondary and deleted accessions
the text files list.
"""

from __future__ import annotations

import gzip
import queue
import threading
from collections.abc import Sequence
from pathlib import Path

from idmapping.demo.accessions import ANCHORS, FIXED_DELETED, FIXED_SECONDARY
from idmapping.demo.species import BY_CODE, DEMO_FAMILY, FAMILIES, PICK, gene_symbol, styled_name
from idmapping.demo.state import GeneratorState
from idmapping.demo.xrefs import ISOFORM_TYPES, PLANS, WITH, Plan, xref_plan

__all__ = ["Compressor", "write_entries", "deleted_accessions"]

_CHUNK = 10_000  # entries joined into one write

# idmapping_selected.tab, column by column: an ID_type of idmapping.dat, or # for columns that
# idmapping.dat has no rows for.
_SELECTED = ("", "UniProtKB-ID", "GeneID", "RefSeq", "GI", "PDB", "#GO", "UniRef100",
             "UniRef90", "UniRef50", "UniParc", "PIR", "NCBI_TaxID", "MIM", "#UniGene",
             "#PubMed", "EMBL", "EMBL-CDS", "Ensembl", "Ensembl_TRS", "Ensembl_PRO",
             "#Additional PubMed")
_SELECTED_TYPES = frozenset(c for c in _SELECTED if c and not c.startswith("#"))
_Rows = list[tuple[str, list[str]]]


def _names(g: GeneratorState) -> _Rows:
    """The entry name and gene-name rows of the entry."""
    rows: _Rows = [("UniProtKB-ID", [g.entry_name()])]
    if g.gene:
        rows.append(("Gene_Name", [g.gene]))
        if g.family == DEMO_FAMILY or g.rng.random() < 0.15:
            other = (g.family * 31 + 7) % FAMILIES  # the symbol of another family
            alias = "DMO1" if g.family == DEMO_FAMILY else gene_symbol(other)
            rows.append(("Gene_Synonym", [styled_name(alias, g.sp.style)]))
    if g.locus:
        kind = "Gene_OrderedLocusName" if g.sp.locus.endswith("O") else "Gene_ORFName"
        rows.append((kind, [g.locus]))
    elif not g.gene and g.sp.tag in "hm" and g.rng.random() < 0.3:
        # Celera ORF names (hCG_, mCG_): entries whose only gene name is an ORF name.
        rows.append(("Gene_ORFName", [f"{g.sp.tag}CG_{1_640_000 + g.k * 7}"]))
    return rows


def _xrefs(g: GeneratorState, plan: Plan, rows: _Rows, isoforms: list[_Rows]) -> None:
    """Draw the entry's cross-references of one slot into *rows* and *isoforms*."""
    random = g.rng.random
    present = False
    for id_type, chance, make in plan:
        if chance != WITH:
            present = random() < chance
        if not present:
            continue
        if isoforms and id_type in ISOFORM_TYPES:
            for number, isoform in enumerate(isoforms, 1):
                g.pidx = g.serial * 4 + number
                isoform.append((id_type, make(g)))
            g.pidx = g.serial * 4 + 1
        elif values := make(g):
            rows.append((id_type, values))


def _entry(g: GeneratorState, plan: tuple[Plan, ...], acc: str) -> tuple[str, str]:
    """The entry *acc* (started): its idmapping.dat lines and idmapping_selected.tab line."""
    early, sequence, main = plan
    rows = _names(g)
    isoforms: list[_Rows] = [[] for _ in range(g.isoforms)]
    _xrefs(g, early, rows, isoforms)
    upi, u100, u90, u50, crc = g.sequence()
    rows += [("UniRef100", [u100]), ("UniRef90", [u90]), ("UniRef50", [u50]),
             ("UniParc", [upi])]
    _xrefs(g, sequence, rows, isoforms)
    rows.append(("NCBI_TaxID", [g.sp.taxid]))
    _xrefs(g, main, rows, isoforms)
    rows.append(("CRC64", [crc]))
    lines = [f"{acc}\t{t}\t{v}\n" for t, values in rows for v in values]
    for number, isoform in enumerate(isoforms, 1):
        lines += [f"{acc}-{number}\t{t}\t{v}\n" for t, values in isoform for v in values]
    return "".join(lines), _selected(g, rows, isoforms)


def _selected(g: GeneratorState, rows: _Rows, isoforms: list[_Rows]) -> str:
    """The entry's idmapping_selected.tab line, from its idmapping.dat rows.

    Ids of its isoforms (RefSeq, Ensembl_TRS, Ensembl_PRO) are listed under its accession.
    """
    found: dict[str, list[str]] = {}
    for group in (rows, *isoforms):
        for id_type, values in group:
            if id_type in _SELECTED_TYPES:
                found.setdefault(id_type, []).extend(values)
    random = g.rng.random
    found["#GO"] = [f"GO:{int(random() ** 3 * 100_000):07d}"
                    for _ in range(int(random() * (8 if g.rev else 3)))]
    found["#PubMed"] = [str(1_000_000 + int(random() * 38_000_000))
                        for _ in range(int(random() * (6 if g.rev else 2)))]
    found["#Additional PubMed"] = [str(1_000_000 + int(random() * 38_000_000))
                                   for _ in range(int(random() * 2.5))]
    return "\t".join([g.acc] + ["; ".join(found.get(c, ())) for c in _SELECTED[1:]]) + "\n"


def _next(g: GeneratorState, i: int) -> tuple[str, tuple[Plan, ...]]:
    """Start the *i*-th entry: its accession and its plan of cross-references."""
    if i < len(ANCHORS):
        acc, code, rev, _, _, force = ANCHORS[i]
        g.start(acc, BY_CODE[code], rev, ANCHORS[i])
        return acc, xref_plan(BY_CODE[code], rev, frozenset(force.split()))
    rng = g.rng
    sp = PICK[int(rng.random() * len(PICK))]
    rev, shape = rng.random() < 0.25, rng.random()
    space = ("opq" if shape < 0.8 else "six") if rev else ("ten" if shape < 0.75 else "six")
    acc = g.spaces[space].take()
    g.start(acc, sp, rev, None)
    return acc, PLANS[sp.index, rev]


def _secondaries(g: GeneratorState, acc: str, split: str, out: list[tuple[str, str]]) -> str:
    """Add secondary accessions of entry *acc*; return a split awaiting its second entry."""
    if split:
        out.append((split, acc))
        split = ""
    rng = g.rng
    if rng.random() < 0.04:  # merged entries
        space = g.spaces["opq" if g.rev else "ten"]
        out.extend((space.take(top=True), acc) for _ in range(g.count(0.15, 2)))
    if rng.random() < 0.002:  # an entry split in two: its accession goes to this and the next
        split = g.spaces["opq"].take(top=True)
        out.append((split, acc))
    return split


class Compressor:
    """Gzip files written by a background thread, so that compressing overlaps generating.

    zlib releases the GIL while it deflates, which puts a second core to work.

    :param paths: the files, in the order :meth:`write` indexes them.
    :param compresslevel: the gzip level.
    """

    def __init__(self, paths: Sequence[Path], compresslevel: int) -> None:
        self._raw = [open(path, "wb") for path in paths]
        # No file name and mtime 0 in the gzip header: the same input gives the same bytes.
        self._gzip = [gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                    compresslevel=compresslevel) for raw in self._raw]
        self._queue: queue.Queue[tuple[int, bytes] | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="demo-gzip", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:  # after an error, drain the queue so write() never blocks
                try:
                    self._gzip[item[0]].write(item[1])
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def write(self, index: int, text: str) -> None:
        """Queue *text* for the file at *index*."""
        if self._error is not None:
            raise self._error
        self._queue.put((index, text.encode("ascii")))

    def close(self) -> None:
        """Finish writing, close every file, and raise any error the writer met."""
        self._queue.put(None)
        self._thread.join()
        for handle in (*self._gzip, *self._raw):
            handle.close()
        if self._error is not None:
            raise self._error


def write_entries(g: GeneratorState, count: int, out: Compressor) -> list[tuple[str, str]]:
    """Write *count* entries to the two ``.gz`` files; return the secondary accessions.

    :param g: the generator's state, fresh from its seed.
    :param out: writes ``idmapping.dat.gz`` (0) and ``idmapping_selected.tab.gz`` (1).
    """
    secondary: list[tuple[str, str]] = []
    dat: list[str] = []
    selected: list[str] = []
    split = ""
    for i in range(count):
        acc, plan = _next(g, i)
        lines, line = _entry(g, plan, acc)
        dat.append(lines)
        selected.append(line)
        if i >= len(ANCHORS):
            split = _secondaries(g, acc, split, secondary)
        if len(dat) == _CHUNK or i == count - 1:
            out.write(0, "".join(dat))
            out.write(1, "".join(selected))
            dat.clear()
            selected.clear()
    written = {a[0] for a in ANCHORS[:count]}
    return sorted(secondary + [pair for pair in FIXED_SECONDARY if pair[1] in written])


def deleted_accessions(g: GeneratorState, count: int) -> dict[str, list[str]]:
    """Deleted accessions of Swiss-Prot (sp) and TrEMBL (tr), never current ones.

    :param g: the generator's state, after :func:`write_entries`.
    :param count: the entries written (the deleted accessions are a share of them).
    """
    take = g.spaces
    sp = [take["opq" if i % 4 else "six"].take(top=True) for i in range(max(2, count // 300))]
    tr = [take["ten" if i % 4 else "six"].take(top=True) for i in range(max(3, count // 60))]
    return {"sp": sorted(FIXED_DELETED["sp"] + sp), "tr": sorted(FIXED_DELETED["tr"] + tr)}

