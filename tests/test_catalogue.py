"""The catalogue: UniProt's databases, groups and rules, and the idmapping.dat names."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from idmapping.catalogue import Catalogue, Rule
from idmapping.errors import InvalidRequest


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.default()


def test_counts_asserted_by_uniprot(cat: Catalogue) -> None:
    # the counts of UniProt's IdMappingConfigureControllerIT
    items = list(cat.databases.values())
    assert len(cat.groups) == 17
    assert len(items) == 96
    assert sum(d.is_from for d in items) == 94
    assert sum(d.is_to for d in items) == 95
    assert sorted(Counter(d.rule_id for d in items if d.rule_id).values()) == [
        1, 1, 1, 1, 1, 1, 3, 85]
    assert len(cat.rules) == 8
    assert [r.rule_id for r in cat.rules.values() if r.taxon_allowed] == [6]
    assert {r.default_to for r in cat.rules.values()} == {"UniProtKB"}


def test_groups_in_order_with_uniprot_first(cat: Catalogue) -> None:
    assert cat.groups[0][0] == "UniProt"
    assert cat.groups[0][1][:3] == ("UniProtKB", "UniProtKB_AC-ID", "UniProtKB-Swiss-Prot")


@pytest.mark.parametrize(
    ("api", "dat"),
    [
        ("EMBL-GenBank-DDBJ", "EMBL"),
        ("EMBL-GenBank-DDBJ_CDS", "EMBL-CDS"),
        ("GI_number", "GI"),
        ("RefSeq_Protein", "RefSeq"),
        ("RefSeq_Nucleotide", "RefSeq_NT"),
        ("Ensembl_Transcript", "Ensembl_TRS"),
        ("Ensembl_Genomes_Protein", "EnsemblGenome_PRO"),
        ("Gene_Name", "Gene_Name"),
        ("GeneID", "GeneID"),
        ("UniProtKB", None),
    ],
)
def test_dat_names(cat: Catalogue, api: str, dat: str | None) -> None:
    assert cat.database(api).dat_type == dat


@pytest.mark.parametrize(
    ("from_db", "to_db", "valid"),
    [
        ("UniProtKB_AC-ID", "ChEMBL", True),
        ("UniProtKB_AC-ID", "UniProtKB_AC-ID", False),
        ("UniParc", "UniParc", True),
        ("UniParc", "UniRef90", False),
        ("UniRef90", "UniRef90", True),
        ("UniRef90", "UniRef50", False),
        ("RefSeq_Protein", "UniParc", True),
        ("GI_number", "UniParc", True),
        ("EMBL-GenBank-DDBJ", "UniParc", True),
        ("ChEMBL", "UniParc", False),
        ("Gene_Name", "UniProtKB-Swiss-Prot", True),
        ("Gene_Name", "GeneID", False),
        ("UniProtKB-Swiss-Prot", "UniProtKB", False),
        ("UniProtKB", "UniProtKB", False),
    ],
)
def test_pairs(cat: Catalogue, from_db: str, to_db: str, valid: bool) -> None:
    if valid:
        cat.check_pair(from_db, to_db)
    else:
        with pytest.raises(InvalidRequest):
            cat.check_pair(from_db, to_db)


def test_every_rule_target_is_a_known_database(cat: Catalogue) -> None:
    for rule in cat.rules.values():
        assert set(rule.tos) <= set(cat.databases)


def test_the_shipped_catalogue_is_read_once_and_cannot_change(cat: Catalogue) -> None:
    assert Catalogue.default() is cat
    with pytest.raises(dataclasses.FrozenInstanceError):
        cat.groups = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        cat.databases["Mine"] = cat.database("GeneID")  # type: ignore[index]
    with pytest.raises(TypeError):
        cat.rules[99] = Rule(99, (), "UniProtKB", False)  # type: ignore[index]
    document = cat.fields
    document["groups"].clear()  # a caller's copy: the catalogue's own stays whole
    assert len(cat.fields["groups"]) == 17
    assert cat.fields == Catalogue.from_data(cat.fields_json, []).fields
