"""A writer for the kill -9 durability test: it writes and prints ``ACK <what>`` once each write has
been committed, so the test knows which writes were acknowledged before it killed the process.

usage: durability_writer.py STORE records|vocab SEED
"""

from __future__ import annotations

import sys
from pathlib import Path

from kmgraph.access import Actor, Right
from kmgraph.curation import source_for_upload
from kmgraph.services import build_services
from kmgraph.store import EmbeddedStore
from kmgraph.validation.inputs import parse_body

RECORD = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kmid: <https://w3id.org/kmgraph/id/> .
@prefix kmo: <https://w3id.org/kmgraph/ontology#> .
<https://example.org/durability/{seed}/{n}> dcterms:type kmid:KO-CAPACITY-BUILDING-INITIATIVE ;
    dcterms:title "Durability test record {seed}/{n}"@en ;
    dcterms:date "2025-01"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ;
    dcterms:publisher <https://example.org/node> ;
    dcterms:language "en" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    <http://www.w3.org/ns/dcat#landingPage> <https://example.org/durability/{seed}/{n}> ;
    kmo:startDate "2025-01-15"^^<http://www.w3.org/2001/XMLSchema#date> ;
    kmo:status "ongoing" ;
    dcterms:subject kmid:GBF-TARGET-20 .
"""
VOCAB_HEAD = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/durable/> .
ex:scheme a skos:ConceptScheme ; skos:prefLabel "Durable"@en .
"""
WRITER = Actor("durability-writer", "node", "test", frozenset(Right))


def vocabulary(seed: int, size: int = 8000) -> bytes:
    """The same concepts every time (none may disappear), with labels that change with ``seed``."""
    rows = [VOCAB_HEAD] + [
        f'ex:c{i} a skos:Concept ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ; '
        f'skos:prefLabel "concept {i} v{seed}"@en ; skos:definition "d"@en ; dcterms:source "test" .\n'
        for i in range(size)]
    return "".join(rows).encode("utf-8")


def main(store_path: Path, mode: str, seed: int) -> None:
    store = EmbeddedStore(store_path, query_workers=0)
    services = build_services(store)
    print("READY", flush=True)
    if mode == "vocab":
        result = services.curator.load([source_for_upload(f"v{seed}.ttl", "text/turtle", vocabulary(seed))],
                                       WRITER, "durable", force=True)
        print(f"ACK {result.version} {seed}", flush=True)
        return
    n = 0
    while True:
        triples = parse_body(RECORD.format(seed=seed, n=n).encode(), "text/turtle")
        record_id, uri = services.records.create(triples, WRITER)
        print(f"ACK {record_id} {uri}", flush=True)
        n += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
