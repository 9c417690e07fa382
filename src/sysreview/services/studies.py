"""Studies and their reports: one study may be described by several records (reports).

Extraction and appraisal are per study, citing its reports; PRISMA counts studies and reports
of included studies separately. A record belongs to at most one study (a database constraint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import AlreadyExists, InvalidInput, NotFound
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import StoredRecord, Study, StudyReport


@dataclass(frozen=True)
class StudyInfo:
    id: int
    label: str
    record_ids: tuple[int, ...]


def create_study(
    store: Store, review: ReviewContext, actor: str, label: str, record_ids: list[int]
) -> StudyInfo:
    """A study named ``label`` whose reports are ``record_ids`` (records of this review that
    belong to no other study)."""
    review.require(actor, "screening.decide")
    label = label.strip()
    if not label:
        raise InvalidInput("a study needs a label, e.g. 'Eisen 2013'")
    with store.write() as session:
        if study_by_label(session, review, label) is not None:
            raise AlreadyExists(f"review {review.slug!r} has a study labelled {label!r}")
        study = Study(review_id=review.id, label=label, created_at=datetime.now(UTC))
        session.add(study)
        session.flush()
        _attach(session, review, study, record_ids)
        record_change(
            session,
            actor=actor,
            action="study.create",
            entity="study",
            entity_id=study.id,
            review_id=review.id,
            new={"label": label, "reports": sorted(record_ids)},
        )
        return StudyInfo(study.id, label, tuple(sorted(record_ids)))


def _attach(session: Session, review: ReviewContext, study: Study, record_ids: list[int]) -> None:
    for record_id in record_ids:
        exists = session.scalar(
            select(StoredRecord.id).where(
                StoredRecord.id == record_id, StoredRecord.review_id == review.id
            )
        )
        if exists is None:
            raise NotFound(f"review {review.slug!r} has no record {record_id}")
        taken = session.scalar(
            select(StudyReport.study_id).where(StudyReport.record_id == record_id)
        )
        if taken is not None:
            raise AlreadyExists(f"record {record_id} is a report of study {taken} already")
        session.add(StudyReport(study_id=study.id, record_id=record_id))
    session.flush()


def study_by_label(session: Session, review: ReviewContext, label: str) -> Study | None:
    return session.scalar(select(Study).where(Study.review_id == review.id, Study.label == label))


def studies_of(store: Store, review: ReviewContext, actor: str) -> list[StudyInfo]:
    """Every study of the review with its reports, by label."""
    review.require(actor, "records.view")
    with store.read() as session:
        return study_list(session, review)


def study_list(session: Session, review: ReviewContext) -> list[StudyInfo]:
    reports: dict[int, list[int]] = {}
    for study_id, record_id in session.execute(
        select(StudyReport.study_id, StudyReport.record_id)
        .join(Study, Study.id == StudyReport.study_id)
        .where(Study.review_id == review.id)
    ):
        reports.setdefault(study_id, []).append(record_id)
    studies = session.scalars(
        select(Study).where(Study.review_id == review.id).order_by(Study.label)
    )
    return [StudyInfo(s.id, s.label, tuple(sorted(reports.get(s.id, [])))) for s in studies]
