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
from collections.abc import Sequence
from pathlib import Path

from idmapping.demo.entries import write_entry_files
from idmapping.demo.mappingfiles import Compressor, deleted_accessions, write_entries
from idmapping.demo.state import GeneratorState
from idmapping.demo.textfiles import (
    RELEASE,
    RELEASE_DATE,
    delac_text,
    reldate_text,
    sec_ac_text,
)

__all__ = ["generate", "main", "RELEASE", "RELEASE_DATE", "FILES", "MAX_ACCESSIONS"]

FILES = ("idmapping.dat.gz", "idmapping_selected.tab.gz", "sec_ac.txt", "delac_sp.txt",
         "delac_tr.txt", "reldate.txt", "uniprot_sprot.dat.gz", "uniprot_trembl.dat.gz",
         "uniref100.xml.gz", "uniref90.xml.gz", "uniref50.xml.gz", "uniparc_all.xml.gz",
         "uniprot_sprot_varsplic.fasta.gz")
MAX_ACCESSIONS = 20_000_000


def generate(directory: Path, accessions: int = 3000, seed: int = 1,
             compresslevel: int = 6, entry_files: bool = True) -> list[Path]:
    """Write a release into *directory* and return the files written.

    :param directory: where to write; created if missing. Files of the same names are replaced.
    :param accessions: how many UniProtKB entries (about 19 idmapping.dat lines each).
    :param seed: the same seed and arguments give byte-identical files.
    :param compresslevel: gzip level of the two ``.gz`` files.
    :param entry_files: also write the entry files (flat files, UniRef and UniParc XML), two
        thirds of the time; without them the files written are the mapping files alone.
    :raises ValueError: *accessions* is not between 1 and :data:`MAX_ACCESSIONS`.
    """
    if not 1 <= accessions <= MAX_ACCESSIONS:
        raise ValueError(f"accessions must be between 1 and {MAX_ACCESSIONS:,}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in FILES]
    state = GeneratorState(seed)
    compressor = Compressor(paths[:2], compresslevel)
    try:
        secondary = write_entries(state, accessions, compressor)
    finally:
        compressor.close()
    deleted = deleted_accessions(state, accessions)
    texts = (sec_ac_text(secondary), delac_text("sp", deleted["sp"]),
             delac_text("tr", deleted["tr"]), reldate_text())
    for path, text in zip(paths[2:6], texts, strict=True):
        path.write_text(text, encoding="ascii", newline="\n")
    if not entry_files:
        return paths[:6]
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
    parser.add_argument("--no-entry-files", dest="entry_files", action="store_false",
                        help="write the mapping files only (idmapping.dat, idmapping_selected.tab, "
                             "sec_ac.txt, the delac files and reldate.txt)")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.directory, args.accessions, args.seed, args.compresslevel,
                         args.entry_files)
    except ValueError as exc:
        parser.error(str(exc))
    for path in paths:
        print(path)
