"""Pooling: fixed effect (inverse variance, Mantel-Haenszel) and random effects (DL, REML, PM).

Inference follows metafor's ``rma.uni`` and ``predict.rma``:

- CI: estimate ± z·se; with Knapp-Hartung, se² = s²_w / Σw where s²_w = Σw(y - μ)²/(k - 1)
  (not truncated at 1), and the t distribution with k - 1 degrees of freedom.
- Prediction interval: estimate ± crit·√(se² + τ²), crit = z, or t(k - 1) with Knapp-Hartung;
  for a fixed-effect model it equals the CI (τ² = 0).
- Q: Cochran's Q with inverse-variance weights around the fixed-effect estimate (around the
  Mantel-Haenszel estimate for MH), chi² with k - 1 df.
- I², H²: for random-effects models from τ² and the typical variance s² (I² = τ²/(τ² + s²),
  H² = (τ² + s²)/s²); for fixed-effect models from Q (I² = (Q - df)/Q truncated at 0,
  H² = Q/df).
- τ² CI: Q-profile (metafor's ``confint``), with the I² and H² intervals derived from it.

statsmodels' ``combine_effects`` is not used for pooling: it computes Q as Σwy² - (Σwy)²/Σw,
which cancels (it gives Q = -1.4e-14 for two studies with equal effects), does not truncate DL's
τ² at 0, and its Paule-Mandel iteration returns 0 when a Newton step overshoots (it does for the
BCG trials' log risk ratios). Q and the τ² estimators are in ``estimators``; the tests check
them against ``combine_effects`` where it is sound. REML, Knapp-Hartung, the intervals and
Mantel-Haenszel are written here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from sysreview.errors import InvalidInput
from sysreview.synthesis.meta import estimators
from sysreview.synthesis.meta.effects import BINARY, EffectSizes, back_transform
from sysreview.synthesis.meta.mantel_haenszel import mantel_haenszel

LEVEL = 0.95


@dataclass(frozen=True)
class StudyRow:
    """One study as analysed: effect and variance on the analysis scale, weight in percent."""

    study: str
    effect: float
    variance: float
    weight: float
    ci_lower: float
    ci_upper: float
    subgroup: str = ""


@dataclass(frozen=True)
class MetaResult:
    """A pooled analysis, every number on the analysis scale (log scale for RR and OR)."""

    measure: str
    method: str
    knapp_hartung: bool
    k: int
    estimate: float
    se: float
    statistic: float
    p_value: float
    df: int | None
    ci_lower: float
    ci_upper: float
    tau2: float
    tau2_ci: tuple[float, float] | None
    i2: float
    i2_ci: tuple[float, float] | None
    h2: float
    h2_ci: tuple[float, float] | None
    q: float
    q_df: int
    q_p: float
    pi_lower: float
    pi_upper: float
    per_study: tuple[StudyRow, ...] = field(default=())

    def display(self) -> dict[str, float | None]:
        """Estimate and intervals back-transformed for a reader (RR and OR exp, ZCOR to r)."""
        return {
            name: back_transform(self.measure, getattr(self, name))
            for name in ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper")
        }

    def as_json(self) -> dict[str, Any]:
        """The keys the CLI's ``--json`` promises, then the rest."""
        data = asdict(self)
        keys = ["k", "estimate", "se", "ci_lower", "ci_upper", "tau2", "i2", "h2", "q", "q_p"]
        ordered: dict[str, Any] = {key: data[key] for key in keys}
        ordered["pi_lower"], ordered["pi_upper"] = data["pi_lower"], data["pi_upper"]
        for key, value in data.items():
            if key not in ordered and key != "per_study":
                ordered[key] = list(value) if isinstance(value, tuple) else value
        ordered["display"] = self.display()
        ordered["per_study"] = [
            {"study": r.study, "effect": r.effect, "variance": r.variance, "weight": r.weight}
            | {"ci_lower": r.ci_lower, "ci_upper": r.ci_upper, "subgroup": r.subgroup}
            for r in self.per_study
        ]
        return ordered


def _check(effects: EffectSizes, method: str, knapp_hartung: bool) -> None:
    if method not in estimators.METHODS:
        raise InvalidInput(
            f"unknown method {method!r}; choose one of {', '.join(estimators.METHODS)}"
        )
    if effects.k < 2:
        only = effects.studies[0] if effects.studies else "none"
        raise InvalidInput(f"only one study ({only}); a meta-analysis needs at least two studies")
    if method == "MH" and effects.measure not in BINARY:
        raise InvalidInput("Mantel-Haenszel pooling needs 2x2 counts (measure RR, OR or RD)")
    if method == "MH" and knapp_hartung:
        raise InvalidInput("the Knapp-Hartung adjustment does not apply to Mantel-Haenszel")
    bad = np.flatnonzero(~np.isfinite(effects.yi) | ~(effects.vi > 0))
    if bad.size:
        study = effects.studies[int(bad[0])]
        raise InvalidInput(f"study {study!r}: its effect or variance is not a finite positive")


def _study_rows(effects: EffectSizes, weights: np.ndarray, level: float) -> tuple[StudyRow, ...]:
    crit = stats.norm.isf((1 - level) / 2)
    share = 100 * weights / weights.sum()
    groups = effects.groups or ("",) * effects.k
    return tuple(
        StudyRow(
            study=s,
            effect=float(y),
            variance=float(v),
            weight=float(w),
            ci_lower=float(y - crit * np.sqrt(v)),
            ci_upper=float(y + crit * np.sqrt(v)),
            subgroup=g,
        )
        for s, y, v, w, g in zip(
            effects.studies, effects.yi, effects.vi, share, groups, strict=True
        )
    )


def _tau2(method: str, y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """τ² for the model, and Cochran's Q in residual form Σw(y - μ)²."""
    x = np.ones((len(y), 1))
    return estimators.estimate_tau2(method, y, v, x), estimators.residual_q(y, v, x)


def _heterogeneity(
    method: str, y: np.ndarray, v: np.ndarray, tau2: float, q: float, level: float
) -> dict[str, Any]:
    k = len(y)
    df = k - 1
    x = np.ones((k, 1))
    if method in ("FE", "MH"):
        i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
        return {"i2": i2, "h2": q / df, "tau2_ci": None, "i2_ci": None, "h2_ci": None}
    s2 = estimators.typical_variance(v, x)
    alpha = 1 - level
    targets = (stats.chi2.isf(alpha / 2, df), stats.chi2.ppf(alpha / 2, df))
    lower, upper = estimators.q_profile_bounds(y, v, targets)
    return {
        "i2": 100 * tau2 / (tau2 + s2),
        "h2": (tau2 + s2) / s2,
        "tau2_ci": (lower, upper),
        "i2_ci": (100 * lower / (lower + s2), 100 * upper / (upper + s2)),
        "h2_ci": ((lower + s2) / s2, (upper + s2) / s2),
    }


def meta_analysis(
    effects: EffectSizes,
    method: str = "REML",
    *,
    knapp_hartung: bool = False,
    level: float = LEVEL,
) -> MetaResult:
    """Pool the studies with the named model; every number as metafor reports it."""
    method = method.upper()
    _check(effects, method, knapp_hartung)
    y, v, k = effects.yi, effects.vi, effects.k
    tau2, q = _tau2(method, y, v)
    if method == "MH":
        assert effects.tables is not None
        mh = mantel_haenszel(effects.measure, effects.tables)
        estimate, se, weights = mh.estimate, mh.se, mh.weights
        q = float(np.sum((y - estimate) ** 2 / v))
    else:
        fit = estimators.wls(y, v + tau2, np.ones((k, 1)))
        estimate, weights = float(fit.beta[0]), fit.weights
        variance = float(fit.vb[0, 0])
        if knapp_hartung:
            variance *= float(np.sum(weights * (y - estimate) ** 2)) / (k - 1)
        se = float(np.sqrt(variance))
    alpha = 1 - level
    df = k - 1 if knapp_hartung else None
    dist: Any = stats.t(df) if knapp_hartung else stats.norm
    crit = float(dist.isf(alpha / 2))
    statistic = estimate / se
    pi_half = crit * float(np.sqrt(se**2 + tau2))
    het = _heterogeneity(method, y, v, tau2, q, level)
    return MetaResult(
        measure=effects.measure,
        method=method,
        knapp_hartung=knapp_hartung,
        k=k,
        estimate=estimate,
        se=se,
        statistic=statistic,
        p_value=float(2 * dist.sf(abs(statistic))),
        df=df,
        ci_lower=estimate - crit * se,
        ci_upper=estimate + crit * se,
        tau2=tau2,
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        pi_lower=estimate - pi_half,
        pi_upper=estimate + pi_half,
        per_study=_study_rows(effects, weights, level),
        **het,
    )
