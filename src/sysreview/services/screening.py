"""Reading screening judgements out of the store, for the views that summarise them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.screening import Outcome, stage_outcome
from sysreview.services.reviews import ReviewContext
from sysreview.store.models import Decision

Verdicts = dict[str, dict[int, list[str]]]


def load_verdicts(session: Session, review: ReviewContext) -> Verdicts:
    """stage → record id → the verdicts recorded so far (who gave them is not returned)."""
    verdicts: Verdicts = defaultdict(lambda: defaultdict(list))
    rows = session.execute(
        select(Decision.stage, Decision.record_id, Decision.verdict).where(
            Decision.review_id == review.id
        )
    )
    for stage_name, record_id, verdict in rows:
        verdicts[stage_name][record_id].append(verdict)
    return verdicts


def outcomes_by_stage(session: Session, review: ReviewContext) -> dict[str, dict[int, Outcome]]:
    """stage → record id → outcome, for records with at least one judgement."""
    verdicts = load_verdicts(session, review)
    return {
        stage.name: {
            record_id: stage_outcome(votes, stage.reviewers)
            for record_id, votes in verdicts[stage.name].items()
        }
        for stage in review.protocol.stages
    }


def exclusion_reasons(session: Session, review: ReviewContext) -> dict[str, dict[int, str]]:
    """stage → record id → the reasons given for excluding it ("; "-joined, sorted), only for
    records whose outcome at that stage is exclude (so no reviewer's pending vote shows)."""
    outcomes = outcomes_by_stage(session, review)
    reasons: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = session.execute(
        select(Decision.stage, Decision.record_id, Decision.reason).where(
            Decision.review_id == review.id, Decision.reason != ""
        )
    )
    for stage_name, record_id, reason in rows:
        if outcomes.get(stage_name, {}).get(record_id) == "exclude":
            reasons[stage_name][record_id].add(reason)
    return {
        stage: {record_id: "; ".join(sorted(found)) for record_id, found in by_record.items()}
        for stage, by_record in reasons.items()
    }
