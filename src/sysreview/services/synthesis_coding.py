"""Coding: applying codes to spans of a study's extracted data, a report's full text or a note,
and comparing independent coders.

A coded excerpt keeps its study, report (None for extracted data and notes, which are per
study), source, location and coder; its location is checked against the source text when it is
made (see :mod:`sysreview.synthesis.excerpts`), so it always points at its own words.
Quantitative findings ("86 % of mentees reported improved communication") are coded the same
way, which is how a convergent synthesis "qualitises" them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound, PermissionDenied
from sysreview.extraction import FieldValue, final_value
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.services.synthesis import codebook_in
from sysreview.services.synthesis_blind import coders_visible_to
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import (
    ExtractionValue,
    FullText,
    Study,
    StudyReport,
    SynthesisCoding,
    SynthesisExcerpt,
    SynthesisMemo,
)
from sysreview.synthesis import coding_agreement
from sysreview.synthesis.excerpts import Location, anchor


@dataclass(frozen=True)
class ExcerptInfo:
    """A coded excerpt as pages and exports show it."""

    id: int
    study: str
    report: int | None
    source: str
    location: Location
    text: str
    coder: str
    codes: tuple[int, ...]


@dataclass(frozen=True)
class SourceText:
    """A text of a study that can be coded: ``location`` says where it is (no offsets yet)."""

    label: str
    location: Location
    report: int | None
    text: str


def _study(session: Session, review: ReviewContext, label: str) -> Study:
    study = study_by_label(session, review, label)
    if study is None:
        raise NotFound(f"review {review.slug!r} has no study {label!r}")
    return study


def value_text(value: Any) -> str:
    """An extracted value as the text a coder reads: lists joined by ``; ``, a group's rows
    one per line as ``column: value`` pairs."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
        return "\n".join(
            "; ".join(f"{k}: {value_text(v)}" for k, v in row.items()) for row in value
        )
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return "" if value is None else str(value)


def field_text(session: Session, review: ReviewContext, study: Study, field_id: str) -> str:
    fields = {f.id: f for f in review.protocol.extraction.fields}
    if field_id not in fields:
        known = ", ".join(fields) or "none"
        raise InvalidInput(f"the extraction form has no field {field_id!r} (fields: {known})")
    rows = session.scalars(
        select(ExtractionValue)
        .where(
            ExtractionValue.review_id == review.id,
            ExtractionValue.study_id == study.id,
            ExtractionValue.field == field_id,
        )
        .order_by(ExtractionValue.updated_at, ExtractionValue.id)
    ).all()
    consensus = [r.value for r in rows if r.kind == "consensus"]
    values = [FieldValue(r.author, r.kind, r.value) for r in rows]  # type: ignore[arg-type]
    return value_text(consensus[-1] if consensus else final_value(values))


def _note_text(session: Session, review: ReviewContext, study: Study, title: str) -> str:
    text = session.scalar(
        select(SynthesisMemo.text).where(
            SynthesisMemo.review_id == review.id,
            SynthesisMemo.study_id == study.id,
            SynthesisMemo.title == title,
        )
    )
    if text is None:
        raise NotFound(f"{study.label} has no note {title!r}")
    return text


def _full_text(session: Session, review: ReviewContext, study: Study, report: int | None) -> str:
    if report is None:
        raise InvalidInput("a full-text excerpt names its report (the record id)")
    row = session.scalar(
        select(FullText).where(FullText.review_id == review.id, FullText.record_id == report)
    )
    if row is None or row.status != "retrieved" or not row.text:
        raise NotFound(f"report {report} has no full text to code")
    return row.text


def _check_report(session: Session, study: Study, report: int | None) -> None:
    if report is None:
        return
    owner = session.scalar(select(StudyReport.study_id).where(StudyReport.record_id == report))
    if owner != study.id:
        raise InvalidInput(f"record {report} is not a report of {study.label}")


def source_text(
    session: Session, review: ReviewContext, study: Study, location: Location, report: int | None
) -> str:
    """The whole text a location points into: a field's value, a note, or a full text."""
    _check_report(session, study, report)
    if location.source == "extraction":
        return field_text(session, review, study, location.field or "")
    if location.source == "note":
        return _note_text(session, review, study, location.note or "")
    return _full_text(session, review, study, report)


def study_sources(store: Store, review: ReviewContext, actor: str, study: str) -> list[SourceText]:
    """Every text of a study a coder can code: each extraction field with a value, each note,
    and the full text of each of its reports that has one (the coding page's left side)."""
    review.require(actor, "records.view")
    with store.read() as session:
        found = _study(session, review, study)
        out = []
        for field in review.protocol.extraction.fields:
            text = field_text(session, review, found, field.id)
            if text:
                out.append(
                    SourceText(field.label, Location("extraction", field=field.id), None, text)
                )
        for title, text in session.execute(
            select(SynthesisMemo.title, SynthesisMemo.text)
            .where(SynthesisMemo.study_id == found.id)
            .order_by(SynthesisMemo.title)
        ):
            out.append(SourceText(f"Note: {title}", Location("note", note=title), None, text))
        for record_id, text in session.execute(
            select(FullText.record_id, FullText.text)
            .join(StudyReport, StudyReport.record_id == FullText.record_id)
            .where(StudyReport.study_id == found.id, FullText.status == "retrieved")
            .order_by(FullText.record_id)
        ):
            if text:
                label = f"Full text of report {record_id}"
                out.append(SourceText(label, Location("fulltext"), record_id, text))
        return out


def _check_coder(review: ReviewContext, actor: str, coder: str) -> None:
    if coder != actor:
        review.require(actor, "review.manage")
    if review.role_of(coder) is None:
        raise InvalidInput(f"coder {coder!r} is not in the review's team")


def code_excerpt(
    store: Store,
    review: ReviewContext,
    actor: str,
    study: str,
    location: Location,
    code_ids: list[int],
    *,
    text: str = "",
    report: int | None = None,
    coder: str | None = None,
) -> ExcerptInfo:
    """Apply codes to a span of a study's text. ``location`` names the field, note or page and
    (optionally) the character offsets; ``text`` the excerpt's words (found in the source when
    no offsets are given). ``coder`` defaults to the actor; coding in someone else's name needs
    ``review.manage`` (an import of a team's coding)."""
    review.require(actor, "synthesis.code")
    coder = coder or actor
    _check_coder(review, actor, coder)
    with store.write() as session:
        target = _study(session, review, study)
        placed, words = anchor(
            location, source_text(session, review, target, location, report), text
        )
        return save_excerpt(session, review, actor, target, placed, words, code_ids, report, coder)


def save_excerpt(
    session: Session,
    review: ReviewContext,
    actor: str,
    study: Study,
    location: Location,
    text: str,
    code_ids: list[int],
    report: int | None,
    coder: str,
) -> ExcerptInfo:
    """Store an anchored excerpt with its codes, or add the codes to the same coder's excerpt
    at the same place; one audit entry. Inside the caller's transaction."""
    if not code_ids:
        raise InvalidInput("apply at least one code")
    book = codebook_in(session, review)
    for code_id in code_ids:
        book.get(code_id)
    row = _same_excerpt(session, review, study, location, report, coder)
    old = None
    if row is None:
        row = SynthesisExcerpt(
            review_id=review.id,
            study_id=study.id,
            record_id=report,
            source=location.source,
            location=location.to_dict(),
            text=text,
            coder=coder,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
    have = set(
        session.scalars(select(SynthesisCoding.code_id).where(SynthesisCoding.excerpt_id == row.id))
    )
    if have:
        old = {"codes": sorted(book.path(c) for c in have)}
    for code_id in sorted(set(code_ids) - have):
        session.add(SynthesisCoding(excerpt_id=row.id, code_id=code_id))
    session.flush()
    codes = tuple(sorted(have | set(code_ids)))
    if set(code_ids) - have:
        record_change(
            session,
            actor=actor,
            action="synthesis.excerpt.code",
            entity="synthesis_excerpt",
            entity_id=row.id,
            review_id=review.id,
            old=old,
            new={
                "study": study.label,
                "report": report,
                "source": location.source,
                "location": location.text(),
                "text": text,
                "coder": coder,
                "codes": sorted(book.path(c) for c in codes),
            },
        )
    return ExcerptInfo(row.id, study.label, report, location.source, location, text, coder, codes)


def _same_excerpt(
    session: Session,
    review: ReviewContext,
    study: Study,
    location: Location,
    report: int | None,
    coder: str,
) -> SynthesisExcerpt | None:
    candidates = session.scalars(
        select(SynthesisExcerpt).where(
            SynthesisExcerpt.review_id == review.id,
            SynthesisExcerpt.study_id == study.id,
            SynthesisExcerpt.source == location.source,
            SynthesisExcerpt.coder == coder,
        )
    )
    wanted = location.to_dict()
    return next((c for c in candidates if c.location == wanted and c.record_id == report), None)


def _excerpt_row(session: Session, review: ReviewContext, excerpt_id: int) -> SynthesisExcerpt:
    row = session.scalar(
        select(SynthesisExcerpt).where(
            SynthesisExcerpt.id == excerpt_id, SynthesisExcerpt.review_id == review.id
        )
    )
    if row is None:
        raise NotFound(f"review {review.slug!r} has no excerpt {excerpt_id}")
    return row


def _may_edit(review: ReviewContext, actor: str, row: SynthesisExcerpt) -> None:
    review.require(actor, "synthesis.code")
    if row.coder != actor:
        review.require(actor, "synthesis.themes")


def set_excerpt_codes(
    store: Store, review: ReviewContext, actor: str, excerpt_id: int, code_ids: list[int]
) -> ExcerptInfo:
    """Replace the codes applied to an excerpt (the coder's own, or anyone's with the right to
    edit themes)."""
    if not code_ids:
        raise InvalidInput("an excerpt keeps at least one code: delete the excerpt instead")
    with store.write() as session:
        row = _excerpt_row(session, review, excerpt_id)
        _may_edit(review, actor, row)
        book = codebook_in(session, review)
        for code_id in code_ids:
            book.get(code_id)
        links = session.scalars(
            select(SynthesisCoding).where(SynthesisCoding.excerpt_id == row.id)
        ).all()
        old = sorted(book.path(link.code_id) for link in links)
        for link in links:
            if link.code_id not in code_ids:
                session.delete(link)
        for code_id in sorted(set(code_ids) - {link.code_id for link in links}):
            session.add(SynthesisCoding(excerpt_id=row.id, code_id=code_id))
        session.flush()
        new = sorted(book.path(c) for c in set(code_ids))
        if old != new:
            record_change(
                session,
                actor=actor,
                action="synthesis.excerpt.recode",
                entity="synthesis_excerpt",
                entity_id=row.id,
                review_id=review.id,
                old={"codes": old},
                new={"codes": new},
            )
        return _info(session, row, tuple(sorted(set(code_ids))))


def delete_excerpt(store: Store, review: ReviewContext, actor: str, excerpt_id: int) -> None:
    """Remove a coded excerpt and its codes; the audit entry keeps what it was."""
    with store.write() as session:
        row = _excerpt_row(session, review, excerpt_id)
        _may_edit(review, actor, row)
        old = {"study_id": row.study_id, "location": row.location, "text": row.text}
        session.delete(row)
        record_change(
            session,
            actor=actor,
            action="synthesis.excerpt.delete",
            entity="synthesis_excerpt",
            entity_id=excerpt_id,
            review_id=review.id,
            old={**old, "coder": row.coder},
        )


def _info(session: Session, row: SynthesisExcerpt, codes: tuple[int, ...]) -> ExcerptInfo:
    label = session.scalar(select(Study.label).where(Study.id == row.study_id)) or ""
    location = Location.from_dict(row.location)
    return ExcerptInfo(
        row.id, label, row.record_id, row.source, location, row.text, row.coder, codes
    )


def excerpts_in(
    session: Session,
    review: ReviewContext,
    *,
    study: str | None = None,
    coder: str | None = None,
    viewer: str | None = None,
) -> list[ExcerptInfo]:
    """The review's coded excerpts (optionally one study's or one coder's), by study and
    position, leaving out what blind coding hides from ``viewer`` (given whenever the result
    reaches a person); for use inside another service's transaction."""
    query = (
        select(SynthesisExcerpt, Study.label)
        .join(Study, Study.id == SynthesisExcerpt.study_id)
        .where(SynthesisExcerpt.review_id == review.id)
    )
    if study is not None:
        query = query.where(Study.label == study)
    if coder is not None:
        query = query.where(SynthesisExcerpt.coder == coder)
    visible = coders_visible_to(session, review, viewer) if viewer is not None else None
    if visible is not None:
        query = query.where(SynthesisExcerpt.coder.in_(sorted(visible)))
    rows = session.execute(query.order_by(Study.label, SynthesisExcerpt.id)).all()
    codes: dict[int, list[int]] = {}
    for excerpt_id, code_id in session.execute(
        select(SynthesisCoding.excerpt_id, SynthesisCoding.code_id)
        .join(SynthesisExcerpt, SynthesisExcerpt.id == SynthesisCoding.excerpt_id)
        .where(SynthesisExcerpt.review_id == review.id)
    ):
        codes.setdefault(excerpt_id, []).append(code_id)
    return [
        ExcerptInfo(
            row.id,
            label,
            row.record_id,
            row.source,
            Location.from_dict(row.location),
            row.text,
            row.coder,
            tuple(sorted(codes.get(row.id, []))),
        )
        for row, label in rows
    ]


def list_excerpts(
    store: Store,
    review: ReviewContext,
    actor: str,
    *,
    study: str | None = None,
    code_id: int | None = None,
    coder: str | None = None,
) -> list[ExcerptInfo]:
    """Coded excerpts, optionally of one study, one coder, or one code (with everything filed
    under it)."""
    review.require(actor, "records.view")
    with store.read() as session:
        found = excerpts_in(session, review, study=study, coder=coder, viewer=actor)
        if code_id is None:
            return found
        book = codebook_in(session, review)
        covered = {book.get(code_id).id} | book.descendants(code_id)
        return [e for e in found if covered.intersection(e.codes)]


def compare_coders(
    store: Store, review: ReviewContext, actor: str, coders: list[str] | None = None
) -> dict[str, Any]:
    """Independent coders compared on whether each applied each code to each study they have
    both coded: per study and code, who applied it and whether all agree; per coder pair,
    Cohen's kappa with 95 % CI, PABAK and Gwet's AC1; with three or more coders, Fleiss' kappa
    and Krippendorff's alpha. Only codes that some compared coder applied are items."""
    review.require(actor, "review.status")
    with store.read() as session:
        if coders_visible_to(session, review, actor) is not None:
            raise PermissionDenied(
                "coding is blind: the comparison opens when the owner ends blind coding"
            )
        book = codebook_in(session, review)
        found = excerpts_in(session, review)
    if coders is not None:
        found = [e for e in found if e.coder in coders]
    by_coder = coding_agreement.presence([(e.coder, e.study, c) for e in found for c in e.codes])
    for coder in coders or []:
        if coder not in by_coder:
            raise NotFound(f"{coder!r} has coded nothing in review {review.slug!r}")
    if len(by_coder) < 2:
        raise InvalidInput("agreement needs excerpts from at least two coders")
    used = sorted({c for e in found for c in e.codes}, key=book.path)
    comparison = coding_agreement.compare(by_coder, used)
    stats = coding_agreement.agreement(by_coder, used)
    return {
        **stats,
        "studies": coding_agreement.shared_studies(by_coder, sorted(by_coder)),
        "codes": {code_id: book.path(code_id) for code_id in used},
        "comparison": [
            {
                "study": c.study,
                "code_id": c.code_id,
                "code": book.path(c.code_id),
                "applied_by": list(c.applied_by),
                "state": c.state,
            }
            for c in comparison
        ],
    }
