"""RDF of entry results: RDF/XML (``rdf``), Turtle (``ttl``) and N-Triples (``nt``).

The entries are described in UniProt's core vocabulary (``http://purl.uniprot.org/core/``),
with the data the store holds: a UniProtKB entry is an ``up:Protein`` at
``http://purl.uniprot.org/uniprot/ACC`` (mnemonic, reviewed, organism, names, genes, sequence,
and an ``rdfs:seeAlso`` for each cross-reference), a UniRef entry an ``up:Cluster`` with its
``up:member``\\ s, a UniParc entry an ``up:Sequence`` with the entries it is the sequence for.

rdflib serialises; nothing holds the whole result. Each batch of rows (:attr:`Writer.batch_rows`
entries) becomes one graph, serialised and dropped before the next is read. The three formats
join batches differently:

* N-Triples is one triple a line, so batches are simply written one after another;
* Turtle names its prefixes once in the header; each batch's body follows (a prefix rdflib
  would still declare, for a namespace outside the fixed set, is kept with its batch);
* RDF/XML is one ``<rdf:RDF>`` element: the header opens it once with every namespace the
  descriptions use, each batch adds its ``<rdf:Description>`` elements, and the footer closes
  it. This is how UniProt's own RDF streams stitch the RDF service's batches together, and it
  keeps the file one document that any RDF/XML parser reads.

>>> rows = [("Q1", {"primaryAccession": "P00001", "uniProtkbId": "A_HUMAN"})]
>>> text = b"".join(write(NTriplesWriter(("From", "To"), dataset="uniprotkb"), rows)).decode()
>>> '<http://purl.uniprot.org/core/mnemonic> "A_HUMAN"' in text
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import BNode

from idmapping.errors import InvalidRequest
from idmapping.results.formats import WRITERS, Extras, Row, Writer, write

__all__ = ["RDF_FORMATS", "PURL", "UP", "RdfWriter", "RdfXmlWriter", "TurtleWriter",
           "NTriplesWriter", "entry_graph", "new_graph", "xref_iri", "write"]

RDF_FORMATS = ("rdf", "ttl", "nt")
"""The RDF formats, in UniProt's ``produces`` order."""

PURL = "http://purl.uniprot.org/"
UP = Namespace(PURL + "core/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
UNIPROT = Namespace(PURL + "uniprot/")
UNIREF = Namespace(PURL + "uniref/")
UNIPARC = Namespace(PURL + "uniparc/")
TAXON = Namespace(PURL + "taxonomy/")
ISOFORMS = Namespace(PURL + "isoforms/")
DATABASE = Namespace(PURL + "database/")

PREFIXES: tuple[tuple[str, Namespace], ...] = (
    ("rdf", Namespace(str(RDF))),
    ("rdfs", Namespace(str(RDFS))),
    ("xsd", Namespace(str(XSD))),
    ("skos", SKOS),
    ("up", UP),
    ("uniprot", UNIPROT),
    ("uniref", UNIREF),
    ("uniparc", UNIPARC),
    ("taxon", TAXON),
    ("isoforms", ISOFORMS),
)
"""The prefixes every batch binds (UniProt's own names for them)."""

_IDENTITY = {"UniRef100": "1.0", "UniRef90": "0.9", "UniRef50": "0.5"}
# characters an id may keep in an IRI path segment; anything else is percent-encoded
_SAFE = "-._~:@!$&'()*+,;=%"


def _id(value: str) -> str:
    return quote(value, safe=_SAFE)


def xref_iri(database: str, identifier: str) -> URIRef:
    """UniProt's IRI of a cross-reference: ``http://purl.uniprot.org/<db>/<id>``.

    >>> str(xref_iri("PDB", "1GAX"))
    'http://purl.uniprot.org/pdb/1GAX'
    """
    return URIRef(f"{PURL}{_id(database.lower())}/{_id(identifier)}")


def _text(value: Any) -> str | None:
    """The text of a ``{"value": …}`` object or of a plain string."""
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) and value else None


def _sequence(graph: Graph, node: URIRef | BNode, sequence: Any) -> None:
    """The sequence's value, length, mass and checksums on *node*."""
    if not isinstance(sequence, dict):
        return
    if sequence.get("value"):
        graph.add((node, RDF.value, Literal(sequence["value"])))
    for key, predicate in (("length", UP.length), ("molWeight", UP.mass)):
        if isinstance(sequence.get(key), int):
            graph.add((node, predicate, Literal(sequence[key], datatype=XSD.int)))
    for key, predicate in (("md5", UP.md5Checksum), ("crc64", UP.crc64Checksum)):
        if sequence.get(key):
            graph.add((node, predicate, Literal(sequence[key])))


def _protein(graph: Graph, entry: dict[str, Any]) -> None:
    accession = entry.get("primaryAccession")
    if not accession:
        return
    node = UNIPROT[_id(accession)]
    graph.add((node, RDF.type, UP.Protein))
    entry_type = str(entry.get("entryType", ""))
    if "reviewed" in entry_type.lower():
        graph.add((node, UP.reviewed, Literal("unreviewed" not in entry_type.lower())))
    if entry.get("uniProtkbId"):
        graph.add((node, UP.mnemonic, Literal(entry["uniProtkbId"])))
    taxon = (entry.get("organism") or {}).get("taxonId")
    if taxon is not None:
        graph.add((node, UP.organism, TAXON[str(taxon)]))
    audit = entry.get("entryAudit") or {}
    for key, predicate in (("firstPublicDate", UP.created),
                           ("lastAnnotationUpdateDate", UP.modified)):
        if audit.get(key):
            graph.add((node, predicate, Literal(audit[key], datatype=XSD.date)))
    if isinstance(audit.get("entryVersion"), int):
        graph.add((node, UP.version, Literal(audit["entryVersion"], datatype=XSD.int)))
    for secondary in entry.get("secondaryAccessions") or ():
        graph.add((node, UP.replaces, UNIPROT[_id(secondary)]))
    full_name = _text(((entry.get("proteinDescription") or {}).get("recommendedName") or {})
                      .get("fullName"))
    if full_name:
        name = BNode()
        graph.add((node, UP.recommendedName, name))
        graph.add((name, RDF.type, UP.Structured_Name))
        graph.add((name, UP.fullName, Literal(full_name)))
    for gene in entry.get("genes") or ():
        label = _text(gene.get("geneName"))
        if not label:
            continue
        gene_node = BNode()
        graph.add((node, UP.encodedBy, gene_node))
        graph.add((gene_node, RDF.type, UP.Gene))
        graph.add((gene_node, SKOS.prefLabel, Literal(label)))
        for synonym in gene.get("synonyms") or ():
            if text := _text(synonym):
                graph.add((gene_node, SKOS.altLabel, Literal(text)))
    if isinstance(entry.get("sequence"), dict):
        isoform = ISOFORMS[_id(accession) + "-1"]
        graph.add((node, UP.sequence, isoform))
        graph.add((isoform, RDF.type, UP.Simple_Sequence))
        _sequence(graph, isoform, entry["sequence"])
    for xref in entry.get("uniProtKBCrossReferences") or ():
        database, identifier = xref.get("database"), xref.get("id")
        if database and identifier:
            target = xref_iri(database, identifier)
            graph.add((node, RDFS.seeAlso, target))
            graph.add((target, UP.database, DATABASE[_id(database)]))


def _member(value: Any) -> URIRef | None:
    """A cluster member's IRI: a UniParc sequence or a UniProtKB entry."""
    if isinstance(value, dict):
        value = value.get("memberId") or (value.get("accessions") or [None])[0]
    if not isinstance(value, str) or not value:
        return None
    return UNIPARC[_id(value)] if value.startswith("UPI") else UNIPROT[_id(value)]


def _cluster(graph: Graph, entry: dict[str, Any]) -> None:
    cluster_id = entry.get("id")
    if not cluster_id:
        return
    node = UNIREF[_id(cluster_id)]
    graph.add((node, RDF.type, UP.Cluster))
    if entry.get("name"):
        graph.add((node, RDFS.label, Literal(entry["name"])))
    if entry.get("updated"):
        graph.add((node, UP.modified, Literal(entry["updated"], datatype=XSD.date)))
    identity = _IDENTITY.get(str(entry.get("entryType", "")))
    if identity:
        graph.add((node, UP.identity, Literal(identity, datatype=XSD.float)))
    taxon = (entry.get("commonTaxon") or {}).get("taxonId")
    if taxon is not None:
        graph.add((node, UP.commonTaxon, TAXON[str(taxon)]))
    if isinstance(entry.get("memberCount"), int):
        graph.add((node, UP.memberCount, Literal(entry["memberCount"], datatype=XSD.int)))
    for member in entry.get("members") or ():
        if (target := _member(member)) is not None:
            graph.add((node, UP.member, target))
    representative = entry.get("representativeMember") or {}
    for accession in representative.get("accessions") or ():
        graph.add((UNIPROT[_id(accession)], UP.representativeFor, node))
    uniparc = representative.get("uniparcId")
    if uniparc:
        graph.add((node, UP.member, UNIPARC[_id(uniparc)]))


def _uniparc(graph: Graph, entry: dict[str, Any]) -> None:
    upi = entry.get("uniParcId")
    if not upi:
        return
    node = UNIPARC[_id(upi)]
    graph.add((node, RDF.type, UP.Sequence))
    _sequence(graph, node, entry.get("sequence"))
    for accession in entry.get("uniProtKBAccessions") or ():
        graph.add((node, UP.sequenceFor, UNIPROT[_id(accession)]))
    for organism in entry.get("organisms") or ():
        if isinstance(organism, dict) and organism.get("taxonId") is not None:
            graph.add((node, UP.organism, TAXON[str(organism["taxonId"])]))


_DESCRIBERS = {"uniprotkb": _protein, "uniref": _cluster, "uniparc": _uniparc}


def new_graph() -> Graph:
    """An empty graph with :data:`PREFIXES` bound (and no others)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES:
        graph.bind(prefix, namespace)
    return graph


def entry_graph(dataset: str, entries: Iterable[dict[str, Any]]) -> Graph:
    """One graph describing *entries* of *dataset* (``uniprotkb``, ``uniref``, ``uniparc``)."""
    describe = _DESCRIBERS[dataset]
    graph = new_graph()
    for entry in entries:
        describe(graph, entry)
    return graph


class RdfWriter(Writer):
    """Base of the RDF writers: rows ``(from, entry)``, one graph per batch.

    :param dataset: the entries' dataset, which chooses how an entry is described.
    """

    name = "rdf-base"
    rdflib_format: ClassVar[str]

    def __init__(self, columns: Sequence[str], extras: Extras | None = None, *,
                 dataset: str = "uniprotkb") -> None:
        super().__init__(columns, extras)
        if dataset not in _DESCRIBERS:
            raise InvalidRequest(f"Invalid request received. Format '{self.name}' needs "
                                 "UniProtKB, UniRef or UniParc entries")
        self.dataset = dataset

    def row(self, row: Row) -> bytes:
        return self.batch([row])

    def rows(self, rows: Iterable[Row]) -> Iterator[bytes]:
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.batch_rows:
                if chunk := self.batch(batch):
                    yield chunk
                batch = []
        if batch and (chunk := self.batch(batch)):
            yield chunk

    def batch(self, rows: Sequence[Row]) -> bytes:
        """The serialised graph of one batch of rows, without what the header already says."""
        graph = entry_graph(self.dataset, (row[1] for row in rows if isinstance(row[1], dict)))
        if not len(graph):
            return b""
        return self.body(graph.serialize(format=self.rdflib_format, encoding="utf-8"))

    def body(self, text: bytes) -> bytes:
        """What of a batch's serialisation goes into the stream."""
        return text

    def error_footer(self) -> bytes:
        return b""


class NTriplesWriter(RdfWriter):
    """N-Triples: batches follow one another, one triple a line."""

    name = "nt"
    content_type = "application/n-triples"
    extension = "nt"
    rdflib_format = "nt"


class TurtleWriter(RdfWriter):
    """Turtle: the prefixes once, then each batch's statements."""

    name = "ttl"
    content_type = "text/turtle"
    extension = "ttl"
    rdflib_format = "turtle"

    def header(self) -> bytes:
        return "".join(f"@prefix {prefix}: <{namespace}> .\n"
                       for prefix, namespace in PREFIXES).encode()

    def body(self, text: bytes) -> bytes:
        declared = self.header().splitlines()
        kept = [line for line in text.splitlines(keepends=True)
                if not (line.startswith(b"@prefix ") and line.rstrip() in declared)]
        return b"\n" + b"".join(kept).lstrip(b"\n")


class RdfXmlWriter(RdfWriter):
    """RDF/XML: one ``<rdf:RDF>`` element around every batch's descriptions."""

    name = "rdf"
    content_type = "application/rdf+xml"
    extension = "rdf"
    rdflib_format = "xml"

    def header(self) -> bytes:
        spaces = "".join(f'\n   xmlns:{prefix}="{namespace}"' for prefix, namespace in PREFIXES)
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{spaces}\n>\n'.encode()

    def body(self, text: bytes) -> bytes:
        opened = text.index(b"<rdf:RDF")
        start = text.index(b">", opened) + 1
        end = text.rindex(b"</rdf:RDF>")
        head = text[opened:start]
        for prefix, namespace in PREFIXES:  # the header declares these; any other is a bug
            head = head.replace(f'xmlns:{prefix}="{namespace}"'.encode(), b"")
        if b"xmlns:" in head:
            raise ValueError(f"an RDF/XML batch uses a namespace the header lacks: {head!r}")
        return text[start:end].strip(b"\n") + b"\n"

    def footer(self) -> bytes:
        return b"</rdf:RDF>\n"

    def error_footer(self) -> bytes:
        return self.footer()


WRITERS.update({cls.name: cls for cls in (RdfXmlWriter, TurtleWriter, NTriplesWriter)})
