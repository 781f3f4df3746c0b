"""The linear pieces the tagging backends are made of: TF-IDF features and linear SVMs whose margins
become distributions.

The vectorizers are fitted by scikit-learn; turning a text into its row is done here, because
scikit-learn validates its input on every call (about 0.6 ms), more than a whole suggestion may take.
``Features.rows`` gives the same matrix as ``TfidfVectorizer.transform`` (a test holds them equal).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from ..vocab.concepts import fold


def _as_given(tokens: list[str]) -> list[str]:
    """The vectorizers get analysed tokens already (a named function, so that models can be saved)."""
    return tokens


def word_features(stems: list[str]) -> list[str]:
    """Stems and stem bigrams."""
    return stems + [f"{a} {b}" for a, b in itertools.pairwise(stems)]


class Features:
    """TF-IDF rows (sublinear tf, idf, l2) over the features a ``featurize`` function makes of a document."""

    CACHED_WORDS = 100_000  # character features: the columns of each word seen, kept up to this many words

    def __init__(self, vectorizer: TfidfVectorizer, featurize: Callable) -> None:
        self.vectorizer = vectorizer
        self.featurize = featurize
        self._by_word: dict[str, list[int]] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_by_word": {}}  # saved models need not carry what a run has seen

    @classmethod
    def words(cls) -> Features:
        """Stems and stem bigrams of analysed documents (lists of stems)."""
        return cls(TfidfVectorizer(analyzer=_as_given, sublinear_tf=True), word_features)

    @classmethod
    def characters(cls) -> Features:
        """Character 3-5-grams within the words of the folded text: robust to word forms and cognates."""
        return cls(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True), fold)

    def fit(self, docs: Sequence) -> sparse.csr_matrix:
        matrix = self.vectorizer.fit_transform([self.featurize(d) for d in docs])
        self.vocabulary = self.vectorizer.vocabulary_
        self.idf = self.vectorizer.idf_
        self.names = self.vectorizer.get_feature_names_out()
        self._analyse = self.vectorizer.build_analyzer()
        return matrix

    def rows(self, docs: Sequence) -> sparse.csr_matrix:
        """One TF-IDF row per document, counted for the whole batch at once."""
        width = len(self.idf)
        found: list[int] = []
        lengths = []
        for doc in docs:
            before = len(found)
            found += self._columns(self.featurize(doc))
            lengths.append(len(found) - before)
        columns = np.array(found, dtype=np.int64)
        owners = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        known = columns >= 0
        keys, counts = np.unique(owners[known] * width + columns[known], return_counts=True)
        row, column = keys // width, keys % width
        values = (1.0 + np.log(counts)) * self.idf[column]
        norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(docs)))
        values /= norms[row]
        return sparse.csr_matrix((values, (row, column)), shape=(len(docs), width))

    def _columns(self, doc) -> list[int]:
        """The column of each feature of a document (-1: not in the vocabulary). Character n-grams stay
        within words (char_wb), so each word's columns are worked out once and reused."""
        get = self.vocabulary.get
        if self.vectorizer.analyzer != "char_wb":
            return [get(f, -1) for f in self._analyse(doc)]
        by_word = self._by_word
        if len(by_word) > self.CACHED_WORDS:
            by_word.clear()
        out: list[int] = []
        for word in doc.split():
            columns = by_word.get(word)
            if columns is None:
                columns = by_word[word] = [get(f, -1) for f in self._analyse(word)]
            out += columns
        return out


class Margins:
    """A linear SVM (one-vs-rest, like Annif's svc backend); a sharp softmax turns its margins into a
    distribution over the classes, so that its answers can be mixed with other evidence."""

    TEMPERATURE = 0.1

    def __init__(self, c: float = 1.0) -> None:
        self.model = LinearSVC(C=c)
        self.classes: list[str] = []

    def fit(self, matrix, labels: list[str]) -> Margins:
        self.model.fit(matrix, labels)
        self.classes = list(self.model.classes_)
        coef = self.model.coef_
        intercept = self.model.intercept_
        if len(self.classes) == 2:  # one margin, for the second class
            coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
        self.coef = np.ascontiguousarray(coef.T)  # features x classes, for rows @ coef
        self.intercept = intercept
        self.index = {c: i for i, c in enumerate(self.classes)}
        return self

    def probabilities(self, rows) -> np.ndarray:
        margins = rows @ self.coef + self.intercept
        z = np.exp((margins - margins.max(axis=1, keepdims=True)) / self.TEMPERATURE)
        return z / z.sum(axis=1, keepdims=True)

    def evidence(self, row, cls: str, names, top: int = 4) -> list[str]:
        """Features of one document's row that pushed most towards ``cls``."""
        if cls not in self.index:
            return []
        contrib = row.data * self.coef[row.indices, self.index[cls]]
        order = np.argsort(-contrib)
        return [names[row.indices[i]] for i in order[:top] if contrib[i] > 0]


class Neighbours:
    """The labels of the most similar example texts, weighted by similarity."""

    def __init__(self, k: int = 7) -> None:
        self.k = k

    def fit(self, matrix, labels: list[set[str]], classes: list[str]) -> Neighbours:
        self.matrix = matrix.T.tocsr()
        index = {c: i for i, c in enumerate(classes)}
        self.votes = np.zeros((matrix.shape[0], len(classes)))
        for i, labs in enumerate(labels):
            for label in labs:
                self.votes[i, index[label]] = 1.0
        return self

    def probabilities(self, rows) -> np.ndarray:
        sims = (rows @ self.matrix).toarray()
        if sims.shape[1] > self.k:
            cut = np.partition(sims, -self.k, axis=1)[:, -self.k][:, None]
            sims = np.where(sims >= cut, sims, 0.0)
        votes = sims @ self.votes
        total = votes.sum(axis=1, keepdims=True)
        return np.divide(votes, total, out=np.zeros_like(votes), where=total > 0)
