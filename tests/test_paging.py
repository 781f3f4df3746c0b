"""Paging (issue 19, item 1): named queries over HTTP and the CLI take limit and offset, answer a page
in the query's order and say with `Link: rel="next"` whether more rows follow; record lists too."""

from __future__ import annotations

import csv
import json
import io

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.cli import main
from kmgraph.config import Settings
from kmgraph.queries import QueryCatalog
from kmgraph.sparql.lexer import cap_rows, with_offset

CSV = {"accept": "text/csv"}


@pytest.fixture
def client(store, tmp_path):
    settings = Settings.load(store=tmp_path / "unused", admin_token="s3cret", max_page_size=50)
    with TestClient(create_app(settings, store)) as c:
        yield c


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))[1:]


@pytest.mark.parametrize("text, expected", [
    ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nOFFSET 20\n"),
    ("SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 2", "SELECT * { ?s ?p ?o } OFFSET 20 LIMIT 2"),
    ("SELECT * { ?s ?p ?o } VALUES ?s { <a:b> }", "SELECT * { ?s ?p ?o } OFFSET 20\nVALUES ?s { <a:b> }"),
    ("SELECT * { { SELECT * { ?s ?p ?o } OFFSET 3 } }", "SELECT * { { SELECT * { ?s ?p ?o } OFFSET 3 } }\nOFFSET 20\n"),
])
def test_offset_is_set_at_the_top_level_only(text, expected):
    assert with_offset(text, 20) == expected


def test_row_cap_still_lowers_a_larger_limit_only():
    assert cap_rows("SELECT * {} LIMIT 5", 10) == "SELECT * {} LIMIT 5"
    assert cap_rows("SELECT * {} LIMIT 50", 10) == "SELECT * {} LIMIT 10"


def test_every_named_query_has_an_order():
    """Pages are only meaningful in a fixed order: every named SELECT says ORDER BY."""
    unordered = [q.name for q in QueryCatalog() if "ORDER BY" not in q.text.upper() and "SELECT" in q.text.upper()]
    assert unordered == []


def test_pages_follow_one_another_to_the_whole_answer(client):
    whole = rows(client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03", "limit": 50},
                            headers=CSV))
    assert len(whole) > 7
    seen, url, pages = [], "/queries/target-indicators?target=GBF-TARGET-03&limit=3", 0
    while url:
        r = client.get(url, headers=CSV)
        assert r.status_code == 200 and len(rows(r)) <= 3
        seen += rows(r)
        url = r.links.get("next", {}).get("url")
        pages += 1
        if pages > 1:
            assert "offset=" in r.links["prev"]["url"]
    assert seen == whole
    assert pages == -(-len(whole) // 3)


def test_default_page_and_the_json_answer(client):
    every = len(rows(client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03", "limit": 50},
                                headers=CSV)))
    r = client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03"})  # fewer than a default page
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == every < 100
    assert "link" not in r.headers
    first = client.get("/queries/target-indicators", params={"target": "GBF-TARGET-03", "limit": 5})
    assert len(first.json()["results"]["bindings"]) == 5 and 'rel="next"' in first.headers["link"]
    assert "prev" not in first.links


@pytest.mark.parametrize("params, message", [
    ({"limit": 0}, "limit must be between 1 and 50"),
    ({"limit": 51}, "limit must be between 1 and 50"),
    ({"offset": -1}, "offset must be 0 or more"),
])
def test_bad_windows_are_422(client, params, message):
    r = client.get("/queries/goal-targets", params={"goal": "GBF-GOAL-A", **params})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert message in r.json()["detail"]


def test_not_a_number_is_a_problem_not_a_crash(client):
    r = client.get("/queries/goal-targets", params={"goal": "GBF-GOAL-A", "limit": "many"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_paging_is_documented(client):
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/queries/{name}"]["get"]["parameters"]}
    assert {"limit", "offset"} <= names


def test_cli_pages_a_named_query(store, tmp_path):
    from kmgraph.store import EmbeddedStore
    from kmgraph.vocab import bundled

    path = tmp_path / "s"
    with EmbeddedStore(path, query_workers=0) as s:
        bundled.load_bundled(s)
    runner = CliRunner()
    result = runner.invoke(main, ["query", "goal-targets", "-p", "goal=GBF-GOAL-A", "--limit", "2", "--offset", "2",
                                  "--format", "csv", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert [r[1] for r in list(csv.reader(io.StringIO(result.stdout)))[1:]] == ["GBF-TARGET-03", "GBF-TARGET-04"]
    assert "--offset 4 gives the next page" in result.stderr
    own = runner.invoke(main, ["query", "-e", "SELECT * { ?s ?p ?o }", "--limit", "2", "--store", str(path)])
    assert own.exit_code == 2 and "write LIMIT and OFFSET in your own query" in own.output


@pytest.fixture(scope="module")
def catalogue_client(tmp_path_factory):
    """An app on a store with the bundled sample catalogue (the session store has no records)."""
    from kmgraph.services import CATALOGUE, build_services, load_catalogue
    from kmgraph.store import EmbeddedStore
    from kmgraph.vocab import bundled

    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    services = build_services(store)
    load_catalogue(services, CATALOGUE)
    settings = Settings.load(store=tmp_path_factory.mktemp("unused") / "s")
    with TestClient(create_app(settings, store, services)) as c:
        yield c


def test_record_lists_link_their_pages(catalogue_client):
    client = catalogue_client
    r = client.get("/records", params={"size": 1})
    total = r.json()["total"]
    assert total > 1 and 'rel="next"' in r.headers["link"] and "page=2" in r.links["next"]["url"]
    last = client.get("/records", params={"size": 1, "page": total})
    assert "next" not in last.links and "page=" in last.links["prev"]["url"]


TERMS_STORE = """
<https://e.org/a> <https://e.org/p> "plain \\"quoted\\"\\nline"@en , "1"^^<http://www.w3.org/2001/XMLSchema#integer> ,
    "ünïcödé ✓" , <https://e.org/b> .
<https://e.org/b> <https://e.org/p> "2026-12-04"^^<http://www.w3.org/2001/XMLSchema#date> , "tab\\there"@pt-BR .
"""


def counting(store):
    from kmgraph.sparql.execution import run_on

    calls = []
    inner = run_on(store)

    def run(query, kwargs):
        calls.append(query)
        return inner(query, kwargs)
    return run, calls


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/tab-separated-values"])
def test_a_slow_first_page_is_read_back_not_run_again(monkeypatch, media):
    """A truncated page of a query slower than reading its rows back runs once, and holds exactly what
    running it again with LIMIT cap gives (literals of every kind, unbound values, in order)."""
    import pyoxigraph as ox

    from kmgraph.sparql import execution

    store = ox.Store()
    store.load(TERMS_STORE.encode(), format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s STR(?o)"
    job = execution.QueryJob(query, results_media_type=media, row_cap=4)
    monkeypatch.setattr(execution, "SECONDS_PER_ROW_READ_BACK", 1e9)  # every query is "quick" now
    run, calls = counting(store)
    rerun = execution.execute(run, job)
    assert rerun.truncated and len(calls) == 2  # quicker than reading back: run again
    monkeypatch.setattr(execution, "SECONDS_PER_ROW_READ_BACK", 0.0)  # every query is "slow" now
    run, calls = counting(store)
    read_back = execution.execute(run, job)
    assert read_back.truncated and len(calls) == 1
    assert read_back.body == rerun.body


def test_a_page_with_a_blank_node_is_run_again(monkeypatch):
    import pyoxigraph as ox

    from kmgraph.sparql import execution

    store = ox.Store()
    store.load(b"_:x <https://e.org/p> 1 , 2 , 3 .", format=ox.RdfFormat.TURTLE)
    monkeypatch.setattr(execution, "SECONDS_PER_ROW_READ_BACK", 0.0)
    run, calls = counting(store)
    out = execution.execute(run, execution.QueryJob("SELECT ?s ?o { ?s ?p ?o } ORDER BY ?o", row_cap=2))
    assert out.truncated and len(calls) == 2 and len(json.loads(out.body)["results"]["bindings"]) == 2
