"""The OWL ontology with every bundled vocabulary is consistent under HermiT (Java), and the
reasoner really catches an inconsistency when one is introduced."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kmgraph.namespaces import KMO
from kmgraph.reasoning import load_files, reason
from kmgraph.resources import ONTOLOGY_FILE, VOCABULARY_DIR

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def full_graph() -> Graph:
    if shutil.which("java") is None:
        pytest.fail("HermiT needs Java: install a JRE (Debian: default-jre-headless)")
    return load_files([ONTOLOGY_FILE, *sorted(VOCABULARY_DIR.glob("*.ttl"))])


def test_ontology_and_vocabularies_are_consistent(full_graph):
    report = reason(full_graph)
    assert report.consistent, report.message
    assert report.unsatisfiable == []


def test_reasoner_detects_inconsistency(full_graph):
    broken = Graph()
    broken += full_graph
    indicator = URIRef("https://w3id.org/kmgraph/id/indicator/A.1")
    broken.add((indicator, RDF.type, KMO.BinaryIndicator))  # A.1 is a headline indicator: disjoint
    assert not reason(broken).consistent


def test_ontology_reuses_standard_vocabularies():
    g = Graph().parse(ONTOLOGY_FILE)
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    parents = {str(o) for o in g.objects(None, subclass)}
    assert "http://www.w3.org/2004/02/skos/core#Concept" in parents
    assert "http://www.w3.org/ns/dcat#Resource" in parents
    assert "http://www.w3.org/ns/prov#Entity" in parents
    for cls in ("Vision", "Mission", "Goal", "Target", "FrameworkSection", "Consideration", "Indicator",
                "HeadlineIndicator", "BinaryIndicator", "ComponentIndicator", "ComplementaryIndicator",
                "KMComponent", "Principle", "StrategicObjective", "ComponentAction", "CHMGoal", "CHMOutcome",
                "StrategicAction", "ActorType", "Actor", "KnowledgeObject", "KnowledgeObjectType",
                "NationalTarget", "DSIRecord", "FPICStatement", "LocalContextsLabel"):
        assert (KMO[cls], RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g, cls
