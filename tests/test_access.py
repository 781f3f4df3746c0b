"""Access control: hashed tokens with roles, 401/403 as problem+json, record ownership, the audit log,
rate limits per client and token, and the cap on concurrent expensive requests."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from kmgraph.access import TokenRegistry
from kmgraph.access.tokens import digest, parse_env_tokens
from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.errors import ConfigError
from kmgraph.services import build_services
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled

from .conftest import REPO

RECORD = (REPO / "examples/records/valid/capacity-building-bioland-training.ttl").read_bytes()
TURTLE = {"Content-Type": "text/turtle"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A served store with one token per role (two nodes), created the way `kmgraph token create` does."""
    root = tmp_path_factory.mktemp("access")
    store = EmbeddedStore(root / "db", query_workers=1)
    load_bundled(store)
    registry = TokenRegistry(root / "tokens.json")
    tokens = {name: registry.create(name, role) for name, role in
              (("node-a", "node"), ("node-b", "node"), ("cur", "curator"), ("boss", "admin"))}
    settings = Settings.load(store=root / "db", tokens_file=root / "tokens.json", )
    app = create_app(settings, store, build_services(store))
    with TestClient(app) as client:
        yield client, tokens, registry
    store.close()


def test_tokens_are_stored_as_digests(tmp_path):
    registry = TokenRegistry(tmp_path / "t.json")
    token = registry.create("node-x", "node")
    text = (tmp_path / "t.json").read_text()
    assert token not in text and digest(token) in text
    assert (tmp_path / "t.json").stat().st_mode & 0o077 == 0
    assert registry.authenticate(token).role == "node"
    assert registry.authenticate(token + "x") is None
    with pytest.raises(Exception, match="exists"):
        registry.create("node-x", "curator")
    assert registry.revoke("node-x") and registry.authenticate(token) is None
    assert parse_env_tokens(f"ops:admin:{digest('t')}, n1:node:{digest('u')}")[1].name == "n1"
    with pytest.raises(ConfigError):
        parse_env_tokens("ops:superuser:abc")


def test_missing_and_wrong_tokens(world):
    client, tokens, _ = world
    r = client.post("/records", content=RECORD, headers=TURTLE)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/records", content=RECORD, headers={**TURTLE, **bearer("kmg_not-a-token")})
    assert r.status_code == 401 and r.json()["type"].endswith("/invalid-token")
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'  # RFC 6750
    r = client.put("/vocabularies/mini?dry_run=true", content=b"", headers={**TURTLE, **bearer(tokens["node-a"])})
    assert r.status_code == 403 and "curate" in r.json()["detail"]
    r = client.post("/update", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                    headers={"Content-Type": "application/sparql-update", **bearer(tokens["cur"])})
    assert r.status_code == 403
    r = client.post("/update", content="INSERT DATA { GRAPH <urn:g:access> { <urn:a> <urn:b> <urn:c> } }",
                    headers={"Content-Type": "application/sparql-update", **bearer(tokens["boss"])})
    assert r.status_code == 204


def test_record_ownership(world):
    client, tokens, _ = world
    r = client.post("/records", content=RECORD, headers={**TURTLE, **bearer(tokens["node-a"])})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    tag = {"concepts": ["GBF-TARGET-20"]}
    assert client.post(f"/records/{rid}/tags", json=tag, headers=bearer(tokens["node-b"])).status_code == 403
    assert client.put(f"/records/{rid}", content=RECORD, headers={**TURTLE, **bearer(tokens["node-b"])}).status_code == 403
    assert client.delete(f"/records/{rid}", headers=bearer(tokens["node-b"])).status_code == 403
    assert client.post(f"/records/{rid}/tags", json=tag, headers=bearer(tokens["node-a"])).status_code == 200
    assert client.delete(f"/records/{rid}/tags/GBF-TARGET-20", headers=bearer(tokens["cur"])).status_code == 204
    assert client.delete(f"/records/{rid}", headers=bearer(tokens["cur"])).status_code == 403
    history = client.get(f"/records/{rid}/history").json()
    assert [(h["by"], h["role"]) for h in history] == [("node-a", "node"), ("node-a", "node"), ("cur", "curator")]
    assert client.delete(f"/records/{rid}", headers=bearer(tokens["boss"])).status_code == 204


def test_audit_log_records_every_write_attempt(world):
    client, tokens, registry = world
    client.post("/records", content=RECORD, headers=TURTLE)  # anonymous: refused, still audited
    client.post("/records/nosuchrecord/tags", json={"concepts": ["GBF-TARGET-01"]}, headers=bearer(tokens["node-b"]))
    assert client.get("/audit", headers=bearer(tokens["cur"])).status_code == 403
    rows = client.get("/audit", params={"limit": 1000}, headers=bearer(tokens["boss"])).json()
    assert rows[0]["action"] == "POST /records/nosuchrecord/tags" and rows[0]["actor"] == "node-b"
    assert rows[0]["status"] == 404 and rows[0]["result"] == "rejected"
    assert rows[1]["actor"] == "anonymous" and rows[1]["result"] == "denied" and rows[1]["status"] == 401
    assert {"node-a", "cur", "boss"} <= {r["actor"] for r in rows}
    denied = client.get("/audit", params={"result": "denied"}, headers=bearer(tokens["boss"])).json()
    assert denied and all(r["result"] == "denied" for r in denied)
    assert not any(r["action"].startswith("GET") for r in rows), "reads are not writes"
    late = registry.create("node-late", "node")  # a token made while the service runs works at once
    assert client.post("/records/nosuchrecord/tags", json={"concepts": ["GBF-TARGET-01"]},
                       headers=bearer(late)).status_code == 404


def test_rate_limits_per_address_and_token(tmp_path):
    store = EmbeddedStore(None)
    load_bundled(store)
    registry = TokenRegistry(tmp_path / "tokens.json")
    token = registry.create("node-r", "node")
    settings = Settings.load(store=tmp_path / "s", tokens_file=tmp_path / "tokens.json",
                             rate_limit="3/minute", rate_limit_token="5/minute")
    with TestClient(create_app(settings, store)) as client:
        codes = [client.get("/concepts/search", params={"query": "restor"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/concepts/search", params={"query": "restor"})
        assert r.headers["content-type"] == "application/problem+json" and int(r.headers["retry-after"]) >= 1
        assert client.get("/health").status_code == 200, "health checks are never limited"
        codes = [client.get("/concepts/search", params={"query": "x"}, headers=bearer(token)).status_code
                 for _ in range(6)]
        assert codes == [200] * 5 + [429]


def test_expensive_requests_are_capped(tmp_path):
    store = EmbeddedStore(None)
    load_bundled(store)
    settings = Settings.load(store=tmp_path / "s", max_expensive=1, query_wait=0.2)
    app = create_app(settings, store)
    with TestClient(app) as client:
        client.portal.call(app.state.expensive.__aenter__)  # another request holds the only slot
        r = client.post("/validate", content=RECORD, headers=TURTLE)
        assert r.status_code == 429 and r.json()["type"].endswith("/busy")
        assert client.get("/concepts/search", params={"query": "restor"}).status_code == 200
        client.portal.call(app.state.expensive.__aexit__, None, None, None)
        assert client.post("/validate", content=RECORD, headers=TURTLE).status_code == 200


def test_cli_token_and_audit(tmp_path):
    def kmgraph(*args):
        return subprocess.run([sys.executable, "-m", "kmgraph", *args, "--store", str(tmp_path / "db")],
                              check=False, capture_output=True, text=True)

    created = kmgraph("token", "create", "--role", "curator", "--name", "alice")
    assert created.returncode == 0 and created.stdout.startswith("kmg_")
    assert created.stdout.strip() not in (tmp_path / "db.tokens.json").read_text()
    assert "alice" in kmgraph("token", "list").stdout
    assert kmgraph("token", "create", "--role", "curator", "--name", "alice").returncode == 2
    mini = REPO / "examples/vocabularies/template.csv"
    assert kmgraph("load", str(mini), "--vocab", "mini", "--base", "https://example.org/mini/").returncode in (0, 1)
    rows = json.loads(kmgraph("audit", "--json").stdout)
    assert rows[0]["action"] == "cli load" and rows[0]["role"] == "curator"
    assert kmgraph("token", "revoke", "alice").returncode == 0
    assert kmgraph("token", "revoke", "alice").returncode == 1
