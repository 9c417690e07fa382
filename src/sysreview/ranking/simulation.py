"""Simulate a screening on a labelled review, and the figures that measure it.

The loop does what a team with the model would do: start from the prior decisions, retrain,
screen the highest-ranked record, reveal its label, retrain, until every record is screened.
Priors are left out of every figure: N and R count only the records the model had to find.

Figures (``labels`` are 0/1 in screening order, priors removed):

- WSS@r = (N - n_r) / N - (1 - r), with n_r the records screened until ceil(r R) relevant ones
  were found (Cohen et al. 2006): the work saved over screening in random order.
- recall@p: share of the R relevant records found in the first floor(p N) screened.
- ATD: mean number of records screened when each relevant record was found.
- loss: ASReview's normalised loss, 0 for a perfect ranking and 1 for the worst; the area
  between the perfect and the actual recall curves, over the area between perfect and worst.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sysreview.errors import InvalidInput
from sysreview.progress import Progress, no_progress
from sysreview.ranking.features import Texts
from sysreview.ranking.presets import DEFAULT_PRESET, build_model
from sysreview.ranking.stoppers import STOPPERS, Hypergeometric, Labels


@dataclass(frozen=True)
class Metrics:
    """How well one screening order found the relevant records (priors excluded)."""

    records: int
    relevant: int
    wss95: float
    wss100: float
    recall_at_10: float
    recall_at_20: float
    screened_to_95: int
    screened_to_100: int
    atd: float
    loss: float


def _labels(labels: Labels) -> np.ndarray:
    array = np.asarray(labels, dtype=np.int64).reshape(-1)
    if array.size and not np.isin(array, (0, 1)).all():
        raise InvalidInput("labels must be 0/1 (irrelevant/relevant)")
    return array


def screened_to_recall(labels: Labels, recall: float) -> int:
    """Records screened until ceil(recall * R) relevant records were found."""
    array = _labels(labels)
    needed = math.ceil(round(recall * int(array.sum()), 9))
    if needed == 0:
        return 0
    return int(np.searchsorted(np.cumsum(array), needed) + 1)


def wss(labels: Labels, recall: float) -> float:
    """Work saved over sampling at ``recall``: (N - n_r) / N - (1 - recall)."""
    array = _labels(labels)
    n = len(array)
    return (n - screened_to_recall(array, recall)) / n - (1 - recall)


def recall_at(labels: Labels, fraction: float) -> float:
    """Share of relevant records among the first floor(fraction * N) screened."""
    array = _labels(labels)
    screened = math.floor(round(fraction * len(array), 9))
    return float(array[:screened].sum() / array.sum())


def average_time_to_discovery(labels: Labels) -> float:
    """Mean position (1-based) at which the relevant records were found."""
    array = _labels(labels)
    return float((np.flatnonzero(array == 1) + 1).mean())


def normalised_loss(labels: Labels) -> float:
    """ASReview's loss: (R (N - (R - 1) / 2) - sum of the recall curve) / (R (N - R))."""
    array = _labels(labels)
    n, r = len(array), int(array.sum())
    return float((r * (n - (r - 1) / 2) - np.cumsum(array).sum()) / (r * (n - r)))


def metrics(labels: Labels) -> Metrics:
    """Every figure for one screening order (0/1 labels in order, priors removed)."""
    array = _labels(labels)
    relevant = int(array.sum())
    if relevant == 0 or relevant == len(array):
        raise InvalidInput(
            "the figures need at least one relevant and one irrelevant record outside the priors"
        )
    return Metrics(
        records=len(array),
        relevant=relevant,
        wss95=wss(array, 0.95),
        wss100=wss(array, 1.0),
        recall_at_10=recall_at(array, 0.10),
        recall_at_20=recall_at(array, 0.20),
        screened_to_95=screened_to_recall(array, 0.95),
        screened_to_100=screened_to_recall(array, 1.0),
        atd=average_time_to_discovery(array),
        loss=normalised_loss(array),
    )


@dataclass(frozen=True)
class StopOutcome:
    """Where a stopping rule stopped in a simulation, and what that would have cost."""

    rule: str
    kind: str
    screened: int
    ranked: int
    sampled: int
    recall: float
    work_saved: float


@dataclass
class SimulationResult:
    """One simulated screening: the order (priors first) and what it took."""

    order: list[int]
    prior_ids: list[int]
    labels: list[int]
    preset: str
    random_state: int
    retrain_seconds: list[float] = field(default_factory=list)
    feature_seconds: float = 0.0
    wall_seconds: float = 0.0
    stop: StopOutcome | None = None

    @property
    def screened_labels(self) -> list[int]:
        """Labels in screening order without the priors: what every figure is computed on."""
        return self.labels[len(self.prior_ids) :]

    def metrics(self) -> Metrics:
        """The figures of this screening."""
        return metrics(self.screened_labels)

    @property
    def mean_retrain_seconds(self) -> float:
        """Mean time of one retrain (fit the classifier, score and rank every record)."""
        return float(np.mean(self.retrain_seconds)) if self.retrain_seconds else 0.0


def draw_priors(
    included: Sequence[bool | int], n_included: int = 1, n_excluded: int = 1, random_state: int = 0
) -> list[int]:
    """Indices of ``n_included`` relevant then ``n_excluded`` irrelevant records drawn with
    ``random_state`` (the same draw for every model compared on a seed)."""
    array = np.asarray(included, dtype=np.int64)
    rng = np.random.default_rng(random_state)
    relevant, irrelevant = np.flatnonzero(array == 1), np.flatnonzero(array == 0)
    if n_included > len(relevant) or n_excluded > len(irrelevant):
        raise InvalidInput(
            f"cannot draw {n_included} included and {n_excluded} excluded priors from "
            f"{len(relevant)} included and {len(irrelevant)} excluded records"
        )
    chosen = [int(i) for i in rng.choice(relevant, n_included, replace=False)]
    chosen += [int(i) for i in rng.choice(irrelevant, n_excluded, replace=False)]
    return chosen


def evaluate_stop(rule: str, labels: Labels, random_state: int = 0) -> StopOutcome:
    """Apply stopping rule ``rule`` to a screening order (priors removed)."""
    if rule not in STOPPERS:
        raise InvalidInput(f"unknown stopping rule {rule!r}; choose one of: {', '.join(STOPPERS)}")
    array = _labels(labels)
    n, relevant = len(array), max(int(array.sum()), 1)
    stopper = STOPPERS[rule]()
    if isinstance(stopper, Hypergeometric):
        ranked, sampled, found = stopper.simulate(array, random_state)
    else:
        position = stopper.first_stop(array, n)
        ranked, sampled = (n if position is None else position), 0
        found = int(array[:ranked].sum())
    screened = ranked + sampled
    return StopOutcome(
        rule, stopper.kind, screened, ranked, sampled, found / relevant, (n - screened) / n
    )


def simulate(
    texts: Texts,
    included: Sequence[bool | int],
    prior_ids: Sequence[int],
    preset: str = DEFAULT_PRESET,
    random_state: int = 0,
    stop: str | None = None,
    retrain_every: int = 1,
    progress: Progress = no_progress,
    until_all_found: bool = False,
) -> SimulationResult:
    """Screen every record as the model ranks them, starting from the priors.

    ``retrain_every`` > 1 screens that many records between retrains (faster on large
    reviews, slightly worse rankings). ``until_all_found`` stops ranking at the last relevant
    record, as ASReview's simulations do, and appends the rest in file order: every figure of
    :func:`metrics` is the same, in a fraction of the time, but a stopping rule would see an
    order no model gave, so the two are not combined.
    """
    labels = np.asarray(included, dtype=np.int64)
    n = len(labels)
    if len(texts) != n:
        raise InvalidInput(f"{len(texts)} texts but {n} labels")
    priors = [int(i) for i in prior_ids]
    if len(set(priors)) != len(priors) or any(not 0 <= i < n for i in priors):
        raise InvalidInput("prior records must be distinct records of the data set")
    if retrain_every < 1:
        raise InvalidInput("retrain_every must be at least 1")
    if until_all_found and stop is not None:
        raise InvalidInput("a stopping rule needs the whole order: leave out until_all_found")
    started = time.perf_counter()
    model = build_model(preset, random_state)
    X = model.features(texts)
    feature_seconds = time.perf_counter() - started
    screened = np.zeros(n, dtype=bool)
    screened[priors] = True
    order = list(priors)
    retrains: list[float] = []
    to_find = int(labels.sum()) - int(labels[priors].sum()) if until_all_found else -1
    while len(order) < n and to_find != 0:
        tick = time.perf_counter()
        indices = np.asarray(order, dtype=np.int64)
        model.fit(X, indices, labels[indices])
        chosen = model.next_records(X, screened, retrain_every)
        retrains.append(time.perf_counter() - tick)
        screened[chosen] = True
        order.extend(int(i) for i in chosen)
        to_find -= int(labels[chosen].sum()) if until_all_found else 0
        progress("simulating screening", len(order), n)
    order.extend(int(i) for i in np.flatnonzero(~screened))
    result = SimulationResult(
        order=order,
        prior_ids=priors,
        labels=[int(labels[i]) for i in order],
        preset=preset,
        random_state=random_state,
        retrain_seconds=retrains,
        feature_seconds=feature_seconds,
    )
    if stop is not None:
        result.stop = evaluate_stop(stop, result.screened_labels, random_state)
    result.wall_seconds = time.perf_counter() - started
    return result
