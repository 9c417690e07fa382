"""The append-only audit trail (21 CFR 11.10(e), EU GMP Annex 11).

Every change to review data writes one entry in the same transaction as the change: who, the
server's UTC time, what entity, the value before and after, and the reason when one is given.
Each entry's SHA-256 covers its content and the previous entry's hash, so editing or removing
any row (which the database's triggers refuse anyway) breaks the chain where it happened.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sysreview.store.models import AuditEntry

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_391_004  # advisory lock id that serialises appends to the chain


def _as_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def utc_now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(entry: AuditEntry) -> str:
    """The hash an entry must carry, from its content and its predecessor's hash."""
    content = [
        entry.at,
        entry.review_id,
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.old_value,
        entry.new_value,
        entry.reason,
        entry.prev_hash,
    ]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fitted(entity_id: str, width: int = 64) -> str:
    """An id that fits the column: a long one keeps its start and a hash of the whole."""
    if len(entity_id) <= width:
        return entity_id
    digest = hashlib.sha256(entity_id.encode("utf-8")).hexdigest()[:12]
    return f"{entity_id[: width - 13]}~{digest}"


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    review_id: int | None = None,
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one audit entry inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_TAKE_AUDIT_LOCK, {"k": _PG_AUDIT_LOCK})
    previous = session.scalar(_LAST_HASH)
    entry = AuditEntry(
        at=utc_now_text(),
        review_id=review_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=_fitted(str(entity_id)),
        old_value=_as_json(old),
        new_value=_as_json(new),
        reason=reason,
        prev_hash=previous or GENESIS,
    )
    entry.entry_hash = entry_digest(entry)
    session.add(entry)
    session.flush()
    return entry


_TAKE_AUDIT_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_LAST_HASH = select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
"""Built once: every audited write (a screening decision among them) asks it."""


@dataclass(frozen=True)
class ChainBreak:
    """Where the audit chain stops verifying, and why."""

    entry_id: int
    problem: str


def verify_chain(entries: Iterator[AuditEntry]) -> ChainBreak | None:
    """The first entry (in id order) whose hash or link is wrong, or None when all verify."""
    previous = GENESIS
    for entry in entries:
        if entry.prev_hash != previous:
            return ChainBreak(entry.id, "does not link to the entry before it (one was removed?)")
        if entry_digest(entry) != entry.entry_hash:
            return ChainBreak(entry.id, "its content does not match its hash (it was altered)")
        previous = entry.entry_hash
    return None


def iter_entries(session: Session, review_id: int | None = None) -> Iterator[AuditEntry]:
    """Entries in the order they were written, optionally only one review's."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if review_id is not None:
        query = query.where(AuditEntry.review_id == review_id)
    yield from session.scalars(query.execution_options(yield_per=1000))
