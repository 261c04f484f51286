"""Entries for mapping results: the ``to`` objects of ``/idmapping/{uniprotkb|uniref|uniparc}``.

UniProt answers those end-points with the entries its "to" ids name: full UniProtKB entries, and
UniRef and UniParc "light" entries. When the release holds entry files (flat files, UniProtKB,
UniRef and UniParc XML), the entries are their stored documents (UniProt's REST JSON, built at
load time by :mod:`idmapping.uniprot`). Otherwise they are built from what the mapping files
hold (:class:`~idmapping.model.EntryFacts`: entry name, reviewed status, taxon, gene names and
cross-references; :meth:`~idmapping.store.Store.members` for clusters), in UniProt's JSON
shapes and key order. Deleted accessions are inactive entries either way. The module also
knows UniProt's return fields (``fields=``): their TSV labels, the value of each cell, and the
part of the JSON entry each keeps.

>>> from idmapping.model import EntryFacts
>>> facts = EntryFacts("P04637", "P53_HUMAN", True, 9606, {"Gene_Name": ["TP53"]})
>>> uniprotkb_entry("P04637", facts)["genes"]
[{'geneName': {'value': 'TP53'}}]
>>> UNIPROTKB.cells(uniprotkb_entry("P04637", facts), UNIPROTKB.parse_fields("id,gene_names"))
['P53_HUMAN', 'TP53']

Every dataset reads the entries of one page or batch of results at once (one or two store
queries), never one per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from idmapping.catalogue import Catalogue
from idmapping.entries.clustercells import UNIPARC_FIELDS, UNIREF_FIELDS, organisms_cell
from idmapping.entries.kbcells import KB_FIELDS, ReturnField, xref_full_cell
from idmapping.errors import InvalidRequest
from idmapping.model import EntryFacts
from idmapping.store.base import Store
from idmapping.uniprot.readers.clusters import LIGHT_MEMBERS
from idmapping.uniprot.summary import unpack

__all__ = [
    "Entry",
    "ReturnField",
    "Dataset",
    "UNIPROTKB",
    "UNIREF",
    "UNIPARC",
    "DATASETS",
    "uniprotkb_entry",
    "uniref_entry",
    "uniparc_entry",
    "xref_databases",
    "flat_texts",
    "REVIEWED",
    "UNREVIEWED",
    "INACTIVE",
]

Entry = dict[str, Any]
"""An entry as UniProt's JSON has it (plain dicts and lists, keys in UniProt's order)."""

REVIEWED = "UniProtKB reviewed (Swiss-Prot)"
UNREVIEWED = "UniProtKB unreviewed (TrEMBL)"
INACTIVE = "Inactive"

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
# Entry builders


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
        names = []  # derived by the store, see store.base.derived_gene_name_sql
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


def uniprotkb_entry(
    accession: str, facts: EntryFacts | None, xref_dbs: dict[str, str] | None = None
) -> Entry:
    """The UniProtKB entry of *accession* as far as *facts* know it.

    :param accession: the mapped accession; an isoform accession keeps its suffix.
    :param facts: what the release holds for the (canonical) entry; None if nothing.
    :param xref_dbs: the cross-reference databases (:func:`xref_databases`).
    """
    if facts is None:
        return {"primaryAccession": accession}
    if facts.deleted:
        entry: Entry = {"entryType": INACTIVE, "primaryAccession": accession}
        if facts.name:
            entry["uniProtkbId"] = facts.name
        entry["inactiveReason"] = {"inactiveReasonType": "DELETED"}
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
    uniparc = facts.xrefs.get("UniParc")
    if uniparc:
        entry["extraAttributes"] = {"uniParcId": uniparc[0]}
    return entry


def uniref_entry(
    cluster_id: str, members: Sequence[str], names: dict[str, EntryFacts], complete: bool = False
) -> Entry:
    """The UniRef light entry of *cluster_id* from the accessions of its members.

    :param members: the accessions of the entries in the cluster.
    :param names: facts of the representative (for its entry name), if known.
    :param complete: list every member, not only the first ten (UniProt's light entries do).
    """
    entry: Entry = {"id": cluster_id, "entryType": cluster_id.split("_", 1)[0]}
    entry["memberCount"] = len(members)
    representative = _representative(cluster_id, members)
    if representative is not None:
        member: Entry = {}
        facts = names.get(representative)
        if facts is not None and facts.name:
            member["memberId"] = facts.name
        member["accessions"] = [representative]
        entry["representativeMember"] = member
    entry["members"] = list(members if complete else members[:_LIGHT_MEMBERS])
    return entry


_LIGHT_MEMBERS = 10  # UniRefEntryLightUtils.ID_LIMIT


def _representative(cluster_id: str, members: Sequence[str]) -> str | None:
    """The representative's accession: the cluster is named after it (``UniRef90_P12345``)."""
    named = cluster_id.split("_", 1)[-1]
    return named if named in members else None


def uniparc_entry(upi: str, accessions: Sequence[str]) -> Entry:
    """The UniParc light entry of *upi*: its id and the UniProtKB entries with its sequence."""
    return {"uniParcId": upi, "uniProtKBAccessions": list(accessions)}


# ---------------------------------------------------------------------------------------------
# Return fields


def _path(*keys: str | int) -> Callable[[Entry], Any]:
    """A cell reading a nested value, or None where any step is missing."""

    def read(entry: Entry) -> Any:
        value: Any = entry
        for key in keys:
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        return value

    return read


def _reviewed(entry: Entry) -> str:
    return {REVIEWED: "reviewed", UNREVIEWED: "unreviewed"}.get(entry.get("entryType", ""), "")


def _gene_names(*parts: str) -> Callable[[Entry], str]:
    """A cell listing names of each gene, space-separated, genes separated by ``"; "``."""

    def read(entry: Entry) -> str:
        genes = []
        for gene in entry.get("genes", []):
            names: list[str] = []
            for part in parts:
                value = gene.get(part)
                if isinstance(value, dict):
                    names.append(value["value"])
                elif isinstance(value, list):
                    names.extend(item["value"] for item in value)
            if names:
                genes.append(" ".join(names))
        return "; ".join(genes)

    return read


def _organism_name(entry: Entry) -> str:
    organism = entry.get("organism") or {}
    name = organism.get("scientificName", "")
    common = organism.get("commonName")
    return f"{name} ({common})" if name and common else name


def _protein_name(entry: Entry) -> str:
    from idmapping.entries.kbcells import protein_name_cell

    return protein_name_cell(entry)


def _xref_cell(database: str) -> Callable[[Entry], str]:
    """UniProt's cross-reference column: each id followed by ``;``."""

    def read(entry: Entry) -> str:
        return "".join(
            f"{x['id']};"
            for x in entry.get("uniProtKBCrossReferences", [])
            if x["database"] == database
        )

    return read


def _joined(key: str) -> Callable[[Entry], str]:
    return lambda entry: "; ".join(entry.get(key) or [])


@dataclass(frozen=True)
class Dataset:
    """One kind of entry result (UniProt's "resource"): its fields, default columns, JSON.

    :param name: ``uniprotkb``, ``uniref`` or ``uniparc``: the path segment of the end-point.
    :param fields: the return fields this server can fill, by name.
    :param defaults: the default TSV columns (after ``From``).
    :param required: entry keys JSON keeps whatever ``fields`` asks.
    :param id_key: the entry key written by the ``list`` format.
    """

    name: str
    fields: dict[str, ReturnField]
    defaults: tuple[str, ...]
    required: tuple[str, ...]
    id_key: str
    xref_fields: bool = False

    def lookup(self, name: str, catalogue: Catalogue | None = None) -> ReturnField | None:
        """The return field called *name* (case-insensitive), or None."""
        key = name.strip().lower()
        found = self.fields.get(key)
        if found is None and self.xref_fields and key.startswith("xref_"):
            dbs = {
                db.lower(): db for db in xref_databases(catalogue or Catalogue.default()).values()
            }
            database = dbs.get(key[len("xref_") :].removesuffix("_full"))
            if database is not None and key.endswith("_full"):
                found = ReturnField(key, database, xref_full_cell(database),
                                    ("uniProtKBCrossReferences",), xref=database)
            elif database is not None:
                found = ReturnField(
                    key,
                    database,
                    _xref_cell(database),
                    ("uniProtKBCrossReferences",),
                    xref=database,
                )
        return found

    def parse_fields(
        self, text: str | None, catalogue: Catalogue | None = None
    ) -> tuple[ReturnField, ...]:
        """The fields a ``fields`` parameter asks for; the defaults when absent or blank.

        :raises InvalidRequest: UniProt's message for each unknown field, in order.
        """
        if text is None or not text.strip():
            return tuple(self.fields[name] for name in self.defaults)
        chosen: list[ReturnField] = []
        messages = []
        for name in (n.strip() for n in text.split(",")):
            if not name:
                continue
            found = self.lookup(name, catalogue)
            if found is None:
                messages.append(f"Invalid fields parameter value '{name}'")
            else:
                chosen.append(found)
        if messages:
            raise InvalidRequest(*messages)
        return tuple(chosen) or tuple(self.fields[name] for name in self.defaults)

    def labels(self, fields: Sequence[ReturnField]) -> tuple[str, ...]:
        """The column labels: ``From``, then each field's label."""
        return ("From", *(f.label for f in fields))

    def cells(self, entry: Entry, fields: Sequence[ReturnField]) -> list[Any]:
        """The cells of one entry for *fields* (without ``From``)."""
        return [f.cell(entry) for f in fields]

    def project(self, entry: Entry, fields: Sequence[ReturnField] | None) -> Entry:
        """The JSON of *entry* for *fields*: the required keys and those the fields keep.

        None (no ``fields`` parameter) keeps the whole entry.
        """
        if fields is None:
            return entry
        keys = set(self.required)
        gene_parts: set[str] = set()
        xrefs: set[str] = set()
        kinds: dict[str, set[str]] = {}
        for f in fields:
            keys.update(f.keys)
            gene_parts.update(f.gene_parts)
            if f.xref:
                xrefs.add(f.xref)
            if f.only:
                kinds.setdefault(f.keys[0], set()).add(f.only)
            elif f.keys and not f.xref:
                kinds.setdefault(f.keys[0], set()).add("*")
        projected: Entry = {}
        for key, value in entry.items():
            if key not in keys:
                continue
            if key == "genes":
                value = [
                    kept
                    for gene in value
                    if (kept := {k: v for k, v in gene.items() if k in gene_parts})
                ]
            elif key == "uniProtKBCrossReferences":
                value = [x for x in value if x["database"] in xrefs or
                         "*" in kinds.get(key, ())]
            elif key in ("comments", "features") and "*" not in kinds.get(key, {"*"}):
                kind = "commentType" if key == "comments" else "type"
                value = [x for x in value if x.get(kind) in kinds[key]]
            if value or value == 0:
                projected[key] = value
        return projected

    def entries(self, store: Store, ids: Sequence[str], complete: bool = False) -> dict[str, Entry]:
        """The entries of the mapped ids *ids* (one page or batch), keyed by id."""
        return _BUILDERS[self.name](store, ids, complete)


_GENE_PARTS = ("geneName", "synonyms", "orderedLocusNames", "orfNames")


def _fields(*items: ReturnField) -> dict[str, ReturnField]:
    return {f.name: f for f in items}


UNIPROTKB = Dataset(
    name="uniprotkb",
    fields=_fields(
        ReturnField("accession", "Entry", _path("primaryAccession")),
        ReturnField("id", "Entry Name", _path("uniProtkbId"), ("uniProtkbId",)),
        ReturnField("reviewed", "Reviewed", _reviewed),
        ReturnField("protein_name", "Protein names", _protein_name, ("proteinDescription",)),
        ReturnField("gene_names", "Gene Names", _gene_names(*_GENE_PARTS), ("genes",), _GENE_PARTS),
        ReturnField(
            "gene_primary",
            "Gene Names (primary)",
            _gene_names("geneName"),
            ("genes",),
            ("geneName",),
        ),
        ReturnField(
            "gene_synonym",
            "Gene Names (synonym)",
            _gene_names("synonyms"),
            ("genes",),
            ("synonyms",),
        ),
        ReturnField(
            "gene_oln",
            "Gene Names (ordered locus)",
            _gene_names("orderedLocusNames"),
            ("genes",),
            ("orderedLocusNames",),
        ),
        ReturnField(
            "gene_orf", "Gene Names (ORF)", _gene_names("orfNames"), ("genes",), ("orfNames",)
        ),
        ReturnField("organism_name", "Organism", _organism_name, ("organism",)),
        ReturnField("organism_id", "Organism (ID)", _path("organism", "taxonId"), ("organism",)),
        ReturnField("length", "Length", _path("sequence", "length"), ("sequence",)),
        ReturnField("uniparc_id", "UniParc", _path("extraAttributes", "uniParcId")),
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
    xref_fields=True,
)

UNIREF = Dataset(
    name="uniref",
    fields=_fields(
        ReturnField("id", "Cluster ID", _path("id")),
        ReturnField("name", "Cluster Name", _path("name"), ("name",)),
        ReturnField(
            "common_taxon", "Common taxon", _path("commonTaxon", "scientificName"), ("commonTaxon",)
        ),
        ReturnField("count", "Size", _path("memberCount"), ("memberCount",)),
        ReturnField("date_modified", "Date of last modification", _path("updated"), ("updated",)),
        ReturnField("members", "Cluster members", _joined("members"), ("members",)),
        *UNIREF_FIELDS,
    ),
    defaults=("id", "name", "common_taxon", "count", "date_modified"),
    required=("id",),
    id_key="id",
)

UNIPARC = Dataset(
    name="uniparc",
    fields=_fields(
        ReturnField("upi", "Entry", _path("uniParcId")),
        ReturnField("organism", "Organisms", organisms_cell, ("organisms",)),
        ReturnField(
            "accession", "UniProtKB", _joined("uniProtKBAccessions"), ("uniProtKBAccessions",)
        ),
        ReturnField(
            "first_seen", "First seen", _path("oldestCrossRefCreated"), ("oldestCrossRefCreated",)
        ),
        ReturnField(
            "last_seen",
            "Last seen",
            _path("mostRecentCrossRefUpdated"),
            ("mostRecentCrossRefUpdated",),
        ),
        ReturnField("length", "Length", _path("sequence", "length"), ("sequence",)),
        *UNIPARC_FIELDS,
    ),
    defaults=("upi", "organism", "accession", "first_seen", "last_seen", "length"),
    required=("uniParcId",),
    id_key="uniParcId",
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (UNIPROTKB, UNIREF, UNIPARC)}
"""The entry datasets by end-point name."""


# ---------------------------------------------------------------------------------------------
# Reading the entries of one batch


def _stored(store: Store, kind: str, ids: list[str]) -> dict[str, Entry]:
    """The stored documents of *ids*, unpacked; none when the release has no such entries."""
    if not ids or not store.document_counts().get(kind):
        return {}
    return {key: unpack(doc) for key, (doc, _) in store.documents(kind, ids).items()}


def _with_uniparc(entry: Entry, facts: EntryFacts | None) -> Entry:
    """A stored entry with the UniParc id that the mapping files give it (flat files lack it)."""
    extra = entry.get("extraAttributes")
    uniparc = (facts.xrefs.get("UniParc") if facts else None) or []
    if isinstance(extra, dict) and "uniParcId" not in extra and uniparc:
        extra["uniParcId"] = uniparc[0]
    return entry


def _uniprotkb_entries(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    unique = list(dict.fromkeys(ids))
    canonical = {acc: _ISOFORM_SUFFIX.sub("", acc) for acc in unique}
    facts = store.entry_facts(list(dict.fromkeys(canonical.values())))
    stored = _stored(store, "uniprotkb", unique)
    dbs = xref_databases(store.catalogue)
    found: dict[str, Entry] = {}
    for acc, base in canonical.items():
        fact = facts.get(base)
        if acc in stored and not (fact and fact.deleted):
            found[acc] = _with_uniparc(stored[acc], fact)
        else:
            found[acc] = uniprotkb_entry(acc, fact, dbs)
    return found


def _light_members(entry: Entry, complete: bool) -> Entry:
    if not complete and len(entry.get("members", [])) > LIGHT_MEMBERS:
        entry["members"] = entry["members"][:LIGHT_MEMBERS]
    return entry


def _uniref_entries(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    unique = list(dict.fromkeys(ids))
    stored = _stored(store, "uniref", unique)
    missing = [cluster for cluster in unique if cluster not in stored]
    by_type: dict[str, list[str]] = {}
    for cluster in missing:
        by_type.setdefault(cluster.split("_", 1)[0], []).append(cluster)
    members: dict[str, list[str]] = {}
    for id_type, clusters in by_type.items():
        members.update(store.members(id_type, clusters))
    representatives = [
        rep for cluster in missing if (rep := _representative(cluster, members.get(cluster, [])))
    ]
    names = store.entry_facts(representatives) if representatives else {}
    return {
        cluster: _light_members(stored[cluster], complete) if cluster in stored
        else uniref_entry(cluster, members.get(cluster, []), names, complete)
        for cluster in unique
    }


def _uniparc_entries(store: Store, ids: Sequence[str], complete: bool) -> dict[str, Entry]:
    unique = list(dict.fromkeys(ids))
    stored = _stored(store, "uniparc", unique)
    missing = [upi for upi in unique if upi not in stored]
    members = store.members("UniParc", missing) if missing else {}
    return {upi: stored.get(upi) or uniparc_entry(upi, members.get(upi, [])) for upi in unique}


def flat_texts(store: Store, ids: Sequence[str]) -> dict[str, str]:
    """The flat-file texts of UniProtKB entries read from flat files, keyed by accession."""
    from idmapping.uniprot.summary import unpack_text

    if not store.document_counts().get("uniprotkb"):
        return {}
    return {acc: unpack_text(text) for acc, (_, text) in
            store.documents("uniprotkb", list(dict.fromkeys(ids)), flat=True).items() if text}


_BUILDERS: dict[str, Callable[[Store, Sequence[str], bool], dict[str, Entry]]] = {
    "uniprotkb": _uniprotkb_entries,
    "uniref": _uniref_entries,
    "uniparc": _uniparc_entries,
}
