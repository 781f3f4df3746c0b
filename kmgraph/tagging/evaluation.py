"""Evaluation of tagging projects, kept apart from training: the measures Annif reports (P@1, P@3,
R@5, F1@5, NDCG@5) and hit@3, by k-fold cross-validation so that no text is scored by a model that saw
it, per language of the texts.

Two evaluations: ``evaluate_project`` cross-validates on labelled texts; since the ``kmgraph``
backend chooses its weights and calibration by a cross-validation of its own over the training
folds, this is a nested cross-validation. ``evaluate_official`` scores the official texts of the
concepts (decision text, titles, indicator labels) in each language with models that never saw that
concept's texts in that language (concepts split into k folds): how well French and Spanish are
read when nothing about a target in that language is known.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from .base import Example, TrainingSet
from .config import Project
from .folds import Fold, splits
from .projects import catalogue_corpus, training_set, wordmap_for

if TYPE_CHECKING:
    from ..store import Store

MEASURES = ("P@1", "hit@3", "P@3", "R@5", "F1@5", "NDCG@5")


def scores(ranked: list[str], gold: set[str]) -> dict[str, float]:
    """The measures for one document: ``ranked`` suggestions (best first) against ``gold`` labels."""
    def precision(k: int) -> float:
        return sum(1 for x in ranked[:k] if x in gold) / k

    recall5 = sum(1 for x in ranked[:5] if x in gold) / len(gold) if gold else 0.0
    p5 = precision(5)
    f1 = 2 * p5 * recall5 / (p5 + recall5) if p5 + recall5 else 0.0
    dcg = sum(1 / math.log2(i + 2) for i, x in enumerate(ranked[:5]) if x in gold)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), 5)))
    return {"P@1": precision(1), "hit@3": float(any(x in gold for x in ranked[:3])), "P@3": precision(3),
            "R@5": recall5, "F1@5": f1, "NDCG@5": dcg / ideal if ideal else 0.0}


def average(per_doc: list[dict[str, float]]) -> dict[str, float]:
    return {m: sum(d[m] for d in per_doc) / len(per_doc) for m in MEASURES} if per_doc else {}


def by_language(per_doc: list[tuple[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """The measures over every document (``all``) and over the documents of each language."""
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for lang, measures in per_doc:
        groups["all"].append(measures)
        groups[lang].append(measures)
    return {name: {**average(docs), "documents": len(docs)} for name, docs in groups.items()}


def _scored(data: TrainingSet, project: Project, docs: list[tuple[str, str]], wanted: set[str]) -> list[list[str]]:
    """The wanted concepts the project's backend, trained on ``data``, suggests for each document."""
    model = project.backend().train(data)
    found = model.suggest_batch(docs, limit=40, evidence=False)
    return [[s.uri for s in suggestions if s.uri in wanted][:5] for suggestions in found]


def scored_concepts(data: TrainingSet) -> set[str]:
    """The concepts measured: those under another candidate (GBF targets, not goals)."""
    iris = {c.iri for c in data.candidates}
    return {c.iri for c in data.candidates if any(b in iris for b in c.broader)}


def evaluate_project(store: "Store", project: Project, examples: list[Example], k: int = 5,
                     repeats: int = 1) -> tuple[dict[str, dict[str, float]], set[str]]:
    """Cross-validate ``project`` on ``examples`` (they replace the project's own); the measures,
    overall and per language, and the concepts scored."""
    data = _data(store, project, examples)
    wanted = scored_concepts(data)
    per_doc: list[tuple[str, dict[str, float]]] = []
    for fold in splits(examples, k, repeats):
        per_doc += _fold(data, project, fold, wanted)
    return by_language(per_doc), wanted


def _fold(data: TrainingSet, project: Project, fold: Fold, wanted: set[str]) -> list[tuple[str, dict[str, float]]]:
    ranked = _scored(data.without(frozenset(), fold.train), project, [(ex.text, ex.lang) for ex in fold.test], wanted)
    return [(ex.lang, scores(r, {lab for lab in ex.labels if lab in wanted})) for ex, r in zip(fold.test, ranked)]


def evaluate_official(store: "Store", project: Project, k: int = 5) -> dict[str, dict[str, float]]:
    """Per language: the measures on the scored concepts' own official texts, each scored by a model
    trained without that concept's texts in that language (concepts in ``k`` folds)."""
    data = _data(store, project, project.examples())
    wanted = scored_concepts(data)
    concepts = sorted(wanted)
    per_doc: list[tuple[str, dict[str, float]]] = []
    for lang in project.languages:
        for fold in splits(concepts, min(k, len(concepts))):
            texts = [(text, iri) for iri in fold.test for text, _ in data.own_texts(data.concepts.get(iri), (lang,))]
            held = data.without(frozenset((iri, lang) for iri in fold.test))
            ranked = _scored(held, project, [(text, lang) for text, _ in texts], wanted)
            per_doc += [(lang, scores(r, {iri})) for (_, iri), r in zip(texts, ranked)]
    return {lang: m for lang, m in by_language(per_doc).items() if lang != "all"}


def _data(store: "Store", project: Project, examples: list[Example]) -> TrainingSet:
    from ..vocab.concepts import ConceptIndex

    concepts = ConceptIndex.build(store)
    return training_set(project, concepts, catalogue_corpus(store), wordmap_for(concepts), examples)
