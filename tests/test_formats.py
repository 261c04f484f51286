"""Output writers, gzip, format negotiation and file names (api-behaviour.md §2.5)."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import orjson
import pytest

from idmapping.errors import InvalidRequest, NotAcceptable
from idmapping.model import Job, JobStatus
from idmapping.results.formats import (
    BATCH_ROWS,
    FORMAT_BY_MEDIA_TYPE,
    MEDIA_TYPE_BY_FORMAT,
    WRITERS,
    Extras,
    JsonWriter,
    ListWriter,
    TsvWriter,
    Writer,
    XlsxWriter,
    cell_text,
    content_disposition,
    gzip_chunks,
    media_type_for,
    negotiate,
    write,
    writer_for,
)
from idmapping.results.options import Output, compressed_flag, parse_bool
from idmapping.results.plainrows import RowBlocks
from idmapping.results.rdf import RDF_FORMATS
from idmapping.store.query import parse_sort
from idmapping.store.spool import RunPairs
from idmapping.web.compression import accepts_gzip

COLUMNS = ("From", "To")
PAIRS = [("P05067", "CHEMBL2487"), ("P12345", "CHEMBL1")]


def body(writer: Writer, rows: Any = PAIRS) -> bytes:
    return b"".join(write(writer, rows))


# --- registry --------------------------------------------------------------------------------


def test_registry_is_keyed_by_name() -> None:
    assert set(WRITERS) == {"json", "tsv", "list", "xlsx", "fasta", "txt", "xml", "gff",
                            *RDF_FORMATS}
    for name, cls in WRITERS.items():
        assert cls.name == name
        assert cls.content_type == MEDIA_TYPE_BY_FORMAT[name]
        assert cls.extension == name


def test_writer_for() -> None:
    assert writer_for("tsv") is TsvWriter


@pytest.mark.parametrize("name", ["foo", "JSON", ""])
def test_writer_for_unknown(name: str) -> None:
    message = f"Invalid request received. Requested media type/format not accepted: '{name}'."
    with pytest.raises(InvalidRequest, match=re.escape(message)):
        writer_for(name)


# --- json ------------------------------------------------------------------------------------


def test_json_plain() -> None:
    assert body(JsonWriter(COLUMNS, Extras())) == (
        b'{"results":[{"from":"P05067","to":"CHEMBL2487"},{"from":"P12345","to":"CHEMBL1"}]}'
    )


def test_json_steps() -> None:
    writer = JsonWriter(COLUMNS, Extras())
    assert writer.header() == b'{"results":['
    assert list(writer.rows(PAIRS[:1])) == [b'{"from":"P05067","to":"CHEMBL2487"}']
    # a second call continues the same list
    assert list(writer.rows(PAIRS[1:])) == [b',{"from":"P12345","to":"CHEMBL1"}']
    assert writer.footer() == b"]}"


def test_json_no_results() -> None:
    assert body(JsonWriter(COLUMNS, Extras(failed_ids=["X"])), []) == (
        b'{"results":[],"failedIds":["X"]}'
    )


def test_json_all_optional_keys_in_uniprot_order() -> None:
    extras = Extras(
        warnings=[{"code": 21, "message": "too many"}],
        failed_ids=["P41892", "P06243"],
        suggested_ids=[{"from": "Q11111", "to": "UPI1111111111"}],
        obsolete_count=1,
    )
    data = body(JsonWriter(COLUMNS, extras), PAIRS[:1])
    assert data == (
        b'{"warnings":[{"code":21,"message":"too many"}],'
        b'"results":[{"from":"P05067","to":"CHEMBL2487"}],'
        b'"failedIds":["P41892","P06243"],'
        b'"suggestedIds":[{"from":"Q11111","to":"UPI1111111111"}],'
        b'"obsoleteCount":1}'
    )
    assert list(orjson.loads(data)) == [
        "warnings",
        "results",
        "failedIds",
        "suggestedIds",
        "obsoleteCount",
    ]


@pytest.mark.parametrize(
    ("extras", "keys"),
    [
        (Extras(), ["results"]),  # nothing optional when empty
        (Extras(obsolete_count=0), ["results"]),  # obsoleteCount only when > 0
        (Extras(failed_ids=["X"]), ["results", "failedIds"]),
        (Extras(suggested_ids=[{"from": "a", "to": "b"}]), ["results", "suggestedIds"]),
        (Extras(obsolete_count=2), ["results", "obsoleteCount"]),
        (Extras(warnings=[{"code": 20, "message": "m"}]), ["warnings", "results"]),
    ],
)
def test_json_optional_keys(extras: Extras, keys: list[str]) -> None:
    assert list(orjson.loads(body(JsonWriter(COLUMNS, extras)))) == keys


def test_json_stream_has_only_results() -> None:
    # a stream passes no extras, even if the job has some
    assert body(JsonWriter(COLUMNS)) == (
        b'{"results":[{"from":"P05067","to":"CHEMBL2487"},{"from":"P12345","to":"CHEMBL1"}]}'
    )


def test_json_entry_object_as_to() -> None:
    entry = {
        "entryType": "Inactive",
        "primaryAccession": "A0A852YP84",
        "inactiveReason": {"inactiveReasonType": "DELETED"},
    }
    assert body(JsonWriter(COLUMNS), [("A0A852YP84", entry)]) == (
        b'{"results":[{"from":"A0A852YP84","to":{"entryType":"Inactive",'
        b'"primaryAccession":"A0A852YP84","inactiveReason":{"inactiveReasonType":"DELETED"}}}]}'
    )


def test_json_row_to_object_is_pluggable() -> None:
    writer = JsonWriter(COLUMNS, row_to_object=lambda row: {"id": row[1]})
    assert body(writer, PAIRS[:1]) == b'{"results":[{"id":"CHEMBL2487"}]}'


def test_json_escapes_text() -> None:
    data = body(JsonWriter(COLUMNS), [('a"b', "c\nd\u00e9")])
    assert orjson.loads(data) == {"results": [{"from": 'a"b', "to": "c\nd\u00e9"}]}


def test_extras_from_job() -> None:
    job = Job(
        id="x",
        from_db="a",
        to_db="b",
        ids="1",
        tax_id="",
        status=JobStatus.FINISHED,
        created=0.0,
        updated=0.0,
        failed_ids=["F"],
        obsolete_count=3,
        suggested_ids=[{"from": "s", "to": "t"}],
        warnings=[{"code": 21, "message": "m"}],
    )
    assert Extras.from_job(job) == Extras(
        warnings=[{"code": 21, "message": "m"}],
        failed_ids=["F"],
        suggested_ids=[{"from": "s", "to": "t"}],
        obsolete_count=3,
    )


# --- tsv and list ----------------------------------------------------------------------------


def test_tsv() -> None:
    assert body(TsvWriter(COLUMNS)) == b"From\tTo\nP05067\tCHEMBL2487\nP12345\tCHEMBL1\n"


def test_tsv_steps_and_empty_result() -> None:
    writer = TsvWriter(COLUMNS, Extras(failed_ids=["ignored"]))
    assert writer.header() == b"From\tTo\n"
    assert writer.footer() == b""
    assert body(TsvWriter(COLUMNS), []) == b"From\tTo\n"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("a\tb", "a b"),  # a tab would split the cell
        ("a\nb\r\nc", "a b  c"),  # a line break would split the row
        (["FGFR2", "BEK"], "FGFR2; BEK"),
        (("x", None, 3), "x; ; 3"),
        (["a\tb"], "a b"),
        (821, "821"),
        (True, "true"),
        ({"k": 1}, '{"k":1}'),
        ("\u00e9", "\u00e9"),
    ],
)
def test_tsv_cells(cell: Any, text: str) -> None:
    assert cell_text(cell) == text
    assert body(TsvWriter(("A", "B")), [("x", cell)]) == f"A\tB\nx\t{text}\n".encode()


def test_tsv_rows_checked_a_chunk_at_a_time_as_one_by_one() -> None:
    # a chunk of plain pairs is joined at once; a cell with a tab or line break, or that is
    # not text, anywhere in the chunk is written as it is alone
    for odd in [("x", None), ("a\tb", "c"), ("d", "e\nf"), ("g\r", "h"), ("i", 3), ("j",)]:
        rows: list[tuple[Any, ...]] = [("f", str(n)) for n in range(1500)]
        rows.insert(700, odd)
        expected = b"".join(TsvWriter._line(row) for row in rows)
        assert b"".join(TsvWriter(COLUMNS).rows(iter(rows))) == expected, odd
    assert list(TsvWriter(COLUMNS).rows([("",)])) == [b"\n"]


@pytest.mark.parametrize("writer", [TsvWriter, JsonWriter, ListWriter])
def test_blocks_of_runs_and_rows_are_written_as_their_rows(writer: type[Writer]) -> None:
    # a stream's pairs as the store reads them (runs of ids that map to themselves, and lists
    # of pairs): the bytes of the same rows one by one, whatever a block holds
    odd = [("a\tb", "c"), ("d", "e\nf"), ("x", None)]
    blocks: list[Any] = [
        RunPairs([f"P{n}" for n in range(2_500)]), [("f", str(n)) for n in range(700)],
        RunPairs(["Q1", "Q2"]), [("g", "h")], [odd[0], ("i", "j")], RunPairs(["R\t1", "R2"]),
        RunPairs(["S\r"]), [("k", str(n)) for n in range(1_500)], RunPairs(["T\n1"]),
        RunPairs([]), [], [odd[1], odd[2]], RunPairs([f"U{n}" for n in range(40)])]
    rows = [pair for block in blocks for pair in block]
    assert rows[:2] == [("P0", "P0"), ("P1", "P1")] and len(rows) == 4_751
    expected = b"".join(write(writer(COLUMNS), rows))
    assert b"".join(write(writer(COLUMNS), RowBlocks(blocks))) == expected
    if writer is TsvWriter:  # at least a chunk of rows at a time, but for the odd rows
        chunks = list(writer(COLUMNS).rows(RowBlocks(iter(blocks))))
        assert chunks[0].count(b"\n") == 2_500 and len(chunks) < 20


def test_list() -> None:
    assert body(ListWriter(COLUMNS)) == b"CHEMBL2487\nCHEMBL1\n"
    assert ListWriter(COLUMNS).header() == b""


def test_list_item_is_pluggable() -> None:
    writer = ListWriter(COLUMNS, item=lambda row: row[1]["primaryAccession"])
    assert body(writer, [("Q1", {"primaryAccession": "P1"})]) == b"P1\n"


def test_rows_are_batched() -> None:
    writer = TsvWriter(COLUMNS)
    chunks = list(writer.rows(("f", str(n)) for n in range(2500)))
    assert len(chunks) == 3  # 1000 + 1000 + 500
    assert chunks[0].count(b"\n") == 1000
    assert chunks[2].count(b"\n") == 500


def test_rows_are_consumed_lazily() -> None:
    consumed: list[int] = []

    def rows() -> Iterator[tuple[str, str]]:
        for n in range(5000):
            consumed.append(n)
            yield ("f", str(n))

    chunks = TsvWriter(COLUMNS).rows(rows())
    next(chunks)
    assert len(consumed) == 1000


# --- stream errors ---------------------------------------------------------------------------


def broken_rows() -> Iterator[tuple[str, str]]:
    yield ("P05067", "CHEMBL2487")
    raise RuntimeError("store went away")


def test_write_raises_without_on_error() -> None:
    with pytest.raises(RuntimeError):
        body(TsvWriter(COLUMNS), broken_rows())


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (JsonWriter(COLUMNS), b'{"results":[],"error":"Error encountered when streaming data."}'),
        (
            TsvWriter(COLUMNS),
            b"From\tTo\n\n\nError encountered when streaming data. Please try again later.\n",
        ),
    ],
)
def test_write_ends_with_uniprot_error_text(writer: Writer, expected: bytes) -> None:
    errors: list[Exception] = []
    # the one good row sits in the unfinished batch, so it is lost with the error
    assert b"".join(write(writer, broken_rows(), on_error=errors.append)) == expected
    assert isinstance(errors[0], RuntimeError)


# --- xlsx ------------------------------------------------------------------------------------


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        text = book.read("xl/worksheets/sheet1.xml").decode()
        if "xl/sharedStrings.xml" in names:  # not in constant_memory mode, but be general
            text += book.read("xl/sharedStrings.xml").decode()
    return text


def cell_strings(data: bytes) -> list[str]:
    return re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", sheet_xml(data))


def test_xlsx_holds_header_and_rows() -> None:
    data = body(XlsxWriter(COLUMNS))
    assert data[:2] == b"PK"
    assert cell_strings(data) == ["From", "To", "P05067", "CHEMBL2487", "P12345", "CHEMBL1"]
    assert '<dimension ref="A1:B3"/>' in sheet_xml(data)


def test_xlsx_cell_types() -> None:
    rows = [
        ("=1+1", "http://example.org"),
        ("x", 821),
        ("y", None),
        ("z", ["a", "b"]),
        ("big", 2**60),
    ]
    xml = sheet_xml(body(XlsxWriter(COLUMNS), rows))
    assert "<f>" not in xml  # text that looks like a formula stays text
    assert "hyperlink" not in xml
    assert '<c r="B3"><v>821</v></c>' in xml  # numbers are numbers
    assert 'r="B4"' not in xml  # None is a blank cell
    assert "<t>a; b</t>" in xml
    assert f"<t>{2**60}</t>" in xml  # kept exact, as text


def test_xlsx_steps_yield_only_at_the_end() -> None:
    writer = XlsxWriter(COLUMNS)
    assert writer.header() == b""
    assert list(writer.rows(PAIRS)) == []
    chunks = list(writer.finish())
    assert chunks and all(len(chunk) <= XlsxWriter.chunk_bytes for chunk in chunks)
    assert cell_strings(b"".join(chunks))[:2] == ["From", "To"]


def test_xlsx_footer_returns_the_whole_file() -> None:
    writer = XlsxWriter(COLUMNS)
    writer.header()
    list(writer.rows(PAIRS))
    assert cell_strings(writer.footer())[-1] == "CHEMBL1"


def test_xlsx_large_file_is_chunked() -> None:
    rows = ((f"F{n}", f"T{n}") for n in range(20_000))
    chunks = list(write(XlsxWriter(COLUMNS), rows))
    assert len(chunks) > 1
    assert cell_strings(b"".join(chunks))[-1] == "T19999"


def xlsx_temp_dirs() -> set[str]:
    return {
        name for name in os.listdir(tempfile.gettempdir()) if name.startswith("idmapping-xlsx-")
    }


def test_xlsx_leaves_no_temporary_files() -> None:
    before = xlsx_temp_dirs()
    body(XlsxWriter(COLUMNS))
    assert xlsx_temp_dirs() == before


def test_xlsx_abandoned_stream_leaves_no_temporary_files() -> None:
    before = xlsx_temp_dirs()
    stream = write(XlsxWriter(COLUMNS), PAIRS)
    assert xlsx_temp_dirs() == before  # nothing is created until the stream starts
    stream.close()
    writer = XlsxWriter(COLUMNS)
    writer.header()
    list(writer.rows(PAIRS))
    assert len(xlsx_temp_dirs() - before) == 1
    writer.close()
    writer.close()  # twice is fine
    assert xlsx_temp_dirs() == before


# --- gzip ------------------------------------------------------------------------------------


def test_gzip_chunks() -> None:
    chunks = list(write(TsvWriter(COLUMNS), PAIRS))
    packed = b"".join(gzip_chunks(iter(chunks)))
    assert packed[:2] == b"\x1f\x8b"
    assert zlib.decompress(packed, 16 + zlib.MAX_WBITS) == b"".join(chunks)


def test_gzip_chunks_empty_and_lazy() -> None:
    assert zlib.decompress(b"".join(gzip_chunks([])), 16 + zlib.MAX_WBITS) == b""
    pulled: list[int] = []

    def source() -> Iterator[bytes]:
        for n in range(100):
            pulled.append(n)
            yield os.urandom(64 * 1024)  # incompressible, so output comes early

    next(gzip_chunks(source()))
    assert len(pulled) < 100


# --- negotiation -----------------------------------------------------------------------------

PLAIN = ("tsv", "json", "xlsx")  # /idmapping/results
KB_PAGED = ("json", "fasta", "tsv", "xlsx", "xml", "txt", "gff", "list")  # /uniprotkb/results
STREAM = ("tsv", "json", "xlsx", "list")  # /idmapping/stream
NOT_ACCEPTED = "Invalid request received. Requested media type/format not accepted"


def test_media_types() -> None:
    assert media_type_for("tsv") == "text/plain;format=tsv"
    assert media_type_for("txt") == "text/plain;format=flatfile"
    assert FORMAT_BY_MEDIA_TYPE["application/n-triples"] == "nt"
    assert len(FORMAT_BY_MEDIA_TYPE) == len(MEDIA_TYPE_BY_FORMAT) == 11
    with pytest.raises(InvalidRequest):
        media_type_for("foo")


@pytest.mark.parametrize(
    ("format_param", "accept", "allowed", "expected"),
    [
        (None, None, PLAIN, "json"),  # nothing asked
        ("", "", PLAIN, "json"),  # blank is nothing
        (None, "*/*", PLAIN, "json"),  # curl, requests, httpx
        (None, "text/html,application/xhtml+xml,*/*;q=0.8", PLAIN, "json"),  # a browser
        (None, "application/x-unknown", PLAIN, "json"),  # unknown type
        (None, "text/plain;format=tsv", PLAIN, "tsv"),
        (None, "text/plain; format=tsv", PLAIN, "tsv"),  # spacing does not matter
        (None, "application/json;charset=UTF-8", PLAIN, "json"),  # other parameters ignored
        (None, "text/plain;format=list", STREAM, "list"),
        (None, "text/plain;format=fasta, text/plain;format=tsv", PLAIN, "tsv"),  # first usable
        (None, "text/plain;format=tsv;q=0.5, application/json", PLAIN, "json"),  # by q value
        (None, "text/plain;format=tsv;q=0, application/json", PLAIN, "json"),  # q=0 refuses
        # Spring's negotiation: the highest q the end-point produces, whatever the order
        (None, "application/json;q=0.4, text/plain;format=tsv;q=0.9", PLAIN, "tsv"),
        (None, "text/plain;format=fasta;q=1, application/json;q=0.2", PLAIN, "json"),
        # equal q: the end-point's own (UniProt's produces) order, not the header's
        (None, "application/json, text/plain;format=tsv", PLAIN, "tsv"),
        (None, "text/plain;format=tsv, application/json", KB_PAGED, "json"),
        (None, "text/plain;format=tsv;q=0.5, application/json;q=0.5", KB_PAGED, "json"),
        # a type beats a range at equal q; a range covers the end-point's types in its order
        (None, "*/*, text/plain;format=tsv", PLAIN, "tsv"),
        (None, "text/*", KB_PAGED, "fasta"),
        (None, "text/plain", PLAIN, "tsv"),
        (None, "text/*;q=0.9, application/xml", KB_PAGED, "xml"),
        (None, "application/x-foo, */*;q=0.1", PLAIN, "json"),  # */*: UniProt's JSON
        (None, "text/plain;format=tsv;q=x, application/json;q=0.1", PLAIN, "json"),  # bad q: 0
        ("tsv", "application/json", PLAIN, "tsv"),  # format wins over Accept
        ("xlsx", None, PLAIN, "xlsx"),
        ("list", None, STREAM, "list"),
    ],
)
def test_negotiate(
    format_param: str | None, accept: str | None, allowed: tuple[str, ...], expected: str
) -> None:
    assert negotiate(format_param, accept, allowed) == expected


@pytest.mark.parametrize(
    ("format_param", "accept", "message"),
    [
        # an unknown format, whatever Accept says
        ("foo", None, f"{NOT_ACCEPTED}: 'foo'."),
        ("JSON", "*/*", f"{NOT_ACCEPTED}: 'JSON'."),
        # a known format this end-point does not produce
        (
            "fasta",
            None,
            "Invalid request received. Requested media type/format not accepted, 'fasta'. "
            "Valid media types/formats for this end-point include: text/plain;format=tsv, "
            "application/json, "
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.",
        ),
        ("list", None, "not accepted, 'list'."),  # /results has no list
        # formats UniProt knows and produces elsewhere: the list, not "unknown"
        *[(known, None, f"{NOT_ACCEPTED}, '{known}'. Valid media types/formats for this "
           "end-point include: text/plain;format=tsv, application/json, ")
          for known in ("h5", "obo", "md")],
        ("H5", None, f"{NOT_ACCEPTED}: 'H5'."),  # case matters, as UniProt's
        (None, "application/x-hdf5", f"{NOT_ACCEPTED}: 'application/x-hdf5'."),
        (None, "text/markdown", f"{NOT_ACCEPTED}: 'text/markdown'."),
        # an Accept naming only UniProt types this end-point does not produce
        (
            None,
            "text/plain;format=fasta",
            "Invalid request received. Requested media type/format not accepted: "
            "'text/plain;format=fasta'.",
        ),
    ],
)
def test_negotiate_refused(format_param: str | None, accept: str | None, message: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        negotiate(format_param, accept, PLAIN)
    assert message in caught.value.messages[0]
    assert caught.value.status == 400


@pytest.mark.parametrize("accept", [
    "text/plain;format=fasta, text/plain;format=gff",  # UniProt types, none produced here
    "text/plain;format=tsv;q=0, application/x-foo",  # the one produced refused by q=0
    "application/x-foo, image/png",  # none known
    "application/json;q=0, text/plain;format=tsv;q=0.0",
])
def test_several_types_none_produced_are_not_acceptable(accept: str) -> None:
    """Several media ranges none of which the end-point produces: 406, as Spring answers, with
    UniProt's message naming the header."""
    with pytest.raises(NotAcceptable) as caught:
        negotiate(None, accept, PLAIN)
    assert caught.value.status == 406
    assert caught.value.messages == [f"{NOT_ACCEPTED}: '{accept}'."]


@pytest.mark.parametrize("accept", [
    "text/html,application/xhtml+xml",
    "text/html, application/x-foo;q=0.8",
    "application/xhtml+xml",
])
def test_a_web_page_asked_for_gets_json(accept: str) -> None:
    """A browser's navigation that asks for a page and nothing produced here gets JSON, as
    UniProt answers browsers, not 406; JSON-less end-points answer their first format."""
    assert negotiate(None, accept, PLAIN) == ("json" if "json" in PLAIN else PLAIN[0])
    assert negotiate(None, accept, ["tsv", "json"]) == "json"


# --- Content-Disposition ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "extension", "compressed", "filename"),
    [
        ("abc123", "tsv", False, "idmapping_abc123_2024_01_02.tsv"),
        ("abc123", "json", True, "idmapping_abc123_2024_01_02.json.gz"),
        ("", "list", False, "idmapping_2024_01_02.list"),  # underscores collapsed
        ("__a  b__", "xlsx", False, "idmapping_a_b_2024_01_02.xlsx"),
        ('x"; y', "tsv", False, "idmapping_x_y_2024_01_02.tsv"),  # nothing breaks the quotes
        ("q" * 100, "tsv", False, f"idmapping_{'q' * 60}_2024_01_02.tsv"),  # kept short
    ],
)
def test_content_disposition(prefix: str, extension: str, compressed: bool, filename: str) -> None:
    value = content_disposition(prefix, extension, compressed, date(2024, 1, 2))
    assert value == f'form-data; name="attachment"; filename="{filename}"'
    # IdMappingStreamControllerIT asserts this prefix
    assert value.startswith('form-data; name="attachment"; filename="idmapping_')


# --- switches: UniProt's rules and messages ----------------------------------------------------


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("download", "true", True), ("download", "false", False), ("download", None, False),
    ("includeIsoform", "TRUE", True), ("includeIsoform", "False", False),
    ("subsequence", "tRuE", True), ("complete", "FALSE", False),
    ("force", " true ", True), ("force", "", False),  # ours: any case, blank = default
])
def test_booleans_accepted(name: str, value: str | None, expected: bool) -> None:
    assert parse_bool(name, value) is expected


@pytest.mark.parametrize(("name", "value", "message"), [
    ("download", "TRUE", "The 'download' parameter has invalid format. It should be a "
                         "boolean true or false."),
    ("download", "", "The 'download' parameter has invalid format. It should be a boolean "
                     "true or false."),
    ("includeIsoform", "", "Invalid includeIsoform parameter value. Expected true or false"),
    ("includeIsoform", " true", "Invalid includeIsoform parameter value. Expected true or "
                                "false"),
    ("subsequence", "1", "Invalid subsequence parameter value. Expected true or false"),
    ("complete", "yes", "'complete' parameter value has invalid format. It should be true or "
                        "false."),
    ("force", "yes", "The 'force' parameter has invalid format. It should be a boolean true "
                     "or false."),
])
def test_booleans_refused_with_uniprots_messages(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_bool(name, value)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("TRUE", True), ("True", True), ("false", False), ("yes", False),
    ("", False), (" true", False), (None, False)])
def test_compressed_is_never_refused(value: str | None, expected: bool) -> None:
    assert compressed_flag(value) is expected
    assert Output.read("tsv", compressed=value).compressed is expected


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip", True), ("gzip, deflate", True), ("deflate, gzip, br, zstd", True),
    ("GZIP;q=0.5", True), ("x-gzip", True), ("*", True), ("br, *;q=0.1", True),
    (None, False), ("", False), ("identity", False), ("deflate", False),
    ("gzip;q=0", False), ("gzip;q=0.000", False), ("*;q=0", False),
    ("gzip;q=0, *", False), ("gzip;q=nonsense", False)])
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(("dataset", "text", "messages"), [
    ("uniprotkb", "length", ["Invalid sort parameter format. Expected format fieldName "
                             "asc|desc."]),
    ("uniprotkb", "length desc extra", ["Invalid sort parameter format. Expected format "
                                        "fieldName asc|desc."]),
    ("uniprotkb", "Colour ASC", ["Invalid sort field 'colour'"]),
    ("uniprotkb", "colour sideways", ["Invalid sort field 'colour'",
                                      "Invalid sort field order 'sideways'. Expected asc or "
                                      "desc"]),
    ("uniprotkb", "length  desc", ["Invalid sort field order ''. Expected asc or desc"]),
    ("uniref", "organism_sort up", ["Invalid sort field order 'up'. Expected asc or desc"]),
])
def test_sort_refused_as_uniprot(dataset: str, text: str, messages: list[str]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_sort(dataset, text)
    assert caught.value.messages == messages


def test_sort_accepts_uniprots_fields_and_aliases() -> None:
    assert parse_sort("uniref", "created desc") == parse_sort("uniref", "date_modified desc")
    assert parse_sort("uniref", "organism_sort asc") == parse_sort("uniref", "organism asc")
    assert parse_sort("uniparc", "UNIPARC DESC") == parse_sort("uniparc", "upi desc")
    assert parse_sort("uniprotkb", "length desc,") == parse_sort("uniprotkb", "length desc")


@pytest.mark.parametrize("count", [0, 1, 2, BATCH_ROWS - 1, BATCH_ROWS, 2 * BATCH_ROWS + 3])
def test_json_rows_are_written_as_each_row_would_be(count: int) -> None:
    # the rows' objects are dumped a batch at a time: the same bytes as one row at a time
    rows = [(f"A{n}", "é\"\\\n" * (n % 3)) for n in range(count)]
    writer = JsonWriter(("From", "To"), Extras(failed_ids=["X"]))
    one_by_one = JsonWriter(("From", "To"), Extras(failed_ids=["X"]))
    expected = one_by_one.header() + b"".join(map(one_by_one.row, rows)) + one_by_one.footer()
    assert b"".join(write(writer, rows)) == expected
    assert orjson.loads(expected)["results"] == [{"from": f, "to": t} for f, t in rows]
