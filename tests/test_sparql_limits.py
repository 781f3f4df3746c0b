"""Query time limit on a real server: a runaway query is stopped (its worker process is killed), the
client gets a clear 4xx, and other requests keep being served meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from .services import server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
pytestmark = [pytest.mark.slow]


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / 100


@pytest.fixture
def slow_server(tmp_path):
    s = server.start(tmp_path / "store", env={"KMGRAPH_QUERY_TIMEOUT": "2"})
    yield s
    s.stop()


def test_runaway_query_is_stopped(slow_server):
    url = slow_server.url
    httpx.get(url + "/sparql", params={"query": "ASK {}"})  # workers up, snapshot taken
    before = children(slow_server.process.pid)
    answers: dict = {}

    def run() -> None:
        start = time.time()
        answers["response"] = httpx.get(url + "/sparql", params={"query": RUNAWAY}, timeout=60)
        answers["seconds"] = time.time() - start

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    health = [httpx.get(url + "/health", timeout=5) for _ in range(5)]
    assert all(h.status_code == 200 for h in health), "the service stopped answering during the runaway query"
    fast = httpx.get(url + "/queries/goal-targets", timeout=5)
    assert fast.status_code == 200  # the other worker still serves queries
    thread.join(30)
    r = answers["response"]
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "longer than 2 s" in r.json()["detail"]
    assert 1.5 < answers["seconds"] < 10
    after = children(slow_server.process.pid)
    assert before - after, "the worker that ran the runaway query should have been killed"
    survivors = before & after  # the other, older processes: none of them may still be computing
    idle = cpu_seconds(survivors)
    time.sleep(1.5)
    assert cpu_seconds(survivors) - idle < 0.5, "something is still computing the runaway query"
    assert httpx.get(url + "/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_service_allow_list(live_server, tmp_path):
    """SERVICE works for an allow-listed endpoint (here another kmgraph) and is refused otherwise."""
    federated = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?n WHERE {{ SERVICE <{live_server.url}/sparql> {{ ?c skos:notation ?n FILTER(?n = "GBF-TARGET-05") }} }}"""
    allowed = server.start(tmp_path / "store", env={"KMGRAPH_SERVICE_ALLOWLIST": f"{live_server.url}/sparql"})
    try:
        r = httpx.post(allowed.url + "/sparql", data={"query": federated}, timeout=30)
        assert r.status_code == 200, r.text
        assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["GBF-TARGET-05"]
        other = federated.replace(f"{live_server.url}/sparql", "http://127.0.0.1:1/sparql")
        assert httpx.post(allowed.url + "/sparql", data={"query": other}, timeout=30).status_code == 403
    finally:
        allowed.stop()
