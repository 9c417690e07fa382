"""What a stage's ranking learns from: each record's label as a given viewer may know it, a
fingerprint of a label set, and when the owner began the random-sampling phase.

A record's label is its settled decision (agreement or the arbiter's resolution) when it has
one, else its votes (relevant when any is include or maybe). At a blind stage the unsettled
votes of others are secret, so a viewer's labels hold only settled records and their own votes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from sysreview.consensus import Judgement, record_state
from sysreview.protocol import Stage
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import StageData, load_stage
from sysreview.store.models import AuditEntry, ConflictResolution, Decision

RELEVANT_VOTES = ("include", "maybe")
SAMPLING_ACTION = "ranking.sample"


def sampling_started(session: Session, review: ReviewContext, stage: Stage) -> int | None:
    """The stage's last decision id when the owner started random sampling, from the audit
    trail (the start is an audited act, so it needs no table of its own); None: not started."""
    row = session.scalar(
        select(AuditEntry.new_value)
        .where(
            AuditEntry.review_id == review.id,
            AuditEntry.action == SAMPLING_ACTION,
            AuditEntry.entity_id == stage.name,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    value = json.loads(row).get("after_decision")
    return int(value) if value is not None else None


def stage_labels(
    session: Session, review: ReviewContext, stage: Stage, viewer: str | None
) -> dict[int, bool]:
    """Record id → relevant?, as a ranking for ``viewer`` may learn it (see the module text).

    ``viewer`` None at a blind stage means settled records only (what everyone may know)."""
    return labels_from(load_stage(session, review, stage.name), stage, viewer)


def labels_from(data: StageData, stage: Stage, viewer: str | None) -> dict[int, bool]:
    """:func:`stage_labels` from a stage already loaded."""
    return labels_for_viewers(data, stage, [viewer])[viewer]


def labels_for_viewers(
    data: StageData, stage: Stage, viewers: Iterable[str | None]
) -> dict[str | None, dict[int, bool]]:
    """Each viewer's labels from one pass over the stage: every record's state is worked out
    once, and only the unsettled votes differ between viewers (at a blind stage)."""
    settled: dict[int, bool] = {}
    open_votes: dict[int, list[Judgement]] = {}
    for record_id in sorted(data.judgements.keys() | data.resolutions.keys()):
        votes = data.judgements.get(record_id, [])
        state = record_state(votes, stage.reviewers, stage.maybe, data.resolutions.get(record_id))
        if state in ("include", "exclude"):
            settled[record_id] = state == "include"
        elif votes:
            open_votes[record_id] = votes
    result: dict[str | None, dict[int, bool]] = {}
    for viewer in viewers:
        labels = dict(settled)
        for record_id, votes in open_votes.items():
            counted = [j for j in votes if j.reviewer == viewer] if stage.blind else votes
            if counted:
                labels[record_id] = any(j.verdict in RELEVANT_VOTES for j in counted)
        result[viewer] = dict(sorted(labels.items()))
    return result


def any_relevant(session: Session, review: ReviewContext, stage: Stage) -> bool:
    """Whether any vote or resolution at the stage is include or maybe (one small query)."""
    voted = exists().where(
        Decision.review_id == review.id,
        Decision.stage == stage.name,
        Decision.verdict.in_(RELEVANT_VOTES),
    )
    resolved = exists().where(
        ConflictResolution.review_id == review.id,
        ConflictResolution.stage == stage.name,
        ConflictResolution.verdict == "include",
    )
    return bool(session.scalar(select(or_(voted, resolved))))


def labels_version(labels: dict[int, bool]) -> str:
    """A short fingerprint of a label set: equal labels, equal version, equal ranking."""
    text = ",".join(f"{r}:{int(v)}" for r, v in sorted(labels.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
