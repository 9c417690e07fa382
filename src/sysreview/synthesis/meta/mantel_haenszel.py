"""Mantel-Haenszel pooling of 2x2 tables (a, b, c, d per study), as metafor's ``rma.mh``.

- OR: the MH odds ratio with the Robins-Breslow-Greenland variance; statsmodels'
  ``StratifiedTable`` computes both.
- RR: the MH risk ratio with the Greenland-Robins (1985) variance of its log.
- RD: the MH risk difference with the Sato, Greenland and Robins (1989) variance, which metafor
  uses (Stata's ``metan`` uses the Greenland-Robins one, so its z differs slightly).

The raw counts are used, without a continuity correction, as metafor does by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.stats.contingency_tables import StratifiedTable


@dataclass(frozen=True)
class MantelHaenszel:
    estimate: float
    se: float
    weights: np.ndarray


def mantel_haenszel(measure: str, tables: np.ndarray) -> MantelHaenszel:
    """Pooled log OR, log RR or RD with its standard error and the MH weights per study."""
    a, b, c, d = (tables[:, j].astype(float) for j in range(4))
    n1, n2 = a + b, c + d
    n = n1 + n2
    if measure == "OR":
        stacked = np.stack([np.array([[ai, bi], [ci, di]]) for ai, bi, ci, di in tables])
        table = StratifiedTable(np.moveaxis(stacked.astype(float), 0, -1))
        return MantelHaenszel(
            float(table.logodds_pooled), float(table.logodds_pooled_se), b * c / n
        )
    if measure == "RR":
        r, s = np.sum(a * n2 / n), np.sum(c * n1 / n)
        variance = np.sum((n1 * n2 * (a + c) - a * c * n) / n**2) / (r * s)
        return MantelHaenszel(float(np.log(r / s)), float(np.sqrt(variance)), c * n1 / n)
    weights = n1 * n2 / n
    rd = float(np.sum((a * n2 - c * n1) / n) / weights.sum())
    p_term = (n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / n**2
    q_term = (a * (n2 - c) + c * (n1 - a)) / (2 * n)
    variance = (rd * p_term.sum() + q_term.sum()) / weights.sum() ** 2
    return MantelHaenszel(rd, float(np.sqrt(variance)), weights)
