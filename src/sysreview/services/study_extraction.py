"""Extracting one study's data through its form, as the protocol's workflow says.

``verify`` (the reference review): one extractor fills the form; each verifier then accepts or
corrects every field. ``dual``: two extractors fill the form independently; while neither has
finished, each sees only their own values (the one ``consensus.visibility`` rule decides, as
it does for screening and appraisal); once both have, the fields are compared and the two (or
the arbiter or owner) record the consensus. A form is saved whole, in one transaction, each
changed field with its audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.consensus import Judgement, visibility
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.extraction import FieldValue, is_verified
from sysreview.protocol import ExtractionField
from sysreview.services.dual_appraisal import study_by_id
from sysreview.services.extraction import (
    CONSENSUS,
    Value,
    check_field,
    check_field_of,
    save_value,
    settled_value,
    values_of,
)
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store
from sysreview.store.models import Study

REQUIRED = 2


@dataclass(frozen=True)
class FieldView:
    """One field as the viewer may see it: their own value, the values they may see of
    others (by person), their verification, and the value a report would show."""

    field: ExtractionField
    mine: Value | None
    others: dict[str, Value]
    checks: dict[str, str]
    my_check: str | None
    differs: bool
    consensus: Value | None
    final: Value


@dataclass(frozen=True)
class ExtractionView:
    """A study's extraction: ``state`` is ``not_started``, ``extracted`` or ``verified``
    (verify workflow), or ``in_progress``, ``discrepancies``, ``agreed``, ``consensus`` (dual)."""

    study_id: int
    study: str
    workflow: str
    state: str
    extractors: tuple[str, ...]
    fields: tuple[FieldView, ...]
    may_extract: bool
    may_verify: bool
    may_record_consensus: bool


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _extractors(values: Mapping[str, list[FieldValue]]) -> tuple[str, ...]:
    seen = {v.author for vs in values.values() for v in vs if v.kind == "extracted"}
    return tuple(sorted(seen))


def _done(review: ReviewContext, values: Mapping[str, list[FieldValue]], who: str) -> bool:
    mine = {
        f: [v for v in vs if v.author == who and v.kind == "extracted"] for f, vs in values.items()
    }
    return all(mine.get(f.id) for f in review.protocol.extraction.fields)


def _state(review: ReviewContext, values: Mapping[str, list[FieldValue]]) -> tuple[str, str]:
    """(the study's state, the consensus module's state for the visibility rule)."""
    form = review.protocol.extraction
    extractors = _extractors(values)
    if form.workflow == "verify":
        if not extractors:
            return "not_started", "in_progress"
        checked = all(is_verified(values.get(f.id, []), form.verifiers) for f in form.fields)
        return ("verified" if checked else "extracted"), "include"
    if all(any(v.kind == "consensus" for v in values.get(f.id, [])) for f in form.fields):
        return "consensus", "include"
    done = [who for who in extractors if _done(review, values, who)]
    if len(done) < REQUIRED:
        return ("in_progress" if extractors else "not_started"), "in_progress"
    differ = any(_differs(values.get(f.id, []), done) for f in form.fields)
    return ("discrepancies", "conflict") if differ else ("agreed", "include")


def _differs(values: list[FieldValue], among: list[str] | tuple[str, ...]) -> bool:
    given = {_key(v.value) for v in values if v.kind == "extracted" and v.author in among}
    return len(given) > 1


def _may_resolve(review: ReviewContext, actor: str, values: Any) -> bool:
    if allowed(review.role_of(actor), "conflict.resolve"):
        return True
    done = [who for who in _extractors(values) if _done(review, values, who)]
    return len(done) >= REQUIRED and actor in done


def _view(review: ReviewContext, actor: str, study: Study, values: Any) -> ExtractionView:
    form = review.protocol.extraction
    state, settled = _state(review, values)
    extractors = _extractors(values)
    may_resolve = _may_resolve(review, actor, values)
    blind = form.workflow == "dual"
    judgements = [Judgement(who, "extracted") for who in extractors]
    shown = {
        j.reviewer
        for j in visibility(actor, judgements, blind=blind, state=settled, may_resolve=may_resolve)
    }
    fields = []
    for field in form.fields:
        given = values.get(field.id, [])
        extracted = {v.author: v.value for v in given if v.kind == "extracted"}
        checks = {v.author: v.kind for v in given if v.kind in ("verified", "corrected")}
        corrections = {v.author: v.value for v in given if v.kind == "corrected"}
        others = {w: val for w, val in extracted.items() if w != actor and w in shown}
        if form.workflow == "verify":
            others |= {f"{w} (correction)": val for w, val in corrections.items() if w != actor}
        consensus = next((v.value for v in given if v.kind == "consensus"), None)
        visible = [w for w in extracted if w == actor or w in shown]
        fields.append(
            FieldView(
                field=field,
                mine=corrections.get(actor, extracted.get(actor)),
                others=others,
                checks=checks,
                my_check=checks.get(actor),
                differs=form.workflow == "dual" and _differs(given, visible) and len(visible) > 1,
                consensus=consensus,
                final=settled_value(given, form.workflow) if shown or not blind else "",
            )
        )
    role = review.role_of(actor)
    may_edit = allowed(role, "extraction.edit")
    return ExtractionView(
        study_id=study.id,
        study=study.label,
        workflow=form.workflow,
        state=state,
        extractors=extractors,
        fields=tuple(fields),
        may_extract=may_edit
        and (
            (form.workflow == "verify" and extractors in ((), (actor,)))
            or (form.workflow == "dual" and state != "consensus")
        ),
        may_verify=may_edit
        and form.workflow == "verify"
        and bool(extractors)
        and actor not in extractors,
        may_record_consensus=form.workflow == "dual"
        and state in ("discrepancies", "agreed", "consensus")
        and may_resolve,
    )


def extraction_view(
    store: Store, review: ReviewContext, actor: str, study_id: int
) -> ExtractionView:
    """The study's extraction as ``actor`` may see it."""
    review.require(actor, "records.view")
    with store.read() as session:
        study = study_by_id(session, review, study_id)
        return _view(review, actor, study, values_of(session, review, study.id))


def _checked(review: ReviewContext, submitted: Mapping[str, Any]) -> dict[str, Value]:
    """Every field of the form checked at once; one error lists each field that failed."""
    checked: dict[str, Value] = {}
    problems = []
    for field in review.protocol.extraction.fields:
        try:
            checked[field.id] = check_field(field, submitted.get(field.id, ""))
        except InvalidInput as exc:
            problems.append(exc.message)
    if problems:
        raise InvalidInput("; ".join(problems))
    return checked


def save_extraction(
    store: Store, review: ReviewContext, actor: str, study_id: int, submitted: Mapping[str, Any]
) -> ExtractionView:
    """Store ``actor``'s whole form for a study (all of it or none)."""
    review.require(actor, "extraction.edit")
    checked = _checked(review, submitted)
    with store.write() as session:
        study = study_by_id(session, review, study_id)
        values = values_of(session, review, study.id)
        _may_extract(review, actor, study, values)
        for field in review.protocol.extraction.fields:
            save_value(session, review, actor, study, field, actor, "extracted", checked[field.id])
        session.flush()
        return _view(review, actor, study, values_of(session, review, study.id))


def _may_extract(review: ReviewContext, actor: str, study: Study, values: Any) -> None:
    form = review.protocol.extraction
    others = [who for who in _extractors(values) if who != actor]
    if form.workflow == "verify" and others:
        raise InvalidInput(
            f"{study.label} was extracted by {others[0]}; verify it field by field instead"
        )
    if form.workflow == "dual":
        if _state(review, values)[0] == "consensus":
            raise InvalidInput(f"{study.label}: the consensus is recorded; extraction is closed")
        if len(others) >= REQUIRED:
            raise InvalidInput(f"{study.label} has its two independent extractions already")


def verify_extraction(
    store: Store,
    review: ReviewContext,
    actor: str,
    study_id: int,
    corrections: Mapping[str, Any | None],
) -> ExtractionView:
    """A verifier's check of every field at once: None accepts the extracted value, anything
    else corrects it. All fields or none are stored."""
    review.require(actor, "extraction.edit")
    if review.protocol.extraction.workflow != "verify":
        raise InvalidInput("this review extracts in duplicate: compare and agree a consensus")
    fields = {f.id: f for f in review.protocol.extraction.fields}
    unknown = sorted(set(corrections) - set(fields))
    if unknown:
        raise InvalidInput(f"the extraction form has no field {unknown[0]!r}")
    with store.write() as session:
        study = study_by_id(session, review, study_id)
        for field_id, correction in corrections.items():
            check_field_of(session, review, actor, study, fields[field_id], correction)
        session.flush()
        return _view(review, actor, study, values_of(session, review, study.id))


def record_extraction_consensus(
    store: Store, review: ReviewContext, actor: str, study_id: int, submitted: Mapping[str, Any]
) -> ExtractionView:
    """The agreed value of every field, once both extractors are done (dual workflow); by the
    arbiter, the owner, or one of the two extractors."""
    review.require(actor, "records.view")
    if review.protocol.extraction.workflow != "dual":
        raise InvalidInput("a consensus is for dual extraction; this review verifies instead")
    checked = _checked(review, submitted)
    with store.write() as session:
        study = study_by_id(session, review, study_id)
        values = values_of(session, review, study.id)
        if _state(review, values)[0] not in ("discrepancies", "agreed", "consensus"):
            raise InvalidInput(
                f"{study.label}: a consensus needs both extractors to have finished the form"
            )
        if not _may_resolve(review, actor, values):
            raise PermissionDenied(
                f"{actor} may not record the consensus: the arbiter, the owner or one of the "
                "two extractors does"
            )
        for field in review.protocol.extraction.fields:
            save_value(
                session, review, actor, study, field, CONSENSUS, "consensus", checked[field.id]
            )
        session.flush()
        return _view(review, actor, study, values_of(session, review, study.id))


def extraction_overview(store: Store, review: ReviewContext, actor: str) -> dict[int, str]:
    """Per study id, how far its extraction is (no values, only the state)."""
    review.require(actor, "records.view")
    with store.read() as session:
        return _overview(session, review)


def _overview(session: Session, review: ReviewContext) -> dict[int, str]:
    ids = session.scalars(select(Study.id).where(Study.review_id == review.id)).all()
    return {sid: _state(review, values_of(session, review, sid))[0] for sid in ids}
