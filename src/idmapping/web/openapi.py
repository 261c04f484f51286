"""The OpenAPI document: the responses the routes really give.

FastAPI would only name a 200 and a 422 that never comes; this states each operation's real
responses (400, 404, 413, 503, the 303 of a finished job's status) and UniProt's error body,
so that schema-driven clients and fuzzers can check them. Install it with
``app.openapi = lambda: openapi_document(app)``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from idmapping.results.media import MEDIA_TYPE_BY_FORMAT

__all__ = ["openapi_document", "text_parameters", "DOWNLOAD_TAG"]

_ERROR_BODY = {
    "type": "object",
    "required": ["url", "messages"],
    "properties": {"url": {"type": "string"},
                   "messages": {"type": "array", "items": {"type": "string"}}},
}
_PROBLEMS = {"type": "array", "items": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}}
_JOB_STATUS = {
    "type": "object",
    "required": ["jobStatus"],
    "properties": {"jobStatus": {"type": "string", "enum": ["NEW", "RUNNING", "FINISHED",
                                                            "ERROR"]},
                   "warnings": _PROBLEMS, "errors": _PROBLEMS},
}
_JOB_DETAILS = {
    "type": "object",
    "required": ["from", "to", "ids"],
    "properties": {"from": {"type": "string"}, "to": {"type": "string"},
                   "ids": {"type": "string"}, "taxId": {"type": "string"},
                   "redirectURL": {"type": "string"}, "warnings": _PROBLEMS,
                   "errors": _PROBLEMS},
}

_HOLDING = {"type": "object", "required": ["database", "entries", "reviewed", "taxa"],
            "properties": {"database": {"type": "string"}, "entries": {"type": "integer"},
                           "reviewed": {"type": "integer"},
                           "taxa": {"type": "array", "items": {"type": "integer"}}}}
_CANDIDATE = {"type": "object", "required": ["database", "displayName", "ids", "entries"],
              "properties": {"database": {"type": "string"}, "displayName": {"type": "string"},
                             "ids": {"type": "integer"}, "entries": {"type": "integer"},
                             "reason": {"type": "string"}}}
_DETECTION = {
    "type": "object",
    "required": ["release", "count", "best", "candidates", "results"],
    "properties": {
        "release": {"type": "string"}, "count": {"type": "integer"},
        "best": {"oneOf": [_CANDIDATE, {"type": "null"}]},
        "candidates": {"type": "array", "items": _CANDIDATE},
        "results": {"type": "array", "items": {
            "type": "object", "required": ["id", "databases"],
            "properties": {"id": {"type": "string"},
                           "databases": {"type": "array", "items": _HOLDING}}}},
    },
}

_EXPLANATIONS = {
    "type": "object", "required": ["results"],
    "properties": {"results": {"type": "array", "items": {
        "type": "object", "required": ["id", "reasons"],
        "properties": {"id": {"type": "string"}, "reasons": {"type": "array", "items": {
            "type": "object", "required": ["reason", "message"],
            "properties": {"reason": {"type": "string", "enum": [
                "no_target", "other_taxa", "other_version", "other_database", "secondary",
                "deleted", "malformed", "unknown"]}, "message": {"type": "string"}}}}}}}},
}


_DOWNLOAD_SUBMITTED = {
    "type": "object", "required": ["jobId"],
    "properties": {"jobId": {"type": "string"},
                   "message": {"type": "string", "description": "UniProt's message for a "
                               "download submitted before, which is not run again"}},
}
_DOWNLOAD_STATUS = {
    "type": "object",
    "required": ["jobStatus", "start", "totalEntries", "processedEntries", "lastUpdated"],
    "properties": {
        "jobStatus": {"type": "string", "enum": ["NEW", "RUNNING", "FINISHED", "ERROR"]},
        "errors": _PROBLEMS,
        "start": {"type": "string", "description": "yyyy-MM-ddTHH:mm:ss"},
        "totalEntries": {"type": "integer"}, "processedEntries": {"type": "integer"},
        "lastUpdated": {"type": "string", "description": "yyyy-MM-ddTHH:mm:ss"}},
}
_DOWNLOAD_DETAILS = {
    "type": "object", "required": ["format"],
    "properties": {"redirectURL": {"type": "string", "description": "The file, once FINISHED"},
                   "errors": _PROBLEMS, "fields": {"type": "string"},
                   "format": {"type": "string", "description": "UniProt's media type"}},
}

DOWNLOAD_TAG = "ID Mapping async download"
"""UniProt's tag of its asynchronous download operations (``TAG_IDMAPPING_DOWNLOAD_JOB``)."""

_DOWNLOAD_TAG_TEXT = (
    "Asynchronous downloads of a finished job's results, unlike the synchronous stream: "
    "submit a download with the run request, which returns a job id; follow its progress with "
    "the status request; once it is FINISHED, its details give the redirectURL of the file "
    "(gzip unless compressed=false).")

_DOWNLOAD_SUMMARIES = {
    "/idmapping/download/run": "Submit ID Mapping asynchronous download job.",
    "/idmapping/download/status/{download_id}":
        "Get progress of ID Mapping asynchronous download job.",
    "/idmapping/download/details/{download_id}":
        "Get details of ID Mapping asynchronous download job",
    "/idmapping/download/results/{download_id}":
        "Get the file of a finished ID Mapping asynchronous download job",
}
"""UniProt's summaries of its asynchronous download operations (``IdMappingDownloadController``
has no results operation: the file is served beside it); the last is ours."""


def text_parameters(path: tuple[str, ...] = (), **descriptions: str | None) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads its optional text query parameters from
    ``request.query_params`` itself: each named parameter, with its description, as FastAPI
    writes a ``name: str | None = Query(None, description=...)`` parameter (its name's
    title-cased words as the title).

    Such a route skips FastAPI's parameter solving, a tenth of a paged results request's time
    (issue 18); its OpenAPI entry stays as it was (``tests/test_api.py`` compares).

    :param path: path parameters the route reads from ``request.path_params`` itself (FastAPI's
        solving of even one took 6% of a page's time), declared as FastAPI declares a
        ``name: str`` one.
    """
    paths = [{"name": name, "in": "path", "required": True,
              "schema": {"type": "string", "title": name.replace("_", " ").title()}}
             for name in path]
    return {"parameters": [*paths, *(
        {"name": name, "in": "query", "required": False,
         "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": text,
                    "title": name.replace("_", " ").title()},
         "description": text}
        for name, text in descriptions.items())]}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(description: str) -> dict[str, Any]:
    """An error response: UniProt's JSON body, or its ``Error messages`` text."""
    return {"description": description, "content": {
        "application/json": {"schema": _ERROR_BODY},
        "text/plain": {"schema": {"type": "string"}}}}


def _results(description: str) -> dict[str, Any]:
    """A results response, in any of the formats' media types."""
    media = sorted({m.split(";")[0] for m in MEDIA_TYPE_BY_FORMAT.values()})
    return {"description": description, "content": {m: {"schema": {}} for m in media}}


def _responses(path: str) -> dict[str, Any]:
    """The responses of the operation at *path*."""
    common = {"400": _errors("Invalid parameters (UniProt's messages)"),
              "404": _errors("Unknown or expired job, or unknown path"),
              "503": _errors("No release loaded, or the store cannot be written just now")}
    if path == "/idmapping/run":
        return {"200": _json({"type": "object", "required": ["jobId"],
                              "properties": {"jobId": {"type": "string"}}}, "The job's id"),
                **common, "413": _errors("The request body is over max_body_bytes")}
    if path == "/idmapping/detect":
        return {"200": {"description": "Where each id is held, and the best from database",
                        "content": {"application/json": {"schema": _DETECTION},
                                    "text/plain": {"schema": {"type": "string"}}}},
                "400": common["400"], "413": _errors("The request body is over max_body_bytes"),
                "503": common["503"]}
    if path.startswith("/idmapping/explain/"):
        return {"200": {"description": "A page of failed ids with their reasons; "
                                       "X-Total-Results, Link to the next page",
                        "content": {"application/json": {"schema": _EXPLANATIONS},
                                    "text/plain": {"schema": {"type": "string"}}}},
                "400": common["400"], "404": common["404"], "503": common["503"]}
    if path == "/idmapping/taxonomy":
        taxon = {"type": "object", "properties": {
            "taxonId": {"type": "integer"}, "scientificName": {"type": "string"},
            "rank": {"type": "string"}}}
        return {"200": _json({"type": "object", "properties": {
            "taxonomy": {"type": "boolean"},
            "results": {"type": "array", "items": taxon}}},
            "The taxa so named (none where the release holds no taxonomy)"),
            "400": common["400"], "503": common["503"]}
    if path.startswith("/idmapping/status/"):
        return {"200": _json(_JOB_STATUS, "NEW or RUNNING"),
                "303": {**_json(_JOB_STATUS, "FINISHED: Location is the results URL"),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                "400": _json(_JOB_STATUS, "ERROR, with the job's errors"),
                "404": common["404"], "503": common["503"]}
    if path.startswith("/idmapping/details/"):
        return {"200": _json(_JOB_DETAILS, "The job's request"), "404": common["404"],
                "503": common["503"]}
    if path == "/align/run":
        return {"200": _json({"type": "object", "required": ["jobId"],
                              "properties": {"jobId": {"type": "string"}}},
                             "The alignment job's id"),
                "400": common["400"], "413": _errors("The request body is over max_body_bytes"),
                "503": _errors("Clustal Omega is not installed, or the store cannot be "
                               "written just now")}
    if path.startswith("/align/status/"):
        return {"200": _json(_JOB_STATUS, "NEW or RUNNING"),
                "303": {**_json(_JOB_STATUS, "FINISHED: Location is the results URL"),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                "400": _json(_JOB_STATUS, "ERROR, with the job's errors"),
                "404": common["404"], "503": common["503"]}
    if path.startswith("/align/results/"):
        return {"200": {"description": "The alignment: JSON, Clustal or FASTA",
                        "content": {"application/json": {"schema": {"type": "object"}},
                                    "text/plain": {"schema": {"type": "string"}}}},
                "400": common["400"], "404": common["404"], "503": common["503"]}
    if path == "/idmapping/download/run":
        return {"200": _json(_DOWNLOAD_SUBMITTED, "The download's id"),
                "400": _errors("Missing or invalid parameters, or the mapping job is not "
                               "FINISHED (UniProt's messages)"),
                "404": _errors("No such mapping job"),
                "413": _errors("The request body is over max_body_bytes"),
                "503": common["503"]}
    if path.startswith("/idmapping/download/status/"):
        return {"200": _json(_DOWNLOAD_STATUS, "NEW, RUNNING or FINISHED, with the entries "
                             "written so far"),
                "500": _json(_DOWNLOAD_STATUS, "ERROR, with the download's error (code 50)"),
                "404": _errors("Unknown download"), "503": common["503"]}
    if path.startswith("/idmapping/download/details/"):
        return {"200": _json(_DOWNLOAD_DETAILS, "The download's format and fields, and its "
                             "file's URL once FINISHED"),
                "404": _errors("Unknown download"), "503": common["503"]}
    if path.startswith("/idmapping/download/results/"):
        file = _results("The file, gzip bytes under the format's media type (no "
                        "Content-Encoding) unless compressed=false")
        file["headers"] = {"Content-Disposition": {"schema": {"type": "string"}}}
        return {"200": file, "404": _errors("Unknown download, or not FINISHED"),
                "503": common["503"]}
    if path.startswith("/configure/"):
        return {"200": _json({"type": "object"}, "UniProt's configuration")}
    return {"200": _results("Results, in the format asked for"), **common}


def _parameters_first(operation: dict[str, Any]) -> dict[str, Any]:
    """*operation* with its ``parameters`` before its ``responses``, where FastAPI writes
    them: a route whose parameters all come from ``openapi_extra`` (:func:`text_parameters`)
    has them added last."""
    keys = list(operation)
    if "parameters" not in keys or keys.index("parameters") < keys.index("responses"):
        return operation
    keys.remove("parameters")
    keys.insert(keys.index("responses"), "parameters")
    return {key: operation[key] for key in keys}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with each operation's real responses (built once)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                operation["responses"] = _responses(path)
                operations[method] = _parameters_first(operation)
                if path in _DOWNLOAD_SUMMARIES:
                    operation["summary"] = _DOWNLOAD_SUMMARIES[path]
                    operation["tags"] = [DOWNLOAD_TAG]
        if any(path in _DOWNLOAD_SUMMARIES for path in schema.get("paths", {})):
            schema["tags"] = [*schema.get("tags", []),
                              {"name": DOWNLOAD_TAG, "description": _DOWNLOAD_TAG_TEXT}]
        schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        if not schema.get("components", {}).get("schemas"):
            schema.pop("components", None)
        app.openapi_schema = schema
    return app.openapi_schema
