"""kmgraph inside the CBD's KMGBF ontology: the official queries, shapes and REST API shape.

The official files are vendored verbatim in ``vendor/sources/data/kmgbf`` (CC BY 4.0 IGO). Each of the 11
queries of the official ``sparql.md`` runs unchanged on kmgraph's ``/sparql`` and on the official files
in plain pyoxigraph; the rows must be the same.
"""

from __future__ import annotations

import re
from collections import Counter

import httpx
import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import DCTERMS

from .conftest import REPO

OFFICIAL = REPO / "vendor/sources/data/kmgbf"
DATA_FILES = ("kmgbf-ontology.ttl", "goals.ttl", "targets.ttl", "indicators.ttl", "indicators-guidance.ttl")


def official_queries() -> list[str]:
    """The queries of sparql.md, each with the prefix block the document says they all use."""
    blocks = re.findall(r"```sparql\n(.*?)```", (OFFICIAL / "sparql.md").read_text(encoding="utf-8"), re.DOTALL)
    prefixes, queries = blocks[0], blocks[1:]
    assert "PREFIX :" in prefixes
    return [prefixes + q for q in queries]


@pytest.fixture(scope="module")
def official_store() -> ox.Store:
    store = ox.Store()
    for name in DATA_FILES:
        store.load(path=str(OFFICIAL / name), format=ox.RdfFormat.TURTLE)
    return store


def concatenated(query: str) -> dict[str, str]:
    """Variables made by GROUP_CONCAT, with their separators: SPARQL leaves the order of the parts open."""
    return {m.group(2): m.group(1) for m in re.finditer(
        r'GROUP_CONCAT\([^)]*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', query, re.IGNORECASE)}


def normalised(names: list[str], values: list[str | None], separators: dict[str, str]) -> tuple:
    return tuple(" ".join(sorted(v.split(separators[n]))) if v is not None and n in separators else v
                 for n, v in zip(names, values))


def rows_of(query: str, variables: list[str], bindings: list[dict]) -> Counter:
    separators = concatenated(query)
    return Counter(normalised(variables, [(b.get(v) or {}).get("value") for v in variables], separators)
                   for b in bindings)


def official_rows(store: ox.Store, query: str) -> tuple[list[str], Counter]:
    result = store.query(query)
    names = [v.value for v in result.variables]
    separators = concatenated(query)
    return names, Counter(normalised(names, [row[n].value if row[n] is not None else None for n in names],
                                     separators) for row in result)


def test_there_are_eleven_official_queries():
    assert len(official_queries()) == 11


@pytest.mark.parametrize("number", range(11))
def test_official_query_gives_the_same_rows_on_kmgraph(number, live_server, official_store):
    query = official_queries()[number]
    names, expected = official_rows(official_store, query)
    # The exact-match example (8, first query) asks for "IUCN", which the data spells out in full.
    assert expected or number == 7, "the official query returns rows on the official files"
    r = httpx.post(live_server.url + "/sparql", data={"query": query},
                   headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["head"]["vars"] == names
    assert rows_of(query, names, body["results"]["bindings"]) == expected


def test_exported_gbf_vocabularies_conform_to_the_official_shapes(live_server):
    """kmgraph's GBF vocabularies (the official graph and the concepts linked to it) as kmgraph exports
    them conform to kmgbf-shapes.ttl; the same export without one target code does not."""
    export = Graph()
    for vocab in ("kmgbf", "gbf", "gbf-indicators"):
        r = httpx.get(f"{live_server.url}/vocabularies/{vocab}/export", headers={"Accept": "text/turtle"}, timeout=30)
        assert r.status_code == 200, r.text
        export.parse(data=r.text, format="turtle")
    shapes = Graph().parse(OFFICIAL / "kmgbf-shapes.ttl")
    conforms, _, text = validate(export, shacl_graph=shapes, advanced=True)
    assert conforms, text
    broken = Graph()
    broken += export
    broken.update("""PREFIX : <http://metadata.cbd.int/kmgbf/ontology#>
        DELETE WHERE { <http://metadata.cbd.int/kmgbf/target_5> :targetCode ?n }""")
    assert not validate(broken, shacl_graph=shapes, advanced=True)[0]


def test_kmgraph_copy_is_generated_from_the_official_files():
    """The kmgbf vocabulary is the official graph (up to blank node names) plus kmgraph's description of it."""
    official = Graph()
    for name in DATA_FILES:
        official.parse(OFFICIAL / name)
    copy = Graph().parse(REPO / "ontology/vocabularies/kmgbf.ttl")
    described = URIRef("https://w3id.org/kmgraph/vocabulary/kmgbf")
    assert (described, DCTERMS.bibliographicCitation, None) in copy
    copy.remove((described, None, None))
    assert to_isomorphic(copy) == to_isomorphic(official)


def named(server, name: str, **params) -> list[dict[str, str]]:
    r = httpx.get(f"{server.url}/queries/{name}", params=params, timeout=30)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_named_queries_follow_the_role_model(live_server, official_store):
    headline = named(live_server, "target-indicators", target="GBF-TARGET-01", kind="headline")
    assert sorted(r["code"] for r in headline) == ["1.1", "A.1", "A.2"]
    complementary = named(live_server, "target-indicators", target="GBF-TARGET-08", kind="complementary")
    assert "7.1" in {r["code"] for r in complementary}
    both = named(live_server, "target-indicators", target="GBF-TARGET-07")
    assert {(r["code"], r["role"]) for r in both} >= {("7.1", "headline")}
    for target, codes in (("GBF-TARGET-04", {"A.3", "A.4"}), ("GBF-TARGET-11", {"B.1"}),
                          ("GBF-TARGET-13", {"C.1", "C.2"}), ("GBF-TARGET-19", {"D.1", "D.2", "D.3"})):
        found = {r["code"] for r in named(live_server, "target-indicators", target=target, kind="headline")}
        assert codes <= found, target
    cross = named(live_server, "cross-cutting-indicators")
    official = {row[0] for row in official_rows(official_store, official_queries()[4])[1]}
    assert {r["code"] for r in cross} == official
    top = cross[0]
    assert int(top["links"]) == len(top["goalsAndTargets"].split()) > 1
    french = named(live_server, "cross-cutting-indicators", lang="fr")
    assert {r["code"] for r in french} == official and all(r["title"] for r in french)
