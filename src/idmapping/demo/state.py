"""The generator's state: the entry being drawn (its species, gene, locus and the keys its ids
derive from), and what later entries may share with it (clusters, sequences, structures).
"""

from __future__ import annotations

import random

from idmapping.demo.accessions import SHAPES, AccessionSpace, Anchor
from idmapping.demo.codes import b36, scramble
from idmapping.demo.entries import demo_sequence
from idmapping.demo.species import (
    DEMO_FAMILY,
    LOCI,
    SPECIES,
    Species,
    gene_symbol,
    styled_name,
)
from idmapping.uniprot.common import crc64

__all__ = ["GeneratorState"]


class GeneratorState:
    """The generator's state: the entry being built, and what later entries may share.

    :param seed: the seed of its one random generator, from which every draw comes in turn.
    """

    acc = symbol = gene = locus = geneid = last_pdb = ""
    rev = False
    k = family = lkey = gkey = pidx = isoforms = 0
    n_embl = 1

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.spaces = {name: AccessionSpace(shape, self.rng) for name, shape in SHAPES.items()}
        self.upi_offset = self.rng.getrandbits(34)
        self.counts = [0] * len(SPECIES)  # entries per species
        self.named = [0] * len(SPECIES)  # reviewed entries with a gene name, per species
        # Per species, recent (UniRef90, UniRef50) clusters that new entries may join.
        self.clusters: list[list[tuple[str, str]]] = [[] for _ in SPECIES]
        self.previous: tuple[str, ...] = ()
        self.serial = -1
        self.sp = SPECIES[0]

    def start(self, acc: str, sp: Species, rev: bool, anchor: Anchor | None) -> None:
        """Begin entry *acc*: choose its gene, locus and isoforms, and the keys of its ids.

        :param sp: its species.
        :param rev: whether it is reviewed (Swiss-Prot).
        :param anchor: its line of :data:`~idmapping.demo.accessions.ANCHORS` if it is fixed.
        """
        rng = self.rng
        self.acc, self.sp, self.rev, self.serial = acc, sp, rev, self.serial + 1
        self.k = k = self.counts[sp.index]
        self.counts[sp.index] += 1
        self.locus = LOCI[sp.locus[:-1]](k) if sp.locus else ""
        family, self.isoforms = -1, 0
        if anchor is not None:
            family = DEMO_FAMILY if anchor[3] else -1
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
        self.symbol = gene_symbol(family) if family >= 0 else ""
        self.gene = styled_name(self.symbol, sp.style) if family >= 0 else ""
        self.geneid = str(1 + scramble(self.gkey, 7919, 9))
        self.pidx = self.serial * 4 + (1 if self.isoforms else 0)

    def count(self, more: float, most: int = 3) -> int:
        """How many ids: one, and one more for each draw under *more*, up to *most*."""
        n = 1
        while n < most and self.rng.random() < more:
            n += 1
        return n

    def entry_name(self) -> str:
        """``DEMO1_HUMAN`` (Swiss-Prot) or ``<accession>_HUMAN`` (TrEMBL)."""
        if not self.rev:
            return f"{self.acc}_{self.sp.code}"
        if self.symbol:
            return f"{self.symbol}_{self.sp.code}"
        # A digit second keeps these apart from the three-letter gene symbols.
        return f"Y{self.k % 10}{b36(self.k // 10, 3)}_{self.sp.code}"

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

