"""The results pipeline (idmapping.results) used straight from the library, with no HTTP:
pages, streams, entry rows and filters of a job, as a command line or a script would use them.
The same pipeline serves the API (tests/test_api_results.py and test_api_entries.py check it
over HTTP)."""

from __future__ import annotations

import datetime as dt
import io
import json
import pkgutil
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

import idmapping.results
from conftest import api_settings
from idmapping.entries import DATASETS
from idmapping.errors import InvalidRequest
from idmapping.jobs import dispatcher_for
from idmapping.jobs.service import JobService
from idmapping.model import Job
from idmapping.results.options import (
    EntryOptions,
    Output,
    check_entry_job,
    entry_options,
    results_path,
    stream_path,
)
from idmapping.results.paging import Page
from idmapping.results.summary import JobSummary
from idmapping.results.table import read_table
from idmapping.results.view import ResultView
from idmapping.store.base import Store

RESULT_MODULES = sorted(m.name for m in pkgutil.iter_modules(idmapping.results.__path__))


@pytest.fixture(scope="module")
def jobs(api_store: Store) -> Iterator[JobService]:
    settings = api_settings(api_store)
    service = JobService(api_store, settings, dispatcher_for(settings))
    yield service
    service.close()


@pytest.fixture(scope="module")
def bulk_job(jobs: JobService, api_release: Any) -> Job:
    """GeneID → UniProtKB for the bulk gene (api_release.bulk_size pairs) and a failed id."""
    job = jobs.submit("GeneID", "UniProtKB", f"{api_release.bulk_gene_id},99999999")
    return jobs.finished(job.id)


def kb_options(store: Store, fmt: str, fields: str | None = None,
               **params: str) -> EntryOptions:
    return entry_options(DATASETS["uniprotkb"], Output(fmt), store.catalogue, fields, params)


def test_results_hold_no_http() -> None:
    # importing every module of the pipeline brings in no web framework
    names = ", ".join(f"idmapping.results.{name}" for name in RESULT_MODULES)
    code = (f"import sys, {names}\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'starlette', 'fastapi', 'jinja2', 'uvicorn', 'idmapping'} - {'idmapping'}))\n"
            "print(sorted(m for m in sys.modules if m.startswith('idmapping.web')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == ["[]", "[]"]
    assert {"view", "options", "entryrows", "formats", "media", "paging"} <= set(RESULT_MODULES)


def test_stream_a_job_as_tsv_straight_from_the_library(
    api_store: Store, bulk_job: Job, api_release: Any
) -> None:
    view = ResultView(api_store, bulk_job, Output("tsv"), batch=7)  # 7: many batches
    body = b"".join(view.stream()).decode()
    lines = body.splitlines()
    assert lines[0] == "From\tTo"
    assert lines[1:] == [
        f"{api_release.bulk_gene_id}\t{api_release.bulk_accession(n)}"
        for n in range(api_release.bulk_size)
    ]
    assert view.media_type == "text/plain;format=tsv"
    assert view.release == api_release.name
    # the batch size changes nothing but how the pairs are read
    assert b"".join(ResultView(api_store, bulk_job, Output("tsv")).stream()).decode() == body


def test_stream_formats_from_the_library(api_store: Store, bulk_job: Job,
                                         api_release: Any) -> None:
    tsv = b"".join(ResultView(api_store, bulk_job, Output("tsv")).stream())
    packed = b"".join(ResultView(api_store, bulk_job, Output("tsv", compressed=True)).stream())
    assert packed[:2] == b"\x1f\x8b"
    assert zlib.decompress(packed, 16 + zlib.MAX_WBITS) == tsv
    listed = b"".join(ResultView(api_store, bulk_job, Output("list")).stream()).decode()
    assert listed.splitlines() == [line.split("\t")[1] for line in tsv.decode().splitlines()[1:]]
    # a stream's JSON is only the results: no failed ids
    streamed = json.loads(b"".join(ResultView(api_store, bulk_job, Output("json")).stream()))
    assert list(streamed) == ["results"]
    assert len(streamed["results"]) == api_release.bulk_size
    book = b"".join(ResultView(api_store, bulk_job, Output("xlsx")).stream())
    assert zipfile.ZipFile(io.BytesIO(book)).testzip() is None
    download = ResultView(api_store, bulk_job, Output("tsv", compressed=True, download=True))
    assert download.file_name(dt.date(2024, 1, 2)) == (
        f"idmapping_{bulk_job.id}_2024_01_02.tsv.gz")


def test_pages_from_the_library(api_store: Store, bulk_job: Job, api_release: Any) -> None:
    view = ResultView(api_store, bulk_job, Output("json"))
    first = view.page(0, 25)
    assert (first.total, first.next_offset, first.next_cursor) == (
        api_release.bulk_size, 25, "3v5g94y9lqs")
    assert first.warnings == []
    assert first.rows() == [
        (api_release.bulk_gene_id, api_release.bulk_accession(n)) for n in range(25)
    ]
    body = json.loads(first.body())
    assert body["failedIds"] == ["99999999"]
    assert body["results"][0] == {"from": api_release.bulk_gene_id,
                                  "to": api_release.bulk_accession(0)}
    last = view.page(api_release.bulk_size - 10, 25)
    assert (len(last.pairs), last.next_offset, last.next_cursor) == (10, None, None)
    # every page, end to end, is the stream
    seen: list[Any] = []
    offset: int | None = 0
    while offset is not None:
        page = view.page(offset, 100)
        seen += page.rows()
        offset = page.next_offset
    assert [list(row) for row in seen] == [
        [r["from"], r["to"]]
        for r in json.loads(b"".join(view.stream()))["results"]
    ]


def test_entry_rows_from_the_library(api_store: Store, bulk_job: Job, api_release: Any) -> None:
    options = kb_options(api_store, "tsv", "accession,reviewed")
    check_entry_job(bulk_job, options, api_settings(api_store))
    view = ResultView(api_store, bulk_job, Output("tsv"), options, batch=50)
    assert view.columns == ("From", "Entry", "Reviewed")
    lines = b"".join(view.stream()).decode().splitlines()
    assert lines[0] == "From\tEntry\tReviewed"
    assert lines[1:] == [
        f"{api_release.bulk_gene_id}\t{api_release.bulk_accession(n)}\tunreviewed"
        for n in range(api_release.bulk_size)
    ]
    page = ResultView(api_store, bulk_job, Output("tsv"), options).page(25, 2)
    assert page.rows() == [
        (api_release.bulk_gene_id, api_release.bulk_accession(n), "unreviewed")
        for n in (25, 26)
    ]


def test_entry_records_from_the_library(api_store: Store, jobs: JobService) -> None:
    job = jobs.finished(jobs.submit("UniProtKB_AC-ID", "UniProtKB", "P04637,P02340").id)
    view = ResultView(api_store, job, Output("xml"), kb_options(api_store, "xml"))
    # a record format's rows are whole entries, written one record each
    rows = view.page().rows()
    assert [(frm, entry["primaryAccession"]) for frm, entry in rows] == [
        ("P04637", "P04637"), ("P02340", "P02340")]
    # this release has no sequences, so no entry is written, but the document is whole
    xml = b"".join(view.stream()).decode()
    assert xml.startswith("<?xml") and xml.rstrip().endswith("</uniprot>")
    assert xml.count("<entry ") == 0
    # a record format needs entries: plain pairs have no FASTA
    with pytest.raises(InvalidRequest, match="Format 'fasta' needs entries"):
        ResultView(api_store, job, Output("fasta"))


def test_filters_from_the_library(api_store: Store, jobs: JobService) -> None:
    job = jobs.finished(jobs.submit("UniProtKB_AC-ID", "UniProtKB", "P04637,K7PPA8").id)
    reviewed = kb_options(api_store, "tsv", "accession", query="reviewed:true")
    page = ResultView(api_store, job, Output("tsv"), reviewed).page()
    assert (page.total, page.rows(), page.warnings) == (1, [("P04637", "P04637")], [])
    # over max_filter pairs the filter is not applied, with UniProt's warning 20
    small = EntryOptions(reviewed.dataset, reviewed.fields, reviewed.columns,
                         filter=reviewed.filter, max_filter=1)
    unfiltered = ResultView(api_store, job, Output("json"), small).page()
    assert unfiltered.total == 2
    assert unfiltered.warnings == [
        {"code": 20, "message": "Filters are not supported for mapping results with more "
                                "than 1 IDs"}]
    assert json.loads(unfiltered.body())["warnings"][0]["code"] == 20
    # subsequence=true needs ACC[begin-end] ids, checked before any byte is written
    cut = kb_options(api_store, "fasta", subsequence="true")
    with pytest.raises(InvalidRequest, match="Unable to compute fasta subsequence for IDs: "
                                             "P04637,K7PPA8"):
        ResultView(api_store, job, Output("fasta"), cut).stream()


def test_where_results_are(api_store: Store, bulk_job: Job, jobs: JobService) -> None:
    settings = api_settings(api_store)
    assert results_path(bulk_job, settings) == f"/uniprotkb/results/{bulk_job.id}"
    assert stream_path(bulk_job, settings) == f"/uniprotkb/results/stream/{bulk_job.id}"
    plain = jobs.finished(jobs.submit("UniProtKB_AC-ID", "GeneID", "P04637").id)
    assert results_path(plain, settings) == f"/results/{plain.id}"
    assert stream_path(plain, settings) == f"/stream/{plain.id}"
    with pytest.raises(InvalidRequest) as caught:
        check_entry_job(plain, kb_options(api_store, "json"), settings, base="BASE")
    assert caught.value.messages == [
        "Invalid request received. This job mapped to 'GeneID', whose results are at "
        f"BASE/results/{plain.id}"]
    over = api_settings(api_store, max_enrich=10)
    assert results_path(bulk_job, over) == f"/results/{bulk_job.id}"
    with pytest.raises(InvalidRequest, match="enrichment is not supported"):
        check_entry_job(bulk_job, kb_options(api_store, "json"), over)


def test_a_page_as_a_table_of_text(api_store: Store, jobs: JobService) -> None:
    job = jobs.finished(jobs.submit("UniProtKB_AC-ID", "UniProtKB", "P04637,A0AV18,NOPE").id)
    dataset = DATASETS["uniprotkb"]
    columns = dataset.parse_fields("accession,id,reviewed", api_store.catalogue)
    table = read_table(api_store, job, dataset, columns, Page(0, 25, job.result_count))
    assert table.labels == ("From", "Entry", "Entry Name", "Reviewed")
    # a deleted accession is an obsolete row, its unknown cells empty text
    assert table.rows == [(["P04637", "P04637", "P53_HUMAN", "reviewed"], False),
                          (["A0AV18", "A0AV18", "", ""], True)]
    plain = read_table(api_store, job, None, (), Page(1, 1, job.result_count))
    assert (plain.labels, plain.rows) == (("From", "To"), [(["A0AV18", "A0AV18"], False)])
    assert read_table(api_store, job, None, (), Page(0, 0, job.result_count)).rows == []
    summary = JobSummary.of(jobs.get(job.id), ttl_days=0)
    assert (summary.submitted, summary.distinct, summary.mapped, summary.failed) == (3, 3, 2, 1)
    assert summary.expires is None
    assert job.partial  # finished() reads a job without its ids, which cannot be summed up
    with pytest.raises(ValueError, match="read without its ids"):
        JobSummary.of(job, ttl_days=0)
