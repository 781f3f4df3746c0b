"""Tagging projects (Annif's word): which concepts a tagger suggests, built and cached per store."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib

from ..errors import NotFoundError, NotReadyError, TooLargeError
from ..namespaces import KMO
from ..resources import ONTOLOGY_DIR, query_text
from ..store import Store
from ..vocab.concepts import ConceptIndex, ConceptIndexCache
from .model import Example, Suggestion, Tagger
from .text import WordMap

TRAINING = ONTOLOGY_DIR / "training/aichi-activities.jsonl"
MODEL_FORMAT = 1  # of the saved model files: a file of another format is trained again
ID = "https://w3id.org/kmgraph/id/"


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    vocab: str
    types: tuple[str, ...]  # class IRIs of the candidate concepts
    language: str = "en"

    def describe(self, status: dict) -> dict:
        """Annif's project description; ``status`` is this project's entry of ``Taggers.status``."""
        return {"project_id": self.id, "name": self.name, "language": self.language,
                "backend": {"backend_id": "kmgraph"}, "vocab": self.vocab, "is_trained": status["ready"],
                "modification_time": status["trained_at"]}


PROJECTS = {
    "gbf-targets": Project("gbf-targets", "GBF goals and targets", "gbf", (str(KMO.Goal), str(KMO.Target))),
    "aichi-targets": Project("aichi-targets", "Aichi Biodiversity Targets", "aichi",
                             ("http://www.w3.org/2004/02/skos/core#Concept",)),
}


def training_examples() -> list[Example]:
    out = []
    for line in TRAINING.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(Example(row["text"], [ID + row["aichi_target"]] + [ID + t for t in row["gbf_targets"]]))
    return out


def wordmap_for(concepts: ConceptIndex) -> WordMap:
    pairs = []
    for c in concepts.concepts.values():
        if "en" in c.pref:
            pairs += [(lang, c.pref[lang], c.pref["en"]) for lang in ("fr", "es") if lang in c.pref]
    return WordMap(pairs)


def catalogue_corpus(store: Store) -> dict[str, list[str]]:
    corpus: dict[str, list[str]] = {}
    for row in store.query(query_text("system/tagging-corpus")):
        corpus.setdefault(row["tag"].value, []).append(row["text"].value)
    return corpus


def build_tagger(project: Project, concepts: ConceptIndex, corpus: dict[str, list[str]],
                 examples: list[Example], wordmap: WordMap | None = None) -> Tagger:
    candidates = [c for c in concepts.concepts.values()
                  if c.vocab == project.vocab and any(t in c.types for t in project.types)]
    return Tagger(concepts, candidates, wordmap or wordmap_for(concepts), corpus).fit(examples)


@dataclass
class _Model:
    tagger: Tagger
    trained_on: object  # the vocabulary version it was built from
    trained_at: str


class Taggers:
    """The taggers of one store, trained ahead and kept while their vocabulary stays the same.

    Models are saved in ``models_dir`` (beside the store) with the version they were built from, so a
    restart with the same vocabularies is ready at once; a missing or unreadable file is trained
    again. ``start`` loads them, and trains every project without a current model in the background; until a project's first model is ready a call
    to it answers ``NotReadyError`` (503, Retry-After) instead of waiting. Without ``start`` (the
    command line, or ``KMGRAPH_TRAIN_AT_START=false``) the first call trains the model and waits. A model is tied to the
    version of its project's vocabulary (``versions``: the curation catalog's current versions):
    record writes and updates that leave that vocabulary alone keep it, and a new version trains a
    new model in the background while the old one answers.
    """

    RETRY_AFTER = 5  # seconds a client is asked to wait for a model in training

    def __init__(self, store: Store, concepts: ConceptIndexCache,
                 versions: Callable[[], dict[str, int | None]] | None = None, models_dir: Path | None = None) -> None:
        self.store = store
        self.concepts = concepts
        self._versions = versions
        self.models_dir = models_dir
        self._lock = threading.Lock()
        self._models: dict[str, _Model] = {}
        self._training: dict[str, threading.Thread] = {}
        self._failures: dict[str, str] = {}
        self._checked: tuple[object, dict[str, object]] | None = None  # (store counter, versions seen)
        self._ahead = False  # trained ahead (start), so a missing model answers 503 instead of waiting

    def start(self) -> None:
        """Train every project in the background (a service calls this at start)."""
        self._ahead = True
        for project_id in PROJECTS:
            current = self._current(project_id)
            saved = self._load(project_id)
            if saved is not None and saved.trained_on == current:
                with self._lock:
                    self._models.setdefault(project_id, saved)
            else:
                self._train_in_background(project_id, current)

    def train(self, project_id: str) -> _Model:
        """Train (and save) one project's model now: ``kmgraph train``."""
        if project_id not in PROJECTS:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(PROJECTS)}")
        return self._train(project_id, self._current(project_id))

    def suggest(self, project_id: str, text: str, lang: str, limit: int, threshold: float,
                max_chars: int) -> list[Suggestion]:
        """Suggestions of one project for a text of at most ``max_chars`` characters."""
        if len(text) > max_chars:
            raise TooLargeError(f"the text has {len(text)} characters; the limit is {max_chars}")
        return self.get(project_id).suggest(text, lang, limit, threshold)

    def get(self, project_id: str) -> Tagger:
        """The project's model for its current vocabulary, else the one before while the new one trains."""
        if project_id not in PROJECTS:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(PROJECTS)}")
        current = self._current(project_id)
        model = self._models.get(project_id)
        if model is not None and model.trained_on == current:
            return model.tagger
        if model is None and not self._ahead:
            saved = self._load(project_id)
            if saved is not None and saved.trained_on == current:
                with self._lock:
                    self._models.setdefault(project_id, saved)
                return saved.tagger
            return self._train(project_id, current).tagger
        self._train_in_background(project_id, current)
        if model is not None:
            return model.tagger
        raise NotReadyError(f"project {project_id} is being trained; retry in a few seconds",
                            retry_after=self.RETRY_AFTER, detail={"project": project_id})

    def status(self) -> dict[str, dict]:
        """Per project: ready (a model answers), current (trained on the vocabulary as it is), training,
        and ``state``, one word for all of it (ready, training, updating, stale, untrained, failed)."""
        out = {}
        for project_id in PROJECTS:
            model = self._models.get(project_id)
            thread = self._training.get(project_id)
            training = thread is not None and thread.is_alive()
            current = model is not None and model.trained_on == self._current(project_id)
            error = self._failures.get(project_id)
            if model is not None and not current and not training and self._ahead:
                self._train_in_background(project_id, self._current(project_id))  # a new version: noticed here
                training = True
            if model is None:
                state = "training" if training else "failed" if error else "untrained"
            else:
                state = "ready" if current else "updating" if training else "stale"
            out[project_id] = {"state": state, "ready": model is not None, "current": current, "training": training,
                               "trained_on": None if model is None else model.trained_on,
                               "trained_at": None if model is None else model.trained_at, "error": error}
        return out

    def _current(self, project_id: str) -> object:
        """The version a model of this project should be built from, re-read only after a vocabulary write."""
        counter = self.store.vocabulary_version
        checked = self._checked
        if checked is None or checked[0] != counter:
            current = self._versions() if self._versions else {}  # one catalog read for every project
            versions: dict[str, object] = {}
            for pid, project in PROJECTS.items():
                version = current.get(project.vocab)
                # Without a catalog version, any vocabulary write of this process (never saved to disk).
                versions[pid] = ("writes", counter) if version is None else ("version", version)
            checked = self._checked = (counter, versions)
        return checked[1][project_id]

    def _train_in_background(self, project_id: str, version: object) -> None:
        with self._lock:
            running = self._training.get(project_id)
            if running is not None and running.is_alive():
                return
            thread = threading.Thread(target=self._train_quietly, args=(project_id, version), daemon=True,
                                      name=f"kmgraph-train-{project_id}")
            self._training[project_id] = thread
            thread.start()

    def _train_quietly(self, project_id: str, version: object) -> None:
        try:
            self._train(project_id, version)
        except Exception as exc:  # noqa: BLE001 - kept for /health; the next call trains again
            self._failures[project_id] = f"{type(exc).__name__}: {exc}"

    def _train(self, project_id: str, version: object) -> _Model:
        tagger = build_tagger(PROJECTS[project_id], self.concepts.get(), catalogue_corpus(self.store),
                              training_examples())
        model = _Model(tagger, version, datetime.now(UTC).isoformat(timespec="seconds"))
        self._save(project_id, model)  # first, so that a model said to be ready is also on disk
        with self._lock:
            self._models[project_id] = model
            self._failures.pop(project_id, None)
        return model

    def _model_path(self, project_id: str) -> Path | None:
        return self.models_dir / f"{project_id}.joblib" if self.models_dir is not None else None

    def _save(self, project_id: str, model: _Model) -> None:
        """Keep a model built from a recorded vocabulary version; written whole, then renamed."""
        path = self._model_path(project_id)
        if path is None or model.trained_on[0] != "version":  # type: ignore[index]
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".joblib.partial")
        joblib.dump({"format": MODEL_FORMAT, "project": project_id, "trained_on": model.trained_on,
                     "trained_at": model.trained_at, "tagger": model.tagger}, partial)
        os.replace(partial, path)

    def _load(self, project_id: str) -> _Model | None:
        """The saved model, or None when there is none or it cannot be read (it is trained again)."""
        path = self._model_path(project_id)
        if path is None or not path.is_file():
            return None
        try:
            saved = joblib.load(path)
            if saved["format"] != MODEL_FORMAT or saved["project"] != project_id:
                return None
            return _Model(saved["tagger"], tuple(saved["trained_on"]), saved["trained_at"])
        except Exception as exc:  # noqa: BLE001 - a damaged file of any kind means: train again
            self._failures[project_id] = f"saved model unreadable ({type(exc).__name__}); trained again"
            return None
