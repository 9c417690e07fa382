"""Stopping rules: when may the team stop screening the ranked records?

One rule here carries a statistical guarantee; the others are heuristics and say so in their
``kind``, because a heuristic that worked on past reviews can still stop far too early on the
next one.

- :class:`Hypergeometric` (statistical): Callaghan & Müller-Hansen (2020), "Statistical stopping
  criteria for automated screening in systematic reviews", *Systematic Reviews* 9:273. After the
  ranked phase, screen a *random* sample of the records still unscreened; stop when the
  hypothesis "recall is below the target" is rejected at level ``1 - confidence``.
- :class:`ConsecutiveIrrelevant` (heuristic): stop after a run of irrelevant records.
- :class:`Knee` (heuristic): Cormack & Grossman (2016), "Engineering quality and reliability in
  technology-assisted review", SIGIR '16: stop when the gain curve has flattened past its knee.

Labels are sequences of 0/1 (or booleans) in screening order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from scipy.stats import hypergeom
from sklearn.base import BaseEstimator

Kind = Literal["statistical", "heuristic"]
Labels = Sequence[int | bool] | np.ndarray
"""Decisions in screening order: 1 or True for relevant, 0 or False for irrelevant."""


@dataclass(frozen=True)
class StopCheck:
    """One rule's verdict on a screening history, worded for the advice panel."""

    rule: str
    kind: Kind
    stop: bool
    message: str
    statistic: float | None = None


def _array(labels: Labels) -> np.ndarray:
    return np.asarray(labels, dtype=np.int64).reshape(-1)


def irrelevant_run(labels: Labels) -> int:
    """How many irrelevant records were screened since the last relevant one (or the start)."""
    array = _array(labels)
    hits = np.flatnonzero(array == 1)
    return int(len(array) - (hits[-1] + 1)) if len(hits) else len(array)


class ConsecutiveIrrelevant(BaseEstimator):
    """Heuristic: stop after ``n`` irrelevant records in a row.

    With ``n`` None the run length scales with the review: ``max(minimum, fraction * N)``
    records, since 50 in a row means little in a search of 20,000.
    """

    kind: Kind = "heuristic"
    name = "consecutive"

    def __init__(self, n: int | None = None, fraction: float = 0.05, minimum: int = 50) -> None:
        self.n = n
        self.fraction = fraction
        self.minimum = minimum

    def threshold(self, n_total: int) -> int:
        """The run of irrelevant records that triggers the rule in a review of ``n_total``."""
        if self.n is not None:
            return int(self.n)
        return max(int(self.minimum), math.ceil(self.fraction * n_total))

    def first_stop(self, labels: Labels, n_total: int) -> int | None:
        """Records screened when the rule first says stop, or None if it never does."""
        need = self.threshold(n_total)
        run = 0
        for position, label in enumerate(_array(labels), start=1):
            run = 0 if label else run + 1
            if run >= need:
                return position
        return None

    def check(self, labels: Labels, n_total: int) -> StopCheck:
        """The verdict after the records screened so far."""
        run, need = irrelevant_run(labels), self.threshold(n_total)
        return StopCheck(
            self.name,
            self.kind,
            run >= need,
            f"heuristic: {run} irrelevant records in a row (rule: stop after {need}); "
            "no guarantee on recall",
            float(run),
        )


def knee_slope_ratio(labels: Labels) -> tuple[float, int]:
    """Cormack & Grossman's slope ratio rho at the knee of the gain curve, and the knee rank.

    The knee is the rank ``i`` whose point (i, relevant found by i) lies farthest from the
    straight line joining (0, 0) to the current point (s, relevant found by s); rho is the
    slope before the knee over the slope after it, with one relevant record added after it
    so that a flat tail does not divide by zero.
    """
    found = np.cumsum(_array(labels))
    s = len(found)
    if s == 0 or found[-1] == 0:
        return 0.0, 0
    ranks = np.arange(1, s + 1, dtype=np.float64)
    distance = np.abs(found[-1] * ranks - s * found) / math.hypot(s, found[-1])
    knee = int(np.argmax(distance)) + 1
    if knee >= s:
        return 0.0, knee
    before = found[knee - 1] / knee
    after = (found[-1] - found[knee - 1] + 1) / (s - knee)
    return float(before / after), knee


class Knee(BaseEstimator):
    """Heuristic: the knee method, stopping when rho >= ``base - min(found, cap)`` after at
    least ``min_screened`` records (Cormack & Grossman 2016: base 156, cap 150, 150 records).

    Lenient when many relevant records were found (rho >= 6), strict when few were.
    """

    kind: Kind = "heuristic"
    name = "knee"

    def __init__(self, base: float = 156.0, cap: int = 150, min_screened: int = 150) -> None:
        self.base = base
        self.cap = cap
        self.min_screened = min_screened

    def required_ratio(self, found: int) -> float:
        """The slope ratio the rule needs after ``found`` relevant records."""
        return float(self.base - min(found, self.cap))

    def _stops(self, labels: np.ndarray) -> tuple[bool, float]:
        rho, _ = knee_slope_ratio(labels)
        found = int(labels.sum())
        return len(labels) >= self.min_screened and found > 0 and rho >= self.required_ratio(
            found
        ), rho

    def first_stop(self, labels: Labels, n_total: int, step: int = 1) -> int | None:
        """Records screened when the rule first says stop (checked every ``step``), or None."""
        array = _array(labels)
        for position in range(max(1, self.min_screened), len(array) + 1, step):
            if self._stops(array[:position])[0]:
                return position
        return None

    def check(self, labels: Labels, n_total: int) -> StopCheck:
        """The verdict after the records screened so far."""
        array = _array(labels)
        stop, rho = self._stops(array)
        need = self.required_ratio(int(array.sum()))
        return StopCheck(
            self.name,
            self.kind,
            stop,
            f"heuristic: slope ratio at the knee {rho:.1f} (rule: stop at {need:.0f} after at "
            f"least {self.min_screened} records); no guarantee on recall",
            rho,
        )


def hypergeometric_p(n_pool: int, found_before: int, sample: Labels, target_recall: float) -> float:
    """p-value of "recall < target" after a random sample from the unscreened records.

    ``n_pool`` records were unscreened when random sampling began, ``found_before`` relevant
    records had been found by then, and ``sample`` holds the labels of the records drawn
    uniformly at random (without replacement) from the pool since. Under the null hypothesis at
    least K = floor(found / target) + 1 - found_before relevant records were in the pool; the
    p-value is the chance of finding no more than the sample did if there were exactly K.
    """
    labels = _array(sample)
    return _p_value(n_pool, found_before, len(labels), int(labels.sum()), target_recall)


def _p_value(n_pool: int, found_before: int, n: int, k: int, target_recall: float) -> float:
    found = found_before + k
    exact = Fraction(found) / Fraction(str(target_recall))  # exact: 95 / 0.95 must be 100
    k_target = math.floor(exact) + 1 - found_before
    if k_target > n_pool:
        return 0.0  # even an all-relevant pool would leave recall at or above the target
    return float(hypergeom.cdf(k, n_pool, k_target, n))


class Hypergeometric(BaseEstimator):
    """Statistical: stop when recall >= ``target_recall`` with confidence >= ``confidence``.

    Needs a random sample screened after the ranked phase; the ranked phase ends when the
    ``switch`` heuristic fires (by default a run of irrelevant records), which decides how much
    work is saved but not whether the guarantee holds.
    """

    kind: Kind = "statistical"
    name = "hypergeometric"

    def __init__(
        self,
        target_recall: float = 0.95,
        confidence: float = 0.95,
        switch: ConsecutiveIrrelevant | Knee | None = None,
    ) -> None:
        self.target_recall = target_recall
        self.confidence = confidence
        self.switch = switch

    def _switch(self) -> ConsecutiveIrrelevant | Knee:
        return self.switch if self.switch is not None else ConsecutiveIrrelevant()

    def check(self, ranked: Labels, sample: Labels, n_total: int) -> StopCheck:
        """The verdict after ``ranked`` records then a random ``sample`` of the rest."""
        ranked_array, sample_array = _array(ranked), _array(sample)
        n_pool = n_total - len(ranked_array)
        if len(sample_array) == 0:
            ready = self._switch().check(ranked_array, n_total).stop
            hint = "now" if ready else "once the ranked records stop yielding relevant ones"
            return StopCheck(
                self.name,
                self.kind,
                False,
                f"statistical: needs a random sample of the {n_pool} unscreened records; "
                f"start sampling {hint}",
                None,
            )
        p = hypergeometric_p(n_pool, int(ranked_array.sum()), sample_array, self.target_recall)
        alpha = 1 - self.confidence
        verdict = "stop" if p < alpha else "keep sampling"
        return StopCheck(
            self.name,
            self.kind,
            p < alpha,
            f"statistical: p = {p:.3g} that recall is below {self.target_recall:.0%} "
            f"({verdict}; stops when p < {alpha:.2g})",
            p,
        )

    def simulate(self, labels: Labels, random_state: int = 0) -> tuple[int, int, int]:
        """Apply the rule to a fully ranked review: (ranked, sampled, relevant found).

        The ranked phase runs until the switch heuristic fires; then the remaining records are
        drawn in a seeded random order until the test rejects, or all have been screened.
        """
        array = _array(labels)
        n_total = len(array)
        switched = self._switch().first_stop(array, n_total)
        ranked = n_total if switched is None else switched
        found_before = int(array[:ranked].sum())
        pool = array[ranked:][np.random.default_rng(random_state).permutation(n_total - ranked)]
        alpha = 1 - self.confidence
        k = 0
        for n, label in enumerate(pool, start=1):
            k += int(label)
            if _p_value(len(pool), found_before, n, k, self.target_recall) < alpha:
                return ranked, n, found_before + k
        return ranked, len(pool), found_before + k


STOPPERS: dict[str, type[BaseEstimator]] = {
    "hypergeometric": Hypergeometric,
    "knee": Knee,
    "consecutive": ConsecutiveIrrelevant,
}
"""Registered stopping rules by name; each class's ``kind`` says whether it guarantees recall."""
