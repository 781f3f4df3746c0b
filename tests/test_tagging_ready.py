"""Tagging trained ahead (issue 20, item 2): a real `kmgraph serve` trains its projects in the
background at start; until then calls answer 503 with Retry-After and /health and /v1/projects say
so; record writes and unrelated updates keep the models; a new vocabulary version retrains in the
background while the old model answers."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import REPO
from .services import server as live

pytestmark = pytest.mark.slow
TEXT = {"text": "Eradication of invasive alien species on islands", "limit": "3"}


def health(url: str) -> dict[str, str]:
    return httpx.get(url + "/health", timeout=30).json()["tagging"]


def wait_until(url: str, state: str, timeout: float = 180) -> dict[str, str]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = health(url)
        if set(states.values()) == {state}:
            return states
        time.sleep(0.5)
    raise AssertionError(f"tagging never became {state}: {health(url)}")


def suggest(url: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    r = httpx.post(url + "/v1/projects/gbf-targets/suggest", data=TEXT, timeout=120)
    return r, time.perf_counter() - started


ENV = {"KMGRAPH_TRAIN_AT_START": "true"}


@pytest.fixture
def server(tmp_path):
    s = live.start(tmp_path / "store", env=ENV, timeout=180)
    yield s
    s.stop()


def test_trained_ahead_kept_and_saved(server, tmp_path):
    """One server's life (a training cycle takes tens of seconds on 2 cores, so one test walks it all),
    then a restart on the same store."""
    url, auth = server.url, {"Authorization": f"Bearer {server.token}"}
    # Straight after start: training (it takes seconds), so a call is told to come back, not kept waiting.
    assert health(url)["gbf-targets"] == "training"
    early, seconds = suggest(url)
    assert early.status_code == 503 and seconds < 2
    assert early.headers["content-type"] == "application/problem+json" and int(early.headers["retry-after"]) > 0
    projects = {p["project_id"]: p for p in httpx.get(url + "/v1/projects", timeout=30).json()["projects"]}
    assert projects["gbf-targets"]["is_trained"] is False

    wait_until(url, "ready")
    first, seconds = suggest(url)
    assert first.status_code == 200 and seconds < 2
    assert "GBF-TARGET-06" in [s["notation"] for s in first.json()["results"]]
    project = httpx.get(url + "/v1/projects/gbf-targets", timeout=30).json()
    assert project["is_trained"] is True and project["modification_time"]

    # A record write and an update into an unrelated graph keep the models.
    record = (REPO / "examples/records/valid/capacity-building-bioland-training.ttl").read_bytes()
    assert httpx.post(url + "/records", content=record, headers={**auth, "Content-Type": "text/turtle"},
                      timeout=60).status_code == 201
    update = "INSERT DATA { GRAPH <https://example.org/unrelated> { <https://example.org/a> <https://example.org/b> 1 } }"
    assert httpx.post(url + "/update", data={"update": update}, headers=auth, timeout=60).status_code in (200, 204)
    assert set(health(url).values()) == {"ready"}
    after, seconds = suggest(url)
    assert after.status_code == 200 and seconds < 2
    assert httpx.get(url + "/v1/projects/gbf-targets", timeout=30).json()["modification_time"] == \
        project["modification_time"]

    # A new version of the GBF vocabulary: the model is rebuilt in the background, the old one answers.
    gbf = (REPO / "ontology/vocabularies/gbf.ttl").read_bytes()
    loaded = httpx.put(url + "/vocabularies/gbf", params={"force": "true"}, content=gbf,
                       headers={**auth, "Content-Type": "text/turtle"}, timeout=300)
    assert loaded.status_code == 200, loaded.text
    assert health(url)["gbf-targets"] == "updating"
    meanwhile, seconds = suggest(url)
    assert meanwhile.status_code == 200 and seconds < 2
    wait_until(url, "ready")
    assert httpx.get(url + "/v1/projects/gbf-targets", timeout=30).json()["modification_time"] >= \
        project["modification_time"]


    # Saved with the version they were built from: a restart is ready at once, a damaged file is
    # trained again (never a 5xx).
    server.stop()
    models = tmp_path / "store.models"
    assert sorted(p.name for p in models.iterdir()) == ["aichi-targets.joblib", "chm-pow.joblib", "gbf-targets.joblib",
                                                       "km-strategy.joblib"]
    (models / "aichi-targets.joblib").write_bytes(b"not a model")
    again = live.start(tmp_path / "store", env=ENV, timeout=180)
    try:
        assert health(again.url) == {"gbf-targets": "ready", "aichi-targets": "training", "km-strategy": "ready",
                                     "chm-pow": "ready"}
        r, seconds = suggest(again.url)
        assert r.status_code == 200 and seconds < 2
        assert httpx.post(again.url + "/v1/projects/aichi-targets/suggest", data=TEXT, timeout=60).status_code == 503
        wait_until(again.url, "ready")
    finally:
        again.stop()
