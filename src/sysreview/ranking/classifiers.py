"""Classifiers: learn relevance from the team's decisions and score every record.

Each wraps a scikit-learn linear model behind two calls, ``fit(X, y, sample_weight)`` and
``scores(X)`` (higher = more likely relevant). Before the team has made both kinds of decision
no classifier can be trained; then the scores fall back to what the decisions do say: with only
relevant records, the cosine similarity to their centroid; with none, all zeros (the querier's
seeded tie-break then gives a random order, which is what a reviewer without a model has).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC


def _centroid_similarity(X: Any, positives: Any) -> np.ndarray:
    centroid = np.asarray(positives.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return np.zeros(X.shape[0], dtype=np.float64)
    return np.asarray(X @ (centroid / norm), dtype=np.float64).ravel()


class _LinearClassifier(BaseEstimator):
    """Shared fit/score logic; subclasses say which scikit-learn model to build."""

    def _model(self) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Any:
        """Train on the labelled rows ``X`` with labels ``y`` (1 relevant, 0 irrelevant)."""
        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            self.model_: Any = None
            self.positives_ = X[y == 1] if self.classes_.tolist() == [1] else None
            return self
        self.model_ = self._model()
        self.model_.fit(X, y, sample_weight=sample_weight)
        self.positives_ = None
        return self

    def scores(self, X: Any) -> np.ndarray:
        """A relevance score for every row of ``X``; only the order matters."""
        if self.model_ is not None:
            return self._model_scores(X)
        if self.positives_ is not None:
            return _centroid_similarity(X, self.positives_)
        return np.zeros(X.shape[0], dtype=np.float64)

    def _model_scores(self, X: Any) -> np.ndarray:
        return np.asarray(self.model_.decision_function(X), dtype=np.float64)


class LinearSVM(_LinearClassifier):
    """A linear support vector machine (liblinear), ASReview's ``svm``.

    Fast on sparse text and, with squared hinge loss, smooth enough for a stable ranking.
    """

    def __init__(
        self,
        C: float = 0.11,
        loss: str = "squared_hinge",
        max_iter: int = 1000,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.loss = loss
        self.max_iter = max_iter
        self.random_state = random_state

    def _model(self) -> LinearSVC:
        return LinearSVC(
            C=self.C, loss=self.loss, max_iter=self.max_iter, random_state=self.random_state
        )


class Logistic(_LinearClassifier):
    """L2-regularised logistic regression (liblinear)."""

    def __init__(self, C: float = 1.0, random_state: int = 0) -> None:
        self.C = C
        self.random_state = random_state

    def _model(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, solver="liblinear", random_state=self.random_state)


class NaiveBayes(_LinearClassifier):
    """Multinomial naive Bayes, ASReview's ``nb`` (the ELAS u3 classifier).

    Scores are the log-odds of relevance; the model has no randomness, so ``random_state`` is
    accepted only for a uniform interface.
    """

    def __init__(self, alpha: float = 3.822, random_state: int = 0) -> None:
        self.alpha = alpha
        self.random_state = random_state

    def _model(self) -> MultinomialNB:
        return MultinomialNB(alpha=self.alpha)

    def fit(self, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Any:
        """As the base class; naive Bayes needs non-negative features, which TF-IDF gives."""
        if sp.issparse(X) and X.nnz and X.data.min() < 0:
            raise ValueError("naive Bayes needs non-negative features")
        return super().fit(X, y, sample_weight)

    def _model_scores(self, X: Any) -> np.ndarray:
        log_proba = self.model_.predict_log_proba(X)
        relevant = int(np.flatnonzero(self.model_.classes_ == 1)[0])
        return np.asarray(log_proba[:, relevant] - log_proba[:, 1 - relevant], dtype=np.float64)
