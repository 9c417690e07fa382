"""SQLAlchemy models: the tables every stage stores into.

Schema changes go through Alembic revisions in ``store/migrations``; these classes describe the
newest schema and are what the initial revision and tests compare against.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    """An account; ``password_hash`` is argon2id, or None for an account that cannot log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Review(Base):
    """A review; its protocol lives in ``folder`` and a copy of the last loaded one here."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(Text)
    protocol_sha256: Mapped[str] = mapped_column(String(64))
    protocol: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    """A user's role in a review, kept in step with the protocol's team list."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))


class SearchEvent(Base):
    """One import of one file: the search behind it and what it brought in (PRISMA item 7)."""

    __tablename__ = "search_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="database")
    platform: Mapped[str] = mapped_column(String(200), default="")
    searched_on: Mapped[str] = mapped_column(String(10), default="")
    query: Mapped[str] = mapped_column(Text, default="")
    strategy_version: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(40))
    record_count: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_search_events_review_sha", "review_id", "file_sha256"),)


class StoredRecord(Base):
    """A bibliographic record as imported; ``data`` is the lossless Record.to_dict()."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    search_event_id: Mapped[int] = mapped_column(ForeignKey("search_events.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    doi: Mapped[str] = mapped_column(String(300), default="")
    pmid: Mapped[str] = mapped_column(String(20), default="")
    data: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_records_review", "review_id"),
        Index("ix_records_event", "search_event_id"),
        Index("ix_records_review_order", "review_id", "id"),
    )


class Decision(Base):
    """One reviewer's judgement of one record at one stage; unique per (review, stage, record,
    reviewer) in the database itself, and versioned so a stale change is refused."""

    __tablename__ = "decisions"
    __table_args__ = (
        # Also the index of every (review, stage) and (review, stage, record) lookup: a second
        # index on (review, stage) alone invited scans of a whole stage (migration 0012).
        UniqueConstraint("review_id", "stage", "record_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One change, append-only: triggers refuse UPDATE and DELETE, and ``entry_hash`` chains
    each row to the one before so a flipped byte is found by ``sysreview audit verify``."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    review_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        Index("ix_audit_review", "review_id"),
        # finds one kind of act (the ranking's sampling start) without reading the whole trail
        Index("ix_audit_review_action", "review_id", "action", "id"),
    )


class WebSession(Base):
    """A logged-in browser; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DuplicateGroup(Base):
    """Records found to be one article; every member stays stored, the group presents one
    canonical record. Undoing a group deactivates it, never deletes it."""

    __tablename__ = "duplicate_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    canonical: Mapped[dict] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(20))  # "auto" or "person"
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_duplicate_groups_review", "review_id", "active"),)


class DuplicateMember(Base):
    __tablename__ = "duplicate_members"
    __table_args__ = (
        UniqueConstraint("group_id", "record_id"),
        Index("ix_duplicate_members_record", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("duplicate_groups.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))


class PairJudgement(Base):
    """A person's decision that two records are, or are not, the same article; remembered so
    later imports never ask again. ``record_a`` < ``record_b``."""

    __tablename__ = "pair_judgements"
    __table_args__ = (UniqueConstraint("review_id", "record_a", "record_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    record_a: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    record_b: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(10))  # "same" or "distinct"
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DuplicateSuggestion(Base):
    """A pair the last dedup run was unsure of, waiting for a person."""

    __tablename__ = "duplicate_suggestions"
    __table_args__ = (UniqueConstraint("review_id", "record_a", "record_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    record_a: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    record_b: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list] = mapped_column(JSON)


class ConflictResolution(Base):
    """How a conflict at a stage was settled, by an arbiter or by recorded consensus."""

    __tablename__ = "resolutions"
    __table_args__ = (UniqueConstraint("review_id", "stage", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    resolver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScreeningTally(Base):
    """Running counts behind a reviewer's progress at a stage, kept by every decision and
    resolution so the screening page never counts a stage's decisions (a 100,000-record
    review late in screening has some 200,000): derived data, rebuilt from the decisions when
    missing or made for another number of reviewers, and never archived.

    One row per (review, stage, reviewer); ``reviewer`` "" is the stage as a whole, whose
    ``closed`` counts records with the decisions the stage needs or a resolution. A reviewer's
    ``decided`` counts their decisions, and ``open_decided`` those on records not yet closed."""

    __tablename__ = "screening_tallies"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewers_needed: Mapped[int] = mapped_column()
    closed: Mapped[int] = mapped_column(default=0)
    decided: Mapped[int] = mapped_column(default=0)
    open_decided: Mapped[int] = mapped_column(default=0)


class FullText(Base):
    """A record's full text: retrieved (a stored file and its extracted text) or recorded as not
    retrievable, which PRISMA counts."""

    __tablename__ = "full_texts"
    __table_args__ = (UniqueConstraint("review_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))  # "retrieved" or "not_retrieved"
    file_name: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """The first answer to a form token or Idempotency-Key, replayed for a repeat."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    request_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Study(Base):
    """A study, which one or more reports (records) describe; extraction and appraisal are per
    study, citing its reports."""

    __tablename__ = "studies"
    __table_args__ = (UniqueConstraint("review_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StudyReport(Base):
    __tablename__ = "study_reports"
    __table_args__ = (UniqueConstraint("record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))


class AppraisalAnswer(Base):
    """One appraiser's answer to one checklist item for one study (``reviewer`` may be the
    word ``consensus`` for the agreed answer)."""

    __tablename__ = "appraisal_answers"
    __table_args__ = (UniqueConstraint("review_id", "study_id", "tool", "item", "reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    tool: Mapped[str] = mapped_column(String(100))
    item: Mapped[str] = mapped_column(String(100))
    reviewer: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(50))
    quote: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnteredCount(Base):
    """A PRISMA count entered by hand (a review carried in from another tool, or the demo's
    372 records); reports mark it as entered, never mixing it with computed ones."""

    __tablename__ = "entered_counts"
    __table_args__ = (UniqueConstraint("review_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExtractionValue(Base):
    """One person's value for one field of one study: ``extracted`` by the extractor, or a
    verifier's ``verified`` (accepted as is) or ``corrected`` value."""

    __tablename__ = "extraction_values"
    __table_args__ = (UniqueConstraint("review_id", "study_id", "field", "author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MetaAnalysis(Base):
    """A saved meta-analysis: a re-runnable spec (data selection, measure, model, options), so
    the report regenerates it from the review's current extraction data."""

    __tablename__ = "meta_analyses"
    __table_args__ = (UniqueConstraint("review_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SynthesisCode(Base):
    """A node of the review's codebook: a code, a descriptive theme (concept) or an analytical
    theme, filed under ``parent_id``; names are unique per parent (checked by the codebook)."""

    __tablename__ = "synthesis_codes"
    __table_args__ = (Index("ix_synthesis_codes_review", "review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("synthesis_codes.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    definition: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SynthesisMemo(Base):
    """A memo on a code or theme (``code_id``), or a note on a study (``study_id``) that can
    itself be coded; titles are unique per study or code."""

    __tablename__ = "synthesis_memos"
    __table_args__ = (Index("ix_synthesis_memos_review", "review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("synthesis_codes.id", ondelete="CASCADE"), nullable=True
    )
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SynthesisExcerpt(Base):
    """A coded span of a study's extracted data, a report's full text or a note: its study,
    report (None for study-level data), source, location (JSON) and words, and its coder."""

    __tablename__ = "synthesis_excerpts"
    __table_args__ = (Index("ix_synthesis_excerpts_review_study", "review_id", "study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), nullable=True
    )
    source: Mapped[str] = mapped_column(String(20))
    location: Mapped[dict] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    coder: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SynthesisCoding(Base):
    """A code applied to an excerpt."""

    __tablename__ = "synthesis_codings"
    __table_args__ = (
        UniqueConstraint("excerpt_id", "code_id"),
        Index("ix_synthesis_codings_code", "code_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("synthesis_excerpts.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("synthesis_codes.id", ondelete="CASCADE"))


class SynthesisCheck(Base):
    """A checker's verdict (agree or dispute, with a comment) on a coded excerpt, and the
    excerpt's words and codes it was given to (``seen``): a later change makes it stale."""

    __tablename__ = "synthesis_checks"
    __table_args__ = (UniqueConstraint("excerpt_id", "checker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("synthesis_excerpts.id", ondelete="CASCADE"))
    checker: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    seen: Mapped[dict] = mapped_column(JSON)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ThemeSummary(Base):
    """The narrative summary of one theme, as the review's text will give it."""

    __tablename__ = "synthesis_theme_summaries"
    __table_args__ = (UniqueConstraint("review_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("synthesis_codes.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CerqualAssessment(Base):
    """A GRADE-CERQual assessment of one theme's finding: ``components`` holds the four
    components' concerns and explanations; ``overall`` the confidence."""

    __tablename__ = "synthesis_cerqual"
    __table_args__ = (UniqueConstraint("review_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("synthesis_codes.id", ondelete="CASCADE"))
    finding: Mapped[str] = mapped_column(Text)
    components: Mapped[dict] = mapped_column(JSON)
    overall: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    assessor: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
