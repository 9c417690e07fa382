"""Which records of the first stage are open to a reviewer, and where a walk for one starts.

The next-record query (:func:`open_records`) walks records in imported order and tests each for
being open to the reviewer, a few index probes per record. That is cheap from the record just
decided, but a walk from the first record (the first page of a session, while the ranking is not
yet trained, or on wrapping round) passes every record already closed: 2 s on PostgreSQL with
90,000 closed records, ten reviewers opening the page at once holding both cores of a small
server.

So such a walk starts at the first record that is neither closed to everyone nor merged away as
a duplicate (:func:`first_unclosed`). It is found once per process by a set-wise query over the
stage's decisions (some 160 ms at 180,000 decisions on PostgreSQL) and then, at most once a
minute, moved on by a walk from where it was: records only close as screening goes on, so the
remembered start is at worst too early (a longer walk), never past an unclosed record. A record
that opens again below it (a duplicate group undone, a protocol asking for more reviewers) is not
lost: whenever the walk from the start finds nothing, the caller asks for the start afresh.
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from sqlalchemy import Integer, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from sysreview.protocol import Stage
from sysreview.services.record_sets import merged_away_ids
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening_tallies import closed_record_ids
from sysreview.store.models import (
    ConflictResolution,
    Decision,
    DuplicateGroup,
    DuplicateMember,
    StoredRecord,
)

MOVE_ON_SECONDS = 60.0
"""How long a start found is used before a walk moves it on."""

_lock = threading.Lock()
_remembered: dict[tuple[str, int, str, int], tuple[float, int | None]] = {}


def merged_away(record_id: Any) -> Any:
    """SQL: the record is in an active duplicate group with a lower record id (the group is
    screened through that one). A per-record count, for the reason :func:`open_records` gives."""
    member, other = aliased(DuplicateMember), aliased(DuplicateMember)
    earlier = (
        select(func.count())
        .select_from(member)
        .join(other, other.group_id == member.group_id)
        .join(DuplicateGroup, DuplicateGroup.id == member.group_id)
        .where(member.record_id == record_id, other.record_id < record_id, DuplicateGroup.active)
        .scalar_subquery()
    )
    return earlier > 0


OpenRecords = tuple[Select[int], dict[str, Any]]
"""A statement and the parameters to run it with."""


def open_records(
    review: ReviewContext, stage: Stage, user_id: int | None, after: int | None
) -> OpenRecords:
    """SQL: records of the first stage open to a reviewer, in imported order: not merged away
    as a duplicate, fewer decisions than the stage needs, none of them this reviewer's (with
    ``user_id`` None: open to anyone), and not resolved; with the parameters to run it.

    The statement is one of four built once (building it took 3 ms of every screening
    request, more than PostgreSQL took to run it); a caller may narrow it further."""
    params = {
        "review_id": review.id,
        "stage": stage.name,
        "needed": stage.reviewers,
        "user_id": user_id,
        "after": after,
    }
    return _open_records_statement(user_id is not None, after is not None), params


@functools.cache
def _open_records_statement(for_reviewer: bool, after: bool) -> Select[int]:
    """See :func:`open_records`. Each test is a per-record count (a scalar subquery), never
    NOT EXISTS: PostgreSQL turns NOT EXISTS into an anti join, and on decision statistics that
    lag behind screening it read every decision of the stage (the reviewer's own, or all
    resolutions) for each query instead of probing the few records asked about: a cost that
    grew with every decision."""
    record = StoredRecord.__table__

    def counted(model: Any, *where: Any) -> Any:
        return (
            select(func.count())
            .select_from(model)
            .where(
                model.review_id == bindparam("review_id"),
                model.stage == bindparam("stage"),
                model.record_id == record.c.id,
                *where,
            )
            .scalar_subquery()
        )

    tests = [
        record.c.review_id == bindparam("review_id"),
        counted(Decision) < bindparam("needed", type_=Integer),
        counted(ConflictResolution) == 0,
        ~merged_away(record.c.id),
    ]
    if for_reviewer:
        tests.append(counted(Decision, Decision.reviewer_id == bindparam("user_id")) == 0)
    query = select(record.c.id).where(*tests).order_by(record.c.id)
    if after:
        query = query.where(record.c.id > bindparam("after"))
    return query


def first_unclosed(
    session: Session, store_url: str, review: ReviewContext, stage: Stage, *, afresh: bool = False
) -> int | None:
    """The lowest record id of the review neither closed at ``stage`` nor merged away as a
    duplicate (None: there is none), as found at most :data:`MOVE_ON_SECONDS` ago here; with
    ``afresh``, found now by the set-wise query (so a record opened again is seen)."""
    key = (store_url, review.id, stage.name, stage.reviewers)
    now = time.monotonic()
    with _lock:
        held = None if afresh else _remembered.get(key)
    if held is not None and now - held[0] < MOVE_ON_SECONDS:
        return held[1]
    if held is not None and held[1] is not None:  # walk on from where it was
        walked, params = open_records(review, stage, None, held[1] - 1)
        found = session.scalar(walked.limit(1), params)
    else:
        found = _first_unclosed_setwise(session, review, stage)
    with _lock:
        _remembered[key] = (now, found)
    return found


def _first_unclosed_setwise(session: Session, review: ReviewContext, stage: Stage) -> int | None:
    closed, merged = closed_record_ids(review, stage), merged_away_ids(review)
    return session.scalar(
        select(func.min(StoredRecord.id)).where(
            StoredRecord.review_id == review.id,
            ~exists().where(closed.c.record_id == StoredRecord.id),
            ~exists().where(merged.c.record_id == StoredRecord.id),
        )
    )
