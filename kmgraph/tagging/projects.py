"""Tagging projects (Annif's word): which concepts a tagger suggests, built and cached per store."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from ..errors import NotFoundError, TooLargeError
from ..namespaces import KMO
from ..resources import ONTOLOGY_DIR, query_text
from ..store import Store
from ..vocab.concepts import ConceptIndex, ConceptIndexCache
from .model import Example, Suggestion, Tagger
from .text import WordMap

TRAINING = ONTOLOGY_DIR / "training/aichi-activities.jsonl"
ID = "https://w3id.org/kmgraph/id/"


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    vocab: str
    types: tuple[str, ...]  # class IRIs of the candidate concepts
    language: str = "en"

    def describe(self) -> dict:
        return {"project_id": self.id, "name": self.name, "language": self.language,
                "backend": {"backend_id": "kmgraph"}, "vocab": self.vocab, "is_trained": True}


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


class Taggers:
    """Trained taggers of one store, rebuilt when the vocabularies change."""

    def __init__(self, store: Store, concepts: ConceptIndexCache) -> None:
        self.store = store
        self.concepts = concepts
        self._lock = threading.Lock()
        self._taggers: dict[str, Tagger] = {}
        self._version: object = None

    def suggest(self, project_id: str, text: str, lang: str, limit: int, threshold: float,
                max_chars: int) -> list[Suggestion]:
        """Suggestions of one project for a text of at most ``max_chars`` characters."""
        if len(text) > max_chars:
            raise TooLargeError(f"the text has {len(text)} characters; the limit is {max_chars}")
        return self.get(project_id).suggest(text, lang, limit, threshold)

    def get(self, project_id: str) -> Tagger:
        if project_id not in PROJECTS:
            raise NotFoundError(f"no project {project_id!r}; projects: {', '.join(PROJECTS)}")
        version = self.store.vocabulary_version
        with self._lock:
            if version != self._version:
                self._taggers, self._version = {}, version
            if project_id not in self._taggers:
                concepts = self.concepts.get()
                self._taggers[project_id] = build_tagger(PROJECTS[project_id], concepts, catalogue_corpus(self.store),
                                                         training_examples())
            return self._taggers[project_id]
