"""Balancers: sample weights that keep the few relevant records from being outvoted.

A review's decisions are heavily imbalanced (often 1 relevant in 30–100), and an unweighted
classifier learns to call everything irrelevant. The weights are a pure function of the labels,
so retraining stays reproducible.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator


class Balanced(BaseEstimator):
    """ASReview's ``balanced`` weights: all irrelevant records together weigh ``1/ratio`` of
    all relevant ones, rescaled so the weights sum to the number of records.

    With one class only the weights are all 1 (there is nothing to balance).
    """

    def __init__(self, ratio: float = 9.8) -> None:
        self.ratio = ratio

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        """One weight per label in ``y`` (1 = relevant, 0 = irrelevant)."""
        y = np.asarray(y)
        n_relevant = int((y == 1).sum())
        n_irrelevant = int((y == 0).sum())
        if n_relevant == 0 or n_irrelevant == 0:
            return np.ones(len(y), dtype=np.float64)
        weights = np.where(y == 1, 1.0, n_relevant / (self.ratio * n_irrelevant))
        return np.asarray(weights * (len(y) / weights.sum()), dtype=np.float64)


class Unbalanced(BaseEstimator):
    """Every decision weighs the same: the baseline a balancer has to beat."""

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        """All ones."""
        return np.ones(len(y), dtype=np.float64)
