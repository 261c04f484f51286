"""A foreign-shaped test release: one that shares nothing with the shipped demo release.

The demo release (made by ``idmapping demo``) and the API release of ``conftest.py`` share
shapes with the code that reads them. Users' releases do not; this one is shaped as UniProt's
per-organism files are and as the demo is not:

- one organism, not human (budding yeast, strain S288c, taxon 559292), and no Swiss-Prot
  entry: every entry is unreviewed (``ACCESSION_YEAST`` entry names);
- idmapping.dat, sec_ac.txt and delac_tr.txt only: no entry files, no idmapping_selected.tab,
  no delac_sp.txt, no reldate.txt;
- accessions of both formats (``[A-NR-Z][0-9][A-Z][A-Z0-9]{2}[0-9]`` and 10 characters), drawn
  at random (seeded), so none is an accession that a page or a test types in;
- isoform rows (``ACC-2  RefSeq_NT  NM_…``, ``ACC-1  Ensembl_PRO  …``) next to entry rows;
- ID types that no catalogue database uses (``UniGene``, ``HOVERGEN``, ``MINT``, ``BioGrid``,
  ``KO``, ``Gene3D`` …) beside catalogue ones spelled as the real files spell them;
- versioned and unversioned values, and values of several hundred characters.

Tests take the ids they need from :class:`ForeignRelease` (read back from the files written),
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
UNCATALOGUED = ("UniGene", "HOVERGEN", "MINT", "BioGrid", "KO", "Gene3D", "PANTHER")


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
    """The files of a foreign-shaped release and what they hold, read back from them."""

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
        return list(dict.fromkeys(a for a, _, _ in self.rows if "-" not in a))

    def isoform_rows(self) -> list[tuple[str, str, str]]:
        return [r for r in self.rows if "-" in r[0]]

    def id_types(self) -> set[str]:
        return {kind for _, kind, _ in self.rows}


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
        locus = f"Y{'ABCDEFGHIJKLMNOP'[n % 16]}{'LR'[n % 2]}{n:03d}{'CW'[n % 2]}"
        gene = f"{rng.choice('ABCDEFGHKMNPRST')}{rng.choice('ABCDEFGHKMNPRST')}" \
               f"{rng.choice('ABCDEFGHKMNPRST')}{n % 40 + 1}"
        upi = "UPI" + "".join(rng.choice("0123456789ABCDEF") for _ in range(10))
        entry = [
            ("UniProtKB-ID", f"{acc}_YEAST"),
            ("Gene_Name", gene),
            ("Gene_OrderedLocusName", locus),
            ("GeneID", str(850000 + n * 7)),
            ("SGD", f"S{n * 37 + 1000:09d}"),
            ("STRING", f"{TAXON}.{locus}"),
            ("KEGG", f"sce:{locus}"),
            ("EnsemblGenome", locus),
            ("EnsemblGenome_TRS", f"{locus}_mRNA"),
            ("EnsemblGenome_PRO", locus),
            ("RefSeq", f"NP_{9000 + n:06d}.{1 + n % 3}"),
            ("RefSeq_NT", f"NM_{1000 + n:06d}.{1 + n % 2}"),
            ("EMBL", f"Z{n + 10000:05d}"),
            ("EMBL-CDS", f"CAA{n + 90000:05d}.{1 + n % 4}"),
            ("UniParc", upi),
            ("UniRef100", f"UniRef100_{acc}"),
            ("UniRef90", f"UniRef90_{accessions[n - n % 3]}"),
            ("UniRef50", f"UniRef50_{accessions[n - n % 6]}"),
            ("NCBI_TaxID", str(TAXON)),
            (UNCATALOGUED[n % len(UNCATALOGUED)], f"{UNCATALOGUED[n % len(UNCATALOGUED)]}:{n}"),
            ("OMA", "".join(rng.choice(string.ascii_uppercase) for _ in range(6))),
        ]
        if n % 5 == 0:
            entry.append(("Gene_Synonym", f"{gene}-{'X' * (n % 7 + 1)}"))
        if n % 11 == 0:  # a very long value, as some ID types have
            entry.append(("PATRIC", "fig|" + "-".join(str(rng.randrange(10**6))
                                                      for _ in range(40))))
        rows.extend((acc, kind, value) for kind, value in entry)
        if n % 4 == 0:  # isoform-level rows, as real files have them
            rows.append((f"{acc}-1", "Ensembl_PRO", f"{locus}.P1"))
            rows.append((f"{acc}-2", "RefSeq_NT", f"NM_{5000 + n:06d}.1"))
            rows.append((f"{acc}-2", "RefSeq", f"NP_{5000 + n:06d}.1"))
    secondary = {}
    while len(secondary) < 6:
        acc = _accession(rng, long=False)
        if acc not in accessions:
            secondary[acc] = accessions[len(secondary) * 5]
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
