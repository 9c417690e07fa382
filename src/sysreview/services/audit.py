"""Reading, exporting and verifying the audit trail."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sysreview.errors import InvalidInput
from sysreview.formats.cells import neutralise_cell
from sysreview.services.reviews import ReviewContext
from sysreview.store import audit as audit_store
from sysreview.store.engine import Store
from sysreview.store.models import AuditEntry

AUDIT_FIELDS = (
    "id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "old_value",
    "new_value",
    "reason",
    "entry_hash",
)


def _as_row(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AUDIT_FIELDS}


def list_audit(
    store: Store, review: ReviewContext, actor: str, limit: int | None = None
) -> list[dict[str, Any]]:
    """The review's audit entries, newest last; ``limit`` keeps only the newest ones."""
    review.require(actor, "audit.view")
    with store.read() as session:
        rows = [_as_row(e) for e in audit_store.iter_entries(session, review.id)]
    return rows[-limit:] if limit else rows


def export_audit(store: Store, review: ReviewContext, actor: str, fmt: str) -> bytes:
    """The review's whole trail as CSV or JSON (values kept exactly as stored)."""
    rows = list_audit(store, review, actor)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt != "csv":
        raise InvalidInput(f"audit exports are csv or json, not {fmt!r}")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AUDIT_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: neutralise_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        )
    return buffer.getvalue().encode("utf-8")


def verify_audit(store: Store) -> audit_store.ChainBreak | None:
    """Check the whole chain in the store; None when every entry verifies."""
    with store.read() as session:
        return audit_store.verify_chain(audit_store.iter_entries(session))


def count_entries(store: Store) -> int:
    with store.read() as session:
        return sum(1 for _ in audit_store.iter_entries(session))
