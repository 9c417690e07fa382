"""Screening: independent decisions per stage, conflicts, resolution, and what each viewer sees.

Every record entering a stage is in exactly one state (unscreened, in progress, conflict,
include, exclude), computed by :mod:`sysreview.consensus` from the stored decisions and any
resolution; the records entering a stage are the unique records (first stage) or those the
stage before included. Each decision or resolution is one transaction with its audit entry;
the record's row is locked first, so two reviewers taking the last slot cannot both win.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Text, bindparam, case, cast, func, or_, select, union
from sqlalchemy.orm import Session

from sysreview.consensus import (
    Judgement,
    Resolution,
    State,
    record_state,
    visibility,
    visible_state,
)
from sysreview.errors import AlreadyExists, InvalidInput, NotFound, StaleWrite
from sysreview.protocol import Stage
from sysreview.records import Record
from sysreview.screening import check_decision, check_resolution
from sysreview.services import screening_tallies as tallies
from sysreview.services.fulltexts import not_retrieved_ids
from sysreview.services.permissions import allowed
from sysreview.services.reading import READING
from sysreview.services.record_sets import is_merged_away, unique_record_ids
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening_start import first_unclosed, open_records
from sysreview.store.audit import record_change
from sysreview.store.engine import Store, column_rows
from sysreview.store.models import (
    ConflictResolution,
    Decision,
    DuplicateGroup,
    DuplicateMember,
    IdempotencyKey,
    SearchEvent,
    StoredRecord,
    User,
)

StageStates = dict[str, dict[int, str]]
NOT_RETRIEVED = "not_retrieved"


@dataclass(frozen=True)
class StageData:
    """Everything stored about one stage: judgements and resolutions per record."""

    judgements: dict[int, list[Judgement]]
    versions: dict[tuple[int, str], int]
    resolutions: dict[int, Resolution]


@dataclass(frozen=True)
class RecordView:
    """One record at one stage as a given viewer may see it."""

    id: int
    record: Record
    state: str
    judgements: list[Judgement]
    mine: Judgement | None
    my_version: int | None
    resolution: Resolution | None


@dataclass(frozen=True)
class DecisionResult:
    record_id: int
    stage: str
    verdict: str
    version: int
    state: str


def load_stage(
    session: Session, review: ReviewContext, stage: str, record_id: int | None = None
) -> StageData:
    """The stage's judgements and resolutions: all of them, or one record's."""
    judgements: dict[int, list[Judgement]] = defaultdict(list)
    versions: dict[tuple[int, str], int] = {}
    params = {"review_id": review.id, "stage": stage, "record_id": record_id}
    one = record_id is not None
    decisions = _ONE_RECORDS_DECISIONS if one else _STAGE_DECISIONS
    resolved = _ONE_RECORDS_RESOLUTIONS if one else _STAGE_RESOLUTIONS
    made: dict[tuple[str, str, str, str, str | None], Judgement] = {}
    for record, username, verdict, reason, note, labels, version in column_rows(
        session, decisions, params
    ):
        key = (username, verdict, reason, note, labels)
        judgement = made.get(key)
        if judgement is None:  # most decisions repeat one another: reuse the frozen value
            decoded = tuple(json.loads(labels) or ()) if labels else ()
            judgement = made[key] = Judgement(username, verdict, reason, note, decoded)
        judgements[record].append(judgement)
        versions[(record, username)] = version
    resolutions = {
        record: Resolution(name, verdict, reason, note)
        for record, name, verdict, reason, note in column_rows(session, resolved, params)
    }
    return StageData(dict(judgements), versions, resolutions)


# Columns, not Decision objects, and one Judgement per distinct decision content: a late stage
# holds hundreds of thousands of decisions, and an ORM object, a JSON parse and a Judgement for
# each took seconds of every retrain (2.0-3.4 s at 72,000 on PostgreSQL). Built once, like every
# statement a screening request runs: building them cost more than running them.
_STAGE_DECISIONS = (
    select(
        Decision.record_id,
        User.username,
        Decision.verdict,
        Decision.reason,
        Decision.note,
        cast(Decision.labels, Text),
        Decision.version,
    )
    .join(User, User.id == Decision.reviewer_id)
    .where(Decision.review_id == bindparam("review_id"), Decision.stage == bindparam("stage"))
    .order_by(Decision.id)
)
_ONE_RECORDS_DECISIONS = _STAGE_DECISIONS.where(Decision.record_id == bindparam("record_id"))
_STAGE_RESOLUTIONS = (
    select(
        ConflictResolution.record_id,
        User.username,
        ConflictResolution.verdict,
        ConflictResolution.reason,
        ConflictResolution.note,
    )
    .join(User, User.id == ConflictResolution.resolver_id)
    .where(
        ConflictResolution.review_id == bindparam("review_id"),
        ConflictResolution.stage == bindparam("stage"),
    )
)
_ONE_RECORDS_RESOLUTIONS = _STAGE_RESOLUTIONS.where(
    ConflictResolution.record_id == bindparam("record_id")
)


def stage_states(session: Session, review: ReviewContext) -> StageStates:
    """stage → record id → state, for every record entering each stage, in protocol order."""
    states: StageStates = {}
    entering = unique_record_ids(session, review)
    missing = not_retrieved_ids(session, review)
    for stage in review.protocol.stages:
        data = load_stage(session, review, stage.name)
        states[stage.name] = {
            record_id: NOT_RETRIEVED
            if stage.requires_full_text and record_id in missing
            else _state(stage, data, record_id)
            for record_id in entering
        }
        entering = [r for r, s in states[stage.name].items() if s == "include"]
    return states


def _state(stage: Stage, data: StageData, record_id: int) -> State:
    return record_state(
        data.judgements.get(record_id, []),
        stage.reviewers,
        stage.maybe,
        data.resolutions.get(record_id),
    )


def may_resolve(review: ReviewContext, user: str) -> bool:
    return allowed(review.role_of(user), "conflict.resolve")


def record_view(
    store: Store, review: ReviewContext, actor: str, stage_name: str, record_id: int
) -> RecordView:
    """A record at a stage, with only the judgements ``actor`` may see."""
    review.require(actor, "records.view")
    stage = review.protocol.stage(stage_name)
    with store.read_statements() as session:
        _require_entering(session, review, stage.name, record_id)
        data = load_stage(session, review, stage.name, record_id)
        return _view(session, review, actor, stage, data, record_id)


def _view(
    session: Session,
    review: ReviewContext,
    actor: str,
    stage: Stage,
    data: StageData,
    record_id: int,
) -> RecordView:
    stored = column_rows(
        session, _RECORD_DATA, {"record_id": record_id, "review_id": review.id}
    ).scalar()
    if stored is None:
        raise NotFound(f"review {review.slug!r} has no record {record_id}")
    judgements = data.judgements.get(record_id, [])
    state = _state(stage, data, record_id)
    mine = next((j for j in judgements if j.reviewer == actor), None)
    resolver = may_resolve(review, actor)
    return RecordView(
        id=record_id,
        record=Record.from_dict(stored),
        state=visible_state(
            state, viewer_voted=mine is not None, blind=stage.blind, may_resolve=resolver
        ),
        judgements=visibility(
            actor, judgements, blind=stage.blind, state=state, may_resolve=resolver
        ),
        mine=mine,
        my_version=data.versions.get((record_id, actor)),
        resolution=data.resolutions.get(record_id),
    )


def next_record(
    store: Store, review: ReviewContext, actor: str, stage_name: str, after: int | None = None
) -> RecordView | None:
    """The next record ``actor`` has still to judge at the stage (None when done), held for
    them while they read it. Two reviewers asking at the same moment may pick the same record;
    the one who finds its places already claimed looks again (a few times at most)."""
    review.require(actor, "screening.decide")
    stage = review.protocol.stage(stage_name)
    where = (store.url, review.id, stage.name)
    picked = None
    for _ in range(CLAIM_TRIES):
        picked = _pick_next(store, review, actor, stage, after)
        if picked is None:
            return None
        view, decided = picked
        if READING.claim(where, actor, view.id, decided, stage.reviewers):
            return view
    assert picked is not None
    READING.hold(where, actor, picked[0].id)  # every open record is being read: double up
    return picked[0]


CLAIM_TRIES = 10
"""Enough for a whole team asking at once: each lost claim means another reader took a place."""


def _pick_next(
    store: Store, review: ReviewContext, actor: str, stage: Stage, after: int | None
) -> tuple[RecordView, int] | None:
    """The record to offer next, and how many decisions it has (for the claim)."""
    from sysreview.services import ranking  # imports this module: loaded on first use

    busy = READING.held_by_others((store.url, review.id, stage.name), actor)
    with store.read_statements() as session:
        order = ranking.order_for(store, session, review, stage, actor)
        if stage.name == review.protocol.stages[0].name and not stage.requires_full_text:
            user_id = _user_id(session, actor)
            found = None
            if order is not None:  # ranked or shuffled: walk that order, then any left over
                opened, params = open_records(review, stage, user_id, None)
                among = opened.where(_ID_IN)
                found = ranking.first_open(
                    order,
                    actor,
                    after,
                    lambda ids: _free(
                        session,
                        review,
                        stage,
                        column_rows(session, among, {**params, "ids": ids}).scalars(),
                        busy,
                    ),
                )
            if found is None:
                found = _next_open_record(session, store.url, review, stage, user_id, after, busy)
            if found is None:
                return None
            data = load_stage(session, review, stage.name, found)
            view = _view(session, review, actor, stage, data, found)
            return view, len(data.judgements.get(found, []))
        states = stage_states(session, review)[stage.name]
        data = load_stage(session, review, stage.name)
        fallback = None
        for record_id in ranking.after_in_order(order, states, after):
            state = states[record_id]
            judgements = data.judgements.get(record_id, [])
            if state not in ("unscreened", "in_progress") or any(
                j.reviewer == actor for j in judgements
            ):
                continue
            if len(judgements) + busy.get(record_id, 0) < stage.reviewers:
                view = _view(session, review, actor, stage, data, record_id)
                return view, len(judgements)
            fallback = fallback or record_id
        if fallback is None:
            return None
        view = _view(session, review, actor, stage, data, fallback)
        return view, len(data.judgements.get(fallback, []))


def _free(
    session: Session,
    review: ReviewContext,
    stage: Stage,
    candidates: Iterable[int],
    busy: dict[int, int],
) -> list[int]:
    """The candidates whose decisions plus other reviewers' current reading leave a place."""
    ids = list(candidates)
    watched = [r for r in ids if r in busy]
    if not watched:
        return ids
    decided = dict(
        session.execute(
            select(Decision.record_id, func.count())
            .where(
                Decision.review_id == review.id,
                Decision.stage == stage.name,
                Decision.record_id.in_(watched),
            )
            .group_by(Decision.record_id)
        ).all()
    )
    return [r for r in ids if decided.get(r, 0) + busy.get(r, 0) < stage.reviewers]


_ID_IN = StoredRecord.__table__.c.id.in_(bindparam("ids", expanding=True))


def _next_open_record(
    session: Session,
    store_url: str,
    review: ReviewContext,
    stage: Stage,
    user_id: int,
    after: int | None,
    busy: dict[int, int],
) -> int | None:
    """The first record of the first stage still open to this reviewer and not already being
    read by enough others, by one query rather than a pass over the review (the screening page
    asks this after every decision). When every open record is being read, the first one.

    With no record to start after, the walk starts where records stop being closed to everyone
    (:mod:`sysreview.services.screening_start`), never at the first record: late in a review
    that walk passes every closed record."""

    def walk_from(previous: int | None) -> int | None:
        query, params = open_records(review, stage, user_id, previous)
        candidates = list(column_rows(session, query.limit(len(busy) + 1), params).scalars())
        free = _free(session, review, stage, candidates, busy)
        return free[0] if free else (candidates[0] if candidates else None)

    if after is not None:
        return walk_from(after)
    start = first_unclosed(session, store_url, review, stage)
    found = None if start is None else walk_from(start - 1)
    if found is None:  # nothing from there: a record may have opened again below it
        again = first_unclosed(session, store_url, review, stage, afresh=True)
        if again is not None and (start is None or again < start):
            found = walk_from(again - 1)
    return found


def decide(
    store: Store,
    review: ReviewContext,
    actor: str,
    stage_name: str,
    record_id: int,
    verdict: str,
    *,
    reason: str = "",
    note: str = "",
    labels: Sequence[str] = (),
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> DecisionResult:
    """Record or change ``actor``'s decision. A change carries the version it was made against
    (a stale one is refused); a record already settled cannot be changed; the same
    idempotency key replays the first answer."""
    review.require(actor, "screening.decide")
    stage = review.protocol.stage(stage_name)
    check_decision(stage, verdict, reason)
    request = {
        "stage": stage.name,
        "record": record_id,
        "verdict": verdict,
        "reason": reason,
        "note": note,
        "labels": list(labels),
        "version": expected_version,
    }
    with store.write() as session:
        user_id = _user_id(session, actor)
        replay = _replayed(session, user_id, idempotency_key, request)
        if replay is not None:
            return DecisionResult(**replay)
        decision, new_state = apply_decision(
            session,
            review,
            stage,
            record_id,
            actor,
            user_id,
            verdict,
            reason,
            note,
            labels,
            expected_version,
        )
        result = DecisionResult(
            record_id,
            stage.name,
            verdict,
            decision.version,
            visible_state(
                new_state,
                viewer_voted=True,
                blind=stage.blind,
                may_resolve=may_resolve(review, actor),
            ),
        )
        _remember(session, user_id, idempotency_key, request, asdict(result))
    READING.release((store.url, review.id, stage.name), actor)
    _retrain_later(store, review, stage, actor)
    return result


def _retrain_later(store: Store, review: ReviewContext, stage: Stage, actor: str) -> None:
    """Once the decision is committed: retrain the stage's ranking on a worker thread."""
    from sysreview.services import ranking  # imports this module: loaded on first use

    ranking.decision_made(store, review, stage, actor)


def apply_decision(
    session: Session,
    review: ReviewContext,
    stage: Stage,
    record_id: int,
    reviewer: str,
    reviewer_id: int,
    verdict: str,
    reason: str,
    note: str,
    labels: Sequence[str],
    expected_version: int | None,
    audit_actor: str | None = None,
    keep_tallies: bool = True,
) -> tuple[Decision, State]:
    """Store one reviewer's decision inside the caller's transaction, with every check and
    the audit entry; returns the decision and the record's new state. Shared by :func:`decide`
    and by importing decisions made elsewhere."""
    check_decision(stage, verdict, reason)
    _lock_record(session, review, record_id)
    _require_entering(session, review, stage.name, record_id)
    if stage.requires_full_text and record_id in not_retrieved_ids(session, review):
        raise InvalidInput(
            f"record {record_id}'s report was recorded as not retrieved; attach its full "
            "text before assessing it"
        )
    data = load_stage(session, review, stage.name, record_id)
    state = _state(stage, data, record_id)
    existing = None
    if (record_id, reviewer) in data.versions:  # a change: load the decision to update it
        existing = session.scalar(
            select(Decision).where(
                Decision.review_id == review.id,
                Decision.stage == stage.name,
                Decision.record_id == record_id,
                Decision.reviewer_id == reviewer_id,
            )
        )
    _check_change(stage, data, record_id, state, existing, expected_version, reviewer)
    old = _decision_dict(existing) if existing else None
    now = datetime.now(UTC)
    if existing is None:
        existing = Decision(
            review_id=review.id,
            stage=stage.name,
            record_id=record_id,
            reviewer_id=reviewer_id,
            verdict=verdict,
            reason=reason,
            note=note,
            labels=list(labels),
            version=1,
            decided_at=now,
        )
        session.add(existing)
    else:
        existing.verdict, existing.reason, existing.note = verdict, reason, note
        existing.labels, existing.version = list(labels), existing.version + 1
        existing.decided_at = now
    session.flush()
    record_change(
        session,
        actor=audit_actor or reviewer,
        action="screening.decide",
        entity="decision",
        entity_id=f"{stage.name}/{record_id}/{reviewer}",
        review_id=review.id,
        old=old,
        new=_decision_dict(existing),
        reason="" if audit_actor in (None, reviewer) else f"imported for {reviewer}",
    )
    after = _with_judgement(data, record_id, existing, reviewer)
    if keep_tallies:  # a bulk import recounts once instead (see import_decisions)
        tallies.record_changed(
            session, review, stage, _tally(data, record_id), _tally(after, record_id)
        )
    return existing, _state(stage, after, record_id)


def _tally(data: StageData, record_id: int) -> tallies.RecordTally:
    deciders = frozenset(j.reviewer for j in data.judgements.get(record_id, []))
    return tallies.RecordTally(deciders, record_id in data.resolutions)


def _with_judgement(
    data: StageData, record_id: int, decision: Decision, reviewer: str
) -> StageData:
    """``data`` as it is once ``decision`` is stored: worked out here rather than read back,
    since the record is locked by the caller's transaction and no other decision can reach it."""
    made = Judgement(
        reviewer, decision.verdict, decision.reason, decision.note, tuple(decision.labels or ())
    )
    before = data.judgements.get(record_id, [])
    after = [made if j.reviewer == reviewer else j for j in before]
    if not any(j.reviewer == reviewer for j in before):
        after.append(made)
    versions = {**data.versions, (record_id, reviewer): decision.version}
    return StageData({**data.judgements, record_id: after}, versions, data.resolutions)


def _check_change(
    stage: Stage,
    data: StageData,
    record_id: int,
    state: State,
    existing: Decision | None,
    expected_version: int | None,
    actor: str,
) -> None:
    if existing is None:
        if len(data.judgements.get(record_id, [])) >= stage.reviewers:
            raise StaleWrite(
                f"record {record_id} already has the {stage.reviewers} independent decisions "
                f"{stage.label} needs"
            )
        if expected_version not in (None, 0):
            raise StaleWrite(f"your decision on record {record_id} is no longer there")
        return
    if state in ("include", "exclude"):
        raise StaleWrite(f"record {record_id} is settled ({state}); its decisions are final")
    if expected_version is not None and expected_version != existing.version:
        raise StaleWrite(
            f"your decision on record {record_id} changed since you loaded it (now "
            f"{existing.verdict}, version {existing.version}): reload and decide again"
        )


def resolve(
    store: Store,
    review: ReviewContext,
    actor: str,
    stage_name: str,
    record_id: int,
    verdict: str,
    *,
    reason: str = "",
    note: str = "",
) -> DecisionResult:
    """Settle a conflict, as the arbiter or by recorded consensus."""
    review.require(actor, "conflict.resolve")
    stage = review.protocol.stage(stage_name)
    check_resolution(stage, verdict, reason)
    with store.write() as session:
        user_id = _user_id(session, actor)
        _lock_record(session, review, record_id)
        _require_entering(session, review, stage.name, record_id)
        data = load_stage(session, review, stage.name, record_id)
        state = _state(stage, data, record_id)
        if state != "conflict":
            raise StaleWrite(f"record {record_id} is not in conflict at {stage.label} ({state})")
        session.add(
            ConflictResolution(
                review_id=review.id,
                stage=stage.name,
                record_id=record_id,
                verdict=verdict,
                reason=reason,
                note=note,
                resolver_id=user_id,
                resolved_at=datetime.now(UTC),
            )
        )
        session.flush()
        record_change(
            session,
            actor=actor,
            action="screening.resolve",
            entity="resolution",
            entity_id=f"{stage.name}/{record_id}",
            review_id=review.id,
            old={"state": state},
            new={"verdict": verdict, "reason": reason, "note": note},
        )
        before = _tally(data, record_id)
        tallies.record_changed(
            session, review, stage, before, tallies.RecordTally(before.reviewers, True)
        )
    _retrain_later(store, review, stage, actor)
    return DecisionResult(record_id, stage.name, verdict, 1, verdict)


def conflicts(store: Store, review: ReviewContext, actor: str, stage_name: str) -> list[RecordView]:
    """The records in conflict at a stage, with every judgement, for the arbiter."""
    review.require(actor, "conflict.resolve")
    stage = review.protocol.stage(stage_name)
    with store.read() as session:
        states = stage_states(session, review)[stage.name]
        data = load_stage(session, review, stage.name)
        return [
            _view(session, review, actor, stage, data, record_id)
            for record_id, state in states.items()
            if state == "conflict"
        ]


def stage_records(
    store: Store,
    review: ReviewContext,
    actor: str,
    stage_name: str,
    *,
    query: str = "",
    state: str = "",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[RecordView], int]:
    """A page of the records entering a stage whose title or abstract contains ``query`` and
    whose state *as the viewer may know it* is ``state``; and how many match in all. One pass
    over the stage, so searching stays fast on large reviews."""
    review.require(actor, "records.view")
    stage = review.protocol.stage(stage_name)
    needle = query.strip().casefold()
    resolver = may_resolve(review, actor)
    with store.read() as session:
        states = stage_states(session, review)[stage.name]
        data = load_stage(session, review, stage.name)
        texts = _searchable_texts(session, review) if needle else {}
        matched: list[int] = []
        for record_id, real in states.items():
            voted = any(j.reviewer == actor for j in data.judgements.get(record_id, []))
            shown = visible_state(real, viewer_voted=voted, blind=stage.blind, may_resolve=resolver)
            if state and shown != state:
                continue
            if needle and needle not in texts.get(record_id, ""):
                continue
            matched.append(record_id)
        page = matched[offset : offset + limit]
        return [_view(session, review, actor, stage, data, r) for r in page], len(matched)


def _searchable_texts(session: Session, review: ReviewContext) -> dict[int, str]:
    """Record id → title and abstract in lower case, read in one query."""
    rows = session.execute(
        select(
            StoredRecord.id, StoredRecord.title, StoredRecord.data["abstract"].as_string()
        ).where(StoredRecord.review_id == review.id)
    )
    return {rid: f"{title or ''}\n{abstract or ''}".casefold() for rid, title, abstract in rows}


def reviewer_progress(
    store: Store, review: ReviewContext, actor: str, stage_name: str
) -> dict[str, int]:
    """How far ``actor`` is: records entering the stage, decided by them, left for them."""
    review.require(actor, "records.view")
    stage = review.protocol.stage(stage_name)
    with store.read_statements() as session:
        if stage.name == review.protocol.stages[0].name and not stage.requires_full_text:
            return _first_stage_progress(session, review, stage, actor)
        states = stage_states(session, review)[stage.name]
        data = load_stage(session, review, stage.name)
    mine = sum(1 for r in states if any(j.reviewer == actor for j in data.judgements.get(r, [])))
    open_to_me = sum(
        1
        for r, s in states.items()
        if s in ("unscreened", "in_progress")
        and not any(j.reviewer == actor for j in data.judgements.get(r, []))
    )
    return {"records": len(states), "decided": mine, "left": open_to_me}


def _first_stage_progress(
    session: Session, review: ReviewContext, stage: Stage, actor: str
) -> dict[str, int]:
    """:func:`reviewer_progress` for the first stage, never a pass over the records or the
    decisions: it is shown on every screening page. The records come from the search events'
    counts less the duplicates merged away, the rest from the running counts."""
    counted = tallies.progress_counts(session, review, stage, actor)
    if counted is None:  # no running counts yet: count the decisions (see screening_tallies)
        counted = _progress_from_decisions(session, review, stage, _user_id(session, actor))
    counts = column_rows(session, _RECORD_COUNTS, {"review_id": review.id})
    total, merged, group_count = counts.one()
    # a group of n records is screened as one: n - 1 of them leave the count
    records = int(total or 0) - (int(merged or 0) - int(group_count or 0))
    return {
        "records": records,
        "decided": counted.decided,
        "left": records - counted.closed_to_reviewer,
    }


def _record_counts() -> Select[int, int, int]:
    """SQL: records imported, records in active duplicate groups, and those groups."""
    imported = select(  # each search event knows its count: no pass over the records
        func.coalesce(func.sum(SearchEvent.record_count), 0)
    ).where(SearchEvent.review_id == bindparam("review_id"))
    active = (DuplicateGroup.review_id == bindparam("review_id"), DuplicateGroup.active)
    members = (
        select(func.count())
        .select_from(DuplicateMember)
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(*active)
    )
    groups = (
        select(func.count(func.distinct(DuplicateMember.group_id)))
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(*active)
    )
    return select(*(q.scalar_subquery() for q in (imported, members, groups)))


_RECORD_COUNTS = _record_counts()
"""Built once: every screening page shows the progress it counts."""


def _progress_from_decisions(
    session: Session, review: ReviewContext, stage: Stage, user_id: int
) -> tallies.ProgressCounts:
    """The reviewer's decisions and the records closed to them, by a pass over the stage's
    decisions (what the running counts spare each request)."""
    at_stage = (Decision.review_id == review.id, Decision.stage == stage.name)
    decided = select(func.count()).where(*at_stage, Decision.reviewer_id == user_id)
    closed = (
        select(Decision.record_id)
        .where(*at_stage)
        .group_by(Decision.record_id)
        .having(
            or_(
                func.count() >= stage.reviewers,
                func.sum(case((Decision.reviewer_id == user_id, 1), else_=0)) > 0,
            )
        )
    )
    resolved = select(ConflictResolution.record_id).where(
        ConflictResolution.review_id == review.id, ConflictResolution.stage == stage.name
    )
    closed_count = select(func.count()).select_from(union(closed, resolved).subquery())
    mine, done = session.execute(
        select(decided.scalar_subquery(), closed_count.scalar_subquery())
    ).one()
    return tallies.ProgressCounts(int(mine or 0), int(done or 0))


# ------------------------------------------------------------------------------------ helpers


_USER_ID = select(User.id).where(User.username == bindparam("username"))
"""Built once: asked on every screening request (see record_sets for why)."""


_USER_IDS: dict[tuple[str, str], int] = {}
"""(database, username) → user id, as found: an account is never renamed or removed, and a
lookup per query is a round trip on PostgreSQL that every screening request paid three times."""


def _user_id(session: Session, username: str) -> int:
    key = (str(session.get_bind().engine.url), username)
    user_id = _USER_IDS.get(key)
    if user_id is None:
        user_id = session.scalar(_USER_ID, {"username": username})
        if user_id is None:
            raise NotFound(f"{username} has no account in this database")
        _USER_IDS[key] = user_id
    return user_id


def _lock_record(session: Session, review: ReviewContext, record_id: int) -> None:
    """Serialise decisions on one record (SQLite's write lock already does on its own)."""
    locking = session.get_bind().dialect.name == "postgresql"
    query = _RECORD_FOR_UPDATE if locking else _RECORD
    if (
        column_rows(session, query, {"record_id": record_id, "review_id": review.id}).first()
        is None
    ):
        raise NotFound(f"review {review.slug!r} has no record {record_id}")


_RECORD_DATA = select(StoredRecord.data).where(
    StoredRecord.id == bindparam("record_id"), StoredRecord.review_id == bindparam("review_id")
)
_RECORD = select(StoredRecord.id).where(
    StoredRecord.id == bindparam("record_id"), StoredRecord.review_id == bindparam("review_id")
)
_RECORD_FOR_UPDATE = _RECORD.with_for_update()


def _require_entering(session: Session, review: ReviewContext, stage: str, record_id: int) -> None:
    """Refuse a record that is not at ``stage``, looking at this one record only (a decision
    must not cost a pass over the whole review)."""
    if not _is_entering(session, review, stage, record_id):
        raise InvalidInput(
            f"record {record_id} is not at {stage}: it is a merged duplicate or was not "
            "included at the stage before"
        )


def _is_entering(session: Session, review: ReviewContext, stage: str, record_id: int) -> bool:
    if is_merged_away(session, review, record_id):
        return False
    for earlier in review.protocol.stages:
        if earlier.name == stage:
            return True
        data = load_stage(session, review, earlier.name, record_id)
        if _state(earlier, data, record_id) != "include":
            return False
    return False


def _decision_dict(decision: Decision) -> dict[str, Any]:
    return {
        "verdict": decision.verdict,
        "reason": decision.reason,
        "note": decision.note,
        "labels": list(decision.labels or []),
        "version": decision.version,
    }


def _request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def _replayed(
    session: Session, user_id: int, key: str | None, request: dict[str, Any]
) -> dict[str, Any] | None:
    if not key:
        return None
    row = session.get(IdempotencyKey, (key[:100], user_id))
    if row is None:
        return None
    if row.request_sha256 != _request_hash(request):
        raise AlreadyExists("this form was already sent with other content: reload the page")
    return dict(row.response)


def _remember(
    session: Session,
    user_id: int,
    key: str | None,
    request: dict[str, Any],
    response: dict[str, Any],
) -> None:
    if key:
        session.add(
            IdempotencyKey(
                key=key[:100],
                user_id=user_id,
                request_sha256=_request_hash(request),
                response=response,
                created_at=datetime.now(UTC),
            )
        )


def exclusion_reasons(session: Session, review: ReviewContext) -> dict[str, dict[int, str]]:
    """stage → record id → the reasons for excluding it, for settled exclusions only (a
    resolution's reason when there is one, else the reviewers' reasons, "; "-joined)."""
    result: dict[str, dict[int, str]] = {}
    states = stage_states(session, review)
    for stage in review.protocol.stages:
        data = load_stage(session, review, stage.name)
        reasons: dict[int, str] = {}
        for record_id, state in states[stage.name].items():
            if state != "exclude":
                continue
            resolution = data.resolutions.get(record_id)
            found = (
                {resolution.reason}
                if resolution
                else {j.reason for j in data.judgements.get(record_id, [])}
            )
            reasons[record_id] = "; ".join(sorted(r for r in found if r))
        result[stage.name] = reasons
    return result
