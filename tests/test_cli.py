"""The command line, through click's runner: load, map, info, jobs, settings."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from idmapping.cli.commands import cli

CORE = Path(__file__).parent / "data" / "core"
BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.sqlite")
    result = CliRunner().invoke(cli, ["load", "--store", path, "-q", *map(str, CORE.iterdir())])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None
        ) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_load_reports_rows_and_rate(tmp_path: Path) -> None:
    code, out, err = run("load", "--store", str(tmp_path / "s.sqlite"), "-q",
                         str(CORE / "idmapping.dat"), "--release", "r1")
    assert code == 0
    assert "Loaded release r1: 8 entries, 57 rows in" in err
    assert "rows/s" in err


def test_store_from_environment(store: str) -> None:
    code, out, _ = run("map", "--from", "Gene_Name", "--to", "UniProtKB", input="GOT2",
                       env={"IDMAPPING_STORE": store})
    assert (code, out) == (0, "From\tTo\nGOT2\tP00505\nGOT2\tP12345\n")


def test_map_tsv_reads_whitespace_and_commas(store: str) -> None:
    code, out, err = run("map", "--store", store, "--from", "Gene_Name", "--to", "UniProtKB",
                         "--tax-id", "9606", input="TP53,\tGOT2\n nope\n")
    assert code == 0
    assert out == "From\tTo\nTP53\tP04637\nTP53\tK7PPA8\nGOT2\tP00505\n"
    assert "3 results; 1 ids not mapped (release 2031_02)" in err


def test_map_json_and_failed_file(store: str, tmp_path: Path) -> None:
    failed = tmp_path / "failed.txt"
    code, out, _ = run("map", "--store", store, "--from", "UniProtKB_AC-ID", "--to", "GeneID",
                       "--format", "json", "--failed", str(failed), input="P04637 X1 X2")
    assert code == 0
    assert orjson.loads(out) == {"results": [{"from": "P04637", "to": "7157"}],
                                 "failedIds": ["X1", "X2"]}
    assert failed.read_text() == "X1\nX2\n"
    code, out, _ = run("map", "--store", store, "--from", "UniProtKB_AC-ID", "--to", "GeneID",
                       "--format", "json", input="P04637")
    assert orjson.loads(out) == {"results": [{"from": "P04637", "to": "7157"}]}


def test_map_list_from_file(store: str, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("P04637\n")
    code, out, _ = run("map", "--store", store, "--from", "UniProtKB_AC-ID", "--to", "PDB",
                       "--format", "list", str(ids))
    assert (code, out) == (0, "1A1U\n1AIE\n")


def test_map_exit_zero_when_nothing_maps(store: str) -> None:
    code, out, err = run("map", "--store", store, "--from", "Gene_Name", "--to", "UniProtKB",
                         input="nothing here")
    assert (code, out) == (0, "From\tTo\n")
    assert "0 results; 2 ids not mapped" in err


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--from", "Nope", "--to", "UniProtKB"), "x",
         "The parameter 'from' has an invalid value 'Nope'."),
        (("--from", "ChEMBL", "--to", "UniParc"), "x",
         "The combination of 'from=ChEMBL' and 'to=UniParc' parameters is invalid"),
        (("--from", "Gene_Name", "--to", "UniProtKB"), "", "'ids' is a required parameter"),
        (("--from", "Gene_Name", "--to", "UniProtKB"), b"\x00\x01\x02binary",
         "The input is binary data, not a list of ids"),
        (("--from", "Gene_Name", "--to", "UniProtKB"), b"\xff\xfe bad utf8",
         "The input is not UTF-8 text"),
        (("--from", "Gene_Name", "--to", "UniProtKB"), "x" * 1001,
         "An id is longer than 1000 characters"),
    ],
)
def test_map_bad_input(store: str, args: tuple[str, ...], stdin: str | bytes,
                       message: str) -> None:
    code, out, err = run("map", "--store", store, *args, input=stdin)
    assert code != 0
    assert message in err
    assert out == ""


def test_id_length_cap_is_a_setting(store: str) -> None:
    code, _, err = run("map", "--store", store, "--from", "Gene_Name", "--to", "UniProtKB",
                       input="ABCDEFGHIJK", env={"IDMAPPING_MAX_ID_LENGTH": "10"})
    assert code != 0 and "longer than 10 characters" in err


def test_bad_release_file_names_file_and_line_and_keeps_the_release(store: str) -> None:
    code, _, err = run("load", "--store", store, "-q", str(BAD / "two_columns.dat"))
    assert code != 0
    assert f"{BAD / 'two_columns.dat'}, line 2: expected 3 tab-separated columns" in err
    code, out, _ = run("map", "--store", store, "--from", "Gene_Name", "--to", "UniProtKB",
                       input="ABLIM1")
    assert out == "From\tTo\nABLIM1\tO14639\n"


def test_load_subset_options(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite")
    code, _, _ = run("load", "--store", path, "-q", "--taxon", "9606", "--taxon", "10090",
                     "--reviewed-only", *map(str, CORE.iterdir()))
    assert code == 0
    code, out, _ = run("map", "--store", path, "--from", "Gene_Name", "--to", "UniProtKB",
                       input="TP53 Trp53 GOT2")
    assert out == "From\tTo\nTP53\tP04637\nTrp53\tP02340\nGOT2\tP00505\n"


def test_info(store: str) -> None:
    code, out, _ = run("info", "--store", store, "--json")
    assert code == 0
    report = orjson.loads(out)
    [release] = report["releases"]
    assert (release["name"], release["current"], release["state"]) == ("2031_02", True, "ready")
    assert release["counts"]["GeneID"] == 2
    assert report["sizes"]["release 2031_02"] > 0
    code, out, _ = run("info", "--store", store)
    assert code == 0 and "Release 2031_02 (current)" in out and "GeneID" in out


def test_info_on_empty_store(tmp_path: Path) -> None:
    code, out, _ = run("info", "--store", str(tmp_path / "e.sqlite"))
    assert code == 0 and "No release loaded" in out


def test_jobs_list_and_purge(store: str) -> None:
    from idmapping.jobs.dispatch import InlineDispatcher
    from idmapping.jobs.service import JobService
    from idmapping.settings import Settings
    from idmapping.store import open_store

    with open_store(store) as opened:
        service = JobService(opened, Settings.load(environ={}), InlineDispatcher())
        job = service.submit("Gene_Name", "UniProtKB", "TP53,nope")
        service.close()
    code, out, _ = run("jobs", "list", "--store", store)
    assert code == 0 and out.startswith(f"{job.id}\tFINISHED\tGene_Name\tUniProtKB\t2\t1\t")
    code, _, err = run("jobs", "purge", "--store", store)
    assert "Deleted 0 jobs" in err
    code, _, err = run("jobs", "purge", "--store", store, "--all")
    assert "Deleted 1 jobs" in err
    assert run("jobs", "list", "--store", store)[1] == ""


def test_settings_lists_every_setting() -> None:
    from idmapping.settings import SETTINGS

    code, out, _ = run("settings")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        f"IDMAPPING_{s.name.upper()}" for s in SETTINGS]


def test_unknown_store_url() -> None:
    code, _, err = run("info", "--store", "mysql://x")
    assert code != 0 and "Unknown store URL" in err


def test_a_worker_needs_a_broker(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["worker", "--store", str(tmp_path / "w.sqlite")],
                                env={"IDMAPPING_BROKER_URL": None})
    assert result.exit_code != 0
    assert "A worker needs a broker: --broker-url or IDMAPPING_BROKER_URL" in result.stderr
    assert not (tmp_path / "w.sqlite").exists()  # refused before the store is opened


# The library functions under the commands, called directly


@pytest.mark.parametrize(("fmt", "ids", "expected"), [
    ("tsv", ("TP53", "nope"), b"From\tTo\nTP53\tP04637\nTP53\tK7PPA8\n"),
    ("list", ("TP53",), b"P04637\nK7PPA8\n"),
    ("list", ("nope",), b""),  # nothing mapped: nothing written, not even a newline
    ("json", ("GOT2", "nope"),
     b'{"results":[{"from":"GOT2","to":"P00505"}],"failedIds":["nope"]}\n'),
])
def test_map_to_writes_a_format_and_returns_the_run(store: str, fmt: str, ids: tuple[str, ...],
                                                    expected: bytes) -> None:
    import io

    from idmapping.model import MappingRequest
    from idmapping.offline import map_to
    from idmapping.store import open_store

    out = io.BytesIO()
    with open_store(store) as opened:
        run = map_to(out, opened, MappingRequest("Gene_Name", "UniProtKB", ids, "9606"), fmt)
    assert out.getvalue() == expected
    assert run.failed_ids == [i for i in ids if i == "nope"]
    assert run.release == "2031_02"


def test_store_report(store: str) -> None:
    from idmapping.report import store_report
    from idmapping.store import open_store

    with open_store(store) as opened:
        report = store_report(opened)
    [release] = report.releases
    assert (release.name, release.current, release.state) == ("2031_02", True, "ready")
    assert release.counts["GeneID"] == 2 and report.jobs == 0
    assert report.to_dict()["releases"][0]["counts"] == release.counts
