"""Tagging projects from a configuration file, backends behind one interface, three languages, and
evaluations that never score a text with a model that saw it (issue 20, items 1, 3 and 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.errors import ConfigError
from kmgraph.services import build_services
from kmgraph.tagging import backends as registry
from kmgraph.tagging.base import Backend, Model
from kmgraph.tagging.config import PROJECTS_FILE, load_projects
from kmgraph.tagging.ensemble import SOURCES, KmgraphBackend, weight_grid
from kmgraph.tagging.evaluation import evaluate_official, evaluate_project
from kmgraph.tagging.linear import Features
from kmgraph.tagging.text import detect_languages, stems
from kmgraph.vocab.concepts import fold

from .conftest import REPO

pytestmark = [pytest.mark.slow]
EXAMPLES = REPO / "ontology/training/aichi-activities.jsonl"

CUSTOM = f"""
[gbf-svc]
name = "GBF targets, one SVM"
vocab = "gbf"
concept_types = ["kmo:Goal", "kmo:Target"]
languages = ["en", "fr"]
backend = "svc"
params = {{ c = 0.5 }}

[gbf-fixed]
name = "GBF targets, fixed weights"
vocab = "gbf"
concept_types = ["kmo:Goal", "https://w3id.org/kmgraph/ontology#Target"]
backend = "kmgraph"
examples = "{EXAMPLES}"
params = {{ weights = {{ direct = 0.5, chars = 0.5 }} }}
"""


@pytest.fixture(scope="module")
def custom(tmp_path_factory, store):
    path = tmp_path_factory.mktemp("projects") / "projects.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    with TestClient(create_app(Settings.load(admin_token="t", projects_file=path), store)) as c:
        yield c


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(Settings.load(admin_token="t"), store)) as c:
        yield c


def test_projects_come_from_the_file(custom):
    projects = {p["project_id"]: p for p in custom.get("/v1/projects").json()["projects"]}
    assert set(projects) == {"gbf-svc", "gbf-fixed"}
    assert projects["gbf-svc"]["backend"] == {"backend_id": "svc"} and projects["gbf-svc"]["languages"] == ["en", "fr"]
    assert projects["gbf-svc"]["is_trained"] is False  # nothing trained yet: the truth
    r = custom.post("/v1/projects/gbf-svc/suggest", data={"text": "Restoring degraded wetlands and mangroves"})
    assert r.status_code == 200 and r.json()["results"][0]["notation"].startswith("GBF-")
    fixed = custom.post("/v1/projects/gbf-fixed/suggest", data={"text": "Eradicating invasive alien species"})
    assert "GBF-TARGET-06" in [s["notation"] for s in fixed.json()["results"][:3]]
    described = custom.get("/v1/projects/gbf-fixed").json()
    assert described["is_trained"] is True and described["model"]["chosen_by"] == "given"
    assert described["model"]["weights"] == {"direct": 0.5, "mapped": 0.0, "chars": 0.5, "neighbours": 0.0}
    # Spanish is not one of gbf-svc's languages: said so, not answered in English.
    r = custom.post("/v1/projects/gbf-svc/suggest", data={"text": "bosques", "language": "es"})
    assert r.status_code == 400 and "es" in r.json()["detail"]
    assert custom.post("/v1/projects/gbf-targets/suggest", data={"text": "forests"}).status_code == 404


@pytest.mark.parametrize("text,message", [
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\ncolour='red'\n", "unknown key colour"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nbackend='fasttext'\n", "no backend 'fasttext'"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nparams={depth=3}\n", "no parameter depth"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nparams={c='high'}\n", "c must be a float"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nlanguages=['de']\n", "languages must be"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['Target']\n", "neither a CURIE"),
    ("[p]\nname='x'\nconcept_types=['kmo:Target']\n", "vocab is missing"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nexamples='nowhere.jsonl'\n", "no examples file"),
    ("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nparams={weights={direct=-1}}\n", "weights must"),
    ("[p\nname=", "is not TOML"),
    ("", "defines no project"),
])
def test_a_wrong_projects_file_is_named_at_start(tmp_path, text, message):
    path = tmp_path / "projects.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_projects(path)


def test_serve_with_a_wrong_projects_file_exits_2(tmp_path):
    path = tmp_path / "projects.toml"
    path.write_text("[p]\nname='x'\nvocab='gbf'\nconcept_types=['kmo:Target']\nbackend='nope'\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "kmgraph", "serve", "--store", str(tmp_path / "s"), "--port", "1",
                        "--projects", str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "project p" in r.stderr and "nope" in r.stderr and "Traceback" not in r.stderr


def test_the_bundled_file_names_every_backend_it_uses():
    projects = load_projects(PROJECTS_FILE)
    assert {"gbf-targets", "aichi-targets", "km-strategy", "chm-pow"} <= set(projects)
    assert projects["gbf-targets"].languages == ("en", "fr", "es")
    assert all(p.backend_id in registry.BACKENDS for p in projects.values())


def test_each_registered_name_loads_the_backend_of_that_name():
    assert {name: load().id for name, load in registry.BACKENDS.items()} == {n: n for n in registry.BACKENDS}


def test_commands_start_without_scikit_learn():
    """A ``kmgraph`` command that tags nothing does not pay for the backends' imports (0.8 s a start)."""
    probe = "import sys, kmgraph.cli; print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr


def test_fast_rows_equal_scikit_learn():
    """The rows made without scikit-learn's per-call checks are the vectorizer's own, for words and letters."""
    docs = ["Restauration des zones humides dégradées", "invasive alien species on islands islands",
            "protected areas and other effective area-based conservation measures", "zzz"]
    for features, made in ((Features.words(), [stems(d) for d in docs]), (Features.characters(), docs)):
        features.fit(made[:3])
        ours = features.rows(made).toarray()
        theirs = features.vectorizer.transform([features.featurize(d) for d in made]).toarray()
        assert np.allclose(ours, theirs) and not ours[3].any()


def test_weight_grid_shares_one_among_the_sources():
    grid = weight_grid(0.5)
    assert len(grid) == 10 and all(abs(sum(w.values()) - 1) < 1e-9 and set(w) == set(SOURCES) for w in grid)


@pytest.fixture(scope="module")
def model(store):
    """The bundled gbf-targets project, trained once for the tests that look at its model."""
    return build_services(store, load_projects()).taggers.get("gbf-targets")


def test_weights_chosen_by_cross_validation_and_scores_calibrated(model):
    described = model.describe()
    assert described["chosen_by"].startswith("4-fold cross-validation over 112")
    assert abs(sum(described["weights"].values()) - 1) < 1e-9 and described["calibration"] is not None
    found = model.suggest("Eradication of invasive alien species on islands", "en", limit=23)
    assert all(0.0 <= s.score <= 1.0 for s in found) and [s.score for s in found] == sorted(
        (s.score for s in found), reverse=True)
    above = model.suggest("Eradication of invasive alien species on islands", "en", limit=23, threshold=0.3)
    assert above and all(s.score >= 0.3 for s in above) and len(above) < len(found)


def test_a_batch_answers_as_each_text_alone(model):
    docs = [("Restauration des mangroves", "fr"), ("Control de especies exóticas invasoras", "es"),
            ("Marine protected areas network", "en"), ("", "en")]
    alone = [[(s.uri, round(s.score, 9)) for s in model.suggest_batch([d], 5, evidence=False)[0]] for d in docs]
    batch = [[(s.uri, round(s.score, 9)) for s in found] for found in model.suggest_batch(docs, 5, evidence=False)]
    assert batch == alone and alone[3] == []


@pytest.mark.parametrize("text,lang,expected", [
    ("Plan d'action national pour éradiquer les espèces exotiques envahissantes des îles", "fr", "GBF-TARGET-06"),
    ("Création d'aires marines protégées et conservation des zones côtières", "fr", "GBF-TARGET-03"),
    ("Réduction de l'utilisation des pesticides et des engrais dans l'agriculture", "fr", "GBF-TARGET-07"),
    ("Restauración de los ecosistemas degradados y de los bosques", "es", "GBF-TARGET-02"),
    ("Ampliación de la red de áreas protegidas terrestres y marinas", "es", "GBF-TARGET-03"),
    ("Reducción de la contaminación por plásticos y nutrientes en los ríos", "es", "GBF-TARGET-07"),
])
def test_french_and_spanish_texts_detected_and_tagged(client, text, lang, expected):
    r = client.post("/tag", json={"text": text, "limit": 5})  # no language given: detected
    assert r.status_code == 200 and r.json()["lang"] == lang
    assert expected in [s["notation"] for s in r.json()["results"][:3]], r.json()["results"]
    annif = client.post("/v1/projects/gbf-targets/suggest", data={"text": text, "limit": "3"}).json()["results"]
    assert expected in [s["notation"] for s in annif]


def test_detect_language_as_annif_does(client):
    r = client.post("/v1/detect-language", json={"text": "La conservation des forêts tropicales",
                                                 "languages": ["en", "fr", "es"]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert results[0]["language"] == "fr" and results[0]["score"] > 0.5 and len(results) == 3
    assert client.post("/v1/detect-language", json={"text": "x", "languages": ["de"]}).status_code == 400
    too_long = client.post("/v1/detect-language", json={"text": "forêt " * 20_000, "languages": ["en", "fr"]})
    assert too_long.status_code == 413 and too_long.headers["content-type"] == "application/problem+json"
    assert client.post("/v1/detect-language", json={"text": "x", "languages": []}).status_code == 422
    assert client.post("/v1/detect-language", json={"text": "x"}).status_code == 422
    assert detect_languages("anything", ("en",)) == [("en", 1.0)]


def test_detect_language_command():
    r = subprocess.run([sys.executable, "-m", "kmgraph", "detect-language", "en,es"], input="Los bosques de montaña",
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("es\t")
    bad = subprocess.run([sys.executable, "-m", "kmgraph", "detect-language", "de"], input="x",
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "LANGUAGES" in bad.stderr


class _Recording(Backend):
    """A backend that remembers what each training saw (and wraps the real one)."""

    id = "recording"
    seen: list[tuple[set[str], set[tuple[str, str]]]] = []

    def train(self, data) -> Model:
        texts = {ex.text for ex in data.examples}
        own = {(text, c.iri) for c in data.candidates for text, _ in data.documents(c)}
        _Recording.seen.append((texts, own))
        return KmgraphBackend({"weights": {"direct": 1.0}}).train(data)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setitem(registry.BACKENDS, "recording", lambda: _Recording)
    _Recording.seen = []
    project = load_projects()["gbf-targets"]
    from dataclasses import replace

    return replace(project, backend_id="recording", params={})


def test_cross_validation_never_trains_on_the_texts_it_scores(store, recording):
    examples = recording.examples()[:40]
    result, wanted = evaluate_project(store, recording, examples, k=4)
    assert result["all"]["documents"] == 40 and len(_Recording.seen) == 4
    for trained_on, _ in _Recording.seen:
        assert len(trained_on) == 30  # three folds of ten
    assert set().union(*(t for t, _ in _Recording.seen)) == {ex.text for ex in examples}


def test_official_texts_scored_without_their_concept_in_that_language(store, recording):
    figures = evaluate_official(store, recording, k=5)
    assert set(figures) == {"en", "fr", "es"}
    assert len(_Recording.seen) == 15  # 5 folds of targets in each of 3 languages
    target_2 = "https://w3id.org/kmgraph/id/GBF-TARGET-02"
    french_rounds = [own for _, own in _Recording.seen[5:10]]  # languages in the project's order: en, fr, es
    # Target 2's French decision text is missing from exactly the one training that scores it; its English one
    # stays in all five.
    assert sum(any(iri == target_2 and t.startswith("Veiller") for t, iri in own) for own in french_rounds) == 4
    assert all(any(iri == target_2 and t.startswith("Ensure") for t, iri in own) for own in french_rounds)
    assert all(figures[lang]["P@1"] > 0.2 and figures[lang]["documents"] > 150 for lang in figures)  # chance: 1/23


@given(st.text(max_size=40))
def test_fold_drops_exactly_the_combining_marks(text):
    """fold's translation table does what removing every character of a non-zero combining class does."""
    decomposed = unicodedata.normalize("NFKD", text)
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert fold("Biodiversité, Ñandú, Œuvre") == "biodiversite, nandu, œuvre"


def test_list_projects_and_train_one(tmp_path):
    """`kmgraph list-projects` tells which projects have a current model saved; `kmgraph train P` makes one."""
    store = tmp_path / "store"
    env = {**os.environ, "KMGRAPH_TRAIN_AT_START": "false", "COLUMNS": "250"}  # a table on one line a row

    def kmgraph(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kmgraph", *args, "--store", str(store)], capture_output=True,
                              text=True, timeout=600, env=env)

    assert kmgraph("init").returncode == 0

    def trained() -> dict[str, object]:
        listed = kmgraph("list-projects", "--json")
        assert listed.returncode == 0, listed.stderr
        return {p["project_id"]: p["vocab_version"] for p in json.loads(listed.stdout)["projects"] if p["is_trained"]}

    assert trained() == {}
    done = kmgraph("train", "km-strategy")
    assert done.returncode == 0 and "km-strategy: kmgraph trained on version" in done.stdout, done.stderr
    assert list(trained()) == ["km-strategy"]
    assert "not trained (kmgraph train)" in kmgraph("list-projects").stdout
    missing = kmgraph("train", "no-such-project")
    assert missing.returncode == 2 and "no project 'no-such-project'" in missing.stderr
