"""Screening decisions as CSV: export what a viewer may see, import decisions made elsewhere.

An export goes through the one visibility function, so a blind reviewer's export holds their own
decisions and settled records only. An import (owners) is all or nothing: every row passes the
same checks as a decision made in sysreview, in one transaction, audited as imported.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sysreview.consensus import visibility
from sysreview.errors import InvalidInput, SysreviewError
from sysreview.formats.cells import neutralise_cell, restore_cell
from sysreview.protocol import Stage
from sysreview.services import screening_tallies as tallies
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import (
    _user_id,
    apply_decision,
    load_stage,
    may_resolve,
    stage_states,
)
from sysreview.store.engine import Store

COLUMNS = ("stage", "record_id", "reviewer", "verdict", "reason", "note", "labels")


def export_decisions(store: Store, review: ReviewContext, actor: str) -> bytes:
    """Every decision ``actor`` may see, one row each, formula cells neutralised."""
    review.require(actor, "records.export")
    resolver = may_resolve(review, actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    with store.read() as session:
        states = stage_states(session, review)
        for stage in review.protocol.stages:
            data = load_stage(session, review, stage.name)
            for record_id, state in states[stage.name].items():
                shown = visibility(
                    actor,
                    data.judgements.get(record_id, []),
                    blind=stage.blind,
                    state=state,
                    may_resolve=resolver,
                )
                for j in shown:
                    row = [
                        stage.name,
                        str(record_id),
                        j.reviewer,
                        j.verdict,
                        j.reason,
                        j.note,
                        "; ".join(j.labels),
                    ]
                    writer.writerow([neutralise_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def import_decisions(
    store: Store, review: ReviewContext, actor: str, data: bytes, file_name: str
) -> int:
    """Store the decisions of a CSV with the export's columns; returns how many."""
    review.require(actor, "review.manage")
    rows = _rows(data, file_name)
    with store.write() as session:
        stages: dict[str, Stage] = {}
        for line, row in rows:
            try:
                stage = stages.setdefault(row["stage"], review.protocol.stage(row["stage"]))
                reviewer = row["reviewer"]
                if review.role_of(reviewer) not in ("owner", "reviewer", "arbiter"):
                    raise InvalidInput(f"{reviewer!r} is not a screening member of the review")
                apply_decision(
                    session,
                    review,
                    stage,
                    _record_id(row["record_id"]),
                    reviewer,
                    _user_id(session, reviewer),
                    row["verdict"],
                    row["reason"],
                    row["note"],
                    [x.strip() for x in row["labels"].split(";") if x.strip()],
                    None,
                    audit_actor=actor,
                    keep_tallies=False,
                )
            except SysreviewError as exc:
                raise InvalidInput(f"{file_name}:{line}: {exc} (nothing was imported)") from None
        # One recount per stage: adjusting the running counts row by row updated the same
        # rows once per decision in one transaction, which PostgreSQL makes quadratic
        for stage in stages.values():
            tallies.rebuild(session, review, stage)
    store.refresh_statistics("decisions", "resolutions")
    return len(rows)


def _record_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"record_id {value!r} is not a sysreview record id") from None


def _rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file_name}: decisions must be a UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"{file_name}:1: missing columns {', '.join(missing)}")
    return [
        (number, {k: restore_cell(v or "") for k, v in row.items() if k in COLUMNS})
        for number, row in enumerate(reader, start=2)
    ]
