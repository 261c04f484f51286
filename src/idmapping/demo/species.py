"""The demo's organisms, and how each writes its gene names, loci and cross-references.

>>> BY_CODE["HUMAN"].taxid, BY_CODE["MOUSE"].kegg
('9606', 'mmu:{n}')
>>> gene_symbol(DEMO_FAMILY), styled_name("QWX17", "C"), styled_name("QWX17", "W")
('DEMO1', 'Qwx17', 'qwx-17')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from idmapping.demo.codes import DIGITS, UPPER

__all__ = ["Species", "SPECIES", "BY_CODE", "PICK", "LOCI", "FAMILIES", "DEMO_FAMILY",
           "gene_symbol", "styled_name"]


@dataclass(frozen=True)
class Species:
    """An organism, and how its genes and cross-references are written.

    :param tag: one letter, matched against the species tags of the cross-reference table.
    :param weight: its share of the entries, per mille.
    :param style: gene-name case: U upper, C capitalised, L lower, W worm, B bacteria, - none.
    :param locus: a key of :data:`LOCI` then O (ordered locus name) or F (ORF name).
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


def _species(index: int, line: str) -> Species:
    code, taxid, tag, weight, *rest = (f if f != "-" else "" for f in line.split())
    return Species(index, code, taxid, tag, int(weight), *rest)


SPECIES = tuple(_species(i, line) for i, line in enumerate(_SPECIES_TABLE.split("\n")[1:-1]))
BY_CODE = {sp.code: sp for sp in SPECIES}
PICK = tuple(sp for sp in SPECIES for _ in range(sp.weight))  # 1000 slots: one draw picks

# Ordered-locus and ORF names: a distinct one for the k-th entry of a species.
LOCI: dict[str, Callable[[int], str]] = {
    "b": lambda k: f"b{k + 1:04d}",
    "at": lambda k: f"At{k % 5 + 1}g{k // 5 * 10 + 1010:05d}",
    "y": lambda k: f"Y{UPPER[k % 16]}{'LR'[k // 16 % 2]}{k // 32 + 1:03d}{'CW'[k // 32 % 2]}",
    "rv": lambda k: f"Rv{k + 1:04d}",
    "pa": lambda k: f"PA{k + 1:04d}",
    "lpg": lambda k: f"lpg{k + 1:04d}",
    "ml": lambda k: f"ML{k + 1:04d}",
    "sp": lambda k: f"SP{'ABC'[k % 3]}C{k // 60 + 1002}.{k // 3 % 20 + 1:02d}",
    "ce": lambda k: (f"{'CFKTWYZ'[k // 9 % 7]}{k // 63 % 50 + 1:02d}{UPPER[k // 3150 % 8]}"
                     f"{k // 25200 + 1}.{k % 9 + 1}"),
    "cg": lambda k: f"CG{k * 3 + 1001}",
    "zm": lambda k: f"Zm00001d{k * 7 + 1001:06d}",
    "orf19": lambda k: f"orf19.{k + 1}",
    "ddb": lambda k: f"DDB_G{k * 7 + 267178:07d}",
    "pf": lambda k: f"PF3D7_{k % 14 + 1:02d}{(k // 14 + 1) * 100:05d}",
    "bm": lambda k: f"Bm{k + 1}",
    "fv3": lambda k: f"FV3-{k + 1:03d}{'RL'[k % 2]}",
}

FAMILIES = 26**3 * 99  # gene symbols: three letters and a number 1-99
DEMO_FAMILY = FAMILIES  # the family of the fixed gene DEMO1, outside the generated ones


def gene_symbol(family: int) -> str:
    """The gene symbol of a gene family, the same in every species (``QWX17``)."""
    if family == DEMO_FAMILY:
        return "DEMO1"
    # 1_000_003 is coprime to FAMILIES: a permutation, so families never share a symbol.
    letters, number = divmod((family * 1_000_003 + 424_242) % FAMILIES, 99)
    return f"{UPPER[letters // 676]}{UPPER[letters // 26 % 26]}{UPPER[letters % 26]}{number + 1}"


def styled_name(symbol: str, style: str) -> str:
    """*symbol* written as the species writes gene names (``Qwx17``, ``qwx-17``, ``qwxQ``)."""
    letters = symbol.rstrip(DIGITS)
    return {"U": symbol, "C": symbol.capitalize(),
            "W": f"{letters.lower()}-{symbol[len(letters):]}",
            "B": letters.lower() + UPPER[int(symbol[len(letters):]) % 26]
            }.get(style, symbol.lower())

