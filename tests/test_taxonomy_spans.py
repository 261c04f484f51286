"""Clade spans (``store/taxonspans.py``): a taxon's span holds exactly the taxa that walking
down the tree from it finds, on generated trees of every shape (random, chains, stars, forests,
ids in any order, parents nodes.dmp does not list, loops), merged taxa sit where the taxon
they were merged into does; and a release loaded with a generated taxdump maps ``taxId`` by
those spans on both stores, written a few rows per batch so that the batching is exercised.

The reference here is the definition, not the code: the descendants of each taxon found by
walking down a map of children, as the store's recursive query does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from idmapping.loader import load_release
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store, taxonspans
from idmapping.store.taxonspans import CladeSpans, clade_spans
from releases import ReleaseFacts
from stores import BACKENDS, fresh_store

Nodes = list[tuple[int, int]]


def _descendants(nodes: Nodes) -> dict[int, set[int]]:
    """Every taxon's clade (itself and the taxa below it), walking down from it; the
    parents that are not listed are taxa too."""
    children: dict[int, list[int]] = {}
    for taxon, parent in nodes:
        children.setdefault(taxon, [])
        if taxon != parent:
            children.setdefault(parent, []).append(taxon)
    found = {}
    for top in children:
        clade, todo = {top}, [top]
        while todo:
            for kid in children[todo.pop()]:
                if kid not in clade:
                    clade.add(kid)
                    todo.append(kid)
        found[top] = clade
    return found


def _where(spans: CladeSpans | None) -> dict[int, tuple[int, int]]:
    assert spans is not None
    rows = [row for batch in spans.rows(size=5) for row in batch]
    assert rows == [row for batch in spans.rows() for row in batch]  # batches cover them all
    where = {taxon: (low, high) for taxon, low, high in rows}
    assert len(where) == len(rows)  # one span per taxon
    return where


def _check(nodes: Nodes, merged: Sequence[tuple[int, int]] = ()) -> None:
    clades = _descendants(nodes)
    where = _where(clade_spans(nodes, merged))
    taxa = sorted(clades, key=lambda t: where[t][0])
    assert [where[t][0] for t in taxa] == list(range(len(taxa)))  # one number per taxon
    for taxon, clade in clades.items():
        low, high = where[taxon]
        assert set(taxa[low:high + 1]) == clade, taxon
    for old, new in merged:
        if old in clades:  # a taxon of its own keeps its span
            continue
        if new in clades:  # a merged taxon sits where its new one does, with no clade
            assert where[old] == (where[new][0], where[new][0]), old
        else:
            assert old not in where, old
    assert set(where) == set(clades) | {o for o, n in merged if n in clades}


def _ids(rng: random.Random, count: int, sparse: bool = False) -> list[int]:
    """*count* distinct taxon ids in random order: a parent's id may be above its child's.
    Dense ids, as NCBI's, are found in a table by id, *sparse* ones by a binary search."""
    return rng.sample(range(2, 2**40 if sparse else 10 * count), count)


@pytest.mark.parametrize("seed", range(6))
def test_random_trees(seed: int) -> None:
    rng = random.Random(seed)
    ids = [1, *_ids(rng, 2500, sparse=seed >= 4)]
    # taxon 1 the root, its own parent; each other taxon under an earlier one, mostly a recent
    # one (deep trees), some under a parent nodes.dmp does not list
    nodes = [(1, 1)]
    for n, taxon in enumerate(ids[1:], 1):
        if rng.random() < 0.03:
            parent = 10**7 + rng.randrange(4)
        else:
            parent = ids[max(0, n - 1 - int(rng.expovariate(1 / 5)))] if rng.random() < 0.8 \
                else ids[rng.randrange(n)]
        nodes.append((taxon, parent))
    rng.shuffle(nodes)
    merged = [(rng.randrange(10**8, 2 * 10**8), rng.choice(ids)) for _ in range(60)]
    merged += [(ids[5], ids[6]),  # an old id that is a taxon too keeps its own span
               (3 * 10**8, 4 * 10**8),  # merged into no taxon: no span
               (3 * 10**8 + 1, 10**7)]  # into a parent that is not listed
    _check(nodes, merged)


@pytest.mark.parametrize("size", [1, 2, 700])
def test_chains(size: int) -> None:
    rng = random.Random(size)
    ids = _ids(rng, size, sparse=size == 2)
    nodes = [(ids[0], ids[0])] + [(ids[n], ids[n - 1]) for n in range(1, size)]
    rng.shuffle(nodes)
    _check(nodes, [(10**9, ids[-1])])
    _check(nodes[1:] if size > 1 else nodes)  # the chain under a parent that is not listed


def test_stars() -> None:
    rng = random.Random(3)
    ids = _ids(rng, 3000)
    _check([(1, 1), *((t, 1) for t in ids)])
    _check([(t, 1) for t in ids])  # the centre not listed
    _check([(t, t) for t in ids])  # roots alone: a forest of single taxa


def test_forests() -> None:
    rng = random.Random(4)
    ids = _ids(rng, 2000)
    roots = ids[:7]
    nodes = [(r, r) for r in roots[:4]]  # some roots their own parent, some not listed
    nodes += [(t, rng.choice(ids[:n])) for n, t in enumerate(ids[7:], 7)]
    rng.shuffle(nodes)
    _check(nodes, [(10**9 + n, r) for n, r in enumerate(roots)])


def test_loops_have_no_spans() -> None:
    tree = [(1, 1), (2, 1), (3, 2), (4, 2)]
    assert clade_spans([*tree, (5, 6), (6, 5)]) is None  # a loop apart
    assert clade_spans([*tree, (5, 6), (6, 7), (7, 5), (8, 5), (9, 8)]) is None  # taxa below it
    assert clade_spans([(1, 2), (2, 1)]) is None  # nothing but a loop
    _check(tree)  # a root that is its own parent is no loop


def test_nothing() -> None:
    assert len(_where(clade_spans([], [(5, 1)]))) == 0


# -- both stores, a release loaded with a generated taxdump -----------------------------------


def _tree(strain: int, rng: random.Random) -> Nodes:
    """A random tree of some 600 taxa under taxon 1 (its own parent), *strain* among them."""
    ids = [t for t in _ids(rng, 600) if t != strain] + [strain]
    rng.shuffle(ids)
    nodes = [(1, 1)]
    for n, taxon in enumerate(ids):
        nodes.append((taxon, 1 if n == 0 else ids[max(0, n - 1 - int(rng.expovariate(1 / 4)))]))
    return nodes


def _write_taxdump(directory: Path, nodes: Nodes, merged: Nodes, deleted: list[int]
                   ) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    texts = {
        "nodes.dmp": "".join(f"{t}\t|\t{p}\t|\tno rank\t|\t\t|\t4\t|\t1\t|\t1\t|\t1\t|\t3\t|"
                             f"\t1\t|\t0\t|\t0\t|\t\t|\n" for t, p in nodes),
        "names.dmp": "".join(f"{t}\t|\ttaxon {t}\t|\t\t|\tscientific name\t|\n"
                             for t, _ in nodes),
        "merged.dmp": "".join(f"{old}\t|\t{new}\t|\n" for old, new in merged),
        "delnodes.dmp": "".join(f"{t}\t|\n" for t in deleted),
    }
    for name, text in texts.items():
        (directory / name).write_text(text)
    return [directory / name for name in texts]


@pytest.fixture(scope="module")
def foreign(release_facts: dict[str, ReleaseFacts]) -> ReleaseFacts:
    return release_facts["foreign"]


@pytest.fixture(scope="module")
def strain(foreign: ReleaseFacts) -> int:
    """The taxon of the foreign release's entries."""
    taxa = {e.taxon for e in foreign.entries.values()}
    assert len(taxa) == 1 and None not in taxa, taxa
    return int(taxa.pop())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def generated(strain: int) -> tuple[Nodes, Nodes, list[int]]:
    """The tree, merged.dmp (into random taxa, the strain's ancestors among them) and
    delnodes.dmp."""
    rng = random.Random(17)
    nodes = _tree(strain, rng)
    taxa = [t for t, _ in nodes]
    merged = [(10**8 + n, rng.choice(taxa)) for n in range(40)]
    return nodes, merged, [10**8 + 1000 + n for n in range(5)]


@pytest.fixture(scope="module", params=BACKENDS)
def spans_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                foreign: ReleaseFacts, generated: tuple[Nodes, Nodes, list[int]]
                ) -> Iterator[Store]:
    """The foreign release with the generated taxdump, its spans written 7 at a time."""
    directory = tmp_path_factory.mktemp("spans")
    taxdump = _write_taxdump(directory / "taxdump", *generated)
    with pytest.MonkeyPatch.context() as patch, \
            fresh_store(str(request.param), directory) as store:
        patch.setattr(taxonspans, "BATCH", 7)
        load_release([*foreign.files, *taxdump], store)
        patch.undo()
        yield store


def test_stores_map_taxid_by_the_clades_of_a_generated_tree(
        spans_store: Store, foreign: ReleaseFacts, strain: int,
        generated: tuple[Nodes, Nodes, list[int]]) -> None:
    nodes, merged, deleted = generated
    assert "taxon_spans" in spans_store._release_parts()  # type: ignore[attr-defined]
    clades = _descendants(nodes)
    above = {t for t, clade in clades.items() if strain in clade}  # the strain's lineage
    rng = random.Random(5)
    asked = [*above, *rng.sample(sorted(clades.keys() - above), 60),
             *(old for old, _ in merged), *deleted]
    accessions = foreign.accessions()[:5]
    for taxon in asked:
        run = map_ids(spans_store, MappingRequest("UniProtKB_AC-ID", "UniProtKB",
                                                  tuple(accessions), str(taxon)))
        new = dict(merged).get(taxon, taxon)
        expected = set(accessions) if new in above else set()
        assert {p.to_id for p in run} == expected, taxon
