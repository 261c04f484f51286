"""Jobs under limits and across restarts, each on a server of its own (§3 Limits)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from idmapping.model import Job, JobStatus
from idmapping.store import open_store


def submit(base: str, from_db: str, to_db: str, ids: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={"from": from_db, "to": to_db, "ids": ids})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def wait_finished(base: str, job: str, timeout: float = 20) -> httpx.Response:
    """Poll the status as clients do until it is no longer NEW or RUNNING."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{base}/idmapping/status/{job}")
        if response.status_code != 200:
            return response
        assert response.json()["jobStatus"] in ("NEW", "RUNNING")
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)


def test_too_many_pairs_is_error_40(
    api_server_factory: Callable[..., Any], api_release: Any
) -> None:
    live = api_server_factory(max_pairs=50)
    job = submit(live.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    status = httpx.get(f"{live.url}/idmapping/status/{job}")
    assert status.status_code == 400
    assert status.json() == {
        "jobStatus": "ERROR",
        "errors": [
            {
                "code": 40,
                "message": "Id Mapping API is not supported for mapping results with more "
                'than 50 "mapped to" IDs',
            }
        ],
    }
    details = httpx.get(f"{live.url}/idmapping/details/{job}").json()
    assert list(details) == ["from", "to", "ids", "errors"]
    assert details["errors"][0]["code"] == 40
    assert httpx.get(f"{live.url}/idmapping/results/{job}").status_code == 404


def test_over_the_enrichment_limit(
    api_server_factory: Callable[..., Any], api_release: Any
) -> None:
    live = api_server_factory(max_enrich=100)
    job = submit(live.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    warning = {
        "code": 21,
        "message": "UniProt data enrichment is not supported for mapping "
        'results with more than 100 "mapped to" IDs',
    }
    status = httpx.get(f"{live.url}/idmapping/status/{job}")
    assert status.status_code == 303
    assert status.json() == {"jobStatus": "FINISHED", "warnings": [warning]}
    # the plain results, not the entries
    assert status.headers["location"] == f"{live.url}/idmapping/results/{job}"
    details = httpx.get(f"{live.url}/idmapping/details/{job}").json()
    assert list(details) == ["from", "to", "ids", "redirectURL", "warnings"]
    page = httpx.get(status.headers["location"]).json()
    assert list(page) == ["warnings", "results"]  # warnings come first
    assert page["warnings"] == [warning]
    entries = httpx.get(f"{live.url}/idmapping/uniprotkb/results/{job}")
    assert entries.status_code == 400
    assert entries.json()["messages"] == [
        "Invalid request received. UniProt data enrichment is not supported for mapping "
        'results with more than 100 "mapped to" IDs'
    ]
    stream = httpx.get(f"{live.url}/idmapping/uniprotkb/results/stream/{job}?format=tsv")
    assert stream.status_code == 400
    assert stream.text.startswith("Error messages\nInvalid request received. UniProt data")


def test_large_job_runs_on_a_worker(
    api_server_factory: Callable[..., Any], api_release: Any
) -> None:
    live = api_server_factory(inline_job_ids=2)
    ids = ",".join(api_release.bulk_accession(n) for n in range(40))
    job = submit(live.url, "UniProtKB_AC-ID", "UniParc", ids)
    # accepted at once, RUNNING until the worker is done (never NEW once accepted)
    status = wait_finished(live.url, job)
    assert status.status_code == 303
    stream = httpx.get(f"{live.url}/idmapping/uniparc/results/stream/{job}?format=list")
    assert stream.text.splitlines() == [f"UPI{n + 1:010X}" for n in range(40)]


def test_jobs_survive_a_restart(
    api_server_factory: Callable[..., Any], tmp_path: Path, api_release: Any
) -> None:
    first = api_server_factory()
    job = submit(first.url, "GeneID", "UniProtKB", api_release.bulk_gene_id)
    before = httpx.get(f"{first.url}/idmapping/stream/{job}").json()
    store_url = first.app.state.ctx.store.url
    first.stop()
    store = open_store(store_url)
    try:
        # a job left RUNNING by the stop is run again when the next server starts
        now = time.time()
        store.save_job(
            Job(
                id="apiRESUMED",
                from_db="UniProtKB_AC-ID",
                to_db="GeneID",
                ids="P04637",
                tax_id="",
                status=JobStatus.RUNNING,
                created=now,
                updated=now,
            )
        )
        second = api_server_factory(store=store)
        assert httpx.get(f"{second.url}/idmapping/stream/{job}").json() == before
        assert (
            httpx.get(f"{second.url}/idmapping/details/{job}").json()["ids"]
            == api_release.bulk_gene_id
        )
        assert wait_finished(second.url, "apiRESUMED").status_code == 303
        assert httpx.get(f"{second.url}/idmapping/results/apiRESUMED").json() == {
            "results": [{"from": "P04637", "to": "7157"}]
        }
        second.stop()
    finally:
        store.close()


def test_expired_jobs_are_purged_at_startup(api_server_factory: Callable[..., Any]) -> None:
    first = api_server_factory(job_ttl_days=1)
    store = first.app.state.ctx.store
    old = time.time() - 2 * 86400
    store.save_job(
        Job(
            id="apiEXPIRED",
            from_db="UniProtKB_AC-ID",
            to_db="GeneID",
            ids="P04637",
            tax_id="",
            status=JobStatus.FINISHED,
            created=old,
            updated=old,
        )
    )
    assert httpx.get(f"{first.url}/idmapping/status/apiEXPIRED").status_code == 404
    first.stop()
    api_server_factory(store=store, job_ttl_days=1)
    assert store.get_job("apiEXPIRED") is None
