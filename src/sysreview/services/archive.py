"""The review as code: every table of one review written as plain, diff-able text files.

``write_archive`` writes one JSON Lines file per table (one row a line, keys sorted, rows in
primary-key order), the protocol file as it is, the stored full-text files by their SHA-256, and
a ``manifest.json`` with the schema revision, each file's row count and SHA-256. Nothing in it
depends on when or where it was written, so two archives of the same review are byte-identical
and a change to the review shows as a small diff. :mod:`sysreview.services.archive_restore`
reads it back into a new store.

What is archived is the registry :data:`TABLES`: a table added by a later migration is archived
and restored by adding one :class:`ArchivedTable` entry, in insertion (foreign-key) order.
Passwords, web sessions and idempotency keys are never archived.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select, union
from sqlalchemy.orm import Session

from sysreview.errors import AlreadyExists
from sysreview.files import write_file_atomically
from sysreview.protocol import PROTOCOL_FILENAME
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import GENESIS
from sysreview.store.blobs import BlobStore
from sysreview.store.engine import Store
from sysreview.store.models import (
    AppraisalAnswer,
    AuditEntry,
    Base,
    CerqualAssessment,
    ConflictResolution,
    Decision,
    DuplicateGroup,
    DuplicateMember,
    DuplicateSuggestion,
    EnteredCount,
    ExtractionValue,
    FullText,
    Membership,
    MetaAnalysis,
    PairJudgement,
    Review,
    SearchEvent,
    StoredRecord,
    Study,
    StudyReport,
    SynthesisCheck,
    SynthesisCode,
    SynthesisCoding,
    SynthesisExcerpt,
    SynthesisMemo,
    ThemeSummary,
    User,
)
from sysreview.store.schema import head_revision

ARCHIVE_FORMAT = "sysreview-archive"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
NEW_FOLDER = object()
"""An omitted column's value on restore: the folder the review is restored into."""

Scope = Callable[[int], ColumnElement[bool]]


@dataclass(frozen=True)
class ArchivedTable:
    """One table in the archive: its file, the rows that belong to a review, and the columns
    left out (with the value each gets back on restore)."""

    file: str
    model: type[Base]
    scope: Scope
    omit: Mapping[str, object] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in self.omit]


def by_review(model: type[Base]) -> Scope:
    """Rows with the review's id in their ``review_id``."""
    column = model.__table__.c.review_id
    return lambda review_id: column == review_id


def through(model: type[Base], column: str, parent: type[Base]) -> Scope:
    """Rows whose ``column`` points at a row of ``parent`` that belongs to the review."""
    own = model.__table__.c[column]
    parent_table = parent.__table__
    return lambda review_id: own.in_(
        select(parent_table.c.id).where(parent_table.c.review_id == review_id)
    )


def _referenced_users(review_id: int) -> ColumnElement[bool]:
    """The accounts the review's rows point at (members, importers, deciders, ...)."""
    users = User.__table__.c.id
    selects = []
    for entry in TABLES:
        for column in entry.table.columns:
            if any(fk.column is users for fk in column.foreign_keys):
                selects.append(select(column).where(entry.scope(review_id)))
    return users.in_(union(*selects))


def _audit_scope(review_id: int) -> ColumnElement[bool]:
    """The review's entries and those of no review (accounts created for its team)."""
    column = AuditEntry.__table__.c.review_id
    return or_(column == review_id, column.is_(None))


TABLES: tuple[ArchivedTable, ...] = (
    ArchivedTable("users.jsonl", User, _referenced_users, omit={"password_hash": None}),
    ArchivedTable(
        "review.jsonl",
        Review,
        lambda review_id: Review.__table__.c.id == review_id,
        omit={"folder": NEW_FOLDER},
    ),
    ArchivedTable("memberships.jsonl", Membership, by_review(Membership)),
    ArchivedTable("search_events.jsonl", SearchEvent, by_review(SearchEvent)),
    ArchivedTable("records.jsonl", StoredRecord, by_review(StoredRecord)),
    ArchivedTable("duplicate_groups.jsonl", DuplicateGroup, by_review(DuplicateGroup)),
    ArchivedTable(
        "duplicate_members.jsonl",
        DuplicateMember,
        through(DuplicateMember, "group_id", DuplicateGroup),
    ),
    ArchivedTable("pair_judgements.jsonl", PairJudgement, by_review(PairJudgement)),
    ArchivedTable(
        "duplicate_suggestions.jsonl", DuplicateSuggestion, by_review(DuplicateSuggestion)
    ),
    ArchivedTable("decisions.jsonl", Decision, by_review(Decision)),
    ArchivedTable("resolutions.jsonl", ConflictResolution, by_review(ConflictResolution)),
    ArchivedTable("full_texts.jsonl", FullText, by_review(FullText)),
    ArchivedTable("studies.jsonl", Study, by_review(Study)),
    ArchivedTable("study_reports.jsonl", StudyReport, through(StudyReport, "study_id", Study)),
    ArchivedTable("appraisal_answers.jsonl", AppraisalAnswer, by_review(AppraisalAnswer)),
    ArchivedTable("entered_counts.jsonl", EnteredCount, by_review(EnteredCount)),
    ArchivedTable("extraction_values.jsonl", ExtractionValue, by_review(ExtractionValue)),
    ArchivedTable("meta_analyses.jsonl", MetaAnalysis, by_review(MetaAnalysis)),
    ArchivedTable("synthesis_codes.jsonl", SynthesisCode, by_review(SynthesisCode)),
    ArchivedTable("synthesis_memos.jsonl", SynthesisMemo, by_review(SynthesisMemo)),
    ArchivedTable("synthesis_excerpts.jsonl", SynthesisExcerpt, by_review(SynthesisExcerpt)),
    ArchivedTable(
        "synthesis_codings.jsonl",
        SynthesisCoding,
        through(SynthesisCoding, "excerpt_id", SynthesisExcerpt),
    ),
    ArchivedTable(
        "synthesis_checks.jsonl",
        SynthesisCheck,
        through(SynthesisCheck, "excerpt_id", SynthesisExcerpt),
    ),
    ArchivedTable("synthesis_theme_summaries.jsonl", ThemeSummary, by_review(ThemeSummary)),
    ArchivedTable("synthesis_cerqual.jsonl", CerqualAssessment, by_review(CerqualAssessment)),
    ArchivedTable("audit_log.jsonl", AuditEntry, _audit_scope),
)


NOT_ARCHIVED = frozenset({"web_sessions", "idempotency_keys", "screening_tallies"})
"""Tables deliberately left out: sign-ins and replay tokens are secrets of one server, and
screening tallies are counts rebuilt from the decisions."""


@dataclass(frozen=True)
class ArchiveSummary:
    folder: Path
    rows: dict[str, int]
    files: int
    audit_chain: str


def utc_text(value: datetime) -> str:
    """One spelling of a time on every database: UTC, microseconds, ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    return utc_text(value) if isinstance(value, datetime) else value


def row_line(row: Mapping[Any, Any]) -> str:
    """A row as one canonical JSON line (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(
        {k: _plain(v) for k, v in row.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def jsonl_lines(data: bytes) -> list[str]:
    """The lines of a JSON Lines file, split on newlines only (a title may hold U+2028)."""
    lines = data.decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def blob_path(sha256: str) -> str:
    return f"files/{sha256[:2]}/{sha256}"


def write_archive(store: Store, review: ReviewContext, actor: str, out: Path) -> ArchiveSummary:
    """Write the review into ``out`` (new, empty, or an earlier archive to bring up to date)."""
    review.require(actor, "review.manage")
    previous = _previous_files(out)
    contents, rows = _table_files(store, review.id)
    contents[PROTOCOL_FILENAME] = (review.folder / PROTOCOL_FILENAME).read_bytes()
    blobs = BlobStore(review.folder)
    for line in jsonl_lines(contents["full_texts.jsonl"]):
        sha = json.loads(line)["sha256"]
        if sha:
            contents[blob_path(sha)] = blobs.get(sha)
    chain = audit_chain_state(contents["audit_log.jsonl"])
    manifest = {
        "format": ARCHIVE_FORMAT,
        "format_version": ARCHIVE_VERSION,
        "schema_revision": head_revision(),
        "review": review.slug,
        "audit_chain": chain,
        "files": {
            name: {
                "bytes": len(data),
                "rows": rows.get(name),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in sorted(contents.items())
        },
    }
    for name, data in contents.items():
        target = out / name
        if not (target.exists() and target.read_bytes() == data):
            write_file_atomically(target, data)
    for name in previous - contents.keys():
        (out / name).unlink(missing_ok=True)
    write_file_atomically(out / MANIFEST, manifest_bytes(manifest))
    return ArchiveSummary(out, rows, len(contents), chain)


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def _previous_files(out: Path) -> set[str]:
    """The files of the archive already in ``out``; a folder holding anything else is refused."""
    if out.exists() and not out.is_dir():
        raise AlreadyExists(f"{out} is a file: name a folder for the archive")
    if not out.exists() or not any(p for p in out.iterdir() if p.name != ".git"):
        return set()
    manifest = out / MANIFEST
    if not manifest.is_file():
        raise AlreadyExists(
            f"{out} holds files but no {MANIFEST}: archive into a new folder, or into an "
            "earlier archive of this review"
        )
    try:
        names = set(json.loads(manifest.read_text("utf-8"))["files"])
    except (ValueError, KeyError, TypeError):
        raise AlreadyExists(f"{manifest} is not a sysreview archive manifest") from None
    # Only names inside the folder may be removed later, whatever an edited manifest says.
    return {n for n in names if not Path(n).is_absolute() and ".." not in Path(n).parts}


def _table_files(store: Store, review_id: int) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every registered table's rows of the review, read in one consistent snapshot."""
    contents: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    with store.read() as session:
        _one_snapshot(session, store)
        for entry in TABLES:
            columns = [entry.table.c[name] for name in entry.columns]
            query = (
                select(*columns)
                .where(entry.scope(review_id))
                .order_by(*entry.table.primary_key.columns)
            )
            lines = [row_line(row._mapping) for row in session.execute(query)]
            contents[entry.file] = "".join(line + "\n" for line in lines).encode("utf-8")
            rows[entry.file] = len(lines)
    return contents, rows


def _one_snapshot(session: Session, store: Store) -> None:
    """On PostgreSQL every query of the archive must see the same snapshot (SQLite's read
    transaction already does), so an archive taken while reviewers decide is consistent."""
    if store.dialect == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def audit_chain_state(audit_lines: bytes) -> str:
    """``complete`` when the archived entries chain from the first entry ever written with no
    gap; ``partial`` when the store also held other reviews, whose entries sit in between."""
    previous = GENESIS
    for line in jsonl_lines(audit_lines):
        entry = json.loads(line)
        if entry["prev_hash"] != previous:
            return "partial"
        previous = entry["entry_hash"]
    return "complete"
