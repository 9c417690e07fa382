"""Full texts of records: upload a PDF, or record that the report could not be retrieved.

PRISMA counts reports sought and reports not retrieved; a record marked not retrieved is not
assessed at a stage that requires the full text. Each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound
from sysreview.fulltext import extract_text, media_type_of
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.blobs import BlobStore
from sysreview.store.engine import Store
from sysreview.store.models import FullText, StoredRecord, User

MAX_FULL_TEXT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class FullTextInfo:
    record_id: int
    status: str
    file_name: str
    sha256: str
    media_type: str
    text_length: int
    note: str
    warnings: tuple[str, ...] = ()


def attach_full_text(
    store: Store, review: ReviewContext, actor: str, record_id: int, data: bytes, file_name: str
) -> FullTextInfo:
    """Store a PDF for a record and extract its text."""
    review.require(actor, "screening.decide")
    if len(data) > MAX_FULL_TEXT_BYTES:
        raise InvalidInput(f"{file_name}: full texts are limited to 100 MiB")
    media_type = media_type_of(data, file_name)
    text, warnings = extract_text(data, file_name)
    sha256 = BlobStore(review.folder).put(data)
    with store.write() as session:
        row = _row(session, review, actor, record_id)
        old = _as_dict(row)
        row.status, row.file_name, row.sha256 = "retrieved", file_name, sha256
        row.media_type, row.text, row.note = media_type, text.replace("\x00", ""), ""
        session.flush()
        record_change(
            session,
            actor=actor,
            action="fulltext.attach",
            entity="full_text",
            entity_id=record_id,
            review_id=review.id,
            old=old,
            new=_as_dict(row),
        )
        return _info(row, tuple(warnings))


def mark_not_retrieved(
    store: Store, review: ReviewContext, actor: str, record_id: int, note: str
) -> FullTextInfo:
    """Record that the report could not be retrieved (PRISMA: reports not retrieved)."""
    review.require(actor, "screening.decide")
    with store.write() as session:
        row = _row(session, review, actor, record_id)
        old = _as_dict(row)
        row.status, row.note = "not_retrieved", note
        row.file_name, row.sha256, row.media_type, row.text = "", "", "", ""
        session.flush()
        record_change(
            session,
            actor=actor,
            action="fulltext.not_retrieved",
            entity="full_text",
            entity_id=record_id,
            review_id=review.id,
            old=old,
            new=_as_dict(row),
            reason=note,
        )
        return _info(row)


def full_text_info(
    store: Store, review: ReviewContext, actor: str, record_id: int
) -> FullTextInfo | None:
    review.require(actor, "records.view")
    with store.read() as session:
        row = session.scalar(
            select(FullText).where(FullText.review_id == review.id, FullText.record_id == record_id)
        )
        return _info(row) if row is not None else None


def full_text_file(
    store: Store, review: ReviewContext, actor: str, record_id: int
) -> tuple[bytes, str, str]:
    """The stored file of a record: bytes, media type, file name."""
    info = full_text_info(store, review, actor, record_id)
    if info is None or info.status != "retrieved":
        raise NotFound(f"record {record_id} has no full text")
    return BlobStore(review.folder).get(info.sha256), info.media_type, info.file_name


def not_retrieved_ids(session: Session, review: ReviewContext) -> set[int]:
    return set(
        session.scalars(
            select(FullText.record_id).where(
                FullText.review_id == review.id, FullText.status == "not_retrieved"
            )
        )
    )


def _row(session: Session, review: ReviewContext, actor: str, record_id: int) -> FullText:
    exists = session.scalar(
        select(StoredRecord.id).where(
            StoredRecord.id == record_id, StoredRecord.review_id == review.id
        )
    )
    if exists is None:
        raise NotFound(f"review {review.slug!r} has no record {record_id}")
    user_id = session.scalar(select(User.id).where(User.username == actor))
    row = session.scalar(
        select(FullText).where(FullText.review_id == review.id, FullText.record_id == record_id)
    )
    if row is None:
        row = FullText(
            review_id=review.id,
            record_id=record_id,
            status="",
            file_name="",
            sha256="",
            media_type="",
            text="",
            note="",
        )
        session.add(row)
    row.updated_by = user_id if user_id is not None else 0
    row.updated_at = datetime.now(UTC)
    return row


def _as_dict(row: FullText) -> dict[str, object] | None:
    if not row.status:
        return None
    return {
        "status": row.status,
        "file_name": row.file_name,
        "sha256": row.sha256,
        "note": row.note,
    }


def _info(row: FullText, warnings: tuple[str, ...] = ()) -> FullTextInfo:
    return FullTextInfo(
        row.record_id,
        row.status,
        row.file_name,
        row.sha256,
        row.media_type,
        len(row.text or ""),
        row.note,
        warnings,
    )
