"""metadata.cbd.int's KMGBF REST API on kmgraph: paths, shapes, languages, formats, CORS, errors."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled

API = "/api/kmgbf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = EmbeddedStore(None, query_workers=0)
    load_bundled(store)
    app = create_app(Settings.load(store=tmp_path_factory.mktemp("kmgbf") / "s"), store=store)
    with TestClient(app) as c:
        yield c
    store.close()


def get(client, path: str, **params):
    r = client.get(API + path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_goals_and_one_goal(client):
    goals = get(client, "/goals")
    assert [g["code"] for g in goals] == ["A", "B", "C", "D"]
    assert goals[0]["uri"] == "http://metadata.cbd.int/kmgbf/goal_A" and goals[0]["label"] == "Goal A"
    goal = get(client, "/goals/A", lang="fr")
    assert goal["label"] == {"fr": "Objectif A"}
    assert goal["definition"]["fr"].startswith("Préserver, améliorer ou rétablir l'intégrité")
    indicators = get(client, "/goals/A/indicators")
    assert {"code": "A.1", "role": "headline"}.items() <= next(i for i in indicators if i["code"] == "A.1").items()


def test_targets_and_their_indicators(client):
    targets = get(client, "/targets")
    assert [t["code"] for t in targets] == [str(n) for n in range(1, 24)]
    three = get(client, "/targets/3", lang="es")
    assert three["label"] == {"es": "Meta 3"} and three["title"]["es"].startswith("Conservar el 30 %")
    roles = {(i["code"], i["role"]) for i in get(client, "/targets/1/indicators")}
    assert {("A.1", "headline"), ("A.2", "headline"), ("1.1", "headline")} <= roles
    assert ("7.1", "complementary") in {(i["code"], i["role"]) for i in get(client, "/targets/8/indicators")}


def test_indicators_by_role_and_one_indicator(client):
    assert len(get(client, "/indicators")) == 204
    headline = get(client, "/indicators", role="headline")
    assert len(headline) == 27 and all("headline" in i["roles"] for i in headline)
    a1 = get(client, "/indicators/A.1")
    assert a1["uri"] == "http://metadata.cbd.int/kmgbf/indicator_A.1" and a1["label"] == {"en": "Red List of Ecosystems"}
    assert {(m["uri"], m["type"], m["role"]) for m in a1["monitors"]} == {
        ("http://metadata.cbd.int/kmgbf/goal_A", "Goal", "headline"),
        ("http://metadata.cbd.int/kmgbf/target_1", "Target", "headline")}
    assert a1["custodianAgency"] and a1["definition"]["en"]
    binary = get(client, "/indicators/1.b")
    assert binary["custodianAgency"] is None and binary["definition"] is None
    seven = get(client, "/indicators/7.1", lang="all")
    assert set(seven["label"]) == {"en", "fr", "es"}
    assert {(m["code"], m["role"]) for m in seven["monitors"]} == {("7", "headline"), ("8", "complementary")}


def test_role_edge_list(client):
    rows = get(client, "/indicators/roles")
    assert len(rows) == 274
    assert {r["roleCode"] for r in rows} == {"HI", "BI", "CT", "CY"}
    assert len(get(client, "/indicators/roles", role="headline")) == 37


def test_search_is_accent_and_case_insensitive(client):
    marine = get(client, "/search", q="marine")
    assert marine and all("marine" in (r["label"] or "").lower() or "marine" in (r.get("title") or "").lower()
                          for r in marine)
    french = get(client, "/search", q="PROTEGEES", lang="fr")
    assert "3.1" in {r["code"] for r in french}
    assert len(get(client, "/search", q="ecosystem", include="definition")) > len(get(client, "/search", q="ecosystem"))


def test_custodian_agencies(client):
    body = get(client, "/custodian-agencies")
    assert body["count"] == len(body["custodianAgencies"]) > 10
    iucn = next(a for a in body["custodianAgencies"] if a["agency"] == "International Union for Conservation of Nature (IUCN)")
    assert "A.3" in iucn["indicators"]


def test_lang_all_csv_and_xlsx(client):
    r = client.get(API + "/targets", params={"format": "csv", "lang": "all", "include": "definition"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 23 and rows[2]["label_fr"] == "Cible 3" and rows[2]["definition_es"].startswith("Garantizar")
    r = client.get(API + "/indicators/roles", params={"format": "xlsx", "lang": "all"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.values)
    assert len(values) == 1 + 274
    header = values[0]
    assert {"indicatorLabel_en", "indicatorLabel_fr", "indicatorLabel_es", "roleCode"} <= set(header)
    fr = header.index("indicatorLabel_fr")
    assert any(row[fr] == "Liste rouge des écosystèmes" for row in values[1:])


@pytest.mark.parametrize("path,params,status", [
    ("/targets", {"lang": "de"}, 400), ("/targets", {"format": "pdf"}, 400), ("/indicators", {"role": "main"}, 400),
    ("/targets", {"include": "everything"}, 400), ("/goals/A", {"format": "csv"}, 400),
    ("/goals/Z", {}, 404), ("/targets/99", {}, 404), ("/targets/three", {}, 404), ("/indicators/Z.9", {}, 404),
    ("/goals/Q/indicators", {}, 404), ("/search", {}, 422), ("/search", {"q": " "}, 400),
])
def test_bad_parameters_are_problems(client, path, params, status):
    r = client.get(API + path, params=params)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    if params.get("lang"):
        assert "en, fr, es" in r.json()["detail"]


def test_cors_on_the_api_only(client):
    r = client.get(API + "/goals", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    preflight = client.options(API + "/targets", headers={"Origin": "https://example.org",
                                                          "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    other = client.get("/vocabularies", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in other.headers


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/goals", "/goals/{code}", "/goals/{code}/indicators", "/targets", "/targets/{number}",
                 "/targets/{number}/indicators", "/indicators", "/indicators/roles", "/indicators/{code}", "/search",
                 "/custodian-agencies"):
        assert API + path in paths, path


def test_a_script_for_metadata_cbd_int_works_unchanged(live_server):
    """What api.md shows, with only the base URL changed, over real HTTP."""
    base = live_server.url + API
    with httpx.Client(base_url=base, timeout=30) as http:
        assert len(http.get("/goals").json()) == 4
        assert http.get("/targets/3", params={"lang": "fr"}).json()["label"] == {"fr": "Cible 3"}
        assert http.get("/indicators/A.1").json()["custodianAgency"]
        roles = http.get("/indicators/roles", params={"format": "csv"})
        assert len(list(csv.reader(io.StringIO(roles.content.decode("utf-8-sig"))))) == 1 + 274
