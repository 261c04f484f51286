"""A foreign-shaped test release: one that shares nothing with the shipped demo release.

The demo release (made by ``idmapping demo``) and the API release of ``conftest.py`` share
shapes with the code that reads them. Users' releases do not; this one is shaped as UniProt's
per-organism files are and as the demo is not:

- one organism, not human (budding yeast, strain S288c, taxon 559292), and no Swiss-Prot
  entry: every entry is unreviewed (``ACCESSION_YEAST`` entry names), and one has no entry
  name at all;
- idmapping.dat, sec_ac.txt and delac_tr.txt only: no entry files, no idmapping_selected.tab,
  no delac_sp.txt, no reldate.txt;
- accessions of both formats (``[A-NR-Z][0-9][A-Z][A-Z0-9]{2}[0-9]`` and 10 characters), drawn
  at random (seeded), so none is an accession that a page or a test types in;
- isoform rows as real files have them (``ACC-2  RefSeq_NT  NM_…``, ``ACC-1  Ensembl_PRO  …``):
  some before their entry's rows and some after, one id given to two isoforms, or to an
  isoform and repeated on the entry's row, isoforms with no row of some ID type that another
  isoform has;
- ID types that no catalogue database uses (``UniGene``, ``HOVERGEN``, ``MINT``, ``BioGrid``
  spelled as older files spell it, ``KO``, ``TreeFam``, ``Gene3D``, ``PANTHER``) beside
  catalogue ones spelled as the real files spell them (``eggNOG`` with ``KOG``/``COG``/``ENOG``
  ids, ``OMA`` fingerprints);
- entries named by an ordered-locus or ORF name only (no ``Gene_Name`` row);
- ids that differ only by case (gene names ``ABC1`` and ``Abc1``) or only by version
  (``NP_…​.1`` and ``NP_…​.2`` on two entries), ids shared by many entries (a chromosome's EMBL
  accession), versioned and unversioned values, and values of several hundred characters.

Tests take the ids they need from the release's files (:mod:`releases` reads them back),
never from a list typed into the test.
"""

from __future__ import annotations

import random
import string
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

TAXON = 559292
RELEASE = "2031_03"
RELEASE_DATE = "17-Sep-2031"

# ID types of real idmapping.dat files that no catalogue database is named by
UNCATALOGUED = ("UniGene", "HOVERGEN", "MINT", "BioGrid", "KO", "TreeFam", "Gene3D", "PANTHER")

_GENE_STEMS = ("ABC", "CDC", "PHO", "GAL", "RAD", "SEC")


def _accession(rng: random.Random, long: bool) -> str:
    """A valid UniProtKB accession, 6 or 10 characters (never one of the P/Q/O 6-char form)."""
    up, an = string.ascii_uppercase, string.ascii_uppercase + string.digits
    first = rng.choice("ABCDEFGHIJKLMNRSTUVWXYZ")
    body = f"{first}{rng.randrange(10)}{rng.choice(up)}{rng.choice(an)}{rng.choice(an)}"
    body += str(rng.randrange(10))
    if long:
        body += f"{rng.choice(up)}{rng.choice(an)}{rng.choice(an)}{rng.randrange(10)}"
    return body


def _header(description: str, name: str) -> str:
    rule = "-" * 76
    return (f"{rule}\n        UniProt Knowledgebase\n{rule}\n\nDescription: {description}\n"
            f"Name:        {name}\nRelease:     {RELEASE} of {RELEASE_DATE}\n\n{rule}\n\n")


@dataclass
class ForeignRelease:
    """The files of a foreign-shaped release and what they hold."""

    files: list[Path]
    rows: list[tuple[str, str, str]]
    """Every ``(accession, ID_type, value)`` line of idmapping.dat."""
    secondary: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)

    def values(self, id_type: str) -> dict[str, list[str]]:
        """``value -> accessions`` of the entry-level rows of *id_type*."""
        found: dict[str, list[str]] = defaultdict(list)
        for acc, kind, value in self.rows:
            if kind == id_type and "-" not in acc:
                found[value].append(acc)
        return dict(found)

    def accessions(self) -> list[str]:
        """The entries' accessions, in file order."""
        return list(dict.fromkeys(a.split("-")[0] for a, _, _ in self.rows))

    def isoform_rows(self) -> list[tuple[str, str, str]]:
        return [r for r in self.rows if "-" in r[0]]

    def id_types(self) -> set[str]:
        return {kind for _, kind, _ in self.rows}


def _gene(n: int) -> str:
    """Gene names shared by a few entries; every 7th is the same name in another case."""
    name = f"{_GENE_STEMS[n % len(_GENE_STEMS)]}{n % 23 + 1}"
    return name.capitalize() if n % 7 == 3 else name


def _long_value(rng: random.Random, parts: int) -> str:
    return "fig|" + "-".join(str(rng.randrange(10**6)) for _ in range(parts))


def _entry_rows(rng: random.Random, n: int, acc: str, accessions: list[str]
                ) -> list[tuple[str, str]]:
    """The entry-level ``(ID_type, value)`` rows of entry *n*."""
    locus = f"Y{'ABCDEFGHIJKLMNOP'[n % 16]}{'LR'[n % 2]}{n:03d}{'CW'[n % 2]}"
    chromosome = f"BK0069{35 + n % 16:02d}"  # EMBL's accession of a chromosome: shared
    upi = "UPI" + "".join(rng.choice("0123456789ABCDEF") for _ in range(10))
    rows: list[tuple[str, str]] = []
    if n != 9:  # one entry without an entry name
        rows.append(("UniProtKB-ID", f"{acc}_YEAST"))
    if n % 9 != 4 and n % 13 != 6:
        rows.append(("Gene_Name", _gene(n)))
    if n % 13 != 6:  # the others are named by their ordered locus, or their ORF (below)
        rows.append(("Gene_OrderedLocusName", locus))
    if n % 13 == 6 or n % 5 == 0:
        rows.append(("Gene_ORFName", f"ORF{locus[1:]}"))
    if n % 5 == 0:
        rows.append(("Gene_Synonym", f"{_gene(n)}-{'X' * (n % 7 + 1)}"))
    # versions: pairs of entries share a RefSeq id under two versions
    refseq = 9000 + n - n % 2 if n % 10 < 2 else 9000 + n
    rows += [
        ("GeneID", str(850000 + n * 7)),
        ("SGD", f"S{n * 37 + 1000:09d}"),
        ("STRING", f"{TAXON}.{locus}"),
        ("KEGG", f"sce:{locus}"),
        ("EnsemblGenome", locus),
        ("EnsemblGenome_TRS", f"{locus}_mRNA"),
        ("EnsemblGenome_PRO", locus),
        ("RefSeq", f"NP_{refseq:06d}.{1 + n % 2 if n % 10 < 2 else 1 + n % 3}"),
        ("RefSeq_NT", f"NM_{1000 + n:06d}.{1 + n % 2}"),
        ("EMBL", chromosome),
        ("EMBL", f"Z{n + 10000:05d}"),
        ("EMBL-CDS", f"CAA{n + 90000:05d}.{1 + n % 4}"),
        ("EMBL-CDS", f"DAA{n + 60000:05d}"),  # unversioned, in a versioned database
        ("UniParc", upi),
        ("UniRef100", f"UniRef100_{acc}"),
        ("UniRef90", f"UniRef90_{accessions[n - n % 3]}"),
        ("UniRef50", f"UniRef50_{accessions[n - n % 6]}"),
        ("NCBI_TaxID", str(TAXON)),
        ("eggNOG", ("KOG", "COG")[n % 2] + f"{n % 30 + 100:04d}"),
        ("OMA", "".join(rng.choice(string.ascii_uppercase) for _ in range(7))),
    ]
    if n % 3 == 0:
        rows.append(("eggNOG", "ENOG50" + "".join(rng.choice(string.ascii_uppercase + string.digits)
                                                  for _ in range(5))))
    kind = UNCATALOGUED[n % len(UNCATALOGUED)]
    rows.append((kind, {"UniGene": f"Sc.{n * 11 + 7}", "HOVERGEN": f"HBG{n % 9 + 50420:06d}",
                        "MINT": f"MINT-{1520400 + n}", "BioGrid": str(31000 + n),
                        "KO": f"K{16190 + n % 5:05d}", "TreeFam": f"TF{102000 + n:06d}",
                        "Gene3D": f"3.40.50.{n % 4 + 300}", "PANTHER": f"PTHR{11440 + n % 3}"
                        }[kind]))
    if n % 11 == 0:  # very long values, as some ID types have
        rows.append(("PATRIC", _long_value(rng, 130 if n == 22 else 40)))
    return rows


def _isoform_rows(n: int, acc: str) -> tuple[list[tuple[str, str, str]],
                                             list[tuple[str, str, str]]]:
    """Isoform rows of entry *n*: those written before its entry rows, and those after."""
    if n % 4:
        return [], []
    locus = f"Y{'ABCDEFGHIJKLMNOP'[n % 16]}{'LR'[n % 2]}{n:03d}{'CW'[n % 2]}"
    before = [(f"{acc}-1", "RefSeq_NT", f"NM_{5000 + n:06d}.1"),
              (f"{acc}-1", "RefSeq", f"NP_{5000 + n:06d}.1")]
    after = [(f"{acc}-1", "Ensembl_PRO", f"{locus}.P1"),
             (f"{acc}-2", "RefSeq_NT", f"NM_{6000 + n:06d}.2"),
             (f"{acc}-2", "RefSeq", f"NP_{6000 + n:06d}.2")]
    if n % 8 == 0:  # one RefSeq protein for two isoforms (the same sequence)
        after.append((f"{acc}-2", "RefSeq", f"NP_{5000 + n:06d}.1"))
    if n % 16 == 0:  # an isoform's id repeated on the entry's own row
        after.append((acc, "RefSeq_NT", f"NM_{5000 + n:06d}.1"))
    if n % 12 == 0:
        after.append((f"{acc}-3", "Ensembl_PRO", f"{locus}.P3"))
    return before, after


def write_foreign_release(directory: Path, entries: int = 160, seed: int = 7) -> ForeignRelease:
    """Write the foreign release (``entries`` entries, seeded) into *directory*."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    accessions: list[str] = []
    while len(accessions) < entries:
        acc = _accession(rng, long=len(accessions) % 3 == 0)
        if acc not in accessions:
            accessions.append(acc)
    rows: list[tuple[str, str, str]] = []
    for n, acc in enumerate(accessions):
        before, after = _isoform_rows(n, acc)
        rows.extend(before)
        rows.extend((acc, kind, value) for kind, value in _entry_rows(rng, n, acc, accessions))
        rows.extend(after)
    secondary = {}
    while len(secondary) < 6:
        acc = _accession(rng, long=False)
        if acc not in accessions:
            secondary[acc] = accessions[len(secondary) * 5 + 1]
    deleted: list[str] = []
    while len(deleted) < 4:
        acc = _accession(rng, long=True)
        if acc not in accessions and acc not in secondary:
            deleted.append(acc)
    dat = directory / "YEAST_559292_idmapping.dat"
    dat.write_text("".join(f"{a}\t{k}\t{v}\n" for a, k, v in rows))
    sec = directory / "sec_ac.txt"
    sec.write_text(_header("Secondary accession numbers: index", "SEC_AC.TXT")
                   + "Secondary AC                  Primary AC\n"
                   "____________                  __________\n"
                   + "".join(f"{s:<30}{p}\n" for s, p in secondary.items()))
    delac = directory / "delac_tr.txt"
    delac.write_text(_header("Accession numbers deleted from UniProtKB/TrEMBL", "delac_tr.txt")
                     + "Accession number\n________________\n" + "".join(f"{d}\n" for d in deleted))
    return ForeignRelease([dat, sec, delac], rows, secondary, deleted)
