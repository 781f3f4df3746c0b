"""What every tagging backend shares: the texts it learns from, what it answers, and its interface.

A backend (Annif's word) is a kind of model with parameters; a project of the projects file names
one. ``Backend.train`` turns a ``TrainingSet`` into a ``Model``; a model suggests concepts for a batch
of documents at once, because vectorising and scoring many texts together costs little more than one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import ConfigError
from ..vocab.concepts import Concept, ConceptIndex
from .text import WordMap


@dataclass
class Example:
    text: str
    labels: list[str]  # concept IRIs
    lang: str = "en"


@dataclass
class Suggestion:
    uri: str
    notation: str
    label: str
    score: float
    evidence: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"uri": self.uri, "notation": self.notation, "label": self.label, "score": round(self.score, 4),
                "evidence": self.evidence, "path": self.path}


@dataclass
class TrainingSet:
    """Everything a project learns from: its candidate concepts with the vocabularies around them
    (labels, definitions, narrower concepts, crosswalks), catalogue texts and labelled examples.

    ``held_out`` names (concept IRI, language) pairs whose own texts are left out, so that an
    evaluation can score a concept's official texts in one language with a model that never saw them.
    """

    concepts: ConceptIndex
    candidates: list[Concept]
    corpus: dict[str, list[tuple[str, str]]]  # concept IRI -> (text, language) of catalogue records
    examples: list[Example]
    wordmap: WordMap
    languages: tuple[str, ...] = ("en",)
    held_out: frozenset[tuple[str, str]] = frozenset()

    def own_texts(self, c: Concept, languages: tuple[str, ...] | None = None) -> Iterator[tuple[str, str]]:
        """A concept's official texts, (text, language): labels, definition and the labels of the
        concepts under it (the indicators of a target), in the project's languages (or ``languages``)."""
        for lang in languages or self.languages:
            if (c.iri, lang) in self.held_out:
                continue
            if lang in c.pref:
                yield c.pref[lang], lang
            yield from ((t, lang) for t, alt_lang in c.alt if alt_lang == lang)
            if lang in c.definition:
                yield c.definition[lang], lang
            for child in self.concepts.descendants(c.iri):
                child_c = self.concepts.find(child)
                if child_c is not None and lang in child_c.pref:
                    yield child_c.pref[lang], lang

    def documents(self, c: Concept) -> Iterator[tuple[str, str]]:
        """What a concept is learned from: its own texts and the catalogue's records tagged with it."""
        yield from self.own_texts(c)
        if not any(iri == c.iri for iri, _ in self.held_out):
            yield from self.corpus.get(c.iri, [])

    def without(self, held_out: frozenset[tuple[str, str]], examples: list[Example] | None = None) -> TrainingSet:
        """The same set with other texts held out (and other examples)."""
        return TrainingSet(self.concepts, self.candidates, self.corpus,
                           self.examples if examples is None else examples, self.wordmap, self.languages, held_out)


class Model(ABC):
    """A trained backend: suggestions for documents, each given as (text, language)."""

    @abstractmethod
    def suggest_batch(self, docs: list[tuple[str, str]], limit: int = 10, threshold: float = 0.0,
                      evidence: bool = True) -> list[list[Suggestion]]:
        """Suggestions for each document, best first; ``evidence`` adds the words and the path of each."""

    def describe(self) -> dict:
        """What was learned, for people (``/v1/projects``, ``kmgraph train``): ``note`` in one line."""
        return {}

    def suggest(self, text: str, lang: str = "en", limit: int = 10, threshold: float = 0.0) -> list[Suggestion]:
        return self.suggest_batch([(text, lang)], limit, threshold)[0]


class Backend(ABC):
    """A kind of model. ``params`` are the project's settings for it, checked against ``defaults``."""

    id: ClassVar[str]
    defaults: ClassVar[Mapping[str, object]] = {}

    def __init__(self, params: Mapping[str, object] | None = None) -> None:
        params = dict(params or {})
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            raise ConfigError(f"backend {self.id} takes no parameter {', '.join(unknown)}; "
                              f"it takes: {', '.join(self.defaults) or 'none'}")
        for name, value in params.items():
            default = self.defaults[name]
            if default is not None and not isinstance(value, type(default)) and not (
                    isinstance(default, float) and isinstance(value, int)):
                raise ConfigError(f"backend {self.id}: {name} must be a {type(default).__name__}, not {value!r}")
        self.params = {**self.defaults, **params}

    @abstractmethod
    def train(self, data: TrainingSet) -> Model:
        """A model of ``data``'s candidate concepts."""
