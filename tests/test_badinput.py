"""The hostile and broken input corpus (tests/badinput/) against a running server.

Each case must get a 4xx problem+json answer (raw protocol-level garbage may instead be refused by
the HTTP server itself), never a 5xx; afterwards the server answers /health and the store holds
exactly the same quads (count and fingerprint).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from kmgraph.access import TokenRegistry

from .services import server

CORPUS = Path(__file__).parent / "badinput"
MEDIA = {".ttl": "text/turtle", ".nt": "application/n-triples", ".rdf": "application/rdf+xml",
         ".jsonld": "application/ld+json"}
RDF_ENDPOINTS = {  # endpoint name -> (method, path, params, token)
    "validate": ("POST", "/validate", {}, None),
    "records": ("POST", "/records", {}, "node"),
    "store": ("PUT", "/store", {"graph": "urn:kmgraph:badinput"}, "admin"),
    "vocabulary": ("PUT", "/vocabularies/badinput", {}, "curator"),
}
ADMIN = "badinput-admin"


def explicit_cases() -> list[dict]:
    return yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def body_cases() -> list[dict]:
    cases = []
    for body in sorted((CORPUS / "bodies").iterdir()):
        for endpoint, (method, path, params, token) in RDF_ENDPOINTS.items():
            cases.append({"name": f"{endpoint}-{body.stem}", "method": method, "path": path, "params": params,
                          "token": token, "headers": {"Content-Type": MEDIA[body.suffix]}, "file": body.name,
                          "status": 400})
    return cases


CASES = explicit_cases() + body_cases()


def test_corpus_size():
    assert len(CASES) >= 150
    assert len({c["name"] for c in CASES}) == len(CASES), "case names are unique"


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    root = tmp_path_factory.mktemp("badinput")
    registry = TokenRegistry(root / "store.tokens.json")
    tokens = {"admin": ADMIN, "node": registry.create("node-bad", "node"),
              "curator": registry.create("curator-bad", "curator"), "wrong": "kmg_this-token-does-not-exist"}
    live = server.start(root / "store", token=ADMIN, env={
        "KMGRAPH_QUERY_TIMEOUT": "2", "KMGRAPH_MAX_BODY_BYTES": "2000000", "KMGRAPH_MAX_VALIDATE_BYTES": "1000000",
        "KMGRAPH_MAX_TAG_CHARS": "10000", "KMGRAPH_QUERY_WAIT": "30"})
    yield live, tokens, fingerprint(live.url)
    live.stop()


def fingerprint(url: str) -> dict:
    r = httpx.get(url + "/admin/fingerprint", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def generated(spec: dict) -> tuple[bytes | None, dict, str | None]:
    """(body, extra query parameters, replacement path) for a ``generate`` entry."""
    kind = spec["kind"]
    if kind == "huge-literal":
        literal = b"x" * spec["size"]
        return b'<urn:a> <urn:b> "' + literal + b'" .\n', {}, None
    if kind == "nested-json":
        opening, closing = ("[", "]") if spec.get("list") else ('{"a":', "}")
        return (opening * spec["depth"] + "1" + closing * spec["depth"]).encode(), {}, None
    if kind == "invalid-utf8":
        return spec["text"].replace("{bad}", "\x00").encode().replace(b"\x00", b"\xff\xfe"), {}, None
    if kind == "repeat":
        return (spec["text"] * spec["times"] + "ASK {}").encode(), {}, None
    if kind == "long-url":
        return None, {}, "/sparql?query=" + "A" * spec["length"]
    if kind == "long-param":
        return None, {spec["param"]: "x" * spec["length"]}, None
    if kind == "tag-text":
        return json.dumps({"text": "forest " * (spec["length"] // 7 + 1)}).encode(), {}, None
    if kind == "annif-batch":
        return json.dumps({"documents": [{"text": "forests"}] * spec["documents"]}).encode(), {}, None
    raise ValueError(kind)


def send(url: str, case: dict, tokens: dict) -> httpx.Response:
    headers = dict(case.get("headers") or {})
    token = case.get("token")
    if token == "malformed":
        headers["Authorization"] = "Bearer"
    elif token:
        headers["Authorization"] = f"Bearer {tokens[token]}"
    params = dict(case.get("params") or {})
    path = case["path"]
    body: bytes | None = case["body"].encode("utf-8") if "body" in case else None
    if "file" in case:
        body = (CORPUS / "bodies" / case["file"]).read_bytes()
    if "generate" in case:
        made, extra, replaced = generated(case["generate"])
        body, path = made if made is not None else body, replaced or path
        params.update(extra)
        if case["generate"]["kind"] in ("tag-text", "annif-batch"):
            headers.setdefault("Content-Type", "application/json")
    if "json" in case:
        body = json.dumps(case["json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    with httpx.Client(base_url=url, timeout=60) as client:
        request = client.build_request(case["method"], path, params=params or None, content=body, headers=headers)
        return client.send(request)


def send_raw(url: str, raw: str) -> tuple[int | None, dict[str, str], bytes]:
    """Bytes as-is over a socket: (status or None when the server closed, headers, body)."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    data = raw.replace("{big}", "b" * 2_000_000).encode("latin-1")
    with socket.create_connection((host, port), timeout=30) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
    answer = b"".join(chunks)
    if not answer:
        return None, {}, b""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_is_refused_cleanly(target, case):
    live, tokens, before = target  # the store before the first case: no case may change it
    if "raw" in case:
        status, headers, _ = send_raw(live.url, case["raw"])
        assert status is None or 400 <= status < 500, status
    else:
        response = send(live.url, case, tokens)
        status, headers = response.status_code, response.headers
        assert 400 <= status < 500, (status, response.text[:500])
        if "status" in case:
            assert status == case["status"], (status, response.text[:500])
        assert headers["content-type"].startswith("application/problem+json"), headers.get("content-type")
        problem = response.json()
        assert problem["status"] == status and problem["title"] and problem["detail"]
    for name in case.get("absent_headers", []):
        assert name not in {k.lower() for k in headers}, headers
    assert httpx.get(live.url + "/health", timeout=10).status_code == 200
    assert fingerprint(live.url) == before, "the store changed"
