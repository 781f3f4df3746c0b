"""IRIs minted by kmgraph and the namespaces it reuses, defined once.

Every IRI kmgraph mints lives under one persistent base and never changes; concepts are named by
their CBD thesaurus identifier (the notation), so a concept IRI can be derived from the identifier
that clearing-house records already use.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/kmgraph/"

KMO = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SCHEME = Namespace(BASE + "scheme/")
VOCABULARY = Namespace(BASE + "vocabulary/")
GRAPH = Namespace(BASE + "graph/")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
SDG = Namespace("http://metadata.un.org/sdg/")
ORG = Namespace("http://www.w3.org/ns/org#")

ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_GRAPH = GRAPH["ontology"]
SYSTEM_GRAPH = GRAPH["system"]

PREFIXES: dict[str, str] = {
    "kmo": str(KMO),
    "kmid": str(ID),
    "kmscheme": str(SCHEME),
    "kmvocab": str(VOCABULARY),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sssom": str(SSSOM),
    "sdg": str(SDG),
}


def concept_iri(notation: str) -> str:
    """IRI of a kmgraph concept from its CBD-style notation (``GBF-TARGET-01`` -> ``.../id/GBF-TARGET-01``)."""
    return str(ID[notation])


def vocabulary_graph(vocab_id: str) -> str:
    """Named graph that holds the current version of a vocabulary."""
    return str(GRAPH["vocab/" + vocab_id])
