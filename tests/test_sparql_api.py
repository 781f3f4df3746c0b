"""The SPARQL endpoint, Graph Store and named queries over HTTP (ASGI client on the bundled store)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.resources import VOCABULARY_DIR
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled

TOKEN = "sparql-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TARGETS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?n WHERE { ?c skos:notation ?n FILTER(STRSTARTS(?n, "GBF-TARGET-")) } ORDER BY ?n"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("sparql") / "db")
    load_bundled(store)
    settings = Settings.load(store=store.path, admin_token=TOKEN, row_cap=50, max_query_bytes=20_000)
    with TestClient(create_app(settings, store)) as c:
        yield c
    store.close()


@pytest.mark.parametrize("accept,media", [
    (None, "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
])
def test_select_content_negotiation(client, accept, media):
    r = client.get("/sparql", params={"query": TARGETS}, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert b"GBF-TARGET-23" in r.content


def test_select_results_parse_back(client):
    r = client.get("/sparql", params={"query": TARGETS}, headers={"Accept": "text/tab-separated-values"})
    rows = list(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.TSV))
    assert [row["n"].value for row in rows] == [f"GBF-TARGET-{i:02d}" for i in range(1, 24)]
    table = list(csv.reader(io.StringIO(client.get("/sparql", params={"query": TARGETS, "format": "csv"}).text)))
    assert table[0] == ["n"] and len(table) == 24


@pytest.mark.parametrize("accept,fmt", [
    (None, ox.RdfFormat.TURTLE), ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_content_negotiation(client, accept, fmt):
    q = 'CONSTRUCT WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> "GBF-TARGET-02" ; ?p ?o }'
    r = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query",
                                                    **({"Accept": accept} if accept else {})})
    assert r.status_code == 200
    assert len(list(ox.parse(r.content, format=fmt))) > 5


def test_ask_and_describe(client):
    r = client.post("/sparql", data={"query": 'ASK { ?c <http://www.w3.org/2004/02/skos/core#notation> "KM-D.1" }'})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/kmgraph/id/CHM-2.2.C>"},
                   headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and b"CHM-2.2.C" in r.content


def test_protocol_dataset_overrides_from(client):
    q = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/kmgraph/graph/vocab/aichi> WHERE { ?s ?p ?o }"
    aichi = int(client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"])
    gbf = int(client.get("/sparql", params={"query": q, "default-graph-uri": "https://w3id.org/kmgraph/graph/vocab/gbf"})
              .json()["results"]["bindings"][0]["n"]["value"])
    in_file = lambda name: len(list(ox.parse(path=str(VOCABULARY_DIR / f"{name}.ttl"), format=ox.RdfFormat.TURTLE)))
    assert (aichi, gbf) == (in_file("aichi"), in_file("gbf")) and aichi != gbf


def test_anonymous_select_is_capped_with_header(client):
    q = "SELECT ?s WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": q})
    assert r.headers["x-kmgraph-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 50
    r = client.get("/sparql", params={"query": q + " LIMIT 10"})
    assert "x-kmgraph-truncated" not in r.headers and len(r.json()["results"]["bindings"]) == 10
    r = client.get("/sparql", params={"query": q}, headers=AUTH)
    assert "x-kmgraph-truncated" not in r.headers and len(r.json()["results"]["bindings"]) > 50


@pytest.mark.parametrize("kwargs,status,fragment", [
    ({"params": {"query": "SELECT * WHERE {"}}, 400, "expected"),
    ({"params": {}}, 400, "no query"),
    ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "exactly one query"),
    ({"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406, "image/png"),
    ({"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "/update"),
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, 403, "SERVICE"),
    ({"params": {"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"}}, 403, "SERVICE"),
    ({"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400, "default-graph-uri"),
])
def test_query_errors(client, kwargs, status, fragment):
    r = client.get("/sparql", **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert fragment in r.json()["detail"]


def test_service_hidden_in_strings_and_comments_is_fine(client):
    q = 'SELECT ("SERVICE <http://x/>" AS ?s) WHERE { } # SERVICE <http://y/> { }'
    assert client.get("/sparql", params={"query": q}).status_code == 200


def test_post_errors(client):
    r = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/sparql", content="ASK {}".encode("utf-16"),
                    headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert r.status_code == 415
    r = client.post("/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]
    r = client.post("/sparql", content="SELECT * WHERE { }" + " " * 30_000,
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = client.put("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 405


def test_long_url_gets_414_with_hint(client):
    q = "SELECT * WHERE { ?s ?p ?o FILTER(?o != \"" + "x" * 9000 + "\") }"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 414 and "POST" in r.json()["detail"]


def test_update_needs_token_and_refuses_load(client):
    body = {"content": 'INSERT DATA { GRAPH <https://example.org/u> { <https://example.org/a> <https://example.org/b> "c" } }',
            "headers": {"Content-Type": "application/sparql-update"}}
    assert client.post("/update", **body).status_code == 401
    bad = {**body, "headers": {**body["headers"], "Authorization": "Bearer nope"}}
    assert client.post("/update", **bad).status_code == 401
    ok = {**body, "headers": {**body["headers"], **AUTH}}
    assert client.post("/update", **ok).status_code == 204
    r = client.get("/sparql", params={"query": "ASK { GRAPH <https://example.org/u> { ?s ?p \"c\" } }"})
    assert r.json()["boolean"] is True
    for text in ("LOAD <file:///etc/passwd>", "LOAD <http://example.org/x.ttl> INTO GRAPH <https://example.org/u>"):
        r = client.post("/update", content=text, headers={"Content-Type": "application/sparql-update", **AUTH})
        assert r.status_code == 403 and "LOAD" in r.json()["detail"]
    r = client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 400
    assert client.get("/update").status_code == 405


@pytest.mark.parametrize("endpoint,text,status,problem", [
    ("/update", "LOAD ;", 400, "sparql-syntax"),  # W3C syntax-update-bad-01
    ("/update", "CREATE GRAPH <g>\nLOAD <remote> INTO GRAPH <g>", 400, "sparql-syntax"),  # bad-07: no separator
    ("/update", "CREATE GRAPH <g>\n;;\nLOAD <remote> INTO GRAPH <g>", 400, "sparql-syntax"),  # bad-08
    ("/update", "LOAD <http://example.org/x> INTO DEFAULT", 400, "sparql-syntax"),  # INTO takes GRAPH only
    ("/update", "LOAD SILENT <http://example.org/x> INTO GRAPH <g>", 403, "query-refused"),
    ("/update", "CREATE GRAPH <g> ;\nLOAD <remote> INTO GRAPH <g>", 403, "query-refused"),
    ("/sparql", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o }", 400, "sparql-syntax"),
    ("/sparql", "SELECT * WHERE { SERVICE SILENT SILENT <http://example.org/s> { ?s ?p ?o } }", 400, "sparql-syntax"),
    ("/sparql", "SELECT * WHERE { SERVICE SILENT <http://example.org/s> { ?s ?p ?o } }", 403, "query-refused"),
    ("/sparql", "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 400, "sparql-syntax"),  # an update is not a query
    ("/update", "ASK {}", 400, "sparql-syntax"),
])
def test_policy_refusals_come_after_the_syntax_check(client, endpoint, text, status, problem):
    """What pyoxigraph rejects stays a syntax error; only valid SPARQL reaches a policy refusal."""
    r = client.post(endpoint, content=text, headers={"Content-Type": f"application/sparql-{endpoint == '/update' and 'update' or 'query'}", **AUTH})
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (status, problem), r.text


def test_graph_store_protocol(client):
    g = "https://example.org/gsp"
    ttl = b'@prefix ex: <https://example.org/> . ex:a ex:b "one" .'
    assert client.put("/store", params={"graph": g}, content=ttl, headers={"Content-Type": "text/turtle"}).status_code == 401
    put = lambda: client.put("/store", params={"graph": g}, content=ttl, headers={"Content-Type": "text/turtle", **AUTH})
    assert put().status_code == 201
    assert put().status_code == 204
    more = b'<https://example.org/a> <https://example.org/b> "two" .\n'
    r = client.post("/store", params={"graph": g}, content=more, headers={"Content-Type": "application/n-triples", **AUTH})
    assert r.status_code == 204
    r = client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == 2
    assert client.get("/store", params={"graph": g}, headers={"Accept": "application/ld+json"}).status_code == 200
    assert client.delete("/store", params={"graph": g}, headers=AUTH).status_code == 204
    assert client.get("/store", params={"graph": g}).status_code == 404
    assert client.delete("/store", params={"graph": g}, headers=AUTH).status_code == 404
    r = client.put("/store", params={"graph": g}, content=b"x", headers={"Content-Type": "image/png", **AUTH})
    assert r.status_code == 415
    r = client.put("/store", params={"graph": g}, content=b"<a> <b> .", headers={"Content-Type": "text/turtle", **AUTH})
    assert r.status_code == 400
    xml = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    r = client.put("/store", params={"graph": g}, content=xml, headers={"Content-Type": "application/rdf+xml", **AUTH})
    assert r.status_code == 400 and "DOCTYPE" in r.json()["detail"]
    ctx = json.dumps({"@context": "http://example.org/remote.jsonld", "@id": "https://example.org/a"}).encode()
    r = client.put("/store", params={"graph": g}, content=ctx, headers={"Content-Type": "application/ld+json", **AUTH})
    assert r.status_code == 400 and "remote context" in r.json()["detail"]
    assert client.get("/store").status_code == 400


def test_named_query_catalogue(client):
    listing = client.get("/queries").json()
    names = {q["name"] for q in listing}
    assert len(names) >= 12
    for q in listing:
        r = client.get(f"/queries/{q['name']}")
        assert r.status_code == 200, (q["name"], r.text)


def test_named_query_parameters_are_bound_as_terms(client):
    r = client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03", "kind": "headline"})
    rows = r.json()["results"]["bindings"]
    assert [row["code"]["value"] for row in rows] == ["3.1"]
    r = client.get("/queries/goal-targets", params={"goal": "GBF-GOAL-C"}, headers={"Accept": "text/csv"})
    assert "GBF-TARGET-13" in r.text and "GBF-TARGET-01" not in r.text
    hostile = 'x" } UNION { ?s ?p ?o } #'
    r = client.get("/queries/label-lookup", params={"text": hostile})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    r = client.get("/queries/label-lookup", params={"text": "restablecer", "lang": "es"})
    rows = r.json()["results"]["bindings"]
    assert rows and all(b["labelLang"]["value"] == "es" and "restablecer" in b["label"]["value"] for b in rows)


@pytest.mark.parametrize("params,status", [
    ({"target": "GBF TARGET 03"}, 400), ({"nope": "x"}, 400), ({"year": "twenty"}, 400),
])
def test_named_query_bad_parameters(client, params, status):
    name = "chm-actions-by-lead" if "year" in params else "target-indicators"
    r = client.get(f"/queries/{name}", params=params)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"


def test_unknown_named_query_404(client):
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_editor_page_and_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 200 and "<textarea" in r.text and "cdn" not in r.text.lower()
    assert client.get("/static/sparql.js").status_code == 200
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    sd = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://www.w3.org/ns/sparql-service-description#SPARQL11Query" for t in sd)
