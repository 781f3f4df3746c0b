"""Records over HTTP: submit (validated), read, replace, tag, history, soft delete; retrieval with
facets and expansion; concept search and concept pages; the sample catalogue loaded by init."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.services import build_services, initialise
from kmgraph.store import EmbeddedStore
from kmgraph.validation.inputs import parse_records

from .conftest import REPO

AUTH = {"Authorization": "Bearer rec-token"}
EXAMPLES = REPO / "examples/records/valid"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("records") / "db", query_workers=1)
    services = build_services(store)
    initialise(services)
    with TestClient(create_app(Settings.load(admin_token="rec-token"), store, services)) as c:
        yield c
    store.close()


def submit(client, name: str, media: str = "text/turtle"):
    return client.post("/records", content=(EXAMPLES / name).read_bytes(), headers={"Content-Type": media, **AUTH})


def test_sample_catalogue_is_loaded(client):
    data = client.get("/records", params={"size": 1}).json()
    assert data["total"] >= 50
    decision = client.get("/records", params={"q": "Kunming-Montreal Global Biodiversity Framework", "type": "decision"}).json()
    assert any(r["title"] == "Kunming-Montreal Global Biodiversity Framework" for r in decision["results"])


def test_submit_read_replace_history(client):
    r = submit(client, "capacity-building-bioland-training.ttl")
    assert r.status_code == 201, r.text
    record_id = r.json()["id"]
    assert r.headers["location"].endswith(f"/records/{record_id}")
    again = submit(client, "capacity-building-bioland-training.ttl")
    assert again.status_code == 409
    turtle = client.get(f"/records/{record_id}", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == "http://www.w3.org/ns/prov#wasAttributedTo" for t in triples)
    assert client.get(f"/records/{record_id}", headers={"Accept": "application/ld+json"}).status_code == 200
    body = (EXAMPLES / "capacity-building-bioland-training.ttl").read_text().replace('"ongoing"', '"completed"')
    r = client.put(f"/records/{record_id}", content=body, headers={"Content-Type": "text/turtle", **AUTH})
    assert r.status_code == 200 and [h["action"] for h in r.json()["history"]] == ["create", "replace"]
    assert b"completed" in client.get(f"/records/{record_id}", headers={"Accept": "text/turtle"}).content


def test_invalid_record_is_rejected_and_not_stored(client):
    before = client.get("/records").json()["total"]
    body = (REPO / "examples/records/invalid/missing-title.ttl").read_bytes()
    r = client.post("/records", content=body, headers={"Content-Type": "text/turtle", **AUTH})
    assert r.status_code == 422 and r.json()["report"]["conforms"] is False
    assert client.get("/records").json()["total"] == before


def test_tags_and_soft_delete(client):
    record_id = submit(client, "good-practice-belgium-biodiversity-in-cities.jsonld", "application/ld+json").json()["id"]
    r = client.post(f"/records/{record_id}/tags", json={"concepts": ["GBF-TARGET-21"]}, headers=AUTH)
    assert r.status_code == 200 and r.json()["added"] == ["https://w3id.org/kmgraph/id/GBF-TARGET-21"]
    assert client.post(f"/records/{record_id}/tags", json={"concepts": ["GBF-TARGET-99"]}, headers=AUTH).status_code == 404
    hits = client.get("/records", params={"target": "GBF-TARGET-21"}).json()["results"]
    assert record_id in [h["id"] for h in hits]
    assert client.delete(f"/records/{record_id}/tags/GBF-TARGET-21", headers=AUTH).status_code == 204
    assert client.delete(f"/records/{record_id}/tags/GBF-TARGET-21", headers=AUTH).status_code == 404
    assert client.delete(f"/records/{record_id}").status_code == 401
    assert client.delete(f"/records/{record_id}", headers=AUTH).status_code == 204
    assert client.get(f"/records/{record_id}").status_code == 410
    history = client.get(f"/records/{record_id}/history").json()
    assert [h["action"].split()[0] for h in history] == ["create", "tag-add", "tag-remove", "delete"]
    assert record_id not in [h["id"] for h in client.get("/records", params={"size": 100}).json()["results"]]


def test_writes_need_a_token(client):
    body = (EXAMPLES / "cbd-decision-15-4.ttl").read_bytes()
    assert client.post("/records", content=body, headers={"Content-Type": "text/turtle"}).status_code == 401
    bad = {"Content-Type": "text/turtle", "Authorization": "Bearer wrong"}
    assert client.post("/records", content=body, headers=bad).status_code == 401


def test_unknown_record_and_bad_parameters(client):
    assert client.get("/records/0000000000000000").status_code == 404
    assert client.get("/records/..%2F..%2Fetc").status_code == 404
    assert client.get("/records", params={"size": 1000}).status_code == 422
    assert client.get("/records", params={"expand": "sideways"}).status_code == 422
    assert client.get("/records", params={"target": "GBF-TARGET-99"}).status_code == 404
    assert client.get("/records", params={"from": 2020, "to": 2010}).status_code == 400


@pytest.mark.parametrize("params,fragment", [({"year": "abc"}, "year"), ({"yaer": "2010"}, "unknown query parameter yaer"),
                                             ({"year": 2010, "from": 2000}, "either year or from/to")])
def test_a_filter_is_never_silently_ignored(client, params, fragment):
    r = client.get("/records", params=params)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert fragment in r.text


def test_year_filter(client):
    every = client.get("/records", params={"size": 100}).json()["results"]
    year = int(every[0]["date"][:4])
    found = client.get("/records", params={"year": year, "size": 100}).json()["results"]
    assert found and all(r["date"].startswith(str(year)) for r in found) and len(found) < len(every)
    assert found == client.get("/records", params={"from": year, "to": year, "size": 100}).json()["results"]


def test_expansion_down_and_across(client):
    direct = client.get("/records", params={"concept": "AICHI-TARGET-05"}).json()
    crosswalked = client.get("/records", params={"concept": "AICHI-TARGET-05", "expand": "crosswalk"}).json()
    assert crosswalked["total"] >= direct["total"] > 0
    vias = {v["expansion"] for r in crosswalked["results"] for v in r["via"]}
    assert "exact" in vias
    goal = client.get("/records", params={"target": "GBF-GOAL-C", "expand": "narrower"}).json()
    assert any(v["expansion"] == "narrower" and v["tag"] == "GBF-TARGET-13" for r in goal["results"] for v in r["via"])


def test_facets_and_full_text(client):
    data = client.get("/records", params={"q": "forest"}).json()
    assert data["total"] > 0 and all("forest" in r["title"].lower() for r in data["results"])
    facets = client.get("/records").json()["facets"]
    assert set(facets) == {"type", "country", "year", "target"}
    assert facets["type"]["KO-DECISION"] >= 7
    hostile = client.get("/records", params={"q": 'forest" OR title:*'})
    assert hostile.status_code == 200
    jsonld = client.get("/records", params={"q": "forest"}, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    triples = parse_records(jsonld.content, ox.RdfFormat.JSON_LD)  # the bundled context resolves locally
    titles = [t for t in triples if t.predicate.value == "http://purl.org/dc/terms/title"]
    assert len(titles) == len(data["results"])


def test_concept_search(client):
    r = client.get("/concepts/search", params={"query": "biodiversite", "lang": "fr"}).json()
    assert r["total"] > 0 and all("biodiversité" in h["matchedLabel"].lower() for h in r["results"])
    exact = client.get("/concepts/search", params={"query": "GBF-TARGET-02"}).json()["results"][0]
    assert exact["notation"] == "GBF-TARGET-02" and exact["matchedField"] == "notation"
    ranked = client.get("/concepts/search", params={"query": "restor*", "vocab": "gbf"}).json()["results"]
    assert {h["notation"] for h in ranked} >= {"GBF-TARGET-02", "GBF-TARGET-11"}
    assert client.get("/concepts/search", params={"query": ""}).status_code == 422
    assert client.get("/concepts/search", params={"query": "*"}).status_code == 400


def test_concept_detail_and_dereferencing(client):
    detail = client.get("/concepts/GBF-TARGET-04").json()
    assert detail["path"][0]["notation"] == "GBF-GOAL-A"
    assert any(m["notation"] == "AICHI-TARGET-12" and m["source"] for m in detail["mappings"])
    assert any(i["notation"] == "GBF-INDICATOR-176" for i in detail["indicators"])
    by_uri = client.get("/concepts", params={"uri": "http://metadata.un.org/sdg/15.1", "lang": "fr"}).json()
    assert by_uri["prefLabelLang"] == "fr"
    html = client.get("/id/GBF-TARGET-04", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Halt Species Extinction" in html.text
    turtle = client.get("/id/GBF-TARGET-04", headers={"Accept": "text/turtle"})
    assert b"GBF-TARGET-04" in turtle.content
    assert client.get("/concepts/NOPE-1").status_code == 404
