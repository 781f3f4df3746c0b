"""Evaluation of taggers with the measures Annif reports: P@1, P@3, R@5, F1@5 and NDCG@5 (averaged
over documents), and k-fold cross-validation so that no text is scored by a model that saw it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Callable

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


def folds(items: list, k: int = 5, seed: int = 42) -> list[Fold]:
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    parts = [order[i::k] for i in range(k)]
    return [Fold([items[j] for p in parts if p is not part for j in p], [items[j] for j in part]) for part in parts]


def cross_validate(items: list, train: Callable[[list], Callable[[object], list[str]]],
                   gold: Callable[[object], set[str]], k: int = 5) -> dict[str, float]:
    """Train on k-1 folds, score the held-out fold, average the measures over every document."""
    per_doc = []
    for fold in folds(items, k):
        predict = train(fold.train)
        per_doc += [scores(predict(item), gold(item)) for item in fold.test]
    return average(per_doc)
