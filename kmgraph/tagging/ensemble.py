"""The ``kmgraph`` backend: linear evidence from the vocabulary's own texts, its hierarchy and its
crosswalks, mixed with weights learned by cross-validation and calibrated into probabilities.

For a project (the GBF targets, say) four sources score every target:
- ``direct``: an SVM over stems of the targets' official texts in every language of the project (labels,
  decision text, the labels of the indicators under them), of the concepts mapped to them (SDG targets,
  Aichi targets), of catalogue records tagged with them, and of labelled examples;
- ``mapped`` and ``chars``: SVMs over stems and over character n-grams of the concepts that the examples
  are also labelled with (Aichi targets for the GBF), whose answers carry over the crosswalk;
- ``neighbours``: the labels of the most similar examples.
Training picks the sources' weights by k-fold cross-validation over its own examples (the texts it will
be scored on later are never among them, so an evaluation around it is a nested cross-validation), and
fits a logistic calibration of the mixed score on the same held-out answers, so that a score is the
probability that the concept is right and ``threshold`` means what it says. Targets imply their goal.
Every suggestion carries its evidence: the words that weighed most, and the path.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..errors import ConfigError
from .base import Backend, Example, Model, Suggestion, TrainingSet
from .folds import folds as make_folds
from .linear import Features, Margins, Neighbours
from .text import Highlighter, stems

LANG_FALLBACK = ("en", "fr", "es")
SOURCES = ("direct", "mapped", "chars", "neighbours")


class _Analysed:
    """A document analysed once for every source: stems in its language, plus English stems of its
    French or Spanish words through the word map, so that English examples speak to it."""

    __slots__ = ("text", "lang", "stems")

    def __init__(self, text: str, lang: str, words: "TrainingSet | EnsembleModel") -> None:
        self.text, self.lang = text, lang
        self.stems = stems(text, lang)
        if lang != "en":
            self.stems = self.stems + words.wordmap.translate(text, lang)


class _Sources:
    """The four sources fitted on one training set; ``scores`` gives each as documents x targets."""

    def __init__(self, data: TrainingSet, targets: list[str], examples: list[Example], c: float, k: int) -> None:
        self.targets = targets
        self.index = index = {t: i for i, t in enumerate(targets)}
        concepts = data.concepts
        docs: list[_Analysed] = []
        labels: list[str] = []
        for iri in targets:
            c_ = concepts.get(iri)
            for text, lang in data.documents(c_):
                docs.append(_Analysed(text, lang, data))
                labels.append(iri)
            for other in concepts.crosswalk(iri):
                oc = concepts.find(other)
                if oc is not None and oc.iri not in index:
                    for text, lang in data.own_texts(oc):
                        docs.append(_Analysed(text, lang, data))
                        labels.append(iri)
        analysed = [_Analysed(ex.text, ex.lang, data) for ex in examples]
        for ex, a in zip(examples, analysed):
            for label in ex.labels:
                if label in index:
                    docs.append(a)
                    labels.append(label)
        self.words = Features.words()
        matrix = self.words.fit([d.stems for d in docs])
        self.direct = Margins(c).fit(matrix, labels)
        self.direct_columns = _columns(self.direct.classes, index)
        # The concepts mapped to the targets in the vocabularies the examples are also labelled with.
        example_vocabs = {concepts.find(lab).vocab for ex in examples for lab in ex.labels  # type: ignore[union-attr]
                          if lab not in index and concepts.find(lab) is not None}
        mapping: dict[str, list[str]] = defaultdict(list)
        for iri in targets:
            for other in concepts.crosswalk(iri):
                oc = concepts.find(other)
                if other not in index and oc is not None and oc.broader and oc.vocab in example_vocabs:
                    mapping[other].append(iri)
        self.mapping = dict(mapping)
        mapped_docs: list[_Analysed] = []
        mapped_labels: list[str] = []
        for other in self.mapping:
            for text, lang in data.own_texts(concepts.get(other)):
                mapped_docs.append(_Analysed(text, lang, data))
                mapped_labels.append(other)
        for ex, a in zip(examples, analysed):
            for label in ex.labels:
                if label in self.mapping:
                    mapped_docs.append(a)
                    mapped_labels.append(label)
        self.mapped = self.chars = None
        if len(set(mapped_labels)) > 1:
            self.mapped = Margins(c).fit(self.words.rows([d.stems for d in mapped_docs]), mapped_labels)
            self.letters = Features.characters()
            self.chars = Margins(c).fit(self.letters.fit([d.text for d in mapped_docs]), mapped_labels)
            self.carry = np.zeros((len(self.mapped.classes), len(targets)))  # mapped concept -> its targets
            for i, other in enumerate(self.mapped.classes):
                for iri in self.mapping[other]:
                    self.carry[i, index[iri]] = 1.0
        labelled = [(a, {lab for lab in ex.labels if lab in index}) for ex, a in zip(examples, analysed)]
        labelled = [(a, labs) for a, labs in labelled if labs]
        self.neighbours = None
        if labelled:
            self.neighbours = Neighbours(k).fit(self.words.rows([a.stems for a, _ in labelled]),
                                                [labs for _, labs in labelled], targets)

    def scores(self, docs: Sequence[_Analysed]) -> tuple[dict[str, np.ndarray], dict]:
        """Per source, documents x targets; and the rows, for the evidence."""
        n = len(docs)
        rows = self.words.rows([d.stems for d in docs])
        out = {name: np.zeros((n, len(self.targets))) for name in SOURCES}
        out["direct"][:, self.direct_columns] = self.direct.probabilities(rows)
        seen = {"words": rows}
        if self.mapped is not None:
            out["mapped"] = self.mapped.probabilities(rows) @ self.carry
            letters = self.letters.rows([d.text for d in docs])
            out["chars"] = self.chars.probabilities(letters) @ self.carry  # type: ignore[union-attr]
            seen["mapped"] = self.mapped.probabilities(rows)
        if self.neighbours is not None:
            out["neighbours"] = self.neighbours.probabilities(rows)
        return out, seen


def _columns(classes: list[str], index: dict[str, int]) -> np.ndarray:
    return np.array([index[c] for c in classes], dtype=np.int64)


def _mix(sources: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return sum(weights[name] * sources[name] for name in SOURCES)  # type: ignore[return-value]


def weight_grid(step: float) -> list[dict[str, float]]:
    """Every way of sharing 1 among the sources in steps of ``step``."""
    n = round(1 / step)
    return [dict(zip(SOURCES, (x * step for x in parts)))
            for parts in itertools.product(range(n + 1), repeat=len(SOURCES)) if sum(parts) == n]


def _quality(mixed: np.ndarray, gold: list[set[int]]) -> float:
    """Mean of P@1 and hit@3 over documents: what the tagging issue asks to be high."""
    top = np.argsort(-mixed, axis=1)[:, :3]
    return float(np.mean([(int(row[0] in g) + int(any(x in g for x in row))) / 2 for row, g in zip(top, gold)]))


class KmgraphBackend(Backend):
    id = "kmgraph"
    defaults = {"c": 1.0, "neighbours": 7, "folds": 4, "step": 0.1, "weights": None, "min_examples": 20}

    def __init__(self, params=None) -> None:
        super().__init__(params)
        given = self.params["weights"]
        if given is not None and (not isinstance(given, dict) or set(given) - set(SOURCES)
                                  or not all(isinstance(v, int | float) and v >= 0 for v in given.values())):
            raise ConfigError(f"backend kmgraph: weights must give numbers >= 0 to some of {', '.join(SOURCES)}")
        if not 0 < float(self.params["step"]) <= 0.5 or int(self.params["folds"]) < 2:  # type: ignore[arg-type]
            raise ConfigError("backend kmgraph: step must be in (0, 0.5] and folds at least 2")

    def train(self, data: TrainingSet) -> EnsembleModel:
        candidates = {c.iri: c for c in data.candidates}
        targets = [c.iri for c in data.candidates if any(b in candidates for b in c.broader)]  # under another
        if not targets:
            raise ConfigError("the project has no candidate concept under another one (a target under a goal) "
                              "to learn; check its vocab and concept_types")
        index = {t: i for i, t in enumerate(targets)}
        c, k = float(self.params["c"]), int(self.params["neighbours"])  # type: ignore[arg-type]
        weights, calibration, chosen_by = self._choose(data, targets, index, c, k)
        sources = _Sources(data, targets, data.examples, c, k)
        return EnsembleModel(data, candidates, sources, weights, calibration, chosen_by)

    def _choose(self, data: TrainingSet, targets: list[str], index: dict[str, int], c: float, k: int):
        """Weights and calibration from k-fold cross-validation over the training examples."""
        given = self.params["weights"]
        if given is not None:
            return {name: float(given.get(name, 0.0)) for name in SOURCES}, None, "given"
        examples = [ex for ex in data.examples if any(lab in index for lab in ex.labels)]
        folds = int(self.params["folds"])  # type: ignore[arg-type]
        if len(examples) < max(int(self.params["min_examples"]), folds):  # type: ignore[arg-type]
            return {"direct": 1.0, "mapped": 0.0, "chars": 0.0, "neighbours": 0.0}, None, "too few examples"
        held: dict[str, list[np.ndarray]] = defaultdict(list)
        gold: list[set[int]] = []
        for part in make_folds(examples, folds):  # the splitting of every evaluation
            sources = _Sources(data, targets, part.train, c, k)
            scored, _ = sources.scores([_Analysed(ex.text, ex.lang, data) for ex in part.test])
            for name in SOURCES:
                held[name].append(scored[name])
            gold += [{index[lab] for lab in ex.labels if lab in index} for ex in part.test]
        stacked = {name: np.vstack(held[name]) for name in SOURCES}
        grid = weight_grid(float(self.params["step"]))  # type: ignore[arg-type]
        best = max(grid, key=lambda w: _quality(_mix(stacked, w), gold))
        mixed = _mix(stacked, best)
        right = np.zeros_like(mixed)
        for i, g in enumerate(gold):
            right[i, list(g)] = 1.0
        top = np.argsort(-mixed, axis=1)[:, :10]  # calibrate where suggestions are made: the top ten
        x = np.take_along_axis(mixed, top, axis=1).reshape(-1, 1)
        y = np.take_along_axis(right, top, axis=1).reshape(-1)
        calibration = None
        if 0 < y.sum() < len(y):
            fitted = LogisticRegression().fit(x, y)
            calibration = (float(fitted.coef_[0, 0]), float(fitted.intercept_[0]))
        return best, calibration, f"{folds}-fold cross-validation over {len(examples)} examples"


class EnsembleModel(Model):
    def __init__(self, data: TrainingSet, candidates: dict, sources: _Sources, weights: dict[str, float],
                 calibration: tuple[float, float] | None, chosen_by: str) -> None:
        self.concepts = data.concepts
        self.wordmap = data.wordmap
        self.candidates = candidates
        self.sources = sources
        self.weights = weights
        self.calibration = calibration
        self.chosen_by = chosen_by
        targets = sources.targets
        self.parents = [[p for p in candidates[t].broader if p in candidates] for t in targets]

    def describe(self) -> dict:
        w = ", ".join(f"{name} {self.weights[name]:.1f}" for name in SOURCES if self.weights[name])
        calibrated = "calibrated" if self.calibration else "not calibrated"
        return {"weights": self.weights, "calibration": self.calibration, "chosen_by": self.chosen_by,
                "note": f"weights {w} ({self.chosen_by}); scores {calibrated}"}

    def _calibrated(self, mixed: np.ndarray) -> np.ndarray:
        if self.calibration is None:
            return mixed
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * mixed + b)))

    def suggest_batch(self, docs: list[tuple[str, str]], limit: int = 10, threshold: float = 0.0,
                      evidence: bool = True) -> list[list[Suggestion]]:
        analysed = [_Analysed(text, lang, self) for text, lang in docs]
        scored, rows = self.sources.scores(analysed)
        mixed = self._calibrated(_mix(scored, self.weights))
        return [self._one(analysed[i], mixed[i], scored, rows, i, limit, threshold, evidence)
                for i in range(len(docs))]

    def _one(self, doc: _Analysed, scores: np.ndarray, scored: dict, rows: dict, i: int, limit: int,
             threshold: float, evidence: bool) -> list[Suggestion]:
        if not doc.stems:
            return []
        targets = self.sources.targets
        order = np.argsort(-scores)
        ranked: list[tuple[str, float, bool]] = [(targets[j], float(scores[j]), False) for j in order]
        goals: dict[str, tuple[float, str]] = {}
        for j in order[:5]:  # a goal is relevant when one of its targets is
            for parent in self.parents[j]:
                if parent not in goals:
                    goals[parent] = (float(scores[j]), targets[j])
        ranked += [(g, score, True) for g, (score, _) in goals.items()]
        ranked.sort(key=lambda x: (-x[1], x[2]))
        out: list[Suggestion] = []
        words = Highlighter(doc.text, doc.lang) if evidence else None
        for iri, score, is_goal in ranked:
            if len(out) >= limit:
                break
            if score < threshold:
                continue
            c = self.candidates[iri]
            label, _ = c.label(doc.lang, LANG_FALLBACK)
            features: list[str] = []
            path: list[str] = []
            if words is not None:
                if is_goal:
                    child = goals[iri][1]
                    path.append(f"{self._notation(child)} skos:broader {self._notation(iri)}")
                    features = self._features(child, scored, rows, i, path_out=None)
                else:
                    features = self._features(iri, scored, rows, i, path_out=path)
            out.append(Suggestion(iri, c.notation, label, score, words.find(features) if words else [], path))
        return out

    def _features(self, target: str, scored: dict, rows: dict, i: int, path_out: list[str] | None) -> list[str]:
        sources = self.sources
        j = sources.index[target]
        row = rows["words"][i]
        features = sources.direct.evidence(row, target, sources.words.names)
        if path_out is not None and scored["direct"][i, j] >= 0.1:
            path_out.append(f"{self._notation(target)} (its own texts)")
        if sources.mapped is not None:
            mapped = rows["mapped"][i]
            for m, other in enumerate(sources.mapped.classes):
                if target in sources.mapping[other] and mapped[m] >= 0.1:
                    features += sources.mapped.evidence(row, other, sources.words.names)
                    if path_out is not None:
                        path_out.append(f"{self._notation(other)} skos:relatedMatch {self._notation(target)}")
        return features

    def _notation(self, iri: str) -> str:
        c = self.concepts.find(iri)
        return c.notation if c else iri
