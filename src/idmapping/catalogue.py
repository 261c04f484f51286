"""The databases that ids can be mapped between, their groups, and the from→to rules.

The catalogue is UniProt's own (``/configure/idmapping/fields``), shipped as package data, joined
with the names that the release file ``idmapping.dat`` uses for the same databases (its
``ID_type`` column).

>>> cat = Catalogue.default()
>>> cat.database("Gene_Name").rule.taxon_allowed
True
>>> cat.check_pair("ChEMBL", "UniParc")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
idmapping.errors.InvalidRequest: The combination of 'from=ChEMBL' and 'to=UniParc'
parameters is invalid

The catalogue is frozen data, read once and shared: pass it where it is needed (a store holds
one, and the job service and the API use the store's).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

import orjson

from idmapping.errors import InvalidRequest

__all__ = ["Database", "Rule", "Catalogue", "UNIPROTKB", "SWISSPROT", "AC_ID", "UNIPARC",
           "GENE_NAME", "UNIREFS", "EXTRA_DAT_TYPES"]

UNIPROTKB = "UniProtKB"
SWISSPROT = "UniProtKB-Swiss-Prot"
AC_ID = "UniProtKB_AC-ID"
UNIPARC = "UniParc"
GENE_NAME = "Gene_Name"
UNIREFS = ("UniRef50", "UniRef90", "UniRef100")

# ID_types of idmapping.dat that no API name stands for, but that the engine reads: entry names,
# the taxon of each entry, and the gene-name kinds from which UniProt's "Gene Name" is derived.
EXTRA_DAT_TYPES = ("UniProtKB-ID", "NCBI_TaxID", "Gene_Synonym", "Gene_OrderedLocusName",
                   "Gene_ORFName")

# Databases whose ids carry a trailing ".N" version (ENSG00000010404.15, NM_130786.4). An input
# without a version matches any stored version of these; see ids.lookup_key.
VERSIONED = frozenset({
    "EMBL-GenBank-DDBJ_CDS", "RefSeq_Protein", "RefSeq_Nucleotide", "CCDS",
    "Ensembl", "Ensembl_Transcript", "Ensembl_Protein",
    "Ensembl_Genomes", "Ensembl_Genomes_Transcript", "Ensembl_Genomes_Protein",
    "WormBase_Transcript", "WormBase_Protein", "WBParaSite", "WBParaSite_Transcript-Protein",
})


@dataclass(frozen=True)
class Rule:
    """Which ``to`` databases a ``from`` database may map to, and whether taxId applies."""

    rule_id: int
    tos: tuple[str, ...]
    default_to: str
    taxon_allowed: bool


@dataclass(frozen=True)
class Database:
    """One database of the catalogue.

    :param name: the API name, passed as ``from``/``to`` (``UniProtKB_AC-ID``).
    :param dat_type: the ``ID_type`` of idmapping.dat holding its ids, if any.
    """

    name: str
    display_name: str
    group: str
    is_from: bool
    is_to: bool
    rule_id: int | None
    uri_link: str | None
    pir_name: str
    dat_type: str | None
    versioned: bool
    rule: Rule | None = field(default=None, compare=False)


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All databases and rules, in UniProt's order. Immutable: one catalogue is safely shared by
    every store, job and request that is given it.

    :param databases: every database by API name.
    :param groups: the groups of the web form, each with its databases' names, in order.
    :param rules: the from→to rules by id.
    :param fields_json: UniProt's ``/configure/idmapping/fields`` document, as shipped.
    """

    databases: Mapping[str, Database]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    rules: Mapping[int, Rule]
    fields_json: bytes

    @classmethod
    def from_data(cls, fields_json: bytes, names: Iterable[Mapping[str, str]]) -> Catalogue:
        """A catalogue from UniProt's fields document and the rows of the name table."""
        fields = orjson.loads(fields_json)
        rules = {
            r["ruleId"]: Rule(r["ruleId"], tuple(r["tos"]), r["defaultTo"], bool(r["taxonId"]))
            for r in fields["rules"]
        }
        by_api = {row["api_name"]: row for row in names}
        databases: dict[str, Database] = {}
        groups = []
        for group in fields["groups"]:
            for item in group["items"]:
                row = by_api.get(item["name"], {})
                databases[item["name"]] = Database(
                    name=item["name"],
                    display_name=item["displayName"],
                    group=group["groupName"],
                    is_from=bool(item["from"]),
                    is_to=bool(item["to"]),
                    rule_id=item["ruleId"],
                    uri_link=item["uriLink"],
                    pir_name=row.get("pir_name", ""),
                    dat_type=_dat_type(row.get("idmapping_dat_id_type", "")),
                    versioned=item["name"] in VERSIONED,
                    rule=rules.get(item["ruleId"]),
                )
            groups.append((group["groupName"], tuple(item["name"] for item in group["items"])))
        return cls(MappingProxyType(databases), tuple(groups), MappingProxyType(rules),
                   fields_json)

    @classmethod
    @functools.cache
    def default(cls) -> Catalogue:
        """The catalogue shipped with the package, read once (it cannot be changed)."""
        data = resources.files("idmapping") / "data"
        lines = (data / "idmapping-db-names.tsv").read_text("utf-8").splitlines()
        rows = csv.DictReader((ln for ln in lines if not ln.startswith("#")), delimiter="\t")
        return cls.from_data((data / "idmapping-fields.json").read_bytes(), rows)

    @property
    def fields(self) -> dict[str, Any]:
        """UniProt's ``/configure/idmapping/fields`` document: a fresh copy on every call."""
        document: dict[str, Any] = orjson.loads(self.fields_json)
        return document

    def database(self, name: str) -> Database:
        """The database called *name*; ``KeyError`` if there is none."""
        return self.databases[name]

    def by_dat_type(self) -> dict[str, Database]:
        """Databases keyed by their idmapping.dat ``ID_type``."""
        return {db.dat_type: db for db in self.databases.values() if db.dat_type}

    def dat_types(self) -> list[str]:
        """Every ``ID_type`` the engine knows: the catalogue's, then the extra ones."""
        known = [db.dat_type for db in self.databases.values() if db.dat_type]
        return known + [t for t in EXTRA_DAT_TYPES if t not in known]

    def check_pair(self, from_db: str, to_db: str) -> tuple[Database, Database]:
        """Validate a from/to pair as UniProt does, raising its exact messages.

        Field errors come first, then the combination error.
        """
        messages = []
        source = self.databases.get(from_db)
        target = self.databases.get(to_db)
        if source is None:
            messages.append(f"The parameter 'from' has an invalid value '{from_db}'.")
        if target is None:
            messages.append(f"The parameter 'to' has an invalid value '{to_db}'.")
        rule = source.rule if source is not None else None
        if source is None or target is None or rule is None or to_db not in rule.tos:
            messages.append(
                f"The combination of 'from={from_db}' and 'to={to_db}' parameters is invalid"
            )
        if messages:
            raise InvalidRequest(*messages)
        assert source is not None and target is not None
        return source, target


def _dat_type(text: str) -> str | None:
    """The ID_type named in a cell of the name table, or None where there is none."""
    text = text.strip()
    if not text or text.startswith("(") or text.startswith("?"):
        return None
    return text.split()[0]
