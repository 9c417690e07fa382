"""Importing database exports as recorded search events.

An import is one transaction: the search event (source, platform, date, query, file name and
hash), every record the file holds, and one audit entry. A crash or a bad record (without
``skip_bad``) leaves nothing behind. Records are written in batches as the reader yields them, so
a large file does not have to fit in memory as Python objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from sysreview.errors import AlreadyExists, ImportFormatError, InvalidInput
from sysreview.formats import open_records
from sysreview.formats.base import SkippedRecord
from sysreview.progress import Progress, no_progress
from sysreview.records import Record
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import SearchEvent, StoredRecord, User

BATCH_SIZE = 2000
#: PRISMA 2020's sources: databases and registers (left column) and other methods (right).
SEARCH_KINDS = ("database", "register", "citation", "website", "organisation")
MAX_IMPORT_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class SearchDetails:
    """What PRISMA-S asks to report about the search behind a file."""

    source: str
    platform: str = ""
    searched_on: str = ""
    query: str = ""
    kind: str = "database"
    strategy_version: str = ""

    def checked(self) -> SearchDetails:
        if not self.source.strip():
            raise InvalidInput("name the database the file came from (--source, e.g. MEDLINE)")
        if self.kind not in SEARCH_KINDS:
            raise InvalidInput(f"a search is one of {', '.join(SEARCH_KINDS)}, not {self.kind!r}")
        if self.searched_on:
            try:
                date.fromisoformat(self.searched_on)
            except ValueError:
                raise InvalidInput(
                    f"search date {self.searched_on!r} is not a date like 2017-11-01"
                ) from None
        return SearchDetails(
            self.source.strip(),
            self.platform.strip(),
            self.searched_on,
            self.query,
            self.kind,
            self.strategy_version.strip(),
        )

    def with_strategy_version(self, review: ReviewContext) -> SearchDetails:
        """A database search not tied to a strategy version yet is tied to the protocol's."""
        search = review.protocol.search
        if self.strategy_version or self.kind != "database" or search is None:
            return self
        return replace(self, strategy_version=search.version())


@dataclass
class ImportSummary:
    """What one file brought in, as printed per file by the CLI and shown by the web app."""

    file_name: str
    file_format: str
    encoding: str
    search_event_id: int
    records_read: int
    records_stored: int
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(
    store: Store,
    review: ReviewContext,
    actor: str,
    data: bytes,
    *,
    file_name: str,
    search: SearchDetails,
    file_format: str = "auto",
    column_map: dict[str, str] | None = None,
    skip_bad: bool = False,
    again: bool = False,
    progress: Progress = no_progress,
) -> ImportSummary:
    """Import one file as a search event; all or nothing unless ``skip_bad``."""
    review.require(actor, "records.import")
    search = search.checked().with_strategy_version(review)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFormatError(
            f"the file is {len(data) // 2**20} MiB; sysreview imports files up to "
            f"{MAX_IMPORT_BYTES // 2**20} MiB: split the export",
            file=file_name,
        )
    digest = file_sha256(data)
    with store.write() as session:
        if not again:
            _refuse_reimport(session, review, digest, file_name)
        opened = open_records(data, filename=file_name, format=file_format, column_map=column_map)
        event = _new_event(session, review, actor, search, file_name, digest, opened.format)
        summary = ImportSummary(file_name, opened.format, opened.encoding, event.id, 0, 0)
        _store_records(session, review, event, opened.items, summary, skip_bad, progress)
        if summary.records_stored == 0:
            raise ImportFormatError("no records could be read from the file", file=file_name)
        event.record_count = summary.records_stored
        summary.warnings.extend(opened.warnings)
        record_change(
            session,
            actor=actor,
            action="search.import",
            entity="search_event",
            entity_id=event.id,
            review_id=review.id,
            new=_event_as_dict(event, summary),
        )
    store.refresh_statistics("records", "search_events")
    return summary


def _refuse_reimport(session: Session, review: ReviewContext, digest: str, name: str) -> None:
    earlier = session.scalar(
        select(SearchEvent).where(
            SearchEvent.review_id == review.id, SearchEvent.file_sha256 == digest
        )
    )
    if earlier is not None:
        raise AlreadyExists(
            f"{name}: the same file was imported on {earlier.imported_at:%Y-%m-%d} as search "
            f"event {earlier.id} ({earlier.source}, {earlier.record_count} records); "
            "use --again to import it a second time"
        )


def _new_event(
    session: Session,
    review: ReviewContext,
    actor: str,
    search: SearchDetails,
    file_name: str,
    digest: str,
    file_format: str,
) -> SearchEvent:
    user_id = session.scalar(select(User.id).where(User.username == actor))
    if user_id is None:
        raise InvalidInput(f"{actor} has no account in this database")
    event = SearchEvent(
        review_id=review.id,
        source=search.source,
        kind=search.kind,
        platform=search.platform,
        searched_on=search.searched_on,
        query=search.query,
        strategy_version=search.strategy_version,
        file_name=file_name,
        file_sha256=digest,
        file_format=file_format,
        record_count=0,
        imported_by=user_id,
        imported_at=datetime.now(UTC),
    )
    session.add(event)
    session.flush()
    return event


def _store_records(
    session: Session,
    review: ReviewContext,
    event: SearchEvent,
    items: Iterable[Record | SkippedRecord],
    summary: ImportSummary,
    skip_bad: bool,
    progress: Progress,
) -> None:
    batch: list[dict[str, object]] = []
    for item in items:
        summary.records_read += 1
        if isinstance(item, SkippedRecord):
            if not skip_bad:
                raise ImportFormatError(
                    f"{item.reason} (nothing was imported; --skip-bad imports the other records)",
                    file=summary.file_name,
                    line=item.line,
                )
            summary.skipped.append(item)
            continue
        batch.append(_row(review, event, item, summary.records_stored))
        summary.records_stored += 1
        if len(batch) >= BATCH_SIZE:
            session.execute(insert(_RECORDS), batch)
            batch.clear()
            progress(f"importing {summary.file_name}", summary.records_read, None)
    if batch:
        session.execute(insert(_RECORDS), batch)
    progress(f"importing {summary.file_name}", summary.records_read, summary.records_read)


_RECORDS = cast(Table, StoredRecord.__table__)  # Core insert: much faster than the ORM's


def _row(review: ReviewContext, event: SearchEvent, record: Record, position: int) -> dict:
    clean = record.normalised()
    data = _without_nul(clean.to_dict())
    return {
        "review_id": review.id,
        "search_event_id": event.id,
        "position": position,
        "title": data["title"],
        "year": clean.year,
        "doi": clean.doi[:300],
        "pmid": clean.pmid[:20],
        "data": data,
    }


def _without_nul(data: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL text cannot hold NUL, and it never carries meaning in a bibliographic field.

    Walks the record's known shape (strings, lists of strings, source fields) rather than
    recursing generically: this runs once per imported record.
    """
    for key, value in data.items():
        if isinstance(value, str):
            if "\x00" in value:
                data[key] = value.replace("\x00", "")
        elif isinstance(value, list):
            data[key] = _strings_without_nul(value)
    fields = data["source_fields"]
    if any("\x00" in tag for tag in fields):
        fields = {tag.replace("\x00", ""): values for tag, values in fields.items()}
    data["source_fields"] = {tag: _strings_without_nul(v) for tag, v in fields.items()}
    return data


def _strings_without_nul(values: list[str]) -> list[str]:
    if any("\x00" in v for v in values):
        return [v.replace("\x00", "") for v in values]
    return values


def _event_as_dict(event: SearchEvent, summary: ImportSummary) -> dict[str, object]:
    return {
        "source": event.source,
        "kind": event.kind,
        "platform": event.platform,
        "searched_on": event.searched_on,
        "query": event.query,
        "strategy_version": event.strategy_version,
        "file_name": event.file_name,
        "file_sha256": event.file_sha256,
        "file_format": event.file_format,
        "records": summary.records_stored,
        "skipped": [{"line": s.line, "reason": s.reason} for s in summary.skipped],
    }
