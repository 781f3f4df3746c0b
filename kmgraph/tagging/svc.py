"""The ``svc`` backend: one linear SVM over stems of the candidates' texts and the examples, as
Annif's svc backend does; a baseline beside ``kmgraph``, and a small example of a backend."""

from __future__ import annotations

import numpy as np

from .base import Backend, Model, Suggestion, TrainingSet
from .linear import Features, Margins
from .text import Highlighter, stems


class SvcBackend(Backend):
    id = "svc"
    defaults = {"c": 1.0}

    def train(self, data: TrainingSet) -> SvcModel:
        index = {c.iri: c for c in data.candidates}
        docs, labels = [], []
        for c in data.candidates:
            for text, lang in data.documents(c):
                docs.append(stems(text, lang))
                labels.append(c.iri)
        for ex in data.examples:
            for label in ex.labels:
                if label in index:
                    docs.append(stems(ex.text, ex.lang))
                    labels.append(label)
        words = Features.words()
        model = Margins(float(self.params["c"])).fit(words.fit(docs), labels)  # type: ignore[arg-type]
        return SvcModel(index, words, model)


class SvcModel(Model):
    def __init__(self, candidates: dict, words: Features, model: Margins) -> None:
        self.candidates, self.words, self.model = candidates, words, model

    def suggest_batch(self, docs: list[tuple[str, str]], limit: int = 10, threshold: float = 0.0,
                      evidence: bool = True) -> list[list[Suggestion]]:
        analysed = [stems(text, lang) for text, lang in docs]
        rows = self.words.rows(analysed)
        probabilities = self.model.probabilities(rows)
        out = []
        for i, (_, lang) in enumerate(docs):
            found = []
            for j in np.argsort(-probabilities[i]):
                score = float(probabilities[i, j])
                if len(found) >= limit or not analysed[i]:
                    break
                if score < threshold:
                    continue
                c = self.candidates[self.model.classes[j]]
                words = (Highlighter(docs[i][0], lang).find(self.model.evidence(rows[i], c.iri, self.words.names))
                         if evidence else [])
                found.append(Suggestion(c.iri, c.notation, c.label(lang, ("en",))[0], score, words))
            out.append(found)
        return out
