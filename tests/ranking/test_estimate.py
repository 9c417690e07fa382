"""The estimate of relevant records left: exact from a random sample, modelled otherwise."""

from __future__ import annotations

import numpy as np
from scipy.stats import hypergeom

from sysreview.ranking import estimate_remaining
from sysreview.ranking.estimate import from_discovery_curve, from_random_sample


def test_an_empty_random_sample_of_half_the_pool_bounds_what_is_left() -> None:
    # 100 drawn from a pool of 200, none relevant. The upper bound K is the largest K with
    # P(X <= 0 | N=200, K, n=100) > 2.5 %; by hand P(0 | K=5) = prod (100-j)/(200-j), j<5
    # = 0.0297 > 0.025 and P(0 | K=6) = 0.0145 < 0.025, so at most 5 remain (none found).
    estimate = from_random_sample(200, [0] * 100)
    assert hypergeom.cdf(0, 200, 5, 100) > 0.025 > hypergeom.cdf(0, 200, 6, 100)
    assert (estimate.low, estimate.high, estimate.expected) == (0, 5, 0.0)
    assert estimate.guaranteed and estimate.unscreened == 100


def test_the_sample_estimate_scales_the_sample_rate_to_the_pool() -> None:
    # 5 relevant in 50 drawn from 500: about 50 in the pool, 45 of them still unscreened.
    estimate = from_random_sample(500, [1] * 5 + [0] * 45)
    assert estimate.expected == 45.0
    assert estimate.low < 45 < estimate.high


def test_the_curve_estimate_holds_the_truth_on_a_decaying_discovery_rate() -> None:
    rng = np.random.default_rng(1)
    rate = 0.5 * np.exp(-np.arange(2000) / 150)
    labels = (rng.random(2000) < rate).astype(int)
    estimate = from_discovery_curve(labels[:400], 2000)
    truth = int(labels[400:].sum())
    assert not estimate.guaranteed
    assert estimate.low <= truth <= estimate.high


def test_too_little_history_gives_the_widest_interval() -> None:
    estimate = estimate_remaining([0] * 10, 100)
    assert (estimate.low, estimate.high) == (0, 90)


def test_a_random_sample_is_preferred_to_the_curve() -> None:
    assert estimate_remaining([1, 0] * 20, 1000, sample=[0] * 100).method == "random sample"
