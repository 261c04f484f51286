"""Multiple sequence alignments of UniProtKB entries, with Clustal Omega.

The service that UniProt's result pages offer beside the basket and the downloads: the entries'
sequences are read from the release (:func:`entry_sequences`: the stored entries' sequences,
isoforms' from the isoform FASTA), aligned by the ``clustalo`` program (:func:`run_clustalo`),
and the result (:class:`Alignment`: the aligned rows, Clustal's conservation line and the guide
tree in Newick) is written in Clustal or FASTA format, or as JSON with the identity of each
column. Alignments run as jobs of the job service (:meth:`JobService.submit_alignment`), stored
in the jobs table with :data:`ALIGNMENT` as their ``to`` (see :meth:`Alignment.stored_rows`).

Nothing here knows about HTTP. Clustal Omega is an optional program: :func:`aligner` says when
it is missing (:class:`~idmapping.errors.ToolUnavailable`, 503).

>>> Alignment(("P1", "P2"), ("MK-A", "MKLA"), "** *", "(P1:0.1,P2:0.1);").identity()
[1.0, 1.0, 0.5, 1.0]
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest, ToolUnavailable
from idmapping.ids import split_text_ids, unique
from idmapping.store.base import Store
from idmapping.uniprot.common import INACTIVE

__all__ = [
    "ALIGNMENT",
    "CLUSTALO",
    "ALIGN_FORMATS",
    "NOT_INSTALLED",
    "Alignment",
    "Sequences",
    "aligner",
    "align_ids",
    "entry_sequences",
    "run_clustalo",
    "residue_class",
]

ALIGNMENT = "Alignment"
"""The ``to`` of an alignment job in the jobs table (no database of the catalogue has it)."""

CLUSTALO = "clustalo"
"""The Clustal Omega program, looked up on the ``PATH``."""

ALIGN_FORMATS = ("json", "clustal", "fasta")
"""The formats of ``/align/results``, the first the default."""

NOT_INSTALLED = ("Clustal Omega is not installed on this server: alignments need the "
                 "'clustalo' program on the PATH (Debian and Ubuntu: apt-get install clustalo)")

TIMEOUT = 600
"""Seconds one run of Clustal Omega may take (100 sequences of a few thousand residues take
seconds)."""


@functools.cache
def _bio() -> Any:
    """Biopython, with its alignment, tree and sequence modules imported: on first use, not
    with the package (they took 0.45 s of every command's start-up, a load's included). Its
    alignment and tree functions carry no types: called through Any."""
    import Bio.Align
    import Bio.AlignIO
    import Bio.Phylo
    import Bio.Seq
    import Bio.SeqRecord

    return Bio

_CONSERVATION = "#conservation"
_TREE = "#guide-tree"
# rows of an alignment job's results that are not sequences: '#' starts no UniProtKB id

_CLASSES = {
    **dict.fromkeys("AILMFWV", "hydrophobic"),
    **dict.fromkeys("KR", "positive"),
    **dict.fromkeys("DE", "negative"),
    **dict.fromkeys("NQST", "polar"),
    "C": "cysteine",
    "G": "glycine",
    "P": "proline",
    **dict.fromkeys("HY", "aromatic"),
}


def residue_class(residue: str) -> str:
    """The colour class of *residue*, as Clustal X colours residues (``""``: not coloured).

    >>> residue_class("k"), residue_class("-")
    ('positive', '')
    """
    return _CLASSES.get(residue.upper(), "")


def aligner() -> str:
    """The path of ``clustalo``.

    :raises ToolUnavailable: it is not installed (:data:`NOT_INSTALLED`).
    """
    path = shutil.which(CLUSTALO)
    if path is None:
        raise ToolUnavailable(NOT_INSTALLED)
    return path


def align_ids(text: str | None, maximum: int) -> list[str]:
    """The ids of an alignment request: split on commas or whitespace, each once, in order.

    >>> align_ids("P04637, P02340 P04637", 10)
    ['P04637', 'P02340']

    :raises InvalidRequest: fewer than 2, or more than *maximum* (the setting
        ``max_align_sequences``).
    """
    ids = list(unique(split_text_ids(text or "")))
    if len(ids) < 2:
        raise InvalidRequest(
            f"An alignment needs at least 2 UniProtKB accessions in 'ids'; {len(ids)} given")
    if len(ids) > maximum:
        raise InvalidRequest(
            f"'{maximum}' is the maximum number of sequences an alignment takes (setting "
            f"'max_align_sequences'). You have passed '{len(ids)}' ids.")
    return ids


@dataclass(frozen=True)
class Sequences:
    """The sequences of an alignment's entries, and the entries the release has none of."""

    found: dict[str, str]
    missing: list[str]

    def check(self) -> None:
        """Refuse fewer than 2 sequences, naming the entries without one.

        :raises InvalidRequest: a message naming the missing entries.
        """
        if len(self.found) >= 2:
            return
        raise InvalidRequest(
            f"An alignment needs at least 2 sequences: the release holds no sequence for "
            f"{', '.join(self.missing)} (its entry files were not loaded, or the entries are "
            f"not in it), {len(self.found)} left")


def entry_sequences(store: Store, ids: Sequence[str]) -> Sequences:
    """The sequences of the UniProtKB entries *ids* (isoforms' from the isoform FASTA), as the
    current release stores them; obsolete entries and entries without one are *missing*."""
    entries = DATASETS["uniprotkb"].entries(store, list(ids))
    found: dict[str, str] = {}
    missing: list[str] = []
    for key in ids:
        entry = entries.get(key) or {}
        sequence = entry.get("sequence")
        value = sequence.get("value") if isinstance(sequence, dict) else None
        if value and entry.get("entryType") != INACTIVE:
            found[key] = str(value)
        else:
            missing.append(key)
    return Sequences(found, missing)


@dataclass(frozen=True)
class Alignment:
    """An alignment: the names and aligned rows in input order, Clustal's conservation line
    (``*`` identical, ``:`` strongly, ``.`` weakly similar) and the guide tree (Newick).

    :param missing: the entries asked for that had no sequence, left out.
    """

    names: tuple[str, ...]
    rows: tuple[str, ...]
    conservation: str
    tree: str
    missing: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        """Columns of the alignment."""
        return len(self.rows[0]) if self.rows else 0

    def identity(self) -> list[float]:
        """Per column, the share of the sequences that have its most common residue (gaps are
        no residue), rounded to 4 places: 1.0 where every sequence has the same residue."""
        shares = []
        for column in zip(*self.rows, strict=True):
            residues = Counter(c.upper() for c in column if c not in "-.")
            top = residues.most_common(1)[0][1] if residues else 0
            shares.append(round(top / len(column), 4))
        return shares

    def stored_rows(self) -> Iterator[tuple[str, str]]:
        """The ``(from, to)`` rows an alignment job stores: ``(name, aligned row)`` per
        sequence, then the conservation line and the guide tree under names no id has."""
        yield from zip(self.names, self.rows, strict=True)
        yield _CONSERVATION, self.conservation
        yield _TREE, self.tree

    @classmethod
    def from_stored(cls, rows: Iterable[tuple[str, str]], missing: Iterable[str] = ()
                    ) -> Alignment:
        """The alignment that :meth:`stored_rows` wrote."""
        pairs = list(rows)
        extra = {name: value for name, value in pairs if name in (_CONSERVATION, _TREE)}
        sequences = [(n, r) for n, r in pairs if n not in extra]
        return cls(tuple(n for n, _ in sequences), tuple(r for _, r in sequences),
                   extra.get(_CONSERVATION, ""), extra.get(_TREE, ""), tuple(missing))

    def clustal(self) -> str:
        """The alignment in Clustal format (Biopython's writer), with the conservation line."""
        bio = _bio()
        records = [bio.SeqRecord.SeqRecord(bio.Seq.Seq(row), id=name, description="")
                   for name, row in zip(self.names, self.rows, strict=True)]
        alignment = bio.Align.MultipleSeqAlignment(records)
        if len(self.conservation) == self.length:
            alignment.column_annotations["clustal_consensus"] = self.conservation
        out = io.StringIO()
        bio.AlignIO.write(alignment, out, "clustal")
        return out.getvalue()

    def fasta(self, width: int = 60) -> str:
        """The aligned rows in FASTA, *width* residues a line."""
        lines = []
        for name, row in zip(self.names, self.rows, strict=True):
            lines.append(f">{name}")
            lines += [row[n:n + width] for n in range(0, len(row), width)] or [""]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The alignment as ``/align/results?format=json`` writes it."""
        return {
            "sequences": [{"id": n, "sequence": r}
                          for n, r in zip(self.names, self.rows, strict=True)],
            "length": self.length,
            "identity": self.identity(),
            "conservation": self.conservation,
            "guideTree": self.tree,
            "missing": list(self.missing),
        }

    def tree_drawing(self) -> str:
        """The guide tree drawn in text (Biopython's ``draw_ascii``), or ``""``."""
        if not self.tree:
            return ""
        out, phylo = io.StringIO(), _bio().Phylo
        phylo.draw_ascii(phylo.read(io.StringIO(self.tree), "newick"), file=out, column_width=60)
        return out.getvalue()


def run_clustalo(sequences: dict[str, str], timeout: float = TIMEOUT) -> Alignment:
    """Align *sequences* (name → residues, at least 2) with Clustal Omega, in their order.

    The program sees short names of its own (``s0``, ``s1``...), so that no id is cut or
    changed by its formats; the rows come back under the given names.

    :raises ToolUnavailable: ``clustalo`` is not installed.
    :raises InvalidRequest: fewer than 2 sequences.
    :raises RuntimeError: the program failed or took longer than *timeout* seconds (its
        message, cut short).
    """
    if len(sequences) < 2:
        raise InvalidRequest("An alignment needs at least 2 sequences")
    program = aligner()
    names = list(sequences)
    with tempfile.TemporaryDirectory(prefix="idmapping-align-") as folder:
        work = Path(folder)
        (work / "in.fasta").write_text(
            "".join(f">s{n}\n{sequences[name]}\n" for n, name in enumerate(names)))
        command = [program, "-i", str(work / "in.fasta"), "-o", str(work / "out.aln"),
                   "--outfmt=clustal", f"--guidetree-out={work / 'tree.dnd'}",
                   "--seqtype=Protein", "--threads=1", "--force"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"Clustal Omega took longer than {timeout:g} s") from exc
        if done.returncode != 0:
            raise RuntimeError(f"Clustal Omega failed: {(done.stderr or done.stdout)[:300]}")
        parsed = _bio().AlignIO.read(work / "out.aln", "clustal")
        tree = (work / "tree.dnd").read_text()
    rows = {record.id: str(record.seq) for record in parsed}
    short = {f"s{n}": name for n, name in enumerate(names)}
    phylo = _bio().Phylo
    newick = phylo.read(io.StringIO(tree), "newick")
    for leaf in newick.get_terminals():
        leaf.name = short.get(leaf.name or "", leaf.name)
    out = io.StringIO()
    phylo.write(newick, out, "newick")
    return Alignment(tuple(names), tuple(rows[f"s{n}"] for n in range(len(names))),
                     parsed.column_annotations.get("clustal_consensus", ""),
                     out.getvalue().strip())
