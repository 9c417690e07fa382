"""Which records a stage sees: one per article once duplicates are merged.

A duplicate group is screened through its lowest record id; its other members stay stored (for
provenance and per-database counts) but are not screened again.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from sysreview.services.reviews import ReviewContext
from sysreview.store.models import DuplicateGroup, DuplicateMember, StoredRecord


def active_group_members(session: Session, review: ReviewContext) -> dict[int, list[int]]:
    """Active group id → its member record ids, ascending."""
    rows = session.execute(
        select(DuplicateMember.group_id, DuplicateMember.record_id)
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateGroup.review_id == review.id, DuplicateGroup.active)
        .order_by(DuplicateMember.record_id)
    )
    groups: dict[int, list[int]] = {}
    for group_id, record_id in rows:
        groups.setdefault(group_id, []).append(record_id)
    return groups


def unique_record_ids(session: Session, review: ReviewContext) -> list[int]:
    """One id per article: records in no active group, and the lowest id of each group. Later
    stages screen these, so a group is screened once."""
    all_ids = session.scalars(
        select(StoredRecord.id).where(StoredRecord.review_id == review.id)
    ).all()
    hidden: set[int] = set()
    for members in active_group_members(session, review).values():
        hidden.update(members[1:])
    return [i for i in all_ids if i not in hidden]


def merged_away_ids(review: ReviewContext) -> Subquery:
    """SQL: the ids (``record_id``) of every record merged away: in an active group, not its
    lowest id. Set-wise, for bounds over the whole review."""
    in_active = (DuplicateGroup.review_id == review.id, DuplicateGroup.active)
    lowest = (
        select(DuplicateMember.group_id, func.min(DuplicateMember.record_id).label("lowest"))
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(*in_active)
        .group_by(DuplicateMember.group_id)
        .subquery()
    )
    return (
        select(DuplicateMember.record_id)
        .join(lowest, lowest.c.group_id == DuplicateMember.group_id)
        .where(DuplicateMember.record_id > lowest.c.lowest)
        .subquery()
    )


def is_merged_away(session: Session, review: ReviewContext, record_id: int) -> bool:
    """Whether the record is a non-representative member of an active group (the group is
    screened through its lowest record id)."""
    lowest = session.scalar(_LOWEST_IN_GROUPS, {"review_id": review.id, "record_id": record_id})
    return lowest is not None and lowest != record_id


# Built once: every decision asks this, and building the statement cost more than running it.
_LOWEST_IN_GROUPS = (
    select(DuplicateMember.record_id)
    .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
    .where(
        DuplicateGroup.review_id == bindparam("review_id"),
        DuplicateGroup.active,
        DuplicateMember.group_id.in_(
            select(DuplicateMember.group_id).where(
                DuplicateMember.record_id == bindparam("record_id")
            )
        ),
    )
    .order_by(DuplicateMember.record_id)
    .limit(1)
)
