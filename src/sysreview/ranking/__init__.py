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

The names below are loaded on first use, not with the package: the models pull in
scikit-learn and SciPy (about a second and a half of start-up), which every ``sysreview``
command paid before, ``--help`` included, though most never rank. The two names a command
needs to describe itself, :data:`DEFAULT_PRESET` and :data:`STOPPING_RULES`, are plain here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sysreview.ranking.advice import StoppingAdvice, stopping_advice
    from sysreview.ranking.estimate import RemainingEstimate, estimate_remaining
    from sysreview.ranking.presets import PRESETS, Preset, build_model, get_preset
    from sysreview.ranking.simulation import (
        Metrics,
        SimulationResult,
        StopOutcome,
        draw_priors,
        evaluate_stop,
        metrics,
        simulate,
    )
    from sysreview.ranking.stoppers import STOPPERS, StopCheck

DEFAULT_PRESET = "words_char_components_presumed_svm"
"""The preset a stage ranks with unless its protocol names another; chosen by measurement (see
its file in ``presets/``)."""
DEFAULT = DEFAULT_PRESET
STOPPING_RULES = ("hypergeometric", "knee", "consecutive")
"""The names of :data:`STOPPERS`, in its order (a test holds the two together)."""

_LAZY = {
    "StoppingAdvice": "advice",
    "stopping_advice": "advice",
    "RemainingEstimate": "estimate",
    "estimate_remaining": "estimate",
    "PRESETS": "presets",
    "Preset": "presets",
    "build_model": "presets",
    "get_preset": "presets",
    "Metrics": "simulation",
    "SimulationResult": "simulation",
    "StopOutcome": "simulation",
    "draw_priors": "simulation",
    "evaluate_stop": "simulation",
    "metrics": "simulation",
    "simulate": "simulation",
    "STOPPERS": "stoppers",
    "StopCheck": "stoppers",
}

__all__ = [
    "DEFAULT",
    "DEFAULT_PRESET",
    "PRESETS",
    "STOPPERS",
    "STOPPING_RULES",
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


def __getattr__(name: str) -> Any:
    """Load the submodule that defines ``name`` on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    from sysreview.ranking.presets import build_model

    model = build_model(preset, random_state)
    return model.rank(model.features(texts), labels)
