"""How many relevant records probably remain unscreened, with an interval.

Two estimates, labelled by what they rest on:

- ``random sample`` (exact): once records have been drawn at random from the unscreened ones
  (the sampling phase of the hypergeometric stopping rule), the number of relevant records
  left in that pool has an exact hypergeometric confidence interval. Valid whatever the model
  did.
- ``discovery curve`` (model-based): before any random sample, the rate at which relevant
  records turned up along the ranking is fitted with a decaying Poisson rate (log-linear in
  the rank) and extrapolated over the unscreened records; the interval comes from the fit's
  uncertainty. It assumes the decline continues as it went, so it is an estimate, not a
  guarantee.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom

from sysreview.ranking.stoppers import Labels

MIN_RANKED_FOR_CURVE = 20


@dataclass(frozen=True)
class RemainingEstimate:
    """Relevant records probably still unscreened: a point estimate and an interval."""

    expected: float
    low: int
    high: int
    confidence: float
    method: str
    guaranteed: bool
    unscreened: int

    def describe(self) -> str:
        """One line for a reviewer."""
        basis = "exact, from the random sample" if self.guaranteed else f"{self.method} model"
        return (
            f"about {self.expected:.1f} relevant records remain among {self.unscreened} "
            f"unscreened ({self.confidence:.0%} interval {self.low}-{self.high}; {basis})"
        )


def _sample_interval(n_pool: int, n: int, k: int, confidence: float) -> tuple[int, int]:
    """Exact (Clopper-Pearson style) bounds on the relevant records K in a pool of ``n_pool``
    after ``k`` relevant in a random sample of ``n``."""
    tail = (1 - confidence) / 2
    candidates = np.arange(k, n_pool - (n - k) + 1)
    upper_tail = hypergeom.sf(k - 1, n_pool, candidates, n)  # P(X >= k | K)
    lower_tail = hypergeom.cdf(k, n_pool, candidates, n)  # P(X <= k | K)
    low_ok = candidates[upper_tail > tail]
    high_ok = candidates[lower_tail > tail]
    low = int(low_ok.min()) if len(low_ok) else k
    high = int(high_ok.max()) if len(high_ok) else n_pool - (n - k)
    return low, high


def from_random_sample(n_pool: int, sample: Labels, confidence: float = 0.95) -> RemainingEstimate:
    """Relevant records left in a pool of ``n_pool`` of which ``sample`` was drawn at random."""
    labels = np.asarray(sample, dtype=np.int64)
    n, k = len(labels), int(labels.sum())
    if n == 0 or n_pool <= 0:
        raise ValueError("an estimate from a random sample needs a non-empty sample and pool")
    low, high = _sample_interval(n_pool, n, k, confidence)
    return RemainingEstimate(
        expected=k * n_pool / n - k,
        low=low - k,
        high=high - k,
        confidence=confidence,
        method="random sample",
        guaranteed=True,
        unscreened=n_pool - n,
    )


def _fit_decay(found_at: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Poisson MLE of rate(x) = exp(a + b x) over ranks x = 1..n scaled to 0..1, by Newton
    steps; returns the parameters and their covariance (inverse Fisher information)."""
    x = np.arange(1, n + 1, dtype=np.float64) / n
    y = found_at.astype(np.float64)
    design = np.column_stack([np.ones(n), x])
    theta = np.array([math.log(max(y.mean(), 1e-3)), 0.0])
    for _ in range(100):
        rate = np.exp(design @ theta)
        gradient = design.T @ (y - rate)
        information = design.T @ (design * rate[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(information, gradient)
        theta = theta + np.clip(step, -5, 5)
        if np.abs(step).max() < 1e-8:
            break
    rate = np.exp(design @ theta)
    information = design.T @ (design * rate[:, None]) + 1e-9 * np.eye(2)
    return theta, np.linalg.inv(information)


def from_discovery_curve(
    labels: Labels,
    n_total: int,
    confidence: float = 0.95,
    random_state: int = 0,
    draws: int = 2000,
) -> RemainingEstimate:
    """Relevant records left after screening ``labels`` (in ranked order) of ``n_total``.

    Too little history (fewer than 20 records or no relevant one) gives the widest honest
    interval: anywhere from none to every unscreened record.
    """
    array = np.asarray(labels, dtype=np.int64).reshape(-1)
    screened = len(array)
    unscreened = max(n_total - screened, 0)
    if unscreened == 0:
        return RemainingEstimate(0.0, 0, 0, confidence, "discovery curve", False, 0)
    if screened < MIN_RANKED_FOR_CURVE or array.sum() == 0:
        return RemainingEstimate(
            float("nan"), 0, unscreened, confidence, "discovery curve", False, unscreened
        )
    theta, covariance = _fit_decay(array, screened)
    future = np.arange(screened + 1, n_total + 1, dtype=np.float64) / screened
    rng = np.random.default_rng(random_state)
    thetas = rng.multivariate_normal(theta, covariance, size=draws, method="eigh")
    exponent = np.clip(thetas[:, :1] + thetas[:, 1:] * future[None, :], -50, 0)
    means = np.exp(exponent).sum(axis=1)
    counts = np.minimum(rng.poisson(means), unscreened)
    tail = (1 - confidence) / 2
    expected = float(np.exp(np.clip(theta[0] + theta[1] * future, -50, 0)).sum())
    return RemainingEstimate(
        expected=min(expected, float(unscreened)),
        low=int(np.quantile(counts, tail)),
        high=int(np.quantile(counts, 1 - tail)),
        confidence=confidence,
        method="discovery curve",
        guaranteed=False,
        unscreened=unscreened,
    )


def estimate_remaining(
    ranked: Labels,
    n_total: int,
    sample: Labels | None = None,
    confidence: float = 0.95,
    random_state: int = 0,
) -> RemainingEstimate:
    """The best available estimate: exact from a random sample when there is one, otherwise
    from the discovery curve of the ranked screening."""
    if sample is not None and len(sample):
        return from_random_sample(n_total - len(ranked), sample, confidence)
    return from_discovery_curve(ranked, n_total, confidence, random_state)
