"""Thematic synthesis, the codebook side: codes and themes, memos and notes, theme summaries and
GRADE-CERQual assessments.

Every edit loads the review's codebook, applies the pure operation from
:mod:`sysreview.synthesis.codebook` (which refuses cycles, a theme under a lower level and
sibling names that clash), saves the difference and writes one audit entry with the old and new
values, in one transaction. Coding lives in :mod:`sysreview.services.synthesis_coding`, the
matrix in :mod:`sysreview.services.synthesis_outputs`, files in
:mod:`sysreview.services.synthesis_transfer`.

Codes are addressed by id (the web's forms) or by path (``Theme > code``, the CLI);
:func:`code_by_path` turns one into the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import (
    CerqualAssessment,
    SynthesisCode,
    SynthesisCoding,
    SynthesisExcerpt,
    SynthesisMemo,
    ThemeSummary,
)
from sysreview.synthesis import cerqual
from sysreview.synthesis import codebook as cb


def _require_for_level(review: ReviewContext, actor: str, level: str) -> None:
    review.require(actor, "synthesis.code" if level == "code" else "synthesis.themes")


def codebook_in(session: Session, review: ReviewContext) -> cb.Codebook:
    """The review's codebook as the core's validated :class:`~sysreview.synthesis.codebook.
    Codebook` (for use inside another service's transaction)."""
    rows = session.scalars(select(SynthesisCode).where(SynthesisCode.review_id == review.id))
    return cb.codebook(cb.Code(r.id, r.name, r.level, r.parent_id, r.definition) for r in rows)


def load_codebook(store: Store, review: ReviewContext, actor: str) -> cb.Codebook:
    """The review's codebook. ``walk()`` gives it in tree order with depths, ``path(id)`` a
    code's full name, ``children(id)`` and ``descendants(id)`` its subtree."""
    review.require(actor, "records.view")
    with store.read() as session:
        return codebook_in(session, review)


def code_by_path(store: Store, review: ReviewContext, actor: str, path: str) -> cb.Code:
    """The code a name or ``Theme > code`` path names; NotFound or InvalidInput (ambiguous)."""
    return load_codebook(store, review, actor).find(path)


def _row(session: Session, review: ReviewContext, code_id: int) -> SynthesisCode:
    row = session.scalar(
        select(SynthesisCode).where(
            SynthesisCode.id == code_id, SynthesisCode.review_id == review.id
        )
    )
    if row is None:
        raise NotFound(f"review {review.slug!r} has no code {code_id}")
    return row


def _as_dict(book: cb.Codebook, code: cb.Code) -> dict[str, Any]:
    parent = None if code.parent is None else book.path(code.parent)
    return {
        "name": code.name,
        "level": code.level,
        "parent": parent,
        "definition": code.definition,
    }


def _audit(
    session: Session,
    review: ReviewContext,
    actor: str,
    action: str,
    entity_id: object,
    old: Any,
    new: Any,
    entity: str = "synthesis_code",
) -> None:
    record_change(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        review_id=review.id,
        old=old,
        new=new,
    )


def add_code(
    store: Store,
    review: ReviewContext,
    actor: str,
    name: str,
    *,
    level: str = "code",
    parent: int | None = None,
    definition: str = "",
) -> cb.Code:
    """A new code (``level="code"``) or theme (``"descriptive"``, ``"analytical"``) under
    ``parent`` (a code id; None for the top level). Adding a code needs ``synthesis.code``,
    a theme ``synthesis.themes``."""
    _require_for_level(review, actor, level)
    with store.write() as session:
        return add_code_in(session, review, actor, name, level, parent, definition)


def add_code_in(
    session: Session,
    review: ReviewContext,
    actor: str,
    name: str,
    level: str,
    parent: int | None,
    definition: str = "",
) -> cb.Code:
    """:func:`add_code` inside the caller's transaction (the import creates codes with it)."""
    book = codebook_in(session, review)
    row = SynthesisCode(
        review_id=review.id,
        parent_id=parent,
        name=name.strip(),
        level=level,
        definition=definition.strip(),
        created_at=datetime.now(UTC),
    )
    if parent is not None:
        book.get(parent)
    session.add(row)
    session.flush()
    code = cb.Code(row.id, row.name, level, parent, row.definition)
    book = cb.add_code(book, code)
    _audit(session, review, actor, "synthesis.code.add", row.id, None, _as_dict(book, code))
    return code


def rename_code(
    store: Store,
    review: ReviewContext,
    actor: str,
    code_id: int,
    name: str,
    definition: str | None = None,
) -> cb.Code:
    """Rename a code or theme, and change its definition when one is given."""
    with store.write() as session:
        row = _row(session, review, code_id)
        _require_for_level(review, actor, row.level)
        book = codebook_in(session, review)
        old = _as_dict(book, book.get(code_id))
        book = cb.rename_code(book, code_id, name, definition)
        code = book.get(code_id)
        row.name, row.definition = code.name, code.definition
        _audit(session, review, actor, "synthesis.code.rename", code_id, old, _as_dict(book, code))
        return code


def move_code(
    store: Store,
    review: ReviewContext,
    actor: str,
    code_id: int,
    parent: int | None,
    level: str | None = None,
) -> cb.Code:
    """File a code or theme under ``parent`` (None: top level), optionally changing its level
    (a code promoted to a theme); its subtree moves with it. Refused if it would make a cycle,
    put a theme under a lower level or clash with a sibling's name."""
    review.require(actor, "synthesis.themes")
    with store.write() as session:
        row = _row(session, review, code_id)
        if parent is not None:
            _row(session, review, parent)
        book = codebook_in(session, review)
        old = _as_dict(book, book.get(code_id))
        book = cb.move_code(book, code_id, parent, level)
        code = book.get(code_id)
        row.parent_id, row.level = code.parent, code.level
        _audit(session, review, actor, "synthesis.code.move", code_id, old, _as_dict(book, code))
        return code


def merge_codes(
    store: Store, review: ReviewContext, actor: str, sources: list[int], target: int
) -> cb.Code:
    """Merge codes into ``target``: their excerpts, children and memos move to the target (an
    excerpt coded with both keeps one link); the merged codes, with any summary or CERQual
    assessment of their own, are removed. The audit entry keeps what each merged code was."""
    review.require(actor, "synthesis.themes")
    with store.write() as session:
        for code_id in [*sources, target]:
            _row(session, review, code_id)
        book = codebook_in(session, review)
        old = {str(s): _as_dict(book, book.get(s)) for s in sources}
        merged = cb.merge_codes(book, sources, target)
        for source in merged.relink:
            _relink(session, source, target)
            session.execute(
                update(SynthesisCode)
                .where(SynthesisCode.parent_id == source)
                .values(parent_id=target)
            )
            session.execute(
                update(SynthesisMemo).where(SynthesisMemo.code_id == source).values(code_id=target)
            )
            for model in (ThemeSummary, CerqualAssessment):
                session.execute(delete(model).where(model.code_id == source))
            session.flush()
            session.execute(delete(SynthesisCode).where(SynthesisCode.id == source))
        result = merged.codebook.get(target)
        _audit(
            session,
            review,
            actor,
            "synthesis.code.merge",
            target,
            old,
            {"into": merged.codebook.path(target), "merged": sorted(old)},
        )
        return result


def _relink(session: Session, source: int, target: int) -> None:
    """Move every excerpt coded ``source`` to ``target``, once per excerpt."""
    already = set(
        session.scalars(select(SynthesisCoding.excerpt_id).where(SynthesisCoding.code_id == target))
    )
    for link in session.scalars(select(SynthesisCoding).where(SynthesisCoding.code_id == source)):
        if link.excerpt_id in already:
            session.delete(link)
        else:
            link.code_id = target
            already.add(link.excerpt_id)
    session.flush()


def split_code(
    store: Store,
    review: ReviewContext,
    actor: str,
    code_id: int,
    name: str,
    excerpt_ids: list[int],
    definition: str = "",
) -> cb.Code:
    """Split a code: a new sibling ``name`` takes the excerpts ``excerpt_ids`` (each must be
    coded with ``code_id``) from it."""
    review.require(actor, "synthesis.themes")
    with store.write() as session:
        original = _row(session, review, code_id)
        linked = {
            link.excerpt_id: link
            for link in session.scalars(
                select(SynthesisCoding).where(SynthesisCoding.code_id == code_id)
            )
        }
        missing = sorted(set(excerpt_ids) - set(linked))
        if missing:
            raise InvalidInput(f"excerpt {missing[0]} is not coded {original.name!r}")
        new = add_code_in(
            session, review, actor, name, original.level, original.parent_id, definition
        )
        for excerpt_id in excerpt_ids:
            linked[excerpt_id].code_id = new.id
        _audit(
            session,
            review,
            actor,
            "synthesis.code.split",
            code_id,
            {"code": original.name, "excerpts": sorted(linked)},
            {"new_code": new.name, "excerpts": sorted(excerpt_ids)},
        )
        return new


def delete_code(store: Store, review: ReviewContext, actor: str, code_id: int) -> None:
    """Remove a code that has no codes under it and no excerpts (merge it to keep them)."""
    review.require(actor, "synthesis.themes")
    with store.write() as session:
        row = _row(session, review, code_id)
        book = codebook_in(session, review)
        old = _as_dict(book, book.get(code_id))
        cb.delete_code(book, code_id)
        used = session.scalar(
            select(func.count())
            .select_from(SynthesisCoding)
            .where(SynthesisCoding.code_id == code_id)
        )
        if used:
            raise InvalidInput(f"{row.name!r} codes {used} excerpt(s): merge it instead")
        session.delete(row)
        _audit(session, review, actor, "synthesis.code.delete", code_id, old, None)


@dataclass(frozen=True)
class Memo:
    id: int
    title: str
    text: str
    author: str
    code_id: int | None
    study: str | None
    updated_at: datetime


def write_memo(
    store: Store,
    review: ReviewContext,
    actor: str,
    title: str,
    text: str,
    *,
    code_id: int | None = None,
    study: str | None = None,
) -> Memo:
    """Write (or rewrite) the memo ``title`` on a code or theme, or the note ``title`` on a
    study (give exactly one of ``code_id`` and ``study``). A study's notes can be coded."""
    review.require(actor, "synthesis.code")
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise InvalidInput("a memo or note needs a title and some text")
    if (code_id is None) == (study is None):
        raise InvalidInput("a memo is about one code or theme, or one study")
    with store.write() as session:
        study_id = None
        if code_id is not None:
            _row(session, review, code_id)
        else:
            found = study_by_label(session, review, study or "")
            if found is None:
                raise NotFound(f"review {review.slug!r} has no study {study!r}")
            study_id = found.id
        row = _memo_row(session, review, title, code_id, study_id)
        old = None if row is None else {"title": row.title, "text": row.text}
        if row is not None and _is_coded(session, row, text):
            raise InvalidInput(f"the note {title!r} has coded excerpts: write a new note instead")
        if row is None:
            row = SynthesisMemo(
                review_id=review.id, code_id=code_id, study_id=study_id, title=title, text=text
            )
            session.add(row)
        row.text, row.author, row.updated_at = text, actor, datetime.now(UTC)
        session.flush()
        _audit(
            session,
            review,
            actor,
            "synthesis.memo.write",
            row.id,
            old,
            {"title": title, "text": text, "code": code_id, "study": study},
            entity="synthesis_memo",
        )
        return Memo(row.id, title, text, actor, code_id, study, row.updated_at)


def _memo_row(
    session: Session, review: ReviewContext, title: str, code_id: int | None, study_id: int | None
) -> SynthesisMemo | None:
    return session.scalar(
        select(SynthesisMemo).where(
            SynthesisMemo.review_id == review.id,
            SynthesisMemo.title == title,
            SynthesisMemo.code_id.is_(None)
            if code_id is None
            else SynthesisMemo.code_id == code_id,
            SynthesisMemo.study_id.is_(None)
            if study_id is None
            else SynthesisMemo.study_id == study_id,
        )
    )


def _is_coded(session: Session, memo: SynthesisMemo, text: str) -> bool:
    """Whether changing a study note's text would move words under its coded excerpts."""
    if memo.study_id is None or memo.text == text:
        return False
    excerpts = session.scalars(
        select(SynthesisExcerpt.location).where(
            SynthesisExcerpt.study_id == memo.study_id, SynthesisExcerpt.source == "note"
        )
    )
    return any(location.get("note") == memo.title for location in excerpts)


def memos(
    store: Store,
    review: ReviewContext,
    actor: str,
    *,
    code_id: int | None = None,
    study: str | None = None,
) -> list[Memo]:
    """The memos on a code or theme, or the notes on a study, by title."""
    review.require(actor, "records.view")
    with store.read() as session:
        query = select(SynthesisMemo).where(SynthesisMemo.review_id == review.id)
        if code_id is not None:
            query = query.where(SynthesisMemo.code_id == code_id)
        if study is not None:
            found = study_by_label(session, review, study)
            if found is None:
                raise NotFound(f"review {review.slug!r} has no study {study!r}")
            query = query.where(SynthesisMemo.study_id == found.id)
        rows = session.scalars(query.order_by(SynthesisMemo.title)).all()
        return [Memo(r.id, r.title, r.text, r.author, r.code_id, study, r.updated_at) for r in rows]


def set_theme_summary(
    store: Store, review: ReviewContext, actor: str, code_id: int, text: str
) -> None:
    """Write the narrative summary of a theme (empty text removes it)."""
    review.require(actor, "synthesis.themes")
    with store.write() as session:
        _row(session, review, code_id)
        row = session.scalar(
            select(ThemeSummary).where(
                ThemeSummary.review_id == review.id, ThemeSummary.code_id == code_id
            )
        )
        old = None if row is None else row.text
        text = text.strip()
        if old == (text or None):
            return
        if not text:
            assert row is not None
            session.delete(row)
        else:
            if row is None:
                row = ThemeSummary(review_id=review.id, code_id=code_id)
                session.add(row)
            row.text, row.author, row.updated_at = text, actor, datetime.now(UTC)
        _audit(
            session, review, actor, "synthesis.summary", code_id, old, text or None, "theme_summary"
        )


def theme_summaries(store: Store, review: ReviewContext, actor: str) -> dict[int, str]:
    """Each theme's narrative summary, by code id."""
    review.require(actor, "records.view")
    with store.read() as session:
        return summaries_in(session, review)


def summaries_in(session: Session, review: ReviewContext) -> dict[int, str]:
    rows = session.execute(
        select(ThemeSummary.code_id, ThemeSummary.text).where(ThemeSummary.review_id == review.id)
    )
    return {code_id: text for code_id, text in rows}


def assess_confidence(
    store: Store, review: ReviewContext, actor: str, code_id: int, data: dict[str, Any]
) -> cerqual.Assessment:
    """Record the GRADE-CERQual assessment of a theme's finding. ``data`` holds ``finding``,
    ``components`` (each of methodological_limitations, coherence, adequacy, relevance →
    ``{"concern": none|minor|moderate|serious, "explanation": ...}``), ``overall`` (high,
    moderate, low, very low) and ``explanation``; it is validated before anything is saved."""
    review.require(actor, "synthesis.themes")
    assessed = cerqual.assessment(data)
    with store.write() as session:
        _row(session, review, code_id)
        row = session.scalar(
            select(CerqualAssessment).where(
                CerqualAssessment.review_id == review.id, CerqualAssessment.code_id == code_id
            )
        )
        old = None if row is None else _cerqual_of(row).to_dict()
        if row is None:
            row = CerqualAssessment(review_id=review.id, code_id=code_id)
            session.add(row)
        new = assessed.to_dict()
        row.finding, row.components = assessed.finding, new["components"]
        row.overall, row.explanation = assessed.overall, assessed.explanation
        row.assessor, row.updated_at = actor, datetime.now(UTC)
        _audit(session, review, actor, "synthesis.cerqual", code_id, old, new, "cerqual")
        return assessed


def _cerqual_of(row: CerqualAssessment) -> cerqual.Assessment:
    return cerqual.assessment(
        {
            "finding": row.finding,
            "components": row.components,
            "overall": row.overall,
            "explanation": row.explanation,
        }
    )


def confidence_assessments(
    store: Store, review: ReviewContext, actor: str
) -> dict[int, cerqual.Assessment]:
    """Each assessed theme's CERQual assessment, by code id."""
    review.require(actor, "records.view")
    with store.read() as session:
        return assessments_in(session, review)


def assessments_in(session: Session, review: ReviewContext) -> dict[int, cerqual.Assessment]:
    rows = session.scalars(
        select(CerqualAssessment).where(CerqualAssessment.review_id == review.id)
    )
    return {row.code_id: _cerqual_of(row) for row in rows}
