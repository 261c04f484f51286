"""The REST API over real HTTP: submission, status, details, headers and the error shape.

Each test speaks to a live uvicorn server (tests/conftest.py, "API" fixtures). Expected values
are UniProt's, from reference/api-behaviour.md (§ numbers in comments).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
import requests

from idmapping.catalogue import Catalogue
from idmapping.model import Job, JobStatus
from idmapping.store import Store

API_RELEASE = "2099_01"  # the release the API test files state (conftest.write_api_release)


def submit(base: str, from_db: str, to_db: str, ids: str, **extra: str) -> str:
    response = httpx.post(
        f"{base}/idmapping/run", data={"from": from_db, "to": to_db, "ids": ids, **extra}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


def save_job(
    store: Store, key: str, status: JobStatus, updated: float | None = None, **fields: object
) -> None:
    now = time.time() if updated is None else updated
    store.save_job(
        Job(
            id=key,
            from_db="UniProtKB_AC-ID",
            to_db="UniProtKB",
            ids="P04637",
            tax_id="",
            status=status,
            created=now,
            updated=now,
            **fields,
        )
    )  # type: ignore[arg-type]


# --- POST /idmapping/run (§2.1) --------------------------------------------------------------


def test_run_documented_job_id(api_url: str) -> None:
    # IdMappingJobControllerIT: taxId is a free string, accepted for any pair
    job = submit(api_url, "EMBL-GenBank-DDBJ", "UniProtKB", "Q00001,Q00002", taxId="taxId")
    assert job == "9Sv6fK80gq"


def test_run_urlencoded_multipart_and_query_string_give_the_same_job(api_url: str) -> None:
    fields = {"from": "UniProtKB_AC-ID", "to": "GeneID", "ids": "P04637,P02340"}
    urlencoded = httpx.post(f"{api_url}/idmapping/run", data=fields)
    multipart = httpx.post(
        f"{api_url}/idmapping/run", files={k: (None, v) for k, v in fields.items()}
    )
    query = httpx.post(f"{api_url}/idmapping/run", params=fields)
    assert urlencoded.status_code == multipart.status_code == query.status_code == 200
    assert urlencoded.json() == multipart.json() == query.json()
    assert list(urlencoded.json()) == ["jobId"]
    assert urlencoded.headers["content-type"] == "application/json"


def test_run_ignores_unknown_fields_and_reuses_jobs(api_url: str) -> None:
    first = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637", organism_id="9606")
    again = submit(api_url, "UniProtKB_AC-ID", "GeneID", " p04637 ")  # the id ignores case
    assert first == again
    assert httpx.get(f"{api_url}/idmapping/details/{first}").json()["ids"] == "P04637"


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        # a from that does not exist, then the pair (IdMappingJobControllerIT)
        (
            {"from": "ACC123", "to": "UniProtKB", "ids": "P04637"},
            [
                "The parameter 'from' has an invalid value 'ACC123'.",
                "The combination of 'from=ACC123' and 'to=UniProtKB' parameters is invalid",
            ],
        ),
        # a pair the rules do not allow
        (
            {"from": "ChEMBL", "to": "UniParc", "ids": "CHEMBL1"},
            ["The combination of 'from=ChEMBL' and 'to=UniParc' parameters is invalid"],
        ),
        # every missing field, in order
        (
            {},
            [
                "'from' is a required parameter",
                "'to' is a required parameter",
                "'ids' is a required parameter",
            ],
        ),
        (
            {"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": " "},
            ["'ids' is a required parameter"],
        ),
    ],
)
def test_run_validation_messages(api_url: str, fields: dict[str, str], messages: list[str]) -> None:
    response = httpx.post(f"{api_url}/idmapping/run", data=fields)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"url": f"{api_url}/idmapping/run", "messages": messages}


def test_run_too_many_ids(api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory(max_ids=3)
    response = httpx.post(
        f"{live.url}/idmapping/run",
        data={"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": "A,B,C,D"},
    )
    assert response.status_code == 400
    assert response.json()["messages"] == [
        "'3' is the maximum count limit of comma separated items for 'ids' param. "
        "You have passed '4' items."
    ]


def test_run_body_too_large(api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory(max_body_bytes=1000)
    fields = {"from": "UniProtKB_AC-ID", "to": "UniProtKB", "ids": ",".join(["P04637"] * 200)}
    # refused by its Content-Length ...
    response = httpx.post(f"{live.url}/idmapping/run", data=fields)
    assert response.status_code == 413
    assert response.json()["messages"] == [
        "The request body is larger than the limit of 1000 bytes."
    ]
    # ... and, without one (chunked), while it is read
    body = httpx.QueryParams(fields).__str__().encode()
    chunked = httpx.post(
        f"{live.url}/idmapping/run",
        content=iter([body[:500], body[500:]]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413
    multipart = httpx.post(
        f"{live.url}/idmapping/run", files={k: (None, v) for k, v in fields.items()}
    )
    assert multipart.status_code == 413
    # a body within the limit still works
    assert (
        httpx.post(f"{live.url}/idmapping/run", data={**fields, "ids": "P04637"}).status_code == 200
    )


def test_run_uploaded_file_and_repeated_fields(api_url: str) -> None:
    upload = httpx.post(
        f"{api_url}/idmapping/run",
        data={"from": "UniProtKB_AC-ID", "to": "GeneID"},
        files={"ids": ("ids.txt", b"P04637,P02340")},
    )
    # a repeated field is joined with commas, as Spring binds it
    repeated = httpx.post(
        f"{api_url}/idmapping/run",
        content=b"from=UniProtKB_AC-ID&to=GeneID&ids=P04637&ids=P02340",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (
        upload.json()
        == repeated.json()
        == {"jobId": submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637,P02340")}
    )


# --- GET /idmapping/status/{jobId} (§2.2, §2.4) ---------------------------------------------


@pytest.mark.parametrize(
    ("to_db", "path"),
    [
        ("UniProtKB", "uniprotkb/results"),
        ("UniProtKB-Swiss-Prot", "uniprotkb/results"),
        ("UniParc", "uniparc/results"),
        ("UniRef90", "uniref/results"),
        ("UniRef50", "uniref/results"),
        ("GeneID", "results"),
    ],
)
def test_status_finished_redirects_to_results(api_url: str, to_db: str, path: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", to_db, "P04637")
    response = httpx.get(f"{api_url}/idmapping/status/{job}")
    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/idmapping/{path}/{job}"
    assert response.content == b'{"jobStatus":"FINISHED"}'
    assert response.headers["x-uniprot-release"] == API_RELEASE
    head = httpx.head(f"{api_url}/idmapping/status/{job}")
    assert head.status_code == 303 and head.headers["location"] == response.headers["location"]


def test_status_redirect_follows_forwarded_headers(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637")
    response = httpx.get(
        f"{api_url}/idmapping/status/{job}",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.example.org, proxy.local"},
    )
    assert response.headers["location"] == f"https://maps.example.org/idmapping/results/{job}"


def test_status_followed_lands_on_the_first_page(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637,NOPE")
    # requests follows the 303 as clients do; the page carries results and failedIds
    response = requests.get(f"{api_url}/idmapping/status/{job}", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"results": [{"from": "P04637", "to": "7157"}], "failedIds": ["NOPE"]}
    assert response.headers["X-Total-Results"] == "1"


def test_status_of_unknown_new_error_and_expired_jobs(api_url: str, api_store: Store) -> None:
    unknown = httpx.get(f"{api_url}/idmapping/status/nosuchjob")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "url": f"{api_url}/idmapping/status/nosuchjob",
        "messages": ["Resource not found"],
    }
    save_job(api_store, "apiNEWjob1", JobStatus.NEW)
    assert httpx.get(f"{api_url}/idmapping/status/apiNEWjob1").json() == {"jobStatus": "NEW"}
    save_job(api_store, "apiRUNjob1", JobStatus.RUNNING)
    running = httpx.get(f"{api_url}/idmapping/status/apiRUNjob1")
    assert (running.status_code, running.json()) == (200, {"jobStatus": "RUNNING"})
    save_job(api_store, "apiERRjob1", JobStatus.ERROR)  # an error with nothing stored
    error = httpx.get(f"{api_url}/idmapping/status/apiERRjob1")
    assert (error.status_code, error.json()) == (500, {"jobStatus": "ERROR"})
    save_job(api_store, "apiOLDjob1", JobStatus.FINISHED, updated=time.time() - 8 * 86400)
    assert httpx.get(f"{api_url}/idmapping/status/apiOLDjob1").status_code == 404
    # results of jobs that are not finished are not found either (§2.5)
    for key in ("apiNEWjob1", "apiERRjob1", "apiOLDjob1", "nosuchjob"):
        for path in ("results", "stream", "uniprotkb/results", "uniprotkb/results/stream"):
            response = httpx.get(f"{api_url}/idmapping/{path}/{key}")
            assert response.status_code == 404, (path, key)
            assert response.json()["messages"] == ["Resource not found"]


# --- GET /idmapping/details/{jobId} (§2.3) --------------------------------------------------


def test_details_of_a_finished_job(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniParc", "P04637,P02340")
    details = httpx.get(f"{api_url}/idmapping/details/{job}")
    assert details.status_code == 200
    assert list(details.json().items()) == [
        ("from", "UniProtKB_AC-ID"),
        ("to", "UniParc"),
        ("ids", "P04637,P02340"),
        ("redirectURL", f"{api_url}/idmapping/uniparc/results/{job}"),
    ]
    assert details.headers["x-uniprot-release"] == API_RELEASE


def test_details_keep_tax_id_and_the_ids_as_submitted(api_url: str) -> None:
    job = submit(api_url, "Gene_Name", "UniProtKB", "TP53 , Trp53", taxId="9606")
    body = httpx.get(f"{api_url}/idmapping/details/{job}").json()
    assert list(body) == ["from", "to", "ids", "taxId", "redirectURL"]
    assert body["ids"] == "TP53 , Trp53" and body["taxId"] == "9606"


def test_details_of_new_and_unknown_jobs(api_url: str, api_store: Store) -> None:
    save_job(api_store, "apiNEWjob2", JobStatus.NEW)
    assert httpx.get(f"{api_url}/idmapping/details/apiNEWjob2").json() == {
        "from": "UniProtKB_AC-ID",
        "to": "UniProtKB",
        "ids": "P04637",
    }
    assert httpx.get(f"{api_url}/idmapping/details/nosuchjob").status_code == 404


# --- configuration, root, docs ----------------------------------------------------------------


def test_configure_fields_is_the_catalogue_compact(api_url: str) -> None:
    response = httpx.get(f"{api_url}/configure/idmapping/fields")
    assert response.status_code == 200
    assert response.content == orjson.dumps(Catalogue.default().fields)
    body = response.json()
    assert len(body["groups"]) == 17
    assert sum(len(g["items"]) for g in body["groups"]) == 96
    # UniProt's non-cacheable paths are the regex .*/idmapping/.*, which this path matches too
    assert response.headers["cache-control"] == "no-cache"
    assert "cache-control" not in httpx.get(f"{api_url}/").headers


def test_root_docs_and_openapi(api_url: str) -> None:
    root = httpx.get(f"{api_url}/")
    assert root.status_code == 200 and root.json()["release"] == API_RELEASE
    assert httpx.get(f"{api_url}/docs").status_code == 200
    paths = httpx.get(f"{api_url}/openapi.json").json()["paths"]
    assert "/idmapping/run" in paths and "/idmapping/status/{job_id}" in paths


# --- protocol: headers, slashes, the error shape --------------------------------------------


def test_common_headers_on_every_response(api_url: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "GeneID", "P04637")
    for response in (
        httpx.get(f"{api_url}/idmapping/results/{job}"),
        httpx.get(f"{api_url}/idmapping/status/nosuchjob"),
        httpx.post(f"{api_url}/idmapping/run", data={}),
        httpx.get(f"{api_url}/no/such/path"),
    ):
        headers = response.headers
        assert headers["access-control-allow-origin"] == "*"
        assert headers["access-control-expose-headers"] == (
            "Link, X-Total-Results, X-UniProt-Release, X-UniProt-Release-Date, "
            "X-API-Deployment-Date"
        )
        # as rest.uniprot.org's recorded responses write it (User-Agent: browsers get JSON)
        assert headers["vary"] == (
            "Accept, Accept-Encoding, X-UniProt-Release, X-API-Deployment-Date, User-Agent")
        assert headers["x-uniprot-release"] == API_RELEASE
        assert headers["x-api-deployment-date"]
    assert httpx.get(f"{api_url}/idmapping/results/{job}").headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    [
        "status",
        "details",
        "results",
        "stream",
        "results/stream",
        "uniparc/results",
        "uniparc/results/stream",
    ],
)
def test_trailing_slash_is_accepted(api_url: str, path: str) -> None:
    job = submit(api_url, "UniProtKB_AC-ID", "UniParc", "P04637")
    plain = httpx.get(f"{api_url}/idmapping/{path}/{job}")
    slashed = httpx.get(f"{api_url}/idmapping/{path}/{job}/")
    assert slashed.status_code == plain.status_code
    assert slashed.content == plain.content


def test_unknown_paths_and_methods_have_the_error_shape(api_url: str) -> None:
    missing = httpx.get(f"{api_url}/idmapping/nothing/here/at/all")
    assert missing.status_code == 404
    assert missing.json() == {
        "url": f"{api_url}/idmapping/nothing/here/at/all",
        "messages": ["Resource not found"],
    }
    wrong = httpx.delete(f"{api_url}/idmapping/status/abc")
    assert wrong.status_code == 405
    assert wrong.json()["messages"] == ["Request method 'DELETE' is not supported"]
    unknown_dataset = httpx.get(f"{api_url}/idmapping/uniprot/results/abc")
    assert unknown_dataset.status_code == 404


def test_framework_errors_have_the_error_shape(api_server_factory: Callable[..., Any]) -> None:
    live = api_server_factory()

    def number(n: int) -> dict[str, int]:
        return {"n": n}

    def broken() -> None:
        raise RuntimeError("a bug")

    # routes added to the running app: FastAPI's validation and an unexpected error
    live.app.add_api_route("/test-only/number/{n}", number)
    live.app.add_api_route("/test-only/broken", broken)
    invalid = httpx.get(f"{live.url}/test-only/number/abc")
    assert invalid.status_code == 400
    assert invalid.json()["url"] == f"{live.url}/test-only/number/abc"
    assert invalid.json()["messages"][0].startswith("The parameter 'n' has an invalid value")
    failed = httpx.get(f"{live.url}/test-only/broken")
    assert failed.status_code == 500
    assert failed.json() == {
        "url": f"{live.url}/test-only/broken",
        "messages": ["Internal server error"],
    }
    assert failed.headers["access-control-allow-origin"] == "*"
