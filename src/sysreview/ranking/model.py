"""One active-learning model: a feature extractor, balancer, classifier and querier composed,
and optionally a source of presumed-irrelevant records for the first retrains.

The model is plain data in, plain data out: texts and decisions go in, record indices come
out. Everything random is derived from ``random_state``, so the same decisions and seed always
give the same ranking (a review's report can name the preset and seed and be reproduced).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from sysreview.ranking.features import Texts
from sysreview.ranking.presumed import NoPresumedIrrelevant
from sysreview.ranking.queriers import tiebreak


class ActiveLearningModel(BaseEstimator):
    """Rank unscreened records by predicted relevance, learned from the screened ones."""

    def __init__(
        self,
        feature_extractor: Any,
        balancer: Any,
        classifier: Any,
        querier: Any,
        random_state: int = 0,
        presumed_irrelevant: Any = None,
    ) -> None:
        self.feature_extractor = feature_extractor
        self.balancer = balancer
        self.classifier = classifier
        self.querier = querier
        self.random_state = random_state
        self.presumed_irrelevant = presumed_irrelevant

    def features(self, texts: Texts) -> sp.csr_matrix:
        """The feature matrix of every record (computed once per review, not per retrain)."""
        matrix = self.feature_extractor.fit_transform(texts)
        self.n_records_ = matrix.shape[0]
        self.priority_ = tiebreak(self.n_records_, self.random_state)
        return matrix

    def fit(self, X: sp.csr_matrix, indices: np.ndarray, y: np.ndarray) -> ActiveLearningModel:
        """Retrain on the records at ``indices`` with labels ``y`` (1 relevant, 0 not), and on
        the presumed-irrelevant records the model draws for these decisions, if any."""
        if getattr(self, "n_records_", None) != X.shape[0]:
            self.n_records_ = X.shape[0]
            self.priority_ = tiebreak(self.n_records_, self.random_state)
        indices = np.asarray(indices, dtype=np.int64)
        y = np.asarray(y, dtype=np.int64)
        source = self.presumed_irrelevant or NoPresumedIrrelevant()
        presumed = source.draw(X, indices, y, self.random_state)
        if len(presumed):
            indices = np.concatenate([indices, presumed])
            y = np.concatenate([y, np.zeros(len(presumed), dtype=np.int64)])
        weights = self.balancer.sample_weight(y) if len(y) else None
        if len(y):
            self.classifier.fit(X[indices], y, sample_weight=weights)
        else:
            self.classifier.fit(X[:0], y)
        return self

    def next_records(
        self, X: sp.csr_matrix, screened: np.ndarray, n: int | None = None
    ) -> np.ndarray:
        """Indices of unscreened records (``screened`` is a boolean mask), best first."""
        candidates = np.flatnonzero(~screened)
        if len(candidates) == 0:
            return candidates
        scores = self.classifier.scores(X)[candidates]  # one product beats slicing the rows
        positions = self.querier.order(scores, self.priority_[candidates], n)
        return candidates[positions]

    def rank(self, X: sp.csr_matrix, labels: Mapping[int, bool]) -> list[int]:
        """Retrain on ``labels`` (record index -> relevant?) and rank every other record."""
        indices = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
        y = np.fromiter(
            (1 if labels[i] else 0 for i in indices), dtype=np.int64, count=len(indices)
        )
        if len(indices) and (indices.min() < 0 or indices.max() >= X.shape[0]):
            raise IndexError("a labelled record index is outside the list of records")
        self.fit(X, indices, y)
        screened = np.zeros(X.shape[0], dtype=bool)
        screened[indices] = True
        return [int(i) for i in self.next_records(X, screened)]
