"""The bounded load test (bench/loadtest.py) against a running server: 16 clients for 20 s, no error,
and every acknowledged submission stored. (`make bench` runs it for 60 s on both HTTP stacks.)"""

from __future__ import annotations

import httpx
import pytest

from bench.loadtest import report, run
from kmgraph.access import TokenRegistry

from .services import server


@pytest.mark.slow
def test_sixteen_clients_for_twenty_seconds(tmp_path):
    node = TokenRegistry(tmp_path / "store.tokens.json").create("node-load", "node")
    live = server.start(tmp_path / "store")
    try:
        result = run(live.url, node, clients=16, duration=20)
        print("\n" + report(result))
        assert result["errors"] == 0, {k: v["error_examples"] for k, v in result["kinds"].items()}
        assert all(k["requests"] > 0 for k in result["kinds"].values())
        assert result["kinds"]["query"]["requests"] > 5 * result["kinds"]["validate"]["requests"]
        missing = [rid for rid in result["acknowledged"]
                   if httpx.get(f"{live.url}/records/{rid}", timeout=30).status_code != 200]
        assert result["acknowledged"] and not missing
    finally:
        live.stop()
