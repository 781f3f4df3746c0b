"""Tagging projects at run time: models trained ahead, kept on disk, and asked for suggestions."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib

from ..errors import InputError, NotFoundError, NotReadyError, TooLargeError
from ..resources import query_text
from ..store import Store
from ..vocab.concepts import ConceptIndex, ConceptIndexCache
from .base import Model, Suggestion, TrainingSet
from .config import LANGUAGES, Project
from .text import WordMap, detect_languages, language_of

MODEL_FORMAT = 2  # of the saved model files: a file of another format is trained again


def wordmap_for(concepts: ConceptIndex) -> WordMap:
    pairs = []
    for c in concepts.concepts.values():
        if "en" in c.pref:
            pairs += [(lang, c.pref[lang], c.pref["en"]) for lang in ("fr", "es") if lang in c.pref]
    return WordMap(pairs)


def catalogue_corpus(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Concept IRI -> (title, language) of the catalogue records tagged with it."""
    corpus: dict[str, list[tuple[str, str]]] = {}
    for row in store.query(query_text("system/tagging-corpus")):
        text = row["text"].value
        corpus.setdefault(row["tag"].value, []).append((text, language_of(text, LANGUAGES, "en")))
    return corpus


def training_set(project: Project, concepts: ConceptIndex, corpus: dict[str, list[tuple[str, str]]],
                 wordmap: WordMap | None = None, examples=None) -> TrainingSet:
    """What ``project`` learns from in this store (``examples``: other examples than the project's own)."""
    candidates = [c for c in concepts.concepts.values()
                  if c.vocab == project.vocab and any(t in c.types for t in project.types)]
    return TrainingSet(concepts, candidates, corpus, project.examples() if examples is None else examples,
                       wordmap or wordmap_for(concepts), project.languages)


@dataclass
class _Model:
    tagger: Model
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

    def __init__(self, store: Store, concepts: ConceptIndexCache, projects: dict[str, Project],
                 versions: Callable[[], dict[str, int | None]] | None = None, models_dir: Path | None = None) -> None:
        self.store = store
        self.projects = projects
        self.concepts = concepts
        self._versions = versions
        self.models_dir = models_dir
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Lock()
        self._models: dict[str, _Model] = {}
        self._training: dict[str, threading.Thread] = {}
        self._failures: dict[str, str] = {}
        self._checked: tuple[object, dict[str, object]] | None = None  # (store counter, versions seen)
        self._ahead = False  # trained ahead (start), so a missing model answers 503 instead of waiting

    def start(self) -> None:
        """Train every project without a current saved model in the background (a service calls this
        at start)."""
        self._ahead = True
        for project in self.projects.values():
            language_of("", project.languages, project.language)  # loads the language model now, not on a call
        for project_id in self.load_saved():
            self._train_in_background(project_id, self._current(project_id))

    def load_saved(self) -> list[str]:
        """Take the saved models built from the current vocabularies; the projects left without one."""
        missing = []
        for project_id in self.projects:
            saved = self._load(project_id)
            if saved is not None and saved.trained_on == self._current(project_id):
                with self._lock:
                    self._models.setdefault(project_id, saved)
            else:
                missing.append(project_id)
        return missing

    def train(self, project_id: str) -> _Model:
        """Train (and save) one project's model now: ``kmgraph train``."""
        if project_id not in self.projects:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(self.projects)}")
        return self._train(project_id, self._current(project_id))

    def suggest(self, project_id: str, text: str, lang: str | None, limit: int, threshold: float,
                max_chars: int) -> tuple[str, list[Suggestion]]:
        """The language and the suggestions of one project for a text of at most ``max_chars`` characters."""
        lang, found = self.suggest_batch(project_id, [text], lang, limit, threshold, max_chars, evidence=True)[0]
        return lang, found

    def suggest_batch(self, project_id: str, texts: list[str], lang: str | None, limit: int, threshold: float,
                      max_chars: int, evidence: bool = False) -> list[tuple[str, list[Suggestion]]]:
        """Each text's language (``lang``, else detected) and suggestions, scored in one batch."""
        for text in texts:
            if len(text) > max_chars:
                raise TooLargeError(f"the text has {len(text)} characters; the limit is {max_chars}")
        project = self.project(project_id)
        if lang is not None and lang not in project.languages:
            raise InputError(f"project {project_id} reads {', '.join(project.languages)}, not {lang}")
        model = self.get(project_id)  # first: a project still training answers at once
        langs = [lang or language_of(text, project.languages, project.language) for text in texts]
        found = model.suggest_batch(list(zip(texts, langs)), limit, threshold, evidence)
        return list(zip(langs, found))

    def detect(self, text: str, languages: tuple[str, ...], max_chars: int) -> list[tuple[str, float]]:
        """Annif's detect-language: each candidate language with its probability."""
        if len(text) > max_chars:
            raise TooLargeError(f"the text has {len(text)} characters; the limit is {max_chars}")
        unknown = sorted(set(languages) - set(LANGUAGES))
        if unknown or not languages:
            raise InputError(f"languages must be some of {', '.join(LANGUAGES)}")
        return detect_languages(text, tuple(dict.fromkeys(languages)))

    def project(self, project_id: str) -> Project:
        """The project ``project_id`` (``NotFoundError`` names the projects there are)."""
        if project_id not in self.projects:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(self.projects)}")
        return self.projects[project_id]

    def get(self, project_id: str) -> Model:
        """The project's model for its current vocabulary, else the one before while the new one trains."""
        if project_id not in self.projects:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(self.projects)}")
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
        for project_id in self.projects:
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
                               "model": None if model is None else model.tagger.describe(),
                               "vocab_version": (model.trained_on[1] if model is not None
                                                 and model.trained_on[0] == "version" else None),  # type: ignore[index]
                               "trained_at": None if model is None else model.trained_at, "error": error}
        return out

    def _current(self, project_id: str) -> object:
        """The version a model of this project should be built from, re-read only after a vocabulary write."""
        counter = self.store.vocabulary_version
        checked = self._checked
        if checked is None or checked[0] != counter:
            current = self._versions() if self._versions else {}  # one catalog read for every project
            versions: dict[str, object] = {}
            for pid, project in self.projects.items():
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
            with self._one_at_a_time:  # one training at a time leaves the other core to the requests
                self._train(project_id, version)
        except Exception as exc:  # noqa: BLE001 - kept for /health; the next call trains again
            self._failures[project_id] = f"{type(exc).__name__}: {exc}"

    def _train(self, project_id: str, version: object) -> _Model:
        data = training_set(self.projects[project_id], self.concepts.get(), catalogue_corpus(self.store))
        tagger = self.projects[project_id].backend().train(data)
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
        joblib.dump({"format": MODEL_FORMAT, "project": project_id, "backend": self.projects[project_id].backend_id,
                     "trained_on": model.trained_on,
                     "trained_at": model.trained_at, "tagger": model.tagger}, partial)
        os.replace(partial, path)

    def _load(self, project_id: str) -> _Model | None:
        """The saved model, or None when there is none or it cannot be read (it is trained again)."""
        path = self._model_path(project_id)
        if path is None or not path.is_file():
            return None
        try:
            saved = joblib.load(path)
            if (saved["format"], saved["project"], saved["backend"]) != (
                    MODEL_FORMAT, project_id, self.projects[project_id].backend_id):
                return None
            return _Model(saved["tagger"], tuple(saved["trained_on"]), saved["trained_at"])
        except Exception as exc:  # noqa: BLE001 - a damaged file of any kind means: train again
            self._failures[project_id] = f"saved model unreadable ({type(exc).__name__}); trained again"
            return None
