"""Parsing input ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idmapping.errors import InvalidInput
from idmapping.ids import (
    check_api_ids,
    check_lengths,
    decode_ids,
    lookup_key,
    parse_uniprot,
    parse_value,
    split_api_ids,
    split_text_ids,
    uniprot_key,
)


@pytest.mark.parametrize(
    ("text", "reported", "key", "kind", "isoform", "range_"),
    [
        ("P00750", "P00750", "P00750", "accession", None, None),  # accession
        ("A0A023GPI8", "A0A023GPI8", "A0A023GPI8", "accession", None, None),  # 10 characters
        ("p00750", "p00750", "P00750", "accession", None, None),  # any case
        ("P00750-2", "P00750-2", "P00750", "accession", "P00750-2", None),  # isoform
        ("P00750[39-81]", "P00750[39-81]", "P00750", "accession", None, (39, 81)),  # range
        ("P00750-2[1-5]", "P00750-2[1-5]", "P00750", "accession", "P00750-2", (1, 5)),
        ("P00750.3", "P00750", "P00750", "accession", None, None),  # version dropped
        ("A4_HUMAN", "A4_HUMAN", "A4_HUMAN", "entry_name", None, None),  # entry name
        ("a4_human", "a4_human", "A4_HUMAN", "entry_name", None, None),
        ("Q00002_TREMBL2", "Q00002_TREMBL2", "Q00002", "accession", None, None),  # ACC_anything
        ("SWISS_IDFIVE", "SWISS_IDFIVE", "SWISS_IDFIVE", "entry_name", None, None),
        ("A0A023GPI8_CANAL", "A0A023GPI8_CANAL", "A0A023GPI8", "accession", None, None),
    ],
)
def test_parse_uniprot(text: str, reported: str, key: str, kind: str, isoform: str | None,
                       range_: tuple[int, int] | None) -> None:
    ident = parse_uniprot(text)
    assert (ident.text, ident.key, ident.kind, ident.isoform, ident.range) == (
        reported, key, kind, isoform, range_)


@pytest.mark.parametrize(
    ("text", "versioned", "key", "version"),
    [
        ("ENSG00000010404", True, "ensg00000010404", None),
        ("ENSG00000010404.15", True, "ensg00000010404", "ensg00000010404.15"),
        ("NM_130786.4", True, "nm_130786", "nm_130786.4"),
        ("1.A.1.1.1", False, "1.a.1.1.1", None),  # dots are not versions everywhere
        ("9606.ENSP00000269305", False, "9606.ensp00000269305", None),
        ("HGNC:5", False, "hgnc:5", None),
    ],
)
def test_parse_value(text: str, versioned: bool, key: str, version: str | None) -> None:
    ident = parse_value(text, versioned)
    assert (ident.text, ident.key, ident.version) == (text, key, version)
    assert lookup_key(text, versioned) == key


def test_split_and_count_as_stripping_each_id() -> None:
    """The shortcuts of text without whitespace (issue 18) give what stripping each item
    gives, for every whitespace Python strips, ASCII or not, and for text without any."""
    import random

    from idmapping.ids import count_api_ids, has_whitespace

    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    alphabet = ["P1", "q9", ",", ",", "\u00e9", "x", *spaces]
    rng = random.Random(18)
    for n in range(2000):
        text = "".join(rng.choice(alphabet if n % 2 else alphabet[:6])
                       for _ in range(rng.randrange(12)))
        stripped = [i for i in (part.strip() for part in text.split(",")) if i]
        assert split_api_ids(text) == stripped, repr(text)
        assert count_api_ids(text) == len(stripped), repr(text)
        assert has_whitespace(text) == any(c.isspace() for c in text), repr(text)


def test_split_api_ids_on_commas_only() -> None:
    assert split_api_ids(" P1 , P2,P3 ,, ") == ["P1", "P2", "P3"]
    assert split_api_ids("P1 P2") == ["P1 P2"]
    assert split_api_ids("   ") == []


def test_split_text_ids_on_whitespace_and_commas() -> None:
    assert split_text_ids("P1 P2\tP3\nP4,P5 ,\r\nP6") == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_decode_ids() -> None:
    assert decode_ids("\ufeffP1\nP2".encode(), 10) == ["P1", "P2"]
    with pytest.raises(InvalidInput, match="binary"):
        decode_ids(b"P1\x00", 10)
    with pytest.raises(InvalidInput, match="UTF-8"):
        decode_ids(b"\xff\xfe", 10)
    with pytest.raises(InvalidInput, match="longer than 3"):
        decode_ids(b"ABCD", 3)
    with pytest.raises(InvalidInput, match="control characters"):
        decode_ids(b"A\x07B", 10)


@given(st.lists(st.text(alphabet="Pp1 \t\x00\x1f\x7f\x80\u00a0\u2028é", max_size=6),
                max_size=4))
def test_ids_with_control_characters_are_refused_whatever_their_text(ids: list[str]) -> None:
    # checked over all the ids at once (ASCII: printable or not, in C), as id by id
    control = any(ord(c) < 32 or c == "\x7f" for i in ids for c in i)
    try:
        check_lengths(ids, 10)
    except InvalidInput as exc:
        assert control and "control characters" in str(exc)
    else:
        assert not control


def _outcome(check: object, *args: object) -> str | None:
    try:
        check(*args)  # type: ignore[operator]
    except InvalidInput as exc:
        return str(exc)
    return None


@given(st.lists(st.text(alphabet="P1,, \t\x00\x1f\x7f\u00a0\u2028é", max_size=7), max_size=6),
       st.integers(2, 8), st.sampled_from([0, 1, 2100]))
def test_ids_of_the_api_are_checked_on_their_text_as_one_by_one(
        parts: list[str], max_length: int, padding: int) -> None:
    """The ids of an API request are checked on its text (issue 18): the same error, with the
    same id in its message, or none, as :func:`check_lengths` of the split ids; short texts
    and texts of thousands of characters (lengths read by NumPy), the long id anywhere."""
    for text in (",".join(parts), ",".join(["P1"] * padding + parts),
                 ",".join(parts + ["Q12"] * padding)):
        ids = split_api_ids(text)
        assert _outcome(check_api_ids, text, ids, max_length) == _outcome(
            check_lengths, ids, max_length), text[:80]


@pytest.mark.parametrize("at", [0, 1000, 2999])
@pytest.mark.parametrize("extra", [0, 1])
def test_a_long_id_among_many_is_found_on_the_text(at: int, extra: int) -> None:
    # thousands of ids, the text's lengths read by NumPy: an id at the limit passes, one
    # character over is refused as check_lengths refuses it
    ids = ["P12345"] * 3000
    ids[at] = "Q" * (10 + extra)
    text = ",".join(ids)
    assert _outcome(check_api_ids, text, ids, 10) == _outcome(check_lengths, ids, 10)
    assert (_outcome(check_api_ids, text, ids, 10) is None) == (not extra)


@given(st.text(max_size=60))
def test_parsing_never_fails(text: str) -> None:
    ident = parse_uniprot(text)
    assert ident.text in (text, text[: len(ident.text)])
    assert parse_value(text, True).key == lookup_key(text, True)


_ACCESSION_LIKE = st.from_regex(
    r"[OPQopq][0-9][A-Za-z0-9]{3}[0-9]|[A-NR-Za-nr-z]([0-9][A-Za-z][A-Za-z0-9]{2}){1,2}[0-9]",
    fullmatch=True)
_SUFFIX = st.sampled_from(["", "-2", "-12", "[1-5]", "-3[10-20]", ".4", "-2.1", "_HUMAN",
                           "_", "_x", "-", ".", "[1-]", "\n", "-2\n", "_A_B", "X"])


@given(st.one_of(st.text(max_size=30), st.builds(lambda a, b: a + b, _ACCESSION_LIKE, _SUFFIX),
                 st.builds(lambda a, b: a + b, st.text(max_size=6), _ACCESSION_LIKE)))
def test_uniprot_key_is_parse_uniprots(text: str) -> None:
    ident = parse_uniprot(text)
    assert uniprot_key(text) == (ident.key, ident.kind)
