"""The mapping engine on every release (the demo and the foreign one) and both stores: ids drawn
from the release's files map as docs/mapping.md says, and as the files say."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from idmapping.catalogue import AC_ID, Catalogue, Database
from idmapping.errors import InvalidRequest
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store
from idmapping.store.plans import AccessionPlan
from idmapping.store.sqlite import SqliteStore
from releases import ReleaseFacts, from_databases, to_databases

Expected = tuple[list[tuple[str, str]], list[str]]


@dataclass
class Mapped:
    """What a mapping gave: its pairs, failedIds, the ids with UniParc suggestions instead
    (they map to no entry either), and its obsoleteCount."""

    pairs: list[tuple[str, str]]
    failed: list[str]
    suggested: list[str]
    obsolete: int

    @property
    def unmapped(self) -> list[str]:
        return self.failed + self.suggested


def run(store: Store, from_db: str, to_db: str, ids: list[str], tax_id: str = "") -> Mapped:
    mapping = map_ids(store, MappingRequest(from_db, to_db, tuple(ids), tax_id))
    found = [(p.from_id, p.to_id) for p in mapping]
    return Mapped(found, mapping.failed_ids, [s["from"] for s in mapping.suggested_ids],
                  mapping.obsolete_count)


def expect(per_input: dict[str, list[str]]) -> Expected:
    """The pairs and failedIds of inputs whose results are *per_input*, in input order."""
    found = [(i, to) for i, targets in per_input.items() for to in targets]
    return found, [i for i, targets in per_input.items() if not targets]


def inputs_of(release: ReleaseFacts, database: Database) -> list[str]:
    """Ids of *database* to map: a sample as stored, one in another case, and for a versioned
    database one without its version and one with a version no id has."""
    assert database.dat_type is not None
    sample = release.sample(database.dat_type, 4)
    if database.dat_type == "Gene_Name":  # and a name that only an ordered locus or ORF gives
        derived = [release.values(a, "Gene_Name")[0] for a, e in release.entries.items()
                   if "Gene_Name" not in e.values and release.values(a, "Gene_Name")]
        sample += derived[:1]
    ids = list(sample)
    swapped = sample[0].swapcase()
    if swapped != sample[0]:
        ids.append(swapped)
    if database.versioned:
        versioned = next((v for v in sample if "." in v and v.rsplit(".", 1)[1].isdigit()), None)
        if versioned is not None:
            base = versioned.rsplit(".", 1)[0]
            ids += [base, f"{base}.999"]
    return list(dict.fromkeys(ids))


def test_the_release_holds_what_the_generic_tests_need(release: ReleaseFacts) -> None:
    # every database below is tested: a release that offers none would test nothing
    assert len(from_databases(release)) >= 15 and len(to_databases(release)) >= 15
    assert release.isoforms() and release.secondary and release.deleted


def test_every_from_database_maps_its_ids_back_to_the_files_entries(
        release: ReleaseFacts, release_store: Store) -> None:
    for database in from_databases(release):
        ids = inputs_of(release, database)
        wanted = expect({i: release.entries_of(database, i) for i in ids})
        mapping = run(release_store, database.name, "UniProtKB", ids)
        assert mapping.pairs == wanted[0], database.name
        assert mapping.unmapped == wanted[1], database.name
        assert mapping.obsolete == 0


def test_every_to_database_gets_the_files_ids_of_each_entry(
        release: ReleaseFacts, release_store: Store) -> None:
    for database in to_databases(release):
        assert database.dat_type is not None
        holding = release.carriers(database.dat_type, 3)
        lacking = next((a for a in release.entries
                        if not release.values(a, database.dat_type)), None)
        ids = holding + ([lacking] if lacking else [])
        wanted = expect({a: release.values(a, database.dat_type) for a in ids})
        mapping = run(release_store, AC_ID, database.name, ids)
        assert (mapping.pairs, mapping.failed) == wanted, database.name


def test_uniprot_id_forms(release: ReleaseFacts, release_store: Store) -> None:
    named = [a for a, e in release.entries.items() if e.name][:3]
    ids = {}
    for acc in named:
        name = release.entries[acc].name
        assert name is not None
        ids.update({acc.lower(): acc, name: acc, name.lower(): acc, f"{acc}[2-9]": acc,
                    f"{acc}_ANYTHING": acc})
    mapping = run(release_store, AC_ID, "UniProtKB", list(ids))
    assert mapping.pairs == list(ids.items())
    # a version is dropped from the reported id, as UniProt does
    assert run(release_store, AC_ID, "UniProtKB", [f"{named[0]}.3"]).pairs == [
        (named[0], named[0])]


def test_swissprot_keeps_the_reviewed_entries(release: ReleaseFacts,
                                              release_store: Store) -> None:
    accessions = release.accessions()[:40]
    mapping = run(release_store, AC_ID, "UniProtKB-Swiss-Prot", accessions)
    reviewed = [a for a in accessions if release.entries[a].reviewed]
    assert mapping.pairs == [(a, a) for a in reviewed]
    assert mapping.failed == [a for a in accessions if a not in reviewed]


def test_secondary_and_deleted_accessions(release: ReleaseFacts, release_store: Store) -> None:
    secondary = [s for s in release.secondary if s not in release.entries]
    deleted = [d for d in release.deleted
               if d not in release.entries and d not in release.secondary]
    wanted = {s: release.order(release.secondary[s]) for s in secondary}
    wanted.update({d: [d] for d in deleted})  # inactive, counted as obsolete
    mapping = run(release_store, AC_ID, "UniProtKB", [*secondary, *deleted])
    assert (mapping.pairs, mapping.failed) == expect(wanted)
    assert mapping.obsolete == len(deleted)
    # to any other database, a deleted accession maps to nothing
    to_db = to_databases(release)[0]
    assert run(release_store, AC_ID, to_db.name, deleted).failed == deleted


def test_tax_id_restricts_the_entries_passed_through(release: ReleaseFacts,
                                                     release_store: Store) -> None:
    gene = Catalogue.default().database("Gene_Name")
    taxa = sorted({e.taxon for e in release.entries.values() if e.taxon is not None})
    names = release.sample("Gene_Name", 6)
    for taxon in taxa[:3]:
        wanted = expect({n: [a for a in release.entries_of(gene, n)
                             if release.entries[a].taxon == taxon] for n in names})
        mapping = run(release_store, "Gene_Name", "UniProtKB", names, str(taxon))
        assert (mapping.pairs, mapping.failed) == wanted, taxon
    absent = max(taxa) + 1
    assert run(release_store, "Gene_Name", "UniProtKB", names, str(absent)).failed == names
    assert run(release_store, "Gene_Name", "UniProtKB", names, "yeast").failed == names


def test_ids_of_an_uncatalogued_type_are_not_a_database(release: ReleaseFacts,
                                                        release_store: Store) -> None:
    known = set(Catalogue.default().dat_types())
    for id_type in sorted(release.id_types() - known):
        with pytest.raises(InvalidRequest, match=f"invalid value '{id_type}'"):
            run(release_store, id_type, "UniProtKB", release.sample(id_type, 1))


def _accession_mix(release: ReleaseFacts) -> list[str]:
    """UniProtKB ids of every form, drawn from the release: accessions (some in lower case,
    some repeated), isoforms, entry names, secondary and deleted accessions, and accessions
    the release does not know, interleaved so that the entries' own accessions come in runs
    between the others."""
    accessions = release.accessions()
    named = [e.name for e in release.entries.values() if e.name][:4]
    others = [
        *(f"{a}-{n}" for a, n in release.isoforms()[:3]),
        *named, *(n.lower() for n in named[:1]),
        *(s for s in release.secondary if s not in release.entries),
        *(d for d in release.deleted if d not in release.entries and d not in release.secondary),
        *release.absent_accessions(3), f"{accessions[0]}[2-9]", f"{accessions[1]}_ANYTHING",
    ]
    mixed: list[str] = []
    for n, accession in enumerate(accessions):
        mixed.append(accession.lower() if n % 7 == 3 else accession)
        if n % 5 == 4 and others:
            mixed.append(others.pop())
    return [*mixed, *others, accessions[2], accessions[3].lower()]


def _results(store: Store, to_db: str, ids: list[str], tax_id: str, two_step: bool,
             chunk: int) -> tuple[list[tuple[str, str]], list[tuple[str, str, bool]], list[str],
                                  int, int]:
    request = MappingRequest(AC_ID, to_db, tuple(ids), tax_id)
    chunked = map_ids(store, request, two_step=two_step)
    parts = list(chunked.pair_chunks(chunk))
    assert all(0 < len(part) <= chunk for part in parts)
    pairs = [p for part in parts for p in part]
    iterated = map_ids(store, request, two_step=two_step)
    whole = [(p.from_id, p.to_id, p.obsolete) for p in iterated]
    assert (chunked.failed_ids, chunked.obsolete_count, chunked.count) == (
        iterated.failed_ids, iterated.obsolete_count, iterated.count)
    return pairs, whole, chunked.failed_ids, chunked.obsolete_count, chunked.count


def _chunked_and_iterated(store: Store, request: MappingRequest, chunk: int
                          ) -> tuple[list[tuple[str, str]], list[str], int, int]:
    """The pairs of *request* in chunks of *chunk* (checked against its results iterated one
    by one), its failedIds, obsoleteCount and count."""
    chunked = map_ids(store, request)
    parts = list(chunked.pair_chunks(chunk))
    assert all(0 < len(part) <= chunk for part in parts)
    pairs = [p for part in parts for p in part]
    iterated = map_ids(store, request)
    assert pairs == [(p.from_id, p.to_id) for p in iterated]
    assert (chunked.failed_ids, chunked.obsolete_count, chunked.count) == (
        iterated.failed_ids, iterated.obsolete_count, iterated.count)
    return pairs, chunked.failed_ids, chunked.obsolete_count, chunked.count


def test_chunks_of_store_rows_equal_the_results_one_by_one(release: ReleaseFacts,
                                                           release_store: Store) -> None:
    """Results that are all rows of the store (ids of other databases; accessions in one
    query, no isoform among them) are chunked a batch of rows at a time
    (``MappingRun._row_chunks``, issue 18): the same pairs, order, failedIds and counts as
    the results read one by one, in chunks of any size."""
    versioned = 0  # sources whose ids carry versions, checked too
    for source in from_databases(release):
        ids = release.sample(source.dat_type, 40) if source.dat_type else []
        if source.name == AC_ID or len(ids) < 2:
            continue
        ids = [*ids, "NOT_AN_ID_1", *ids[:3], f"{ids[0]}.999", ids[1].lower(), "NOT_AN_ID_2"]
        for to_db in ("UniProtKB", "UniProtKB-Swiss-Prot", "GeneID"):
            if source.rule is None or to_db not in source.rule.tos:
                continue
            request = MappingRequest(source.name, to_db, tuple(ids))
            whole = _chunked_and_iterated(release_store, request, 10_000)
            for chunk in (1, 3):
                assert _chunked_and_iterated(release_store, request, chunk) == whole
            versioned += source.versioned and bool(whole[0])
    assert versioned
    accessions = [*release.accessions()[:30], *release.absent_accessions(2)]
    request = MappingRequest(AC_ID, "UniProtKB", tuple(accessions))
    one = map_ids(release_store, request, two_step=False)
    pairs = [p for part in one.pair_chunks(3) for p in part]
    two = map_ids(release_store, request)
    assert pairs == list(two.pairs()) and one.failed_ids == two.failed_ids


def test_accessions_in_two_steps_map_as_in_one_query(release: ReleaseFacts,
                                                     release_store: Store) -> None:
    """A job of accessions to UniProtKB probes the entries' own accessions first, then maps
    only the other ids (issue 18): the same pairs, order, failedIds and obsoleteCount as one
    mapping query of every id gives, in chunks of any size."""
    ids = _accession_mix(release)
    taxa = sorted({e.taxon for e in release.entries.values() if e.taxon is not None})
    for to_db in ("UniProtKB", "UniProtKB-Swiss-Prot"):
        for tax_id in ("", str(taxa[0]), "yeast"):
            one = _results(release_store, to_db, ids, tax_id, False, 10_000)
            for chunk in (1, 3, 10_000):
                two = _results(release_store, to_db, ids, tax_id, True, chunk)
                assert two == one, (to_db, tax_id, chunk)
            assert one[0] == [(f, t) for f, t, _ in one[1]]
    # the probe finds the entries' own accessions, and only those are left to the query
    keys = [i.upper() for i in dict.fromkeys(ids)]
    misses = release_store.accession_misses(AccessionPlan(keys, "uniprotkb")).misses
    assert [keys[m] for m in misses] == [k for k in keys if k not in release.entries]
    # with a taxon, the entries of other taxa are left to the query too
    misses = release_store.accession_misses(AccessionPlan(keys, "uniprotkb", taxa[0])).misses
    assert [keys[m] for m in misses] == [
        k for k in keys if k not in release.entries or release.entries[k].taxon != taxa[0]]
    # keys that a split on commas could not give back (one holding a comma, an empty one)
    # are probed all the same
    odd = [keys[0], f"{keys[1]},{keys[2]}", "", keys[1], keys[2]]
    misses = release_store.accession_misses(AccessionPlan(odd, "uniprotkb")).misses
    assert [odd[m] for m in misses] == [k for k in odd if k not in release.entries]
    # enough keys for SQLite to sort them as bytes (sql_probes.SortedKeys), and as many with
    # keys JSON escapes or that are not ASCII, which Python sorts: the same misses
    many = keys * (100 // len(keys) + 1)
    for probe in (many, [*many, 'P"1', "P\\1", "P\u00c91"]):
        misses = release_store.accession_misses(AccessionPlan(probe, "uniprotkb")).misses
        assert [probe[m] for m in misses] == [k for k in probe if k not in release.entries]
    # out of order, one missing: keys fewer than a tenth of the release's entries
    # (PostgreSQL probes the accession index in their order), then a share of them (merged
    # with the index), then more keys than entries (postgres_probes.probe_path)
    entries = release_store.current_release().stats["entries"]  # type: ignore[union-attr]
    for share in (12, 3, 1 / 2):
        few = [*release.absent_accessions(1),
               *(sorted(release.entries) * 2)[:int(entries // share)][::-1]]
        assert 1 < len(few)
        for target in ("uniprotkb", "swissprot"):
            found = release_store.accession_misses(AccessionPlan(few, target))
            reviewed = [k for k in few if k in release.entries and release.entries[k].reviewed]
            assert [few[m] for m in found.misses] == [
                k for k in few if k not in (release.entries if target == "uniprotkb"
                                            else reviewed)], (share, target)


def _repeated(release: ReleaseFacts, count: int) -> list[str]:
    """About *count* UniProtKB ids from :func:`_accession_mix`, then every shape of repeat: the
    same id again (next to it and far apart), in another case, an isoform and an entry name
    again, a secondary accession and an unknown one again."""
    mix = (_accession_mix(release) * (count // len(_accession_mix(release)) + 1))[:count]
    isoform = next(i for i in mix if "-" in i)
    name = next(i for i in mix if "_" in i and "[" not in i)
    return [mix[0], mix[0], *mix, mix[1].lower(), mix[1].upper(), isoform, isoform.lower(),
            name, name.lower(), *release.absent_accessions(1), *release.absent_accessions(1),
            *(s for s in release.secondary if s not in release.entries), mix[0]]


def test_repeated_ids_map_once_each_in_two_steps(release: ReleaseFacts,
                                                 release_store: Store) -> None:
    """The two steps probe every id, repeats too, and the store tells whether the keys are all
    different (issue 18): ids that repeat in any shape map as the first of each alone, as one
    mapping query of every id (which keeps the first of each by a dict) maps them; few ids
    (sorted by Python) and many (sorted as bytes by SQLite), and jobs without repeats."""
    for ids in (_repeated(release, 20), _repeated(release, 300),
                list(dict.fromkeys(_repeated(release, 300))), _accession_mix(release),
                release.accessions(), [*release.accessions(), *release.absent_accessions(150)]):
        distinct = list(dict.fromkeys(ids))
        for to_db in ("UniProtKB", "UniProtKB-Swiss-Prot"):
            one = _results(release_store, to_db, ids, "", False, 10_000)
            assert _results(release_store, to_db, ids, "", True, 7) == one
            assert _results(release_store, to_db, distinct, "", True, 7) == one
        # the store never calls repeated keys distinct; SQLite tells distinct keys so
        keys = [i.upper() for i in ids]
        found = release_store.accession_misses(AccessionPlan(keys, "uniprotkb"))
        assert [keys[m] for m in found.misses] == [k for k in keys if k not in release.entries]
        if len(set(keys)) < len(keys):
            assert not found.distinct
        else:
            assert found.distinct == isinstance(release_store, SqliteStore)
