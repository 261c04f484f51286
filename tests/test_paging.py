"""UniProt's cursors, page sizes and Link headers (api-behaviour.md §2.5 "Pagination")."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idmapping.errors import InvalidRequest
from idmapping.results.paging import (
    MAX_OFFSET,
    Page,
    _parsed_link,
    check_size,
    decode_cursor,
    encode_cursor,
    next_link,
)


def java_cursor(offset: int) -> str:
    """Compute the cursor independently: BigInteger(bytes).toString(36) of "<offset>,NEXT"."""
    number = int.from_bytes(f"{offset},NEXT".encode(), "big")
    return re.sub(r"^0+(?=.)", "", _base36(number))


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"


# --- cursors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "cursor"),
    [
        (25, "3v5g94y9lqs"),  # asserted by UniProt's tests
        (50, "43etr1v36tw"),
        (500, "t49h2mo5cklw"),
    ],
)
def test_known_cursors(offset: int, cursor: str) -> None:
    assert encode_cursor(offset) == cursor
    assert decode_cursor(cursor) == offset


def test_upper_case_cursor_is_read() -> None:
    # Java's BigInteger(text, 36) accepts both cases.
    assert decode_cursor("3V5G94Y9LQS") == 25


def test_empty_cursor_is_first_page() -> None:
    assert decode_cursor("") == 0


def test_negative_offset_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        encode_cursor(-1)


@pytest.mark.parametrize(
    "cursor",
    [
        "3v5g94y9lq!",  # not base 36
        " 3v5g94y9lqs",  # int() would accept the space
        "3v5g_94y9lqs",  # int() would accept the underscore
        "+3v5g94y9lqs",  # int() would accept the sign
        "-3v5g94y9lqs",
        "\u0663",  # a non-ASCII digit, which int() would accept
        "zzzz",  # base 36 but not "<digits>,NEXT"
        "0",
        "00",
        encode_cursor(25)[:-1],  # truncated
        java_cursor(25).replace("3", "4", 1),  # tampered
        _base36(int.from_bytes(b"-5,NEXT", "big")),  # negative offset
        _base36(int.from_bytes(b"25,PREV", "big")),
        _base36(int.from_bytes(b"25,NEXT,", "big")),
        _base36(int.from_bytes(b"\xd9\xa3,NEXT", "big")),  # an Arabic-Indic digit
        _base36(int.from_bytes(b"99999999999999999999,NEXT", "big")),  # over Java's Long
        "a" * 65,  # absurdly long
    ],
)
def test_malformed_cursor_is_invalid_request(cursor: str) -> None:
    with pytest.raises(InvalidRequest, match=r"^The parameter 'cursor' has an invalid value"):
        decode_cursor(cursor)


def test_long_cursor_is_not_echoed_whole() -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode_cursor("a" * 10_000)
    assert len(caught.value.messages[0]) < 200
    assert caught.value.status == 400


# offsets stop short of 2**63 - 1 so that a page past one fits in 64 bits
@given(st.integers(min_value=0, max_value=MAX_OFFSET))
def test_round_trip(offset: int) -> None:
    cursor = encode_cursor(offset)
    assert cursor == java_cursor(offset)
    assert decode_cursor(cursor) == offset


@given(st.text(max_size=80))
def test_decode_never_crashes(cursor: str) -> None:
    try:
        offset = decode_cursor(cursor)
    except InvalidRequest:
        return
    assert offset >= 0


@given(
    st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1)
)
def test_decode_base36_text_never_crashes(cursor: str) -> None:
    try:
        offset = decode_cursor(cursor)
    except InvalidRequest:
        return
    assert encode_cursor(offset) == cursor.lower().lstrip("0")


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (None, 25),  # absent
        ("", 25),  # blank is absent, as Spring reads it
        ("  ", 25),
        ("0", 0),  # zero is allowed
        ("500", 500),
        (" 10 ", 10),  # Spring trims number parameters
        ("+7", 7),
        (42, 42),
    ],
)
def test_check_size(size: str | int | None, expected: int) -> None:
    assert check_size(size) == expected


def test_check_size_other_limits() -> None:
    assert check_size(None, default=10, maximum=20) == 10
    with pytest.raises(InvalidRequest, match=r"^'size' must be less than or equal to 20$"):
        check_size("21", maximum=20)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("501", r"^'size' must be less than or equal to 500$"),  # UniProt's messages
        (501, r"^'size' must be less than or equal to 500$"),
        ("99999999999999999999999", r"^'size' must be less than or equal to 500$"),
        ("-1", r"^'size' must be greater than or equal to 0$"),
        (-1, r"^'size' must be greater than or equal to 0$"),
        ("abc", r"^The 'size' parameter has invalid format 'abc'\. It should be an integer\.$"),
        ("1.5", r"invalid format '1\.5'"),
        ("1_0", r"invalid format"),  # int() would accept it
        ("\u0661", r"invalid format"),  # a non-ASCII digit
        (True, r"invalid format"),
    ],
)
def test_check_size_refused(size: str | int, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        check_size(size)


# --- pages and links -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "next_offset", "stop"),
    [
        (Page(0, 25, 60), 25, 25),
        (Page(50, 25, 60), None, 60),  # last, partial page
        (Page(35, 25, 60), None, 60),  # offset + size == total: no next page
        (Page(0, 25, 0), None, 0),  # empty result
        (Page(10, 0, 60), 10, 10),  # size=0: UniProt still links, to the same offset
    ],
)
def test_page(page: Page, next_offset: int | None, stop: int) -> None:
    assert page.next_offset == next_offset
    assert page.stop == stop


def test_next_link_appends_cursor_then_size() -> None:
    link = next_link("https://rest.example.org/idmapping/results/abc", 25, 25)
    url = "https://rest.example.org/idmapping/results/abc?cursor=3v5g94y9lqs&size=25"
    assert link == f'<{url}>; rel="next"'


def test_next_link_replaces_cursor_and_size_keeping_other_parameters() -> None:
    url = (
        "http://localhost:8000/idmapping/uniprotkb/results/abc"
        "?size=50&format=tsv&cursor=43etr1v36tw&fields=accession,gene_names&compressed=false"
    )
    assert next_link(url, 100, 50) == (
        "<http://localhost:8000/idmapping/uniprotkb/results/abc"
        "?format=tsv&fields=accession,gene_names&compressed=false"
        f'&cursor={encode_cursor(100)}&size=50>; rel="next"'
    )


# URLs of every shape the Link's quick way must tell apart from those it leaves to the parsing
# one: characters that parsing, unquoting or quoting change, a fragment, brackets, no query
URL_TEXT = st.text(st.sampled_from(list("az09_.~-=&?#/:;@[]%+!$'() *,\t\"<>\\é")), max_size=30)


@given(scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]),
       host=st.sampled_from(["h", "localhost:8000", "[::1]:80", "a@b", "", "h#x"]),
       path=st.sampled_from(["/idmapping/results/abc", "/", "", "/a?b", "/%2F x"]) | URL_TEXT,
       query=st.none() | URL_TEXT | st.lists(st.sampled_from(
           ["size=25", "cursor=5r2bj1pebnknro", "format=tsv", "a=", "b", "x_y.z~-=1-2",
            "size", "q=a+b", "c=%41", "d=e=f", ""]), max_size=5).map("&".join),
       offset=st.integers(0, MAX_OFFSET), size=st.integers(0, 500))
def test_next_link_is_the_parsed_link_for_any_url(scheme: str, host: str, path: str,
                                                  query: str | None, offset: int,
                                                  size: int) -> None:
    url = f"{scheme}://{host}{path}" + ("" if query is None else f"?{query}")
    try:
        parsed = _parsed_link(url, offset, size)
    except ValueError:  # e.g. an unclosed bracket in the host: not quick either
        with pytest.raises(ValueError):
            next_link(url, offset, size)
        return
    assert next_link(url, offset, size) == parsed


def test_next_link_reencodes_query_values() -> None:
    url = "https://h/idmapping/uniprotkb/results/abc?query=gene:app+AND+reviewed%3Atrue&x=%2B"
    link = next_link(url, 25, 25)
    # spaces as %20, and a literal "+" kept distinct from a space
    assert link.startswith(
        "<https://h/idmapping/uniprotkb/results/abc?query=gene:app%20AND%20reviewed:true&x=%2B&"
    )
