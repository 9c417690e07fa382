"""Agreement between reviewers per stage, before conflicts were resolved.

Computed from the independent judgements alone (resolutions are not ratings). In a blind stage
the figures reveal how reviewers voted, so only those who may resolve conflicts see them while
the stage is blind; in an unblinded stage every member may.
"""

from __future__ import annotations

from dataclasses import asdict
from itertools import combinations
from typing import Any

from sysreview.agreement import multi_rater, pairwise
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import load_stage, stage_states
from sysreview.store.engine import Store


def stage_agreement(
    store: Store, review: ReviewContext, actor: str, stage_name: str
) -> dict[str, Any]:
    """Per reviewer pair: n, observed agreement, Cohen's kappa with 95 % CI, PABAK, AC1;
    overall: Fleiss' kappa and Krippendorff's alpha when three or more reviewers took part."""
    stage = review.protocol.stage(stage_name)
    review.require(actor, "conflict.resolve" if stage.blind else "review.status")
    with store.read() as session:
        entering = set(stage_states(session, review)[stage.name])
        data = load_stage(session, review, stage.name)
    votes = {
        record_id: {j.reviewer: j.verdict for j in judgements}
        for record_id, judgements in data.judgements.items()
        if record_id in entering
    }
    reviewers = sorted({name for by in votes.values() for name in by})
    used = {v for by in votes.values() for v in by.values()}
    categories = ("include", "exclude") + (("maybe",) if "maybe" in used else ())
    pairs = []
    for a, b in combinations(reviewers, 2):
        shared = [r for r, by in votes.items() if a in by and b in by]
        result = pairwise([votes[r][a] for r in shared], [votes[r][b] for r in shared], categories)
        if result.n:
            pairs.append({"reviewer_a": a, "reviewer_b": b, **asdict(result)})
    overall = None
    if len(reviewers) >= 3:
        rows = [[by.get(name) for name in reviewers] for by in votes.values()]
        overall = asdict(multi_rater(rows))
    return {
        "stage": stage.name,
        "label": stage.label,
        "reviewers": reviewers,
        "pairs": pairs,
        "overall": overall,
    }
