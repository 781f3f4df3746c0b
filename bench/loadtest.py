"""Bounded load test against a running kmgraph (loopback): concurrent clients for a fixed time.

Mix: 80% named queries, 10% validation, 5% concept search, 5% record submissions (node token).
Reports p50/p95/p99 latency and errors per kind, and the ids of the acknowledged submissions so the
caller can check each is stored. Stops by itself after ``duration`` seconds.

    python -m bench.loadtest --url http://127.0.0.1:8000 --token NODE_TOKEN [--clients 16 --duration 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from pathlib import Path

import httpx

from .harness import percentile, save

REPO = Path(__file__).resolve().parent.parent
MIX = (("query", 80), ("validate", 10), ("search", 5), ("submit", 5))
PREFIXES = ["bio", "restor", "forest", "inva", "poll", "marine", "indig", "finan", "spec", "wet", "urb", "agri",
            "biodiversité", "bosque", "clim", "gene", "knowl", "capac", "prot", "sust"]
RECORD = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kmid: <https://w3id.org/kmgraph/id/> .
@prefix kmo: <https://w3id.org/kmgraph/ontology#> .
<https://example.org/loadtest/{id}> dcterms:type kmid:KO-CAPACITY-BUILDING-INITIATIVE ;
    dcterms:title "Load test record {id}"@en ;
    dcterms:date "2025-01"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ;
    dcterms:publisher <https://example.org/node> ;
    dcterms:language "en" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    <http://www.w3.org/ns/dcat#landingPage> <https://example.org/loadtest/{id}> ;
    kmo:startDate "2025-01-15"^^<http://www.w3.org/2001/XMLSchema#date> ;
    kmo:status "ongoing" ;
    dcterms:subject kmid:GBF-TARGET-{target:02d} .
"""


class Load:
    def __init__(self, client: httpx.AsyncClient, token: str, rng: random.Random) -> None:
        self.client = client
        self.token = token
        self.rng = rng
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        self.errors: dict[str, list[str]] = {kind: [] for kind, _ in MIX}
        self.acknowledged: list[str] = []
        self.examples = sorted((REPO / "examples/records").rglob("*.ttl"))
        self.queries: list[dict] = []

    async def prepare(self) -> None:
        listing = (await self.client.get("/queries")).json()
        self.queries = [q for q in listing if all(not p.get("required") for p in q.get("params", []))]

    def request(self) -> tuple[str, str, str, dict]:
        kind = self.rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        if kind == "query":
            name = self.rng.choice(self.queries)["name"]
            return kind, "GET", f"/queries/{name}", {}
        if kind == "validate":
            body = self.rng.choice(self.examples).read_bytes()
            return kind, "POST", "/validate", {"content": body, "headers": {"Content-Type": "text/turtle"}}
        if kind == "search":
            return kind, "GET", "/concepts/search", {"params": {"query": self.rng.choice(PREFIXES)}}
        body = RECORD.format(id=uuid.uuid4().hex, target=self.rng.randint(1, 23)).encode()
        return kind, "POST", "/records", {"content": body, "headers": {
            "Content-Type": "text/turtle", "Authorization": f"Bearer {self.token}"}}

    async def worker(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            kind, method, path, extra = self.request()
            start = time.perf_counter()
            try:
                response = await self.client.request(method, path, **extra)
                ok = response.status_code < 400
                detail = f"{response.status_code} {path}: {response.text[:200]}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__} {path}"
            self.latencies[kind].append((time.perf_counter() - start) * 1000)
            if not ok:
                self.errors[kind].append(detail)
            elif kind == "submit":
                self.acknowledged.append(response.json()["id"])


async def run_async(url: str, token: str, clients: int, duration: float, seed: int) -> dict:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        load = Load(client, token, random.Random(seed))
        await load.prepare()
        started = time.perf_counter()
        await asyncio.gather(*(load.worker(started + duration) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    kinds = {kind: {"requests": len(values), "errors": len(load.errors[kind]),
                    "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
                    "p99_ms": round(percentile(values, 99), 1), "error_examples": load.errors[kind][:5]}
             for kind, values in load.latencies.items()}
    total = sum(k["requests"] for k in kinds.values())
    return {"clients": clients, "duration_s": round(elapsed, 1), "requests": total,
            "throughput_rps": round(total / elapsed, 1), "errors": sum(k["errors"] for k in kinds.values()),
            "kinds": kinds, "acknowledged": load.acknowledged}


def run(url: str, token: str, *, clients: int = 16, duration: float = 60, seed: int = 8) -> dict:
    return asyncio.run(run_async(url, token, clients, duration, seed))


def report(result: dict) -> str:
    lines = [f"{result['requests']} requests in {result['duration_s']} s from {result['clients']} clients "
             f"({result['throughput_rps']} req/s), {result['errors']} errors",
             f"{'kind':10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    for kind, k in result["kinds"].items():
        lines.append(f"{kind:10} {k['requests']:>8} {k['errors']:>6} {k['p50_ms']:>8} {k['p95_ms']:>8} {k['p99_ms']:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True, help="a node token, for the submissions")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args(argv)
    result = run(args.url, args.token, clients=args.clients, duration=args.duration)
    print(report(result))
    save("loadtest", {k: v for k, v in result.items() if k != "acknowledged"})
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2)[:2000])
