"""The HTTP stack, side by side in one run: the same store served with uvloop and httptools
(``KMGRAPH_HTTP_STACK=fast``, the default) and with asyncio and h11 (``standard``), each under the
bounded load test (16 clients, the named-query / validation / search / submission mix).

Reports, per stack, requests per second, p50/p95/p99 latency and errors, and the ratios fast/standard.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import loadtest
from .harness import free_port, save, start, stop

TOKEN = "bench-admin-token"


def serve_and_load(store: Path, stack: str, clients: int, duration: float, log: Path) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start([sys.executable, "-m", "kmgraph", "serve", "--store", str(store), "--port", str(port)],
                 f"{url}/health", env={"KMGRAPH_HTTP_STACK": stack, "KMGRAPH_ADMIN_TOKEN": TOKEN,
                                       "KMGRAPH_RATE_LIMIT": "off", "KMGRAPH_RATE_LIMIT_TOKEN": "off"}, log=log)
    try:
        result = loadtest.run(url, TOKEN, clients=clients, duration=duration, seed=7)
        result.pop("acknowledged")
        return result
    finally:
        stop(proc)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kmgraph-http-"))
    try:
        store = work / "store"
        subprocess.run([sys.executable, "-m", "kmgraph", "init", "--store", str(store)], check=True, capture_output=True)
        results = {}
        for stack in ("standard", "fast"):  # each on its own copy of the same initialised store
            copy = work / stack / "store"
            shutil.copytree(store, copy)
            for beside in store.parent.glob("store.*"):
                (shutil.copytree if beside.is_dir() else shutil.copy2)(beside, copy.parent / beside.name)
            results[stack] = serve_and_load(copy, stack, args.clients, args.duration, work / f"{stack}.log")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fast, standard = results["fast"], results["standard"]
    summary = {"clients": args.clients, "duration_s": args.duration, "stacks": results,
               "throughput_ratio": round(fast["throughput_rps"] / standard["throughput_rps"], 2),
               "query_p99_ratio": round(fast["kinds"]["query"]["p99_ms"] / standard["kinds"]["query"]["p99_ms"], 2)}
    save("http_stack", summary)
    for stack, label in (("fast", "uvloop, httptools"), ("standard", "asyncio, h11")):
        print(f"{stack} ({label}):")
        print(loadtest.report(results[stack]))
    print(f"fast/standard: throughput x{summary['throughput_ratio']}, named-query p99 x{summary['query_p99_ratio']}")
    return summary


if __name__ == "__main__":
    main()
