"""Web pages without a browser: the curator's check-confirm-abandon flow, error pages, downloads,
and the guarantee that the pages and the JSON API agree (they call the same functions)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kmgraph.access import TokenRegistry
from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.services import CATALOGUE, build_services, load_catalogue
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled

from .conftest import REPO

TEMPLATE = (REPO / "examples/vocabularies/template.csv").read_bytes()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    store = EmbeddedStore(None)
    load_bundled(store)
    services = build_services(store)
    load_catalogue(services, CATALOGUE)
    registry = TokenRegistry(root / "tokens.json")
    tokens = {"curator": registry.create("cur-web", "curator"), "node": registry.create("node-web", "node")}
    with TestClient(create_app(Settings.load(store=root / "s", tokens_file=root / "tokens.json"), store,
                               services)) as client:
        yield client, tokens
    store.close()


def staged_id(html: str) -> str:
    return re.search(r'name="staged" value="([^"]+)"', html).group(1)


def upload(client, token: str, vocab: str = "mini"):
    return client.post("/ui/curate", data={"vocab": vocab, "token": token},
                       files={"file": ("template.csv", TEMPLATE, "text/csv")})


def test_curator_checks_then_confirms_or_abandons(site):
    client, tokens = site
    checked = upload(client, tokens["curator"])
    assert checked.status_code == 200 and "Quality gate" in checked.text
    assert client.get("/vocabularies/mini").status_code == 404, "a check stores nothing"
    abandoned = client.post("/ui/curate/decide", data={"staged": staged_id(checked.text), "decision": "abandon"})
    assert "abandoned" in abandoned.text and client.get("/vocabularies/mini").status_code == 404
    again = client.post("/ui/curate/decide", data={"staged": staged_id(checked.text), "decision": "confirm"})
    assert again.status_code == 404 and "no longer waiting" in again.text  # one decision per upload
    confirmed = client.post("/ui/curate/decide", data={"staged": staged_id(upload(client, tokens["curator"]).text),
                                                       "decision": "confirm", "force": "yes"})
    assert re.search(r"Version 1 of mini: current", confirmed.text)
    versions = client.get("/vocabularies/mini/versions").json()
    assert versions[0]["agent"] == "cur-web" and versions[0]["role"] == "curator"
    second = upload(client, tokens["curator"])
    assert "Changes against the current version" in second.text  # the diff of the dry run


def test_curator_page_needs_the_curate_right(site):
    client, tokens = site
    for token, status in (("", 401), ("kmg_nonsense", 401), (tokens["node"], 403)):
        page = upload(client, token, "other")
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in page.text and "Traceback" not in page.text


def test_validation_page_matches_the_api_and_downloads(site):
    client, _ = site
    record = (REPO / "examples/records/invalid/missing-title.ttl").read_text()
    page = client.post("/ui/validate", data={"record": record, "syntax": "turtle", "message_lang": "es"})
    api = client.post("/validate?lang=es", content=record, headers={"Content-Type": "text/turtle"}).json()
    for finding in api["records"][0]["results"]:
        assert finding["message"] in page.text
    turtle = client.post("/ui/validate", data={"record": record, "message_lang": "en", "download": "turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "sh:ValidationReport" in turtle.text
    empty = client.post("/ui/validate", data={"record": "  "})
    assert empty.status_code == 400 and "paste a record" in empty.text


def test_search_page_matches_the_api(site):
    client, _ = site
    api = client.get("/records", params={"target": "GBF-TARGET-21", "expand": "narrower"}).json()
    page = client.get("/ui/search", params={"target": "GBF-TARGET-21", "expand": "narrower"})
    assert f"{api['total']} records" in page.text
    for hit in api["results"]:
        assert f'/records/{hit["id"]}' in page.text
    facet = next(iter(api["facets"]["type"]))[3:]
    assert f"type={facet}" in page.text


def test_concept_iri_opens_the_page_in_a_browser(site):
    client, _ = site
    page = client.get("/id/GBF-TARGET-21", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and "<h1" in page.text and 'aria-label="Hierarchy"' in page.text
    turtle = client.get("/id/GBF-TARGET-21", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "GBF-TARGET-21" in turtle.text
