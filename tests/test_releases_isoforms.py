"""Isoform rows of idmapping.dat (``ACC-2  RefSeq_NT  NM_…``), on every release and both stores:
each rule of docs/mapping.md ("Isoforms"), with the isoforms and ids the release's files hold."""

from __future__ import annotations

import httpx

from idmapping.catalogue import AC_ID, Catalogue
from idmapping.loader.builder import ReleaseBuilder
from idmapping.loader.readers import read_idmapping
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store
from releases import ReleaseFacts, submit

CATALOGUE = Catalogue.default()


def mapped(store: Store, from_db: str, to_db: str, ids: list[str]
           ) -> tuple[list[tuple[str, str]], list[str]]:
    run = map_ids(store, MappingRequest(from_db, to_db, tuple(ids)))
    return [(p.from_id, p.to_id) for p in run], run.failed_ids


def isoform_types(release: ReleaseFacts) -> dict[str, str]:
    """ID_type -> the ``to`` database of each type that isoform rows of the release use."""
    by_type = CATALOGUE.by_dat_type()
    types = {t for e in release.entries.values() for t in e.isoforms}
    return {t: by_type[t].name for t in sorted(types) if t in by_type and by_type[t].is_to}


def test_the_release_has_isoform_rows_to_test(release: ReleaseFacts) -> None:
    assert len(release.isoforms()) >= 10 and len(isoform_types(release)) >= 2
    # among them ids given to an isoform and not to the entry, or to two isoforms
    assert any(len(isoforms) > 1 or "1" not in isoforms
               for e in release.entries.values() for ids in e.isoforms.values()
               for isoforms in ids.values())


def test_an_isoform_maps_to_its_own_ids_and_its_entrys_not_to_other_isoforms(
        release: ReleaseFacts, release_store: Store) -> None:
    isoforms = release.isoforms()[:40]
    # and an isoform that no row names: it has its entry's ids that no isoform is given
    accession = isoforms[0][0]
    isoforms.append((accession, "99"))
    ids = [f"{acc}-{n}" for acc, n in isoforms]
    for id_type, database in isoform_types(release).items():
        wanted = [(f"{acc}-{n}", value) for acc, n in isoforms
                  for value in release.isoform_values(acc, n, id_type)]
        pairs, failed = mapped(release_store, AC_ID, database, ids)
        assert pairs == wanted, database
        assert failed == [i for i in ids if i not in {p[0] for p in pairs}]
        # the entry itself maps to every isoform's ids
        entry_pairs, _ = mapped(release_store, AC_ID, database, [accession])
        assert [v for _, v in entry_pairs] == release.values(accession, id_type)


def test_the_line_reader_records_isoforms_as_the_column_reader_does(
        store: Store, release_facts: dict[str, ReleaseFacts]) -> None:
    # idmapping.dat is read by columns; rows from other files (entries' members) line by line
    release = release_facts["foreign"]
    builder = ReleaseBuilder(store)
    dat = release.files[0]
    with dat.open() as text:
        builder.add_mappings(read_idmapping(text, str(dat)))
    builder.commit("rows")
    isoforms = release.isoforms()
    ids = [f"{acc}-{n}" for acc, n in isoforms]
    for id_type, database in isoform_types(release).items():
        wanted = [(f"{acc}-{n}", value) for acc, n in isoforms
                  for value in release.isoform_values(acc, n, id_type)]
        assert mapped(store, AC_ID, database, ids)[0] == wanted, database


def test_other_isoforms_ids_are_left_out(release: ReleaseFacts, release_store: Store) -> None:
    # the rule above is not vacuous: some isoform loses ids that its entry has
    losing = [(acc, n, t) for acc, n in release.isoforms() for t in isoform_types(release)
              if release.isoform_values(acc, n, t) != release.values(acc, t)]
    assert losing
    acc, n, id_type = losing[0]
    pairs, _ = mapped(release_store, AC_ID, isoform_types(release)[id_type], [f"{acc}-{n}"])
    assert set(release.values(acc, id_type)) - {v for _, v in pairs}


def test_an_isoform_id_repeated_on_the_entrys_row_stays_the_isoforms(
        release: ReleaseFacts, release_store: Store) -> None:
    entry_rows = {r for r in release.rows if "-" not in r[0]}
    types = isoform_types(release)
    repeated = [(*a.split("-"), t, v) for a, t, v in release.rows
                if "-" in a and (a.split("-")[0], t, v) in entry_rows and t in types]
    checked = 0
    for acc, isoform, id_type, value in repeated:
        sibling = "2" if isoform != "2" else "1"
        if sibling in release.entries[acc].isoforms[id_type].get(value, set()):
            continue
        checked += 1
        pairs, _ = mapped(release_store, AC_ID, types[id_type],
                          [f"{acc}-{isoform}", f"{acc}-{sibling}", acc])
        assert (f"{acc}-{isoform}", value) in pairs and (acc, value) in pairs
        assert (f"{acc}-{sibling}", value) not in pairs
    assert checked or release.demo  # the demo's repeats are in idmapping_selected.tab


def test_an_isoform_maps_to_itself_for_uniprotkb(release: ReleaseFacts,
                                                 release_store: Store) -> None:
    ids = [f"{acc}-{n}" for acc, n in release.isoforms()[:10]]
    assert mapped(release_store, AC_ID, "UniProtKB", ids) == ([(i, i) for i in ids], [])


def test_an_id_given_to_an_isoform_maps_to_its_entry(release: ReleaseFacts,
                                                     release_store: Store) -> None:
    by_type = CATALOGUE.by_dat_type()
    rows = [(a.split("-")[0], t, v) for a, t, v in release.rows
            if "-" in a and t in by_type and by_type[t].is_from][:60]
    assert rows
    for acc, id_type, value in rows:
        database = by_type[id_type]
        pairs, _ = mapped(release_store, database.name, "UniProtKB", [value])
        assert [to for _, to in pairs] == release.entries_of(database, value)
        assert acc in [to for _, to in pairs]


def _listed(base: str, job: str, include: bool) -> list[str]:
    response = httpx.get(f"{base}/idmapping/uniprotkb/results/{job}", timeout=30,
                         params={"format": "list", "size": "500",
                                 "includeIsoform": str(include).lower()})
    assert response.status_code == 200, response.text
    return response.text.split()


def test_include_isoform_adds_the_isoform_entries_the_release_holds(
        release: ReleaseFacts, release_url: str) -> None:
    with_rows = list(dict.fromkeys(acc for acc, _ in release.isoforms()))[:8]
    plain = [a for a in release.accessions() if a not in with_rows][:2]
    accessions = with_rows + plain
    job = submit(release_url, AC_ID, "UniProtKB", accessions)
    assert _listed(release_url, job, False) == accessions
    # isoform entries come from the isoform sequence file or entry files, not from the
    # isoform rows of idmapping.dat: a release without them adds none
    wanted = [i for a in accessions for i in [a, *release.isoform_entries.get(a, [])]]
    assert _listed(release_url, job, True) == wanted
    # the same for an id that idmapping.dat gives to an isoform: its entry, then the isoforms
    acc, id_type, value = next((a.split("-")[0], t, v) for a, t, v in release.rows
                               if "-" in a and t == "RefSeq_NT")
    job = submit(release_url, "RefSeq_Nucleotide", "UniProtKB", [value])
    assert acc in _listed(release_url, job, False)
    assert _listed(release_url, job, True) == [
        i for a in _listed(release_url, job, False)
        for i in [a, *release.isoform_entries.get(a, [])]]
    # an isoform input is no canonical entry: nothing is added to it
    isoform = f"{acc}-2"
    job = submit(release_url, AC_ID, "UniProtKB", [isoform])
    assert _listed(release_url, job, True) == [isoform]


def test_the_demo_holds_isoform_entries_and_the_foreign_release_none(
        release: ReleaseFacts) -> None:
    # each release tests its half of the rule above
    assert bool(release.isoform_entries) is release.demo
