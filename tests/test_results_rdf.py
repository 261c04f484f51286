"""RDF entry streams (rdf, ttl, nt) on both releases and both stores, over HTTP: the output is
parsed back with rdflib and its triples checked against what the release files state."""

from __future__ import annotations

import zlib
from urllib.parse import quote

import httpx
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from idmapping.catalogue import AC_ID
from idmapping.results.formats import write
from idmapping.results.rdf import PURL, UP, NTriplesWriter, RdfXmlWriter, TurtleWriter
from releases import ReleaseFacts, submit

PARSER = {"rdf": "xml", "ttl": "turtle", "nt": "nt"}
MEDIA = {"rdf": "application/rdf+xml", "ttl": "text/turtle", "nt": "application/n-triples"}
SAMPLE = 12
XREF_TYPES = ("STRING", "GeneID", "PDB", "SGD", "ChEMBL")
"""idmapping.dat ID types whose ids are the cross-references of the entry files, by the same
database name."""


def uniprot(accession: str) -> URIRef:
    return URIRef(f"{PURL}uniprot/{accession}")


def stream_graph(base: str, dataset: str, job: str, fmt: str, by_accept: bool = False,
                 **params: str) -> Graph:
    headers = {"Accept": MEDIA[fmt]} if by_accept else {}
    if not by_accept:
        params["format"] = fmt
    response = httpx.get(f"{base}/idmapping/{dataset}/results/stream/{job}", params=params,
                         headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA[fmt]
    body = response.content
    if params.get("compressed") == "true":
        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    graph = Graph()
    graph.parse(data=body, format=PARSER[fmt])
    return graph


def sample(release: ReleaseFacts) -> list[str]:
    accessions = release.accessions()
    step = max(1, len(accessions) // SAMPLE)
    return accessions[::step][:SAMPLE]


@pytest.mark.parametrize("fmt", ["rdf", "ttl", "nt"])
def test_uniprotkb_entries_as_rdf(release: ReleaseFacts, release_url: str, fmt: str) -> None:
    accessions = sample(release)
    job = submit(release_url, AC_ID, "UniProtKB", accessions)
    graph = stream_graph(release_url, "uniprotkb", job, fmt)
    checked_xrefs = 0
    for accession in accessions:
        node = uniprot(accession)
        facts = release.entries[accession]
        assert (node, RDF.type, UP.Protein) in graph
        assert graph.value(node, UP.mnemonic) == Literal(facts.name)
        assert graph.value(node, UP.organism) == URIRef(f"{PURL}taxonomy/{facts.taxon}")
        if release.demo:  # the demo's entries come from entry files, which say it
            assert graph.value(node, UP.reviewed) == Literal(facts.reviewed)
        see_also = set(graph.objects(node, RDFS.seeAlso))
        for id_type in XREF_TYPES:
            for value in facts.values.get(id_type, []):
                if value in facts.isoforms.get(id_type, {}):
                    continue  # an isoform's id, which the entry may not list
                iri = URIRef(f"{PURL}{id_type.lower()}/{quote(value, safe=':')}")
                assert iri in see_also, (accession, id_type, value)
                assert graph.value(iri, UP.database) == URIRef(f"{PURL}database/{id_type}")
                checked_xrefs += 1
    assert checked_xrefs, "the sample holds no cross-reference to check"
    subjects = {s for s in graph.subjects(RDF.type, UP.Protein)}
    assert subjects == {uniprot(a) for a in accessions}


def test_rdf_by_accept_and_compressed(release: ReleaseFacts, release_url: str) -> None:
    accessions = sample(release)[:3]
    job = submit(release_url, AC_ID, "UniProtKB", accessions)
    by_accept = stream_graph(release_url, "uniprotkb", job, "ttl", by_accept=True)
    gzipped = stream_graph(release_url, "uniprotkb", job, "nt", compressed="true")
    assert {s for s in by_accept.subjects(RDF.type, UP.Protein)} == \
        {uniprot(a) for a in accessions}
    assert ground(by_accept) == ground(gzipped)


def ground(graph: Graph) -> set[tuple[object, object, object]]:
    """The triples with no blank node (blank node labels differ from parse to parse)."""
    return {t for t in graph if not any(isinstance(part, BNode) for part in t)}


@pytest.mark.parametrize("fmt", ["ttl", "rdf"])
def test_uniref_clusters_as_rdf(release: ReleaseFacts, release_url: str, fmt: str) -> None:
    accessions = sample(release)
    job = submit(release_url, AC_ID, "UniRef90", accessions)
    graph = stream_graph(release_url, "uniref", job, fmt, complete="true")
    clusters = {release.entries[a].values["UniRef90"][0] for a in accessions
                if release.entries[a].values.get("UniRef90")}
    assert clusters
    for cluster in clusters:
        node = URIRef(f"{PURL}uniref/{cluster}")
        assert (node, RDF.type, UP.Cluster) in graph
        members = set(graph.objects(node, UP.member))
        expected = {uniprot(a) for a, e in release.entries.items()
                    if cluster in e.values.get("UniRef90", [])}
        assert expected <= members, cluster


@pytest.mark.parametrize("fmt", ["nt", "rdf"])
def test_uniparc_sequences_as_rdf(release: ReleaseFacts, release_url: str, fmt: str) -> None:
    accessions = sample(release)
    job = submit(release_url, AC_ID, "UniParc", accessions)
    graph = stream_graph(release_url, "uniparc", job, fmt)
    upis = {release.entries[a].values["UniParc"][0] for a in accessions
            if release.entries[a].values.get("UniParc")}
    assert upis
    for upi in upis:
        node = URIRef(f"{PURL}uniparc/{upi}")
        assert (node, RDF.type, UP.Sequence) in graph
        expected = {uniprot(a) for a, e in release.entries.items()
                    if upi in e.values.get("UniParc", [])}
        assert expected <= set(graph.objects(node, UP.sequenceFor)), upi


def test_paged_results_refuse_rdf(release: ReleaseFacts, release_url: str) -> None:
    """UniProt offers RDF on the entry streams only: a page refuses it with its message."""
    job = submit(release_url, AC_ID, "UniProtKB", sample(release)[:2])
    response = httpx.get(f"{release_url}/idmapping/uniprotkb/results/{job}",
                         params={"format": "ttl"})
    assert response.status_code == 400
    message = response.json()["messages"][0]
    assert message.startswith("Invalid request received. Requested media type/format not "
                              "accepted, 'ttl'. Valid media types/formats for this end-point")
    assert "text/turtle" not in message
    plain = httpx.get(f"{release_url}/idmapping/stream/{job}", params={"format": "nt"})
    assert plain.status_code == 400


@pytest.mark.parametrize("writer", [RdfXmlWriter, TurtleWriter, NTriplesWriter])
def test_batches_are_stitched_into_one_document(writer: type[RdfXmlWriter]) -> None:
    """Several batches (a graph each) make one document holding every batch's triples."""
    rows = [(f"F{n}", {"primaryAccession": f"P{n:05d}", "uniProtkbId": f"E{n}_HUMAN",
                       "organism": {"taxonId": 9606 + n},
                       "uniProtKBCrossReferences": [{"database": "PATRIC", "id": f"fig|{n}"}]})
            for n in range(7)]
    instance = writer(("From", "To"), dataset="uniprotkb")
    instance.batch_rows = 2
    chunks = list(write(instance, rows))
    assert len(chunks) >= 4 + (writer is not NTriplesWriter)  # header, 4 batches, footer
    graph = Graph()
    graph.parse(data=b"".join(chunks), format=PARSER[writer.name])
    for n in range(7):
        node = uniprot(f"P{n:05d}")
        assert graph.value(node, UP.mnemonic) == Literal(f"E{n}_HUMAN")
        assert URIRef(f"{PURL}patric/fig%7C{n}") in set(graph.objects(node, RDFS.seeAlso))
