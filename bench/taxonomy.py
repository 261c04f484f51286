"""``python -m bench.taxonomy``: ``taxId`` of a large clade on a taxonomy of realistic size
(issue 17).

    python -m bench.taxonomy                          # SQLite, 300,000 taxa
    python -m bench.taxonomy --store postgresql://…   # an empty PostgreSQL database
    python -m bench.taxonomy --taxa 2500000           # as many taxa as NCBI's taxonomy

The taxonomy is generated here in taxdump's form (nodes.dmp and names.dmp; no NCBI file is
read): a root, "cellular organisms", Bacteria (2) and Eukaryota (2759) with about half of the
taxa each, in random trees a dozen levels deep, the demo release's taxa among the leaves of
Eukaryota. It is loaded with the demo release, and every accession of the release is mapped
(UniProtKB_AC-ID to UniProtKB) with ``taxId`` of the root, of each kingdom, and of a species.

Each mapping is timed twice in the same run, taking turns: with the clade spans computed at
load (``spans``, how a release is read now) and walking down the taxonomy from the taxon at
each query (``walk``, how a release loaded before the spans is read); the ratio is the walk's
time over the spans'. Both must map the same ids to the same entries.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import random
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from idmapping.loader import demo_dir, load_release
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest, Release
from idmapping.store import open_store
from idmapping.store.base import Store
from idmapping.store.plans import AccessionMisses, AccessionPlan, LookupPlan

ROOT, CELLULAR, BACTERIA, EUKARYOTA = 1, 131567, 2, 2759


def release_taxa(dat: Path) -> dict[str, int]:
    """The taxon of each accession of an idmapping.dat."""
    found = {}
    with gzip.open(dat, "rt") if dat.suffix == ".gz" else dat.open() as lines:
        for line in lines:
            accession, id_type, value = line.rstrip("\n").split("\t")
            if id_type == "NCBI_TaxID":
                found[accession] = int(value)
    return found


def generate_parents(count: int, leaves: Iterable[int] = (), seed: int = 1
                     ) -> tuple[dict[int, int], int]:
    """The parent of each taxon of a generated taxonomy of about *count* taxa with *leaves*
    below Eukaryota, and a taxon of the leaves' level above one of them."""
    rng = random.Random(seed)
    parents = {ROOT: ROOT, CELLULAR: ROOT, BACTERIA: CELLULAR, EUKARYOTA: CELLULAR}
    clades: dict[int, list[int]] = {BACTERIA: [BACTERIA], EUKARYOTA: [EUKARYOTA]}
    next_id = 3_000_000
    for n in range(count - len(parents) - len(leaves)):
        clade = clades[BACTERIA if n % 2 else EUKARYOTA]
        # a parent among the latest taxa mostly: trees a dozen or more levels deep
        parent = clade[max(0, len(clade) - 1 - int(rng.expovariate(1 / 50)))] \
            if rng.random() < 0.7 else rng.choice(clade)
        parents[next_id] = parent
        clade.append(next_id)
        next_id += 1
    species = 0
    for leaf in sorted(leaves):
        species = parents[leaf] = rng.choice(clades[EUKARYOTA][-1000:])
    return parents, species


def write_taxdump(directory: Path, count: int, leaves: set[int], seed: int = 1
                  ) -> tuple[list[Path], int]:
    """nodes.dmp and names.dmp of a generated taxonomy (:func:`generate_parents`); returns
    the files and a taxon of the leaves' level above one of them."""
    parents, species = generate_parents(count, leaves, seed)
    return write_dmp(directory, parents), species


def write_dmp(directory: Path, parents: dict[int, int]) -> list[Path]:
    """nodes.dmp and names.dmp of the taxa of *parents* (taxon: parent)."""
    directory.mkdir(parents=True, exist_ok=True)
    nodes, names = directory / "nodes.dmp", directory / "names.dmp"
    with nodes.open("w") as out:
        for taxon, parent in parents.items():
            out.write(f"{taxon}\t|\t{parent}\t|\tno rank\t|\t\t|\t0\t|\t1\t|\t1\t|\t1\t|\t0\t|"
                      f"\t1\t|\t0\t|\t0\t|\t\t|\n")
    with names.open("w") as out:
        for taxon in parents:
            out.write(f"{taxon}\t|\ttaxon {taxon}\t|\t\t|\tscientific name\t|\n")
    return [nodes, names]


class Walking:
    """A store whose lookups walk down the taxonomy (the plan of a release loaded without
    clade spans); everything else is the store's."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def lookup(self, plan: LookupPlan, release: Release | None = None) -> Any:
        return self._store.lookup(dataclasses.replace(plan, walk=True), release)

    def accession_misses(self, plan: AccessionPlan) -> AccessionMisses:
        # every input a miss, so that each goes through the walking lookup (the accession
        # probe would read the spans)
        release = self._store.accession_misses(plan).release
        return AccessionMisses(release, list(range(len(plan.keys))))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.taxonomy")
    parser.add_argument("--store", help="store URL or path [default: a temporary SQLite file]")
    parser.add_argument("--taxa", type=int, default=300_000, help="taxa in the taxonomy")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, the best kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = [p for p in sorted(demo_dir().iterdir()) if p.is_file()
                 and "idmapping.dat" in p.name]
        taxa = release_taxa(files[0])
        taxdump, species = write_taxdump(Path(tmp) / "taxdump", args.taxa, set(taxa.values()))
        with open_store(args.store or str(Path(tmp) / "bench.sqlite")) as store:
            started = time.perf_counter()
            release = load_release([*files, *taxdump], store)
            print(f"loaded {release.name} with {release.stats.get('taxa', 0):,} taxa in "
                  f"{time.perf_counter() - started:.1f} s")
            accessions = tuple(taxa)
            readers = {"spans": store, "walk": cast(Store, Walking(store))}
            for taxon, what in ((ROOT, "root"), (EUKARYOTA, "Eukaryota"),
                                (BACTERIA, "Bacteria"), (species, "a species")):
                request = MappingRequest("UniProtKB_AC-ID", "UniProtKB", accessions, str(taxon))
                best: dict[str, float] = {}
                answers: dict[str, list[tuple[str, str]]] = {}
                for _ in range(args.runs):  # in turns, so that both see the same machine
                    for name, reader in readers.items():
                        started = time.perf_counter()
                        pairs = [(p.from_id, p.to_id) for p in map_ids(reader, request)]
                        seconds = time.perf_counter() - started
                        best[name] = min(best.get(name, seconds), seconds)
                        answers[name] = pairs
                if answers["spans"] != answers["walk"]:
                    raise SystemExit(f"taxId={taxon}: spans and walk map differently")
                print(f"taxId={taxon} ({what}): {len(answers['spans']):,} of "
                      f"{len(accessions):,} accessions; spans {best['spans'] * 1000:.0f} ms, "
                      f"walk {best['walk'] * 1000:.0f} ms: "
                      f"{best['walk'] / best['spans']:.1f}x")


if __name__ == "__main__":
    main()
