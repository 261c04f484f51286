"""What only the PostgreSQL store has: COPY loads, one schema per release, the atomic switch,
kills mid-load, jobs shared by processes, and the same answers as SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from idmapping.errors import InvalidRequest, NoRelease, StoreError
from idmapping.loader import ReleaseBuilder, load_release
from idmapping.mapping import map_ids
from idmapping.model import Job, JobStatus, MappingRequest
from idmapping.store import Store, Subset, open_store
from idmapping.store.spool import PairSpool, Run
from stores import fresh_database, fresh_store

if TYPE_CHECKING:
    from idmapping.store.postgres import PostgresStore

CORE = Path(__file__).parent / "data" / "core"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HEADER = "Release:     2031_07 of 05-Jul-2031\n\n"


# -- a generated release ------------------------------------------------------------------


def accession(i: int) -> str:
    """The *i*-th of a series of valid accessions (``[OPQ][0-9][A-Z0-9]{3}[0-9]``)."""
    body, n = "", i // 10
    for _ in range(3):
        n, r = divmod(n, 36)
        body += ALNUM[r]
    return f"Q{i % 10}{body}9"


def dat_lines(i: int) -> Iterator[str]:
    acc = accession(i)
    # every third entry is reviewed (a mnemonic name); TrEMBL names are ACCESSION_SPECIES;
    # entries without a name have no known status, and sort after the others in both stores
    if i % 17:
        yield f"{acc}\tUniProtKB-ID\t{f'G{i}_HUMAN' if i % 3 == 0 else acc + '_HUMAN'}"
    yield f"{acc}\tNCBI_TaxID\t{9606 if i % 2 == 0 else 10090}"
    if i % 7:
        yield f"{acc}\tGene_Name\tGN{i % 500}"
    else:
        # no gene name: one is derived from the ordered-locus or the ORF name
        yield f"{acc}\t{'Gene_OrderedLocusName' if i % 2 else 'Gene_ORFName'}\tL{i}"
    yield f"{acc}\tGeneID\t{100000 + i}"
    yield f"{acc}\tEnsembl\tENSG{i // 2:011d}.{i % 4 + 1}"  # two entries per gene
    yield f"{acc}\tRefSeq\tNP_{i:06d}.{i % 3 + 1}"
    yield f"{acc}\tUniParc\tUPI{i:010X}"
    if i % 4 == 0:
        yield f"{acc}\tPDB\t{1 + i % 9}X{i % 100:02d}"
        yield f"{acc}\tPDB\t{1 + i % 9}Y{i % 100:02d}"
    if i % 11 == 0:
        yield f"{acc}-2\tEnsembl_TRS\tENST{i:011d}.1"
    if i % 13 == 0:
        yield f"{acc}\tGeneID\t{100000 + i}"  # a repeated row, stored once


def write_release(directory: Path, entries: int) -> list[Path]:
    """idmapping.dat, sec_ac.txt and the delac files of a release of *entries* entries."""
    directory.mkdir(parents=True, exist_ok=True)
    dat = directory / "idmapping.dat"
    with open(dat, "w") as out:
        for i in range(entries):
            out.write("".join(line + "\n" for line in dat_lines(i)))
    sec = directory / "sec_ac.txt"
    pairs = [(accession(i + 200_000), accession(i)) for i in range(0, entries, 50)]
    pairs.append((accession(200_000), accession(1)))  # one secondary, two primaries
    sec.write_text(HEADER + "Secondary AC   Primary AC\n____________   __________\n"
                   + "".join(f"{s}   {p}\n" for s, p in pairs))
    paths = [dat, sec]
    for source, step in (("sp", 40), ("tr", 30)):
        path = directory / f"delac_{source}.txt"
        gone = [accession(i + 300_000) for i in range(0, entries, step)]
        path.write_text(HEADER + "Accession numbers deleted from UniProtKB\n\n"
                        + "Accession number\n________________\n"
                        + "".join(a + "\n" for a in gone))
        paths.append(path)
    return paths


# -- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture
def pg(pg_url: str) -> Iterator[PostgresStore]:
    with open_store(pg_url) as store:
        yield cast("PostgresStore", store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_release(tmp_path_factory.mktemp("generated"), 3000)


def query(store: PostgresStore, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of *sql* on a connection of the test's own (psycopg is imported only if needed)."""
    import psycopg

    with store._connect() as conn:
        cursor: psycopg.Cursor[tuple[Any, ...]] = conn.execute(sql, params)
        return cursor.fetchall()


def release_schemas(store: PostgresStore) -> list[str]:
    return [r[0] for r in query(store, "SELECT nspname FROM pg_namespace WHERE nspname "
                                       "LIKE 'idmapping\\_r%%' ORDER BY nspname")]


def run(store: Store, from_db: str, to_db: str, ids: tuple[str, ...], tax: str = ""
        ) -> tuple[list[tuple[str, str, bool]], list[str], int]:
    mapped = map_ids(store, MappingRequest(from_db, to_db, ids, tax))
    pairs = [(p.from_id, p.to_id, p.obsolete) for p in mapped]
    return pairs, mapped.failed_ids, mapped.obsolete_count


# -- loading --------------------------------------------------------------------------------


def test_copy_load_of_generated_rows(pg: PostgresStore, generated: list[Path]) -> None:
    release = load_release(generated, pg)
    counts = pg.release_counts(release)
    assert counts["(entries)"] == 3000
    assert counts["GeneID"] == 3000  # the repeated rows were dropped
    assert counts["Gene_Name"] == 3000  # stated, or derived from a locus or ORF name
    assert counts["PDB"] == 1500
    assert counts["(secondary)"] == 61
    # 75 in delac_sp, 100 in delac_tr, 25 of them in both: the first file's row is kept
    assert counts["(deleted)"] == 150
    assert pg.entry_facts([accession(300_120)])[accession(300_120)].deleted == "sp"
    assert release.stats["entries"] == 3000
    assert run(pg, "GeneID", "UniProtKB", ("100042",))[0] == [("100042", accession(42), False)]


def test_release_schema_is_logged_and_indexed(pg: PostgresStore) -> None:
    release = load_release(sorted(CORE.iterdir()), pg)
    assert release_schemas(pg) == [f"idmapping_r{release.id}"]
    tables = dict(query(pg, "SELECT c.relname, c.relpersistence FROM pg_class c JOIN "
                            "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
                            "AND c.relkind = 'r'", f"idmapping_r{release.id}"))
    # LOGGED: a server crash must not empty the current release; staging tables are gone
    assert tables == {t: "p" for t in ("xrefs", "isoform_xrefs", "entries", "secondary",
                                       "deleted", "dbs", "meta", "uniparc_xrefs", "kb_entries",
                                       "kb_terms", "uniref_entries", "uniparc_entries", "taxonomy",
                                       "taxon_spans", "taxon_merged", "taxon_deleted")}
    indexes = {r[0]: r[1] for r in query(
        pg, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
        f"idmapping_r{release.id}")}
    # one index by key (NULL where the value's lower case gives it), covering the lookups
    assert ("(COALESCE(key, lower(value)), db) INCLUDE (entry, value, key)"
            in indexes["xrefs_by_key"])
    assert "xrefs_key" not in indexes and "xrefs_any_key" not in indexes
    # an entry's rows by its number alone (deduplicated), not by the primary key of before
    assert indexes["xrefs_entry"].endswith("(entry) WITH (fillfactor='100')")
    assert "xrefs_pkey" not in indexes
    # a release is never written after its load: its indexes fill their pages
    assert all("fillfactor='100'" in indexes[i] for i in (
        "xrefs_by_key", "entries_pkey", "entries_accession", "entries_name"))
    assert {"xrefs_entry", "entries_pkey", "entries_accession", "entries_name",
            "secondary_accession", "deleted_pkey", "isoform_xrefs_value",
            "kb_terms_entry"} <= set(indexes)


def test_a_failed_or_interrupted_load_leaves_no_schema(pg: PostgresStore) -> None:
    first = load_release(sorted(CORE.iterdir()), pg)

    def interrupt(done: int, total: int, rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_release([CORE / "idmapping.dat"], pg, progress=interrupt)
    builder = ReleaseBuilder(pg)
    builder.add_mappings([("P04637", "GeneID", "1")])
    with pytest.raises(InvalidRequest):
        # a failure after the rows are in: the name is refused before the switch
        try:
            builder.commit("no spaces allowed")
        except BaseException:
            builder.abort()  # as load_release does
            raise
    assert release_schemas(pg) == [f"idmapping_r{first.id}"]
    assert pg.releases() == [first]
    assert run(pg, "UniProtKB_AC-ID", "GeneID", ("P04637",))[0] == [("P04637", "7157", False)]


def test_a_load_killed_during_its_transaction_leaves_nothing(pg: PostgresStore,
                                                              pg_url: str) -> None:
    first = load_release(sorted(CORE.iterdir()), pg)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from idmapping.loader import ReleaseBuilder
        from idmapping.store import open_store
        builder = ReleaseBuilder(open_store({pg_url!r}))
        builder.add_mappings([("P04637", "GeneID", str(n)) for n in range(20000)])
        print(builder.writer.release_id, flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert child.stdout is not None
        killed = int(child.stdout.readline())
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert [(r.id, r.state) for r in pg.releases()] == [(first.id, "ready"), (killed, "loading")]
    second = load_release([CORE / "idmapping.dat"], pg)
    assert [(r.id, r.state) for r in pg.releases()] == [(first.id, "ready"), (second.id, "ready")]
    assert release_schemas(pg) == sorted([f"idmapping_r{first.id}", f"idmapping_r{second.id}"])
    # the server ends the killed session and rolls its transaction back
    deadline = time.monotonic() + 10
    while query(pg, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state LIKE 'idle in transaction%%'") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not query(pg, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                         "AND state LIKE 'idle in transaction%%'")


def test_a_schema_left_by_a_kill_after_the_data_is_in_is_dropped_by_the_next_load(
        pg: PostgresStore) -> None:
    first = load_release(sorted(CORE.iterdir()), pg)
    builder = ReleaseBuilder(pg)
    builder.add_mappings([("P04637", "GeneID", "1")])
    # committed; then the process died
    builder.finish("left", Subset())
    assert f"idmapping_r{builder.writer.release_id}" in release_schemas(pg)
    assert pg.current_release() == first
    second = load_release([CORE / "idmapping.dat"], pg)
    assert release_schemas(pg) == sorted([f"idmapping_r{first.id}", f"idmapping_r{second.id}"])
    assert [r.id for r in pg.releases()] == [first.id, second.id]


def test_remove_release_drops_its_schema(pg: PostgresStore) -> None:
    first = load_release(sorted(CORE.iterdir()), pg)
    second = load_release([CORE / "idmapping.dat"], pg)
    with pytest.raises(StoreError, match="current release cannot be removed"):
        pg.remove_release(second.id)
    pg.remove_release(first.id)
    assert release_schemas(pg) == [f"idmapping_r{second.id}"]
    assert list(pg.size_bytes()) == ["jobs", f"release {second.name}"]


# -- the switch -------------------------------------------------------------------------------


def test_readers_see_the_old_release_until_the_switch(pg: PostgresStore) -> None:
    load_release(sorted(CORE.iterdir()), pg)
    builder = ReleaseBuilder(pg)
    builder.add_mappings([("P04637", "GeneID", "42"), ("P04637", "NCBI_TaxID", "9606")])
    builder.finish("2031_09", Subset())
    # built, indexed and committed, but not current yet
    assert run(pg, "UniProtKB_AC-ID", "GeneID", ("P04637",))[0] == [("P04637", "7157", False)]
    builder.writer.switch("2031_09", builder.stats())
    assert run(pg, "UniProtKB_AC-ID", "GeneID", ("P04637",))[0] == [("P04637", "42", False)]


def test_lookups_during_a_load_see_one_release_or_the_other(pg: PostgresStore,
                                                            generated: list[Path]) -> None:
    load_release(sorted(CORE.iterdir()), pg)
    errors: list[BaseException] = []

    def load() -> None:
        try:
            load_release(generated, pg)
        except BaseException as exc:  # noqa: B036 - the test reports it
            errors.append(exc)

    def answer() -> tuple[list[str], list[str]]:
        pairs, failed, _ = run(pg, "Gene_Name", "UniProtKB", ("GN8",), "9606")
        return [p[1] for p in pairs], failed

    old = answer()
    loader = threading.Thread(target=load)
    loader.start()
    seen = []
    while loader.is_alive():
        seen.append(answer())
    loader.join()
    assert not errors
    new = answer()
    assert old == ([], ["GN8"]) and len(new[0]) > 1
    # every answer is the old release's or the new one's, and once switched, never back
    switched = seen.index(new) if new in seen else len(seen)
    assert seen == [old] * switched + [new] * (len(seen) - switched)
    assert switched > 0


# -- mapping --------------------------------------------------------------------------------


REQUESTS = [
    ("UniProtKB_AC-ID", "UniProtKB",
     (accession(0), accession(1), f"{accession(22)}-2", "G3_HUMAN", f"{accession(5)}_HUMAN",
      accession(200_000), accession(200_050), accession(300_000), accession(300_030), "P04637",
      "Q15086", "A0A087WTH5", "P99999", "nonsense"), ""),
    ("UniProtKB_AC-ID", "UniProtKB-Swiss-Prot", tuple(accession(i) for i in range(30)), ""),
    ("Gene_Name", "UniProtKB", ("GN1", "gn2", "GN7", "GN17", "L7", "L14", "TP53", "nothing"), ""),
    ("Gene_Name", "UniProtKB", ("GN1", "GN2", "GN7", "TP53"), "9606"),
    ("Ensembl", "UniProtKB", (f"ENSG{5:011d}", f"ENSG{5:011d}.3", f"ENSG{5:011d}.4",
                              "ENSG00000141510"), ""),
    ("Ensembl", "UniProtKB-Swiss-Prot", tuple(f"ENSG{i:011d}" for i in range(40)), ""),
    ("RefSeq_Protein", "UniProtKB", (f"NP_{7:06d}", f"NP_{8:06d}.3", f"np_{9:06d}.1"), ""),
    ("UniProtKB_AC-ID", "GeneID", tuple(accession(i) for i in range(0, 3000, 97)), ""),
    ("UniProtKB_AC-ID", "PDB", tuple(accession(i) for i in range(0, 60, 3)), ""),
    ("UniProtKB_AC-ID", "Gene_Name", tuple(accession(i) for i in range(0, 50, 7)), ""),
    ("UniProtKB_AC-ID", "Ensembl_Transcript", (accession(22), f"{accession(22)}-2"), ""),
    ("GeneID", "UniProtKB", tuple(str(100000 + i) for i in range(0, 3000, 13)), "10090"),
    ("UniParc", "UniProtKB", (f"UPI{12:010X}", "UPI000002ED67"), ""),
]


def test_same_answers_as_sqlite(tmp_path: Path, generated: list[Path]) -> None:
    files = [*generated, CORE / "idmapping.dat"]
    with fresh_store("sqlite", tmp_path) as lite, fresh_store("postgresql", tmp_path) as pg:
        for store in (lite, pg):
            load_release(files, store)
        release = lite.current_release()
        assert release is not None
        assert lite.release_counts(release) == pg.release_counts(pg.releases()[0])
        for from_db, to_db, ids, tax in REQUESTS:
            expected = run(lite, from_db, to_db, ids, tax)
            assert expected[0], (from_db, to_db)  # the case tests something
            assert run(pg, from_db, to_db, ids, tax) == expected, (from_db, to_db, tax)
        wanted = [accession(i) for i in range(12)] + ["P04637", accession(300_000), "P99999"]
        assert pg.entry_facts(wanted) == lite.entry_facts(wanted)
        upis = [f"UPI{i:010X}" for i in range(5)] + ["upi000002ed67"]
        assert pg.members("UniParc", upis) == lite.members("UniParc", upis)


def test_a_large_lookup_streams_in_batches(pg: PostgresStore, generated: list[Path]) -> None:
    load_release(generated, pg)
    ids = tuple(str(100000 + i) for i in range(3000)) + tuple(f"X{i}" for i in range(27000))
    pairs, failed, _ = run(pg, "GeneID", "UniProtKB", ids)
    assert len(pairs) == 3000 and len(failed) == 27000
    assert pairs[:2] == [("100000", accession(0), False), ("100001", accession(1), False)]


def test_a_lookup_left_half_read_does_not_block_the_next(pg: PostgresStore) -> None:
    load_release(sorted(CORE.iterdir()), pg)
    first = iter(map_ids(pg, MappingRequest("UniProtKB_AC-ID", "PDB", ("P04637",))))
    next(first)  # a transaction and a cursor are open on this thread's connection now
    second = iter(map_ids(pg, MappingRequest("UniProtKB_AC-ID", "GeneID",
                                             ("P04637", "P02340"))))
    assert next(second).to_id == "7157"
    with pytest.raises(StoreError, match="ended by a later lookup"):
        list(first)
    assert [p.to_id for p in second] == ["22059"]  # the later one is not disturbed
    # and a lookup never read leaves no transaction behind
    map_ids(pg, MappingRequest("UniProtKB_AC-ID", "PDB", ("P04637",)))
    assert not query(pg, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                         "AND state LIKE 'idle in transaction%%'")


def test_a_probing_lookup_drops_the_input_key_index_for_itself_only(
        pg: PostgresStore, generated: list[Path]) -> None:
    """A lookup that probes the key index once per input (fewer inputs than a quarter of the
    entries) drops the input's key index for its own transaction (issue 18): read whole or
    half-read, the connection has it again for the next lookup."""
    load_release(generated, pg)
    ids = tuple(str(100000 + i) for i in range(10))
    expected = [(i, accession(n), False) for n, i in enumerate(ids)]
    assert run(pg, "GeneID", "UniProtKB", ids)[0] == expected
    half = iter(map_ids(pg, MappingRequest("GeneID", "UniProtKB", ids)))
    next(half)
    assert run(pg, "GeneID", "UniProtKB", ids)[0] == expected  # rolls the half-read one back
    with pg._readers.lease() as conn:
        assert conn.execute("SELECT to_regclass('pg_temp.input'), "
                            "to_regclass('pg_temp.input_key')").fetchone() == ("input",
                                                                              "input_key")


def test_empty_store_says_to_load(pg: PostgresStore) -> None:
    with pytest.raises(NoRelease, match="idmapping load"):
        map_ids(pg, MappingRequest("UniProtKB_AC-ID", "UniProtKB", ("P04637",)))
    assert pg.releases() == []


def test_connection_errors_are_store_errors_without_the_password() -> None:
    with pytest.raises(StoreError, match=r"Cannot connect to PostgreSQL at "
                                         r"postgresql://someone@127\.0\.0\.1:1/x: ") as caught:
        open_store("postgresql://someone:s3cret@127.0.0.1:1/x")
    assert "s3cret" not in str(caught.value)


# -- jobs -----------------------------------------------------------------------------------


def job(job_id: str, status: JobStatus = JobStatus.NEW, updated: float = 1.0) -> Job:
    return Job(job_id, "Gene_Name", "UniProtKB", "TP53,GOT2", "9606", status, 1.0, updated,
               failed_ids=["X"], suggested_ids=[{"from": "a", "to": "b"}],
               warnings=[{"code": 21, "message": "m"}])


def test_jobs_round_trip_and_results_page_in_order(pg: PostgresStore) -> None:
    pg.save_job(job("a"))
    assert pg.get_job("a") == job("a")
    again = job("a", JobStatus.FINISHED, 2.0)
    pg.save_job(again)
    assert pg.get_job("a") == again and pg.get_job("missing") is None
    pairs = [(f"f{i}", f"t{i}") for i in range(12_345)]
    assert pg.write_results("a", iter(pairs)) == 12_345
    assert list(pg.read_results("a", 0, None)) == pairs
    assert list(pg.read_results("a", 5000, 7)) == pairs[5000:5007]
    assert list(pg.read_results("a", 12_340, 100)) == pairs[12_340:]
    assert pg.write_results("a", [("x", "y")]) == 1  # replaces
    assert list(pg.read_results("a", 0, None)) == [("x", "y")]


def test_a_failed_result_stream_keeps_the_old_results(pg: PostgresStore) -> None:
    pg.save_job(job("a"))
    pg.write_results("a", [("x", "y")])

    def broken() -> Iterator[tuple[str, str]]:
        yield "p", "q"
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        pg.write_results("a", broken())
    assert list(pg.read_results("a", 0, None)) == [("x", "y")]


def test_claim_is_atomic_across_stores(pg: PostgresStore, pg_url: str) -> None:
    pg.save_job(job("a"))
    with open_store(pg_url) as other:
        claims: list[bool] = []
        barrier = threading.Barrier(8)

        def claim(store: Store) -> None:
            barrier.wait()
            claims.append(store.claim_job("a", (JobStatus.NEW,), 5.0))

        threads = [threading.Thread(target=claim, args=(s,)) for s in [pg, other] * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(claims) == [False] * 7 + [True]
    claimed = pg.get_job("a")
    assert claimed is not None and claimed.status == JobStatus.RUNNING


def test_list_and_delete_jobs(pg: PostgresStore) -> None:
    for n, job_id in enumerate("abc"):
        pg.save_job(job(job_id, updated=float(n)))
        pg.write_results(job_id, [("x", job_id)])
    assert [j.id for j in pg.list_jobs()] == ["c", "b", "a"]
    assert pg.delete_jobs(1.5) == 2
    assert [j.id for j in pg.list_jobs()] == ["c"]
    assert list(pg.read_results("a", 0, None)) == []
    assert pg.delete_jobs() == 1


def test_fresh_database_is_dropped() -> None:
    with fresh_database() as url:
        with open_store(url) as store:
            assert store.releases() == []
    with pytest.raises(StoreError, match="does not exist"):
        open_store(url)


# -- compression of a job's large columns (issue 18) ------------------------------------------


def compressions(store: PostgresStore) -> list[tuple[str, str, str | None]]:
    """``(table, column, compression)`` of the columns the store compresses with lz4, and how
    each job's ids are stored."""
    found = query(store, "SELECT c.relname, a.attname, a.attcompression::text FROM pg_attribute a "
                         "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON "
                         "n.oid = c.relnamespace WHERE n.nspname = 'idmapping' AND "
                         "(c.relname, a.attname) IN (('jobs', 'ids'), ('job_result_runs', 'ids'))"
                         " ORDER BY 1")
    stored = query(store, "SELECT 'job ' || id, 'ids', pg_column_compression(ids) "
                          "FROM idmapping.jobs ORDER BY id")
    return [*found, *stored]


def execute(store: PostgresStore, statement: str) -> None:
    with store._connect() as conn:
        conn.execute(statement)


def large_job(job_id: str, count: int = 20_000) -> Job:
    return Job(job_id, "UniProtKB_AC-ID", "UniProtKB", ",".join(accession(i) for i in
               range(count)), "", JobStatus.FINISHED, 1.0, 1.0)


def test_a_store_made_with_pglz_is_migrated_to_lz4_and_keeps_its_jobs(pg_url: str) -> None:
    with open_store(pg_url) as store:
        pg = cast("PostgresStore", store)
        # as a store made before the change: every column with the server's default (pglz)
        for table in ("jobs", "job_result_runs"):
            execute(pg, f"ALTER TABLE idmapping.{table} ALTER COLUMN ids SET COMPRESSION "
                        "DEFAULT")
        pg.save_job(large_job("old"))
        old_results = results_with_runs(pg, "old")
        assert compressions(pg) == [("job_result_runs", "ids", ""), ("jobs", "ids", ""),
                                    ("job old", "ids", "pglz")]
    with open_store(pg_url) as store:
        pg = cast("PostgresStore", store)
        pg.save_job(large_job("new", 30_000))
        assert compressions(pg) == [("job_result_runs", "ids", "l"), ("jobs", "ids", "l"),
                                    ("job new", "ids", "lz4"), ("job old", "ids", "pglz")]
        assert pg.get_job("old") == large_job("old")
        assert pg.get_job("new") == large_job("new", 30_000)
        assert list(pg.read_results("old", 0, None)) == old_results
        assert list(pg.read_results("old", 9_990, 20)) == old_results[9_990:10_010]
        new_results = results_with_runs(pg, "new")
        assert list(pg.read_results("new", 0, None)) == new_results
        assert query(pg, "SELECT DISTINCT job, pg_column_compression(ids) FROM "
                         "idmapping.job_result_runs ORDER BY job") == [("new", "lz4"),
                                                                       ("old", "pglz")]


def results_with_runs(store: PostgresStore, job_id: str) -> list[tuple[str, str]]:
    """Write results of *job_id* holding two runs (stored as large JSON arrays); return
    them."""
    ids = [accession(i) for i in range(25_000)]
    with PairSpool() as spool:
        spool.extend([("x", "y")])
        spool.extend(Run(ids[:10_000]))
        spool.extend([("a", ids[0]), ("b", ids[1])])
        spool.extend(Run(ids[10_000:]))
        store.write_results(job_id, spool)
        return list(spool)

