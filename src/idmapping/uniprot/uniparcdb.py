"""UniParc's cross-reference databases: what UniParc XML names them (``dbReference type=``),
their number in UniProt's ``database_facet``, the facet's label of that number, and the value
UniProt's ``database`` and ``active`` search fields know them by.

The numbers and names are UniProt's (uniprot-core's ``UniParcDatabase``, the labels of its
``uniparc.facet.properties``, the search values of uniprot-store's ``UniParcConfigUtil``);
Swiss-Prot and TrEMBL share one number (the facet's "UniProtKB").

>>> facet_number("UniProtKB/TrEMBL"), facet_number("REFSEQ"), facet_number("unknown")
(100, 2500, None)
>>> search_name("EMBL"), search_name("UniProtKB/Swiss-Prot protein isoforms")
('embl-cds', 'isoforms')
>>> FACET_LABELS[300]
'EMBL CDS'
"""

from __future__ import annotations

__all__ = ["FACET_LABELS", "facet_number", "search_name", "SIGNATURE_DATABASES",
           "signature_database"]

_DATABASES = (
    ("UniProtKB/Swiss-Prot", 100), ("UniProtKB/TrEMBL", 100),
    ("UniProtKB/Swiss-Prot protein isoforms", 200), ("EMBL", 300), ("EMBL_CON", 400),
    ("EMBL_TPA", 500), ("EMBL_TSA", 600), ("EMBLWGS", 700), ("Ensembl", 800),
    ("EnsemblBacteria", 900), ("EnsemblFungi", 1000), ("EnsemblMetazoa", 1100),
    ("EnsemblPlants", 1200), ("EnsemblProtists", 1300), ("EnsemblRapid", 1350), ("EPO", 1400),
    ("FlyBase", 1500), ("FusionGDB", 1550), ("H-InvDB", 1600), ("IPI", 1700), ("JPO", 1800),
    ("KIPO", 1900), ("PATRIC", 2000), ("PDB", 2100), ("PIR", 2200), ("PIRARC", 2300),
    ("PRF", 2400), ("RefSeq", 2500), ("REMTREMBL", 2600), ("SEED", 2700), ("SGD", 2800),
    ("TAIR", 2900), ("TREMBLNEW", 3000), ("TREMBL_VARSPLIC", 3100), ("TROME", 3200),
    ("UNIMES", 3300), ("USPTO", 3400), ("VectorBase", 3500), ("VEGA", 3600),
    ("WBParaSite", 3700), ("WormBase", 3800),
)
_NUMBERS = {name.lower(): number for name, number in _DATABASES}

FACET_LABELS: dict[int, str] = {
    100: "UniProtKB", 200: "UniProtKB/Swiss-Prot isoforms", 300: "EMBL CDS",
    **{number: name for name, number in _DATABASES if number > 300},
}
"""The label of each value of UniProt's ``database_facet``, by number."""

_SEARCH_NAMES = {"uniprotkb/swiss-prot": "UniProt", "uniprotkb/trembl": "UniProt",
                 "uniprotkb/swiss-prot protein isoforms": "isoforms", "embl": "embl-cds"}

SIGNATURE_DATABASES = ("CDD", "Gene3D", "HAMAP", "PANTHER", "Pfam", "PIRSF", "PRINTS",
                       "PROSITE", "SFLD", "SMART", "SUPFAM", "NCBIfam", "FunFam")
"""The sequence-feature databases UniProt has a UniParc return field for (its names)."""

_SIGNATURES = {name.lower(): name for name in (*SIGNATURE_DATABASES, "ProDom", "TIGRFAMs")}


def facet_number(database: str) -> int | None:
    """The ``database_facet`` number of a UniParc XML database name (any case); None for a
    database UniProt does not number."""
    return _NUMBERS.get(database.lower())


def search_name(database: str) -> str:
    """The value UniProt's ``database`` and ``active`` search fields know *database* by."""
    return _SEARCH_NAMES.get(database.lower(), database)


def signature_database(name: str) -> str:
    """UniProt's spelling of a sequence-feature database name (``PFAM`` is ``Pfam``)."""
    return _SIGNATURES.get(name.lower(), name)
