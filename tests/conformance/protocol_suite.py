"""Runs the 34 W3C SPARQL 1.1 Protocol tests (``protocol/manifest.ttl``) against a running kmgraph.

Each test is a sequence of HTTP requests described in RDF (method, path, headers, body) with the
expected status class and, for queries, the expected result format and boolean. Paths under
``/sparql/`` go to ``/sparql`` for queries and ``/update`` for updates (the manifest allows
separate endpoints); updates carry the write token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import rdflib
from rdflib.collection import Collection

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"),
}


@dataclass
class Outcome:
    name: str
    passed: bool
    reason: str = ""


def _is_update(method: str, path: str, content_type: str, body: str) -> bool:
    return (content_type.startswith("application/sparql-update") or body.startswith("update=")
            or "update=" in path or "using-graph-uri" in path or "using-named-graph-uri" in path)


def run(manifest: Path, base_url: str, token: str) -> list[Outcome]:
    g = rdflib.Graph().parse(manifest)
    entries = [e for lst in g.objects(None, MF.entries) for e in Collection(g, lst)]
    outcomes = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for entry in entries:
            name = str(g.value(entry, MF.name))
            auth = {"Authorization": f"Bearer {token}"}
            http.post("/update", content=b"DROP ALL", headers={**auth, "Content-Type": "application/sparql-update"})
            for gd in g.objects(entry, UT.graphData):
                data = (manifest.parent / Path(str(g.value(gd, UT.graph))).name).read_bytes()
                http.put("/store", params={"graph": str(g.value(gd, rdflib.RDFS.label))}, content=data,
                         headers={**auth, "Content-Type": "application/n-triples"})
            action = g.value(entry, MF.action)
            outcome = Outcome(name, True)
            for request in Collection(g, g.value(action, HT.requests)):
                method = str(g.value(request, HT.methodName))
                path = str(g.value(request, HT.absolutePath))
                headers = {}
                header_list = g.value(request, HT.headers)
                if header_list is not None:
                    for h in Collection(g, header_list):
                        headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
                body_node = g.value(request, HT.body)
                body = str(g.value(body_node, CNT.chars)) if body_node is not None else ""
                content_type = headers.get("content-type", "")
                target = "/update" if _is_update(method, path, content_type, body) else "/sparql"
                url = target + path[len("/sparql/"):]
                if target == "/update":
                    headers.update(auth)
                raw = body.encode("utf-16" if "UTF-16" in content_type else "utf-8")
                r = http.request(method, url, content=raw if body else None, headers=headers)
                response = g.value(request, HT.resp)
                expected = {str(s)[len(HTS):] for s in g.objects(response, MF.expectedStatus)}
                got_class = f"{r.status_code // 100}xx"
                if got_class not in expected:
                    outcome = Outcome(name, False, f"{method} {url}: status {r.status_code}, expected {expected}: {r.text[:200]}")
                    break
                fmt = g.value(response, MF.expectedFormat)
                media = r.headers.get("content-type", "").split(";")[0]
                if fmt is not None and media not in FORMATS[str(fmt)]:
                    outcome = Outcome(name, False, f"{url}: format {media}, expected {fmt}")
                    break
                boolean = g.value(response, MF.expectedBoolean)
                if boolean is not None:
                    got = json.loads(r.content)["boolean"] if "json" in media else ("<boolean>true" in r.text)
                    if got != boolean.toPython():
                        outcome = Outcome(name, False, f"{url}: boolean {got}, expected {boolean}")
                        break
            outcomes.append(outcome)
    return outcomes
