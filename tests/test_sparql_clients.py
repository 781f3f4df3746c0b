"""Real SPARQL clients against a running kmgraph: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper, TURTLE

QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?n ?label WHERE { ?c skos:notation ?n ; skos:prefLabel ?label
  FILTER(STRSTARTS(?n, "GBF-GOAL-") && lang(?label) = "en") } ORDER BY ?n"""


def wrapper(server, fmt):
    w = SPARQLWrapper(server.url + "/sparql")
    w.setQuery(QUERY)
    w.setReturnFormat(fmt)
    return w


def test_sparqlwrapper_json(live_server):
    data = wrapper(live_server, JSON).query().convert()
    assert [b["n"]["value"] for b in data["results"]["bindings"]] == [f"GBF-GOAL-{x}" for x in "ABCD"]


def test_sparqlwrapper_xml(live_server):
    doc = wrapper(live_server, XML).query().convert()
    assert len(doc.getElementsByTagName("result")) == 4


def test_sparqlwrapper_csv_and_tsv(live_server):
    rows = list(csv.reader(io.StringIO(wrapper(live_server, CSV).query().convert().decode())))
    assert rows[0] == ["n", "label"] and len(rows) == 5
    tsv = wrapper(live_server, TSV).query().convert().decode().splitlines()
    assert tsv[0] == "?n\t?label" and len(tsv) == 5


def test_sparqlwrapper_construct_into_rdflib(live_server):
    w = SPARQLWrapper(live_server.url + "/sparql")
    w.setQuery('CONSTRUCT WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> "GBF-TARGET-04" ; ?p ?o }')
    w.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=w.query().convert(), format="turtle")
    assert len(graph) > 5
    w.setReturnFormat(XML)  # SPARQLWrapper asks RDF/XML and converts to an rdflib Graph
    converted = w.query().convert()
    assert isinstance(converted, rdflib.Graph) and len(converted) == len(graph)


def test_rdflib_sparqlstore(live_server):
    graph = rdflib.Graph(SPARQLStore(live_server.url + "/sparql", returnFormat="json"))
    rows = list(graph.query(QUERY))
    assert [str(r.n) for r in rows] == [f"GBF-GOAL-{x}" for x in "ABCD"]
    notation = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#notation")
    target = rdflib.URIRef("https://w3id.org/kmgraph/id/GBF-TARGET-01")
    assert str(graph.value(target, notation)) == "GBF-TARGET-01"
