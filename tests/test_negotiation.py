"""Content negotiation with the Accept headers real clients send, on every endpoint of the OpenAPI document.

The headers are captured from the clients themselves (httpx, requests, urllib, curl, SPARQLWrapper in
each return format, rdflib's SPARQLStore) by an echo server, then replayed against kmgraph. Browsers'
fetch() sends ``*/*``; a page load sends the navigation header below.
"""

from __future__ import annotations

import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
import rdflib
import requests
from fastapi.testclient import TestClient
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.services import build_services, initialise
from kmgraph.store import EmbeddedStore

TOKEN = "negotiation-token"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT WHERE { ?s <http://www.w3.org/2004/02/skos/core#notation> ?o } LIMIT 2"
FETCH = "*/*"
NAVIGATION = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
              "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")


class _Echo(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Accept", "")))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": []}}')

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sent():
    """What each client sends: {client: (path with query string, Accept)}."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"

    def capture(name, call):
        _Echo.seen.clear()
        call()
        return name, _Echo.seen[-1]

    def wrapper(query, fmt):
        def call():
            w = SPARQLWrapper(url + "/sparql")
            w.setQuery(query)
            w.setReturnFormat(fmt)
            w.query()
        return call

    def rdflib_store():
        list(rdflib.Graph(SPARQLStore(url + "/sparql", returnFormat="json")).query(SELECT))

    generic = dict([
        capture("httpx", lambda: httpx.get(url + "/")),
        capture("requests", lambda: requests.get(url + "/", timeout=10)),
        capture("urllib", lambda: urllib.request.urlopen(url + "/").read()),
        capture("curl", lambda: subprocess.run(["curl", "-s", url + "/"], check=True, capture_output=True)),
    ])
    sparql = dict([capture(f"SPARQLWrapper {f} SELECT", wrapper(SELECT, f)) for f in (JSON, XML, CSV, TSV)] +
                  [capture(f"SPARQLWrapper {f} CONSTRUCT", wrapper(CONSTRUCT, f))
                   for f in (TURTLE, N3, RDFXML, JSONLD, XML, JSON)] +
                  [capture("rdflib SPARQLStore", rdflib_store)])
    server.shutdown()
    accepts = {k: v[1] for k, v in generic.items()} | {"fetch": FETCH, "browser page": NAVIGATION,
                                                          "JSON API client": "application/json"}
    return accepts, sparql


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("negotiation") / "db", query_workers=1)
    services = build_services(store)
    initialise(services)
    with TestClient(create_app(Settings.load(admin_token=TOKEN), store, services)) as c:
        yield c


def _samples(client) -> dict[str, str]:
    record = client.get("/records").json()["results"][0]["id"]
    query = client.get("/queries").json()[0]["name"]
    return {"name": query, "notation": "GBF-TARGET-01", "path": "GBF-TARGET-01", "record_id": record,
            "vocab_id": "gbf", "project_id": "kmgraph-gbf", "code": "A", "number": "1", "schema": "resource",
            "domain": "GBF-TARGETS", "identifier": "GBF-TARGET-01", "concept": "GBF-TARGET-01",
            "query": "forest", "uri": "https://w3id.org/kmgraph/id/GBF-TARGET-01", "since": "1", "q": "forest"}


def _get_endpoints(client) -> list[str]:
    samples = _samples(client)
    urls = []
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        if "get" not in ops:
            continue
        url = path
        for name, value in samples.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"no sample value for a parameter of {path}"
        required = [p["name"] for p in ops["get"].get("parameters", []) if p.get("required") and p["in"] == "query"]
        if required:
            url += "?" + "&".join(f"{name}={samples[name]}" for name in required)
        urls.append(url)
    return urls


def test_every_get_endpoint_answers_what_real_clients_accept(client, sent):
    accepts, _ = sent
    assert accepts["httpx"] == "*/*" and accepts["curl"] == "*/*"
    failures = []
    for url in _get_endpoints(client):
        for who, accept in accepts.items():
            headers = {"Accept": accept} if accept else {}  # urllib sends none
            r = client.get(url, headers=headers | {"Authorization": f"Bearer {TOKEN}"})
            if r.status_code == 406 or r.status_code >= 500:
                failures.append(f"{url} with {who} ({accept}): {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)


def test_post_endpoints_answer_application_json(client):
    record = (client.get("/context.jsonld").status_code, None)
    assert record[0] == 200
    body = b'{"header": {"schema": "resource", "identifier": "X", "languages": ["en"]}}'
    for url in ("/api/v2013/documents/x/validate", "/validate"):
        r = client.post(url, content=body, headers={"Content-Type": "application/json", "Accept": "application/json"})
        assert r.status_code != 406 and r.status_code < 500, (url, r.status_code, r.text)
    r = client.post("/tag", json={"text": "protected areas and forests"}, headers={"Accept": "application/json"})
    assert r.status_code != 406 and r.status_code < 500, r.text


EXPECTED = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
            "tsv": "text/tab-separated-values"}
GRAPH = {"turtle": "text/turtle", "n3": "text/turtle", "rdf+xml": "application/rdf+xml",
         "json-ld": "application/ld+json", "xml": "application/rdf+xml", "json": "application/ld+json"}


def test_sparqlwrapper_and_rdflib_requests_replayed(client, sent):
    """Each request exactly as the client sent it (query string and Accept) gets the format asked for."""
    _, sparql = sent
    for who, (path, accept) in sparql.items():
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 200, (who, path, accept, r.text)
        fmt = who.split()[1]
        expected = (GRAPH if who.endswith("CONSTRUCT") else EXPECTED).get(fmt, "application/sparql-results+json")
        assert r.headers["content-type"].split(";")[0] == expected, (who, accept, r.headers["content-type"])
