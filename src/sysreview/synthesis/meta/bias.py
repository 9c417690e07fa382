"""Small-study effects: Egger's regression test and trim-and-fill, as metafor's defaults.

Egger's test is metafor's ``regtest`` default (``model="rma", predictor="sei"``): the
meta-regression yi = b0 + b1·sei with the analysis's own τ² estimator (weights 1/(vi + τ²);
1/vi for fixed-effect models), and a z test of b1 (t with k - 2 df under Knapp-Hartung). The
classical Egger test (the intercept of the unweighted regression of yi/sei on 1/sei) is the
same b1 with a different scale, so it is not offered separately.

Trim-and-fill is Duval and Tweedie's, with metafor's defaults: the L0 estimator (R0 on request),
the side chosen by the sign of the Egger slope (missing studies imputed on the left when it is
positive), iterated to a fixed k0, and the final model fitted to the augmented data with the
analysis's own method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sysreview.errors import InvalidInput
from sysreview.synthesis.meta import estimators
from sysreview.synthesis.meta.effects import EffectSizes
from sysreview.synthesis.meta.models import MetaResult, meta_analysis

MAX_ITERATIONS = 100


@dataclass(frozen=True)
class EggerTest:
    slope: float
    se: float
    statistic: float
    p_value: float
    df: int | None
    intercept: float


@dataclass(frozen=True)
class TrimAndFill:
    k0: int
    side: str
    estimator: str
    filled_effects: tuple[float, ...]
    filled_variances: tuple[float, ...]
    adjusted: MetaResult


def _regression_method(method: str) -> str:
    return "FE" if method in ("FE", "MH") else method


def egger_test(
    effects: EffectSizes, method: str = "REML", *, knapp_hartung: bool = False
) -> EggerTest:
    """Test funnel-plot asymmetry by regressing the effects on their standard errors."""
    if effects.k < 3:
        raise InvalidInput("Egger's test needs at least three studies")
    y, v = effects.yi, effects.vi
    x = np.column_stack([np.ones(effects.k), np.sqrt(v)])
    method = _regression_method(method.upper())
    tau2 = estimators.estimate_tau2(method, y, v, x)
    fit = estimators.wls(y, v + tau2, x)
    vb = fit.vb
    df = None
    if knapp_hartung:
        residual = y - x @ fit.beta
        vb = vb * float(np.sum(fit.weights * residual**2)) / (effects.k - 2)
        df = effects.k - 2
    se = float(np.sqrt(vb[1, 1]))
    statistic = float(fit.beta[1]) / se
    dist = stats.t(df) if df else stats.norm
    return EggerTest(
        slope=float(fit.beta[1]),
        se=se,
        statistic=statistic,
        p_value=float(2 * dist.sf(abs(statistic))),
        df=df,
        intercept=float(fit.beta[0]),
    )


def _k0(centred: np.ndarray, estimator: str) -> int:
    """The number of missing studies from the signed ranks of the centred effects."""
    k = len(centred)
    ranks = stats.rankdata(np.abs(centred), method="ordinal")
    signed = np.sign(centred) * ranks
    if estimator == "R0":
        negatives = -signed[signed < 0]
        k0 = (k - (negatives.max() if negatives.size else 0)) - 1
    else:
        sr = signed[signed > 0].sum()
        k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
    return max(0, int(np.round(k0)))


def trim_and_fill(
    effects: EffectSizes,
    method: str = "REML",
    *,
    estimator: str = "L0",
    side: str | None = None,
    knapp_hartung: bool = False,
) -> TrimAndFill:
    """Estimate the studies missing on one side of the funnel and pool with them filled in."""
    estimator = estimator.upper()
    if estimator not in ("L0", "R0"):
        raise InvalidInput("the trim-and-fill estimator is L0 or R0")
    method = _regression_method(method.upper())
    if side is None:
        side = "left" if egger_test(effects, method).slope > 0 else "right"
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * effects.yi, kind="stable")
    y, v = sign * effects.yi[order], effects.vi[order]
    k = len(y)
    k0, previous, beta = 0, -1, 0.0
    for _ in range(MAX_ITERATIONS):
        if k0 == previous:
            break
        previous = k0
        trimmed = EffectSizes(
            effects.measure, tuple(map(str, range(k - k0))), y[: k - k0], v[: k - k0]
        )
        beta = meta_analysis(trimmed, method).estimate
        k0 = min(_k0(y - beta, estimator), k - 2)
    filled_y = sign * (2 * beta - y[k - k0 :])
    filled_v = v[k - k0 :]
    augmented = EffectSizes(
        effects.measure,
        (*effects.studies, *(f"filled {i + 1}" for i in range(k0))),
        np.concatenate([effects.yi, filled_y]),
        np.concatenate([effects.vi, filled_v]),
    )
    adjusted = meta_analysis(augmented, method, knapp_hartung=knapp_hartung)
    return TrimAndFill(
        k0=k0,
        side=side,
        estimator=estimator,
        filled_effects=tuple(float(x) for x in filled_y),
        filled_variances=tuple(float(x) for x in filled_v),
        adjusted=adjusted,
    )
