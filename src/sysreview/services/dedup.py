"""De-duplication of a review's records: runs, people's pair decisions, undo.

A run finds groups among every record of the review, honouring what people decided before
(same / distinct pairs, undone groups), auto-merges only the groups the stage is sure of and
queues the uncertain pairs. Nothing is deleted: a group lists its members and presents a
canonical record; undoing it deactivates it and remembers its pairs as distinct. Each run,
judgement and undo is one transaction with its audit entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sysreview.dedup import Deduplicator, DedupSettings, canonical_record
from sysreview.errors import InvalidInput, NotFound
from sysreview.progress import Progress, no_progress
from sysreview.records import Record
from sysreview.services.record_sets import active_group_members
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import (
    DuplicateGroup,
    DuplicateMember,
    DuplicateSuggestion,
    PairJudgement,
    StoredRecord,
)

Pair = tuple[int, int]


def ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass
class DedupRunSummary:
    records: int
    groups_created: int = 0
    groups_extended: int = 0
    records_in_groups: int = 0
    duplicates_removed: int = 0
    pairs_to_review: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PendingPair:
    """A suggested pair as a person sees it in the queue."""

    record_a: int
    record_b: int
    score: float
    evidence: list[str]
    a: Record
    b: Record


def run_dedup(
    store: Store,
    review: ReviewContext,
    actor: str,
    settings: DedupSettings | None = None,
    progress: Progress = no_progress,
) -> DedupRunSummary:
    """Find duplicates among all records; merge the sure groups, queue the unsure pairs."""
    review.require(actor, "duplicates.run")
    with store.write() as session:
        records = _records(session, review)
        groups = active_group_members(session, review)
        same, distinct = _judged_pairs(session, review)
        same |= {ordered(m[0], other) for m in groups.values() for other in m[1:]}
        result = Deduplicator(settings or DedupSettings()).find(
            records, same=same, distinct=distinct, progress=progress
        )
        summary = DedupRunSummary(records=len(records), warnings=list(result.warnings))
        for group in result.groups:
            _save_group(
                session,
                review,
                actor,
                records,
                groups,
                list(group.members),
                group.score,
                group.decision,
                summary,
            )
        _replace_queue(session, review, result.suggested, same | distinct)
        summary.pairs_to_review = len(_queued_pairs(session, review))
        active = active_group_members(session, review)
        summary.records_in_groups = sum(len(m) for m in active.values())
        summary.duplicates_removed = summary.records_in_groups - len(active)
        record_change(
            session,
            actor=actor,
            action="duplicates.run",
            entity="review",
            entity_id=review.slug,
            review_id=review.id,
            new={k: v for k, v in summary.__dict__.items() if k != "warnings"},
        )
    store.refresh_statistics("duplicate_groups", "duplicate_members", "duplicate_suggestions")
    return summary


def judge_pair(
    store: Store, review: ReviewContext, actor: str, record_a: int, record_b: int, verdict: str
) -> None:
    """A person decides whether two records are the same article; remembered for later runs."""
    review.require(actor, "duplicates.judge")
    if verdict not in ("same", "distinct"):
        raise InvalidInput(f"a pair is 'same' or 'distinct', not {verdict!r}")
    a, b = ordered(record_a, record_b)
    if a == b:
        raise InvalidInput("a record cannot be judged against itself")
    with store.write() as session:
        records = _records(session, review, only=(a, b))
        if len(records) != 2:
            raise NotFound(f"records {a} and {b} are not both in review {review.slug!r}")
        groups = active_group_members(session, review)
        if (
            verdict == "distinct"
            and _group_of(groups, a) is not None
            and (_group_of(groups, a) == _group_of(groups, b))
        ):
            raise InvalidInput(
                f"records {a} and {b} are merged in group {_group_of(groups, a)}: "
                "undo that group first"
            )
        _store_judgement(session, review, actor, (a, b), verdict)
        session.execute(
            delete(DuplicateSuggestion).where(
                DuplicateSuggestion.review_id == review.id,
                DuplicateSuggestion.record_a == a,
                DuplicateSuggestion.record_b == b,
            )
        )
        if verdict == "same":
            members = sorted({a, b} | _members_of(groups, a) | _members_of(groups, b))
            all_records = _records(session, review, only=members)
            _save_group(
                session,
                review,
                actor,
                all_records,
                groups,
                members,
                1.0,
                "person",
                DedupRunSummary(records=0),
            )


def undo_group(
    store: Store, review: ReviewContext, actor: str, group_id: int, reason: str = ""
) -> list[int]:
    """Split a group back into its records; its pairs are remembered as distinct, except pairs a
    person judged the same. Returns the members."""
    review.require(actor, "duplicates.judge")
    with store.write() as session:
        group = session.scalar(
            select(DuplicateGroup).where(
                DuplicateGroup.id == group_id, DuplicateGroup.review_id == review.id
            )
        )
        if group is None or not group.active:
            raise NotFound(f"review {review.slug!r} has no active duplicate group {group_id}")
        members = _members(session, group.id)
        same, _ = _judged_pairs(session, review)
        group.active = False
        for pair in combinations(sorted(members), 2):
            if pair not in same:
                _store_judgement(session, review, actor, pair, "distinct", audit=False)
        record_change(
            session,
            actor=actor,
            action="duplicates.undo",
            entity="duplicate_group",
            entity_id=group.id,
            review_id=review.id,
            old={"members": members, "active": True},
            new={"members": members, "active": False},
            reason=reason,
        )
        return members


def pending_pairs(
    store: Store, review: ReviewContext, actor: str, limit: int = 50
) -> list[PendingPair]:
    """The queue of uncertain pairs, most likely duplicates first."""
    review.require(actor, "records.view")
    with store.read() as session:
        rows = session.scalars(
            select(DuplicateSuggestion)
            .where(DuplicateSuggestion.review_id == review.id)
            .order_by(DuplicateSuggestion.score.desc(), DuplicateSuggestion.id)
            .limit(limit)
        ).all()
        ids = {i for r in rows for i in (r.record_a, r.record_b)}
        records = _records(session, review, only=ids)
        return [
            PendingPair(
                r.record_a,
                r.record_b,
                r.score,
                list(r.evidence),
                records[r.record_a],
                records[r.record_b],
            )
            for r in rows
        ]


def active_groups(store: Store, review: ReviewContext, actor: str) -> list[dict[str, Any]]:
    """Merged groups with their members and canonical title, for listing and undo."""
    review.require(actor, "records.view")
    with store.read() as session:
        groups = session.scalars(
            select(DuplicateGroup)
            .where(DuplicateGroup.review_id == review.id, DuplicateGroup.active)
            .order_by(DuplicateGroup.id)
        ).all()
        return [
            {
                "id": g.id,
                "members": _members(session, g.id),
                "title": g.canonical.get("title", ""),
                "decided_by": g.decided_by,
                "score": g.score,
            }
            for g in groups
        ]


# ------------------------------------------------------------------------------------ helpers


def _records(
    session: Session, review: ReviewContext, only: Iterable[int] | None = None
) -> dict[int, Record]:
    query = select(StoredRecord.id, StoredRecord.data).where(StoredRecord.review_id == review.id)
    if only is not None:
        query = query.where(StoredRecord.id.in_(list(only)))
    return {rid: Record.from_dict(data) for rid, data in session.execute(query)}


def _members(session: Session, group_id: int) -> list[int]:
    return sorted(
        session.scalars(
            select(DuplicateMember.record_id).where(DuplicateMember.group_id == group_id)
        )
    )


def _group_of(groups: dict[int, list[int]], record_id: int) -> int | None:
    return next((g for g, members in groups.items() if record_id in members), None)


def _members_of(groups: dict[int, list[int]], record_id: int) -> set[int]:
    group = _group_of(groups, record_id)
    return set(groups[group]) if group is not None else set()


def _judged_pairs(session: Session, review: ReviewContext) -> tuple[set[Pair], set[Pair]]:
    same: set[Pair] = set()
    distinct: set[Pair] = set()
    rows = session.execute(
        select(PairJudgement.record_a, PairJudgement.record_b, PairJudgement.verdict).where(
            PairJudgement.review_id == review.id
        )
    )
    for a, b, verdict in rows:
        (same if verdict == "same" else distinct).add((a, b))
    return same, distinct


def _queued_pairs(session: Session, review: ReviewContext) -> set[Pair]:
    rows = session.execute(
        select(DuplicateSuggestion.record_a, DuplicateSuggestion.record_b).where(
            DuplicateSuggestion.review_id == review.id
        )
    )
    return {(a, b) for a, b in rows}


def _store_judgement(
    session: Session,
    review: ReviewContext,
    actor: str,
    pair: Pair,
    verdict: str,
    audit: bool = True,
) -> None:
    existing = session.scalar(
        select(PairJudgement).where(
            PairJudgement.review_id == review.id,
            PairJudgement.record_a == pair[0],
            PairJudgement.record_b == pair[1],
        )
    )
    old = existing.verdict if existing else None
    if existing is None:
        session.add(
            PairJudgement(
                review_id=review.id,
                record_a=pair[0],
                record_b=pair[1],
                verdict=verdict,
                decided_by=actor,
                decided_at=datetime.now(UTC),
            )
        )
    else:
        existing.verdict, existing.decided_by = verdict, actor
        existing.decided_at = datetime.now(UTC)
    if audit and old != verdict:
        record_change(
            session,
            actor=actor,
            action="duplicates.judge",
            entity="record_pair",
            entity_id=f"{pair[0]}-{pair[1]}",
            review_id=review.id,
            old=old,
            new=verdict,
        )


def _save_group(
    session: Session,
    review: ReviewContext,
    actor: str,
    records: dict[int, Record],
    groups: dict[int, list[int]],
    members: Sequence[int],
    score: float,
    decided_by: str,
    summary: DedupRunSummary,
) -> None:
    """Create a group, or grow the active groups it overlaps into one."""
    overlapping = sorted({g for m in members for g, ms in groups.items() if m in ms})
    wanted = sorted(set(members).union(*(groups[g] for g in overlapping)))
    if len(overlapping) == 1 and set(wanted) == set(groups[overlapping[0]]):
        return
    missing = [m for m in wanted if m not in records]
    records.update(_records(session, review, only=missing) if missing else {})
    canonical = canonical_record([records[m] for m in wanted]).to_dict()
    keep = session.get(DuplicateGroup, overlapping[0]) if overlapping else None
    old = {"members": groups[keep.id]} if keep else None
    if keep is None:
        keep = DuplicateGroup(
            review_id=review.id,
            canonical=canonical,
            decided_by=decided_by,
            score=score,
            created_at=datetime.now(UTC),
            active=True,
        )
        session.add(keep)
        session.flush()
        summary.groups_created += 1
    else:
        keep.canonical = canonical
        summary.groups_extended += 1
        for other in overlapping[1:]:
            folded = session.get(DuplicateGroup, other)
            assert folded is not None
            folded.active = False
    current = set(groups.get(keep.id, []))
    for record_id in wanted:
        if record_id not in current:
            session.add(DuplicateMember(group_id=keep.id, record_id=record_id))
    session.flush()
    for other in overlapping[1:]:
        groups.pop(other, None)
    groups[keep.id] = wanted
    record_change(
        session,
        actor=actor,
        action="duplicates.merge",
        entity="duplicate_group",
        entity_id=keep.id,
        review_id=review.id,
        old=old,
        new={"members": wanted, "decided_by": decided_by, "score": round(score, 4)},
    )


def _replace_queue(
    session: Session, review: ReviewContext, suggested: Iterable[Any], judged: set[Pair]
) -> None:
    session.execute(delete(DuplicateSuggestion).where(DuplicateSuggestion.review_id == review.id))
    seen: set[Pair] = set()
    for pair in suggested:
        key = ordered(pair.a, pair.b)
        if key in judged or key in seen:
            continue
        seen.add(key)
        session.add(
            DuplicateSuggestion(
                review_id=review.id,
                record_a=key[0],
                record_b=key[1],
                score=float(pair.score),
                evidence=list(pair.evidence),
            )
        )
