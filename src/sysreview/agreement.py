"""Inter-rater agreement for every dual stage: screening, extraction and appraisal.

Reviews report how far independent reviewers agreed before conflicts were resolved, and
reporting guidance expects more than a raw percentage: chance-corrected agreement (Cohen's
kappa with a confidence interval) and, because kappa collapses when one decision dominates, as
title/abstract exclusion does, the prevalence-robust companions PABAK and Gwet's AC1. Stages
with more than two reviewers, or with reviewers who rated only part of the set, use Fleiss'
kappa and Krippendorff's alpha.

Everything here is plain data in, frozen dataclasses out, in pure Python: the formulas are
short, and computing them here keeps the core free of numerical dependencies while the test
suite checks every figure against statsmodels, the ``krippendorff`` package and published
worked examples. A statistic that is undefined for the data is ``None`` and ``reason`` says
why, so no page shows a number that means nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from sysreview.errors import InvalidInput

__all__ = [
    "NO_PAIRS",
    "NO_RATINGS",
    "NO_VARIATION",
    "MultiAgreement",
    "PairAgreement",
    "multi_rater",
    "pairwise",
]

_Z95 = NormalDist().inv_cdf(0.975)

NO_RATINGS = "no items were rated by both reviewers"
NO_VARIATION = (
    "no variation: every rating fell in one category, so chance agreement is total and a "
    "chance-corrected coefficient is undefined"
)
NO_PAIRS = "no item was rated by at least two reviewers"


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Agreement between two reviewers over the same ``n`` items.

    ``table[i][j]`` counts items that reviewer A put in ``categories[i]`` and reviewer B in
    ``categories[j]``. ``kappa_ci`` is the 95 % Wald interval from ``kappa_se``, clipped to
    [-1, 1]. ``reason`` is set whenever a value is ``None`` and says why.
    """

    n: int
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    observed: float | None
    expected: float | None
    kappa: float | None
    kappa_se: float | None
    kappa_ci: tuple[float, float] | None
    pabak: float | None
    gwet_ac1: float | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MultiAgreement:
    """Agreement among several reviewers, some of whom may not have rated every item.

    ``n_items`` counts the rows given and ``n_pairable`` those rated by at least two
    reviewers, the only ones that carry information about agreement and the ones both
    coefficients use. ``reason`` is set whenever a value is ``None`` and says why.
    """

    n_items: int
    n_raters: int
    n_pairable: int
    categories: tuple[str, ...]
    fleiss_kappa: float | None
    krippendorff_alpha: float | None
    reason: str | None = None


def pairwise(
    ratings_a: Sequence[str],
    ratings_b: Sequence[str],
    categories: Sequence[str] | None = None,
) -> PairAgreement:
    """Agreement between reviewer A and reviewer B, who rated the same items in the same order.

    ``categories`` is the rating scale (e.g. ``["include", "exclude"]``). Pass it: PABAK and
    AC1 depend on how many categories the reviewers could choose from, not only on those they
    used. Without it the scale is the categories seen, and never fewer than two, since a
    decision always has an alternative.

    - ``observed`` p_o is the proportion of items both put in the same category; ``expected``
      p_e = sum_i p_i. p_.i is the agreement expected from the two reviewers' own marginals.
    - ``kappa`` = (p_o - p_e) / (1 - p_e) (Cohen 1960); undefined when p_e = 1, i.e. both
      reviewers used one and the same category for every item.
    - ``kappa_se`` is the large-sample standard error of Fleiss, Cohen & Everitt (1969),
      valid for any kappa, not only under kappa = 0 (as in Fleiss, Levin & Paik 2003)::

          var = [ sum_i p_ii (1 - (p_i. + p_.i)(1 - kappa))^2
                  + (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
                  - (kappa - p_e (1 - kappa))^2 ] / (n (1 - p_e)^2)

      At kappa = 1 it is 0 and the interval collapses to a point: a large-sample formula at
      its boundary, not certainty.
    - ``pabak`` = (k p_o - 1) / (k - 1) for a k-category scale (Byrt, Bishop & Carlin 1993;
      Brennan & Prediger 1981), 2 p_o - 1 for two categories.
    - ``gwet_ac1`` = (p_o - p_e') / (1 - p_e') with p_e' = sum_i pi_i (1 - pi_i) / (k - 1) and
      pi_i = (p_i. + p_.i) / 2 (Gwet 2008).

    Raises :class:`InvalidInput` when the two lists differ in length, a category repeats, or
    a rating is not on the given scale.
    """
    a, b = list(ratings_a), list(ratings_b)
    if len(a) != len(b):
        raise InvalidInput(
            f"the two reviewers' ratings differ in length ({len(a)} and {len(b)}): "
            "pass one rating per item from each reviewer, in the same item order"
        )
    cats = _scale(a + b, categories)
    index = {c: i for i, c in enumerate(cats)}
    counts = [[0] * len(cats) for _ in cats]
    for x, y in zip(a, b, strict=True):
        counts[index[x]][index[y]] += 1
    table = tuple(tuple(row) for row in counts)
    n = len(a)
    if n == 0:
        return PairAgreement(0, cats, table, None, None, None, None, None, None, None, NO_RATINGS)

    p = [[c / n for c in row] for row in table]
    rows = [sum(r) for r in p]
    cols = [sum(col) for col in zip(*p, strict=True)]
    k = max(len(cats), 2)
    p_o = sum(table[i][i] for i in range(len(cats))) / n
    p_e = sum(r * c for r, c in zip(rows, cols, strict=True))
    pabak = (k * p_o - 1) / (k - 1)
    ac1 = _gwet_ac1(p_o, rows, cols, k)
    if p_e >= 1.0:
        return PairAgreement(n, cats, table, p_o, p_e, None, None, None, pabak, ac1, NO_VARIATION)
    kappa = (p_o - p_e) / (1 - p_e)
    se = _kappa_se(p, rows, cols, p_e, kappa, n)
    ci = (max(-1.0, kappa - _Z95 * se), min(1.0, kappa + _Z95 * se))
    return PairAgreement(n, cats, table, p_o, p_e, kappa, se, ci, pabak, ac1)


def multi_rater(ratings: Sequence[Sequence[str | None]]) -> MultiAgreement:
    """Agreement among any number of reviewers: one row per item, one column per reviewer.

    ``None`` marks an item a reviewer did not rate. Only items with at least two ratings are
    used. Category proportions pool every rating of those items.

    - ``fleiss_kappa`` (Fleiss 1971): each item's agreement is the share of agreeing pairs
      among its ratings, P_i = sum_j n_ij (n_ij - 1) / (m_i (m_i - 1)); kappa = (P - P_e) /
      (1 - P_e) with P the mean of P_i and P_e = sum_j p_j^2. With the same number of ratings
      on every item this is exactly Fleiss' statistic; with unequal numbers it is the usual
      generalisation that weights every item equally.
    - ``krippendorff_alpha`` (nominal; Krippendorff 2011) = 1 - D_o / D_e over pairable
      values, which weights an item by its number of ratings and corrects for small samples.

    Both are undefined when no item has two ratings or every rating is the same category.
    Raises :class:`InvalidInput` when rows differ in length.
    """
    rows = [list(r) for r in ratings]
    n_raters = len(rows[0]) if rows else 0
    for number, row in enumerate(rows, start=1):
        if len(row) != n_raters:
            raise InvalidInput(
                f"item {number} has {len(row)} ratings but item 1 has {n_raters}: give every "
                "item one column per reviewer, with None where a reviewer did not rate it"
            )
    cats = _scale([x for row in rows for x in row if x is not None], None)
    items = [Counter(x for x in row if x is not None) for row in rows]
    pairable = [c for c in items if c.total() >= 2]

    def result(kappa: float | None, alpha: float | None, reason: str | None) -> MultiAgreement:
        return MultiAgreement(len(rows), n_raters, len(pairable), cats, kappa, alpha, reason)

    if not pairable:
        return result(None, None, NO_PAIRS)
    totals: Counter[str] = Counter()
    for item in pairable:
        totals.update(item)
    if len(totals) < 2:
        return result(None, None, NO_VARIATION)
    return result(_fleiss_kappa(pairable, totals), _krippendorff_alpha(pairable, totals), None)


def _scale(seen: Sequence[str | None], categories: Sequence[str] | None) -> tuple[str, ...]:
    """The rating scale: the categories given, checked against the ratings, or those seen."""
    if categories is None:
        names = {v for v in seen if isinstance(v, str)}
        strange = [v for v in seen if not isinstance(v, str)]
        if strange:
            raise InvalidInput(f"rating {strange[0]!r} is not a category name (a string)")
        return tuple(sorted(names))
    cats = tuple(categories)
    repeated = sorted(c for c, count in Counter(cats).items() if count > 1)
    if repeated:
        raise InvalidInput(f"categories repeat {', '.join(map(repr, repeated))}: list each once")
    unknown = sorted({repr(v) for v in seen} - {repr(c) for c in cats})
    if unknown:
        raise InvalidInput(
            f"ratings {', '.join(unknown)} are not among the categories "
            f"{', '.join(map(repr, cats))}: add them to the scale or correct the ratings"
        )
    return cats


def _kappa_se(
    p: list[list[float]],
    rows: list[float],
    cols: list[float],
    p_e: float,
    kappa: float,
    n: int,
) -> float:
    """Fleiss, Cohen & Everitt (1969) large-sample standard error of Cohen's kappa."""
    size = len(rows)
    diagonal = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(size))
    off = sum(
        p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(size) for j in range(size) if i != j
    )
    var = (diagonal + (1 - kappa) ** 2 * off - (kappa - p_e * (1 - kappa)) ** 2) / (
        n * (1 - p_e) ** 2
    )
    return math.sqrt(max(var, 0.0))


def _gwet_ac1(p_o: float, rows: list[float], cols: list[float], k: int) -> float:
    """Gwet's (2008) AC1 for two raters on a k-category scale (k >= 2)."""
    pis = [(r + c) / 2 for r, c in zip(rows, cols, strict=True)]
    p_e = sum(pi * (1 - pi) for pi in pis) / (k - 1)
    return (p_o - p_e) / (1 - p_e)


def _fleiss_kappa(items: list[Counter[str]], totals: Counter[str]) -> float:
    """Fleiss' (1971) kappa over items with two or more ratings, each item weighted equally."""
    agreement = sum(
        sum(c * (c - 1) for c in item.values()) / (item.total() * (item.total() - 1))
        for item in items
    )
    p_bar = agreement / len(items)
    n_ratings = totals.total()
    p_e = sum((c / n_ratings) ** 2 for c in totals.values())
    return (p_bar - p_e) / (1 - p_e)


def _krippendorff_alpha(items: list[Counter[str]], totals: Counter[str]) -> float:
    """Krippendorff's nominal alpha from the coincidences of pairable values."""
    n = totals.total()
    disagreeing = sum(
        (item.total() ** 2 - sum(c * c for c in item.values())) / (item.total() - 1)
        for item in items
    )
    expected = n * n - sum(c * c for c in totals.values())
    return 1 - (n - 1) * disagreeing / expected
