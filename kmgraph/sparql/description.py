"""The SPARQL 1.1 Service Description of the endpoint, built as a graph and serialised by pyoxigraph."""

from __future__ import annotations

import pyoxigraph as ox

from ..formats import GRAPH_FORMATS, RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}


def service_description(endpoint: str, update_endpoint: str, rdf_format: ox.RdfFormat) -> bytes:
    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    service, update_service = ox.BlankNode(), ox.BlankNode()
    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, rdf_type, n(SD + "Service")),
        ox.Triple(service, n(SD + "endpoint"), n(endpoint)),
        ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        ox.Triple(service, n(SD + "feature"), n(SD + "BasicFederatedQuery")),
        ox.Triple(update_service, rdf_type, n(SD + "Service")),
        ox.Triple(update_service, n(SD + "endpoint"), n(update_endpoint)),
        ox.Triple(update_service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Update")),
    ]
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        triples.append(ox.Triple(service, n(SD + "resultFormat"), n(FORMATS + FORMAT_IRIS[fmt.media_type])))
    return ox.serialize(triples, format=rdf_format)
