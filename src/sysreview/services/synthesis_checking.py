"""Checked coding (``synthesis: mode: checked``): one coder codes a study, and ``checkers``
other team members agree with each excerpt or dispute it with a comment. A dispute is settled
by discussion: the coder changes the excerpt (which makes every check of it stale, so it is
checked again) or the checker changes their verdict. Every verdict is audited.

The states and rules are :mod:`sysreview.synthesis.checking`'s; this module keeps the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound
from sysreview.services.reviews import ReviewContext
from sysreview.services.synthesis_coding import ExcerptInfo, excerpts_in
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import SynthesisCheck, SynthesisCoding, SynthesisExcerpt
from sysreview.synthesis import checking
from sysreview.synthesis.checking import Check, StudyProgress


@dataclass(frozen=True)
class CheckedExcerpt:
    """An excerpt with its checks (``current`` says which still cover it) and its state."""

    excerpt: ExcerptInfo
    state: str
    checks: list[tuple[Check, bool]]

    def verdict_of(self, checker: str) -> str | None:
        """``checker``'s current verdict, if they have one."""
        return next((c.verdict for c, now in self.checks if c.checker == checker and now), None)


def _require_checked(review: ReviewContext) -> None:
    if review.protocol.synthesis.mode != "checked":
        raise InvalidInput(
            "coding in this review is independent, not checked: set `synthesis: mode: checked` "
            "in the protocol to have excerpts checked"
        )


def check_excerpt(
    store: Store,
    review: ReviewContext,
    actor: str,
    excerpt_id: int,
    verdict: str,
    comment: str = "",
) -> str:
    """Record ``actor``'s verdict on an excerpt as it stands (replacing their earlier one) and
    return the excerpt's checking state. The excerpt's row is locked first, so two checks of
    one excerpt at once are taken one after the other."""
    review.require(actor, "synthesis.code")
    _require_checked(review)
    with store.write() as session:
        row = session.scalar(
            select(SynthesisExcerpt)
            .where(SynthesisExcerpt.id == excerpt_id, SynthesisExcerpt.review_id == review.id)
            .with_for_update()
        )
        if row is None:
            raise NotFound(f"review {review.slug!r} has no excerpt {excerpt_id}")
        try:
            checking.validate_verdict(verdict, comment, row.coder, actor)
        except ValueError as exc:
            raise InvalidInput(f"excerpt {excerpt_id}: {exc}") from None
        codes = _codes_of(session, row.id)
        seen = checking.snapshot(row.text, codes)
        mine = session.scalar(
            select(SynthesisCheck).where(
                SynthesisCheck.excerpt_id == row.id, SynthesisCheck.checker == actor
            )
        )
        old = None if mine is None else {"verdict": mine.verdict, "comment": mine.comment}
        if mine is None:
            mine = SynthesisCheck(excerpt_id=row.id, checker=actor)
            session.add(mine)
        mine.verdict, mine.comment, mine.seen = verdict, comment.strip(), seen
        mine.checked_at = datetime.now(UTC)
        session.flush()
        record_change(
            session,
            actor=actor,
            action="synthesis.excerpt.check",
            entity="synthesis_excerpt",
            entity_id=row.id,
            review_id=review.id,
            old=old,
            new={"verdict": verdict, "comment": mine.comment, "coder": row.coder, **seen},
        )
        checks = _checks_of(session, [row.id]).get(row.id, [])
        return checking.excerpt_state(checks, row.text, codes, review.protocol.synthesis.checkers)


def _codes_of(session: Session, excerpt_id: int) -> list[int]:
    return list(
        session.scalars(
            select(SynthesisCoding.code_id).where(SynthesisCoding.excerpt_id == excerpt_id)
        )
    )


def _checks_of(session: Session, excerpt_ids: list[int]) -> dict[int, list[Check]]:
    found: dict[int, list[Check]] = {}
    rows = session.scalars(
        select(SynthesisCheck)
        .where(SynthesisCheck.excerpt_id.in_(excerpt_ids))
        .order_by(SynthesisCheck.checked_at, SynthesisCheck.id)
    )
    for row in rows:
        found.setdefault(row.excerpt_id, []).append(
            Check(row.checker, row.verdict, row.comment, dict(row.seen))
        )
    return found


def checked_excerpts_in(
    session: Session, review: ReviewContext, viewer: str, *, study: str | None = None
) -> list[CheckedExcerpt]:
    """The review's (or one study's) excerpts with their checks and states; inside a
    transaction."""
    found = excerpts_in(session, review, study=study, viewer=viewer)
    checks = _checks_of(session, [e.id for e in found]) if found else {}
    required = review.protocol.synthesis.checkers
    result = []
    for excerpt in found:
        mine = checks.get(excerpt.id, [])
        state = checking.excerpt_state(mine, excerpt.text, excerpt.codes, required)
        current = [(c, checking.is_current(c, excerpt.text, excerpt.codes)) for c in mine]
        result.append(CheckedExcerpt(excerpt, state, current))
    return result


def checked_excerpts(
    store: Store, review: ReviewContext, actor: str, *, study: str | None = None
) -> list[CheckedExcerpt]:
    """Every excerpt (or one study's) with its checks and checking state."""
    review.require(actor, "records.view")
    with store.read() as session:
        return checked_excerpts_in(session, review, actor, study=study)


def checking_progress(
    store: Store, review: ReviewContext, actor: str
) -> tuple[list[StudyProgress], list[CheckedExcerpt]]:
    """Per study, how many excerpts are unchecked, partly checked, agreed and disputed; and
    the disputed excerpts, which need a discussion."""
    _require_checked(review)
    found = checked_excerpts(store, review, actor)
    progress = checking.progress((c.excerpt.study, c.state) for c in found)
    return progress, [c for c in found if c.state == "disputed"]
