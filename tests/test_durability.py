"""Durability: kill -9 during writes, `kmgraph check-store`, online backup and verified restore."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from kmgraph.curation import source_for_upload
from kmgraph.integrity import check_store
from kmgraph.records.index import Query
from kmgraph.services import build_services
from kmgraph.store import EmbeddedStore
from kmgraph.validation.inputs import parse_body
from kmgraph.vocab.bundled import load_bundled

from .conftest import REPO
from .services import server
from .services.durability_writer import RECORD, WRITER, vocabulary

KMGRAPH = [sys.executable, "-m", "kmgraph"]
WRITER_SCRIPT = REPO / "tests/services/durability_writer.py"


def check_store_cli(store) -> dict:
    result = subprocess.run([*KMGRAPH, "check-store", "--json", "--store", str(store)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def run_and_kill(store, mode: str, seed: int, delay: float, wait_for: int = 0) -> list[str]:
    """Start a writer, kill -9 it ``delay`` seconds after it is ready (and has acknowledged ``wait_for``
    writes, so that a slow machine still has acknowledged writes to check); the ACK lines it printed."""
    proc = subprocess.Popen([sys.executable, str(WRITER_SCRIPT), str(store), mode, str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
    acks: list[str] = []
    reader = threading.Thread(target=lambda: acks.extend(line.split(" ", 1)[1].strip() for line in proc.stdout
                                                         if line.startswith("ACK ")))
    reader.start()
    deadline = time.monotonic() + 300
    while len(acks) < wait_for and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()
    return acks


ROUNDS = 10  # 5 of each kind: each round restarts a process and checks the whole store (about 5 s)


@pytest.mark.slow
def test_kill_9_during_writes_loses_nothing_acknowledged(tmp_path):
    """10 rounds: record submissions or a vocabulary load, killed at a random moment."""
    store_dir = tmp_path / "store"
    with EmbeddedStore(store_dir, query_workers=0) as s:
        load_bundled(s)
    rng = random.Random(20261121)
    acknowledged: dict[str, str] = {}
    vocab_seeds: list[int] = []  # seeds of loads that were acknowledged
    attempted: list[int] = []
    for round_ in range(ROUNDS):
        mode = "vocab" if round_ % 2 else "records"
        if mode == "vocab":
            attempted.append(round_)
        # The last two rounds wait for acknowledged writes before the kill, whatever the machine's speed.
        wait_for = 0 if round_ < ROUNDS - 2 else (1 if mode == "vocab" else 10)
        acks = run_and_kill(store_dir, mode, round_, rng.uniform(0.05, 3.0 if mode == "vocab" else 0.6), wait_for)
        for ack in acks:
            if mode == "records":
                record_id, uri = ack.split()
                acknowledged[record_id] = uri
            else:
                vocab_seeds.append(int(ack.split()[1]))
        health = check_store_cli(store_dir)
        assert health["ok"] and health["errors"] == 0, health
        with EmbeddedStore(store_dir, query_workers=0) as s:
            services = build_services(s)
            for record_id, uri in acknowledged.items():
                triples = services.records.triples(record_id)
                assert ox.NamedNode(uri) in {t.subject for t in triples}
            # check-store brought the retrieval index in step: it followed the last write and lists them all
            records = services.records
            assert records.index.writes() == records.statistics()[1]
            indexed = {h["id"] for h in records.index.search(Query(limit=100_000))[1]}
            assert set(acknowledged) <= indexed
            labels = {r["l"].value.rsplit(" v", 1)[1] for r in s.query(
                "SELECT DISTINCT ?l WHERE { GRAPH <https://w3id.org/kmgraph/graph/vocab/durable> "
                "{ ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }") if r["l"].value.startswith("concept ")}
            if vocab_seeds:  # the newest acknowledged load, or a later one that committed unacknowledged
                assert len(labels) == 1 and int(labels.pop()) in [s for s in attempted if s >= vocab_seeds[-1]]
            else:
                assert len(labels) <= 1
    assert len(acknowledged) >= 10 and vocab_seeds, "the kills came too early to test anything"


def test_check_store_finds_broken_invariants(tmp_path):
    with EmbeddedStore(tmp_path / "db", query_workers=0) as store:
        load_bundled(store)
        services = build_services(store)
        services.curator.load([source_for_upload("v.ttl", "text/turtle", vocabulary(1, size=50))], WRITER, "durable")
        record_id, _ = services.records.create(parse_body(RECORD.format(seed=0, n=0).encode(), "text/turtle"), WRITER)
        health = check_store(services)
        assert health.ok and health.quads == store.fingerprint()[0]
        breakages = {
            "current-version-size": "INSERT DATA { GRAPH <https://w3id.org/kmgraph/graph/vocab/durable> "
                                    "{ <urn:x> <urn:y> <urn:z> } }",
            "staging-graph": "INSERT DATA { GRAPH <urn:kmgraph:staging:left> { <urn:x> <urn:y> <urn:z> } }",
            "record-history": f"DELETE WHERE {{ GRAPH <https://w3id.org/kmgraph/graph/system/record-history> "
                              f"{{ ?v <https://w3id.org/kmgraph/ontology#recordId> \"{record_id}\" }} }}",
            "record-shape": "INSERT DATA { GRAPH <https://w3id.org/kmgraph/graph/record/stray> "
                            "{ <urn:x> <http://purl.org/dc/terms/type> <urn:t> } }",
            "record-counts": "DELETE WHERE { GRAPH <https://w3id.org/kmgraph/graph/system/statistics> "
                             "{ ?c <https://w3id.org/kmgraph/ontology#recordCount> ?n } }",
            "current-version-pointer": "INSERT { GRAPH ?cat { <urn:v9> <https://w3id.org/kmgraph/ontology#ofVocabulary> ?v ; "
                                       "<https://w3id.org/kmgraph/ontology#versionStatus> 'current' } } WHERE { "
                                       "BIND (<https://w3id.org/kmgraph/graph/system/vocabularies> AS ?cat) "
                                       "GRAPH ?cat { ?v <http://purl.org/dc/terms/identifier> 'durable' } }",
        }
        for check, update in breakages.items():
            store.update(update)
            found = {f.check for f in check_store(services).report.findings}
            assert check in found, (check, found)
        for archive in services.curator.catalog.archive_dir.rglob("*.gz"):
            archive.unlink()
        assert "missing-archive" in {f.check for f in check_store(services).report.findings}


def test_online_backup_and_verified_restore(tmp_path):
    live = server.start(tmp_path / "store", token="backup-admin")
    try:
        auth = {"Authorization": "Bearer backup-admin"}
        before = httpx.get(live.url + "/records", params={"size": 1}).json()["total"]
        r = httpx.post(live.url + "/admin/backup", json={"directory": str(tmp_path / "b1")}, headers=auth, timeout=120)
        assert r.status_code == 200, r.text
        manifest = r.json()
        assert httpx.post(live.url + "/admin/backup", json={"directory": "relative"}, headers=auth).status_code == 400
        assert httpx.post(live.url + "/admin/backup", json={"directory": str(tmp_path / "b1")},
                          headers=auth).status_code == 400  # exists: never overwritten
        assert httpx.post(live.url + "/admin/backup", json={"directory": str(tmp_path / "b9")}).status_code == 401
        record = (REPO / "examples/records/valid/capacity-building-bioland-training.ttl").read_bytes()
        assert httpx.post(live.url + "/records", content=record, headers={"Content-Type": "text/turtle", **auth}).status_code == 201
        cli = subprocess.run([*KMGRAPH, "backup", str(tmp_path / "b2"), "--url", live.url], capture_output=True,
                             text=True, env={**os.environ, "KMGRAPH_ADMIN_TOKEN": "backup-admin"})
        assert cli.returncode == 0, cli.stderr
    finally:
        live.stop()
    restore = subprocess.run([*KMGRAPH, "restore", str(tmp_path / "b1"), "--store", str(tmp_path / "store")],
                             capture_output=True, text=True)
    assert restore.returncode == 2 and "--force" in restore.stderr
    restore = subprocess.run([*KMGRAPH, "restore", str(tmp_path / "b1"), "--store", str(tmp_path / "store"), "--force"],
                             capture_output=True, text=True)
    assert restore.returncode == 0, restore.stderr
    health = check_store_cli(tmp_path / "store")
    assert (health["quads"], health["fingerprint"]) == (manifest["quads"], manifest["fingerprint"])
    with EmbeddedStore(tmp_path / "store", query_workers=0) as s:
        services = build_services(s)
        services.records.ensure_index()
        assert services.records.index.count(with_deleted=True) == before
    (tmp_path / "b2/kmgraph-backup.json").write_text(json.dumps({**manifest, "quads": 1}))
    tampered = subprocess.run([*KMGRAPH, "restore", str(tmp_path / "b2"), "--store", str(tmp_path / "store"),
                               "--force"], capture_output=True, text=True)
    assert tampered.returncode == 2 and "does not match" in tampered.stderr
    assert check_store_cli(tmp_path / "store")["fingerprint"] == manifest["fingerprint"]


def test_admin_backup_needs_admin_right(tmp_path):
    from fastapi.testclient import TestClient

    from kmgraph.access import TokenRegistry
    from kmgraph.app import create_app
    from kmgraph.config import Settings

    registry = TokenRegistry(tmp_path / "tokens.json")
    curator = registry.create("cur", "curator")
    with EmbeddedStore(None) as store:
        app = create_app(Settings.load(store=tmp_path / "s", tokens_file=tmp_path / "tokens.json"), store)
        with TestClient(app) as client:
            r = client.post("/admin/backup", json={"directory": str(tmp_path / "b")},
                            headers={"Authorization": f"Bearer {curator}"})
            assert r.status_code == 403 and not (tmp_path / "b").exists()
