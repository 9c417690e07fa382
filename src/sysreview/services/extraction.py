"""Data extraction per study: values, verification field by field, and Table 1.

The form comes from the protocol. In the verify workflow (the reference review: one extractor,
two verifiers) an extractor records values and each verifier accepts or corrects each field;
every change is audited in the same transaction. Table 1 shows each field's final value.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound, SysreviewError
from sysreview.extraction import FieldValue, check_value, final_value, is_verified
from sysreview.protocol import ExtractionField
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import ExtractionValue, Study

IMPORT_COLUMNS = ("study", "field", "value", "author", "kind")
CONSENSUS = "consensus"
Value = str | list[str] | list[dict[str, Any]]


def check_field(field: ExtractionField, value: Any) -> Value:
    """The value in the field's shape. A group takes rows (a list of mappings, or that list as
    JSON text from a CSV) and checks each cell against its own field; empty rows are dropped."""
    if field.type != "group":
        return check_value(field, value)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except json.JSONDecodeError:
            raise InvalidInput(f"{field.label} takes rows as a JSON list of objects") from None
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise InvalidInput(f"{field.label} takes rows as a JSON list of objects")
    rows: list[dict[str, Any]] = []
    for n, row in enumerate(value, start=1):
        unknown = sorted(set(row) - {f.id for f in field.fields})
        if unknown:
            raise InvalidInput(f"{field.label}, row {n}: no column {unknown[0]!r}")
        if not any(_cell(row.get(f.id, "")) for f in field.fields):
            continue
        try:
            rows.append({f.id: check_value(f, row.get(f.id, "")) for f in field.fields})
        except InvalidInput as exc:
            raise InvalidInput(f"{field.label}, row {n}: {exc.message}") from None
    if field.required and not rows:
        raise InvalidInput(f"{field.label} needs at least one row")
    return rows


def settled_value(values: Sequence[FieldValue], workflow: str) -> Value:
    """The value a report shows: the consensus where one is recorded; in dual extraction the
    extractors' value when they agree (else nothing yet); in verify mode the last correction,
    else the extracted value."""
    consensus = [v for v in values if v.kind == "consensus"]
    if consensus:
        return consensus[-1].value
    if workflow == "dual":
        extracted = {json.dumps(v.value, sort_keys=True) for v in values if v.kind == "extracted"}
        mine = [v.value for v in values if v.kind == "extracted"]
        return mine[0] if len(mine) >= 2 and len(extracted) == 1 else ""
    return final_value(values)


def form_field(review: ReviewContext, field_id: str) -> ExtractionField:
    for field in review.protocol.extraction.fields:
        if field.id == field_id:
            return field
    known = ", ".join(f.id for f in review.protocol.extraction.fields) or "none"
    raise InvalidInput(f"the extraction form has no field {field_id!r} (fields: {known})")


def _study(session: Session, review: ReviewContext, label: str) -> Study:
    study = study_by_label(session, review, label)
    if study is None:
        raise NotFound(f"review {review.slug!r} has no study {label!r}")
    return study


def save_value(
    session: Session,
    review: ReviewContext,
    actor: str,
    study: Study,
    field: ExtractionField,
    author: str,
    kind: str,
    value: Value,
) -> None:
    row = session.scalar(
        select(ExtractionValue).where(
            ExtractionValue.review_id == review.id,
            ExtractionValue.study_id == study.id,
            ExtractionValue.field == field.id,
            ExtractionValue.author == author,
        )
    )
    old = None if row is None else {"kind": row.kind, "value": row.value}
    new = {"kind": kind, "value": value}
    if old == new:
        return
    if row is None:
        row = ExtractionValue(review_id=review.id, study_id=study.id, field=field.id, author=author)
        session.add(row)
    row.kind, row.value, row.updated_at = kind, value, datetime.now(UTC)  # type: ignore[assignment]
    session.flush()
    record_change(
        session,
        actor=actor,
        action=f"extraction.{kind}",
        entity="extraction_value",
        entity_id=row.id,
        review_id=review.id,
        old=old and {"study": study.label, "field": field.id, **old},
        new={"study": study.label, "field": field.id, "author": author, **new},
    )


def extract(
    store: Store,
    review: ReviewContext,
    actor: str,
    study: str,
    field_id: str,
    value: Value,
) -> None:
    """Record ``actor``'s extracted value for a field of a study."""
    review.require(actor, "extraction.edit")
    field = form_field(review, field_id)
    checked = check_field(field, value)
    with store.write() as session:
        save_value(
            session,
            review,
            actor,
            _study(session, review, study),
            field,
            actor,
            "extracted",
            checked,
        )


def verify(
    store: Store,
    review: ReviewContext,
    actor: str,
    study: str,
    field_id: str,
    correction: Value | None = None,
) -> None:
    """A verifier accepts the extracted value (no ``correction``) or corrects it."""
    review.require(actor, "extraction.edit")
    field = form_field(review, field_id)
    with store.write() as session:
        check_field_of(session, review, actor, _study(session, review, study), field, correction)


def check_field_of(
    session: Session,
    review: ReviewContext,
    actor: str,
    target: Study,
    field: ExtractionField,
    correction: Value | None,
) -> None:
    """One verifier's check of one field: accept (``correction`` None) or correct it."""
    values = values_of(session, review, target.id).get(field.id, [])
    extracted = next((v for v in values if v.kind == "extracted"), None)
    if extracted is None:
        raise InvalidInput(f"{target.label}: {field.label} has not been extracted yet")
    if extracted.author == actor:
        raise InvalidInput("a verifier checks someone else's extraction, not their own")
    if correction is None:
        save_value(session, review, actor, target, field, actor, "verified", extracted.value)
    else:
        checked = check_field(field, correction)
        save_value(session, review, actor, target, field, actor, "corrected", checked)


def import_extraction(
    store: Store, review: ReviewContext, actor: str, data: bytes, file_name: str
) -> int:
    """Values from a CSV (study, field, value, author, kind = extracted | verified |
    corrected | consensus; a group's value is its rows as JSON), all or nothing; returns how
    many rows were stored."""
    review.require(actor, "review.manage")
    rows = _import_rows(data, file_name)
    with store.write() as session:
        for line, row in rows:
            try:
                field = form_field(review, row["field"])
                if row["kind"] not in ("extracted", "verified", "corrected", "consensus"):
                    raise InvalidInput(
                        f"kind {row['kind']!r} is not extracted, verified, corrected or consensus"
                    )
                if row["author"] != CONSENSUS and review.role_of(row["author"]) is None:
                    raise InvalidInput(f"{row['author']!r} is not in the review's team")
                save_value(
                    session,
                    review,
                    actor,
                    _study(session, review, row["study"]),
                    field,
                    row["author"],
                    row["kind"],
                    check_field(field, row["value"]),
                )
            except SysreviewError as exc:
                raise InvalidInput(f"{file_name}:{line}: {exc} (nothing was imported)") from None
    return len(rows)


def _import_rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file_name}: extraction values must be a UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"{file_name}:1: missing columns {', '.join(missing)}")
    return [
        (n, {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS})
        for n, row in enumerate(reader, start=2)
    ]


def values_of(
    session: Session, review: ReviewContext, study_id: int
) -> dict[str, list[FieldValue]]:
    found: dict[str, list[FieldValue]] = defaultdict(list)
    for row in session.scalars(
        select(ExtractionValue)
        .where(ExtractionValue.review_id == review.id, ExtractionValue.study_id == study_id)
        .order_by(ExtractionValue.updated_at, ExtractionValue.id)
    ):
        found[row.field].append(FieldValue(row.author, row.kind, row.value))  # type: ignore[arg-type]
    return found


def _cell(value: Any) -> str:
    """A value as one table cell; a group's rows as "a, b | c, d"."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return " | ".join(", ".join(_cell(v) for v in row.values() if _cell(v)) for row in value)
    return "; ".join(value) if isinstance(value, list) else str(value)


def table_one(store: Store, review: ReviewContext, actor: str) -> list[list[str]]:
    """Table 1: a row per study with each field's final value; header first."""
    review.require(actor, "records.view")
    fields = review.protocol.extraction.fields
    with store.read() as session:
        studies = session.scalars(
            select(Study).where(Study.review_id == review.id).order_by(Study.label)
        ).all()
        rows = [["Study", *(f.label for f in fields)]]
        for study in studies:
            values = values_of(session, review, study.id)
            if not values:
                continue
            workflow = review.protocol.extraction.workflow
            cells = [_cell(settled_value(values.get(f.id, []), workflow)) for f in fields]
            rows.append([study.label, *cells])
    return rows


def verification_status(store: Store, review: ReviewContext, actor: str) -> dict[str, int]:
    """How many study fields are extracted and how many fully verified."""
    review.require(actor, "records.view")
    needed = review.protocol.extraction.verifiers
    extracted = verified = 0
    with store.read() as session:
        for study_id in session.scalars(select(Study.id).where(Study.review_id == review.id)):
            for values in values_of(session, review, study_id).values():
                if any(v.kind == "extracted" for v in values):
                    extracted += 1
                    verified += is_verified(values, needed)
    return {"extracted": extracted, "verified": verified}
