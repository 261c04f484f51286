"""The cross-reference plan: for each ID_type of idmapping.dat, the species that have it, its
chance in reviewed and unreviewed entries, and the maker of an entry's ids in it.

Each maker takes the :class:`~idmapping.demo.state.GeneratorState` of the entry being drawn and
returns its ids in one database; ids of one gene (Ensembl genes, HGNC, MIM ...) derive from
keys the entries of that gene share, ids of one protein from the entry's own.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from idmapping.demo.codes import ALNUM, UPPER, b36, scramble
from idmapping.demo.species import SPECIES, Species
from idmapping.demo.state import GeneratorState

__all__ = ["Make", "Plan", "WITH", "ISOFORM_TYPES", "xref_plan", "PLANS"]


def _embl(g: GeneratorState) -> list[str]:
    g.n_embl = n = g.count(0.1)  # EMBL-CDS, next, gives one protein id per EMBL id
    out = [g.sp.genome] if g.sp.genome else []  # a genome, shared by the whole species
    for i in range(len(out), n):
        x = scramble(g.pidx * 4 + i, 1_299_709, 8)
        out.append(f"{('AF', 'AY', 'BC', 'AK', 'AB', 'AJ', 'DQ', 'EU', 'KF', 'MN')[x % 10]}"
                   f"{x // 10 % 10**6:06d}")
    return out


def _cds(g: GeneratorState, i: int) -> str:
    x = scramble(g.pidx * 4 + i, 104_729, 8)
    prefix = ("AAH", "AAT", "CAA", "CAB", "BAA", "ABF", "EAW", "AAC", "KAF", "QHD")[x % 10]
    return f"{prefix}{x // 10 % 10**5:05d}.{1 + x % 3}"


def _refseq(g: GeneratorState, nucleotide: bool) -> list[str]:
    sp = g.sp
    if sp.refseq:  # bacteria and viruses: their genome, and a protein id of their kind
        protein = f"YP_{scramble(g.pidx, 7919, 6):06d}" if sp.tag in "gj" else \
            f"WP_{scramble(g.pidx, 7919, 9):09d}"
        return [sp.refseq] if nucleotide else [protein + ".1"]
    kind = ("NM_" if nucleotide else "NP_") if g.rev else ("XM_" if nucleotide else "XP_")
    return [f"{kind}{scramble(g.pidx, 7919, 6):06d}.{1 + g.pidx % 4}"]


def _ens(g: GeneratorState, kind: str) -> str:
    """The entry's Ensembl gene (G), transcript (T) or protein (P)."""
    style = g.sp.ens
    if style == "fly":
        n = scramble(g.lkey, 7919, 7) if kind == "G" else scramble(g.pidx, 104_729, 7)
        return f"FB{dict(G='gn', T='tr', P='pp')[kind]}{n:07d}"
    if style == "worm":
        return f"WBGene{scramble(g.lkey, 7919, 8):08d}" if kind == "G" else g.locus + ".1"
    if style == "yeast":
        return g.locus + "_mRNA" if kind == "T" else g.locus
    if kind == "G":  # versioned, so that a version-less input must still find them
        return f"{style}G{scramble(g.lkey, 7919, 6):011d}.{1 + g.lkey % 17}"
    return f"{style}{kind}{scramble(g.pidx, 104_729, 7):011d}.{1 + g.pidx % 9}"


def _ensembl_genomes(g: GeneratorState, kind: str) -> list[str]:
    plant = g.sp.tag in "aqs"  # plants and fission yeast: transcripts named after the gene
    gene = g.locus.upper() if plant else g.locus
    if kind == "G":
        return [gene]
    return [gene + ".1" if plant else _cds(g, 0).split(".")[0]]


def _string(g: GeneratorState) -> list[str]:
    sp = g.sp
    if sp.ens:
        protein = _ens(g, "P").split(".")[0] if sp.ens.startswith("ENS") else _ens(g, "P")
    else:
        protein = g.locus.upper() + ".1" if sp.tag in "aq" else g.locus
    return [f"{sp.string_tax}.{protein}"] if protein else []


def _pdb(g: GeneratorState) -> list[str]:
    out = []
    for _ in range(g.count(0.35, 4)):
        if g.last_pdb and g.rng.random() < 0.15:
            out.append(g.last_pdb)  # a complex: one structure, several entries
        else:
            x = g.rng.getrandbits(24)
            out.append(f"{1 + x % 9}{ALNUM[x // 9 % 36]}{UPPER[x // 324 % 26]}"
                       f"{ALNUM[x // 8424 % 36]}")
    g.last_pdb = out[-1]
    return list(dict.fromkeys(out))


def _pool(fmt: str, size: int, more: float = 0.3) -> Callable[[GeneratorState], list[str]]:
    """A maker of ids from a small pool, which several entries share (pathways, drugs)."""
    def make(g: GeneratorState) -> list[str]:
        random = g.rng.random
        return list(dict.fromkeys(fmt.format(c=g.sp.kegg[:3].upper(),
                                             x=int(random() ** 2 * size) + 1)
                                  for _ in range(g.count(more))))
    return make


def _gene(make: Callable[[GeneratorState], str]) -> Callable[[GeneratorState], list[str]]:
    """A maker for a database that only has entries with a gene name."""
    return lambda g: [make(g)] if g.symbol else []


def _locus(g: GeneratorState) -> list[str]:
    return [g.locus] if g.locus else []


Make = Callable[[GeneratorState], list[str]]
_Xref = tuple[str, str, float, float, Make]
WITH = -1.0  # chance of an ID_type that is present exactly when the one above it is
_ALL = "hmrbzxfwysaqetplkcdvngj"  # all but the toxins, which have no genome data
_STRING = "hmrbzfwysaqetplkcdvn"
_BACT = "etplk"
# (ID_type, species tags or "*", chance if reviewed, if unreviewed, maker), in three slots
# and in the order idmapping.dat has them.
_EARLY: list[_Xref] = [
    ("GI", "*", 0.8, 0.15, lambda g: [str(scramble(g.pidx * 2 + i, 15_485_863, 9))
                                     for i in range(g.count(0.25))]),
]
_SEQUENCE: list[_Xref] = [
    ("EMBL", "*", 0.97, 0.85, _embl),
    ("EMBL-CDS", "*", WITH, WITH, lambda g: [_cds(g, i) for i in range(g.n_embl)]),
]
_MAIN: list[_Xref] = [
    ("CCDS", "hm", 0.8, 0.05, lambda g: [f"CCDS{10000 + scramble(g.pidx, 7919, 5) % 90000}.1"]),
    ("PIR", "hmrbyefa", 0.15, 0.0, lambda g: [
        f"{'ABS'[g.pidx % 3]}{scramble(g.pidx, 7919, 5):05d}"]),
    ("RefSeq", _ALL, 0.9, 0.3, lambda g: _refseq(g, False)),
    ("RefSeq_NT", _ALL, WITH, WITH, lambda g: _refseq(g, True)),
    ("PDB", "hmrybeazfw", 0.35, 0.01, _pdb),
    ("BioGRID", "hmrzfwysae", 0.6, 0.08, lambda g: [str(100000 + scramble(g.gkey, 7919, 5))]),
    ("ComplexPortal", "hmyse", 0.1, 0.0, _pool("CPX-{x}", 5000, 0.1)),
    ("DIP", "hmrfwye", 0.2, 0.01, lambda g: [f"DIP-{scramble(g.gkey, 7919, 5) + 1}N"]),
    ("STRING", _STRING, 0.8, 0.25, _string),
    ("ChEMBL", "hmrye", 0.2, 0.01, lambda g: [f"CHEMBL{1000 + scramble(g.gkey, 7919, 6)}"]),
    ("DrugBank", "h", 0.1, 0.0, _pool("DB{x:05d}", 1500)),
    ("GuidetoPHARMACOLOGY", "hmr", 0.1, 0.0, lambda g: [str(scramble(g.lkey, 7919, 4) + 1)]),
    ("SwissLipids", "hmy", 0.05, 0.0, lambda g: [f"SLP:{scramble(g.lkey, 7919, 9):09d}"]),
    ("Allergome", "hmaqy", 0.05, 0.005, lambda g: [str(scramble(g.lkey, 7919, 4) + 1)]),
    ("ESTHER", "hmrbzayfe", 0.04, 0.005, _gene(lambda g: f"{g.sp.code.lower()}-{g.gene}")),
    ("MEROPS", "*", 0.05, 0.01, lambda g: [
        f"{'SCAM'[g.lkey % 4]}{g.lkey % 80 + 1:02d}.{scramble(g.lkey, 7919, 3):03d}"]),
    ("PeroxiBase", "hmrabq", 0.03, 0.005, lambda g: [str(scramble(g.lkey, 7919, 4) + 1)]),
    ("REBASE", _BACT, 0.3, 0.05, lambda g: [str(scramble(g.gkey, 7919, 5) + 1)]),
    ("TCDB", "*", 0.06, 0.01, _pool("2.A.{x}.1.1", 120, 0.1)),
    ("GlyConnect", "hmr", 0.05, 0.0, lambda g: [str(scramble(g.lkey, 7919, 4) + 1)]),
    ("BioMuta", "h", 0.8, 0.2, _gene(lambda g: g.symbol)),
    ("DMDM", "h", 0.8, 0.0, lambda g: [str(1000 + scramble(g.pidx, 7919, 6))]),
    ("CPTAC", "h", 0.05, 0.0, lambda g: [f"CPTAC-{scramble(g.lkey, 7919, 4) + 1}"]),
    ("ProteomicsDB", "h", 0.7, 0.1, lambda g: [str(scramble(g.pidx, 7919, 6) + 1)]),
    ("DNASU", "he", 0.5, 0.05, lambda g: [g.geneid]),
    ("Ensembl", "hmrbzfwy", 0.95, 0.4, lambda g: [_ens(g, "G")]),
    ("Ensembl_TRS", "hmrbzfwy", WITH, WITH, lambda g: [_ens(g, "T")]),
    ("Ensembl_PRO", "hmrbzfwy", WITH, WITH, lambda g: [_ens(g, "P")]),
    ("EnsemblGenome", "saqetplkcdv", 0.9, 0.6, lambda g: _ensembl_genomes(g, "G")),
    ("EnsemblGenome_TRS", "saqetplkcdv", WITH, WITH, lambda g: _ensembl_genomes(g, "T")),
    ("EnsemblGenome_PRO", "saqetplkcdv", WITH, WITH, lambda g: _ensembl_genomes(g, "P")),
    ("GeneID", _ALL, 0.95, 0.45, lambda g: [g.geneid]),
    ("KEGG", _ALL, 0.9, 0.35, lambda g: [
        g.sp.kegg.format(n=g.geneid, l=g.locus, L=g.locus.upper())]),
    ("PATRIC", _BACT, 0.9, 0.6, lambda g: [f"fig|{g.sp.taxid}.3.peg.{g.k + 1}"]),
    ("UCSC", "hm", 0.8, 0.2, lambda g: [
        f"uc{1 + g.pidx % 12:03d}{b36(scramble(g.pidx, 7919, 5), 3, string.ascii_lowercase)}"
        f".{1 + g.pidx % 5}"]),
    ("WBParaSite", "n", 0.9, 0.8, lambda g: [g.locus + ".1"]),
    ("ArachnoServer", "u", 0.95, 0.6, lambda g: [f"AS{scramble(g.lkey, 7919, 6):06d}"]),
    ("Araport", "a", 0.98, 0.9, lambda g: [g.locus.upper()]),
    ("CGD", "c", 0.95, 0.8, lambda g: [f"CAL{scramble(g.lkey, 7919, 10):010d}"]),
    ("ClinPGx", "h", 0.5, 0.02, lambda g: [f"PA{10000 + scramble(g.lkey, 7919, 6)}"]),
    ("ConoServer", "o", 0.95, 0.6, lambda g: [str(scramble(g.lkey, 7919, 4) + 1)]),
    ("dictyBase", "d", 0.98, 0.9, _locus),
    ("EchoBASE", "e", 0.9, 0.3, lambda g: [f"EB{scramble(g.lkey, 7919, 4):04d}"]),
    ("euHCVdb", "j", 0.95, 0.8, lambda g: [_cds(g, 0)]),
    ("FlyBase", "f", 1.0, 0.95, lambda g: [_ens(g, "G")]),
    ("GeneCards", "h", 0.95, 0.3, _gene(lambda g: g.symbol)),
    ("GeneReviews", "h", 0.1, 0.0, _gene(lambda g: g.symbol)),
    ("HGNC", "h", 0.95, 0.5, _gene(lambda g: f"HGNC:{scramble(g.lkey, 7919, 5) + 1}")),
    ("LegioList", "l", 0.95, 0.9, _locus),
    ("Leproma", "k", 0.95, 0.9, _locus),
    ("MaizeGDB", "q", 0.9, 0.7, lambda g: [str(scramble(g.lkey, 7919, 6) + 1)]),
    ("MGI", "m", 0.98, 0.6, _gene(lambda g: f"MGI:{87000 + scramble(g.lkey, 7919, 7)}")),
    ("MIM", "h", 0.5, 0.01, _gene(lambda g: str(100000 + scramble(g.lkey, 7919, 6) % 520000))),
    ("OpenTargets", "h", 0.8, 0.3, lambda g: [_ens(g, "G").split(".")[0]]),
    ("Orphanet", "h", 0.15, 0.0, _pool("{x}", 600000)),
    ("PomBase", "s", 0.98, 0.9, _locus),
    ("PseudoCAP", "p", 0.95, 0.9, _locus),
    ("RGD", "r", 0.98, 0.6, _gene(lambda g: str(1_300_000 + scramble(g.lkey, 7919, 6)))),
    ("SGD", "y", 0.98, 0.9, lambda g: [f"S{scramble(g.lkey, 7919, 9):09d}"]),
    ("TubercuList", "t", 0.95, 0.9, _locus),
    ("VEuPathDB", "hvc", 0.8, 0.4, lambda g: [f"HostDB:{_ens(g, 'G')}" if g.sp.tag == "h" else
                                              f"{'PlasmoDB' if g.sp.tag == 'v' else 'FungiDB'}"
                                              f":{g.locus}"]),
    ("VGNC", "b", 0.9, 0.5, _gene(lambda g: f"VGNC:{scramble(g.lkey, 7919, 5) + 1}")),
    ("WormBase", "w", 0.98, 0.9, lambda g: [_ens(g, "G")]),
    ("WormBase_PRO", "w", WITH, WITH, lambda g: [f"CE{scramble(g.pidx, 7919, 5):05d}"]),
    ("WormBase_TRS", "w", WITH, WITH, _locus),
    ("Xenbase", "x", 0.9, 0.6, lambda g: [f"XB-GENE-{478000 + scramble(g.lkey, 7919, 7)}"]),
    ("ZFIN", "z", 0.9, 0.6, lambda g: [
        f"ZDB-GENE-0{3 + g.lkey % 7}{1 + g.lkey % 12:02d}{1 + g.lkey % 28:02d}"
        f"-{scramble(g.lkey, 7919, 4) + 1}"]),
    ("eggNOG", "*", 0.9, 0.5, lambda g: [
        f"{'COG' if g.sp.tag in _BACT else 'KOG'}{scramble(g.fkey(), 7919, 4) % 5000:04d}",
        f"ENOG50{b36(scramble(g.fkey(), 104_729, 7), 5)}"][:1 + g.fkey() % 8 // 7]),
    ("GeneTree", "hmrbzfw", 0.9, 0.3, lambda g: [
        f"ENSGT{390 + g.fkey() % 600:05d}000{scramble(g.fkey(), 104_729, 6):06d}"]),
    ("HOGENOM", "*", 0.4, 0.15, lambda g: [
        f"CLU_{scramble(g.fkey(), 1_299_709, 6):06d}_{1 + g.fkey() % 3}_{g.fkey() % 2}"]),
    ("OMA", "*", 0.5, 0.15, lambda g: [b36(scramble(g.pidx, 15_485_863, 9), 7, UPPER)]),
    ("OrthoDB", "*", 0.8, 0.25, lambda g: [
        f"{scramble(g.fkey(), 7919, 7) + 1_000_000}at{2 if g.sp.tag in _BACT else 2759}"]),
    ("BioCyc", "eyahtpl", 0.4, 0.1, lambda g: [
        f"EcoCyc:EG{10001 + g.lkey % 14000}-MONOMER" if g.sp.tag == "e" else
        f"MetaCyc:MONOMER-{scramble(g.lkey, 7919, 5)}"]),
    ("PlantReactome", "aq", 0.3, 0.05, _pool("R-OSA-{x}", 600)),
    ("Reactome", "hmrbzfwysd", 0.6, 0.1, _pool("R-{c}-{x}", 5000)),
    ("UniPathway", "etplkya", 0.15, 0.02, _pool("UPA{x:05d}", 400, 0.1)),
    ("ChiTaRS", "hmrzfd", 0.6, 0.05, _gene(lambda g: g.gene)),
    ("GeneWiki", "h", 0.5, 0.0, _gene(lambda g: g.symbol)),
    ("GenomeRNAi", "hfw", 0.6, 0.05, lambda g: [g.geneid]),
    ("PHI-base", "cpld", 0.15, 0.02, lambda g: [f"PHI:{scramble(g.lkey, 7919, 4) + 1}"]),
    ("CollecTF", _BACT, 0.1, 0.01, lambda g: [f"EXPREG_{scramble(g.lkey, 7919, 9):08x}"]),
    ("DisProt", "hmy", 0.05, 0.0, lambda g: [f"DP{scramble(g.lkey, 7919, 4) + 1:05d}"]),
    ("IDEAL", "hmy", 0.03, 0.0, lambda g: [f"IID{scramble(g.lkey, 7919, 5):05d}"]),
]
# In entries with isoforms these are stated per isoform (``Q9DEM0-1``), as UniProt does.
ISOFORM_TYPES = frozenset({"CCDS", "RefSeq", "RefSeq_NT", "Ensembl_TRS", "Ensembl_PRO"})
Plan = tuple[tuple[str, float, Make], ...]


def xref_plan(sp: Species, rev: bool, force: frozenset[str] = frozenset()) -> tuple[Plan, ...]:
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
                if chance != WITH:
                    chance = 1.0 if id_type in force else chance
                    keep = chance > 0  # never present: leave it and its followers out
                if keep:
                    plan.append((id_type, chance, make))
        slots.append(tuple(plan))
    return tuple(slots)


PLANS = {(sp.index, rev): xref_plan(sp, rev) for sp in SPECIES for rev in (False, True)}
"""The plan of every species, for reviewed and unreviewed entries."""
