"""The check dataset: a candidate version beside the current one, as the gate and the diff see it.

The candidate is the default graph, the current version the named graph ``urn:kmgraph:previous``.
Concepts typed only by a subclass of ``skos:Concept`` are seen as concepts there.

The CBD's KMGBF ontology types its goals, targets and indicators ``:Goal``, ``:Target`` and
``:Indicator``, subclasses of ``skos:Concept``, with no explicit ``a skos:Concept``. Without RDFS
entailment every SKOS check would find nothing and a load would report "0 concepts". Before the gate
runs, the check dataset gets the entailed ``rdf:type skos:Concept`` triples: those of the candidate in
a graph of their own (joined to the default graph for the checks, never stored or archived), those of
the current version inside its own copy. A subclass cycle ends the closure as any other class does
(and the ``subclass-cycle`` check reports it).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..resources import query_text

PREVIOUS_GRAPH = ox.NamedNode("urn:kmgraph:previous")
ENTAILED_GRAPH = ox.NamedNode("urn:kmgraph:entailed")
SKOS_CONCEPT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def concept_classes(known: set[ox.NamedNode], dataset: ox.Store) -> set[ox.NamedNode]:
    """``known`` (classes of concepts elsewhere) closed over the subclass axioms of the dataset."""
    edges: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for row in dataset.query(query_text("curation/subclass-edges")):
        edges.setdefault(row["super"], set()).add(row["sub"])
    found, todo = set(known), [SKOS_CONCEPT, *known]
    while todo:
        for sub in edges.get(todo.pop(), ()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    found.discard(SKOS_CONCEPT)
    return found


def entail_concepts(dataset: ox.Store, known: set[ox.NamedNode] = frozenset()) -> int:
    """Add the entailed concept types of the candidate and of the current version; how many were added."""
    added, classes = 0, concept_classes(known, dataset)
    for graph, target in ((ox.DefaultGraph(), ENTAILED_GRAPH), (PREVIOUS_GRAPH, PREVIOUS_GRAPH)):
        for cls in classes:
            for quad in dataset.quads_for_pattern(None, RDF_TYPE, cls, graph):
                inferred = ox.Quad(quad.subject, RDF_TYPE, SKOS_CONCEPT, target)
                if next(dataset.quads_for_pattern(quad.subject, RDF_TYPE, SKOS_CONCEPT, graph), None) is None \
                        and inferred not in dataset:
                    dataset.add(inferred)
                    added += 1
    return added


def default_graphs(dataset: ox.Store) -> list | None:
    """The default graph the checks see: the candidate's, with its entailed types when there are any."""
    if next(dataset.quads_for_pattern(None, None, None, ENTAILED_GRAPH), None) is None:
        return None
    return [ox.DefaultGraph(), ENTAILED_GRAPH]


def query(dataset: ox.Store, text: str):
    """A query over the check dataset, entailed concept types included."""
    return dataset.query(text, default_graph=default_graphs(dataset))
