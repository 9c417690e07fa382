"""Screening prioritisation: rank unscreened records by predicted relevance, learned from the
team's decisions, and tell the team when it may stop.

The pieces follow ASReview's split (feature extractor, balancer, classifier, querier, stopper)
and scikit-learn's estimator conventions; :data:`PRESETS` names the combinations. This package
is plain data in, plain data out: it knows nothing of the database, the web or the terminal.

    rank(texts, labels)                   indices of unlabelled records, most relevant first
    simulate(texts, included, prior_ids)  a full simulated screening of a labelled review
    metrics(labels_in_order)              WSS@95/100, recall@10/20 %, ATD, loss
    stopping_advice(ranked, n_total)      every stopping rule's verdict + remaining estimate
    estimate_remaining(ranked, n_total)   relevant records probably left, with an interval
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sysreview.ranking.advice import StoppingAdvice, stopping_advice
from sysreview.ranking.estimate import RemainingEstimate, estimate_remaining
from sysreview.ranking.presets import DEFAULT_PRESET, PRESETS, Preset, build_model, get_preset
from sysreview.ranking.simulate import (
    Metrics,
    SimulationResult,
    StopOutcome,
    draw_priors,
    evaluate_stop,
    metrics,
    simulate,
)
from sysreview.ranking.stoppers import STOPPERS, StopCheck

DEFAULT = DEFAULT_PRESET

__all__ = [
    "DEFAULT",
    "DEFAULT_PRESET",
    "PRESETS",
    "STOPPERS",
    "Metrics",
    "Preset",
    "RemainingEstimate",
    "SimulationResult",
    "StopCheck",
    "StopOutcome",
    "StoppingAdvice",
    "build_model",
    "draw_priors",
    "estimate_remaining",
    "evaluate_stop",
    "get_preset",
    "metrics",
    "rank",
    "simulate",
    "stopping_advice",
]


def rank(
    texts: Sequence[tuple[str, str]],
    labels: Mapping[int, bool],
    preset: str = DEFAULT_PRESET,
    random_state: int = 0,
) -> list[int]:
    """Indices of the records not in ``labels``, most likely relevant first.

    ``texts`` holds (title, abstract) per record; ``labels`` maps a record's index to the
    team's decision (True = relevant). The same inputs and seed always give the same ranking.
    """
    model = build_model(preset, random_state)
    return model.rank(model.features(texts), labels)
