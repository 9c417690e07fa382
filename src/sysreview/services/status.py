"""Counts per stage for the dashboard, ``sysreview status`` and scripts (``--json``).

The JSON shape is a documented, stable interface (see ``docs/status.md``): keys are only ever
added, never renamed or removed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import outcomes_by_stage
from sysreview.store.engine import Store
from sysreview.store.models import SearchEvent, StoredRecord

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
        stages = _stages(session, review, total or 0)
    return {
        "format": STATUS_FORMAT_VERSION,
        "review": review.slug,
        "title": review.title,
        "records": {"total": total or 0, "by_source": sources},
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


def _stages(session: Session, review: ReviewContext, total: int) -> list[dict[str, Any]]:
    """Per stage: records entering it, records with all required judgements, agreed includes and
    excludes, and conflicts (judgements that disagree). A stage's entrants are the records every
    judgement of the stage before included."""
    outcomes = outcomes_by_stage(session, review)
    result = []
    entering: int = total
    for stage in review.protocol.stages:
        outcome: Counter[str] = Counter(outcomes[stage.name].values())
        screened = outcome["include"] + outcome["exclude"] + outcome["conflict"]
        result.append(
            {
                "name": stage.name,
                "label": stage.label,
                "reviewers_required": stage.reviewers,
                "records": entering,
                "screened": screened,
                "in_progress": outcome["in_progress"],
                "included": outcome["include"],
                "excluded": outcome["exclude"],
                "conflicts": outcome["conflict"],
            }
        )
        entering = outcome["include"]
    return result
