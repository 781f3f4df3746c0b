"""The contract every store backend keeps: the embedded store and a real Virtuoso server pass the
same tests, so that everything above the store works on either."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kmgraph.errors import InputError
from kmgraph.sparql.execution import QueryJob
from kmgraph.vocab.bundled import load_bundled

G1 = "https://example.org/contract/g1"
G2 = "https://example.org/contract/g2"
TTL = b"""@prefix ex: <https://example.org/> .
ex:a ex:p "one" , "two" ; ex:q [ ex:r "blank" ] .
"""
MORE = b'<https://example.org/b> <https://example.org/p> "three" .\n'


def values(store, graph):
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s <https://example.org/p> ?o }} }}")
    return sorted(r["o"].value for r in rows)


def test_replace_add_drop(backend):
    assert backend.is_empty()
    assert backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE) == 4
    assert not backend.is_empty()
    assert values(backend, G1) == ["one", "two"]
    assert backend.replace_graph(G1, MORE, ox.RdfFormat.N_TRIPLES) == 1
    assert values(backend, G1) == ["three"]
    assert backend.add_to_graph(G1, TTL, ox.RdfFormat.TURTLE) == 4
    assert values(backend, G1) == ["one", "three", "two"]
    assert backend.has_graph(G1) and not backend.has_graph(G2)
    assert [g.iri for g in backend.graphs()] == [G1]
    assert backend.drop_graph(G1) is True
    assert backend.drop_graph(G1) is False
    assert not backend.has_graph(G1) and backend.is_empty()


def test_malformed_input_leaves_graph(backend):
    backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE)
    with pytest.raises(InputError):
        backend.replace_graph(G1, b"<https://example.org/a> <https://example.org/p> .", ox.RdfFormat.N_TRIPLES)
    assert values(backend, G1) == ["one", "two"]


def test_dump_round_trips(backend):
    backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE)
    dumped = backend.dump_graph(G1, ox.RdfFormat.N_TRIPLES)
    assert len(list(ox.parse(dumped, format=ox.RdfFormat.N_TRIPLES))) == 4


def test_query_forms(backend):
    backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE)
    assert bool(backend.query("ASK { ?s <https://example.org/p> \"one\" }"))
    triples = list(backend.query("CONSTRUCT { ?s <https://example.org/p> ?o } WHERE { GRAPH ?g { ?s <https://example.org/p> ?o } }"))
    assert len(triples) == 2
    rows = list(backend.query("SELECT ?o WHERE { ?s <https://example.org/p> ?o }", default_graph=[G1]))
    assert len(rows) == 2


def test_update(backend):
    backend.update(f'INSERT DATA {{ GRAPH <{G2}> {{ <https://example.org/x> <https://example.org/p> "new" }} }}')
    assert values(backend, G2) == ["new"]
    backend.update(f"DELETE WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")
    assert values(backend, G2) == []


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/csv", "text/tab-separated-values"])
def test_run_job_formats(backend, media):
    backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE)
    out = backend.run_job(QueryJob("SELECT ?o WHERE { ?s <https://example.org/p> ?o } ORDER BY ?o",
                                   results_media_type=media), timeout=30, wait=5)
    assert out.media_type == media and b"two" in out.body and not out.truncated


def test_run_job_row_cap_and_graph_result(backend):
    backend.replace_graph(G1, TTL, ox.RdfFormat.TURTLE)
    out = backend.run_job(QueryJob("SELECT ?o WHERE { ?s <https://example.org/p> ?o }", row_cap=1),
                          timeout=30, wait=5)
    assert out.truncated and len(json.loads(out.body)["results"]["bindings"]) == 1
    out = backend.run_job(QueryJob("CONSTRUCT { ?s <https://example.org/p> ?o } WHERE { GRAPH ?g { ?s <https://example.org/p> ?o } }"),
                          timeout=30, wait=5)
    assert out.media_type == "text/turtle"
    assert len(list(ox.parse(out.body, format=ox.RdfFormat.TURTLE))) == 2


def test_bundled_vocabularies_load(backend):
    load_bundled(backend)
    rows = list(backend.query("""PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
        SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kmo:Target }"""))
    assert rows[0]["n"].value == "23"
    rows = list(backend.query("""PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
        SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kmo:ComponentAction }"""))
    assert rows[0]["n"].value == "45"
