"""Evaluation of taggers with the measures Annif reports: P@1, P@3, R@5, F1@5 and NDCG@5 (averaged
over documents), and k-fold cross-validation so that no text is scored by a model that saw it.

On a small set (the dev file has 112 texts) one random split moves P@1 by up to 0.1, so
cross-validation can be repeated with different shuffles (``repeats``) and averaged over all of them."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import InputError
from ..namespaces import concept_iri
from .model import Example

if TYPE_CHECKING:
    from ..store import Store

MEASURES = ("P@1", "P@3", "R@5", "F1@5", "NDCG@5")


def scores(ranked: list[str], gold: set[str]) -> dict[str, float]:
    """The measures for one document: ``ranked`` suggestions (best first) against ``gold`` labels."""
    def precision(k: int) -> float:
        return sum(1 for x in ranked[:k] if x in gold) / k

    recall5 = sum(1 for x in ranked[:5] if x in gold) / len(gold) if gold else 0.0
    p5 = precision(5)
    f1 = 2 * p5 * recall5 / (p5 + recall5) if p5 + recall5 else 0.0
    dcg = sum(1 / math.log2(i + 2) for i, x in enumerate(ranked[:5]) if x in gold)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), 5)))
    return {"P@1": precision(1), "P@3": precision(3), "R@5": recall5, "F1@5": f1,
            "NDCG@5": dcg / ideal if ideal else 0.0}


def average(per_doc: list[dict[str, float]]) -> dict[str, float]:
    return {m: sum(d[m] for d in per_doc) / len(per_doc) for m in MEASURES} if per_doc else {}


@dataclass
class Fold:
    train: list
    test: list


SEED = 42


def folds(items: list, k: int = 5, seed: int = SEED) -> list[Fold]:
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    parts = [order[i::k] for i in range(k)]
    return [Fold([items[j] for p in parts if p is not part for j in p], [items[j] for j in part]) for part in parts]


def splits(items: list, k: int = 5, repeats: int = 1) -> list[Fold]:
    """The folds of ``repeats`` differently shuffled k-fold splits, one after the other."""
    return [fold for r in range(repeats) for fold in folds(items, k, SEED + r)]


def cross_validate(items: list, train: Callable[[list], Callable[[object], list[str]]],
                   gold: Callable[[object], set[str]], k: int = 5, repeats: int = 1) -> dict[str, float]:
    """Train on k-1 folds, score the held-out fold, average the measures over every document (of
    every repeat)."""
    per_doc = []
    for fold in splits(items, k, repeats):
        predict = train(fold.train)
        per_doc += [scores(predict(item), gold(item)) for item in fold.test]
    return average(per_doc)


def read_labelled(path: Path) -> list[Example]:
    """Labelled texts, one JSON object per line: ``text``, ``gbf_targets``, ``aichi_target``, ``lang``."""
    examples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
            labels = list(row.get("gbf_targets", [])) + ([row["aichi_target"]] if row.get("aichi_target") else [])
            examples.append(Example(row["text"], [concept_iri(x) for x in labels], row.get("lang", "en")))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {n}: not a labelled text: {exc}") from exc
    return examples


def evaluate_project(store: "Store", project_id: str, examples: list[Example], k: int = 5,
                     repeats: int = 1) -> tuple[dict, set[str]]:
    """Cross-validate a tagging project on ``examples``; the measures and the concepts scored (the
    project's concepts that have a broader one: GBF targets, not goals)."""
    from ..vocab.concepts import ConceptIndex
    from .projects import PROJECTS, build_tagger, catalogue_corpus, wordmap_for

    if project_id not in PROJECTS:
        raise InputError(f"no project {project_id!r}; projects: {', '.join(PROJECTS)}")
    concepts = ConceptIndex.build(store)
    corpus, wordmap = catalogue_corpus(store), wordmap_for(concepts)
    spec = PROJECTS[project_id]
    wanted = {c.iri for c in concepts.concepts.values() if c.vocab == spec.vocab and c.broader}

    def train(part: list[Example]) -> Callable[[Example], list[str]]:
        tagger = build_tagger(spec, concepts, corpus, part, wordmap)
        return lambda ex: [s.uri for s in tagger.suggest(ex.text, ex.lang, limit=20) if s.uri in wanted][:5]

    return cross_validate(examples, train, lambda ex: {lab for lab in ex.labels if lab in wanted}, k=k,
                          repeats=repeats), wanted
