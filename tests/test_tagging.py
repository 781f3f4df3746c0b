"""Tagging: measures, suggestions with evidence and paths in three languages, the Annif-compatible API
(driven by annif-client against a running server) and the eval-tagging command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from annif_client import AnnifClient
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.tagging.evaluation import average, scores
from kmgraph.tagging.folds import folds, splits

from .conftest import REPO

pytestmark = [pytest.mark.slow]


def test_measures_follow_annif_definitions():
    s = scores(["a", "b", "c", "d", "e"], {"b", "x"})
    assert s["P@1"] == 0 and s["P@3"] == pytest.approx(1 / 3) and s["R@5"] == 0.5
    assert s["F1@5"] == pytest.approx(2 * 0.2 * 0.5 / 0.7)
    assert s["NDCG@5"] == pytest.approx((1 / 1.584962500721156) / (1 + 1 / 1.584962500721156))
    assert average([scores(["a"], {"a"}), scores(["b"], {"a"})])["P@1"] == 0.5


def test_folds_partition_the_items():
    parts = folds(list(range(23)), 5)
    assert sorted(x for f in parts for x in f.test) == list(range(23))
    assert all(set(f.train).isdisjoint(f.test) and len(f.train) + len(f.test) == 23 for f in parts)


def test_repeated_splits_shuffle_differently():
    repeated = splits(list(range(23)), 5, repeats=3)
    assert len(repeated) == 15
    rounds = [repeated[i:i + 5] for i in (0, 5, 10)]
    assert all(sorted(x for f in r for x in f.test) == list(range(23)) for r in rounds)
    assert len({tuple(r[0].test) for r in rounds}) == 3


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(Settings.load(admin_token="t", max_tag_chars=5000), store)) as c:
        yield c


@pytest.mark.parametrize("text,lang,expected", [
    ("National programme to eradicate invasive alien species from small islands", "en", "GBF-TARGET-06"),
    ("Restauration des zones humides et des mangroves dégradées sur le littoral", "fr", "GBF-TARGET-02"),
    ("Programa nacional de control de especies exóticas invasoras en islas", "es", "GBF-TARGET-06"),
])
def test_suggestions_in_three_languages(client, text, lang, expected):
    r = client.post("/tag", json={"text": text, "lang": lang, "limit": 5})
    assert r.status_code == 200
    results = r.json()["results"]
    assert expected in [s["notation"] for s in results[:3]], results
    top = next(s for s in results if s["notation"] == expected)
    assert top["path"], "a suggestion says how it was reached"
    goals = [s for s in results if s["notation"].startswith("GBF-GOAL-")]
    assert goals and any("skos:broader" in p for p in goals[0]["path"])


def test_evidence_names_words_of_the_text(client):
    text = "Training of customs officers to detect illegal wildlife trade at borders"
    results = client.post("/tag", json={"text": text, "limit": 3}).json()["results"]
    assert results[0]["evidence"] and all(e in text for e in results[0]["evidence"])


def test_tag_bad_input(client):
    assert client.post("/tag", json={"text": "x" * 6000}).status_code == 413
    assert client.post("/tag", json={"text": "forests", "lang": "de"}).status_code == 422
    assert client.post("/tag", json={"text": "forests", "schemes": ["nope"]}).status_code == 400
    assert client.post("/tag", json={}).status_code == 422


def test_annif_client_against_a_running_server(live_server):
    annif = AnnifClient(api_base=live_server.url + "/v1/")
    projects = {p["project_id"] for p in annif.projects}
    assert {"gbf-targets", "aichi-targets"} <= projects
    assert annif.get_project("gbf-targets")["language"] == "en"
    results = annif.suggest("gbf-targets", "Eradication of invasive alien species on islands", limit=3)
    assert len(results) == 3 and {"uri", "label", "notation", "score"} <= set(results[0])
    assert results[0]["notation"].startswith("GBF-")
    aichi = annif.suggest("aichi-targets", "Eradication of invasive alien species on islands", limit=1)
    assert aichi[0]["notation"] == "AICHI-TARGET-09"
    batch = annif.suggest_batch("gbf-targets", [{"text": "protected areas network", "document_id": "d1"},
                                                {"text": "gender equality in biodiversity policy", "document_id": "d2"}],
                                limit=2)
    assert [d["document_id"] for d in batch] == ["d1", "d2"] and all(len(d["results"]) == 2 for d in batch)
    with pytest.raises(ValueError):
        annif.get_project("no-such-project")


def test_eval_tagging_command(tmp_path):
    sample = tmp_path / "sample.jsonl"
    lines = (REPO / "ontology/training/aichi-activities.jsonl").read_text().splitlines()
    sample.write_text("\n".join(lines[::3]) + "\n")
    r = subprocess.run([sys.executable, "-m", "kmgraph", "eval-tagging", str(sample), "--folds", "2", "--repeats", "2",
                        "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    values = json.loads(r.stdout)["cross_validation"]
    assert set(values) == {"all", "en"} and values["all"]["documents"] == 2 * len(lines[::3])
    assert set(values["all"]) == {"P@1", "hit@3", "P@3", "R@5", "F1@5", "NDCG@5", "documents"}
    assert values["all"]["NDCG@5"] > 0.3  # far above chance (about 0.1) even with a third of the data
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(lines[::8]) + "\n")
    r = subprocess.run([sys.executable, "-m", "kmgraph", "eval-tagging", str(small), "--folds", "2", "--repeats", "2"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "repeated 2 times" in r.stdout.splitlines()[0] and "hit@3" in r.stdout, r.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"no": "text"}\n')
    r = subprocess.run([sys.executable, "-m", "kmgraph", "eval-tagging", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and "line 1" in r.stderr
