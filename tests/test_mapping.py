"""The mapping engine's contract, point by point, on the core fixture release."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from idmapping.errors import InvalidInput, InvalidRequest, NoRelease
from idmapping.loader import load_release
from idmapping.mapping import map_ids
from idmapping.model import MappingRequest
from idmapping.store import Store, open_store
from stores import BACKENDS, fresh_store

CORE = Path(__file__).parent / "data" / "core"


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Store]:
    with fresh_store(request.param, tmp_path_factory.mktemp("store")) as opened:
        load_release(sorted(CORE.iterdir()), opened)
        yield opened


def mapped(store: Store, from_db: str, to_db: str, *ids: str, tax: str = ""
           ) -> tuple[list[tuple[str, str]], list[str], int]:
    run = map_ids(store, MappingRequest(from_db, to_db, ids, tax))
    pairs = [(p.from_id, p.to_id) for p in run]
    return pairs, run.failed_ids, run.obsolete_count


def test_release_name_is_read_from_the_files(store: Store) -> None:
    release = store.current_release()
    assert release is not None and release.name == "2031_02"


@pytest.mark.parametrize(
    ("from_db", "to_db", "ids", "expected"),
    [
        # everything passes through accessions: entry name → entry → its GeneIDs
        ("UniProtKB_AC-ID", "GeneID", ("P53_HUMAN",), [("P53_HUMAN", "7157")]),
        # external → UniProtKB: reviewed first, then accession order
        ("Ensembl", "UniProtKB", ("ENSG00000141510.18",),
         [("ENSG00000141510.18", "P04637"), ("ENSG00000141510.18", "K7PPA8")]),
        # UniProtKB → external, several values in stored order
        ("UniProtKB_AC-ID", "PDB", ("P04637",), [("P04637", "1A1U"), ("P04637", "1AIE")]),
        # an isoform row of idmapping.dat belongs to its entry
        ("Ensembl_Transcript", "UniProtKB", ("ENST00000420246",),
         [("ENST00000420246", "P04637")]),
    ],
)
def test_maps_through_accessions(store: Store, from_db: str, to_db: str, ids: tuple[str, ...],
                                 expected: list[tuple[str, str]]) -> None:
    assert mapped(store, from_db, to_db, *ids)[0] == expected


def test_lookup_is_case_insensitive_and_outputs_values_as_stored(store: Store) -> None:
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "Ensembl", "p04637")
    assert pairs == [("p04637", "ENSG00000141510.18")]
    pairs, failed, _ = mapped(store, "Ensembl", "UniProtKB-Swiss-Prot", "ensg00000141510.18")
    assert pairs == [("ensg00000141510.18", "P04637")]
    pairs, _, _ = mapped(store, "FlyBase", "UniProtKB", "fbgn0000001", "FBGN0000001")
    assert pairs == [("fbgn0000001", "P12345"), ("FBGN0000001", "P12345")]


@pytest.mark.parametrize(
    ("from_db", "value", "maps"),
    [
        ("Ensembl", "ENSG00000141510", True),  # no version: any stored version
        ("Ensembl", "ENSG00000141510.18", True),  # that version
        ("Ensembl", "ENSG00000141510.17", False),  # another version only
        ("RefSeq_Nucleotide", "NM_000546", True),
        ("RefSeq_Nucleotide", "nm_000546.6", True),
        ("RefSeq_Nucleotide", "NM_000546.5", False),
        ("RefSeq_Protein", "NP_000537", True),
        ("EMBL-GenBank-DDBJ_CDS", "AAT09660", True),
    ],
)
def test_versions(store: Store, from_db: str, value: str, maps: bool) -> None:
    pairs, failed, _ = mapped(store, from_db, "UniProtKB", value)
    assert bool(pairs) is maps
    assert failed == ([] if maps else [value])


def test_current_accession_maps_to_itself_and_entry_name_to_accession(store: Store) -> None:
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "UniProtKB", "P04637", "P53_MOUSE",
                              "p53_human", "A4_HUMAN")
    assert pairs == [("P04637", "P04637"), ("P53_MOUSE", "P02340"), ("p53_human", "P04637")]
    assert failed == ["A4_HUMAN"]


def test_secondary_accession_maps_to_its_primaries(store: Store) -> None:
    pairs, _, obsolete = mapped(store, "UniProtKB_AC-ID", "UniProtKB", "Q15086", "A0A024R1R8")
    # a split gives several; reviewed entries first, then in accession order
    assert pairs == [("Q15086", "P04637"), ("A0A024R1R8", "P02340"),
                     ("A0A024R1R8", "P04637")]
    assert obsolete == 0
    assert mapped(store, "UniProtKB_AC-ID", "GeneID", "Q16535")[0] == [("Q16535", "7157")]


def test_deleted_accession_is_inactive_for_uniprotkb_only(store: Store) -> None:
    pairs, failed, obsolete = mapped(store, "UniProtKB_AC-ID", "UniProtKB", "A0A087WTH5",
                                     "A0A0A0MQ33", "P04637")
    assert pairs == [("A0A087WTH5", "A0A087WTH5"), ("A0A0A0MQ33", "A0A0A0MQ33"),
                     ("P04637", "P04637")]
    assert (failed, obsolete) == ([], 2)
    pairs, failed, obsolete = mapped(store, "UniProtKB_AC-ID", "GeneID", "A0A087WTH5")
    assert (pairs, failed, obsolete) == ([], ["A0A087WTH5"], 0)
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "UniProtKB-Swiss-Prot", "A0A087WTH5")
    assert (pairs, failed) == ([], ["A0A087WTH5"])


def test_swissprot_keeps_reviewed_entries(store: Store) -> None:
    pairs, failed, _ = mapped(store, "Gene_Name", "UniProtKB-Swiss-Prot", "TP53")
    assert pairs == [("TP53", "P04637")]
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "UniProtKB-Swiss-Prot", "K7PPA8")
    assert (pairs, failed) == ([], ["K7PPA8"])


def test_gene_name_rule(store: Store) -> None:
    # Gene_Name rows; for an entry with none, ordered-locus names, else ORF names.
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "Gene_Name", "P04637", "P0A6F5",
                              "Q6GZX4", "O14639")
    assert pairs == [("P04637", "TP53"), ("P0A6F5", "b4143"), ("Q6GZX4", "FV3-001R"),
                     ("O14639", "ABLIM1")]
    # the same rule serves from; synonyms and superseded kinds are not matched
    pairs, failed, _ = mapped(store, "Gene_Name", "UniProtKB", "b4143", "FV3-001R", "JW4103",
                              "KIAA0059", "P53", "ABLIM1")
    assert pairs == [("b4143", "P0A6F5"), ("FV3-001R", "Q6GZX4"), ("ABLIM1", "O14639")]
    assert failed == ["JW4103", "KIAA0059", "P53"]


def test_tax_id_restricts_the_entries_passed_through(store: Store) -> None:
    assert mapped(store, "Gene_Name", "UniProtKB", "GOT2")[0] == [
        ("GOT2", "P00505"), ("GOT2", "P12345")]
    assert mapped(store, "Gene_Name", "UniProtKB", "GOT2", tax="9606")[0] == [
        ("GOT2", "P00505")]
    # for every from, not only Gene_Name
    pairs, failed, _ = mapped(store, "Ensembl", "UniProtKB", "ENSG00000141510", tax="10090")
    assert (pairs, failed) == ([], ["ENSG00000141510"])
    pairs, _, _ = mapped(store, "UniProtKB_AC-ID", "GeneID", "P04637", "P02340", tax="10090")
    assert pairs == [("P02340", "22059")]
    assert mapped(store, "Gene_Name", "UniProtKB", "GOT2", tax="human")[1] == ["GOT2"]


@pytest.mark.parametrize("db", ["UniParc", "UniRef90", "UniRef50"])
def test_uniparc_and_uniref_map_to_themselves(store: Store, db: str) -> None:
    known = {"UniParc": "UPI000002ED67", "UniRef90": "UniRef90_P04637",
             "UniRef50": "UniRef50_P04637"}[db]
    pairs, failed, _ = mapped(store, db, db, known, "UPI9999999999")
    assert pairs == [(known, known)]
    assert failed == ["UPI9999999999"]


def test_uniref_cluster_maps_to_its_members(store: Store) -> None:
    pairs, _, _ = mapped(store, "UniRef50", "UniProtKB", "UniRef50_P04637")
    assert [to for _, to in pairs] == ["P02340", "P04637"]


def test_results_unique_grouped_by_input_in_input_order(store: Store) -> None:
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "GeneID", "P02340", "nope", "P04637",
                              "P02340", "P04637.3", "also-nope")
    assert pairs == [("P02340", "22059"), ("P04637", "7157")]
    assert failed == ["nope", "also-nope"]


def test_uniprot_id_forms_keep_the_original_string(store: Store) -> None:
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "GeneID", "P04637[10-20]",
                              "P04637[15-20]", "P02340.4", "P04637_ANYTHING", "P04637-2",
                              "Q00001[1-5]")
    assert pairs == [("P04637[10-20]", "7157"), ("P04637[15-20]", "7157"),
                     ("P02340", "22059"), ("P04637_ANYTHING", "7157"), ("P04637-2", "7157")]
    assert failed == ["Q00001[1-5]"]


def test_isoform_maps_to_itself_for_uniprotkb(store: Store) -> None:
    assert mapped(store, "UniProtKB_AC-ID", "UniProtKB", "P04637-2")[0] == [
        ("P04637-2", "P04637-2")]


def test_isoform_maps_to_its_own_ids_and_its_entrys_not_to_other_isoforms(store: Store) -> None:
    # P04637's transcript ENST00000269305.9 is the entry's; ENST00000420246.6 is given to -2
    pairs, failed, _ = mapped(store, "UniProtKB_AC-ID", "Ensembl_Transcript", "P04637",
                              "P04637-2", "P04637-1", "P04637-2[5-9]", "p04637-1.4")
    assert pairs == [("P04637", "ENST00000269305.9"), ("P04637", "ENST00000420246.6"),
                     ("P04637-2", "ENST00000269305.9"), ("P04637-2", "ENST00000420246.6"),
                     ("P04637-1", "ENST00000269305.9"),
                     ("P04637-2[5-9]", "ENST00000269305.9"), ("P04637-2[5-9]", "ENST00000420246.6"),
                     ("p04637-1", "ENST00000269305.9")]  # the version dropped, as UniProt does
    assert failed == []


@pytest.mark.parametrize(
    ("from_db", "to_db", "messages"),
    [
        ("ACC123", "UniProtKB", ["The parameter 'from' has an invalid value 'ACC123'.",
                                 "The combination of 'from=ACC123' and 'to=UniProtKB' "
                                 "parameters is invalid"]),
        ("ChEMBL", "UniParc", ["The combination of 'from=ChEMBL' and 'to=UniParc' "
                               "parameters is invalid"]),
        ("UniProtKB_AC-ID", "nope", ["The parameter 'to' has an invalid value 'nope'.",
                                     "The combination of 'from=UniProtKB_AC-ID' and "
                                     "'to=nope' parameters is invalid"]),
        ("UniProtKB-Swiss-Prot", "UniProtKB", ["The combination of 'from=UniProtKB-Swiss-Prot'"
                                               " and 'to=UniProtKB' parameters is invalid"]),
        ("UniProtKB_AC-ID", "UniProtKB_AC-ID", ["The combination of 'from=UniProtKB_AC-ID' "
                                                "and 'to=UniProtKB_AC-ID' parameters is "
                                                "invalid"]),
    ],
)
def test_invalid_pairs(store: Store, from_db: str, to_db: str, messages: list[str]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        map_ids(store, MappingRequest(from_db, to_db, ("P04637",)))
    assert caught.value.messages == messages


def test_empty_input(store: Store) -> None:
    with pytest.raises(InvalidInput):
        map_ids(store, MappingRequest("UniProtKB_AC-ID", "UniProtKB", ()))


def test_empty_store_says_to_load(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "empty.sqlite")) as empty:
        with pytest.raises(NoRelease, match="idmapping load"):
            map_ids(empty, MappingRequest("Gene_Name", "UniProtKB", ("TP53",)))


def test_plain_accessions_parse_at_once_as_one_by_one() -> None:
    """A job of plain accessions is parsed without a call per id (issue 18): the same
    identifiers as parse_uniprot gives, and any other id takes the general path."""
    from idmapping.ids import parse_uniprot
    from idmapping.mapping import parse_request_ids

    plain = ("P04637", "p04637", "A0A0D1EMO1", "P04637", "q9dem0")
    assert parse_request_ids(plain) == [parse_uniprot(i) for i in dict.fromkeys(plain)]
    mixed = ("P04637", "P04637-2", "P04637.3", "P04637", "TP53_HUMAN")
    assert parse_request_ids(mixed) == [parse_uniprot(i) for i in
                                        ("P04637", "P04637-2", "TP53_HUMAN")]


@pytest.mark.parametrize("versioned", [True, False])
def test_values_parse_at_once_as_one_by_one(versioned: bool) -> None:
    """Ids of other databases are parsed a list at a time (issue 18): the same key and
    version as parse_value gives each, for ids of every shape, line breaks and letters whose
    lower case is longer included (those take the one-by-one path)."""
    import random

    from idmapping.ids import parse_value, value_keys

    draw = random.Random(18)
    alphabet = "aB.1_-9\u03a3\u0130x \t:"
    texts = ["NM_130786.4", "xp_2", ".5", "A.b.2", "a.", "ENSG01.12.3", "P.0"]
    texts += ["".join(draw.choice(alphabet) for _ in range(draw.randint(1, 9)))
              for _ in range(3000)]
    expected = [parse_value(text, versioned) for text in texts]
    keys, versions = value_keys(texts, versioned)
    assert list(zip(keys, versions, strict=True)) == [(i.key, i.version) for i in expected]
    with_breaks = [*texts[:50], "NM_1.2\nNM_3.4", "x\r.1"]
    keys, versions = value_keys(with_breaks, versioned)
    assert list(zip(keys, versions, strict=True)) == [
        (i.key, i.version) for i in (parse_value(t, versioned) for t in with_breaks)]
