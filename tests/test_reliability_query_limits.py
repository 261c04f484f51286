"""Issue 14, row 7: the limits of ``query`` and ``sort`` are checked in the query parser
(``idmapping.store.query``) before any SQL runs, and answered with a 400 naming the limit, on
every entry results route and on both stores. Each limit is also tried at its edge: there the
request still works, with the results of a plainer query that means the same.

The limits are written out here as numbers (not read from the module) so that changing one is
a decision this file records.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import make_api_store
from idmapping.errors import InvalidRequest
from idmapping.store import query as query_module
from idmapping.store.plans import FilterQuery
from idmapping.store.sqlite import SqliteStore

MAX_QUERY_LENGTH = 10_000
MAX_QUERY_DEPTH = 20
MAX_OR_CLAUSES = 50
MAX_QUERY_TERMS = 100
MAX_TERM_LENGTH = 1_000
MAX_SORT_TERMS = 10

DEPTH = ("query parameter is nested too deeply. Maximum allowed is 20 levels of parentheses, "
         "fields, AND, OR and NOT.")
OR_CONDITIONS = "Too many OR conditions in query. Maximum allowed is 50."  # UniProt's text
TERMS = "Too many terms in query. Maximum allowed is 100."
OUT_OF_RANGE = ("The query value '{}' is out of range. It should be a number from "
                "-9223372036854775808 to 9223372036854775807.")

CPU_SECONDS = 2.0
"""A generous bound on the CPU time (client and in-process server) of one refused request;
each takes a few hundredths of a second."""


def test_the_limits_are_the_documented_ones() -> None:
    assert (query_module.MAX_QUERY_LENGTH, query_module.MAX_QUERY_DEPTH,
            query_module.MAX_OR_CLAUSES, query_module.MAX_QUERY_TERMS,
            query_module.MAX_TERM_LENGTH, query_module.MAX_SORT_TERMS) == (
        MAX_QUERY_LENGTH, MAX_QUERY_DEPTH, MAX_OR_CLAUSES, MAX_QUERY_TERMS, MAX_TERM_LENGTH,
        MAX_SORT_TERMS)
    assert (query_module.SMALLEST_NUMBER, query_module.LARGEST_NUMBER) == (-(2**63), 2**63 - 1)


# ---------------------------------------------------------------------------------------------
# The five requests of the issue, on every entry route


def _submit(base: str, to_db: str) -> str:
    response = httpx.post(f"{base}/idmapping/run", data={
        "from": "UniProtKB_AC-ID", "to": to_db, "ids": "P04637,P02340,K7PPA8,Q6GZX4,NOPE1"})
    assert response.status_code == 200, response.text
    return str(response.json()["jobId"])


@pytest.fixture(scope="module")
def jobs(api_url: str) -> dict[str, str]:
    """A finished job per entry dataset (jobs this small finish before /run answers)."""
    return {"uniprotkb": _submit(api_url, "UniProtKB"), "uniref": _submit(api_url, "UniRef90"),
            "uniparc": _submit(api_url, "UniParc")}


ROUTES = [("uniprotkb", ""), ("uniprotkb", "stream/"), ("uniref", ""), ("uniref", "stream/"),
          ("uniparc", ""), ("uniparc", "stream/")]
SORT_FIELD = {"uniprotkb": "accession", "uniref": "id", "uniparc": "upi"}


def _five(dataset: str) -> dict[str, tuple[dict[str, str], str]]:
    """The issue's five requests, each with the message it gets now."""
    return {
        "not_x40": ({"query": "NOT " * 40 + "a"}, DEPTH),
        "or_x999": ({"query": "a OR " * 999 + "a"}, OR_CONDITIONS),
        "sort_x1000": ({"sort": f"{SORT_FIELD[dataset]} asc," * 1000},
                       "Invalid sort parameter format. Expected at most 10 terms fieldName "
                       "asc|desc. Received 1000"),
        "term_60000": ({"query": "gene:" + "a" * 60_000},
                       "The query is too long (60005 characters). Maximum allowed is 10000."),
        "number_20_digits": ({"query": "length:[99999999999999999999 TO *]"},
                             OUT_OF_RANGE.format("99999999999999999999")),
    }


def _timed_get(url: str, params: dict[str, str]) -> tuple[httpx.Response, float]:
    started = time.process_time()
    response = httpx.get(url, params=params, timeout=60)
    return response, time.process_time() - started


@pytest.mark.parametrize("case", list(_five("uniprotkb")))
@pytest.mark.parametrize(("dataset", "stream"), ROUTES,
                         ids=[f"{d}-{'stream' if s else 'page'}" for d, s in ROUTES])
def test_the_issue_s_requests_are_400_naming_the_limit(
        api_url: str, jobs: dict[str, str], dataset: str, stream: str, case: str) -> None:
    params, message = _five(dataset)[case]
    url = f"{api_url}/idmapping/{dataset}/results/{stream}{jobs[dataset]}"
    response, seconds = _timed_get(url, params)
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["messages"] == [message]
    assert body["url"].startswith(url)
    assert seconds < CPU_SECONDS, seconds


# ---------------------------------------------------------------------------------------------
# Each limit at its edge: the request works, with the results of a plainer query; one more is
# refused. These go through /idmapping/uniprotkb/results (the other routes share the parser).
# The API release has mapping entries only (no entry files): accession, id, organism_id and
# reviewed find entries; gene and length find none.


def _kb(api_url: str, job: str, **params: str) -> httpx.Response:
    return httpx.get(f"{api_url}/idmapping/uniprotkb/results/{job}", timeout=60, params={
        "format": "tsv", "fields": "accession,id,organism_id", "size": "500", **params})


def _same_as(api_url: str, job: str, edge: dict[str, str], plain: dict[str, str]) -> str:
    """The TSV of *edge*, checked to be that of *plain* (and a 200)."""
    got, expected = _kb(api_url, job, **edge), _kb(api_url, job, **plain)
    assert got.status_code == 200, got.text[:300]
    assert expected.status_code == 200, expected.text[:300]
    assert got.text == expected.text
    return got.text


def _refused(api_url: str, job: str, params: dict[str, str]) -> list[Any]:
    response, seconds = _timed_get(f"{api_url}/idmapping/uniprotkb/results/{job}", params)
    assert response.status_code == 400, response.text[:300]
    assert seconds < CPU_SECONDS, seconds
    return list(response.json()["messages"])


def _worst_nesting(levels: int, inner: str) -> str:
    """*levels* of ``(P04637 nomatch OR P04637 AND ...)``: four levels of the depth each (a
    group, an implicit AND, OR, AND), the shape that takes most of SQLite's parser stack. It
    means ``P04637 AND inner``."""
    text = inner
    for _ in range(levels):
        text = f"(P04637 nomatch OR P04637 AND {text})"
    return text


def test_depth_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    # NOT nineteen times around a field: 20 levels
    text = _same_as(api_url, job, {"query": "NOT " * 19 + "organism_id:9606"},
                    {"query": "NOT organism_id:9606"})
    assert "P02340" in text and "P04637" not in text
    assert _refused(api_url, job, {"query": "NOT " * 20 + "organism_id:9606"}) == [DEPTH]
    # the worst shape at exactly 20 levels, with isoforms (the largest SQL around the filter)
    edge = {"query": _worst_nesting(5, "P04637"), "includeIsoform": "true"}
    text = _same_as(api_url, job, edge, {"query": "P04637", "includeIsoform": "true"})
    assert "P04637" in text and "K7PPA8" not in text
    assert _refused(api_url, job, {"query": _worst_nesting(5, "accession:P04637")}) == [DEPTH]
    assert _refused(api_url, job, {"query": "(" * 21 + "P04637" + ")" * 21}) == [DEPTH]


def test_or_conditions_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    others = [f"accession:Q{n:05d}" for n in range(MAX_OR_CLAUSES)]
    edge = " OR ".join(["accession:P04637", *others[:MAX_OR_CLAUSES - 1]])
    text = _same_as(api_url, job, {"query": edge}, {"query": "accession:P04637"})
    assert "P04637" in text
    over = " OR ".join(["accession:P04637", *others])
    assert _refused(api_url, job, {"query": over}) == [OR_CONDITIONS]
    # counted over the whole query, as UniProt counts them
    split = f"({' OR '.join(others[:25])}) AND ({' OR '.join(others[25:] + ['x'])})"
    assert _refused(api_url, job, {"query": split}) == [OR_CONDITIONS]


def test_terms_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    edge = " ".join(["organism_id:9606"] * MAX_QUERY_TERMS)
    text = _same_as(api_url, job, {"query": edge}, {"query": "organism_id:9606"})
    assert "P04637" in text and "K7PPA8" in text and "P02340" not in text
    over = " AND ".join(["organism_id:9606"] * (MAX_QUERY_TERMS + 1))
    assert _refused(api_url, job, {"query": over}) == [TERMS]


def test_term_length_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    edge = "P53_HUMAN" + "*" * (MAX_TERM_LENGTH - 9)  # 1000 characters, meaning P53_HUMAN*
    text = _same_as(api_url, job, {"query": f"id:{edge}"}, {"query": "id:P53_HUMAN*"})
    assert "P04637" in text and "P02340" not in text
    assert _refused(api_url, job, {"query": f"id:{edge}*"}) == [
        "A term of the query is too long (1001 characters). Maximum allowed is 1000."]
    phrase = '"' + "a" * MAX_TERM_LENGTH + '"'  # 1002 characters with its quotes
    assert _refused(api_url, job, {"query": f"protein_name:{phrase}"}) == [
        "A term of the query is too long (1002 characters). Maximum allowed is 1000."]


def test_query_length_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    edge = "accession:P04637 ".ljust(MAX_QUERY_LENGTH)
    text = _same_as(api_url, job, {"query": edge}, {"query": "accession:P04637"})
    assert "P04637" in text
    assert _refused(api_url, job, {"query": edge + " "}) == [
        "The query is too long (10001 characters). Maximum allowed is 10000."]


@pytest.mark.parametrize(("value", "shown"), [
    ("99999999999999999999", "99999999999999999999"),
    ("9223372036854775808", "9223372036854775808"),
    ("-9223372036854775809", "-9223372036854775809"),
    ("9" * 900, "9" * 40 + "..."),  # echoed cut short
], ids=["20-digits", "2**63", "-2**63-1", "900-digits"])
def test_numbers_out_of_64_bits(api_url: str, jobs: dict[str, str], value: str,
                                shown: str) -> None:
    job = jobs["uniprotkb"]
    texts = [f"length:[{value} TO *]", f"length:[* TO {value}]"]
    if not value.startswith("-"):  # organism_id:-1 is -organism_id:1 in Lucene's syntax
        texts += [f"organism_id:{value}", f"mass:{value}"]
    for text in texts:
        assert _refused(api_url, job, {"query": text}) == [OUT_OF_RANGE.format(shown)]


def test_numbers_at_the_ends_of_64_bits(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    assert _refused(api_url, job, {"query": "organism_id:9223372036854775808"}) == [
        OUT_OF_RANGE.format("9223372036854775808")]
    _same_as(api_url, job, {"query": "organism_id:[9223372036854775807 TO *]"},
             {"query": "organism_id:[100000000 TO *]"})
    text = _same_as(api_url, job,
                    {"query": "organism_id:[-9223372036854775808 TO 9223372036854775807]"},
                    {"query": "organism_id:[0 TO 1000000]"})
    assert all(a in text for a in ("P04637", "P02340", "K7PPA8", "Q6GZX4"))
    text = _same_as(api_url, job, {"query": "organism_id:9606 OR "
                                            "organism_id:9223372036854775807"},
                    {"query": "organism_id:9606"})
    assert "P04637" in text and "P02340" not in text


def test_digits_python_reads_but_sql_cannot(api_url: str, jobs: dict[str, str]) -> None:
    """'²' is a digit to str.isdigit() but not to int(): it was a 500."""
    job = jobs["uniprotkb"]
    assert _refused(api_url, job, {"query": "length:²"}) == [
        "'length' filter type 'general' is invalid. Expected 'range' filter type"]
    assert _refused(api_url, job, {"query": "length:[² TO 5]"}) == ["'²' is not a number"]


def test_a_nul_in_the_query_is_400(api_url: str, jobs: dict[str, str]) -> None:
    """PostgreSQL's text holds no NUL: psycopg refused it, and the route answered 500."""
    job = jobs["uniprotkb"]
    for text in ("gene:a\x00b", 'protein_name:"p\x00"', "accession:\x00",
                 "date_created:[2000 TO \x00]"):
        assert _refused(api_url, job, {"query": text}) == [
            "query parameter has an invalid syntax"]


def test_sort_terms_limit(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    fields = ["accession desc", "id asc", "gene asc", "length desc", "mass asc",
              "organism_name asc", "protein_name asc", "annotation_score desc",
              "accession asc", "id desc"]
    assert len(fields) == MAX_SORT_TERMS
    text = _same_as(api_url, job, {"sort": ",".join(fields)}, {"sort": "accession desc"})
    accessions = [line.split("\t")[1] for line in text.splitlines()[1:] if line]
    assert accessions == sorted(accessions, reverse=True) and len(accessions) == 4
    # a repeated field orders nothing more: it is left out, as SQL would ignore it
    _same_as(api_url, job, {"sort": "id desc, id asc, accession asc"},
             {"sort": "id desc, accession asc"})
    assert _refused(api_url, job, {"sort": ",".join([*fields, "gene desc"])}) == [
        "Invalid sort parameter format. Expected at most 10 terms fieldName asc|desc. "
        "Received 11"]
    # empty terms are not counted (UniProtMapper-style trailing commas)
    _same_as(api_url, job, {"sort": ",".join(fields) + ",,, ,"}, {"sort": "accession desc"})


def test_long_values_are_echoed_cut_short(api_url: str, jobs: dict[str, str]) -> None:
    job = jobs["uniprotkb"]
    assert _refused(api_url, job, {"sort": "x" * 5000 + " asc"}) == [
        f"Invalid sort field '{'x' * 40}...'"]
    assert _refused(api_url, job, {"query": "y" * 900 + ":a"}) == [
        f"'{'y' * 40}...' is not a valid search field"]


# ---------------------------------------------------------------------------------------------
# The store's boundary, behind the parser: what still passes one of SQLite's limits is a 400


def test_an_order_over_sqlite_s_limit_is_a_bad_request(tmp_path: Path,
                                                       api_release_files: list[Path]) -> None:
    """SQLite takes at most 2,000 ORDER BY terms ("too many terms in ORDER BY clause"), which
    the sort of 1,000 fields passed: a 500. The parser now refuses such a sort; the store still
    answers a 400 for it. (PostgreSQL has no such limit.)"""
    order = ", ".join(["p.to_id ASC"] * 2100)
    with make_api_store(tmp_path, api_release_files, "sqlite") as store:
        assert isinstance(store, SqliteStore)
        with pytest.raises(InvalidRequest, match="too many terms in ORDER BY clause"):
            store.filtered_results("no-such-job", FilterQuery("uniprotkb", "", (), order), 0, 10)
        # within the limit, the same query runs
        assert store.filtered_results("no-such-job", FilterQuery("uniprotkb", "", (), ", ".join(
            ["p.to_id ASC"] * 1900)), 0, 10) == (0, [])
