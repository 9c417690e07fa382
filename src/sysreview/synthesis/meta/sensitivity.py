"""Leave-one-out sensitivity analysis and subgroup analysis with a test for differences.

Subgroups are pooled separately, each with its own τ² (as RevMan and metafor's forest-plot
subgroup example do), and compared with the test for subgroup differences: Q_between =
Σ (est_g - est)² / se_g², where est is the inverse-variance mean of the subgroup estimates,
chi² with G - 1 df. A subgroup with a single study is shown with that study's own estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sysreview.errors import InvalidInput
from sysreview.synthesis.meta.effects import EffectSizes
from sysreview.synthesis.meta.models import MetaResult, meta_analysis


@dataclass(frozen=True)
class LeftOut:
    study: str
    result: MetaResult


@dataclass(frozen=True)
class Subgroup:
    name: str
    k: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    result: MetaResult | None


@dataclass(frozen=True)
class SubgroupAnalysis:
    subgroups: tuple[Subgroup, ...]
    q_between: float
    df: int
    p_value: float


def leave_one_out(
    effects: EffectSizes, method: str = "REML", *, knapp_hartung: bool = False
) -> list[LeftOut]:
    """The pooled result with each study left out in turn (needs at least three studies)."""
    if effects.k < 3:
        raise InvalidInput("leave-one-out needs at least three studies")
    return [
        LeftOut(
            study,
            meta_analysis(
                effects.subset(np.arange(effects.k) != i), method, knapp_hartung=knapp_hartung
            ),
        )
        for i, study in enumerate(effects.studies)
    ]


def _single(effects: EffectSizes, name: str) -> Subgroup:
    se = float(np.sqrt(effects.vi[0]))
    crit = float(stats.norm.isf(0.025))
    y = float(effects.yi[0])
    return Subgroup(name, 1, y, se, y - crit * se, y + crit * se, None)


def subgroup_analysis(
    effects: EffectSizes, method: str = "REML", *, knapp_hartung: bool = False
) -> SubgroupAnalysis:
    """Pool each subgroup and test whether the subgroup estimates differ."""
    if effects.groups is None:
        raise InvalidInput("no subgroups: give each study a subgroup (the subgroup column)")
    names = list(dict.fromkeys(effects.groups))
    if len(names) < 2:
        raise InvalidInput("a subgroup analysis needs at least two subgroups")
    groups: list[Subgroup] = []
    for name in names:
        part = effects.subset(np.array([g == name for g in effects.groups]))
        if part.k == 1:
            groups.append(_single(part, name))
            continue
        res = meta_analysis(part, method, knapp_hartung=knapp_hartung)
        groups.append(Subgroup(name, part.k, res.estimate, res.se, res.ci_lower, res.ci_upper, res))
    est = np.array([g.estimate for g in groups])
    w = 1 / np.array([g.se for g in groups]) ** 2
    mean = float(np.sum(w * est) / w.sum())
    q_between = float(np.sum(w * (est - mean) ** 2))
    df = len(groups) - 1
    return SubgroupAnalysis(tuple(groups), q_between, df, float(stats.chi2.sf(q_between, df)))
