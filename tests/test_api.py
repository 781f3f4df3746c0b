"""HTTP foundation: health, OpenAPI docs, vocabulary listing, bearer-token writes, problem+json errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings


@pytest.fixture
def client(store, tmp_path):
    settings = Settings.load(store=tmp_path / "unused", admin_token="s3cret")
    with TestClient(create_app(settings, store)) as c:
        yield c


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["backend"] == "EmbeddedStore"


def test_openapi_documents_every_route(client):
    spec = client.get("/openapi.json").json()
    assert {"/health", "/vocabularies", "/admin/reload-bundled"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_api_docs_work_offline(client):
    """/docs names no other host: Swagger UI's files come from the service itself."""
    import re

    page = client.get("/docs").text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)""", page) + re.findall(r"""url: ["']([^"']+)""", page)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200 and r.content, asset
    assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
    assert client.get("/redoc").status_code == 404  # ReDoc loads from a CDN: not offered


def test_vocabularies(client):
    vocabs = {v["id"]: v for v in client.get("/vocabularies").json()}
    assert vocabs["gbf"]["triples"] > 300
    assert vocabs["gbf"]["graph"] == "https://w3id.org/kmgraph/graph/vocab/gbf"


def test_write_needs_token(client):
    r = client.post("/admin/reload-bundled")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/admin/reload-bundled", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_write_with_admin_token(client):
    before = client.get("/vocabularies").json()
    r = client.post("/admin/reload-bundled", headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200 and r.json()["graphs"] == 14
    after = client.get("/vocabularies").json()
    assert [(v["id"], v["triples"]) for v in after] == [(v["id"], v["triples"]) for v in before]
    # each reload is a new version of every vocabulary, through the quality gate
    assert all(v["current_version"] == (b["current_version"] or 0) + 1 for v, b in zip(after, before))


def test_unknown_path_is_problem_json(client):
    r = client.get("/no/such/thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Not found"


def test_wrong_method_is_problem_json(client):
    r = client.delete("/health")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
