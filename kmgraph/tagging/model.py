"""The kmgraph tagger: linear models over stems, the vocabulary's hierarchy and its crosswalks.

For a project (a set of candidate concepts, such as the GBF goals and targets) it learns from one
document per concept (labels, definition, the titles of indicators and of catalogue records under
it, and the texts of the concepts mapped to it) and from example texts. A text is scored by a model
of the project's own concepts and, through the crosswalk, by a model of the concepts mapped to them
(an activity recognised as Aichi Target 1 implies the GBF targets related to it); targets imply
their goal. Every suggestion carries its evidence: the words that weighed most, and the path.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from ..vocab.concepts import Concept, ConceptIndex, fold
from . import text as textmod

LANG_FALLBACK = ("en", "fr", "es")


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


def _as_given(tokens: list[str]) -> list[str]:
    """The vectorizers get analysed tokens already (a named function, so that models can be saved)."""
    return tokens


class _Linear:
    """TF-IDF over stems (1-2 grams) and a multinomial logistic regression."""

    def __init__(self) -> None:
        self.vectorizer = TfidfVectorizer(analyzer=_as_given, sublinear_tf=True, min_df=1)
        self.model = LogisticRegression(C=20.0, max_iter=2000)
        self.classes: list[str] = []

    @staticmethod
    def features(stems: list[str]) -> list[str]:
        return stems + [f"{a} {b}" for a, b in itertools.pairwise(stems)]

    def fit(self, docs: list[list[str]], labels: list[str]) -> _Linear:
        matrix = self.vectorizer.fit_transform([self.features(d) for d in docs])
        self.model.fit(matrix, labels)
        self.classes = list(self.model.classes_)
        self.names = self.vectorizer.get_feature_names_out()
        self.index = {c: i for i, c in enumerate(self.classes)}
        return self

    def predict(self, stems: list[str]):
        row = self.vectorizer.transform([self.features(stems)])
        return row, self.probabilities(row)

    def probabilities(self, row) -> np.ndarray:
        return self.model.predict_proba(row)[0]

    def evidence(self, row, cls: str, top: int = 4) -> list[str]:
        """Features of the text that pushed most towards ``cls``."""
        if cls not in self.index:
            return []
        coef = self.model.coef_[self.index[cls]] if self.model.coef_.shape[0] > 1 else self.model.coef_[0]
        idx = row.indices
        contrib = row.data * coef[idx]
        order = np.argsort(-contrib)
        return [self.names[idx[i]] for i in order[:top] if contrib[i] > 0]


class _Margins(_Linear):
    """A linear SVM over the same features (one-vs-rest, like Annif's svc backend). In cross-validation
    it tells the 20 Aichi targets apart better than the logistic model (accuracy 0.60 against 0.54);
    a sharp softmax turns its margins into a distribution that can be mixed with the others."""

    TEMPERATURE = 0.1

    def __init__(self) -> None:
        super().__init__()
        self.model = LinearSVC(C=1.0)

    def probabilities(self, row) -> np.ndarray:
        margins = np.atleast_1d(self.model.decision_function(row)[0])
        if margins.size == 1:  # two classes: one margin, for the second
            margins = np.array([-margins[0], margins[0]])
        z = np.exp((margins - margins.max()) / self.TEMPERATURE)
        return z / z.sum()


class _CharLinear(_Linear):
    """Character n-grams (3-5, within words) of the folded text: robust to word forms and cognates."""

    def __init__(self) -> None:
        super().__init__()
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)

    @staticmethod
    def features(text: str) -> str:  # type: ignore[override]
        return fold(text)


class _Neighbours:
    """The labels of the most similar example texts, weighted by similarity."""

    def __init__(self, k: int = 7) -> None:
        self.k = k
        self.vectorizer = TfidfVectorizer(analyzer=_as_given, sublinear_tf=True)

    def fit(self, docs: list[list[str]], labels: list[set[str]]) -> _Neighbours:
        self.matrix = self.vectorizer.fit_transform([_Linear.features(d) for d in docs])
        self.labels = labels
        return self

    def predict(self, stems: list[str]) -> dict[str, float]:
        sims = (self.vectorizer.transform([_Linear.features(stems)]) @ self.matrix.T).toarray()[0]
        votes: dict[str, float] = defaultdict(float)
        for i in np.argsort(-sims)[: self.k]:
            for label in self.labels[i]:
                votes[label] += float(sims[i])
        total = sum(votes.values()) or 1.0
        return {label: v / total for label, v in votes.items()}


# Weights of the evidence sources, chosen by cross-validation among a few coarse settings.
WEIGHTS = {"direct": 0.4, "mapped": 0.3, "chars": 0.2, "neighbours": 0.1}


class Tagger:
    """Suggests concepts of one project for texts in English, French or Spanish."""

    def __init__(self, concepts: ConceptIndex, candidates: list[Concept], wordmap: textmod.WordMap,
                 corpus: dict[str, list[str]]) -> None:
        self.concepts = concepts
        self.candidates = {c.iri: c for c in candidates}
        self.targets = [c for c in candidates if c.broader]  # concepts under a top concept (targets)
        self.wordmap = wordmap
        self.corpus = corpus  # concept IRI -> extra texts (catalogue record titles)
        self.direct: _Linear | None = None
        self.mapped: _Margins | None = None
        self.chars: _CharLinear | None = None
        self.neighbours: _Neighbours | None = None
        self.mapping: dict[str, list[str]] = {}  # mapped concept -> candidate targets

    # training --------------------------------------------------------------------------------

    def concept_texts(self, c: Concept) -> list[str]:
        texts = [c.pref.get(lang) for lang in ("en",) if lang in c.pref]
        texts += [t for t, lang in c.alt if lang in ("en", "")]
        texts += [d for lang, d in c.definition.items() if lang == "en"]
        for child in self.concepts.descendants(c.iri):
            child_c = self.concepts.find(child)
            if child_c and "en" in child_c.pref:
                texts.append(child_c.pref["en"])
        texts += self.corpus.get(c.iri, [])
        return [t for t in texts if t]

    def fit(self, examples: list[Example]) -> Tagger:
        docs, labels = [], []
        for c in self.targets:
            for t in self.concept_texts(c):
                docs.append(textmod.stems(t))
                labels.append(c.iri)
            for other in self.concepts.crosswalk(c.iri):
                oc = self.concepts.find(other)
                if oc:
                    for t in self.concept_texts(oc):
                        docs.append(textmod.stems(t))
                        labels.append(c.iri)
        for ex in examples:
            for label in ex.labels:
                if label in self.candidates:
                    docs.append(self._stems(ex.text, ex.lang))
                    labels.append(label)
        self.direct = _Linear().fit(docs, labels)
        # The concepts mapped to the targets, in the vocabularies the examples are also labelled with
        # (Aichi targets for the GBF): a model of their own, whose answers carry over the crosswalk.
        example_vocabs = {self.concepts.find(lab).vocab for ex in examples for lab in ex.labels
                          if lab not in self.candidates and self.concepts.find(lab)}
        self.mapping = defaultdict(list)
        for c in self.targets:
            for other in self.concepts.crosswalk(c.iri):
                oc = self.concepts.find(other)
                if other not in self.candidates and oc and oc.broader and oc.vocab in example_vocabs:
                    self.mapping[other].append(c.iri)
        mapped_texts, mapped_labels = [], []
        for other in self.mapping:
            for t in self.concept_texts(self.concepts.find(other)):
                mapped_texts.append(t)
                mapped_labels.append(other)
        for ex in examples:
            for label in ex.labels:
                if label in self.mapping:
                    mapped_texts.append(ex.text)
                    mapped_labels.append(label)
        if len(set(mapped_labels)) > 1:
            self.mapped = _Margins().fit([textmod.stems(t) for t in mapped_texts], mapped_labels)
            self.chars = _CharLinear().fit(mapped_texts, mapped_labels)  # type: ignore[arg-type]
        labelled = [(ex, {lab for lab in ex.labels if lab in self.candidates}) for ex in examples]
        labelled = [(ex, labs) for ex, labs in labelled if labs]
        if labelled:
            self.neighbours = _Neighbours().fit([self._stems(ex.text, ex.lang) for ex, _ in labelled],
                                                [labs for _, labs in labelled])
        return self

    def _stems(self, text: str, lang: str) -> list[str]:
        if lang in ("fr", "es"):
            return textmod.stems(text, lang) + self.wordmap.translate(text, lang)
        return textmod.stems(text, "en")

    # suggesting ------------------------------------------------------------------------------

    def suggest(self, text: str, lang: str = "en", limit: int = 10, threshold: float = 0.0) -> list[Suggestion]:
        stems = self._stems(text, lang)
        if not stems or self.direct is None:
            return []
        row, probs = self.direct.predict(stems)
        scores: dict[str, float] = defaultdict(float)
        paths: dict[str, list[str]] = defaultdict(list)
        via: dict[str, list[str]] = defaultdict(list)  # target -> mapped concepts that implied it
        for cls, p in zip(self.direct.classes, probs):
            scores[cls] += WEIGHTS["direct"] * p
        mrow = None
        if self.mapped is not None:
            mrow, mprobs = self.mapped.predict(stems)
            _, cprobs = self.chars.predict(text)  # type: ignore[union-attr]
            for other, p, pc in zip(self.mapped.classes, mprobs, cprobs):
                for target in self.mapping[other]:
                    scores[target] += WEIGHTS["mapped"] * p + WEIGHTS["chars"] * pc
                    if max(p, pc) >= 0.1:
                        paths[target].append(f"{self._notation(other)} skos:relatedMatch {self._notation(target)}")
                        via[target].append(other)
        if self.neighbours is not None:
            for label, p in self.neighbours.predict(stems).items():
                scores[label] += WEIGHTS["neighbours"] * p
        ranked = sorted(scores.items(), key=lambda x: -x[1])
        out: list[Suggestion] = []
        # Targets imply their goal.
        goal_scores: dict[str, float] = defaultdict(float)
        for iri, score in ranked[:5]:
            for parent in self.candidates[iri].broader if iri in self.candidates else []:
                if parent in self.candidates:
                    goal_scores[parent] = max(goal_scores[parent], 0.8 * score)
                    paths[parent].append(f"{self._notation(iri)} skos:broader {self._notation(parent)}")
        for goal, score in goal_scores.items():
            scores[goal] = max(scores.get(goal, 0.0), score)
        for iri, score in sorted(scores.items(), key=lambda x: -x[1]):
            if score < threshold or len(out) >= limit:
                continue
            c = self.candidates[iri]
            label, _ = c.label(lang, LANG_FALLBACK)
            features = self.direct.evidence(row, iri)
            for other in via.get(iri, []):
                features += self.mapped.evidence(mrow, other)  # type: ignore[union-attr]
            for child in ([t for t, _ in ranked[:5] if iri in self.candidates[t].broader] if not c.broader else []):
                features += self.direct.evidence(row, child)
            out.append(Suggestion(iri, c.notation, label, float(score), _words(text, features), paths[iri]))
        return out

    def _notation(self, iri: str) -> str:
        c = self.concepts.find(iri)
        return c.notation if c else iri


def _words(text: str, features: list[str]) -> list[str]:
    """Turn stem features back into the words of the text they came from."""
    spans = textmod.spans(text)
    stemmed = [textmod.stem(w, "en") for w, _, _ in spans]
    found: list[str] = []
    for feature in dict.fromkeys(features):
        parts = feature.split()
        for i in range(len(spans) - len(parts) + 1):
            if stemmed[i:i + len(parts)] == parts:
                phrase = text[spans[i][1]:spans[i + len(parts) - 1][2]]
                if phrase not in found:
                    found.append(phrase)
                break
    return found[:6]
