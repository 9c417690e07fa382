"""What the report reads from the store, and the small wording helpers its sections share.

Read once, in one transaction and in a stable order (ids, labels), so the same review gives the
same report; nothing here consults a clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from sysreview.protocol import Stage
from sysreview.records import Record
from sysreview.reporting.report import Span, Text
from sysreview.services.record_sets import unique_record_ids
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import exclusion_reasons, load_stage, stage_states
from sysreview.services.studies import study_list
from sysreview.store.engine import Store
from sysreview.store.models import (
    AppraisalAnswer,
    DuplicateGroup,
    DuplicateSuggestion,
    ExtractionValue,
    PairJudgement,
    SearchEvent,
    StoredRecord,
)

LANDIS_KOCH = ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"))


@dataclass(frozen=True)
class Search:
    """One search event as PRISMA-S reports it."""

    source: str
    kind: str
    platform: str
    searched_on: str
    query: str
    file_name: str
    record_count: int


@dataclass(frozen=True)
class StageFacts:
    """What happened at one stage: records per state, who decided, who resolved conflicts."""

    stage: Stage
    states: Counter[str]
    reviewers: tuple[str, ...]
    resolved_by: Counter[str]


@dataclass(frozen=True)
class Facts:
    searches: list[Search]
    records: int
    unique: int
    groups: Counter[str]
    distinct_pairs: int
    pending_pairs: int
    stages: list[StageFacts]
    #: (record id, record, stage label, reason) of each report excluded at full text
    excluded: list[tuple[int, Record, str, str]]
    #: (study label, record id, record) of each included report
    included: list[tuple[str, int, Record]]
    #: checklist id → who answered it ("consensus" for the agreed answers), in the order the
    #: checklists were first used (the report numbers their tables so)
    appraisers: dict[str, tuple[str, ...]]
    #: (author, kind) → extraction values stored: kind is extracted, verified or corrected
    extraction: Counter[tuple[str, str]]
    extracted_studies: int


def read_facts(store: Store, review: ReviewContext) -> Facts:
    """Everything the report reads from the store itself, in one read and a stable order."""
    stages = review.protocol.stages
    with store.read() as session:
        searches = [
            Search(
                e.source, e.kind, e.platform, e.searched_on, e.query, e.file_name, e.record_count
            )
            for e in session.scalars(
                select(SearchEvent)
                .where(SearchEvent.review_id == review.id)
                .order_by(SearchEvent.id)
            )
        ]
        records = session.scalar(select(func.count()).where(StoredRecord.review_id == review.id))
        groups = Counter(
            session.scalars(
                select(DuplicateGroup.decided_by).where(
                    DuplicateGroup.review_id == review.id, DuplicateGroup.active
                )
            )
        )
        distinct = session.scalar(
            select(func.count()).where(
                PairJudgement.review_id == review.id, PairJudgement.verdict == "distinct"
            )
        )
        pending = session.scalar(
            select(func.count()).where(DuplicateSuggestion.review_id == review.id)
        )
        states = stage_states(session, review)
        by_stage = []
        for stage in stages:
            data = load_stage(session, review, stage.name)
            entering = states[stage.name]
            judged = {j.reviewer for r in entering for j in data.judgements.get(r, [])}
            resolved = Counter(res.resolver for r, res in data.resolutions.items() if r in entering)
            by_stage.append(
                StageFacts(stage, Counter(entering.values()), tuple(sorted(judged)), resolved)
            )
        assessing = assessing_stages(stages)
        reasons = exclusion_reasons(session, review)
        stage_of = {r: s for s in assessing for r in reasons[s.name]}
        included_ids = sorted(r for r, st in states[stages[-1].name].items() if st == "include")
        wanted = sorted(set(stage_of) | set(included_ids))
        data_of: dict[int, dict] = dict(
            session.execute(
                select(StoredRecord.id, StoredRecord.data).where(
                    StoredRecord.review_id == review.id, StoredRecord.id.in_(wanted)
                )
            ).all()
        )
        study_of = {r: s.label for s in study_list(session, review) for r in s.record_ids}
        unique = len(unique_record_ids(session, review))
        answered = session.execute(  # in the order the tools were first used
            select(AppraisalAnswer.tool, AppraisalAnswer.reviewer)
            .where(AppraisalAnswer.review_id == review.id)
            .group_by(AppraisalAnswer.tool, AppraisalAnswer.reviewer)
            .order_by(func.min(AppraisalAnswer.id))
        ).all()
        values = session.execute(
            select(ExtractionValue.author, ExtractionValue.kind, ExtractionValue.study_id).where(
                ExtractionValue.review_id == review.id
            )
        ).all()
    record = {r: Record.from_dict(d) for r, d in data_of.items()}
    appraisers: dict[str, set[str]] = {}
    for tool, who in answered:
        appraisers.setdefault(tool, set()).add(who)
    return Facts(
        searches=searches,
        records=records or 0,
        unique=unique,
        groups=groups,
        distinct_pairs=distinct or 0,
        pending_pairs=pending or 0,
        stages=by_stage,
        excluded=[
            (r, record[r], stage_of[r].label, reasons[stage_of[r].name][r])
            for r in sorted(stage_of)
        ],
        included=sorted((study_of.get(r, cite(record[r])), r, record[r]) for r in included_ids),
        appraisers={tool: tuple(sorted(who)) for tool, who in appraisers.items()},
        extraction=Counter((author, kind) for author, kind, _ in values),
        extracted_studies=len({study for _, kind, study in values if kind == "extracted"}),
    )


def assessing_stages(stages: Sequence[Stage]) -> list[Stage]:
    """The full-text stage and those after it (the last stage when none needs full texts), as
    the PRISMA counts take them."""
    at = next((i for i, s in enumerate(stages) if s.requires_full_text), len(stages) - 1)
    return list(stages[at:])


def cite(record: Record) -> str:
    """A short citation, "Eisen et al. 2013", as tables cite reports."""
    authors = [a.split(",")[0].strip() for a in record.authors if a.strip()]
    who = authors[0] if authors else "Anonymous"
    if len(authors) == 2:
        who = f"{authors[0]} & {authors[1]}"
    elif len(authors) > 2:
        who += " et al."
    return f"{who} {record.year}" if record.year else who


def text(*parts: str | Span) -> Text:
    """A paragraph from plain strings and spans (placeholders, links)."""
    return Text(tuple(p if isinstance(p, Span) else Span(p) for p in parts if p))


def name_of(review: ReviewContext, user: str) -> str:
    """A team member as the protocol names them, else their login."""
    member = next((m for m in review.protocol.team if m.user == user), None)
    return member.name if member is not None and member.name else user


def names_of(review: ReviewContext, users: Sequence[str]) -> str:
    names = [name_of(review, u) for u in users]
    if len(names) < 2:
        return "".join(names)
    return "; ".join(names[:-1]) + f" and {names[-1]}"


def count_of(count: int, one: str, many: str | None = None) -> str:
    """ "1 record", "2 records", "1,234 records"."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def landis_koch(kappa: float) -> str:
    """The Landis and Koch (1977) band a kappa falls in."""
    if kappa < 0:
        return "poor"
    return next((name for upper, name in LANDIS_KOCH if kappa <= upper), "almost perfect")
