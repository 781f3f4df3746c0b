"""SPARQL endpoint benchmark: kmgraph vs rdflib-endpoint vs a minimal FastAPI+pyoxigraph endpoint.

Same data (the bundled vocabularies plus a generated catalogue of knowledge objects) and the same
queries (every named query, default parameters) for all three, in one run. Reports, as ratios
against the baselines measured here: throughput vs rdflib-endpoint (goal >= 20x) and sequential
latency vs the minimal endpoint (goal <= 1.2x).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import geometric_mean

import httpx
import pyoxigraph as ox

from kmgraph.queries import QueryCatalog
from kmgraph.resources import ONTOLOGY_FILE, VOCABULARY_DIR

from . import catalogue
from .harness import free_port, hammer, median, save, start, stop

TOKEN = "bench-token"
# The benchmarks measure the engine, not the rate limiter (whose limits a node sets for its own traffic).
SERVER_ENV = {"KMGRAPH_ADMIN_TOKEN": TOKEN, "KMGRAPH_RATE_LIMIT": "off", "KMGRAPH_RATE_LIMIT_TOKEN": "off"}


def build_store(path: Path, quads_file: Path) -> None:
    """The kmgraph store: `kmgraph init` plus the catalogue bulk-loaded before the server opens it."""
    import subprocess

    subprocess.run([sys.executable, "-m", "kmgraph", "init", "--store", str(path)], check=True,
                   capture_output=True)
    store = ox.Store(str(path))
    store.bulk_load(path=str(quads_file), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def latency(send, queries: list[str], repeats: int, warmup: int = 10) -> dict[str, float]:
    """Median sequential latency per query, after ``warmup`` runs (kmgraph's first runs of a query
    go to a worker process; its repeats take the fast lane, unless that is switched off)."""
    out = {}
    for i, q in enumerate(queries):
        times = []
        for _ in range(warmup):
            send(q)
        for _ in range(repeats):
            t0 = time.perf_counter()
            send(q)
            times.append(time.perf_counter() - t0)
        out[str(i)] = median(times)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20, help="sequential runs per query for latency")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds of load per endpoint")
    parser.add_argument("--rdflib-budget", type=float, default=90.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-sparql-"))
    try:
        quads_file = catalogue.write(work / "catalogue.nq", args.records)
        km_store, min_store = work / "kmgraph-store", work / "minimal-store"
        t0 = time.perf_counter()
        build_store(km_store, quads_file)
        load_seconds = time.perf_counter() - t0
        shutil.copytree(km_store, min_store)
        catalog = QueryCatalog()
        names = [q.name for q in catalog]
        queries = [catalog.get(n).bind({}) for n in names]

        ports = {"kmgraph": free_port(), "minimal": free_port(), "rdflib": free_port()}
        def serve_kmgraph(extra_env: dict | None = None):
            return start([sys.executable, "-m", "kmgraph", "serve", "--port", str(ports["kmgraph"]),
                          "--store", str(km_store)], f"http://127.0.0.1:{ports['kmgraph']}/health",
                         env={**SERVER_ENV, "KMGRAPH_QUERY_TIMEOUT": "120", **(extra_env or {})},
                         log=work / "kmgraph.log")

        procs = {
            "kmgraph": serve_kmgraph(),
            "minimal": start([sys.executable, "-m", "uvicorn", "bench.minimal_endpoint:app", "--port",
                              str(ports["minimal"]), "--log-level", "warning"],
                             f"http://127.0.0.1:{ports['minimal']}/health", env={"MINIMAL_STORE": str(min_store)},
                             log=work / "minimal.log"),
        }
        clients = {name: httpx.Client(timeout=180) for name in ports}

        def sender(name: str):
            url = {"kmgraph": f"http://127.0.0.1:{ports['kmgraph']}/sparql",
                   "minimal": f"http://127.0.0.1:{ports['minimal']}/sparql",
                   "rdflib": f"http://127.0.0.1:{ports['rdflib']}/"}[name]
            headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
            if name == "kmgraph":
                headers["Authorization"] = f"Bearer {TOKEN}"

            def send(q: str) -> bool:
                if name == "rdflib":
                    r = clients[name].post(url, data={"query": q}, headers={"Accept": "application/sparql-results+json"})
                else:
                    r = clients[name].post(url, content=q.encode(), headers=headers)
                return r.status_code == 200

            return send

        jobs = queries * 1000
        try:  # kmgraph and the minimal endpoint first, alone on the machine
            lat_km = latency(sender("kmgraph"), queries, args.repeats)
            lat_min = latency(sender("minimal"), queries, args.repeats)
            thr_km = hammer(sender("kmgraph"), jobs, concurrency=args.concurrency, budget=args.budget)
            thr_min = hammer(sender("minimal"), jobs, concurrency=args.concurrency, budget=args.budget)
        finally:
            for proc in procs.values():
                stop(proc)
        lane_off = serve_kmgraph({"KMGRAPH_QUERY_FAST_LANE": "0"})  # every run in a worker process
        try:
            lat_off = latency(sender("kmgraph"), queries, args.repeats)
        finally:
            stop(lane_off)
        ratios = {names[int(i)]: lat_km[i] / lat_min[i] for i in lat_km}
        geo = geometric_mean(ratios.values())
        geo_off = geometric_mean(lat_off[i] / lat_min[i] for i in lat_off)
        t0 = time.perf_counter()
        rdflib_files = [str(ONTOLOGY_FILE), *map(str, sorted(VOCABULARY_DIR.glob("*.ttl"))), str(quads_file)]
        rdflib = start([sys.executable, "-m", "rdflib_endpoint", "serve", *rdflib_files, "--host", "127.0.0.1",
                        "--port", str(ports["rdflib"])], f"http://127.0.0.1:{ports['rdflib']}/?query=ASK%20%7B%7D",
                       log=work / "rdflib.log", timeout=3600)
        rdflib_load = time.perf_counter() - t0
        try:
            thr_rdf = hammer(sender("rdflib"), jobs, concurrency=args.concurrency, budget=args.rdflib_budget)
        finally:
            stop(rdflib)
        result = {
            "records": args.records,
            "triples": sum(1 for _ in open(quads_file, "rb")),
            "kmgraph_load_seconds": round(load_seconds, 1),
            "rdflib_load_seconds": round(rdflib_load, 1),
            "latency_ms": {names[int(i)]: {"kmgraph": round(lat_km[i] * 1000, 2), "minimal": round(lat_min[i] * 1000, 2)}
                           for i in lat_km},
            "latency_ratio_vs_minimal": {k: round(v, 3) for k, v in ratios.items()},
            "latency_ratio_vs_minimal_geomean": round(geo, 3),
            "latency_ratio_vs_minimal_geomean_fast_lane_off": round(geo_off, 3),
            "throughput": {"kmgraph": thr_km.summary(), "minimal": thr_min.summary(), "rdflib": thr_rdf.summary()},
            "throughput_ratio_vs_rdflib": round(thr_km.throughput / max(thr_rdf.throughput, 1e-9), 1),
            "throughput_ratio_vs_minimal": round(thr_km.throughput / max(thr_min.throughput, 1e-9), 3),
            "goals": {"throughput_vs_rdflib": ">= 20x", "latency_vs_minimal": "<= 1.2x"},
        }
        print(f"saved {save('sparql', result)}")
        print(f"throughput: kmgraph {thr_km.throughput:.1f} rps, minimal {thr_min.throughput:.1f}, "
              f"rdflib-endpoint {thr_rdf.throughput:.2f} -> {result['throughput_ratio_vs_rdflib']}x rdflib")
        print(f"latency (geometric mean over queries): {geo:.3f}x the minimal endpoint "
              f"({geo_off:.3f}x with every run in a worker process)")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
