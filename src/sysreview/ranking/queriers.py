"""Queriers: decide which unscreened records the team sees next, given the scores.

Ties are broken by a seeded random priority per record (never by file order, which would let
the order of an export steer the screening), so a ranking is reproducible from the decisions
and the seed alone.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator


def tiebreak(n_records: int, random_state: int) -> np.ndarray:
    """A fixed random priority per record (lower goes first among equal scores)."""
    return np.random.default_rng(random_state).permutation(n_records)


class MaxQuerier(BaseEstimator):
    """Most relevant first ("max" in ASReview): the ranking a reviewer screens down."""

    def order(self, scores: np.ndarray, priority: np.ndarray, n: int | None = None) -> np.ndarray:
        """Positions into ``scores``, best first; only the first ``n`` when ``n`` is given."""
        scores = np.asarray(scores, dtype=np.float64)
        if n is not None and n < len(scores):
            if n == 1:
                best = np.flatnonzero(scores == scores.max())
                return np.asarray([best[np.argmin(priority[best])]])
            head = np.argpartition(-scores, n - 1)[:n]
            cutoff = scores[head].min()
            tied = np.flatnonzero(scores >= cutoff)
            ranked = tied[np.lexsort((priority[tied], -scores[tied]))]
            return ranked[:n]
        return np.lexsort((priority, -scores))


class RandomQuerier(BaseEstimator):
    """A seeded random order that ignores the scores: the baseline WSS is measured against,
    and the sampling phase of the statistical stopping rule."""

    def order(self, scores: np.ndarray, priority: np.ndarray, n: int | None = None) -> np.ndarray:
        """Positions into ``scores`` in the order of ``priority``."""
        ranked = np.argsort(priority, kind="stable")
        return ranked if n is None else ranked[:n]
