"""Retrieval benchmark: record search with facets and concept autocomplete on a large catalogue.

Builds the retrieval index for a generated catalogue (default 100,000 records) and measures, through
the same functions the HTTP API calls, the latency of searches with facets (filters, full text,
hierarchy expansion) and of concept autocomplete. Baseline in the same run: the same facet counts
with a SPARQL query on the embedded store.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kmgraph.records.index import RetrievalIndex
from kmgraph.resources import ONTOLOGY_FILE, VOCABULARY_DIR
from kmgraph.records.search import SearchParams, search
from kmgraph.records.service import indexed
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled
from kmgraph.vocab.concepts import ConceptIndex
from kmgraph.vocab.detail import LANG_FALLBACK

from . import catalogue
from .harness import percentile, save

FACETS_SPARQL = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?t ?type (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?r dcterms:subject ?tag . ?tag <http://www.w3.org/2004/02/skos/core#broader>* ?t . ?r dcterms:type ?type .
} GROUP BY ?t ?type"""


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-retrieval-"))
    try:
        store = EmbeddedStore(work / "db", query_workers=0)
        load_bundled(store)
        concepts = ConceptIndex.build(store)
        by_record: dict = {}
        for q in catalogue.quads(args.records, seed=3):
            by_record.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
        t0 = time.perf_counter()
        index = RetrievalIndex(work / "retrieval.sqlite")
        batch = []
        for graph, triples in by_record.items():
            batch.append(indexed(graph.rsplit("/", 1)[-1], triples[0].subject, triples, concepts))
            if len(batch) == 5000:
                index.upsert(batch)
                batch = []
        index.upsert(batch)
        build_seconds = time.perf_counter() - t0

        rng = random.Random(5)
        targets = [f"GBF-TARGET-{n:02d}" for n in range(1, 24)]
        words = catalogue.WORDS["en"]
        searches = []
        for _ in range(args.queries):
            kind = rng.randrange(5)
            p = SearchParams(size=20)
            if kind in (0, 1):
                p.target, p.expand = rng.choice(targets + ["GBF-GOAL-A", "GBF-GOAL-B"]), rng.choice(["none", "narrower"])
            if kind in (1, 2):
                p.q = rng.choice(words)
            if kind == 3:
                p.country, p.type = rng.choice(catalogue.COUNTRIES), rng.choice(["report", "dataset", "event"])
            if kind == 4:
                p.year_from, p.year_to = 2015, 2020
            searches.append(p)
        times = []
        for p in searches:
            t0 = time.perf_counter()
            search(index, concepts, p)
            times.append(time.perf_counter() - t0)
        prefixes = [w[: rng.randint(2, 6)] for w in rng.choices(
            ["restoration", "biodiversity", "species", "invasive", "forest", "marine", "GBF-TARGET", "wetland",
             "pollution", "finance", "gender", "knowledge", "biodiversité", "especies", "genetic"], k=args.queries)]
        complete = []
        for prefix in prefixes:
            t0 = time.perf_counter()
            concepts.search(prefix, maxhits=10, fallback=LANG_FALLBACK)
            complete.append(time.perf_counter() - t0)
        # Baseline: the same kind of facet count straight in SPARQL, on pyoxigraph holding the same data.
        raw = ox.Store()
        raw.bulk_extend(catalogue.quads(args.records, seed=3))
        for item in (ONTOLOGY_FILE, *sorted(VOCABULARY_DIR.glob("*.ttl"))):
            raw.bulk_load(path=str(item), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:vocab:" + item.stem))
        sparql = []
        for target in targets[:5]:
            t0 = time.perf_counter()
            list(raw.query(FACETS_SPARQL, use_default_graph_as_union=True,
                           substitutions={ox.Variable("t"): ox.NamedNode(concepts.get(target).iri)}))
            sparql.append(time.perf_counter() - t0)
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "records": args.records,
        "index_build_seconds": round(build_seconds, 1),
        "search_with_facets_p50_ms": round(percentile(times, 50) * 1000, 2),
        "search_with_facets_p95_ms": round(percentile(times, 95) * 1000, 2),
        "autocomplete_p50_ms": round(percentile(complete, 50) * 1000, 3),
        "autocomplete_p95_ms": round(percentile(complete, 95) * 1000, 3),
        "sparql_facets_baseline_p50_ms": round(percentile(sparql, 50) * 1000, 1),
        "speedup_vs_sparql_facets": round(percentile(sparql, 50) / percentile(times, 50), 1),
        "goals": {"search_with_facets_p95_ms": "<= 50", "autocomplete_p95_ms": "<= 20"},
    }
    print(f"saved {save('retrieval', result)}")
    print(f"{args.records} records: search with facets p95 {result['search_with_facets_p95_ms']} ms, "
          f"autocomplete p95 {result['autocomplete_p95_ms']} ms (SPARQL facets {result['sparql_facets_baseline_p50_ms']} ms)")
    return result


if __name__ == "__main__":
    main()
