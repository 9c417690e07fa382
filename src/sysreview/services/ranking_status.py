"""How prioritised screening stands at a stage: the order a reviewer gets and why, the model
behind it, how many relevant records probably remain, and the stopping advice.

The advice rests on the screening history in the order records were first decided. At a blind
stage it counts settled records only, so the panel cannot reveal unsettled votes either. The
hypergeometric rule needs a random sample screened after the ranked phase: the owner starts
that phase (:func:`start_sampling`, an audited act), from which every reviewer gets the stage's
records in a seeded random order, and the records first decided after it form the sample.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview import ranking as ranking_models  # models load on first use, not per command
from sysreview.errors import AlreadyExists
from sysreview.protocol import Stage
from sysreview.services import ranking, ranking_labels
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import stage_states
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import Decision

TARGET_RECALL = 0.95
CONFIDENCE = 0.95


@dataclass(frozen=True)
class OrderNote:
    """The order a reviewer gets at a stage, in one line for the screening page."""

    chosen: str
    effective: str
    text: str


@dataclass(frozen=True)
class ModelState:
    """The newest finished ranking a reviewer's order comes from."""

    preset: str
    seed: int
    included: int
    excluded: int
    seconds: float
    finished_at: str
    retraining: bool


@dataclass(frozen=True)
class RankingStatus:
    stage: str
    label: str
    order: OrderNote
    model: ModelState | None
    records: int
    sampling_started: bool
    sample_size: int
    may_start_sampling: bool
    advice: ranking_models.StoppingAdvice | None
    target_recall: float
    confidence: float

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the API (the advice's rules included); an estimate
        there is too little history for (NaN) is null, as JSON has no NaN."""
        return _json_safe(asdict(self))


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def order_note(
    store: Store, session: Session, review: ReviewContext, stage: Stage, reviewer: str
) -> OrderNote:
    """Which order ``reviewer`` screens in and, when it is not the one chosen, why."""
    work = ranking.trainer(store)
    chosen = stage.order_for(reviewer)
    mine = " (your setting)" if reviewer in stage.reviewer_order else ""
    if work.sampling_from(session, review, stage) is not None:
        return OrderNote(
            chosen,
            "random",
            "Random sampling phase: records come in a seeded random order for everyone, so the "
            "stopping rule can test recall.",
        )
    if chosen == "imported":
        return OrderNote(chosen, "imported", f"Records come in the order they were imported{mine}.")
    if chosen == "random":
        return OrderNote(chosen, "random", f"Records come in a seeded random order{mine}.")
    latest = work.latest((review.id, stage.name, ranking.viewer_key(stage, reviewer)))
    if latest is None:
        return OrderNote(
            chosen,
            "imported",
            "Records come in imported order while the ranking model trains.",
        )
    if latest.order is None:
        return OrderNote(
            chosen,
            "imported",
            "Records come in imported order until there is at least one include and one "
            f"exclude to learn from (so far {latest.included} relevant, {latest.excluded} "
            "irrelevant).",
        )
    return OrderNote(
        chosen,
        "ranked",
        f"Records come most-likely-relevant first, ranked by a model trained on "
        f"{latest.included + latest.excluded} decisions{mine}.",
    )


def ranking_status(
    store: Store, review: ReviewContext, actor: str, stage_name: str, *, train: bool = False
) -> RankingStatus:
    """The order, model, estimate and stopping advice at a stage as ``actor`` may see them;
    ``train`` retrains in the caller's thread first (the CLI has no worker to wait for)."""
    review.require(actor, "records.view")
    stage = review.protocol.stage(stage_name)
    viewer = ranking.viewer_key(stage, actor)
    if train and stage.order_for(actor) == "ranked":
        ranking.train_now(store, review, stage, viewer)
    work = ranking.trainer(store)
    with store.read() as session:
        note = order_note(store, session, review, stage, actor)
        records = len(stage_states(session, review)[stage.name])
        sample_from = ranking_labels.sampling_started(session, review, stage)
        ranked, sample = _history(session, review, stage, sample_from)
    latest = work.latest((review.id, stage.name, viewer))
    model = (
        ModelState(
            latest.preset,
            latest.seed,
            latest.included,
            latest.excluded,
            round(latest.seconds, 3),
            latest.finished_at.isoformat(timespec="seconds"),
            work.busy((review.id, stage.name, viewer)),
        )
        if latest is not None
        else None
    )
    advice = (
        ranking_models.stopping_advice(ranked, records, sample, TARGET_RECALL, CONFIDENCE)
        if ranked or sample
        else None
    )
    return RankingStatus(
        stage=stage.name,
        label=stage.label,
        order=note,
        model=model,
        records=records,
        sampling_started=sample_from is not None,
        sample_size=len(sample),
        may_start_sampling=sample_from is None and allowed(review.role_of(actor), "review.manage"),
        advice=advice,
        target_recall=TARGET_RECALL,
        confidence=CONFIDENCE,
    )


def _history(
    session: Session, review: ReviewContext, stage: Stage, sample_from: int | None
) -> tuple[list[bool], list[bool]]:
    """Labels of the screened records in the order first decided: the ranked phase, then the
    random sample (records first decided after sampling began). Settled records only at a
    blind stage."""
    labels = ranking_labels.stage_labels(session, review, stage, None)
    first = dict(
        session.execute(
            select(Decision.record_id, func.min(Decision.id))
            .where(Decision.review_id == review.id, Decision.stage == stage.name)
            .group_by(Decision.record_id)
        ).all()
    )
    ordered = sorted(labels, key=lambda r: (first.get(r, 0), r))
    if sample_from is None:
        return [labels[r] for r in ordered], []
    ranked = [labels[r] for r in ordered if first.get(r, 0) <= sample_from]
    sample = [labels[r] for r in ordered if first.get(r, 0) > sample_from]
    return ranked, sample


def start_sampling(store: Store, review: ReviewContext, actor: str, stage_name: str) -> int:
    """Begin the stage's random-sampling phase (owners only); returns the last decision id
    before it, from which on decided records count as the random sample."""
    review.require(actor, "review.manage")
    stage = review.protocol.stage(stage_name)
    with store.write() as session:
        if ranking_labels.sampling_started(session, review, stage) is not None:
            raise AlreadyExists(f"random sampling has already begun at {stage.label}")
        last = session.scalar(
            select(func.coalesce(func.max(Decision.id), 0)).where(
                Decision.review_id == review.id, Decision.stage == stage.name
            )
        )
        record_change(
            session,
            actor=actor,
            action=ranking_labels.SAMPLING_ACTION,
            entity="stage",
            entity_id=stage.name,
            review_id=review.id,
            old=None,
            new={"after_decision": int(last or 0), "at": datetime.now(UTC).isoformat()},
            reason="random sample for the hypergeometric stopping rule",
        )
    ranking.trainer(store).forget_sampling(review, stage)
    return int(last or 0)


def as_json(status: RankingStatus) -> str:
    return json.dumps(status.to_json(), indent=2, default=str)
