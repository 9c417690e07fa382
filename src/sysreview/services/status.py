"""Counts per stage for the dashboard, ``sysreview status`` and scripts (``--json``).

The JSON shape is a documented, stable interface (see ``docs/status.md``): keys are only ever
added, never renamed or removed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.services.record_sets import unique_record_ids
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import may_resolve, stage_states
from sysreview.store.engine import Store
from sysreview.store.models import (
    DuplicateGroup,
    DuplicateSuggestion,
    SearchEvent,
    StoredRecord,
)

STATUS_FORMAT_VERSION = 1


def review_status(store: Store, review: ReviewContext, actor: str) -> dict[str, Any]:
    """The review's counts, as ``actor`` may see them."""
    review.require(actor, "review.status")
    with store.read() as session:
        sources = _sources(session, review.id)
        total = session.scalar(
            select(func.count())
            .select_from(StoredRecord)
            .where(StoredRecord.review_id == review.id)
        )
        unique = len(unique_record_ids(session, review))
        duplicates = _duplicates(session, review, (total or 0) - unique)
        stages = _stages(session, review, actor)
    return {
        "format": STATUS_FORMAT_VERSION,
        "review": review.slug,
        "title": review.title,
        "records": {"total": total or 0, "unique": unique, "by_source": sources},
        "duplicates": duplicates,
        "stages": stages,
        "team": [{"user": m.user, "role": m.role} for m in review.protocol.team],
    }


def _sources(session: Session, review_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            SearchEvent.source,
            SearchEvent.platform,
            func.count(SearchEvent.id),
            func.sum(SearchEvent.record_count),
        )
        .where(SearchEvent.review_id == review_id)
        .group_by(SearchEvent.source, SearchEvent.platform)
        .order_by(SearchEvent.source, SearchEvent.platform)
    ).all()
    return [
        {"source": s, "platform": p, "files": int(f), "records": int(n or 0)} for s, p, f, n in rows
    ]


def _duplicates(session: Session, review: ReviewContext, removed: int) -> dict[str, int]:
    groups = session.scalar(
        select(func.count())
        .select_from(DuplicateGroup)
        .where(DuplicateGroup.review_id == review.id, DuplicateGroup.active)
    )
    queued = session.scalar(
        select(func.count())
        .select_from(DuplicateSuggestion)
        .where(DuplicateSuggestion.review_id == review.id)
    )
    return {"groups": groups or 0, "removed": removed, "pairs_to_review": queued or 0}


def _stages(session: Session, review: ReviewContext, actor: str) -> list[dict[str, Any]]:
    """Per stage: records entering it, and how many are unscreened, in progress, in conflict,
    included and excluded. In a blind stage a viewer who may not resolve conflicts gets None
    for the counts that would reveal others' pending votes."""
    states = stage_states(session, review)
    result = []
    for stage in review.protocol.stages:
        counts: Counter[str] = Counter(states[stage.name].values())
        hidden = stage.blind and not may_resolve(review, actor)
        settled = counts["include"] + counts["exclude"]
        result.append(
            {
                "name": stage.name,
                "label": stage.label,
                "reviewers_required": stage.reviewers,
                "records": len(states[stage.name]),
                "screened": None if hidden else settled + counts["conflict"],
                "in_progress": None if hidden else counts["in_progress"],
                "included": counts["include"],
                "excluded": counts["exclude"],
                "conflicts": None if hidden else counts["conflict"],
                "not_retrieved": counts["not_retrieved"],
            }
        )
    return result
