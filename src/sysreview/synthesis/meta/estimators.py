"""Weighted least squares and the τ² estimators, for a model matrix X (k x p).

The intercept-only model (p = 1) is the usual meta-analysis; a column of standard errors gives
Egger's regression test. The formulas are those of metafor's ``rma.uni``:

- DL:   τ² = max(0, (Q_E - (k - p)) / tr(P)), with P built from the fixed-effect weights;
- PM:   the τ² ≥ 0 at which the generalised Q_E(τ²) equals its expectation k - p;
- REML: Fisher scoring, τ² ← τ² + (y'PPy - tr P) / tr(PP), halving steps that would go below
        0, to a change under 1e-10.

statsmodels' ``combine_effects`` (intercept only) has DL without the truncation at 0 and PM,
and no REML and no moderators; this module covers the general case. Its agreement with
statsmodels where they overlap is tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

METHODS = ("FE", "MH", "DL", "REML", "PM")
TOLERANCE = 1e-10
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class Wls:
    """Coefficients, their covariance (unscaled), and the weights used."""

    beta: np.ndarray
    vb: np.ndarray
    weights: np.ndarray


def wls(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> Wls:
    """Inverse-variance weighted least squares with weights 1/v."""
    w = 1 / v
    xtw = x.T * w
    vb = np.linalg.inv(xtw @ x)
    return Wls(beta=vb @ xtw @ y, vb=vb, weights=w)


def projection(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P = W - W X (X'WX)⁻¹ X'W, the residual-maker of weighted least squares."""
    w = 1 / v
    wx = x * w[:, None]
    return np.diag(w) - wx @ np.linalg.inv(x.T @ wx) @ wx.T


def residual_q(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Generalised Q: the weighted residual sum of squares Σ(y - Xb)²/v (= y'Py, but summed
    over residuals so that it cannot come out below 0 by cancellation)."""
    fit = wls(y, v, x)
    residual = y - x @ fit.beta
    return float(np.sum(fit.weights * residual**2))


def tau2_dl(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """DerSimonian-Laird (method of moments), truncated at 0."""
    k, p = x.shape
    q = residual_q(y, v, x)
    return max(0.0, (q - (k - p)) / float(np.trace(projection(v, x))))


def tau2_pm(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Paule-Mandel: root of Q(τ²) = k - p, or 0 where Q(0) is already below it."""
    k, p = x.shape
    target = k - p

    def excess(tau2: float) -> float:
        return residual_q(y, v + tau2, x) - target

    if excess(0.0) <= 0:
        return 0.0
    upper = max(1.0, float(np.var(y)) * 10)
    while excess(upper) > 0:
        upper *= 10
    return float(optimize.brentq(excess, 0.0, upper, xtol=TOLERANCE, rtol=1e-14))


def tau2_reml(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Restricted maximum likelihood by Fisher scoring, started at the DL estimate."""
    tau2 = tau2_dl(y, v, x)
    for _ in range(MAX_ITERATIONS):
        p_mat = projection(v + tau2, x)
        py = p_mat @ y
        step = (float(py @ py) - float(np.trace(p_mat))) / float(np.sum(p_mat * p_mat.T))
        while tau2 + step < 0:
            step /= 2
            if abs(step) < TOLERANCE:
                step = -tau2
                break
        tau2 += step
        if abs(step) < TOLERANCE:
            break
    return max(0.0, tau2)


def estimate_tau2(method: str, y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """τ² by the named estimator; 0 for the fixed-effect models."""
    if method in ("FE", "MH"):
        return 0.0
    if method == "DL":
        return tau2_dl(y, v, x)
    if method == "PM":
        return tau2_pm(y, v, x)
    if method == "REML":
        return tau2_reml(y, v, x)
    raise ValueError(f"unknown method {method!r}")


def typical_variance(v: np.ndarray, x: np.ndarray) -> float:
    """metafor's 'typical' within-study variance s² = (k - p) / tr(P), which I² and H² use."""
    k, p = x.shape
    return (k - p) / float(np.trace(projection(v, x)))


def q_profile_bounds(
    y: np.ndarray, v: np.ndarray, targets: tuple[float, float]
) -> tuple[float, float]:
    """τ² values where the generalised Q (intercept only) crosses the two chi² quantiles.

    ``targets`` are the upper and the lower quantile (for the lower and the upper bound); a
    bound is 0 where Q(0) already lies below its quantile, as in metafor's ``confint``.
    """
    x = np.ones((len(y), 1))

    def solve(target: float) -> float:
        def excess(tau2: float) -> float:
            return residual_q(y, v + tau2, x) - target

        if excess(0.0) <= 0:
            return 0.0
        upper = max(1.0, float(np.var(y)) * 10)
        while excess(upper) > 0:
            upper *= 10
        return float(optimize.brentq(excess, 0.0, upper, xtol=TOLERANCE, rtol=1e-14))

    return solve(targets[0]), solve(targets[1])
