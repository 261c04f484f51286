"""Real clients of UniProt's ID mapping API, unmodified, against a live server on loopback.

The server is ``idmapping serve`` in a process of its own. Clients that hard-code
``https://rest.uniprot.org`` are re-pointed by rewriting that prefix in requests' Session, the
only change (reference/clients.md §A.7); the server's absolute Location, redirectURL and Link
URLs then bring every later request back here.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

DATA = Path(__file__).parent / "data"
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "001_40b41c3876ca8096.txt"
UNIPROT = "https://rest.uniprot.org"
SHARED_GENE_SIZE = 300  # entries carrying one gene name: results over several pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shared_gene_release(directory: Path) -> Path:
    """An idmapping.dat with SHARED_GENE_SIZE entries that all carry the gene name SHRD1."""
    lines = []
    for n in range(SHARED_GENE_SIZE):
        acc = f"Q{n // 100 % 10}{chr(65 + n // 10 % 10)}{n % 10}{chr(65 + n % 7)}{n % 9}"
        lines += [f"{acc}\tUniProtKB-ID\t{acc}_HUMAN", f"{acc}\tGene_Name\tSHRD1",
                  f"{acc}\tNCBI_TaxID\t9606", f"{acc}\tGeneID\t{900000 + n}"]
    path = directory / "shared.dat"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("clients")
    store = str(tmp / "store.sqlite")
    files = [*sorted((DATA / "core").iterdir()), DATA / "clients" / "idmapping.dat",
             shared_gene_release(tmp)]
    env = {**os.environ, "IDMAPPING_STORE": store}
    subprocess.run([sys.executable, "-m", "idmapping", "load", "-q", *map(str, files)],
                   env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "idmapping", "serve", "--port", str(port), "--no-demo"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()  # type: ignore[union-attr]
                                       ) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def repointed(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Send every requests call for rest.uniprot.org to the local server instead."""
    original = requests.sessions.Session.request

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any
                ) -> requests.Response:
        if isinstance(url, str) and url.startswith(UNIPROT):
            url = server + url[len(UNIPROT):]
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.sessions.Session, "request", request)
    return server


def shared_gene_accessions(server: str) -> list[str]:
    response = requests.post(server + "/idmapping/run",
                             data={"from": "Gene_Name", "to": "UniProtKB", "ids": "SHRD1"})
    job = response.json()["jobId"]
    stream = requests.get(f"{server}/idmapping/stream/{job}", params={"format": "list"})
    return stream.text.split()


def test_uniprots_documented_python_example(repointed: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    if not SPEC.exists():
        pytest.skip("../shared/spec is absent")
    text = SPEC.read_text()
    code = text.split("# Python example", 1)[1].split("```", 2)[1]
    namespace: dict[str, Any] = {"__name__": "uniprot_example"}
    exec(compile(code, "uniprot_example.py", "exec"), namespace)  # the example, unmodified
    assert namespace["results"] == {"results": [{"from": "P05067", "to": "CHEMBL2487"}],
                                    "failedIds": ["P12345"]}
    # its paged and stream readers, over several pages and in TSV
    job = namespace["submit_id_mapping"]("Gene_Name", "UniProtKB", ["SHRD1", "NOPE"])
    assert namespace["check_id_mapping_results_ready"](job)
    link = namespace["get_id_mapping_results_link"](job)
    assert link == f"{repointed}/idmapping/uniprotkb/results/{job}"
    rows = namespace["get_id_mapping_results_search"](link + "?format=tsv&size=100")
    assert rows[0].startswith("From\tEntry\t")
    assert len(rows) == 1 + SHARED_GENE_SIZE
    streamed = namespace["get_id_mapping_results_stream"](link + "?format=tsv")
    assert streamed == rows
    plain = namespace["get_id_mapping_results_search"](
        link.replace("/uniprotkb/", "/") + "?size=50")
    assert [r["to"] for r in plain["results"]] == shared_gene_accessions(repointed)
    assert plain["failedIds"] == ["NOPE"] * (SHARED_GENE_SIZE // 50)


def test_unipressed(repointed: str) -> None:
    from unipressed import IdMappingClient

    job = IdMappingClient.submit(source="UniProtKB_AC-ID", dest="GeneID",
                                 ids={"P05067", "P04637"})
    assert job.get_status() == "FINISHED"
    assert sorted((r["from"], r["to"]) for r in job.each_result()) == [
        ("P04637", "7157"), ("P05067", "351")]
    # no polling at all, several pages through the Link header
    job = IdMappingClient.submit(source="Gene_Name", dest="UniProtKB", ids=["SHRD1"])
    results = list(job.each_result())
    assert len(results) == SHARED_GENE_SIZE
    assert [r["to"] for r in results] == shared_gene_accessions(repointed)


def test_bioservices(server: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from bioservices import UniProt

        UniProt._url = server
        client = UniProt(verbose=False)
        assert "Gene_Name" in client.valid_mapping
        got = client.mapping("UniProtKB_AC-ID", "ChEMBL", "P05067,P12345", progress=False)
        assert got == {"results": [{"from": "P05067", "to": "CHEMBL2487"}],
                       "failedIds": ["P12345"]}
        got = client.mapping("Gene_Name", "UniProtKB", ["SHRD1"], progress=False,
                             polling_interval_seconds=0.2)
    assert [r["from"] for r in got["results"]] == ["SHRD1"] * SHARED_GENE_SIZE
    assert [r["to"]["primaryAccession"] for r in got["results"]] == \
        shared_gene_accessions(server)


def test_uniprot_id_mapper(server: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from UniProtMapper import ProtMapper

        mapper = ProtMapper(api_url=server)
        frame, failed = mapper.get(ids=["P04637", "P05067", "K7PPA8", "P99998"],
                                   from_db="UniProtKB_AC-ID", to_db="UniProtKB-Swiss-Prot")
    assert list(frame.columns[:4]) == ["From", "Entry", "Entry Name", "Reviewed"]
    assert list(frame["Entry"]) == ["P04637", "P05067"]
    assert list(frame["Entry Name"]) == ["P53_HUMAN", "A4_HUMAN"]
    assert failed == ["K7PPA8", "P99998"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame, failed = mapper.get(ids=["SHRD1"], from_db="Gene_Name", to_db="UniProtKB",
                                   fields=["accession", "gene_primary"])
    assert len(frame) == SHARED_GENE_SIZE and failed == []
    assert re.fullmatch(r"[A-Z0-9]+", frame["Entry"].iloc[0])
