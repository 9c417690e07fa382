"""Running counts behind each reviewer's progress at a stage ("n decided, m left to you").

The screening page shows a reviewer's progress after every decision. Counted from the decisions,
that is a pass over every decision of the stage: 130 ms on PostgreSQL late in a 100,000-record
review (some 190,000 decisions), more than the whole request may take. So every decision and
resolution adjusts a few counts (:func:`record_changed`) and the page reads them
(:func:`progress_counts`): a record is *closed* at a stage once it has the decisions the stage
needs or a resolution, and is closed *to a reviewer* as well once they have decided it.

    left to a reviewer = records - (closed + their decisions on records not yet closed)

The counts are derived data. They are adjusted only inside a write transaction that has
already appended to the audit chain, which serialises every audited write (PostgreSQL's
advisory lock, SQLite's single writer), so two decisions can never adjust them from the same
starting point. When they are missing (a review screened before they existed, a restored
archive) or were made for another number of reviewers per record (the protocol changed), the
next decision rebuilds them from the decisions, and until then :func:`progress_counts` answers
None and the caller counts the decisions itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from sysreview.protocol import Stage
from sysreview.services.reviews import ReviewContext
from sysreview.store.models import ConflictResolution, Decision, ScreeningTally, User

STAGE = ""
"""The ``reviewer`` of the row that holds the stage's own count of closed records."""


@dataclass(frozen=True)
class RecordTally:
    """What the counts need to know of one record at one stage: who decided it, and whether
    it was resolved."""

    reviewers: frozenset[str]
    resolved: bool

    def closed(self, needed: int) -> bool:
        return self.resolved or len(self.reviewers) >= needed


@dataclass(frozen=True)
class ProgressCounts:
    decided: int
    closed_to_reviewer: int


def progress_counts(
    session: Session, review: ReviewContext, stage: Stage, reviewer: str
) -> ProgressCounts | None:
    """The reviewer's decisions and the records closed to them, from the counts (None when
    there are no counts valid for the stage's protocol, see the module's docstring)."""
    rows = _tally_rows(session, review, stage, [reviewer])
    whole = _valid_stage_row(rows, stage)
    if whole is None:
        return None
    own = rows.get(reviewer)
    decided, open_decided = (own.decided, own.open_decided) if own else (0, 0)
    return ProgressCounts(decided, whole.closed + open_decided)


def _tally_rows(
    session: Session, review: ReviewContext, stage: Stage, reviewers: Iterable[str]
) -> dict[str, ScreeningTally]:
    """The stage's own row and those of ``reviewers``, by reviewer ("" for the stage)."""
    params = {"review_id": review.id, "stage": stage.name, "reviewers": [STAGE, *reviewers]}
    return {row.reviewer: row for row in session.scalars(_TALLY_ROWS, params)}


_TALLY_ROWS = select(ScreeningTally).where(
    ScreeningTally.review_id == bindparam("review_id"),
    ScreeningTally.stage == bindparam("stage"),
    ScreeningTally.reviewer.in_(bindparam("reviewers", expanding=True)),
)
"""Built once: asked twice by every screening request (see screening_start for why)."""


def _valid_stage_row(rows: dict[str, ScreeningTally], stage: Stage) -> ScreeningTally | None:
    """The stage's row when the counts were made for the stage's number of reviewers."""
    whole = rows.get(STAGE)
    return whole if whole is not None and whole.reviewers_needed == stage.reviewers else None


def record_changed(
    session: Session,
    review: ReviewContext,
    stage: Stage,
    before: RecordTally,
    after: RecordTally,
) -> None:
    """Adjust the counts for one record's change, in the caller's transaction, after its
    audit entry (see the module's docstring); rebuild them instead when they are not valid."""
    rows = _tally_rows(session, review, stage, [*before.reviewers, *after.reviewers])
    whole = _valid_stage_row(rows, stage)
    if whole is None:
        rebuild(session, review, stage)
        return
    needed = stage.reviewers
    was_closed, is_closed = before.closed(needed), after.closed(needed)
    whole.closed += int(is_closed) - int(was_closed)
    for name in sorted(before.reviewers | after.reviewers):
        row = rows.get(name)
        if row is None:
            row = ScreeningTally(
                review_id=review.id,
                stage=stage.name,
                reviewer=name,
                reviewers_needed=needed,
                closed=0,
                decided=0,
                open_decided=0,
            )
            session.add(row)
        had, has = name in before.reviewers, name in after.reviewers
        row.decided += int(has) - int(had)
        row.open_decided += int(has and not is_closed) - int(had and not was_closed)
    session.flush()


def rebuild(session: Session, review: ReviewContext, stage: Stage) -> None:
    """Count the stage's decisions afresh and store the counts (one pass over them)."""
    session.execute(
        delete(ScreeningTally).where(
            ScreeningTally.review_id == review.id, ScreeningTally.stage == stage.name
        )
    )
    closed, per_reviewer = count_from_decisions(session, review, stage)
    rows = [(STAGE, closed, 0, 0)] + [(n, 0, d, o) for n, (d, o) in sorted(per_reviewer.items())]
    session.add_all(
        ScreeningTally(
            review_id=review.id,
            stage=stage.name,
            reviewer=name,
            reviewers_needed=stage.reviewers,
            closed=closed_count,
            decided=decided,
            open_decided=open_decided,
        )
        for name, closed_count, decided, open_decided in rows
    )
    session.flush()


def count_from_decisions(
    session: Session, review: ReviewContext, stage: Stage
) -> tuple[int, dict[str, tuple[int, int]]]:
    """The stage's closed records, and per reviewer (decided, decided and not closed), counted
    from the decisions themselves: what the running counts must always equal."""
    at_stage = (Decision.review_id == review.id, Decision.stage == stage.name)
    closed_ids = closed_record_ids(review, stage)
    closed = session.scalar(select(func.count()).select_from(closed_ids)) or 0
    decided = decided_by_reviewer(session, review, stage)
    still_open = _by_reviewer(
        session.execute(
            select(User.username, func.count())
            .select_from(Decision)
            .join(User, User.id == Decision.reviewer_id)
            .where(*at_stage, Decision.record_id.not_in(select(closed_ids.c.record_id)))
            .group_by(User.username)
        )
    )
    return closed, {name: (n, still_open.get(name, 0)) for name, n in decided.items()}


def closed_record_ids(review: ReviewContext, stage: Stage) -> Subquery:
    """SQL: the ids (``record_id``) of the records closed at ``stage``: decided by as many
    reviewers as it needs, or resolved. Set-wise, for counts and bounds, not per record."""
    full = (
        select(Decision.record_id)
        .where(Decision.review_id == review.id, Decision.stage == stage.name)
        .group_by(Decision.record_id)
        .having(func.count() >= stage.reviewers)
    )
    resolved = select(ConflictResolution.record_id).where(
        ConflictResolution.review_id == review.id, ConflictResolution.stage == stage.name
    )
    return union(full, resolved).subquery()


def decided_by_reviewer(session: Session, review: ReviewContext, stage: Stage) -> dict[str, int]:
    """How many of the stage's records each reviewer has decided, counted from the decisions."""
    return _by_reviewer(
        session.execute(
            select(User.username, func.count())
            .select_from(Decision)
            .join(User, User.id == Decision.reviewer_id)
            .where(Decision.review_id == review.id, Decision.stage == stage.name)
            .group_by(User.username)
        )
    )


def _by_reviewer(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    return {name: int(count) for name, count in rows}
