"""Rate limits from configuration: counters in Redis are shared by every worker of a node."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.errors import ConfigError
from kmgraph.store import EmbeddedStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server (make test does it)")
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path_factory.mktemp("redis"))], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _workers(tmp_path, storage: str, count: int = 2) -> list[TestClient]:
    """``count`` apps as separate workers of one node would be: same settings, their own memory."""
    store = EmbeddedStore(None, query_workers=0)
    settings = Settings.load(store=tmp_path / "s", rate_limit="5/minute", rate_limit_storage=storage)
    return [TestClient(create_app(settings, store)) for _ in range(count)]


def _statuses(workers: list[TestClient], requests: int) -> list[int]:
    return [workers[i % len(workers)].get("/vocabularies").status_code for i in range(requests)]


def test_memory_counters_are_per_worker(tmp_path):
    assert _statuses(_workers(tmp_path, "memory://"), 10) == [200] * 10  # each worker allows its own 5


def test_redis_counters_are_shared_by_workers(tmp_path, redis_url):
    redis.Redis.from_url(redis_url).flushall()
    statuses = _statuses(_workers(tmp_path, redis_url), 8)
    assert statuses == [200] * 5 + [429] * 3  # 5 a minute for the node, whichever worker answers


@pytest.mark.parametrize("uri,fragment", [("nosuch://x", "KMGRAPH_RATE_LIMIT_STORAGE"),
                                          ("redis://127.0.0.1:1", "does not answer")])
def test_a_storage_that_cannot_be_used_stops_the_start(tmp_path, uri, fragment):
    with pytest.raises(ConfigError, match=fragment):
        create_app(Settings.load(store=tmp_path / "s", rate_limit_storage=uri), EmbeddedStore(None, query_workers=0))
    cli = subprocess.run([sys.executable, "-m", "kmgraph", "serve", "--store", str(tmp_path / "s"), "--port",
                          str(_free_port())], check=False, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "KMGRAPH_RATE_LIMIT_STORAGE": uri, "HOME": str(tmp_path)})
    assert cli.returncode == 2 and fragment in cli.stderr and "Traceback" not in cli.stderr, cli.stderr[-2000:]
