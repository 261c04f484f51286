"""UniProt's deterministic job id (api-behaviour.md §3 "Job id")."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idmapping.jobs.jobid import (
    BASE62_ALPHABET,
    _java_split_commas,
    _java_strip,
    job_id,
    request_key,
    to_base62,
)

UNIPROT_EXAMPLE = ("EMBL-GenBank-DDBJ", "UniProtKB", "Q00001,Q00002", "taxId")


def test_value_asserted_by_uniprot() -> None:
    # IdMappingJobControllerIT.submittingJobWithValidAnyFromToWithTaxIdCausesSuccess
    assert job_id(*UNIPROT_EXAMPLE) == "9Sv6fK80gq"


def test_is_ten_base62_characters() -> None:
    value = job_id("UniProtKB_AC-ID", "ChEMBL", "P05067")
    assert len(value) == 10
    assert set(value) <= set(BASE62_ALPHABET)


@pytest.mark.parametrize(
    "request_fields",
    [
        # every field in another case
        ("embl-genbank-ddbj", "UNIPROTKB", "q00001,Q00002", "TAXID"),
        # whitespace around the fields and around the commas
        ("  EMBL-GenBank-DDBJ\t", " UniProtKB ", " Q00001 ,\tQ00002\n", " taxId "),
        # Unicode spaces that Java's strip() also removes
        ("\u3000EMBL-GenBank-DDBJ", "UniProtKB\u2009", "Q00001\u2003,Q00002", "taxId"),
        # a trailing comma: Java's split(",") drops trailing empty strings
        ("EMBL-GenBank-DDBJ", "UniProtKB", "Q00001,Q00002,,", "taxId"),
    ],
)
def test_same_request_same_id(request_fields: tuple[str, str, str, str]) -> None:
    assert job_id(*request_fields) == "9Sv6fK80gq"


@pytest.mark.parametrize(
    "ids",
    [
        "Q00002,Q00001",  # order matters
        "Q00001,Q00002,Q00002",  # repeats count
        "Q00001;Q00002",  # only commas separate
        "Q00001, ,Q00002",  # an empty id in the middle is kept
    ],
)
def test_different_ids_different_id(ids: str) -> None:
    assert job_id("EMBL-GenBank-DDBJ", "UniProtKB", ids, "taxId") != "9Sv6fK80gq"


def test_no_break_space_is_not_stripped() -> None:
    # Java's Character.isWhitespace() excludes U+00A0, so UniProt hashes it as part of the id.
    assert request_key("a", "b", "\u00a0P1") == "ab\u00a0p1"
    assert job_id("a", "b", "\u00a0P1") != job_id("a", "b", "P1")


def test_tax_id_left_out_when_empty() -> None:
    assert request_key("UniProtKB_AC-ID", "ChEMBL", "P05067") == "uniprotkb_ac-idchemblp05067"
    assert job_id("UniProtKB_AC-ID", "ChEMBL", "P05067", "") == job_id(
        "UniProtKB_AC-ID", "ChEMBL", "P05067"
    )
    assert job_id("UniProtKB_AC-ID", "ChEMBL", "P05067", "9606") != job_id(
        "UniProtKB_AC-ID", "ChEMBL", "P05067"
    )


def test_request_key_layout() -> None:
    assert request_key(*UNIPROT_EXAMPLE) == "embl-genbank-ddbjuniprotkbq00001,q00002taxid"


def test_hash_is_pbkdf2_sha1() -> None:
    digest = hashlib.pbkdf2_hmac(
        "sha1", request_key(*UNIPROT_EXAMPLE).encode(), b"UNIPROT_IDMAPPING_SALT", 16, 20
    )
    assert job_id(*UNIPROT_EXAMPLE) == to_base62(digest)[:10]


def test_unpaired_surrogate_does_not_raise() -> None:
    # Java's UTF-8 encoder writes '?' for it; so do we.
    assert job_id("a", "b", "\ud800") == job_id("a", "b", "?")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ""),  # BigInteger zero: the loop never runs
        (b"\x00\x00", ""),
        (b"\x01", "1"),
        (bytes([61]), "Z"),
        (bytes([62]), "10"),
        (b"\x00\x00\x3e", "10"),  # leading zero bytes give no leading zero digits
        (b"\xff", "47"),  # unsigned: 255 = 4*62 + 7
    ],
)
def test_to_base62(data: bytes, expected: str) -> None:
    assert to_base62(data) == expected


def test_to_base62_round_trips_through_int() -> None:
    value = bytes(range(1, 21))
    text = to_base62(value)
    number = 0
    for char in text:
        number = number * 62 + BASE62_ALPHABET.index(char)
    assert number == int.from_bytes(value, "big")



@given(st.text(alphabet="AaPpQqΣσİ0123456789_-., \t", max_size=60))
def test_a_request_lowered_at_once_keys_as_one_lowered_id_by_id(ids: str) -> None:
    """A request of ASCII ids without whitespace is lowered in one call (issue 18): its key
    is the key of UniProt's rule, each id stripped and lowered on its own."""
    by_id = ",".join(_java_strip(i.lower()) for i in _java_split_commas(_java_strip(ids)))
    assert request_key("F", "T", ids) == "ft" + by_id
