"""Real clients of UniProt's ID mapping API, unmodified, on every release (the demo and the
foreign one) and both stores, with ids drawn from the release served.

The clients run as tests/test_clients.py runs them: those that hard-code
``https://rest.uniprot.org`` are re-pointed by rewriting that prefix in requests' Session, the
only change (reference/clients.md §A.7); the others are given the server's base URL.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import requests

from idmapping.catalogue import AC_ID, Catalogue
from releases import ReleaseFacts, to_databases

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "001_40b41c3876ca8096.txt"
UNIPROT = "https://rest.uniprot.org"
GENE = Catalogue.default().database("Gene_Name")
MISSING = "NOT-IN-ANY-RELEASE"


@pytest.fixture
def repointed(release_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Send every requests call for rest.uniprot.org to the release's server instead."""
    original = requests.sessions.Session.request

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any
                ) -> requests.Response:
        if isinstance(url, str) and url.startswith(UNIPROT):
            url = release_url + url[len(UNIPROT):]
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.sessions.Session, "request", request)
    return release_url


def gene_pairs(release: ReleaseFacts, count: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Gene names of the release, and the ``(name, accession)`` results they map to."""
    names = release.sample("Gene_Name", count)
    return names, [(n, a) for n in names for a in release.entries_of(GENE, n)]


def xref_pairs(release: ReleaseFacts) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A plain ``to`` database (GeneID where the release has it), some accessions holding its
    ids, and their ``(accession, id)`` results."""
    names = [db.name for db in to_databases(release)]
    database = Catalogue.default().database("GeneID" if "GeneID" in names else names[-1])
    assert database.dat_type is not None
    accessions = release.carriers(database.dat_type, 4)
    return database.name, accessions, [(a, v) for a in accessions
                                       for v in release.values(a, database.dat_type)]


def test_uniprots_documented_python_example(repointed: str, release: ReleaseFacts) -> None:
    if not SPEC.exists():
        pytest.skip("../shared/spec is absent")
    code = SPEC.read_text().split("# Python example", 1)[1].split("```", 2)[1]
    namespace: dict[str, Any] = {"__name__": "uniprot_example"}
    exec(compile(code, "uniprot_example.py", "exec"), namespace)  # the example, unmodified
    # its own request (P05067, P12345 to ChEMBL) is answered from this release
    found = [{"from": a, "to": v} for a in ("P05067", "P12345") if a in release.entries
             for v in release.values(a, "ChEMBL")]
    failed = [a for a in ("P05067", "P12345") if a not in {r["from"] for r in found}]
    assert namespace["results"] == {"results": found, **({"failedIds": failed} if failed else {})}
    # its readers, with ids of this release: paged TSV of entries, the stream, plain JSON
    names, wanted = gene_pairs(release, 6)
    job = namespace["submit_id_mapping"]("Gene_Name", "UniProtKB", [*names, MISSING])
    assert namespace["check_id_mapping_results_ready"](job)
    link = namespace["get_id_mapping_results_link"](job)
    assert link == f"{repointed}/idmapping/uniprotkb/results/{job}"
    rows = namespace["get_id_mapping_results_search"](link + "?format=tsv&size=2&fields=accession")
    assert rows == ["From\tEntry", *(f"{n}\t{a}" for n, a in wanted)]
    assert namespace["get_id_mapping_results_stream"](link + "?format=tsv&fields=accession") == rows
    to_db, accessions, pairs = xref_pairs(release)
    job = namespace["submit_id_mapping"](AC_ID, to_db, accessions)
    assert namespace["check_id_mapping_results_ready"](job)
    plain = namespace["get_id_mapping_results_search"](
        namespace["get_id_mapping_results_link"](job) + "?size=3")
    assert [(r["from"], r["to"]) for r in plain["results"]] == pairs


def test_unipressed(repointed: str, release: ReleaseFacts) -> None:
    from unipressed import IdMappingClient

    to_db, accessions, pairs = xref_pairs(release)
    job = IdMappingClient.submit(source=AC_ID, dest=to_db, ids=set(accessions))
    assert job.get_status() == "FINISHED"
    assert sorted((r["from"], r["to"]) for r in job.each_result()) == sorted(pairs)
    names, wanted = gene_pairs(release, 6)
    job = IdMappingClient.submit(source="Gene_Name", dest="UniProtKB", ids=names)
    assert sorted((r["from"], r["to"]) for r in job.each_result()) == sorted(wanted)


def test_bioservices(release_url: str, release: ReleaseFacts) -> None:
    to_db, accessions, pairs = xref_pairs(release)
    names, wanted = gene_pairs(release, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from bioservices import UniProt

        UniProt._url = release_url
        client = UniProt(verbose=False)
        assert "Gene_Name" in client.valid_mapping
        got = client.mapping(AC_ID, to_db, ",".join([*accessions, MISSING]), progress=False)
        assert got == {"results": [{"from": a, "to": v} for a, v in pairs],
                       "failedIds": [MISSING]}
        got = client.mapping("Gene_Name", "UniProtKB", names, progress=False,
                             polling_interval_seconds=0.2)
    assert [(r["from"], r["to"]["primaryAccession"]) for r in got["results"]] == wanted


def test_uniprot_id_mapper(release_url: str, release: ReleaseFacts) -> None:
    accessions = release.accessions()[:5]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from UniProtMapper import ProtMapper

        mapper = ProtMapper(api_url=release_url)
        frame, failed = mapper.get(ids=[*accessions, MISSING], from_db=AC_ID,
                                   to_db="UniProtKB")
    assert list(frame.columns[:4]) == ["From", "Entry", "Entry Name", "Reviewed"]
    assert list(frame["Entry"]) == accessions
    assert [n if isinstance(n, str) else None for n in frame["Entry Name"]] == [
        release.entries[a].name for a in accessions]
    assert failed == [MISSING]
    names, wanted = gene_pairs(release, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame, failed = mapper.get(ids=names, from_db="Gene_Name", to_db="UniProtKB",
                                   fields=["accession", "gene_primary"])
    assert list(zip(frame["From"], frame["Entry"], strict=True)) == wanted and failed == []
