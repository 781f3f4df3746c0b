"""kmgraph's HTTP service running on a real Virtuoso server through the remote backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.store.remote import RemoteStore
from kmgraph.vocab.bundled import load_bundled

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def remote_client(virtuoso, tmp_path_factory):
    store = RemoteStore(virtuoso.sparql, graph_store_url=virtuoso.graph_store)
    for g in store.graphs():
        store.drop_graph(g.iri)
    load_bundled(store)
    settings = Settings.load(store=tmp_path_factory.mktemp("unused"), admin_token="t",
                             sparql_endpoint=virtuoso.sparql, graph_store_endpoint=virtuoso.graph_store)
    with TestClient(create_app(settings, store)) as client:
        yield client
    store.close()


def test_vocabularies_and_health(remote_client):
    assert remote_client.get("/health").json()["backend"] == "RemoteStore"
    ids = {v["id"] for v in remote_client.get("/vocabularies").json()}
    assert {"gbf", "km-strategy", "chm-pow", "sdg"} <= ids


def test_sparql_endpoint_through_remote(remote_client):
    q = """PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
    SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kmo:StrategicAction }"""
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        r = remote_client.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and b"39" in r.content


def test_named_queries_through_remote(remote_client):
    r = remote_client.get("/queries/goal-targets", params={"goal": "GBF-GOAL-A"})
    assert [b["notation"]["value"] for b in r.json()["results"]["bindings"]] == [f"GBF-TARGET-0{i}" for i in range(1, 9)]
    r = remote_client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03", "kind": "headline"})
    assert [b["code"]["value"] for b in r.json()["results"]["bindings"]] == ["3.1"]


def test_graph_store_through_remote(remote_client):
    g = "https://example.org/remote-gsp"
    auth = {"Authorization": "Bearer t"}
    r = remote_client.put("/store", params={"graph": g}, content=b'<https://example.org/a> <https://example.org/b> "c" .\n',
                          headers={"Content-Type": "application/n-triples", **auth})
    assert r.status_code == 201
    assert remote_client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"}).text.count("\n") == 1
    assert remote_client.delete("/store", params={"graph": g}, headers=auth).status_code == 204
    assert remote_client.get("/store", params={"graph": g}).status_code == 404
