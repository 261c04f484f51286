"""The UniProtKB dataset: full entries, the ``to`` objects of ``/idmapping/uniprotkb``.

When the release holds entry files (flat files, UniProtKB XML), an entry is its stored document
(UniProt's REST JSON, built at load time by :mod:`idmapping.uniprot`). Otherwise it is built
from what the mapping files hold (:class:`~idmapping.model.EntryFacts`: entry name, reviewed
status, taxon, gene names and cross-references), in UniProt's JSON shape and key order.
Deleted accessions are inactive entries either way, as UniProt's ID mapping shows them:
``inactiveReason: {"inactiveReasonType": "DELETED"}`` and, where the release's UniParc XML lists
the accession as inactive, ``extraAttributes.uniParcId``. (UniProt's ``deletedReason`` comes from
its own database; the release files do not give it.) A secondary accession never is a target:
it maps to the entries it was merged or split into, and its trail, :func:`merged_reason`, is
given in the explanations (:mod:`idmapping.explain`).

>>> from idmapping.model import EntryFacts
>>> facts = EntryFacts("P04637", "P53_HUMAN", True, 9606, {"Gene_Name": ["TP53"]})
>>> uniprotkb_entry("P04637", facts)["genes"]
[{'geneName': {'value': 'TP53'}}]
>>> UNIPROTKB.cells(uniprotkb_entry("P04637", facts), UNIPROTKB.parse_fields("id,gene_names"))
['P53_HUMAN', 'TP53']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from idmapping.catalogue import Catalogue
from idmapping.entries.dataset import Dataset, Entry, ReturnField, fields_by_name, stored_entries
from idmapping.entries.kbcells import (
    KB_FIELDS,
    gene_names_cell,
    organism_name_cell,
    protein_name_cell,
    reviewed_cell,
    xref_cell,
    xref_full_cell,
)
from idmapping.model import EntryFacts
from idmapping.store.schema import INACTIVE_UNIPROTKB
from idmapping.uniprot.common import INACTIVE, REVIEWED, UNREVIEWED, json_path
from idmapping.uniprot.summary import unpack_text

if TYPE_CHECKING:
    from idmapping.store import Store

__all__ = ["UNIPROTKB", "uniprotkb_entry", "xref_databases", "xref_field", "flat_texts"]

_ISOFORM_SUFFIX = re.compile(r"-[0-9]+$")

# idmapping.dat ID_types that are not UniProtKB cross-references of their own: other parts of
# the entry (names, taxon, genes, UniParc/UniRef ids, the checksum), and ids that UniProt shows
# as properties of another cross-reference (EMBL-CDS protein ids of EMBL, RefSeq nucleotide ids
# of RefSeq, Ensembl gene and protein ids of the Ensembl transcript), or whose DR-line database
# cannot be told from the file (Ensembl Genomes is EnsemblBacteria, EnsemblFungi, ...).
_NOT_XREFS = frozenset(
    {
        "UniProtKB-ID",
        "NCBI_TaxID",
        "Gene_Name",
        "Gene_Synonym",
        "Gene_OrderedLocusName",
        "Gene_ORFName",
        "UniParc",
        "UniRef100",
        "UniRef90",
        "UniRef50",
        "CRC64",
        "GI",
        "EMBL-CDS",
        "RefSeq_NT",
        "Ensembl",
        "Ensembl_PRO",
        "EnsemblGenome",
        "EnsemblGenome_PRO",
        "EnsemblGenome_TRS",
        "WormBase_PRO",
    }
)

# idmapping.dat ID_types whose UniProtKB cross-reference database (the DR-line name, as in
# UniProt's JSON) has another name; every other ID_type is the DR-line name itself.
_XREF_DATABASE = {"Ensembl_TRS": "Ensembl", "WormBase_TRS": "WormBase"}


def xref_databases(catalogue: Catalogue) -> dict[str, str]:
    """The cross-reference databases an entry can show: ``{ID_type: DR-line database}``.

    >>> dbs = xref_databases(Catalogue.default())
    >>> dbs["EMBL"], dbs["RefSeq"], dbs["Ensembl_TRS"], "EMBL-CDS" in dbs
    ('EMBL', 'RefSeq', 'Ensembl', False)
    """
    return {
        dat: _XREF_DATABASE.get(dat, dat) for dat in catalogue.dat_types() if dat not in _NOT_XREFS
    }


# ---------------------------------------------------------------------------------------------
# Entries built from the mapping files


def _values(items: Iterable[str]) -> list[dict[str, str]]:
    return [{"value": item} for item in items]


def _genes(xrefs: dict[str, list[str]]) -> list[Entry]:
    """UniProt's ``genes``: one object per gene name, with the other names of the gene.

    idmapping.dat does not say which gene a synonym, ordered-locus or ORF name belongs to when
    an entry has several genes; they are shown with the first. Gene names that the store
    derived from ordered-locus or ORF names (entries without a gene name) are not gene names.
    """
    names = xrefs.get("Gene_Name", [])
    synonyms = xrefs.get("Gene_Synonym", [])
    loci = xrefs.get("Gene_OrderedLocusName", [])
    orfs = xrefs.get("Gene_ORFName", [])
    if names and (set(names) == set(loci) or set(names) == set(orfs)):
        names = []  # derived by the store, see store.sql.derived_gene_name_sql
    genes: list[Entry] = [{"geneName": {"value": name}} for name in names]
    extra: Entry = {}
    if synonyms:
        extra["synonyms"] = _values(synonyms)
    if loci:
        extra["orderedLocusNames"] = _values(loci)
    if orfs:
        extra["orfNames"] = _values(orfs)
    if extra:
        if genes:
            genes[0].update(extra)
        else:
            genes.append(extra)
    return genes


def merged_reason(primaries: Sequence[str]) -> Entry:
    """UniProt's ``inactiveReason`` of a secondary accession: ``MERGED`` into one entry,
    ``DEMERGED`` (split) into several, with the accessions it went to.

    >>> merged_reason(["P21802", "P63151"])
    {'inactiveReasonType': 'DEMERGED', 'mergeDemergeTo': ['P21802', 'P63151']}
    """
    kind = "MERGED" if len(primaries) == 1 else "DEMERGED"
    return {"inactiveReasonType": kind, "mergeDemergeTo": list(primaries)}


def deleted_uniparc(store: Store, accessions: Sequence[str]) -> dict[str, str]:
    """The UniParc id of each deleted accession whose sequence the release's UniParc XML
    lists (as an inactive cross-reference), keyed by accession. Where several UniParc entries
    list it (its sequence changed before it was deleted), the highest, the latest assigned."""
    keys = {a.lower(): a for a in accessions}
    if not keys:
        return {}
    found = store.uniparc_suggestions(INACTIVE_UNIPROTKB, list(keys))
    return {keys[k]: max(upis) for k, upis in found.items() if upis and k in keys}


def uniprotkb_entry(
    accession: str, facts: EntryFacts | None, xref_dbs: dict[str, str] | None = None,
    uniparc: str | None = None
) -> Entry:
    """The UniProtKB entry of *accession* as far as *facts* know it.

    :param accession: the mapped accession; an isoform accession keeps its suffix.
    :param facts: what the release holds for the (canonical) entry; None if nothing.
    :param xref_dbs: the cross-reference databases (:func:`xref_databases`).
    :param uniparc: a deleted accession's UniParc id (:func:`deleted_uniparc`), if known.
    """
    if facts is None:
        return {"primaryAccession": accession}
    if facts.deleted:
        entry: Entry = {"entryType": INACTIVE, "primaryAccession": accession}
        if facts.name:
            entry["uniProtkbId"] = facts.name
        entry["inactiveReason"] = {"inactiveReasonType": "DELETED"}
        if uniparc:
            entry["extraAttributes"] = {"uniParcId": uniparc}
        return entry
    entry = {}
    if facts.reviewed is not None:
        entry["entryType"] = REVIEWED if facts.reviewed else UNREVIEWED
    entry["primaryAccession"] = accession
    if facts.name:
        entry["uniProtkbId"] = facts.name
    if facts.taxon is not None:
        entry["organism"] = {"taxonId": facts.taxon}
    genes = _genes(facts.xrefs)
    if genes:
        entry["genes"] = genes
    dbs = xref_dbs if xref_dbs is not None else xref_databases(Catalogue.default())
    xrefs = [
        {"database": dbs[dat], "id": value}
        for dat, values in facts.xrefs.items()
        if dat in dbs
        for value in values
    ]
    if xrefs:
        entry["uniProtKBCrossReferences"] = xrefs
    upis = facts.xrefs.get("UniParc")
    if upis:
        entry["extraAttributes"] = {"uniParcId": upis[0]}
    return entry


# ---------------------------------------------------------------------------------------------
# Reading the entries of one batch


def _with_uniparc(entry: Entry, facts: EntryFacts | None) -> Entry:
    """A stored entry with the UniParc id that the mapping files give it (flat files lack it)."""
    extra = entry.get("extraAttributes")
    uniparc = (facts.xrefs.get("UniParc") if facts else None) or []
    if isinstance(extra, dict) and "uniParcId" not in extra and uniparc:
        extra["uniParcId"] = uniparc[0]
    return entry


def _read(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    """The entries of the accessions *ids*: stored documents, else built from the facts."""
    unique = list(dict.fromkeys(ids))
    canonical = {acc: _ISOFORM_SUFFIX.sub("", acc) for acc in unique}
    facts = store.entry_facts(list(dict.fromkeys(canonical.values())))
    stored = stored_entries(store, "uniprotkb", unique)
    dbs = xref_databases(store.catalogue)
    deleted = [acc for acc, fact in facts.items() if fact.deleted]
    uniparc = deleted_uniparc(store, deleted) if deleted else {}
    found: dict[str, Entry] = {}
    for acc, base in canonical.items():
        fact = facts.get(base)
        if acc in stored and not (fact and fact.deleted):
            found[acc] = _with_uniparc(stored[acc], fact)
        else:
            found[acc] = uniprotkb_entry(acc, fact, dbs, uniparc.get(base))
    return found


def flat_texts(store: Store, ids: Sequence[str]) -> dict[str, str]:
    """The flat-file texts of UniProtKB entries read from flat files, keyed by accession."""
    if not store.document_counts().get("uniprotkb"):
        return {}
    return {acc: unpack_text(text) for acc, (_, text) in
            store.documents("uniprotkb", list(dict.fromkeys(ids)), flat=True).items() if text}


# ---------------------------------------------------------------------------------------------
# Return fields


def xref_field(name: str, catalogue: Catalogue | None = None) -> ReturnField | None:
    """The field ``xref_<db>`` (ids) or ``xref_<db>_full`` (ids and properties) of one of the
    release's cross-reference databases, or None.

    :param name: the field's name, lower-case.
    :param catalogue: the release's catalogue; the shipped one by default.
    """
    if not name.startswith("xref_"):
        return None
    dbs = {db.lower(): db for db in xref_databases(catalogue or Catalogue.default()).values()}
    database = dbs.get(name[len("xref_") :].removesuffix("_full"))
    if database is None:
        return None
    cell = xref_full_cell(database) if name.endswith("_full") else xref_cell(database)
    return ReturnField(name, database, cell, ("uniProtKBCrossReferences",), xref=database)


_GENE_PARTS = ("geneName", "synonyms", "orderedLocusNames", "orfNames")


def _gene_field(name: str, label: str, *parts: str) -> ReturnField:
    return ReturnField(name, label, gene_names_cell(*parts), ("genes",), parts)


UNIPROTKB = Dataset(
    name="uniprotkb",
    fields=fields_by_name(
        ReturnField("accession", "Entry", json_path("primaryAccession")),
        ReturnField("id", "Entry Name", json_path("uniProtkbId"), ("uniProtkbId",)),
        ReturnField("reviewed", "Reviewed", reviewed_cell),
        ReturnField("protein_name", "Protein names", protein_name_cell, ("proteinDescription",)),
        _gene_field("gene_names", "Gene Names", *_GENE_PARTS),
        _gene_field("gene_primary", "Gene Names (primary)", "geneName"),
        _gene_field("gene_synonym", "Gene Names (synonym)", "synonyms"),
        _gene_field("gene_oln", "Gene Names (ordered locus)", "orderedLocusNames"),
        _gene_field("gene_orf", "Gene Names (ORF)", "orfNames"),
        ReturnField("organism_name", "Organism", organism_name_cell, ("organism",)),
        ReturnField("organism_id", "Organism (ID)", json_path("organism", "taxonId"),
                    ("organism",)),
        ReturnField("length", "Length", json_path("sequence", "length"), ("sequence",)),
        ReturnField("uniparc_id", "UniParc", json_path("extraAttributes", "uniParcId")),
        *KB_FIELDS,
    ),
    defaults=(
        "accession",
        "id",
        "reviewed",
        "protein_name",
        "gene_names",
        "organism_name",
        "length",
    ),
    # UniProt keeps these whatever fields= asks (return-fields config: required for JSON).
    required=("entryType", "primaryAccession", "extraAttributes", "inactiveReason"),
    id_key="primaryAccession",
    reader=_read,
    make_field=xref_field,
)
"""The UniProtKB dataset: full entries, and every return field this server fills."""
