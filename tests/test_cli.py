"""The `kmgraph` command: init, info, serve, --help everywhere, one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kmgraph.cli import main

KMGRAPH = [sys.executable, "-m", "kmgraph"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KMGRAPH, *args], check=False, capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_every_command_has_help():
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        sub = runner.invoke(main, [name, "--help"])
        assert sub.exit_code == 0, name
        assert "Usage:" in sub.output


def test_usage_error_exits_2():
    result = CliRunner().invoke(main, ["info", "--no-such-flag"])
    assert result.exit_code == 2


def test_init_then_info(tmp_path):
    store = tmp_path / "s"
    init = run("init", "--store", str(store))
    assert init.returncode == 0, init.stderr
    assert "14 graphs" in init.stdout
    info = run("info", "--store", str(store), "--json")
    assert info.returncode == 0
    data = json.loads(info.stdout)
    graphs = {g["iri"]: g["triples"] for g in data["graphs"]}
    assert graphs["https://w3id.org/kmgraph/graph/vocab/gbf"] > 300
    vocabs = {v["id"]: v["version"] for v in data["vocabularies"]}
    assert {"gbf", "gbf-indicators", "km-strategy", "chm-pow", "aichi", "sdg", "cites", "actors",
            "knowledge-object-types", "crosswalks", "countries", "local-contexts-labels"} <= set(vocabs)
    human = run("info", "--store", str(store))
    assert "vocab/sdg" in human.stdout and "Vocabularies" in human.stdout


def test_store_from_environment(tmp_path):
    store = tmp_path / "env-store"
    assert run("init", env={"KMGRAPH_STORE": str(store)}).returncode == 0
    assert (store / "CURRENT").exists()


def test_unwritable_store_one_line_exit_2():
    result = run("init", "--store", "/proc/kmgraph/store")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "/proc/kmgraph/store" in result.stderr and "Traceback" not in result.stderr


def test_locked_store_one_line_exit_2(tmp_path):
    from kmgraph.store import EmbeddedStore

    store = tmp_path / "locked"
    with EmbeddedStore(store):  # held by this process, not by a service: a write cannot go anywhere
        result = run("rollback", "gbf", "1", "--store", str(store))
        read = run("info", "--json", "--store", str(store))  # a read opens it read-only
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert str(store) in result.stderr and "locked" in result.stderr
    assert "Traceback" not in result.stderr
    assert read.returncode == 0 and "read-only" in read.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_initialises_empty_store_and_answers(tmp_path):
    port = free_port()
    store = tmp_path / "served"
    proc = subprocess.Popen([*KMGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.stderr.read() if proc.poll() is not None else ''}")
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _serve_until_announced(store, port: int, env: dict) -> tuple[subprocess.Popen, str]:
    """Start `kmgraph serve`, wait until it says how to write; return the process and what it printed."""
    proc = subprocess.Popen([*KMGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    printed = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        printed.append(line)
        if line.startswith(("writes:", "send it as")) or proc.poll() is not None:
            break
    return proc, "".join(printed)


def test_first_start_makes_an_admin_token_and_shows_it_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KMGRAPH_ADMIN_TOKEN", "KMGRAPH_TOKENS")}
    port = free_port()
    proc, printed = _serve_until_announced(tmp_path / "served", port, env)
    try:
        token = printed.split("export KMGRAPH_TOKEN=")[1].split()[0]
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/admin/reload-bundled"
        assert httpx.post(url, timeout=120).status_code == 401
        assert httpx.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=120).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    proc, printed = _serve_until_announced(tmp_path / "served", free_port(), env)
    proc.terminate()
    proc.wait(timeout=10)
    assert "KMGRAPH_TOKEN=" not in printed and "kmgraph token list" in printed  # shown only once


def test_readme_reload_example_talks_to_the_running_service():
    """The tour's commands "with the service running" never start a second server on the same store."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    tour = readme.split("With the service running:")[1].split("```")[1]
    assert "serve" not in tour and "/admin/reload-bundled" in tour and "$KMGRAPH_TOKEN" in tour
