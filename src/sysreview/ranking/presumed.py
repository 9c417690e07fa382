"""Presumed-irrelevant records: unscreened records a retrain treats as irrelevant, early on.

At the start of a screening the model knows one or two relevant records and a handful of
irrelevant ones. A classifier trained on so few learns what separates those few records, not
what sets the relevant ones apart from the search as a whole; words common to the whole
search can then carry the ranking. Most unscreened records are irrelevant (often 97 % or
more), so a sample of them, trained on as irrelevant, stands in for the background the team
has not screened yet. This is Cormack & Grossman's "presumed non-relevant" documents, the
core of their baseline model implementation (BMI) for continuous active learning: Cormack &
Grossman (2015), "Autonomy and reliability of continuous active learning for
technology-assisted review", arXiv:1504.06868.

Two changes to BMI's random sample keep it from teaching the model against relevant records:

- The sample is drawn from the unscreened records least like the relevant ones found so far
  (the half with the lowest similarity to their centroid), where fewer relevant records hide.
- It is used only while the team has screened fewer than ``until_labelled`` records. After
  that the team's own irrelevant decisions describe the background, and presumed ones would
  mostly push the hard-to-find relevant records (the ones least like those found) down.

The draw is a pure function of the decisions and the seed, so a ranking stays reproducible
from the decisions, as every other part of a model is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

_NONE = np.zeros(0, dtype=np.int64)


class NoPresumedIrrelevant(BaseEstimator):
    """Train on the team's decisions alone."""

    def draw(self, X: Any, labelled: np.ndarray, y: np.ndarray, random_state: int) -> np.ndarray:
        """No records."""
        return _NONE


class FarFromRelevant(BaseEstimator):
    """``count`` unscreened records drawn from the ``pool`` share least similar to the relevant
    records' centroid, while fewer than ``until_labelled`` records are screened.

    Nothing is drawn before the first relevant decision (there is no centroid to be far from).
    """

    def __init__(self, count: int = 30, pool: float = 0.5, until_labelled: int = 100) -> None:
        self.count = count
        self.pool = pool
        self.until_labelled = until_labelled

    def draw(self, X: Any, labelled: np.ndarray, y: np.ndarray, random_state: int) -> np.ndarray:
        """Indices of unscreened records to train on as irrelevant (the records at ``labelled``
        carry the labels ``y``); seeded by ``random_state`` and the number of decisions."""
        labelled = np.asarray(labelled, dtype=np.int64)
        y = np.asarray(y)
        count = int(self.count)
        if count < 1 or len(labelled) >= self.until_labelled or not (y == 1).any():
            return _NONE
        unscreened = np.ones(X.shape[0], dtype=bool)
        unscreened[labelled] = False
        candidates = np.flatnonzero(unscreened)
        if len(candidates) == 0:
            return _NONE
        centroid = np.asarray(X[labelled[y == 1]].mean(axis=0)).ravel()
        similarity = np.asarray(X @ centroid).ravel()[candidates]  # no copy of the rows
        keep = max(count, int(self.pool * len(candidates)))
        farthest = candidates[np.argsort(similarity, kind="stable")[:keep]]
        rng = np.random.default_rng([random_state, len(labelled)])
        chosen = rng.choice(farthest, min(count, len(farthest)), replace=False)
        return np.asarray(chosen, dtype=np.int64)
