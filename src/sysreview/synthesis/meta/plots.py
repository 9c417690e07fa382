"""Forest and funnel plots a reviewer can put in a paper: SVG, PNG or PDF through matplotlib.

The figures are drawn with matplotlib's object API on the Agg canvas (no pyplot, no display),
with text kept as text in SVG and a fixed hash salt and no date, so the same analysis gives the
same bytes. Ratio measures are drawn on a log axis labelled in ratios.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from sysreview.errors import InvalidInput
from sysreview.synthesis.meta.effects import LABELS, RATIO, back_transform
from sysreview.synthesis.meta.models import MetaResult, StudyRow
from sysreview.synthesis.meta.sensitivity import SubgroupAnalysis

FORMATS = ("svg", "png", "pdf")
# matplotlib's rcParams are global: the web server renders from several threads at once.
RENDER_LOCK = threading.Lock()
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class _Row:
    """One line of the forest plot: a study, a subgroup heading, a subtotal or the total."""

    kind: str
    label: str
    lower: float = 0.0
    estimate: float = 0.0
    upper: float = 0.0
    weight: float = 0.0


def _render(figure: Figure, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown figure format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    with RENDER_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "sysreview"}):
        figure.savefig(out, format=fmt, metadata=metadata, bbox_inches="tight", dpi=200)
    return out.getvalue()


def _interval(measure: str, lower: float, estimate: float, upper: float) -> str:
    shown = [back_transform(measure, x) or 0.0 for x in (estimate, lower, upper)]
    return "{:.2f} [{:.2f}, {:.2f}]".format(*shown)


def _rows(result: MetaResult, subgroups: SubgroupAnalysis | None) -> list[_Row]:
    def study(r: StudyRow) -> _Row:
        return _Row("study", r.study, r.ci_lower, r.effect, r.ci_upper, r.weight)

    rows: list[_Row] = []
    if subgroups is None:
        rows.extend(study(r) for r in result.per_study)
    else:
        for group in subgroups.subgroups:
            rows.append(_Row("header", group.name))
            rows.extend(study(r) for r in result.per_study if r.subgroup == group.name)
            if group.k > 1:
                rows.append(
                    _Row(
                        "subtotal",
                        f"Subtotal: {group.name}",
                        group.ci_lower,
                        group.estimate,
                        group.ci_upper,
                    )
                )
    method = result.method + (", Knapp-Hartung" if result.knapp_hartung else "")
    rows.append(
        _Row("total", f"Overall ({method})", result.ci_lower, result.estimate, result.ci_upper)
    )
    return rows


def _draw_row(ax: Axes, y: float, row: _Row, measure: str) -> None:
    side = ax.get_yaxis_transform()
    bold = "normal" if row.kind == "study" else "bold"
    ax.text(-0.02, y, row.label, transform=side, ha="right", va="center", fontweight=bold)
    if row.kind == "header":
        return
    text = _interval(measure, row.lower, row.estimate, row.upper)
    if row.kind == "study":
        ax.plot([row.lower, row.upper], [y, y], color="black", linewidth=0.8)
        size = 3 + 9 * math.sqrt(row.weight / 100)
        ax.plot([row.estimate], [y], marker="s", color="#333333", markersize=size)
        text = f"{text}   {row.weight:5.1f}%"
    else:
        colour = "#7a7a7a" if row.kind == "subtotal" else "#1f4e79"
        points = [(row.lower, y), (row.estimate, y + 0.3), (row.upper, y), (row.estimate, y - 0.3)]
        ax.add_patch(Polygon(points, closed=True, facecolor=colour, edgecolor="black"))
    ax.text(1.02, y, text, transform=side, ha="left", va="center", fontweight=bold)


def _footer(result: MetaResult, subgroups: SubgroupAnalysis | None) -> str:
    text = (
        f"Heterogeneity: tau² = {result.tau2:.4f}; Q = {result.q:.2f}, df = {result.q_df}, "
        f"p = {result.q_p:.4f}; I² = {result.i2:.1f}%"
    )
    if subgroups:
        text += (
            f"\nTest for subgroup differences: Q = {subgroups.q_between:.2f}, "
            f"df = {subgroups.df}, p = {subgroups.p_value:.4f}"
        )
    return text


def _ratio_axis(ax: Axes) -> None:
    """Label a log-scale axis in ratios: round ratios where at least three fit, else exp()."""
    low, high = ax.get_xlim()
    ratios = [t for t in RATIO_TICKS if low <= math.log(t) <= high]
    if len(ratios) >= 3:
        ax.set_xticks([math.log(t) for t in ratios])
        ax.set_xticklabels([f"{t:g}" for t in ratios])
        return
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{math.exp(t):.3g}" for t in ticks])


def forest_plot(
    result: MetaResult, *, subgroups: SubgroupAnalysis | None = None, fmt: str = "svg"
) -> bytes:
    """Studies with CIs and weights, the pooled diamond, the prediction interval, subgroups."""
    rows = _rows(result, subgroups)
    figure = Figure(figsize=(9.5, 0.26 * (len(rows) + 4) + 0.8))
    ax = figure.add_axes((0.34, 0.08, 0.4, 0.86))
    side = ax.get_yaxis_transform()
    y = float(len(rows))
    for row in rows:
        _draw_row(ax, y, row, result.measure)
        y -= 1
    if result.method not in ("FE", "MH"):
        y += 0.4
        ax.plot([result.pi_lower, result.pi_upper], [y, y], color="#1f4e79", linewidth=2)
        ax.text(-0.02, y, "Prediction interval", transform=side, ha="right", va="center")
        interval = _interval(result.measure, result.pi_lower, result.estimate, result.pi_upper)
        ax.text(1.02, y, interval, transform=side, ha="left", va="center")
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
    ax.axvline(result.estimate, color="#1f4e79", linewidth=0.6, linestyle=":")
    ax.set_ylim(y - 0.6, len(rows) + 1)
    ax.set_yticks([])
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    heading = f"{LABELS[result.measure]} [95% CI]   Weight"
    ax.text(
        1.02, len(rows) + 0.8, heading, transform=side, ha="left", va="center", fontweight="bold"
    )
    ratio = result.measure in RATIO
    ax.set_xlabel(LABELS[result.measure] + (" (log scale)" if ratio else ""))
    if ratio:
        _ratio_axis(ax)
    figure.text(0.02, 0.01, _footer(result, subgroups), ha="left", va="bottom", fontsize=8)
    return _render(figure, fmt)


def funnel_plot(result: MetaResult, *, fmt: str = "svg") -> bytes:
    """Effects against their standard errors, with the pooled estimate and its 95% funnel."""
    figure = Figure(figsize=(6, 5))
    ax = figure.add_subplot()
    se = [math.sqrt(r.variance) for r in result.per_study]
    effects = [r.effect for r in result.per_study]
    top = max(se) * 1.05
    crit = 1.959963984540054  # the normal 97.5% quantile
    est = result.estimate
    ax.fill([est - crit * top, est, est + crit * top], [top, 0, top], color="#eeeeee", zorder=0)
    ax.plot(
        [est - crit * top, est, est + crit * top],
        [top, 0, top],
        color="grey",
        linestyle="--",
        linewidth=0.8,
    )
    ax.axvline(est, color="#1f4e79", linewidth=0.8)
    ax.scatter(effects, se, color="black", s=16, zorder=3)
    ax.set_ylim(top, 0)
    ax.set_ylabel("Standard error")
    ax.set_xlabel(LABELS[result.measure] + (" (log scale)" if result.measure in RATIO else ""))
    if result.measure in RATIO:
        _ratio_axis(ax)
    return _render(figure, fmt)
