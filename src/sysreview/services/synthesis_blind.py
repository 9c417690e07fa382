"""Blind independent coding: while the protocol says ``synthesis: blind: true``, each coder
sees only their own coding (those who may resolve conflicts see all) until the owner ends it,
when the comparison and the discussion begin. The same visibility rule as screening and
appraisal decides it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.consensus import Judgement, visibility
from sysreview.errors import AlreadyExists, InvalidInput
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import AuditEntry, SynthesisExcerpt

UNBLIND_ACTION = "synthesis.unblind"


def blind_coding_ended(session: Session, review: ReviewContext) -> bool:
    """Whether the owner has ended blind coding (an audited act, so it needs no table)."""
    found = session.scalar(
        select(AuditEntry.id)
        .where(AuditEntry.review_id == review.id, AuditEntry.action == UNBLIND_ACTION)
        .limit(1)
    )
    return found is not None


def coders_visible_to(session: Session, review: ReviewContext, viewer: str) -> set[str] | None:
    """The coders whose coding ``viewer`` may see: None for everyone's. Decided by the one
    visibility rule screening and appraisal use, each coder's coding of the review standing as
    one independent judgement: blind coding is open to its own coder, to those who may resolve
    conflicts, and to everyone once the owner has ended it."""
    blind = review.protocol.synthesis.blind
    if not blind:
        return None
    coders = session.scalars(
        select(SynthesisExcerpt.coder).where(SynthesisExcerpt.review_id == review.id).distinct()
    ).all()
    ended = blind_coding_ended(session, review)
    judgements = [Judgement(coder, "coded") for coder in sorted({*coders, viewer})]
    shown = visibility(
        viewer,
        judgements,
        blind=blind,
        state="include" if ended else "conflict",
        may_resolve=allowed(review.role_of(viewer), "conflict.resolve"),
    )
    return None if len(shown) == len(judgements) else {j.reviewer for j in shown}


def end_blind_coding(store: Store, review: ReviewContext, actor: str) -> None:
    """Let every coder see the others' coding (the owner's call, once all have coded)."""
    review.require(actor, UNBLIND_ACTION)
    with store.write() as session:
        if not review.protocol.synthesis.blind:
            raise InvalidInput("coding in this review is not blind (synthesis: blind: false)")
        if blind_coding_ended(session, review):
            raise AlreadyExists("blind coding has already been ended")
        record_change(
            session,
            actor=actor,
            action=UNBLIND_ACTION,
            entity="review",
            entity_id=review.slug,
            review_id=review.id,
            old={"blind": True},
            new={"blind": False},
        )


def blind_coding_state(store: Store, review: ReviewContext, viewer: str) -> dict[str, bool]:
    """What the pages say about blind coding to ``viewer``: whether it is blind, whether it
    has ended, whether they see everyone's coding, and whether they may end it."""
    with store.read() as session:
        return {
            "blind": review.protocol.synthesis.blind,
            "ended": blind_coding_ended(session, review),
            "sees_all": coders_visible_to(session, review, viewer) is None,
            "may_end": allowed(review.role_of(viewer), UNBLIND_ACTION),
        }
