"""kmgraph's HTTP service running on a real Virtuoso server through the remote backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.errors import AnswerCappedError
from kmgraph.records.counts import STATISTICS_GRAPH
from kmgraph.records.index import Query
from kmgraph.records.service import RECORD_GRAPH
from kmgraph.services import CATALOGUE, build_services, load_catalogue
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


def test_every_named_query_answers_through_remote(remote_client):
    """Each named query with its default parameters is accepted by Virtuoso's SPARQL compiler, which is
    stricter than SPARQL 1.1 in places (``GROUP BY (lang(?l) AS ?lang)`` with ``?lang`` projected is
    "defined twice" there), and answers a first page."""
    from kmgraph.queries import QueryCatalog

    for named in QueryCatalog():
        r = remote_client.get(f"/queries/{named.name}", params={"limit": 5},
                              headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, f"{named.name}: {r.text[:300]}"
        assert len(r.json()["results"]["bindings"]) <= 5


def test_graph_store_through_remote(remote_client):
    g = "https://example.org/remote-gsp"
    auth = {"Authorization": "Bearer t"}
    r = remote_client.put("/store", params={"graph": g}, content=b'<https://example.org/a> <https://example.org/b> "c" .\n',
                          headers={"Content-Type": "application/n-triples", **auth})
    assert r.status_code == 201
    assert remote_client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"}).text.count("\n") == 1
    assert remote_client.delete("/store", params={"graph": g}, headers=auth).status_code == 204
    assert remote_client.get("/store", params={"graph": g}).status_code == 404


def test_retrieval_index_is_kept_between_starts(remote_client, virtuoso, tmp_path):
    """Issue 19, items 4 and 6: on a remote store the retrieval index is kept on disk too, so a start
    checks it instead of reading every record from the server again; a write behind kmgraph's back
    (a graph dropped on the server) still makes the next start rebuild it."""
    def started() -> tuple[RemoteStore, object]:
        store = RemoteStore(virtuoso.sparql, graph_store_url=virtuoso.graph_store, index_home=tmp_path / "remote")
        return store, build_services(store)

    store, services = started()
    try:
        assert services.records.ensure_index()  # none yet: built
        total = load_catalogue(services, CATALOGUE)
        assert total > 0 and services.records.index.count() == total
    finally:
        store.close()
    assert (tmp_path / "remote.index" / "retrieval.sqlite").is_file()
    store, services = started()
    records = services.records
    try:
        assert not records.ensure_index()
        assert records.index.search(Query())[0] == total
        dropped = next(g.iri for g in store.graphs() if g.iri.startswith(RECORD_GRAPH))
        store.drop_graph(dropped)
    finally:
        store.close()
    store, services = started()
    try:
        assert services.records.ensure_index()
        assert services.records.index.count() == total - 1
    finally:
        for g in store.graphs():
            if g.iri.startswith(RECORD_GRAPH) or g.iri == STATISTICS_GRAPH:
                store.drop_graph(g.iri)
        store.close()


def test_tagging_models_are_kept_beside_a_remote_store_between_starts(remote_client, virtuoso, tmp_path):
    """On a remote store the tagging models lived in memory only, so every start trained all four
    projects again in the background (minutes of both cores, while the service answered). They are
    kept beside the retrieval index, with the vocabulary version they were built from."""
    from kmgraph.curation import source_for_path
    from kmgraph.services import SYSTEM
    from kmgraph.vocab.bundled import bundled_graphs

    def services() -> tuple[RemoteStore, object]:
        store = RemoteStore(virtuoso.sparql, graph_store_url=virtuoso.graph_store, index_home=tmp_path / "remote")
        return store, build_services(store)

    store, first = services()
    try:
        # A model is saved with the version it was built from: the vocabulary is loaded as a version.
        item = next(i for i in bundled_graphs() if i.id == "km-strategy")
        first.curator.load([source_for_path(item.path)], SYSTEM, item.id, force=True, comment="test")
        assert "km-strategy" in first.taggers.load_saved()  # nothing saved yet
        first.taggers.train("km-strategy")
    finally:
        store.close()
    assert (tmp_path / "remote.models" / "km-strategy.joblib").is_file()
    store, again = services()
    try:
        assert "km-strategy" not in again.taggers.load_saved()
    finally:
        store.close()


def test_remote_index_lives_apart_from_the_embedded_stores(tmp_path):
    settings = Settings.load(store=tmp_path / "store", sparql_endpoint="http://localhost:8890/sparql")
    other = Settings.load(store=tmp_path / "store", sparql_endpoint="http://elsewhere:8890/sparql")
    assert settings.remote_home.parent == tmp_path and settings.remote_home != other.remote_home
    assert settings.remote_home.name.startswith("store.remote-")
    assert Settings.load(store=tmp_path / "store").remote_home is None


@pytest.fixture(scope="module")
def capped_virtuoso(tmp_path_factory):
    """A Virtuoso whose answers hold at most 15,000 rows (the concept index needs about 12,300), with
    the bundled vocabularies and 3,000 generated records bulk-loaded behind kmgraph's back: their
    facts (~20 rows each) do not fit in one answer, as 1M records do not fit in Virtuoso's 1,048,576."""
    from bench import catalogue

    from .services import virtuoso as service

    reason = service.missing_reason()
    if reason:
        pytest.fail(reason)
    server = service.start(tmp_path_factory.mktemp("capped-virtuoso"), max_rows=15_000)
    try:
        store = RemoteStore(server.sparql, graph_store_url=server.graph_store)
        load_bundled(store)
        store.close()
        service.bulk_load(server, catalogue.write(server.directory / "records.nq", CAPPED_RECORDS))
        yield server
    finally:
        server.stop()


CAPPED_RECORDS = 3_000


def test_records_are_read_in_pages_from_a_server_that_caps_its_answers(capped_virtuoso, tmp_path, monkeypatch):
    """Issue 19, items 4 and 6: at 1M records Virtuoso cut the index's one read of every record's facts
    at 1,048,576 rows, so the index never held every record and each start rebuilt it (262 s). Read a
    page of graph names at a time (several pages here) and their facts in batches that halve while the
    server caps them, the index holds every record and the next start keeps it."""
    from kmgraph.store import remote

    monkeypatch.setattr(remote, "NAMES_PER_READ", 1_000)

    def started() -> tuple[RemoteStore, object]:
        store = RemoteStore(capped_virtuoso.sparql, graph_store_url=capped_virtuoso.graph_store,
                            index_home=tmp_path / "remote")
        return store, build_services(store)

    store, services = started()
    try:
        assert services.records.ensure_index()
        assert services.records.index.count() == CAPPED_RECORDS == services.records.counted_records()
    finally:
        store.close()
    store, services = started()
    try:
        assert not services.records.ensure_index()
    finally:
        store.close()


def test_a_capped_answer_is_an_error_not_a_part_passed_off_as_the_whole(capped_virtuoso, tmp_path):
    """A token holder's query has no row cap of kmgraph's; when the server cuts its answer short the
    user is told so (and what to do), instead of getting 15,000 of the rows as if they were all."""
    settings = Settings.load(store=tmp_path / "unused", sparql_endpoint=capped_virtuoso.sparql,
                             graph_store_endpoint=capped_virtuoso.graph_store, admin_token="t")
    store = RemoteStore(capped_virtuoso.sparql, graph_store_url=capped_virtuoso.graph_store)
    headers = {"Accept": "application/sparql-results+json", "Authorization": "Bearer t"}
    try:
        with TestClient(create_app(settings, store)) as client:
            r = client.get("/sparql", params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers=headers)
            assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
            problem = r.json()
            assert problem["type"].endswith("answer-too-large") and problem["max_rows"] == 15_000
            r = client.get("/sparql", params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10"},
                           headers=headers)
            assert len(r.json()["results"]["bindings"]) == 10
    finally:
        store.close()


def test_check_store_reads_every_quad_of_a_server_that_caps_its_answers(capped_virtuoso, tmp_path, monkeypatch):
    """``check-store``'s fingerprint read every quad in one answer, which Virtuoso cuts at 1M records
    (here at 15,000 rows): it stopped with answer-too-large. Read a page of graphs at a time, it counts
    every quad the server holds, and the same content gives the same fingerprint."""
    from kmgraph.integrity import check_store
    from kmgraph.store import remote

    monkeypatch.setattr(remote, "NAMES_PER_READ", 500)
    store = RemoteStore(capped_virtuoso.sparql, graph_store_url=capped_virtuoso.graph_store,
                        index_home=tmp_path / "remote")
    try:
        held = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        health = check_store(build_services(store))
        assert health.quads == int(next(iter(held))["n"].value) > 15_000 * 3
        assert store.fingerprint() == (health.quads, health.fingerprint)
    finally:
        store.close()


def test_a_server_holding_more_graphs_than_one_answer_starts_as_a_store_with_data(tmp_path):
    """A start asks whether the store is empty. It listed every graph with its size: one answer as
    large as the store, which Virtuoso cuts (at 1,048,576 rows: 1.05M records), so kmgraph could not
    start at all, and which took 7 s at 200,000 records. A few graph names tell it, under any cap."""
    from bench import catalogue

    from .services import virtuoso as service

    reason = service.missing_reason()
    if reason:
        pytest.fail(reason)
    server = service.start(tmp_path / "virtuoso", max_rows=50)
    try:
        store = RemoteStore(server.sparql, graph_store_url=server.graph_store)
        try:
            assert store.is_empty()  # only the graphs Virtuoso keeps for itself
            service.bulk_load(server, catalogue.write(server.directory / "records.nq", 120))
            assert not store.is_empty()
            with pytest.raises(AnswerCappedError):
                store.graphs()  # what the start asked before
        finally:
            store.close()
    finally:
        server.stop()


def test_a_cap_the_server_does_not_give_as_a_number_is_not_reported_as_zero_rows(monkeypatch):
    """Some servers mark a cut answer without a row count: the error says the answer was cut, not
    that the server returns at most 0 rows."""
    import functools

    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"X-SPARQL-MaxRows": "yes", "Content-Type": "application/sparql-results+json"},
                              content=b'{"head": {}, "boolean": true}')

    monkeypatch.setattr(httpx, "Client", functools.partial(httpx.Client, transport=httpx.MockTransport(answer)))
    store = RemoteStore("http://sparql.invalid/sparql")
    with pytest.raises(AnswerCappedError) as caught:
        store.query("SELECT * WHERE { ?s ?p ?o }")
    assert caught.value.rows is None and "0 rows" not in str(caught.value)
    assert "limits the rows of an answer and cut this one short" in str(caught.value)
    store.close()
