"""The README's curator workflow while `kmgraph serve` holds the store: reads open it read-only,
writes go through the service's API with KMGRAPH_TOKEN (issue 21, item 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kmgraph.errors import StoreReadOnlyError
from kmgraph.store import EmbeddedStore

from .conftest import REPO

TEMPLATE = REPO / "examples/vocabularies/template.csv"
BASE = "https://example.org/wetlands/"
pytestmark = pytest.mark.slow


def kmgraph(server, *args: str, token: str | None = "same") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KMGRAPH_")}
    env["KMGRAPH_STORE"] = str(server.store)
    if token is not None:
        env["KMGRAPH_TOKEN"] = server.token if token == "same" else token
    return subprocess.run([sys.executable, "-m", "kmgraph", *args], capture_output=True, text=True, env=env,
                          cwd=server.store.parent, timeout=300, check=False)


def versions(server, vocab: str) -> list[dict]:
    return httpx.get(f"{server.url}/vocabularies/{vocab}/versions", timeout=30).json()


def test_readme_workflow_while_the_service_runs(scratch_server, tmp_path: Path):
    server = scratch_server
    assert json.loads((server.store.parent / "store.service.json").read_text())["url"] == server.url

    checked = kmgraph(server, "check", str(TEMPLATE), "--vocab", "wetlands", "--base", BASE)
    assert checked.returncode == 0, checked.stderr

    loaded = kmgraph(server, "load", str(TEMPLATE), "--vocab", "wetlands", "--base", BASE)
    assert loaded.returncode == 0, loaded.stderr
    assert "wetlands: version 1 current" in loaded.stdout
    [first] = versions(server, "wetlands")  # the service made the version, under the token's name
    assert first["status"] == "current" and first["role"] == "admin"

    listed = kmgraph(server, "versions", "wetlands", "--json")
    assert listed.returncode == 0 and [v["number"] for v in json.loads(listed.stdout)] == [1]
    assert "reading it read-only" in listed.stderr

    # The bug: with the store locked, `check` fell back to the bundled vocabularies and passed a file
    # the service rejects. It now checks against the service's current version.
    fewer = tmp_path / "fewer.csv"
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
    fewer.write_text("".join(line for line in lines if ",WET-02," not in line), encoding="utf-8")
    rejected_check = kmgraph(server, "check", str(fewer), "--vocab", "wetlands", "--base", BASE)
    assert rejected_check.returncode == 1 and "removed-concepts" in rejected_check.stdout
    rejected_load = kmgraph(server, "load", str(fewer), "--vocab", "wetlands", "--base", BASE)
    assert rejected_load.returncode == 1 and "removed-concepts" in rejected_load.stdout
    assert [v["status"] for v in versions(server, "wetlands")] == ["rejected", "current"]

    forced = kmgraph(server, "load", str(fewer), "--vocab", "wetlands", "--base", BASE, "--force")
    assert forced.returncode == 0, forced.stderr
    diffed = kmgraph(server, "diff", "wetlands", "--json")
    assert diffed.returncode == 0, diffed.stderr
    assert [(c["concept"], c["change"]) for c in json.loads(diffed.stdout)["concepts"]] == [(f"{BASE}WET-02", "removed")]
    rolled = kmgraph(server, "rollback", "wetlands", "1")
    assert rolled.returncode == 0, rolled.stderr
    newest = versions(server, "wetlands")[0]
    assert newest["status"] == "current" and newest["rollback_of"] == 1

    info = kmgraph(server, "info", "--json")
    assert info.returncode == 0 and "wetlands" in {v["id"] for v in json.loads(info.stdout)["vocabularies"]}
    exported = kmgraph(server, "export", "wetlands", "--format", "ntriples")
    assert exported.returncode == 0 and f"<{BASE}WET-02>" in exported.stdout

    imported = kmgraph(server, "mappings", "import", str(REPO / "tests/data/sssom-features.sssom.tsv"),
                       "--vocab", "reviewed")
    assert imported.returncode == 0, imported.stderr
    assert "ignored the column 'undeclared_column'" in imported.stderr
    out = tmp_path / "out.sssom.tsv"
    assert kmgraph(server, "mappings", "export", "reviewed", "-o", str(out)).returncode == 0
    assert "\tNot\t" in out.read_text(encoding="utf-8")

    backup = kmgraph(server, "backup", str(tmp_path / "backup"))
    assert backup.returncode == 0 and (tmp_path / "backup").is_dir(), backup.stderr


def test_writes_beside_the_service_need_a_token_it_accepts(scratch_server):
    server = scratch_server
    missing = kmgraph(server, "load", str(TEMPLATE), "--vocab", "wetlands", "--base", BASE, token=None)
    assert missing.returncode == 2 and "set KMGRAPH_TOKEN" in missing.stderr
    wrong = kmgraph(server, "rollback", "gbf", "1", token="not-a-token")
    assert wrong.returncode == 2 and "refused it (401)" in wrong.stderr
    two = kmgraph(server, "load", str(TEMPLATE), str(TEMPLATE), "--vocab", "wetlands", "--base", BASE)
    assert two.returncode == 2 and "one file per command" in two.stderr
    assert httpx.get(f"{server.url}/vocabularies/wetlands", timeout=30).status_code == 404


def test_service_marker_is_removed_when_the_service_stops(tmp_path):
    from .services import server as live

    s = live.start(tmp_path / "store")
    marker = tmp_path / "store.service.json"
    assert marker.is_file()
    s.stop()
    assert not marker.exists()


def test_read_only_store_sees_committed_writes_and_refuses_its_own(tmp_path):
    writer = EmbeddedStore(tmp_path / "store", query_workers=0)
    graph = "https://example.org/g"
    writer.add_to_graph(graph, b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .",
                        ox.RdfFormat.N_TRIPLES)
    reader = EmbeddedStore.open_read_only(tmp_path / "store")
    try:
        assert reader.has_graph(graph) and reader.graphs()[0].triples == 1
        with pytest.raises(StoreReadOnlyError, match="read-only"):
            reader.update("INSERT DATA { <https://example.org/x> <https://example.org/y> 1 }")
        with pytest.raises(StoreReadOnlyError):
            reader.drop_graph(graph)
    finally:
        reader.close()
        writer.close()
