"""Quality appraisal of studies: answers per appraiser (or the consensus), tables and issues.

Answers are stored per study, tool, item and appraiser; ``consensus`` holds the agreed answer
after two appraisers resolved discrepancies, as the reference review did. An import checks every
row against its checklist before anything is written, then stores all of it in one transaction,
one audit entry per answer changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.appraisal import (
    Answer,
    AppraisalTable,
    Checklist,
    QualityIssue,
    appraisal_table,
    parse_answers_csv,
    quality_issues,
    shipped_checklists,
    summary_svg,
    traffic_light_svg,
)
from sysreview.errors import InvalidInput, NotFound
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import AppraisalAnswer, Study

CONSENSUS = "consensus"
PLOT_KINDS = ("traffic-light", "summary")


@dataclass(frozen=True)
class ImportedAnswers:
    answers: int
    changed: int
    studies: tuple[str, ...]
    tools: tuple[str, ...]


def checklist(tool: str) -> Checklist:
    tools = shipped_checklists()
    if tool not in tools:
        raise NotFound(f"no checklist {tool!r}; see `sysreview appraisal tools`")
    return tools[tool]


def list_tools() -> list[dict[str, Any]]:
    """The shipped checklists: id, name, version, items, whether the wording is verified."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "version": c.version,
            "kind": c.kind,
            "items": len(c.items),
            "derived_from": c.derived_from,
        }
        for c in sorted(shipped_checklists().values(), key=lambda c: c.id)
    ]


def import_answers(
    store: Store,
    review: ReviewContext,
    actor: str,
    data: bytes,
    file_name: str,
    tool_names: dict[str, str] | None = None,
) -> ImportedAnswers:
    """Store an answers CSV (study, tool, item, answer, reviewer[, quote, page]); studies are
    found by label or created. All or nothing."""
    review.require(actor, "review.manage")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file_name}: appraisal answers must be a UTF-8 CSV") from None
    reviewers = _reviewers(text, file_name)
    parsed = {
        who: parse_answers_csv(text, file_name, shipped_checklists(), tool_names, reviewer=who)
        for who in reviewers
    }
    for who in reviewers:
        if who != CONSENSUS and review.role_of(who) is None:
            raise InvalidInput(f"{file_name}: appraiser {who!r} is not in the review's team")
    answers = changed = 0
    studies: set[str] = set()
    tools: set[str] = set()
    with store.write() as session:
        for who, by_tool in parsed.items():
            for tool, by_study in by_tool.items():
                tools.add(tool)
                for label, study_answers in by_study.items():
                    studies.add(label)
                    study = _study(session, review, actor, label)
                    for answer in study_answers:
                        answers += 1
                        changed += store_answer(session, review, actor, study, tool, who, answer)
    return ImportedAnswers(answers, changed, tuple(sorted(studies)), tuple(sorted(tools)))


def _reviewers(text: str, file_name: str) -> list[str]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    if "reviewer" not in columns:
        raise InvalidInput(f"{file_name}:1: missing column 'reviewer' (a name, or consensus)")
    return sorted({(row[columns["reviewer"]] or "").strip() or CONSENSUS for row in reader})


def _study(session: Session, review: ReviewContext, actor: str, label: str) -> Study:
    study = study_by_label(session, review, label)
    if study is None:
        study = Study(review_id=review.id, label=label, created_at=datetime.now(UTC))
        session.add(study)
        session.flush()
        record_change(
            session,
            actor=actor,
            action="study.create",
            entity="study",
            entity_id=study.id,
            review_id=review.id,
            new={"label": label},
        )
    return study


def store_answer(
    session: Session,
    review: ReviewContext,
    actor: str,
    study: Study,
    tool: str,
    who: str,
    answer: Answer,
) -> int:
    row = session.scalar(
        select(AppraisalAnswer).where(
            AppraisalAnswer.review_id == review.id,
            AppraisalAnswer.study_id == study.id,
            AppraisalAnswer.tool == tool,
            AppraisalAnswer.item == answer.item,
            AppraisalAnswer.reviewer == who,
        )
    )
    new = {"answer": answer.value, "quote": answer.quote, "page": answer.page}
    where = {"study": study.label, "tool": tool, "item": answer.item, "appraiser": who}
    if row is not None and {"answer": row.answer, "quote": row.quote, "page": row.page} == new:
        return 0
    old = None if row is None else {"answer": row.answer, "quote": row.quote, "page": row.page}
    if row is None:
        row = AppraisalAnswer(
            review_id=review.id, study_id=study.id, tool=tool, item=answer.item, reviewer=who
        )
        session.add(row)
    row.answer, row.quote, row.page = answer.value, answer.quote, answer.page
    row.updated_at = datetime.now(UTC)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="appraisal.answer",
        entity="appraisal_answer",
        entity_id=row.id,
        review_id=review.id,
        old=old and {**where, **old},
        new={**where, **new},
    )
    return 1


def answers_by_study(
    store: Store, review: ReviewContext, actor: str, tool: str, reviewer: str = CONSENSUS
) -> dict[str, list[Answer]]:
    """One appraiser's (or the consensus) answers to a tool, by study label. Another
    appraiser's answers come only for the studies where the visibility rule shows them."""
    review.require(actor, "records.view")
    hidden: set[str] = set()
    if reviewer not in (CONSENSUS, actor):
        from sysreview.services.dual_appraisal import hidden_studies  # it builds on this module

        hidden = hidden_studies(store, review, actor, tool, reviewer)
    with store.read() as session:
        rows = session.execute(
            select(Study.label, AppraisalAnswer)
            .join(Study, Study.id == AppraisalAnswer.study_id)
            .where(
                AppraisalAnswer.review_id == review.id,
                AppraisalAnswer.tool == tool,
                AppraisalAnswer.reviewer == reviewer,
            )
            .order_by(Study.label, AppraisalAnswer.id)
        )
        found: dict[str, list[Answer]] = defaultdict(list)
        for label, row in rows:
            if label not in hidden:
                found[label].append(Answer(row.item, row.answer, row.quote, row.page))
    return dict(found)


def tool_table(
    store: Store, review: ReviewContext, actor: str, tool: str, reviewer: str = CONSENSUS
) -> AppraisalTable:
    """The Table 2/3 layout of a tool: a row per study with answers, score and rating."""
    found = answers_by_study(store, review, actor, tool, reviewer)
    if not found:
        raise NotFound(f"no {reviewer} answers to {tool!r} in review {review.slug!r}")
    return appraisal_table(checklist(tool), found)


def tool_issues(store: Store, review: ReviewContext, actor: str, tool: str) -> list[QualityIssue]:
    """The most frequent quality issues under a tool (consensus answers)."""
    return quality_issues(checklist(tool), answers_by_study(store, review, actor, tool))


def tools_in_use(store: Store, review: ReviewContext, actor: str) -> list[str]:
    review.require(actor, "records.view")
    with store.read() as session:
        return sorted(
            set(
                session.scalars(
                    select(AppraisalAnswer.tool).where(AppraisalAnswer.review_id == review.id)
                )
            )
        )


def tool_plot(store: Store, review: ReviewContext, actor: str, tool: str, kind: str) -> str:
    """A robvis-style plot of a tool's consensus answers as SVG text: ``traffic-light`` (study
    × item or domain) or ``summary`` (one bar per item or domain)."""
    if kind not in PLOT_KINDS:
        raise InvalidInput(f"a plot is {' or '.join(PLOT_KINDS)}, not {kind!r}")
    found = answers_by_study(store, review, actor, tool)
    if not found:
        raise NotFound(f"no consensus answers to {tool!r} in review {review.slug!r} to plot")
    draw = traffic_light_svg if kind == "traffic-light" else summary_svg
    return draw(checklist(tool), found)
