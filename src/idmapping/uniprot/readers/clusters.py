"""UniRef and UniParc XML readers: light entries in UniProt's REST JSON shapes.

Both read with lxml's ``iterparse`` and clear each entry once read, so memory stays flat
whatever the file's size. Each yields ``(light entry, extra)``: the UniRef members (accession,
entry name, taxon) or the UniParc cross-references (database, id, active, and version and
taxon where stated), which the loader turns into mapping rows and searchable columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from idmapping.uniprot.common import Json, sequence_object
from idmapping.uniprot.readers.xmltree import find_child, iter_entries, local_name
from idmapping.uniprot.uniparcdb import signature_database

__all__ = ["read_uniref_xml", "read_uniparc_xml", "LIGHT_MEMBERS", "RELATED_CLUSTERS"]

RELATED_CLUSTERS = "_relatedClusters"
"""The key of a UniRef light entry that holds its members' clusters (their ``UniRef100 ID``,
``UniRef90 ID`` and ``UniRef50 ID``: UniProt's search field ``cluster``): the loader keeps them
in a searchable column and takes the key out before storing the document, whose JSON UniProt
writes without them."""

LIGHT_MEMBERS = 10
"""Members a light UniRef entry lists, unless ``complete=true`` (UniRefEntryLightUtils)."""


def _properties(element: Any) -> list[tuple[str, str]]:
    return [(p.get("type", ""), p.get("value", ""))
            for p in element.iterchildren("{*}property")]


def _member(db_ref: Any) -> tuple[Json, dict[str, Any]]:
    """A UniRef member's light fields and its facts for mapping."""
    props = _properties(db_ref)
    accessions = [v for k, v in props if k == "UniProtKB accession"]
    values = dict(props)
    member: Json = {"memberIdType": db_ref.get("type"), "memberId": db_ref.get("id")}
    if "source organism" in values:
        member["organismName"] = values["source organism"]
    if values.get("NCBI taxonomy", "").isdigit():
        member["organismTaxId"] = int(values["NCBI taxonomy"])
    if values.get("length", "").isdigit():
        member["sequenceLength"] = int(values["length"])
    if "protein name" in values:
        member["proteinName"] = values["protein name"]
    if accessions:
        member["accessions"] = accessions
    for key, target in (("UniRef100 ID", "uniref100Id"), ("UniRef90 ID", "uniref90Id"),
                        ("UniRef50 ID", "uniref50Id"), ("UniParc ID", "uniparcId")):
        if key in values:
            member[target] = values[key]
    if values.get("isSeed") == "true":
        member["seed"] = True
    fact = {"accession": accessions[0] if accessions else None,
            "name": db_ref.get("id") if db_ref.get("type") == "UniProtKB ID" else None,
            "taxon": member.get("organismTaxId")}
    return member, fact


def _uniref_entry(element: Any) -> tuple[Json, list[Json]]:
    cluster = element.get("id", "")
    values = dict(_properties(element))
    entry: Json = {"id": cluster}
    name = find_child(element, "name")
    entry["name"] = name.text if name is not None else ""
    entry["updated"] = element.get("updated", "")
    entry["entryType"] = cluster.split("_", 1)[0]
    if "common taxon" in values:
        taxon: Json = {"scientificName": values["common taxon"]}
        if values.get("common taxon ID", "").isdigit():
            taxon["taxonId"] = int(values["common taxon ID"])
        entry["commonTaxon"] = taxon
    members: list[Json] = []
    facts: list[Json] = []
    representative: Json = {}
    for child in element:
        kind = local_name(child.tag)
        if kind not in ("representativeMember", "member"):
            continue
        ref = find_child(child, "dbReference")
        if ref is None:
            continue
        member, fact = _member(ref)
        if kind == "representativeMember":
            seq = find_child(child, "sequence")
            if seq is not None and seq.text:
                member["sequence"] = sequence_object("".join(seq.text.split()),
                                                     checksum=seq.get("checksum"))
            representative = member
        members.append(member)
        if fact["accession"]:
            facts.append(fact)
    count = values.get("member count", "")
    entry["memberCount"] = int(count) if count.isdigit() else len(members)
    organisms = {m.get("organismTaxId"): m.get("organismName") for m in members}
    entry["organismCount"] = len(organisms)
    if representative:
        entry["representativeMember"] = representative
    seed = next((m for m in members if m.get("seed")), representative)
    if seed:
        entry["seedId"] = (seed.get("accessions") or [seed.get("memberId")])[0]
    entry["members"] = [(m.get("accessions") or [m.get("memberId")])[0] for m in members]
    entry[RELATED_CLUSTERS] = list(dict.fromkeys(
        m[key] for m in members for key in ("uniref100Id", "uniref90Id", "uniref50Id")
        if m.get(key)))
    entry["organisms"] = [{"scientificName": name, "taxonId": taxon}
                          for taxon, name in organisms.items() if taxon is not None]
    entry["memberIdTypes"] = list(dict.fromkeys(str(m["memberIdType"]) for m in members))
    go = [{"goId": v, "aspect": k} for k, v in _properties(element) if k.startswith("GO ")]
    if go:
        entry["goTerms"] = go
    return entry, facts


def read_uniref_xml(stream: IO[bytes], path: str, line_offset: int = 0
                    ) -> Iterator[tuple[Json, list[Json]]]:
    """UniRef light entries of a UniRef XML file, with their UniProtKB members' facts.

    :param stream: the file, opened in binary mode (decompressed).
    :param path: its name, for errors.
    :param line_offset: added to the line of an error (a part of the file).
    :raises ReleaseFileError: the file is not well-formed XML.
    """
    for element in iter_entries(stream, path, line_offset):
        yield _uniref_entry(element)


def _uniparc_entry(element: Any) -> tuple[Json, list[Json]]:
    upi = element.get("UniParcId") or ""
    accession = find_child(element, "accession")
    if not upi and accession is not None:
        upi = accession.text or ""
    xrefs: list[Json] = []
    kb: list[str] = []
    organisms: dict[int, None] = {}
    proteins: list[str] = []
    genes: list[str] = []
    proteomes: list[Json] = []
    created, updated = [], []
    for ref in element.iterchildren("{*}dbReference"):
        database, ident, active = ref.get("type", ""), ref.get("id", ""), ref.get("active") == "Y"
        props = _properties(ref)
        values = dict(props)
        xref: Json = {"database": database, "id": ident, "active": active}
        if (ref.get("version") or "").isdigit():
            xref["version"] = int(ref.get("version"))
        if values.get("NCBI_taxonomy_id", "").isdigit():
            xref["taxon"] = int(values["NCBI_taxonomy_id"])
        xrefs.append(xref)
        if database.startswith("UniProtKB") and active:
            kb.append(ident)
        if values.get("NCBI_taxonomy_id", "").isdigit():
            organisms.setdefault(int(values["NCBI_taxonomy_id"]), None)
        if values.get("protein_name"):
            proteins.append(values["protein_name"])
        if values.get("gene_name"):
            genes.append(values["gene_name"])
        # "UP000005640:Chromosome 8" (proteomeid_component), or older files' two properties
        pairs = [v.split(":", 1) for k, v in props if k == "proteomeid_component"]
        if values.get("proteome_id"):
            pairs.append([values["proteome_id"], values.get("component", "")])
        for pair in pairs:
            proteome = {"id": pair[0], "component": pair[1] if len(pair) > 1 else ""}
            if proteome not in proteomes:
                proteomes.append(proteome)
        if ref.get("created"):
            created.append(ref.get("created"))
        if ref.get("last"):
            updated.append(ref.get("last"))
    entry: Json = {"uniParcId": upi, "crossReferenceCount": len(xrefs)}
    if kb:
        entry["uniProtKBAccessions"] = list(dict.fromkeys(kb))
    seq = find_child(element, "sequence")
    if seq is not None and seq.text:
        entry["sequence"] = sequence_object("".join(seq.text.split()),
                                            checksum=seq.get("checksum"))
    features = _signatures(element)
    if features:
        entry["sequenceFeatures"] = features
    if created:
        entry["oldestCrossRefCreated"] = min(created)
    if updated:
        entry["mostRecentCrossRefUpdated"] = max(updated)
    if organisms:
        entry["organisms"] = [{"taxonId": taxon} for taxon in organisms]
    for key, values_ in (("proteinNames", proteins), ("geneNames", genes)):
        if values_:
            entry[key] = list(dict.fromkeys(values_))
    if proteomes:
        entry["proteomes"] = proteomes
    return entry, xrefs


def _signatures(element: Any) -> list[Json]:
    found = []
    for match in element.iterchildren("{*}signatureSequenceMatch"):
        feature: Json = {"database": signature_database(match.get("database", "")),
                         "databaseId": match.get("id")}
        ipr = find_child(match, "ipr")
        if ipr is not None:
            feature["interproGroup"] = {"id": ipr.get("id"), "name": ipr.get("name")}
        feature["locations"] = [{"start": int(loc.get("start", 0)), "end": int(loc.get("end", 0))}
                                for loc in match.iterchildren("{*}lcn")]
        found.append(feature)
    return found


def read_uniparc_xml(stream: IO[bytes], path: str, line_offset: int = 0
                     ) -> Iterator[tuple[Json, list[Json]]]:
    """UniParc light entries of a UniParc XML file, with their cross-references.

    :param stream: the file, opened in binary mode (decompressed).
    :param path: its name, for errors.
    :param line_offset: added to the line of an error (a part of the file).
    :raises ReleaseFileError: the file is not well-formed XML.
    """
    for element in iter_entries(stream, path, line_offset):
        yield _uniparc_entry(element)
