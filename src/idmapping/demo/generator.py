"""A small, seeded demo release, written in UniProt's exact release-file formats.

:func:`generate` writes ``idmapping.dat.gz``, ``idmapping_selected.tab.gz``, ``sec_ac.txt``,
``delac_sp.txt``, ``delac_tr.txt`` and ``reldate.txt`` of release ``2099_01`` (01-Jan-2099: a
date no real release has, so demo data is never taken for UniProt's), and the entry files of the
same entries (:mod:`idmapping.demo.entries`: UniProtKB flat files, UniRef and UniParc XML,
the isoform sequence file, ``XP_999000001`` a RefSeq id with only a UniParc entry). The same
arguments give byte-identical files. Entries are generated and written one chunk at a time, so
a million accessions (about 19 million idmapping.dat lines) need little memory. From the shell:
``python -m idmapping.demo DIR [--accessions N] [--seed S]``.

Ids useful in tests, the same for every seed when ``accessions >= 9``:

======================  ===============================================================
``Q9DEM0``              ``DEMO1_HUMAN``, reviewed; gene ``DEMO1``, synonym ``DMO1``;
                        isoform rows ``Q9DEM0-1``, ``Q9DEM0-2``, the sequence of
                        ``Q9DEM0-2`` in uniprot_sprot_varsplic.fasta.gz; versioned Ensembl gene
                        ``ENSG00000250063.7``, shared with ``A0A0D1EMO1``
``A0A0D1EMO1``          ``A0A0D1EMO1_HUMAN``, unreviewed, the same gene ``DEMO1``
``Q9DEM1``              ``DEMO1_MOUSE``, gene ``Demo1`` (the same name, another case)
``Q9DEM2``              ``DEMO1_YEAST``, gene ``DEMO1``, ordered locus ``YAL001C``
``Q9DEM3``              Arabidopsis, no gene name, ordered locus ``At1g01010``;
                        Araport and EnsemblGenome ``AT1G01010`` (a case trap)
``Q9DEM4``              frog virus 3, only an ORF name ``FV3-001R``; EMBL ``AY548484``
``Q9DEM5``              ``DEMO1_DROME``, gene ``demo1``, FlyBase ``FBgn9250063``
``Q9DEM6``, ``Q9DEM7``  E. coli, loci ``b0001``, ``b0002``; EMBL ``U00096`` (shared)
``P0DEM0``              secondary, split into ``Q9DEM6`` and ``Q9DEM7``
``P0DEM1``, ``P0DEM2``  secondary, merged into ``Q9DEM0``
``A0A0D1EMS1``          secondary of ``A0A0D1EMO1``
``O0DEM0``              deleted from Swiss-Prot (delac_sp.txt)
``A0A0D1EMX9``          deleted from TrEMBL (delac_tr.txt)
======================  ===============================================================
"""

from __future__ import annotations

import argparse
import gzip
import math
import queue
import random
import string
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from idmapping.demo.entries import demo_sequence
from idmapping.uniprot.common import crc64

__all__ = ["generate", "main", "RELEASE", "RELEASE_DATE", "FILES", "MAX_ACCESSIONS"]

RELEASE = "2099_01"
RELEASE_DATE = "01-Jan-2099"
FILES = ("idmapping.dat.gz", "idmapping_selected.tab.gz", "sec_ac.txt", "delac_sp.txt",
         "delac_tr.txt", "reldate.txt", "uniprot_sprot.dat.gz", "uniprot_trembl.dat.gz",
         "uniref100.xml.gz", "uniref90.xml.gz", "uniref50.xml.gz", "uniparc_all.xml.gz",
         "uniprot_sprot_varsplic.fasta.gz")
MAX_ACCESSIONS = 20_000_000
_CHUNK = 10_000  # entries joined into one write

_D, _L = string.digits, string.ascii_uppercase
_AN = _D + _L
# Accession shapes of UniProt's pattern: Swiss-Prot style, 6-char and 10-char TrEMBL style.
_SHAPES = {"opq": ("OPQ", _D, _AN, _AN, _AN, _D),
           "six": ("ABCDEFGHIJKLMNRSTUVWXYZ", _D, _L, _AN, _AN, _D),
           "ten": ("A", "0", "A", _AN, _AN, _D, _L, _AN, _AN, _D)}


@dataclass(frozen=True)
class _Species:
    """An organism, and how its genes and cross-references are written.

    :param tag: one letter, matched against the species tags of the cross-reference table.
    :param weight: its share of the entries, per mille.
    :param style: gene-name case: U upper, C capitalised, L lower, W worm, B bacteria, - none.
    :param locus: a key of :data:`_LOCI` then O (ordered locus name) or F (ORF name).
    :param kegg: its KEGG id, from ``n`` (GeneID), ``l`` (locus) or ``L`` (locus upper-cased).
    :param ens: main-Ensembl id prefix (``ENSMUS``), or fly, worm, yeast.
    :param genome: EMBL and RefSeq accessions of a genome that all its entries share.
    """

    index: int
    code: str
    taxid: str
    tag: str
    weight: int
    style: str
    locus: str
    kegg: str
    ens: str
    genome: str
    refseq: str
    string_tax: str


# code taxid tag weight style locus kegg ens genome refseq STRING-taxon ("-": none)
_SPECIES_TABLE = """
HUMAN 9606   h 165 U -      hsa:{n}      ENS    -        -           9606
MOUSE 10090  m 110 C -      mmu:{n}      ENSMUS -        -           10090
RAT   10116  r  70 C -      rno:{n}      ENSRNO -        -           10116
BOVIN 9913   b  40 U -      bta:{n}      ENSBTA -        -           9913
DANRE 7955   z  60 L -      dre:{n}      ENSDAR -        -           7955
XENLA 8355   x  30 L -      xla:{n}      -      -        -           -
DROME 7227   f  60 L cgF    dme:Dmel_{l} fly    -        -           7227
CAEEL 6239   w  50 W ceF    cel:CELE_{l} worm   -        -           6239
YEAST 559292 y  60 U yO     sce:{l}      yeast  BK006935 -           4932
SCHPO 284812 s  30 L spF    spo:{l}      -      CU329670 -           4896
ARATH 3702   a  70 U atO    ath:{L}      -      -        -           3702
MAIZE 4577   q  30 L zmF    zma:{n}      -      -        -           4577
ECOLI 83333  e  60 B bO     eco:{l}      -      U00096   NC_000913.3 511145
MYCTU 83332  t  25 B rvO    mtu:{l}      -      AL123456 NC_000962.3 83332
PSEAE 208964 p  20 B paO    pae:{l}      -      AE004091 NC_002516.2 208964
LEGPH 272624 l  15 B lpgO   lpn:{l}      -      AE017354 NC_002942.5 272624
MYCLE 272631 k  10 B mlO    mle:{l}      -      AL450380 NC_002677.1 272631
CANAL 237561 c  20 U orf19F cal:{l}      -      -        -           237561
DICDI 44689  d  20 L ddbF   ddi:{l}      -      -        -           44689
PLAF7 36329  v  20 U pfF    pfa:{l}      -      -        -           36329
BRUMA 6279   n  10 L bmF    bmy:{l}      -      -        -           6279
FRG3G 654924 g  10 - fv3F   vg:{n}       -      AY548484 NC_005946.1 -
HCV1  11108  j   5 - -      vg:{n}       -      M62321   NC_004102.1 -
CONMA 6492   o   5 - -      -            -      -        -           -
PHONI 6918   u   5 - -      -            -      -        -           -
"""


def _species(index: int, line: str) -> _Species:
    code, taxid, tag, weight, *rest = (f if f != "-" else "" for f in line.split())
    return _Species(index, code, taxid, tag, int(weight), *rest)


_SPECIES = tuple(_species(i, line) for i, line in enumerate(_SPECIES_TABLE.split("\n")[1:-1]))
_BY_CODE = {sp.code: sp for sp in _SPECIES}
_PICK = tuple(sp for sp in _SPECIES for _ in range(sp.weight))  # 1000 slots: one draw picks

# Ordered-locus and ORF names: a distinct one for the k-th entry of a species.
_LOCI: dict[str, Callable[[int], str]] = {
    "b": lambda k: f"b{k + 1:04d}",
    "at": lambda k: f"At{k % 5 + 1}g{k // 5 * 10 + 1010:05d}",
    "y": lambda k: f"Y{_L[k % 16]}{'LR'[k // 16 % 2]}{k // 32 + 1:03d}{'CW'[k // 32 % 2]}",
    "rv": lambda k: f"Rv{k + 1:04d}",
    "pa": lambda k: f"PA{k + 1:04d}",
    "lpg": lambda k: f"lpg{k + 1:04d}",
    "ml": lambda k: f"ML{k + 1:04d}",
    "sp": lambda k: f"SP{'ABC'[k % 3]}C{k // 60 + 1002}.{k // 3 % 20 + 1:02d}",
    "ce": lambda k: (f"{'CFKTWYZ'[k // 9 % 7]}{k // 63 % 50 + 1:02d}{_L[k // 3150 % 8]}"
                     f"{k // 25200 + 1}.{k % 9 + 1}"),
    "cg": lambda k: f"CG{k * 3 + 1001}",
    "zm": lambda k: f"Zm00001d{k * 7 + 1001:06d}",
    "orf19": lambda k: f"orf19.{k + 1}",
    "ddb": lambda k: f"DDB_G{k * 7 + 267178:07d}",
    "pf": lambda k: f"PF3D7_{k % 14 + 1:02d}{(k // 14 + 1) * 100:05d}",
    "bm": lambda k: f"Bm{k + 1}",
    "fv3": lambda k: f"FV3-{k + 1:03d}{'RL'[k % 2]}",
}

_FAMILIES = 26**3 * 99  # gene symbols: three letters and a number 1-99
_DEMO = _FAMILIES  # the family of the fixed gene DEMO1, outside the generated ones


def _symbol(family: int) -> str:
    """The gene symbol of a gene family, the same in every species (``QWX17``)."""
    if family == _DEMO:
        return "DEMO1"
    # 1_000_003 is coprime to _FAMILIES: a permutation, so families never share a symbol.
    letters, number = divmod((family * 1_000_003 + 424_242) % _FAMILIES, 99)
    return f"{_L[letters // 676]}{_L[letters // 26 % 26]}{_L[letters % 26]}{number + 1}"


def _styled(symbol: str, style: str) -> str:
    """*symbol* written as the species writes gene names (``Qwx17``, ``qwx-17``, ``qwxQ``)."""
    letters = symbol.rstrip(_D)
    return {"U": symbol, "C": symbol.capitalize(),
            "W": f"{letters.lower()}-{symbol[len(letters):]}",
            "B": letters.lower() + _L[int(symbol[len(letters):]) % 26]
            }.get(style, symbol.lower())


def _b36(x: int, width: int, alphabet: str = _AN) -> str:
    base = len(alphabet)
    return "".join(alphabet[x // base**i % base] for i in reversed(range(width)))


def _n(x: int, mult: int, digits: int) -> int:
    """Scramble *x* into *digits* decimal digits; one-to-one while ``x < 10**digits``.

    :param mult: coprime to 10; different per database so that their ids don't line up.
    """
    return (x * mult + 7) % _POW10[digits]


_POW10: tuple[int, ...] = tuple(10**i for i in range(13))


class _Space:
    """One accession shape, handing out distinct accessions in a seeded, shuffled order.

    Current accessions come from the bottom of the shuffled index, secondary and deleted ones
    from its top, so the two never meet.
    """

    def __init__(self, alphabets: Sequence[str], rng: random.Random) -> None:
        self.alphabets = alphabets
        self.size = 1
        for alphabet in alphabets:
            self.size *= len(alphabet)
        self.offset = rng.randrange(self.size)
        # A step near size / golden ratio, coprime to the size: consecutive indexes land far
        # apart, and every index gets its own accession.
        self.step = int(self.size * 0.618034)
        while math.gcd(self.step, self.size) != 1:
            self.step += 1
        self.low, self.high = 0, self.size - 1

    def take(self, top: bool = False) -> str:
        """The next unused accession from the bottom, or the top, of the index."""
        while True:
            i = self.high if top else self.low
            self.high, self.low = (i - 1, self.low) if top else (self.high, i + 1)
            x = (i * self.step + self.offset) % self.size
            chars = []
            for alphabet in reversed(self.alphabets):
                x, r = divmod(x, len(alphabet))
                chars.append(alphabet[r])
            accession = "".join(reversed(chars))
            if accession not in _RESERVED:
                return accession


# Fixed entries written first, whatever the seed, so that tests can name their ids:
# accession, species, reviewed, has the gene DEMO1, isoforms, ID_types they always have.
_Anchor = tuple[str, str, bool, bool, int, str]
_ANCHORS: tuple[_Anchor, ...] = (
    ("Q9DEM0", "HUMAN", True, True, 2, "Ensembl GeneID HGNC RefSeq CCDS PDB MIM ChEMBL STRING "
     "GeneCards"),
    ("A0A0D1EMO1", "HUMAN", False, True, 0, "Ensembl GeneID HGNC"),
    ("Q9DEM1", "MOUSE", True, True, 0, "Ensembl GeneID MGI"),
    ("Q9DEM2", "YEAST", True, True, 0, "SGD Ensembl"),
    ("Q9DEM3", "ARATH", True, False, 0, "Araport EnsemblGenome"),
    ("Q9DEM4", "FRG3G", True, False, 0, "EMBL RefSeq"),
    ("Q9DEM5", "DROME", True, True, 0, "FlyBase Ensembl"),
    ("Q9DEM6", "ECOLI", True, False, 0, "EMBL EchoBASE EnsemblGenome"),
    ("Q9DEM7", "ECOLI", True, False, 0, "EMBL EchoBASE EnsemblGenome"),
)
_FIXED_SECONDARY = (("P0DEM0", "Q9DEM6"), ("P0DEM0", "Q9DEM7"), ("P0DEM1", "Q9DEM0"),
                    ("P0DEM2", "Q9DEM0"), ("A0A0D1EMS1", "A0A0D1EMO1"))
_FIXED_DELETED = {"sp": ["O0DEM0"], "tr": ["A0A0D1EMX9"]}
_RESERVED = frozenset([a[0] for a in _ANCHORS] + [s for s, _ in _FIXED_SECONDARY]
                      + _FIXED_DELETED["sp"] + _FIXED_DELETED["tr"])


class _Gen:
    """The generator's state: the entry being built, and what later entries may share."""

    acc = symbol = gene = locus = geneid = last_pdb = ""
    rev = False
    k = family = lkey = gkey = pidx = isoforms = 0
    n_embl = 1

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.spaces = {name: _Space(shape, self.rng) for name, shape in _SHAPES.items()}
        self.upi_offset = self.rng.getrandbits(34)
        self.counts = [0] * len(_SPECIES)  # entries per species
        self.named = [0] * len(_SPECIES)  # reviewed entries with a gene name, per species
        # Per species, recent (UniRef90, UniRef50) clusters that new entries may join.
        self.clusters: list[list[tuple[str, str]]] = [[] for _ in _SPECIES]
        self.previous: tuple[str, ...] = ()
        self.serial = -1
        self.sp = _SPECIES[0]

    def start(self, acc: str, sp: _Species, rev: bool, anchor: _Anchor | None) -> None:
        """Begin entry *acc*: choose its gene, locus and isoforms, and the keys of its ids."""
        rng = self.rng
        self.acc, self.sp, self.rev, self.serial = acc, sp, rev, self.serial + 1
        self.k = k = self.counts[sp.index]
        self.counts[sp.index] += 1
        self.locus = _LOCI[sp.locus[:-1]](k) if sp.locus else ""
        family, self.isoforms = -1, 0
        if anchor is not None:
            family = _DEMO if anchor[3] else -1
            self.isoforms = anchor[4]
        elif sp.style and rng.random() < (0.92 if rev else 0.55 if sp.locus else 0.8):
            family = self.named[sp.index]
            if rev:  # each reviewed gene once per species, so that entry names stay unique
                self.named[sp.index] += 1
            else:  # mostly a gene that a reviewed entry of the species has too
                family = int(rng.random() * (family * 1.5 + 30))
        if anchor is None and rev and sp.ens.startswith("ENS") and rng.random() < 0.3:
            self.isoforms = 2 + (rng.random() < 0.3)
        self.family = family
        # Gene-level ids derive from these keys, so that entries of one gene share them.
        # Genes without a name get keys above the families', chosen so that their short ids
        # (their key modulo 10**4, 10**5, 10**6) don't fall on those of the first families.
        self.lkey = family if family >= 0 else 2_555_000 + k
        self.gkey = sp.index * 8_388_608 + self.lkey
        self.symbol = _symbol(family) if family >= 0 else ""
        self.gene = _styled(self.symbol, sp.style) if family >= 0 else ""
        self.geneid = str(1 + _n(self.gkey, 7919, 9))
        self.pidx = self.serial * 4 + (1 if self.isoforms else 0)

    def entry_name(self) -> str:
        """``DEMO1_HUMAN`` (Swiss-Prot) or ``<accession>_HUMAN`` (TrEMBL)."""
        if not self.rev:
            return f"{self.acc}_{self.sp.code}"
        if self.symbol:
            return f"{self.symbol}_{self.sp.code}"
        # A digit second keeps these apart from the three-letter gene symbols.
        return f"Y{self.k % 10}{_b36(self.k // 10, 3)}_{self.sp.code}"

    def sequence(self) -> tuple[str, ...]:
        """UniParc, UniRef100, UniRef90, UniRef50 and CRC64 of the entry's sequence."""
        rng, acc, clusters = self.rng, self.acc, self.clusters[self.sp.index]
        if self.previous and rng.random() < 0.02:
            return self.previous  # the same sequence as the entry before
        upi = f"UPI{(self.serial * 0x9E3779B1 + self.upi_offset) % 2**34:010X}"
        if clusters and rng.random() < 0.35:  # joins a recent UniRef90 cluster
            u90, u50 = clusters[int(rng.random() * len(clusters))]
        else:
            u90 = "UniRef90_" + acc
            u50 = (clusters[int(rng.random() * len(clusters))][1]
                   if clusters and rng.random() < 0.4 else "UniRef50_" + acc)
        if len(clusters) < 64:
            clusters.append((u90, u50))
        else:
            clusters[self.k % 64] = (u90, u50)
        rng.getrandbits(64)  # kept, so that the draws after it stay as they were
        # the checksum of the sequence the entry files give this UniParc id
        self.previous = (upi, "UniRef100_" + acc, u90, u50, crc64(demo_sequence(upi)))
        return self.previous

    def fkey(self) -> int:
        """Key of the gene family: one gene has the same in every species."""
        return self.family if self.family >= 0 else 10_000_000 + self.gkey


# --- cross-reference makers: each returns the entry's ids in one database ---------------------

def _count(g: _Gen, more: float, most: int = 3) -> int:
    n = 1
    while n < most and g.rng.random() < more:
        n += 1
    return n


def _embl(g: _Gen) -> list[str]:
    g.n_embl = n = _count(g, 0.1)  # EMBL-CDS, next, gives one protein id per EMBL id
    out = [g.sp.genome] if g.sp.genome else []  # a genome, shared by the whole species
    for i in range(len(out), n):
        x = _n(g.pidx * 4 + i, 1_299_709, 8)
        out.append(f"{('AF', 'AY', 'BC', 'AK', 'AB', 'AJ', 'DQ', 'EU', 'KF', 'MN')[x % 10]}"
                   f"{x // 10 % 10**6:06d}")
    return out


def _cds(g: _Gen, i: int) -> str:
    x = _n(g.pidx * 4 + i, 104_729, 8)
    prefix = ("AAH", "AAT", "CAA", "CAB", "BAA", "ABF", "EAW", "AAC", "KAF", "QHD")[x % 10]
    return f"{prefix}{x // 10 % 10**5:05d}.{1 + x % 3}"


def _refseq(g: _Gen, nucleotide: bool) -> list[str]:
    sp = g.sp
    if sp.refseq:  # bacteria and viruses: their genome, and a protein id of their kind
        protein = f"YP_{_n(g.pidx, 7919, 6):06d}" if sp.tag in "gj" else \
            f"WP_{_n(g.pidx, 7919, 9):09d}"
        return [sp.refseq] if nucleotide else [protein + ".1"]
    kind = ("NM_" if nucleotide else "NP_") if g.rev else ("XM_" if nucleotide else "XP_")
    return [f"{kind}{_n(g.pidx, 7919, 6):06d}.{1 + g.pidx % 4}"]


def _ens(g: _Gen, kind: str) -> str:
    """The entry's Ensembl gene (G), transcript (T) or protein (P)."""
    style = g.sp.ens
    if style == "fly":
        n = _n(g.lkey, 7919, 7) if kind == "G" else _n(g.pidx, 104_729, 7)
        return f"FB{dict(G='gn', T='tr', P='pp')[kind]}{n:07d}"
    if style == "worm":
        return f"WBGene{_n(g.lkey, 7919, 8):08d}" if kind == "G" else g.locus + ".1"
    if style == "yeast":
        return g.locus + "_mRNA" if kind == "T" else g.locus
    if kind == "G":  # versioned, so that a version-less input must still find them
        return f"{style}G{_n(g.lkey, 7919, 6):011d}.{1 + g.lkey % 17}"
    return f"{style}{kind}{_n(g.pidx, 104_729, 7):011d}.{1 + g.pidx % 9}"


def _ensembl_genomes(g: _Gen, kind: str) -> list[str]:
    plant = g.sp.tag in "aqs"  # plants and fission yeast: transcripts named after the gene
    gene = g.locus.upper() if plant else g.locus
    if kind == "G":
        return [gene]
    return [gene + ".1" if plant else _cds(g, 0).split(".")[0]]


def _string(g: _Gen) -> list[str]:
    sp = g.sp
    if sp.ens:
        protein = _ens(g, "P").split(".")[0] if sp.ens.startswith("ENS") else _ens(g, "P")
    else:
        protein = g.locus.upper() + ".1" if sp.tag in "aq" else g.locus
    return [f"{sp.string_tax}.{protein}"] if protein else []


def _pdb(g: _Gen) -> list[str]:
    out = []
    for _ in range(_count(g, 0.35, 4)):
        if g.last_pdb and g.rng.random() < 0.15:
            out.append(g.last_pdb)  # a complex: one structure, several entries
        else:
            x = g.rng.getrandbits(24)
            out.append(f"{1 + x % 9}{_AN[x // 9 % 36]}{_L[x // 324 % 26]}{_AN[x // 8424 % 36]}")
    g.last_pdb = out[-1]
    return list(dict.fromkeys(out))


def _pool(fmt: str, size: int, more: float = 0.3) -> Callable[[_Gen], list[str]]:
    """A maker of ids from a small pool, which several entries share (pathways, drugs)."""
    def make(g: _Gen) -> list[str]:
        random = g.rng.random
        return list(dict.fromkeys(fmt.format(c=g.sp.kegg[:3].upper(),
                                             x=int(random() ** 2 * size) + 1)
                                  for _ in range(_count(g, more))))
    return make


def _gene(make: Callable[[_Gen], str]) -> Callable[[_Gen], list[str]]:
    """A maker for a database that only has entries with a gene name."""
    return lambda g: [make(g)] if g.symbol else []


def _locus(g: _Gen) -> list[str]:
    return [g.locus] if g.locus else []


_Make = Callable[[_Gen], list[str]]
_Xref = tuple[str, str, float, float, _Make]
_WITH = -1.0  # chance of an ID_type that is present exactly when the one above it is
_ALL = "hmrbzxfwysaqetplkcdvngj"  # all but the toxins, which have no genome data
_STRING = "hmrbzfwysaqetplkcdvn"
_BACT = "etplk"
# (ID_type, species tags or "*", chance if reviewed, if unreviewed, maker), in three slots
# and in the order idmapping.dat has them.
_EARLY: list[_Xref] = [
    ("GI", "*", 0.8, 0.15, lambda g: [str(_n(g.pidx * 2 + i, 15_485_863, 9))
                                     for i in range(_count(g, 0.25))]),
]
_SEQUENCE: list[_Xref] = [
    ("EMBL", "*", 0.97, 0.85, _embl),
    ("EMBL-CDS", "*", _WITH, _WITH, lambda g: [_cds(g, i) for i in range(g.n_embl)]),
]
_MAIN: list[_Xref] = [
    ("CCDS", "hm", 0.8, 0.05, lambda g: [f"CCDS{10000 + _n(g.pidx, 7919, 5) % 90000}.1"]),
    ("PIR", "hmrbyefa", 0.15, 0.0, lambda g: [f"{'ABS'[g.pidx % 3]}{_n(g.pidx, 7919, 5):05d}"]),
    ("RefSeq", _ALL, 0.9, 0.3, lambda g: _refseq(g, False)),
    ("RefSeq_NT", _ALL, _WITH, _WITH, lambda g: _refseq(g, True)),
    ("PDB", "hmrybeazfw", 0.35, 0.01, _pdb),
    ("BioGRID", "hmrzfwysae", 0.6, 0.08, lambda g: [str(100000 + _n(g.gkey, 7919, 5))]),
    ("ComplexPortal", "hmyse", 0.1, 0.0, _pool("CPX-{x}", 5000, 0.1)),
    ("DIP", "hmrfwye", 0.2, 0.01, lambda g: [f"DIP-{_n(g.gkey, 7919, 5) + 1}N"]),
    ("STRING", _STRING, 0.8, 0.25, _string),
    ("ChEMBL", "hmrye", 0.2, 0.01, lambda g: [f"CHEMBL{1000 + _n(g.gkey, 7919, 6)}"]),
    ("DrugBank", "h", 0.1, 0.0, _pool("DB{x:05d}", 1500)),
    ("GuidetoPHARMACOLOGY", "hmr", 0.1, 0.0, lambda g: [str(_n(g.lkey, 7919, 4) + 1)]),
    ("SwissLipids", "hmy", 0.05, 0.0, lambda g: [f"SLP:{_n(g.lkey, 7919, 9):09d}"]),
    ("Allergome", "hmaqy", 0.05, 0.005, lambda g: [str(_n(g.lkey, 7919, 4) + 1)]),
    ("ESTHER", "hmrbzayfe", 0.04, 0.005, _gene(lambda g: f"{g.sp.code.lower()}-{g.gene}")),
    ("MEROPS", "*", 0.05, 0.01, lambda g: [
        f"{'SCAM'[g.lkey % 4]}{g.lkey % 80 + 1:02d}.{_n(g.lkey, 7919, 3):03d}"]),
    ("PeroxiBase", "hmrabq", 0.03, 0.005, lambda g: [str(_n(g.lkey, 7919, 4) + 1)]),
    ("REBASE", _BACT, 0.3, 0.05, lambda g: [str(_n(g.gkey, 7919, 5) + 1)]),
    ("TCDB", "*", 0.06, 0.01, _pool("2.A.{x}.1.1", 120, 0.1)),
    ("GlyConnect", "hmr", 0.05, 0.0, lambda g: [str(_n(g.lkey, 7919, 4) + 1)]),
    ("BioMuta", "h", 0.8, 0.2, _gene(lambda g: g.symbol)),
    ("DMDM", "h", 0.8, 0.0, lambda g: [str(1000 + _n(g.pidx, 7919, 6))]),
    ("CPTAC", "h", 0.05, 0.0, lambda g: [f"CPTAC-{_n(g.lkey, 7919, 4) + 1}"]),
    ("ProteomicsDB", "h", 0.7, 0.1, lambda g: [str(_n(g.pidx, 7919, 6) + 1)]),
    ("DNASU", "he", 0.5, 0.05, lambda g: [g.geneid]),
    ("Ensembl", "hmrbzfwy", 0.95, 0.4, lambda g: [_ens(g, "G")]),
    ("Ensembl_TRS", "hmrbzfwy", _WITH, _WITH, lambda g: [_ens(g, "T")]),
    ("Ensembl_PRO", "hmrbzfwy", _WITH, _WITH, lambda g: [_ens(g, "P")]),
    ("EnsemblGenome", "saqetplkcdv", 0.9, 0.6, lambda g: _ensembl_genomes(g, "G")),
    ("EnsemblGenome_TRS", "saqetplkcdv", _WITH, _WITH, lambda g: _ensembl_genomes(g, "T")),
    ("EnsemblGenome_PRO", "saqetplkcdv", _WITH, _WITH, lambda g: _ensembl_genomes(g, "P")),
    ("GeneID", _ALL, 0.95, 0.45, lambda g: [g.geneid]),
    ("KEGG", _ALL, 0.9, 0.35, lambda g: [
        g.sp.kegg.format(n=g.geneid, l=g.locus, L=g.locus.upper())]),
    ("PATRIC", _BACT, 0.9, 0.6, lambda g: [f"fig|{g.sp.taxid}.3.peg.{g.k + 1}"]),
    ("UCSC", "hm", 0.8, 0.2, lambda g: [
        f"uc{1 + g.pidx % 12:03d}{_b36(_n(g.pidx, 7919, 5), 3, string.ascii_lowercase)}"
        f".{1 + g.pidx % 5}"]),
    ("WBParaSite", "n", 0.9, 0.8, lambda g: [g.locus + ".1"]),
    ("ArachnoServer", "u", 0.95, 0.6, lambda g: [f"AS{_n(g.lkey, 7919, 6):06d}"]),
    ("Araport", "a", 0.98, 0.9, lambda g: [g.locus.upper()]),
    ("CGD", "c", 0.95, 0.8, lambda g: [f"CAL{_n(g.lkey, 7919, 10):010d}"]),
    ("ClinPGx", "h", 0.5, 0.02, lambda g: [f"PA{10000 + _n(g.lkey, 7919, 6)}"]),
    ("ConoServer", "o", 0.95, 0.6, lambda g: [str(_n(g.lkey, 7919, 4) + 1)]),
    ("dictyBase", "d", 0.98, 0.9, _locus),
    ("EchoBASE", "e", 0.9, 0.3, lambda g: [f"EB{_n(g.lkey, 7919, 4):04d}"]),
    ("euHCVdb", "j", 0.95, 0.8, lambda g: [_cds(g, 0)]),
    ("FlyBase", "f", 1.0, 0.95, lambda g: [_ens(g, "G")]),
    ("GeneCards", "h", 0.95, 0.3, _gene(lambda g: g.symbol)),
    ("GeneReviews", "h", 0.1, 0.0, _gene(lambda g: g.symbol)),
    ("HGNC", "h", 0.95, 0.5, _gene(lambda g: f"HGNC:{_n(g.lkey, 7919, 5) + 1}")),
    ("LegioList", "l", 0.95, 0.9, _locus),
    ("Leproma", "k", 0.95, 0.9, _locus),
    ("MaizeGDB", "q", 0.9, 0.7, lambda g: [str(_n(g.lkey, 7919, 6) + 1)]),
    ("MGI", "m", 0.98, 0.6, _gene(lambda g: f"MGI:{87000 + _n(g.lkey, 7919, 7)}")),
    ("MIM", "h", 0.5, 0.01, _gene(lambda g: str(100000 + _n(g.lkey, 7919, 6) % 520000))),
    ("OpenTargets", "h", 0.8, 0.3, lambda g: [_ens(g, "G").split(".")[0]]),
    ("Orphanet", "h", 0.15, 0.0, _pool("{x}", 600000)),
    ("PomBase", "s", 0.98, 0.9, _locus),
    ("PseudoCAP", "p", 0.95, 0.9, _locus),
    ("RGD", "r", 0.98, 0.6, _gene(lambda g: str(1_300_000 + _n(g.lkey, 7919, 6)))),
    ("SGD", "y", 0.98, 0.9, lambda g: [f"S{_n(g.lkey, 7919, 9):09d}"]),
    ("TubercuList", "t", 0.95, 0.9, _locus),
    ("VEuPathDB", "hvc", 0.8, 0.4, lambda g: [f"HostDB:{_ens(g, 'G')}" if g.sp.tag == "h" else
                                              f"{'PlasmoDB' if g.sp.tag == 'v' else 'FungiDB'}"
                                              f":{g.locus}"]),
    ("VGNC", "b", 0.9, 0.5, _gene(lambda g: f"VGNC:{_n(g.lkey, 7919, 5) + 1}")),
    ("WormBase", "w", 0.98, 0.9, lambda g: [_ens(g, "G")]),
    ("WormBase_PRO", "w", _WITH, _WITH, lambda g: [f"CE{_n(g.pidx, 7919, 5):05d}"]),
    ("WormBase_TRS", "w", _WITH, _WITH, _locus),
    ("Xenbase", "x", 0.9, 0.6, lambda g: [f"XB-GENE-{478000 + _n(g.lkey, 7919, 7)}"]),
    ("ZFIN", "z", 0.9, 0.6, lambda g: [
        f"ZDB-GENE-0{3 + g.lkey % 7}{1 + g.lkey % 12:02d}{1 + g.lkey % 28:02d}"
        f"-{_n(g.lkey, 7919, 4) + 1}"]),
    ("eggNOG", "*", 0.9, 0.5, lambda g: [
        f"{'COG' if g.sp.tag in _BACT else 'KOG'}{_n(g.fkey(), 7919, 4) % 5000:04d}",
        f"ENOG50{_b36(_n(g.fkey(), 104_729, 7), 5)}"][:1 + g.fkey() % 8 // 7]),
    ("GeneTree", "hmrbzfw", 0.9, 0.3, lambda g: [
        f"ENSGT{390 + g.fkey() % 600:05d}000{_n(g.fkey(), 104_729, 6):06d}"]),
    ("HOGENOM", "*", 0.4, 0.15, lambda g: [
        f"CLU_{_n(g.fkey(), 1_299_709, 6):06d}_{1 + g.fkey() % 3}_{g.fkey() % 2}"]),
    ("OMA", "*", 0.5, 0.15, lambda g: [_b36(_n(g.pidx, 15_485_863, 9), 7, _L)]),
    ("OrthoDB", "*", 0.8, 0.25, lambda g: [
        f"{_n(g.fkey(), 7919, 7) + 1_000_000}at{2 if g.sp.tag in _BACT else 2759}"]),
    ("BioCyc", "eyahtpl", 0.4, 0.1, lambda g: [
        f"EcoCyc:EG{10001 + g.lkey % 14000}-MONOMER" if g.sp.tag == "e" else
        f"MetaCyc:MONOMER-{_n(g.lkey, 7919, 5)}"]),
    ("PlantReactome", "aq", 0.3, 0.05, _pool("R-OSA-{x}", 600)),
    ("Reactome", "hmrbzfwysd", 0.6, 0.1, _pool("R-{c}-{x}", 5000)),
    ("UniPathway", "etplkya", 0.15, 0.02, _pool("UPA{x:05d}", 400, 0.1)),
    ("ChiTaRS", "hmrzfd", 0.6, 0.05, _gene(lambda g: g.gene)),
    ("GeneWiki", "h", 0.5, 0.0, _gene(lambda g: g.symbol)),
    ("GenomeRNAi", "hfw", 0.6, 0.05, lambda g: [g.geneid]),
    ("PHI-base", "cpld", 0.15, 0.02, lambda g: [f"PHI:{_n(g.lkey, 7919, 4) + 1}"]),
    ("CollecTF", _BACT, 0.1, 0.01, lambda g: [f"EXPREG_{_n(g.lkey, 7919, 9):08x}"]),
    ("DisProt", "hmy", 0.05, 0.0, lambda g: [f"DP{_n(g.lkey, 7919, 4) + 1:05d}"]),
    ("IDEAL", "hmy", 0.03, 0.0, lambda g: [f"IID{_n(g.lkey, 7919, 5):05d}"]),
]
# In entries with isoforms these are stated per isoform (``Q9DEM0-1``), as UniProt does.
_ISOFORM_TYPES = frozenset({"CCDS", "RefSeq", "RefSeq_NT", "Ensembl_TRS", "Ensembl_PRO"})
_Plan = tuple[tuple[str, float, _Make], ...]


def _plan(sp: _Species, rev: bool, force: frozenset[str] = frozenset()) -> tuple[_Plan, ...]:
    """The cross-references an entry of *sp* may have, slot by slot, with their chances.

    :param force: ID_types that are always present (in the fixed entries); the ones that go
        with them (Ensembl_TRS with Ensembl) follow.
    """
    slots = []
    for table in (_EARLY, _SEQUENCE, _MAIN):
        plan, keep = [], False
        for id_type, tags, p_rev, p_unrev, make in table:
            if tags == "*" or sp.tag in tags:
                chance = p_rev if rev else p_unrev
                if chance != _WITH:
                    chance = 1.0 if id_type in force else chance
                    keep = chance > 0  # never present: leave it and its followers out
                if keep:
                    plan.append((id_type, chance, make))
        slots.append(tuple(plan))
    return tuple(slots)


# --- entries -------------------------------------------------------------------------------

# idmapping_selected.tab, column by column: an ID_type of idmapping.dat, or # for columns that
# idmapping.dat has no rows for.
_SELECTED = ("", "UniProtKB-ID", "GeneID", "RefSeq", "GI", "PDB", "#GO", "UniRef100",
             "UniRef90", "UniRef50", "UniParc", "PIR", "NCBI_TaxID", "MIM", "#UniGene",
             "#PubMed", "EMBL", "EMBL-CDS", "Ensembl", "Ensembl_TRS", "Ensembl_PRO",
             "#Additional PubMed")
_SELECTED_TYPES = frozenset(c for c in _SELECTED if c and not c.startswith("#"))
_Rows = list[tuple[str, list[str]]]


def _names(g: _Gen) -> _Rows:
    """The entry name and gene-name rows of the entry."""
    rows: _Rows = [("UniProtKB-ID", [g.entry_name()])]
    if g.gene:
        rows.append(("Gene_Name", [g.gene]))
        if g.family == _DEMO or g.rng.random() < 0.15:
            alias = "DMO1" if g.family == _DEMO else _symbol((g.family * 31 + 7) % _FAMILIES)
            rows.append(("Gene_Synonym", [_styled(alias, g.sp.style)]))
    if g.locus:
        kind = "Gene_OrderedLocusName" if g.sp.locus.endswith("O") else "Gene_ORFName"
        rows.append((kind, [g.locus]))
    elif not g.gene and g.sp.tag in "hm" and g.rng.random() < 0.3:
        # Celera ORF names (hCG_, mCG_): entries whose only gene name is an ORF name.
        rows.append(("Gene_ORFName", [f"{g.sp.tag}CG_{1_640_000 + g.k * 7}"]))
    return rows


def _xrefs(g: _Gen, plan: _Plan, rows: _Rows, isoforms: list[_Rows]) -> None:
    """Draw the entry's cross-references of one slot into *rows* and *isoforms*."""
    random = g.rng.random
    present = False
    for id_type, chance, make in plan:
        if chance != _WITH:
            present = random() < chance
        if not present:
            continue
        if isoforms and id_type in _ISOFORM_TYPES:
            for number, isoform in enumerate(isoforms, 1):
                g.pidx = g.serial * 4 + number
                isoform.append((id_type, make(g)))
            g.pidx = g.serial * 4 + 1
        elif values := make(g):
            rows.append((id_type, values))


def _entry(g: _Gen, plan: tuple[_Plan, ...], acc: str) -> tuple[str, str]:
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


def _selected(g: _Gen, rows: _Rows, isoforms: list[_Rows]) -> str:
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


_PLANS = {(sp.index, rev): _plan(sp, rev) for sp in _SPECIES for rev in (False, True)}


def _next(g: _Gen, i: int) -> tuple[str, tuple[_Plan, ...]]:
    """Start the *i*-th entry: its accession and its plan of cross-references."""
    if i < len(_ANCHORS):
        acc, code, rev, _, _, force = _ANCHORS[i]
        g.start(acc, _BY_CODE[code], rev, _ANCHORS[i])
        return acc, _plan(_BY_CODE[code], rev, frozenset(force.split()))
    rng = g.rng
    sp = _PICK[int(rng.random() * len(_PICK))]
    rev, shape = rng.random() < 0.25, rng.random()
    space = ("opq" if shape < 0.8 else "six") if rev else ("ten" if shape < 0.75 else "six")
    acc = g.spaces[space].take()
    g.start(acc, sp, rev, None)
    return acc, _PLANS[sp.index, rev]


def _secondaries(g: _Gen, acc: str, split: str, out: list[tuple[str, str]]) -> str:
    """Add secondary accessions of entry *acc*; return a split awaiting its second entry."""
    if split:
        out.append((split, acc))
        split = ""
    rng = g.rng
    if rng.random() < 0.04:  # merged entries
        space = g.spaces["opq" if g.rev else "ten"]
        out.extend((space.take(top=True), acc) for _ in range(_count(g, 0.15, 2)))
    if rng.random() < 0.002:  # an entry split in two: its accession goes to this and the next
        split = g.spaces["opq"].take(top=True)
        out.append((split, acc))
    return split


class _Compressor:
    """Gzip files written by a background thread, so that compressing overlaps generating.

    zlib releases the GIL while it deflates, which puts a second core to work.
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


def _write_entries(g: _Gen, count: int, out: _Compressor) -> list[tuple[str, str]]:
    """Write *count* entries to the two ``.gz`` files; return the secondary accessions."""
    secondary: list[tuple[str, str]] = []
    dat: list[str] = []
    selected: list[str] = []
    split = ""
    for i in range(count):
        acc, plan = _next(g, i)
        lines, line = _entry(g, plan, acc)
        dat.append(lines)
        selected.append(line)
        if i >= len(_ANCHORS):
            split = _secondaries(g, acc, split, secondary)
        if len(dat) == _CHUNK or i == count - 1:
            out.write(0, "".join(dat))
            out.write(1, "".join(selected))
            dat.clear()
            selected.clear()
    written = {a[0] for a in _ANCHORS[:count]}
    return sorted(secondary + [pair for pair in _FIXED_SECONDARY if pair[1] in written])


def _deleted(g: _Gen, count: int) -> dict[str, list[str]]:
    """Deleted accessions of Swiss-Prot (sp) and TrEMBL (tr), never current ones."""
    take = g.spaces
    sp = [take["opq" if i % 4 else "six"].take(top=True) for i in range(max(2, count // 300))]
    tr = [take["ten" if i % 4 else "six"].take(top=True) for i in range(max(3, count // 60))]
    return {"sp": sorted(_FIXED_DELETED["sp"] + sp), "tr": sorted(_FIXED_DELETED["tr"] + tr)}


# --- the text files ------------------------------------------------------------------------

_RULE = "-" * 76
_SEC_AC_TEXT = """\
This file lists all secondary accession numbers in UniProtKB (Swiss-Prot and
TrEMBL), together with their corresponding current primary accession number(s).
Accession numbers become secondary when entries are merged or split. When two
entries are merged into one, the accession numbers from both entries are stored
for the new entry.

If an existing entry is split into two or more entries (a rare occurrence),
the original accession numbers are retained in all the derived entries and a
new primary accession number is added to all the entries.

An accession number is dropped only when the data to which it was assigned have
been completely removed from the database. Accession numbers deleted from
Swiss-Prot are listed in the document file delac_sp.txt and those deleted
from TrEMBL are listed in delac_tr.txt.

Secondary AC                  Primary AC
____________                  __________
"""
_DELAC_TEXT = {"sp": """\
Deleted entries are almost exclusively Open Reading Frames (ORFs) that
have been wrongly predicted to code for proteins. When there is enough
evidence that  these  hypothetical  proteins  are not real we take the
decision to remove them from UniProtKB/Swiss-Prot.
""", "tr": """\
Most deleted entries are translations of coding sequences that have been
removed from their source (EMBL/GenBank/DDBJ, Ensembl or RefSeq), or that
belong to redundant or excluded proteomes.
"""}


def _banner(title: str, description: str, name: str, release: str) -> str:
    return (f"{_RULE}\n        {title}\n"
            "        SIB Swiss Institute of Bioinformatics; Geneva, Switzerland\n"
            "        European Bioinformatics Institute (EBI); Hinxton, United Kingdom\n"
            "        Protein Information Resource (PIR); Washington DC, USA\n"
            f"{_RULE}\n\nDescription: {description}\nName:        {name}\n"
            f"Release:     {release}\n\n{_RULE}\n\n")


def _sec_ac(pairs: list[tuple[str, str]]) -> str:
    # Like UniProt's, this header has a leading empty line and states only the release date.
    head = "\n" + _banner("UniProt Protein Knowledgebase", "Secondary accession numbers: index",
                          "SEC_AC.TXT", RELEASE_DATE)
    return head + _SEC_AC_TEXT + "".join(f"{sec:<34}{pri}\n" for sec, pri in pairs)


def _delac(source: str, accessions: list[str]) -> str:
    name, other = ("Swiss-Prot", "TrEMBL") if source == "sp" else ("TrEMBL", "Swiss-Prot")
    head = _banner(f"UniProt - {name} Protein Knowledgebase",
                   f"Accession numbers deleted from UniProtKB/{name}", f"delac_{source}.txt",
                   f"{RELEASE} of {RELEASE_DATE}")
    text = (f"This file lists the accession numbers of UniProtKB/{name} entries\n"
            f"which have been deleted from the database.\n\n{_DELAC_TEXT[source]}\n"
            f"Also see the file delac_{'tr' if source == 'sp' else 'sp'}.txt for the list of "
            f"accession numbers which\nhave been deleted in UniProtKB/{other}.\n\n\n")
    body = "".join(f"{acc}\n" for acc in accessions)
    return f"{head}{text}Accession number\n________________\n{body}"


def _reldate() -> str:
    return (f"UniProt Knowledgebase Release {RELEASE} consists of:\n"
            f"UniProtKB/Swiss-Prot Release {RELEASE} of {RELEASE_DATE}\n"
            f"UniProtKB/TrEMBL Release {RELEASE} of {RELEASE_DATE}\n")


# --- public --------------------------------------------------------------------------------

def generate(directory: Path, accessions: int = 3000, seed: int = 1,
             compresslevel: int = 6) -> list[Path]:
    """Write a release into *directory* and return the files written.

    :param directory: where to write; created if missing. Files of the same names are replaced.
    :param accessions: how many UniProtKB entries (about 19 idmapping.dat lines each).
    :param seed: the same seed and arguments give byte-identical files.
    :param compresslevel: gzip level of the two ``.gz`` files.
    :raises ValueError: *accessions* is not between 1 and :data:`MAX_ACCESSIONS`.
    """
    if not 1 <= accessions <= MAX_ACCESSIONS:
        raise ValueError(f"accessions must be between 1 and {MAX_ACCESSIONS:,}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in FILES]
    g = _Gen(seed)
    compressor = _Compressor(paths[:2], compresslevel)
    try:
        secondary = _write_entries(g, accessions, compressor)
    finally:
        compressor.close()
    deleted = _deleted(g, accessions)
    texts = (_sec_ac(secondary), _delac("sp", deleted["sp"]), _delac("tr", deleted["tr"]),
             _reldate())
    for path, text in zip(paths[2:6], texts, strict=True):
        path.write_text(text, encoding="ascii", newline="\n")
    from idmapping.demo.entries import write_entry_files

    write_entry_files(directory, paths[0])
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m idmapping.demo DIR [--accessions N] [--seed S]``.

    :param argv: the arguments; by default the command line's.
    """
    parser = argparse.ArgumentParser(prog="python -m idmapping.demo",
                                     description="Write a demo UniProt release into DIR.")
    parser.add_argument("directory", metavar="DIR", type=Path, help="folder to write into")
    parser.add_argument("--accessions", type=int, default=3000, help="entries (default 3000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--compresslevel", type=int, default=6, choices=range(10),
                        metavar="0-9", help="gzip level (default 6)")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.directory, args.accessions, args.seed, args.compresslevel)
    except ValueError as exc:
        parser.error(str(exc))
    for path in paths:
        print(path)
