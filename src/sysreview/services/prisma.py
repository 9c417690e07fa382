"""PRISMA 2020 counts of the live review, counts entered by hand, and the diagram in every format.

Every box is computed from what the review stores: records identified from the search events
(databases and registers on the left, citations, websites and organisations on the right),
duplicates from the active duplicate groups, records screened and excluded at the stages before
the full-text stage (the first stage that ``requires_full_text``, else the last stage), reports
sought, not retrieved, assessed and excluded by reason from that stage on, and the included
reports and studies from the records settled as included at the last stage (reports grouped
into one study count once among studies; a report in no study is a study of its own). A record
found only by other methods flows down the grey column, which has no screening box: screened
out before the full-text stage, it appears in no box below "Records identified".

A count entered by hand (a review carried in from another tool mid-way, or the demo, whose
paper reports 372 screened records it does not list) replaces the computed one key by key and
is named in ``PrismaCounts.entered``, so the diagram, the CSV and ``--json`` mark it. Entering
"not reported" (``None``) removes a computed count the review cannot support, with its note.

A diagram is drawn only when the counts add up and the review has no open work behind them;
otherwise :func:`prisma_problems` names each box and why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound
from sysreview.protocol import Stage
from sysreview.reporting import (
    CountProblem,
    InconsistentCounts,
    PrismaCounts,
    check,
    render_pdf,
    render_png,
    render_svg,
    to_json_dict,
    to_prisma2020_csv,
)
from sysreview.reporting.prisma import ALL_KEYS, BREAKDOWN_KEYS, COUNT_KEYS, label
from sysreview.reporting.prisma import fmt as comma
from sysreview.services.record_sets import active_group_members, unique_record_ids
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import NOT_RETRIEVED, StageData, load_stage, may_resolve
from sysreview.services.screening import stage_states as _stage_states
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import (
    DuplicateSuggestion,
    EnteredCount,
    SearchEvent,
    StoredRecord,
    Study,
    StudyReport,
)

Value = int | dict[str, int] | None
DBR_KINDS = ("database", "register")
OTHER_KINDS = {
    "citation": "citations_results",
    "website": "website_results",
    "organisation": "organisation_results",
}
NO_REASON = "No reason given"
OPEN_STATES = ("unscreened", "in_progress", "conflict")
FORMATS: dict[str, str] = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@dataclass(frozen=True)
class EnteredValue:
    """A count entered by hand, with who entered it, when, and why (``note``)."""

    key: str
    value: Value
    note: str
    entered_by: str
    entered_at: datetime


@dataclass(frozen=True)
class PrismaSummary:
    """The counts to draw, the hand-entered values behind them, and what does not add up."""

    counts: PrismaCounts
    entered: list[EnteredValue]
    problems: list[CountProblem]


# ------------------------------------------------------------------------------ reading


def prisma_summary(store: Store, review: ReviewContext, actor: str) -> PrismaSummary:
    """Counts, entered values and problems from one read of the review."""
    review.require(actor, "review.status")
    with store.read() as session:
        computed, open_work = _computed(session, review, may_resolve(review, actor))
        entered = _entered(session, review)
    counts = _combine(computed, entered)
    return PrismaSummary(counts, entered, open_work + check(counts))


def prisma_counts(store: Store, review: ReviewContext, actor: str) -> PrismaCounts:
    """The review's PRISMA counts: computed, with any entered count in its place (marked)."""
    return prisma_summary(store, review, actor).counts


def prisma_problems(store: Store, review: ReviewContext, actor: str) -> list[CountProblem]:
    """Why the diagram cannot be drawn yet: open work behind a box (records unscreened or in
    progress, conflicts unresolved, duplicate pairs undecided), then every broken PRISMA rule.
    An empty list means the diagram may be drawn."""
    return prisma_summary(store, review, actor).problems


def entered_counts(store: Store, review: ReviewContext, actor: str) -> list[EnteredValue]:
    review.require(actor, "review.status")
    with store.read() as session:
        return _entered(session, review)


def prisma_outputs(
    store: Store,
    review: ReviewContext,
    actor: str,
    fmt: str,
    *,
    links: Mapping[str, str] | None = None,
    title: str | None = None,
) -> bytes:
    """The review's counts as ``fmt`` (svg, png, pdf, csv or json); see :func:`render_output`."""
    if fmt not in FORMATS:
        raise InvalidInput(f"PRISMA output is one of {', '.join(FORMATS)}, not {fmt!r}")
    return render_output(prisma_summary(store, review, actor), fmt, links=links, title=title)


def render_output(
    summary: PrismaSummary,
    fmt: str,
    *,
    links: Mapping[str, str] | None = None,
    title: str | None = None,
) -> bytes:
    """Counts already read, as ``fmt``. A diagram (svg, png, pdf) whose counts do not add up is
    refused with :class:`InconsistentCounts` listing every problem; CSV and JSON carry the
    counts as they are, so they can be corrected elsewhere."""
    if fmt not in FORMATS:
        raise InvalidInput(f"PRISMA output is one of {', '.join(FORMATS)}, not {fmt!r}")
    counts = summary.counts
    if fmt == "json":
        return (json.dumps(to_json_dict(counts), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        return to_prisma2020_csv(counts).encode("utf-8")
    if summary.problems:
        raise InconsistentCounts(summary.problems)
    svg = render_svg(counts, links=links, title=title)
    if fmt == "png":
        return render_png(svg)
    if fmt == "pdf":
        return render_pdf(svg)
    return svg.encode("utf-8")


def value_text(value: int | Mapping[str, int] | None) -> str:
    """A count as people read it: 1,234; "Reason, 12; Other, 3"; or "not reported"."""
    if value is None or (not isinstance(value, int) and not value):
        return "not reported"
    if isinstance(value, int):
        return comma(value)
    if set(value) == {""}:
        return comma(value[""])
    return "; ".join(f"{name}, {comma(n)}" for name, n in value.items())


def box_records(review: ReviewContext) -> dict[str, tuple[str, str]]:
    """Count key → (stage, state) whose records that box counts, for pages that link boxes to
    their records (an empty state: every record entering the stage)."""
    before, assessed, last = _stage_roles(review.protocol.stages)
    boxes: dict[str, tuple[str, str]] = {}
    if before:
        boxes["records_screened"] = (before[0].name, "")
        boxes["records_excluded"] = (before[0].name, "exclude")
    for side in ("dbr", "other"):
        boxes[f"{side}_sought_reports"] = (assessed.name, "")
        boxes[f"{side}_notretrieved_reports"] = (assessed.name, NOT_RETRIEVED)
        boxes[f"{side}_assessed"] = (assessed.name, "")
        boxes[f"{side}_excluded"] = (assessed.name, "exclude")
    for key in ("total_studies", "total_reports", "new_studies", "new_reports"):
        boxes[key] = (last.name, "include")
    return boxes


# ------------------------------------------------------------------------------ entering


def enter_count(
    store: Store, review: ReviewContext, actor: str, key: str, value: Value, note: str = ""
) -> EnteredValue:
    """Enter (or replace) one count by hand; ``None`` enters "not reported". A breakdown key
    (reasons, databases, registers) takes a name → count mapping, or a bare total."""
    review.require(actor, "prisma.enter")
    value = checked_value(key, value)
    note = note.strip()
    now = datetime.now(UTC)
    with store.write() as session:
        row = _entered_row(session, review, key)
        old = None if row is None else {"value": row.value.get("value"), "note": row.note}
        if row is None:
            row = EnteredCount(review_id=review.id, key=key, value={}, note="")
            session.add(row)
        row.value, row.note, row.entered_by, row.entered_at = {"value": value}, note, actor, now
        session.flush()
        record_change(
            session,
            actor=actor,
            action="prisma.enter",
            entity="prisma_count",
            entity_id=key,
            review_id=review.id,
            old=old,
            new={"value": value, "note": note},
            reason=note,
        )
    return EnteredValue(key, value, note, actor, now)


def clear_entered_count(store: Store, review: ReviewContext, actor: str, key: str) -> None:
    """Remove an entered count, so the computed one shows again."""
    review.require(actor, "prisma.enter")
    with store.write() as session:
        row = _entered_row(session, review, key)
        if row is None:
            raise NotFound(f"no count was entered by hand for {key!r} in review {review.slug!r}")
        old = {"value": row.value.get("value"), "note": row.note}
        session.delete(row)
        session.flush()
        record_change(
            session,
            actor=actor,
            action="prisma.clear",
            entity="prisma_count",
            entity_id=key,
            review_id=review.id,
            old=old,
        )


def checked_value(key: str, value: object) -> Value:
    """``value`` as it may be entered under ``key``, or InvalidInput saying what would fit."""
    if key not in ALL_KEYS:
        raise InvalidInput(
            f"{key!r} is not a PRISMA count; choose one of {', '.join(COUNT_KEYS + BREAKDOWN_KEYS)}"
        )
    if value is None:
        return None
    if key in BREAKDOWN_KEYS and isinstance(value, int) and not isinstance(value, bool):
        value = {"": value}
    if key in BREAKDOWN_KEYS and isinstance(value, Mapping):
        value = {str(name).strip(): count for name, count in value.items()}
    counts = PrismaCounts(**{key: value})  # type: ignore[arg-type]  # checks the types
    checked: int | Mapping[str, int] = getattr(counts, key)
    numbers = checked.values() if isinstance(checked, Mapping) else [checked]
    if any(n < 0 for n in numbers):
        raise InvalidInput(f"{key}: a count cannot be negative")
    return dict(checked) if isinstance(checked, Mapping) else checked


def parse_value(key: str, text: str) -> Value:
    """A value typed on the command line: ``372``, ``NA`` (not reported), or for a breakdown
    ``"Wrong population, 12; Wrong outcome, 3"`` (the PRISMA2020 CSV's form) or a JSON object."""
    text = text.strip()
    if text.upper() in ("NA", "N/A", ""):
        return checked_value(key, None)
    if text.startswith("{"):
        try:
            return checked_value(key, json.loads(text))
        except json.JSONDecodeError as error:
            raise InvalidInput(f"{key}: {text!r} is not a JSON object ({error.msg})") from None
    if text.replace(",", "").isdigit():
        return checked_value(key, int(text.replace(",", "")))
    if key not in BREAKDOWN_KEYS:
        raise InvalidInput(f"{key} takes a whole number or NA, not {text!r}")
    parts: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        name, _, count = item.rpartition(",")
        if not name.strip() or not count.strip().isdigit():
            raise InvalidInput(
                f"{key}: {item!r} is not 'name, count' (e.g. 'Wrong population, 12')"
            )
        parts[name.strip()] = int(count.strip())
    return checked_value(key, parts)


def _entered_row(session: Session, review: ReviewContext, key: str) -> EnteredCount | None:
    if key not in ALL_KEYS:
        raise InvalidInput(f"{key!r} is not a PRISMA count")
    return session.scalar(
        select(EnteredCount).where(EnteredCount.review_id == review.id, EnteredCount.key == key)
    )


def _entered(session: Session, review: ReviewContext) -> list[EnteredValue]:
    rows = session.scalars(
        select(EnteredCount).where(EnteredCount.review_id == review.id).order_by(EnteredCount.key)
    )
    return [
        EnteredValue(r.key, r.value.get("value"), r.note, r.entered_by, r.entered_at) for r in rows
    ]


# ------------------------------------------------------------------------------ computing


def _combine(computed: dict[str, Value], entered: list[EnteredValue]) -> PrismaCounts:
    """Entered values over computed ones, key by key; the bottom box follows the template."""
    values = dict(computed)
    by_key = {e.key: e.value for e in entered}
    values.update(by_key)
    previous = [values.get(k) for k in ("previous_studies", "previous_reports")]
    if any(v is not None for v in previous):
        for new, total, prev in (
            ("new_studies", "total_studies", previous[0]),
            ("new_reports", "total_reports", previous[1]),
        ):
            if new not in by_key:
                values[new] = computed.get(total)
            added = values[new]
            if total not in by_key and isinstance(added, int):
                values[total] = (prev if isinstance(prev, int) else 0) + added
    marked = {k for k, v in by_key.items() if v is not None and v != {}}
    kwargs = {k: ({} if v is None else v) if k in BREAKDOWN_KEYS else v for k, v in values.items()}
    return PrismaCounts(**kwargs, entered=frozenset(marked))  # type: ignore[arg-type]


def _stage_roles(stages: list[Stage]) -> tuple[list[Stage], Stage, Stage]:
    """(stages that screen records, the stage that assesses reports, the last stage)."""
    at = next((i for i, s in enumerate(stages) if s.requires_full_text), len(stages) - 1)
    return stages[:at], stages[at], stages[-1]


def _computed(
    session: Session, review: ReviewContext, sees_votes: bool
) -> tuple[dict[str, Value], list[CountProblem]]:
    """Every count the review's data gives, and the open work that keeps them from adding up."""
    events = session.execute(
        select(SearchEvent.id, SearchEvent.source, SearchEvent.kind, SearchEvent.record_count)
        .where(SearchEvent.review_id == review.id)
        .order_by(SearchEvent.id)
    ).all()
    values = _identified(events)
    column = _columns(session, review, {e.id: e.kind for e in events})
    dbr_records = sum(e.record_count for e in events if e.kind in DBR_KINDS)
    if dbr_records:
        values["duplicates"] = dbr_records - sum(1 for c in column.values() if c == "dbr")
    states = _stage_states(session, review)
    before, assessed, last = _stage_roles(review.protocol.stages)
    if before:
        first = states[before[0].name]
        values["records_screened"] = sum(1 for r in first if column[r] == "dbr")
        excluded = [r for s in before for r, st in states[s.name].items() if st == "exclude"]
        values["records_excluded"] = sum(1 for r in excluded if column[r] == "dbr")
    stages = review.protocol.stages
    reasons = _exclusion_reasons(session, review, stages[stages.index(assessed) :], states)
    for side in ("dbr", "other") if any(e.kind in OTHER_KINDS for e in events) else ("dbr",):
        entering = [r for r in states[assessed.name] if column[r] == side]
        missing = sum(1 for r in entering if states[assessed.name][r] == NOT_RETRIEVED)
        values[f"{side}_sought_reports"] = len(entering)
        values[f"{side}_notretrieved_reports"] = missing
        values[f"{side}_assessed"] = len(entering) - missing
        values[f"{side}_excluded"] = _breakdown(
            [reason for r, reason in reasons.items() if column[r] == side],
            assessed.exclusion_reasons,
        )
    included = [r for r, s in states[last.name].items() if s == "include"]
    values["total_reports"] = len(included)
    values["total_studies"] = _study_count(session, review, included)
    problems = _pending_pairs(session, review)
    for stage in stages:
        key = "records_screened" if stage in before else "dbr_assessed"
        problems += _open_work(stage, states[stage.name], key, sees_votes or not stage.blind)
    return values, problems


def _identified(events: Iterable[Any]) -> dict[str, Value]:
    """Records identified per database and register, and per other method, from the searches;
    nothing for a kind of search the review did not run."""
    per_source: dict[str, Counter[str]] = {kind: Counter() for kind in DBR_KINDS}
    other: Counter[str] = Counter()
    for event in events:
        if event.kind in DBR_KINDS:
            per_source[event.kind][event.source.strip()] += event.record_count
        elif event.kind in OTHER_KINDS:
            other[OTHER_KINDS[event.kind]] += event.record_count
    values: dict[str, Value] = dict(other)
    if per_source["database"] or per_source["register"]:
        values["database_results"] = sum(per_source["database"].values())
        values["database_specific_results"] = dict(per_source["database"])
    if per_source["register"]:
        values["register_results"] = sum(per_source["register"].values())
        values["register_specific_results"] = dict(per_source["register"])
    return values


def _columns(session: Session, review: ReviewContext, kind_of: dict[int, str]) -> dict[int, str]:
    """Each unique record's column: "dbr" when any record merged into it came from a database
    or register, else "other" (citation searching, websites, organisations)."""
    event_of = dict(
        session.execute(
            select(StoredRecord.id, StoredRecord.search_event_id).where(
                StoredRecord.review_id == review.id
            )
        ).all()
    )
    members = {group[0]: group for group in active_group_members(session, review).values()}
    column: dict[int, str] = {}
    for record_id in unique_record_ids(session, review):
        kinds = {kind_of.get(event_of[m], "database") for m in members.get(record_id, [record_id])}
        column[record_id] = "other" if kinds <= OTHER_KINDS.keys() else "dbr"
    return column


def _exclusion_reasons(
    session: Session,
    review: ReviewContext,
    stages: list[Stage],
    states: dict[str, dict[int, str]],
) -> dict[int, str]:
    """Record id → the one reason it was excluded for, at the assessing stage or after: the
    arbiter's, else the reviewers' reason that comes first in the stage's ordered list."""
    found: dict[int, str] = {}
    for stage in stages:
        data: StageData | None = None
        for record_id, state in states[stage.name].items():
            if state != "exclude":
                continue
            data = data or load_stage(session, review, stage.name)
            found[record_id] = _reason(stage, data, record_id)
    return found


def _reason(stage: Stage, data: StageData, record_id: int) -> str:
    resolution = data.resolutions.get(record_id)
    if resolution is not None:
        given = [resolution.reason]
    else:
        given = [j.reason for j in data.judgements.get(record_id, []) if j.verdict == "exclude"]
    given = [r.strip() for r in given if r and r.strip()]
    order = {reason: i for i, reason in enumerate(stage.exclusion_reasons)}
    return min(given, key=lambda r: (order.get(r, len(order)), r), default="")


def _breakdown(reasons: Iterable[str], ordered: list[str]) -> dict[str, int]:
    """Reports excluded per reason, in the protocol's order; a bare total when none is named."""
    counts = Counter(reasons)
    if not any(counts):
        return {"": sum(counts.values())}
    if "" in counts:
        counts[NO_REASON] += counts.pop("")
    order = {reason: i for i, reason in enumerate(ordered)}
    return {r: counts[r] for r in sorted(counts, key=lambda r: (order.get(r, len(order)), r))}


def _study_count(session: Session, review: ReviewContext, included: list[int]) -> int:
    study_of = dict(
        session.execute(
            select(StudyReport.record_id, StudyReport.study_id)
            .join(Study, Study.id == StudyReport.study_id)
            .where(Study.review_id == review.id)
        ).all()
    )
    return len({("study", study_of[r]) if r in study_of else ("report", r) for r in included})


def _pending_pairs(session: Session, review: ReviewContext) -> list[CountProblem]:
    pending = len(
        session.scalars(
            select(DuplicateSuggestion.id).where(DuplicateSuggestion.review_id == review.id)
        ).all()
    )
    if not pending:
        return []
    return [
        CountProblem(
            "duplicates",
            f"{label('duplicates')}: {comma(pending)} possible duplicate pair"
            f"{'s' if pending != 1 else ''} still wait for a decision; judge them on the "
            "duplicates page before counting.",
        )
    ]


def _open_work(
    stage: Stage, states: dict[int, str], key: str, detailed: bool
) -> list[CountProblem]:
    """A problem naming the box and the stage when records there are not settled yet."""
    open_counts = Counter(s for s in states.values() if s in OPEN_STATES)
    total = sum(open_counts.values())
    if not total:
        return []
    words = {"unscreened": "unscreened", "in_progress": "in progress", "conflict": "in conflict"}
    detail = ", ".join(f"{comma(open_counts[s])} {words[s]}" for s in OPEN_STATES if open_counts[s])
    todo = "finish screening"
    if detailed and open_counts["conflict"]:
        todo += " and resolve the conflicts"
    detail = f" ({detail})" if detailed else ""
    return [
        CountProblem(
            key,
            f"{label(key)}: {comma(total)} of the {comma(len(states))} records at {stage.label} "
            f"are not settled yet{detail}; {todo} before the diagram is drawn.",
        )
    ]
