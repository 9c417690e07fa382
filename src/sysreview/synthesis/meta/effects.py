"""Effect sizes from what reviewers extract, computed as R's metafor ``escalc`` computes them.

Each measure is analysed on the scale where it is approximately normal: ratio measures (RR, OR)
on the log scale, correlations as Fisher's z. :func:`back_transform` turns estimates and
interval bounds back for display (exp for RR and OR, tanh for ZCOR).

statsmodels' ``effectsize_2proportions`` supplies the 2x2 measures. The continuity correction
(metafor's ``add=1/2, to="only0"``: 0.5 added to every cell of a table that has a zero cell) is
applied here first, because statsmodels' float ``zero_correction`` (0.15) also adds the value to
the events of tables without a zero cell. The standardised mean difference is written here, because
statsmodels' ``effectsize_smd`` uses the approximate correction 1 - 3/(4N - 9) and a
different variance; metafor's ``SMD`` uses the exact gamma-function correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln
from statsmodels.stats.meta_analysis import effectsize_2proportions

from sysreview.errors import InvalidInput

BINARY = ("RR", "OR", "RD")
CONTINUOUS = ("MD", "SMD")
MEASURES = (*BINARY, *CONTINUOUS, "ZCOR", "GEN")
RATIO = ("RR", "OR")

COLUMNS: dict[str, tuple[str, ...]] = {
    "binary": ("events_treatment", "total_treatment", "events_control", "total_control"),
    "continuous": (
        "mean_treatment",
        "sd_treatment",
        "n_treatment",
        "mean_control",
        "sd_control",
        "n_control",
    ),
    "correlation": ("r", "n"),
    "generic": ("effect", "se"),
}

LABELS = {
    "RR": "Risk ratio",
    "OR": "Odds ratio",
    "RD": "Risk difference",
    "MD": "Mean difference",
    "SMD": "Standardised mean difference (Hedges' g)",
    "ZCOR": "Correlation (analysed as Fisher's z)",
    "GEN": "Effect",
}


def kind_of(measure: str) -> str:
    """Which input columns a measure needs: binary, continuous, correlation or generic."""
    if measure in BINARY:
        return "binary"
    if measure in CONTINUOUS:
        return "continuous"
    if measure == "ZCOR":
        return "correlation"
    if measure == "GEN":
        return "generic"
    raise InvalidInput(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")


@dataclass(frozen=True)
class EffectSizes:
    """Per-study effects ``yi`` and sampling variances ``vi`` on the analysis scale.

    ``tables`` keeps the raw 2x2 counts (a, b, c, d per study) for Mantel-Haenszel pooling,
    which works on the counts rather than on ``yi``; ``groups`` holds each study's subgroup.
    """

    measure: str
    studies: tuple[str, ...]
    yi: np.ndarray
    vi: np.ndarray
    tables: np.ndarray | None = None
    groups: tuple[str, ...] | None = None
    corrected: tuple[str, ...] = field(default=())

    @property
    def k(self) -> int:
        return len(self.studies)

    def subset(self, keep: np.ndarray) -> EffectSizes:
        """The same effects for the studies where ``keep`` is true (leave-one-out, subgroups)."""
        idx = np.flatnonzero(keep)
        return EffectSizes(
            measure=self.measure,
            studies=tuple(self.studies[i] for i in idx),
            yi=self.yi[idx],
            vi=self.vi[idx],
            tables=None if self.tables is None else self.tables[idx],
            groups=None if self.groups is None else tuple(self.groups[i] for i in idx),
            corrected=tuple(s for s in self.corrected if s in {self.studies[i] for i in idx}),
        )


def binary_effects(
    measure: str,
    studies: tuple[str, ...],
    counts: np.ndarray,
    *,
    add: float = 0.5,
    groups: tuple[str, ...] | None = None,
) -> EffectSizes:
    """Log RR, log OR or RD from events and totals per arm (columns: e1, n1, e2, n2).

    ``add`` is added to all four cells of a table with a zero cell (for RD too, as metafor does);
    0 turns the correction off, and a table that then has a zero cell is refused for RR and OR
    (RD stays finite without it).
    """
    e1, n1, e2, n2 = (counts[:, j].astype(float) for j in range(4))
    tables = np.column_stack([e1, n1 - e1, e2, n2 - e2])
    zero = (tables == 0).any(axis=1)
    correct = add > 0
    if measure in RATIO and not correct and zero.any():
        study = studies[int(np.flatnonzero(zero)[0])]
        raise InvalidInput(
            f"study {study!r}: a cell of its 2x2 table is 0, so the {measure} is not finite; "
            "use a continuity correction (add > 0)"
        )
    # The correction is applied here, to the tables with a zero cell only: statsmodels' float
    # zero_correction also adds it to the events of every other study.
    cells = tables + add * zero[:, None] if correct else tables
    a, b, c, d = (cells[:, j] for j in range(4))
    statistic = {"RR": "risk-ratio", "OR": "odds-ratio", "RD": "diff"}[measure]
    yi, vi = effectsize_2proportions(a, a + b, c, c + d, statistic=statistic)
    corrected = tuple(s for s, z in zip(studies, zero, strict=True) if z and correct)
    return EffectSizes(measure, studies, np.asarray(yi), np.asarray(vi), tables, groups, corrected)


def hedges_correction(df: np.ndarray) -> np.ndarray:
    """Exact small-sample correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))."""
    m = np.asarray(df, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def continuous_effects(
    measure: str,
    studies: tuple[str, ...],
    data: np.ndarray,
    *,
    groups: tuple[str, ...] | None = None,
) -> EffectSizes:
    """MD or SMD from means, SDs and sizes per arm (columns: m1, sd1, n1, m2, sd2, n2).

    MD: m1 - m2 with variance sd1²/n1 + sd2²/n2 (metafor's default, unequal variances).
    SMD: Hedges' g with the exact correction; variance 1/n1 + 1/n2 + g²/(2(n1 + n2)).
    """
    m1, sd1, n1, m2, sd2, n2 = (data[:, j].astype(float) for j in range(6))
    if measure == "MD":
        return EffectSizes(measure, studies, m1 - m2, sd1**2 / n1 + sd2**2 / n2, groups=groups)
    pooled = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    g = hedges_correction(n1 + n2 - 2) * (m1 - m2) / pooled
    vi = 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
    return EffectSizes(measure, studies, g, vi, groups=groups)


def correlation_effects(
    studies: tuple[str, ...], data: np.ndarray, *, groups: tuple[str, ...] | None = None
) -> EffectSizes:
    """Fisher's z = atanh(r) with variance 1/(n - 3) (columns: r, n)."""
    r, n = data[:, 0].astype(float), data[:, 1].astype(float)
    return EffectSizes("ZCOR", studies, np.arctanh(r), 1 / (n - 3), groups=groups)


def generic_effects(
    studies: tuple[str, ...],
    effect: np.ndarray,
    variance: np.ndarray,
    *,
    groups: tuple[str, ...] | None = None,
) -> EffectSizes:
    """Effects already computed by the study authors, with their sampling variances."""
    return EffectSizes("GEN", studies, effect.astype(float), variance.astype(float), groups=groups)


def back_transform(measure: str, value: float | None) -> float | None:
    """A value on the analysis scale as a reader expects it: RR/OR exp, ZCOR as r."""
    if value is None or not math.isfinite(value):
        return value
    if measure in RATIO:
        return math.exp(value)
    if measure == "ZCOR":
        return math.tanh(value)
    return value
