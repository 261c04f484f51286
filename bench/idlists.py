"""The id lists that are mapped: drawn, seeded, from the ids a release really holds.

Each list names the API's ``from``/``to`` and the ``ID_type`` of idmapping.dat its ids come
from; accessions are the entries' own (the first column, one ``UniProtKB-ID`` row each).
Lists are written once beside the release (``ids-genes-20000.txt``) and re-used.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from pathlib import Path

from bench.release import BenchRelease

__all__ = ["ListSpec", "IdList", "SPECS", "available", "id_list", "growth_specs"]

ACCESSIONS = "UniProtKB-ID"
"""The ID_type whose rows give one accession per entry."""


@dataclass(frozen=True)
class ListSpec:
    """What to map.

    :param key: a short name (``genes``).
    :param dat_type: the ID_type of idmapping.dat the ids are drawn from.
    :param size: how many ids; fewer when the release has fewer.
    """

    key: str
    from_db: str
    to_db: str
    dat_type: str
    size: int

    def sized(self, size: int) -> ListSpec:
        """The same list with another size."""
        return replace(self, size=size)


@dataclass(frozen=True)
class IdList:
    """A drawn list: its spec (with the size it really has) and the file of its ids."""

    spec: ListSpec
    path: Path

    @property
    def name(self) -> str:
        """``genes-20000``: the key a figure is stored under."""
        return f"{self.spec.key}-{self.spec.size}"

    def ids(self) -> list[str]:
        """The ids, one per line of the file."""
        return self.path.read_text().split()


SPECS = (
    ListSpec("ensembl", "Ensembl", "UniProtKB", "Ensembl", 1_000),
    ListSpec("genes", "Gene_Name", "UniProtKB", "Gene_Name", 20_000),
    ListSpec("refseq", "RefSeq_Protein", "UniProtKB", "RefSeq", 100_000),
    ListSpec("accessions", "UniProtKB_AC-ID", "UniProtKB", ACCESSIONS, 1_000_000),
)
"""The lists of figure 2, largest last."""


def _values_sql(dat: Path, dat_type: str) -> str:
    column = "acc" if dat_type == ACCESSIONS else "value"
    return (f"SELECT DISTINCT {column} AS id FROM read_csv('{dat}', delim='\t', header=false, "
            "quote='', escape='', columns={'acc': 'VARCHAR', 'type': 'VARCHAR', "
            f"'value': 'VARCHAR'}}) WHERE type = '{dat_type}' ORDER BY id")


def _pool(release: BenchRelease, dat_type: str) -> list[str]:
    """Every distinct id of *dat_type* in the release, sorted (cached beside the release)."""
    path = release.directory / f"pool-{dat_type}.txt"
    if not path.exists():
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        rows = con.execute(_values_sql(release.dat, dat_type)).fetchall()
        path.write_text("".join(f"{r[0]}\n" for r in rows))
    return path.read_text().split()


def available(release: BenchRelease, spec: ListSpec) -> int:
    """How many distinct ids the release holds for *spec*."""
    counts_path = release.directory / "pool-counts.json"
    counts = json.loads(counts_path.read_text()) if counts_path.exists() else {}
    if spec.dat_type not in counts:
        counts[spec.dat_type] = len(_pool(release, spec.dat_type))
        counts_path.write_text(json.dumps(counts, indent=1))
    return int(counts[spec.dat_type])


def id_list(release: BenchRelease, spec: ListSpec, seed: int = 1) -> IdList:
    """The list of *spec* drawn from *release*: a seeded sample, in random order."""
    size = min(spec.size, available(release, spec))
    spec = spec.sized(size)
    path = release.directory / f"ids-{spec.key}-{size}-s{seed}.txt"
    if not path.exists():
        pool = _pool(release, spec.dat_type)
        chosen = random.Random(f"{spec.key}/{seed}").sample(pool, size)
        path.write_text("".join(f"{i}\n" for i in chosen))
    return IdList(spec, path)


def growth_specs(small: BenchRelease) -> list[ListSpec]:
    """The lists mapped on both releases of figure 5: each as large as the small one allows."""
    return [spec.sized(min(spec.size, available(small, spec))) for spec in SPECS]
