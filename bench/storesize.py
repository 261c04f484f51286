"""``python -m bench.storesize``: a release's bytes on disk, per table and index, and the
lookups that read them, for two source trees side by side (issue 18: bytes per line).

    python -m bench.storesize --release DIR --before main [--after REV]
        [--store sqlite|postgresql://URL] [--database NAME] [--runs 3] [--ids 100000]
        [--accessions-every 10]

Each tree (*REV*'s ``src`` exported by :func:`bench.measure.export_src`, and this work tree's
or ``--after``'s)
loads ``DIR/idmapping.dat.gz`` (with sec_ac.txt and the delac files) with ``idmapping load``
in a process of its own into a fresh store: a SQLite file in a temporary folder, or a fresh
database ``NAME_before`` / ``NAME_after`` on the PostgreSQL server of the URL (dropped at the
end; ``--database``, ``storesize`` by default). It
prints the load's wall time, the release's bytes (per idmapping.dat line and per xrefs row)
and the bytes of each table and index (SQLite's ``dbstat``, PostgreSQL's
``pg_relation_size``). Then each tree maps the same ids on its own store, in turns, each in a
child process: ``--ids`` gene names and RefSeq protein ids (with their versions) to
UniProtKB, the same RefSeq ids without versions, accessions to RefSeq protein ids, gene names
and Ensembl ids (one entry in ``--accessions-every`` read meanwhile: the lookups of an
entry's rows of one database, which a job of a few thousand accessions makes by index and a
larger one by reading the table), and ``--ids`` ids of several kinds explained
(:func:`idmapping.explain.explain_ids`, the holdings probe of ``detect`` and ``explain``). The
answers of the two trees must be the same; the best of ``--runs`` is printed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FILES = ("idmapping.dat.gz", "sec_ac.txt", "delac_sp.txt", "delac_tr.txt")


def _ids(release: Path, count: int, every: int = 10) -> dict[str, list[str]]:
    """Up to *count* distinct gene names, RefSeq protein ids and ids of any kind, in the order
    of idmapping.dat, and one accession in *every* read meanwhile (entries spread over the
    release, as a job's would be)."""
    found: dict[str, dict[str, None]] = {"Gene_Name": {}, "RefSeq": {}, "any": {},
                                         "accessions": {}}
    last, entries = "", 0
    with gzip.open(release / "idmapping.dat.gz", "rt") as lines:
        for line in lines:
            accession, id_type, value = line.rstrip("\n").split("\t")
            if accession != last:
                last, entries = accession, entries + 1
                if entries % every == 0 and len(found["accessions"]) < count:
                    found["accessions"].setdefault(accession)
            if id_type in ("Gene_Name", "RefSeq") and len(found[id_type]) < count:
                found[id_type].setdefault(value)
            if id_type not in ("NCBI_TaxID", "UniProtKB-ID") and len(found["any"]) < count:
                found["any"].setdefault(value if len(found["any"]) % 3 else value.upper())
            if all(len(ids) >= count for kind, ids in found.items() if kind != "accessions"):
                break
    return {kind: list(ids) for kind, ids in found.items()}


def child(store_url: str, ids_file: str) -> None:
    """Time the lookups of *ids_file* on *store_url*'s release with whichever ``idmapping``
    this process imports: one JSON line of seconds and the answers' digests."""
    from idmapping.explain import explain_ids
    from idmapping.mapping import map_ids
    from idmapping.model import MappingRequest
    from idmapping.store import open_store

    ids = json.loads(Path(ids_file).read_text())
    refseq = ids["RefSeq"]
    unversioned = [i.rpartition(".")[0] or i for i in refseq]
    requests = {"gene names": MappingRequest("Gene_Name", "UniProtKB", tuple(ids["Gene_Name"])),
                "RefSeq": MappingRequest("RefSeq_Protein", "UniProtKB", tuple(refseq)),
                "RefSeq, no version": MappingRequest("RefSeq_Protein", "UniProtKB",
                                                     tuple(unversioned))}
    accessions = tuple(ids.get("accessions", ()))
    if accessions:  # UniProtKB to other databases: an entry's ids of one database
        requests.update({f"accessions → {target}": MappingRequest("UniProtKB_AC-ID", target,
                                                                  accessions)
                         for target in ("RefSeq_Protein", "Gene_Name", "Ensembl")})
    found: dict[str, Any] = {}
    with open_store(store_url) as store:
        list(map_ids(store, MappingRequest("Gene_Name", "UniProtKB", ("TP53",))))  # warm up
        for name, request in requests.items():
            started = time.perf_counter()
            pairs = [(p.from_id, p.to_id) for p in map_ids(store, request)]
            found[name] = (time.perf_counter() - started, _digest(pairs), len(pairs))
        request = MappingRequest("Gene_Name", "UniProtKB", tuple(ids["any"]), "2147483647")
        started = time.perf_counter()
        _, explained = explain_ids(store, request, ids["any"])
        found["explain"] = (time.perf_counter() - started,
                            _digest([e.to_dict() for e in explained]), len(explained))
    print(json.dumps(found))


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def _fresh(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def _sqlite_sizes(folder: Path) -> tuple[int, dict[str, int], int]:
    [path] = [p for p in (folder / "store.releases").glob("*.sqlite")]
    with sqlite3.connect(path) as conn:
        parts = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        rows = conn.execute("SELECT count(*) FROM xrefs").fetchone()[0]
    return path.stat().st_size, parts, rows


def _postgres_sizes(url: str) -> tuple[int, dict[str, int], int]:
    import psycopg

    with psycopg.connect(url) as conn:
        schema = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE "
                              "'idmapping_r%' ORDER BY nspname DESC LIMIT 1").fetchone()[0]
        parts = dict(conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) + coalesce(pg_relation_size("
            "nullif(c.reltoastrelid, 0)), 0) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'i')",
            (schema,)).fetchall())
        rows = conn.execute(f"SELECT count(*) FROM {schema}.xrefs").fetchone()[0]
    return sum(parts.values()), parts, rows


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        return
    from bench.measure import export_src, load_average, run_timed

    parser = argparse.ArgumentParser(prog="python -m bench.storesize",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--release", type=Path, required=True)
    parser.add_argument("--before", required=True, metavar="REV")
    parser.add_argument("--after", metavar="REV", help="[default: this work tree]")
    parser.add_argument("--store", default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--database", default="storesize")
    parser.add_argument("--accessions-every", type=int, default=10, metavar="N",
                        help="map one accession in N to other databases [default: 10]")
    args = parser.parse_args()
    sha, before = export_src(args.before)
    trees = {f"before ({sha[:12]})": before, "after (work tree)": ROOT / "src"}
    if args.after:
        after_sha, after = export_src(args.after)
        trees = {f"before ({sha[:12]})": before, f"after ({after_sha[:12]})": after}
    with gzip.open(args.release / "idmapping.dat.gz", "rb") as dat:
        lines = sum(1 for _ in dat)
    print(f"{args.release.name}: {lines:,} idmapping.dat lines; load average {load_average()}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="idmapping-storesize-") as tmp:
        urls = {}
        for n, (name, tree) in enumerate(trees.items()):  # one after the other
            env = {**os.environ, "PYTHONPATH": str(tree)}
            folder = Path(tmp) / str(n)
            folder.mkdir()
            url = (str(folder / "store.sqlite") if args.store == "sqlite"
                   else _fresh(args.store, f"{args.database}_{('before', 'after')[n]}"))
            timed = run_timed([sys.executable, "-m", "idmapping", "load", "--store", url, "-q",
                               *(str(args.release / f) for f in FILES)], env=env)
            size, parts, rows = (_sqlite_sizes(folder) if args.store == "sqlite"
                                 else _postgres_sizes(url))
            urls[name] = url
            print(json.dumps({"code": name, "load_seconds": round(timed.seconds, 1),
                              "bytes": size, "per_line": round(size / lines, 1),
                              "xrefs": rows, "per_xref": round(size / rows, 1),
                              "load_average": load_average(),
                              "parts": {k: round(v / rows, 1) for k, v in sorted(
                                  parts.items(), key=lambda kv: -kv[1]) if v > size / 1000}}),
                  flush=True)
        ids_file = Path(tmp) / "ids.json"
        ids_file.write_text(json.dumps(_ids(args.release, args.ids, args.accessions_every)))
        timings: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for _ in range(args.runs):  # in turns, so that both see the same machine
            for name, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT)])}
                out = subprocess.run([sys.executable, "-m", "bench.storesize", "--child",
                                      urls[name], str(ids_file)], env=env, cwd=ROOT,
                                     capture_output=True, text=True, check=True).stdout
                timings[name].append(json.loads(out.splitlines()[-1]))
        print(f"load average {load_average()}")
        (old_name, old), (new_name, new) = timings.items()
        for what in old[0]:
            if {t[what][1] for t in old + new} != {old[0][what][1]}:
                raise SystemExit(f"{what}: before and after answer differently")
            b, a = min(t[what][0] for t in old), min(t[what][0] for t in new)
            print(f"{what} ({old[0][what][2]:,} answers): before {b:.3f} s, after {a:.3f} s "
                  f"(each run: {[round(t[what][0], 3) for t in old]} / "
                  f"{[round(t[what][0], 3) for t in new]}): {a / b:.2f}x")
        if args.store != "sqlite":
            import psycopg

            with psycopg.connect(args.store, autocommit=True) as conn:
                for name in ("before", "after"):
                    conn.execute(f"DROP DATABASE IF EXISTS {args.database}_{name} WITH (FORCE)")


if __name__ == "__main__":
    main()
