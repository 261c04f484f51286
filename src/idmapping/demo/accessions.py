"""The demo's UniProtKB accessions: generated ones, in UniProt's three shapes, and the fixed
entries, secondary and deleted accessions that tests can name whatever the seed.

>>> import random
>>> space = AccessionSpace(SHAPES["opq"], random.Random(1))
>>> len(space.take()), space.take(top=True) != space.take()
(6, True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from idmapping.demo.codes import ALNUM, DIGITS, UPPER

__all__ = ["SHAPES", "AccessionSpace", "Anchor", "ANCHORS", "FIXED_SECONDARY", "FIXED_DELETED",
           "RESERVED"]

# Accession shapes of UniProt's pattern: Swiss-Prot style, 6-char and 10-char TrEMBL style.
SHAPES = {"opq": ("OPQ", DIGITS, ALNUM, ALNUM, ALNUM, DIGITS),
          "six": ("ABCDEFGHIJKLMNRSTUVWXYZ", DIGITS, UPPER, ALNUM, ALNUM, DIGITS),
          "ten": ("A", "0", "A", ALNUM, ALNUM, DIGITS, UPPER, ALNUM, ALNUM, DIGITS)}


class AccessionSpace:
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
            if accession not in RESERVED:
                return accession


# Fixed entries written first, whatever the seed, so that tests can name their ids:
# accession, species, reviewed, has the gene DEMO1, isoforms, ID_types they always have.
Anchor = tuple[str, str, bool, bool, int, str]
ANCHORS: tuple[Anchor, ...] = (
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
FIXED_SECONDARY = (("P0DEM0", "Q9DEM6"), ("P0DEM0", "Q9DEM7"), ("P0DEM1", "Q9DEM0"),
                   ("P0DEM2", "Q9DEM0"), ("A0A0D1EMS1", "A0A0D1EMO1"))
FIXED_DELETED = {"sp": ["O0DEM0"], "tr": ["A0A0D1EMX9"]}
RESERVED = frozenset([a[0] for a in ANCHORS] + [s for s, _ in FIXED_SECONDARY]
                     + FIXED_DELETED["sp"] + FIXED_DELETED["tr"])
