"""Scale run: a generated catalogue of 1,000,000 knowledge objects (about 20M triples) behind
``kmgraph serve``, and every named query timed against the minimal pyoxigraph endpoint on a copy of
the same store, in the same run.

Reports the load and start-up times (start-up builds the retrieval index over every record), p50 and
p95 per named query for both endpoints, the geometric mean of the p95 ratios, and the p95 of record
search with facets.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kmgraph.queries import QueryCatalog

from . import catalogue
from .bench_sparql import SERVER_ENV, TOKEN, build_store
from .harness import free_port, percentile, save, start, stop

QUERY_BUDGET = 20.0  # seconds of timed runs per query and endpoint (a query slower than that: one run)


def timings(client: httpx.Client, url: str, query: str, repeats: int, headers: dict) -> list[float]:
    """``repeats`` timed runs after a warm-up; fewer (at least 1) for a query that takes seconds, so the
    whole run stays within its time budget."""
    t0 = time.perf_counter()
    client.post(url, content=query.encode(), headers=headers)  # warm-up
    repeats = min(repeats, max(1, int(QUERY_BUDGET / max(time.perf_counter() - t0, 1e-3))))
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = client.post(url, content=query.encode(), headers=headers)
        out.append(time.perf_counter() - t0)
        if r.status_code != 200:
            raise RuntimeError(f"{url}: {r.status_code} {r.text[:300]}")
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-scale-"))
    try:
        t0 = time.perf_counter()
        quads_file = catalogue.write(work / "catalogue.nq", args.records)
        generate_seconds = time.perf_counter() - t0
        km_store, min_store = work / "kmgraph-store", work / "minimal-store"
        t0 = time.perf_counter()
        build_store(km_store, quads_file)
        load_seconds = time.perf_counter() - t0
        triples = sum(1 for _ in open(quads_file, "rb"))
        quads_file.unlink()
        shutil.copytree(km_store, min_store)
        catalog = QueryCatalog()
        queries = {q.name: catalog.get(q.name).bind({}) for q in catalog}
        ports = {"kmgraph": free_port(), "minimal": free_port()}
        t0 = time.perf_counter()
        km = start([sys.executable, "-m", "kmgraph", "serve", "--port", str(ports["kmgraph"]), "--store", str(km_store)],
                   f"http://127.0.0.1:{ports['kmgraph']}/health", log=work / "kmgraph.log", timeout=3600,
                   env={**SERVER_ENV, "KMGRAPH_QUERY_TIMEOUT": "600"})
        startup_seconds = time.perf_counter() - t0
        minimal = start([sys.executable, "-m", "uvicorn", "bench.minimal_endpoint:app", "--port", str(ports["minimal"]),
                         "--log-level", "warning"], f"http://127.0.0.1:{ports['minimal']}/health",
                        env={"MINIMAL_STORE": str(min_store)}, log=work / "minimal.log")
        headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
        per_query, search = {}, []
        try:
            with httpx.Client(timeout=900) as client:
                for name, text in queries.items():
                    km_times = timings(client, f"http://127.0.0.1:{ports['kmgraph']}/sparql", text, args.repeats,
                                       {**headers, "Authorization": f"Bearer {TOKEN}"})
                    min_times = timings(client, f"http://127.0.0.1:{ports['minimal']}/sparql", text, args.repeats, headers)
                    per_query[name] = {
                        "kmgraph_p50_ms": round(percentile(km_times, 50) * 1000, 1),
                        "kmgraph_p95_ms": round(percentile(km_times, 95) * 1000, 1),
                        "minimal_p50_ms": round(percentile(min_times, 50) * 1000, 1),
                        "minimal_p95_ms": round(percentile(min_times, 95) * 1000, 1)}
                for i in range(args.repeats * 5):
                    t0 = time.perf_counter()
                    client.get(f"http://127.0.0.1:{ports['kmgraph']}/records",
                               params={"target": f"GBF-TARGET-{i % 23 + 1:02d}", "expand": "narrower", "q": "forest"})
                    search.append(time.perf_counter() - t0)
        finally:
            stop(km)
            stop(minimal)
        ratios = [q["kmgraph_p95_ms"] / q["minimal_p95_ms"] for q in per_query.values() if q["minimal_p95_ms"] > 0]
        result = {
            "records": args.records, "triples": triples,
            "generate_seconds": round(generate_seconds, 1), "load_seconds": round(load_seconds, 1),
            "startup_seconds": round(startup_seconds, 1),
            "named_queries": per_query,
            "named_query_p95_max_ms": max(q["kmgraph_p95_ms"] for q in per_query.values()),
            "p95_ratio_vs_minimal_geomean": round(math.exp(sum(map(math.log, ratios)) / len(ratios)), 3),
            "record_search_p95_ms": round(percentile(search, 95) * 1000, 1),
        }
        save("scale", result)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(main())
