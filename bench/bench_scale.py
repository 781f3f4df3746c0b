"""Scale run: a generated catalogue of 1,000,000 knowledge objects (about 18M triples) behind
``kmgraph serve``, and every named query against Virtuoso 7.2.5 on the same quads, in the same run.

Measures, as the scale issue asks:
- load, first start (builds the retrieval index and the counts) and restart (the persisted index is
  checked, not rebuilt: goal < 10 s);
- the first page (``GET /queries/NAME?limit=100``) of every named query, p50 and p95 (goal < 200 ms);
- record search with facets, p95 (goal < 50 ms), and the server's peak memory;
- Virtuoso (installed as the tests install it, given page buffers for the data) on a dump of the
  same store: each named query with ``LIMIT 100``, p95, and kmgraph's p95 as a ratio of it (goal
  <= 1.0x); then ``kmgraph serve`` on that Virtuoso (the remote backend): start and first pages.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import geometric_mean

import httpx
import pyoxigraph as ox

from kmgraph.queries import QueryCatalog
from kmgraph.sparql.lexer import cap_rows
from tests.services import virtuoso

from . import catalogue
from .bench_sparql import SERVER_ENV, build_store
from .harness import free_port, peak_rss_mb, percentile, save, start, stop

QUERY_BUDGET = 20.0  # seconds of timed runs per query and endpoint (a query slower than that: one run)
JSON = "application/sparql-results+json"


def timings(send: Callable[[], httpx.Response], repeats: int) -> list[float]:
    """``repeats`` timed runs after a warm-up; fewer (at least 1) for a query that takes seconds, so the
    whole run stays within its time budget. A query whose warm-up fails (a server's own timeout) is
    not run again: the error is its answer."""
    t0 = time.perf_counter()
    _answered(send())  # warm-up
    repeats = min(repeats, max(1, int(QUERY_BUDGET / max(time.perf_counter() - t0, 1e-3))))
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = send()
        out.append(time.perf_counter() - t0)
        _answered(r)
    return out


def _answered(r: httpx.Response) -> None:
    if r.status_code != 200:
        raise RuntimeError(f"{r.request.url}: {r.status_code} {r.text[:300]}")


def measured(send: Callable[[], httpx.Response], repeats: int) -> dict:
    """``summary`` of ``timings``, or the error that stopped them: one query's failure is reported
    beside the others' figures instead of losing the run."""
    try:
        return summary(timings(send, repeats))
    except (RuntimeError, httpx.HTTPError) as exc:
        return {"error": str(exc)[:300]}


def summary(times: list[float]) -> dict:
    return {"p50_ms": round(percentile(times, 50) * 1000, 1), "p95_ms": round(percentile(times, 95) * 1000, 1),
            "runs": len(times)}


def serve(store: Path, log: Path, env: dict | None = None) -> tuple:
    """``kmgraph serve`` on ``store`` (``env``: more settings); (process, base URL, seconds until it
    answered /health)."""
    port = free_port()
    t0 = time.perf_counter()
    proc = start([sys.executable, "-m", "kmgraph", "serve", "--port", str(port), "--store", str(store)],
                 f"http://127.0.0.1:{port}/health", log=log, timeout=7200,
                 env={**SERVER_ENV, "KMGRAPH_QUERY_TIMEOUT": "600", **(env or {})})
    return proc, f"http://127.0.0.1:{port}", round(time.perf_counter() - t0, 2)


def first_pages(client: httpx.Client, base: str, names: list[str], repeats: int, page: int) -> dict:
    """Each named query's first page through ``/queries/NAME``, default parameters."""
    return {name: measured(lambda name=name: client.get(
        f"{base}/queries/{name}", params={"limit": page}, headers={"Accept": JSON}), repeats) for name in names}


def record_search(client: httpx.Client, base: str, words: list[str]) -> dict:
    """Full text, a target with its narrower concepts, facets: one timed search per word of ``words``
    (each with the next target) after a warm-up."""
    times = []
    client.get(f"{base}/records", params={"q": "forest"}).raise_for_status()
    for i, word in enumerate(words):
        t0 = time.perf_counter()
        client.get(f"{base}/records", params={"target": f"GBF-TARGET-{i % 23 + 1:02d}", "expand": "narrower",
                                              "q": word}).raise_for_status()
        times.append(time.perf_counter() - t0)
    return summary(times)


def progress(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)


def on_virtuoso(work: Path, dump: Path, texts: dict[str, str], args, log: Path) -> dict:
    """Virtuoso on the dumped quads: load time, each named query's first page, its peak memory; then
    kmgraph serving from it through the remote backend."""
    server = virtuoso.start(work / "virtuoso", memory_mb=args.virtuoso_memory_mb)
    try:
        data = server.directory / "data.nq"
        shutil.move(dump, data)
        t0 = time.perf_counter()
        virtuoso.bulk_load(server, data)
        load_seconds = round(time.perf_counter() - t0, 1)
        data.unlink()
        with httpx.Client(timeout=900) as client:
            queries = {name: measured(lambda text=text: client.post(
                server.sparql, data={"query": text}, headers={"Accept": JSON}), args.repeats)
                for name, text in texts.items()}
            # Not trained at start: training reads every record's text (2.4M rows at 1M records), more
            # than Virtuoso sends in one answer, so it would fail, and keep Virtuoso busy while the
            # first pages are timed. (kmgraph's own store has its models from `kmgraph init`.)
            remote_env = {"KMGRAPH_SPARQL_ENDPOINT": server.sparql, "KMGRAPH_TRAIN_AT_START": "false"}
            proc, base, start_seconds = serve(work / "remote", log, remote_env)  # builds the index beside it
            stop(proc)
            proc, base, restart_seconds = serve(work / "remote", log, remote_env)
            try:
                remote = first_pages(client, base, list(texts), args.repeats, args.page)
            finally:
                stop(proc)
        return {"load_seconds": load_seconds, "queries": queries, "peak_rss_mb": peak_rss_mb(server.process.pid),
                "kmgraph_remote": {"startup_seconds": start_seconds, "restart_seconds": restart_seconds,
                                   "queries": remote}}
    finally:
        server.stop()


def dump_store(path: Path, out: Path) -> int:
    """Every quad of a kmgraph store as N-Quads (the server must be stopped); how many."""
    store = ox.Store.read_only(str(path))
    with out.open("wb") as f:
        store.dump(f, format=ox.RdfFormat.N_QUADS)
    del store
    with out.open("rb") as f:
        return sum(1 for _ in f)


def ratios(kmgraph: dict, other: dict) -> dict[str, float]:
    """kmgraph's p95 over Virtuoso's, per query, to three significant digits (never rounded to 0)."""
    return {name: float(f"{q['p95_ms'] / other[name]['p95_ms']:.3g}") for name, q in kmgraph.items()
            if q.get("p95_ms") and other.get(name, {}).get("p95_ms")}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed runs per query (after one warm-up; the p95 of 10 runs is about their slowest)")
    parser.add_argument("--page", type=int, default=100, help="rows of the first page")
    parser.add_argument("--virtuoso-memory-mb", type=int, default=4096,
                        help="Virtuoso's page buffers (its guide: about 2/3 of the memory for the data)")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip the Virtuoso side (no goal checked)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kmgraph-bench-scale-"))
    try:
        progress(f"generating {args.records:,} records")
        t0 = time.perf_counter()
        quads_file = catalogue.write(work / "catalogue.nq", args.records)
        generate_seconds = time.perf_counter() - t0
        store = work / "kmgraph-store"
        progress("loading them into a kmgraph store")
        t0 = time.perf_counter()
        build_store(store, quads_file)
        load_seconds = time.perf_counter() - t0
        quads_file.unlink()
        progress("first start (builds the retrieval index and the counts)")
        proc, _, first_start = serve(store, work / "kmgraph-first.log")
        stop(proc)
        dump = work / "store.nq"
        triples = dump_store(store, dump)
        catalog = QueryCatalog()
        names = [q.name for q in catalog]
        progress("restart; first pages of every named query; record search")
        proc, base, restart = serve(store, work / "kmgraph.log")
        try:
            with httpx.Client(timeout=900) as client:
                queries = first_pages(client, base, names, args.repeats, args.page)
                # The same word while the target changes, as someone refining a search; then every
                # search a word not searched before, which no cache of matches can answer.
                search = record_search(client, base, ["forest"] * (args.repeats * 5))
                new_words = [w for words in catalogue.WORDS.values() for w in words if w != "forest"]
                search_new_words = record_search(client, base, new_words[:args.repeats * 5])
            memory = peak_rss_mb(proc.pid)
        finally:
            stop(proc)
        result = {
            "records": args.records, "quads": triples, "page": args.page,
            "generate_seconds": round(generate_seconds, 1), "load_seconds": round(load_seconds, 1),
            "first_start_seconds": first_start, "startup_seconds": restart,
            "named_queries": queries,
            "named_query_p95_max_ms": max(q.get("p95_ms", float("inf")) for q in queries.values()),
            "record_search": search, "record_search_p95_ms": search["p95_ms"],
            "record_search_new_words": search_new_words, "peak_rss_mb": memory,
        }
        save("scale", result)  # what kmgraph measured is kept if the Virtuoso side fails
        if not args.no_virtuoso:
            progress("Virtuoso: bulk load, every named query; kmgraph on Virtuoso")
            texts = {name: cap_rows(catalog.get(name).bind({}), args.page) for name in names}
            other = on_virtuoso(work, dump, texts, args, work / "kmgraph-remote.log")
            per_query = ratios(queries, other["queries"])
            geomean = round(geometric_mean(per_query.values()), 3) if per_query else float("nan")
            result["virtuoso"] = other | {"ratios": per_query, "ratio_geomean": geomean,
                                          "ratio_max": max(per_query.values(), default=float("nan"))}
        save("scale", result)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(main())
