"""Importing coding from a REFI-QDA project (.qdpx) written by NVivo, ATLAS.ti, MAXQDA or
sysreview's own export.

Each text source must name the study it was coded in the way the export names it:
``<study label>: <what>``, where what is an extraction field's label (or id), ``note TITLE``
or ``full text of report N``. The source's text in the project must still be the review's text
there: every selection is anchored against the review's own source, so coding never lands on
other words than the coder chose. Codes are matched by their path of names; a missing one is
created (a code with sub-codes as an analytical theme, a leaf as a code) with its description
as definition. A selection's coder is its creatingUser when that is a team member, else the
importing user. Selections with no code applied (ATLAS.ti keeps such quotations) carry
no coding and are passed over. All or nothing in one transaction; importing the same project
again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound, SysreviewError
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.services.synthesis import add_code_in, codebook_in
from sysreview.services.synthesis_coding import save_excerpt, source_text
from sysreview.store.engine import Store
from sysreview.store.models import Study, SynthesisExcerpt
from sysreview.synthesis.codebook import PATH_SEPARATOR
from sysreview.synthesis.excerpts import PAGE_BREAK, Location, anchor
from sysreview.synthesis.refiqda_read import QdaCode, QdaSelection, QdaSource, read_qdpx

NOTE_PREFIX = "note "
FULLTEXT_PREFIX = "full text of report "


@dataclass(frozen=True)
class ImportedProject:
    sources: int
    selections: int
    excerpts: int
    codes_created: tuple[str, ...]


@dataclass(frozen=True)
class _Target:
    study: Study
    location: Location
    report: int | None


def import_qdpx(
    store: Store, review: ReviewContext, actor: str, data: bytes, file_name: str
) -> ImportedProject:
    """Import a REFI-QDA project's codes and coded selections, all or nothing."""
    review.require(actor, "review.manage")
    project = read_qdpx(data, file_name)
    created: list[str] = []
    excerpts: set[int] = set()
    selections = 0
    try:
        with store.write() as session:
            code_ids = _codes(session, review, actor, project.codes, created)
            for source in project.sources:
                where = f"{file_name}: project.qde line {source.line}"
                target = _target(session, review, source, where)
                text = _review_text(session, review, target, where)
                for selection in source.selections:
                    if not selection.codes:  # a quotation no code was applied to: no coding
                        continue
                    selections += 1
                    excerpts.add(
                        _code_selection(
                            session,
                            review,
                            actor,
                            target,
                            text,
                            source,
                            selection,
                            code_ids,
                            f"{file_name}: project.qde line {selection.line}",
                        )
                    )
    except (InvalidInput, NotFound) as exc:
        raise InvalidInput(f"{exc.message} (nothing was imported)") from None
    return ImportedProject(len(project.sources), selections, len(excerpts), tuple(created))


def _codes(
    session: Session, review: ReviewContext, actor: str, codes: list[QdaCode], created: list[str]
) -> dict[str, int]:
    """The review's code id for each GUID, creating the codes the review lacks."""
    ids: dict[str, int] = {}
    by_path: dict[tuple[str, ...], int] = {}
    for code in codes:  # parents come before their sub-codes
        path = PATH_SEPARATOR.join(code.path)
        book = codebook_in(session, review)
        try:
            found = book.find(path).id
        except NotFound:
            review.require(actor, "synthesis.code")
            level = "analytical" if code.has_children else "code"
            parent = by_path.get(code.path[:-1]) if len(code.path) > 1 else None
            name = code.path[-1]
            found = add_code_in(session, review, actor, name, level, parent, code.description).id
            created.append(path)
        by_path[code.path] = found
        ids[code.guid] = found
    return ids


def _target(session: Session, review: ReviewContext, source: QdaSource, where: str) -> _Target:
    """The study and place a source's name points at (``<study label>: <what>``)."""
    name = source.name
    at = name.find(": ")
    while at >= 0:
        study = study_by_label(session, review, name[:at].strip())
        if study is not None:
            return _place(review, study, name[at + 2 :].strip(), where)
        at = name.find(": ", at + 1)
    raise InvalidInput(
        f"{where}: TextSource {name!r} names no study of review {review.slug!r} "
        "(sources are named '<study label>: <field, note TITLE or full text of report N>')"
    )


def _place(review: ReviewContext, study: Study, what: str, where: str) -> _Target:
    for f in review.protocol.extraction.fields:
        if what in (f.label, f.id):
            return _Target(study, Location("extraction", field=f.id), None)
    if what.startswith(NOTE_PREFIX):
        return _Target(study, Location("note", note=what.removeprefix(NOTE_PREFIX)), None)
    report = what.removeprefix(FULLTEXT_PREFIX)
    if what.startswith(FULLTEXT_PREFIX) and report.isdigit():
        return _Target(study, Location("fulltext"), int(report))
    raise InvalidInput(
        f"{where}: {what!r} in study {study.label!r} is not an extraction field, "
        "'note TITLE' or 'full text of report N'"
    )


def _review_text(session: Session, review: ReviewContext, target: _Target, where: str) -> str:
    try:
        return source_text(session, review, target.study, target.location, target.report)
    except SysreviewError as exc:
        raise InvalidInput(f"{where}: {exc.message}") from None


def _code_selection(
    session: Session,
    review: ReviewContext,
    actor: str,
    target: _Target,
    text: str,
    source: QdaSource,
    selection: QdaSelection,
    code_ids: dict[str, int],
    where: str,
) -> int:
    if selection.end > len(source.text):
        raise InvalidInput(
            f"{where}: selection {selection.start}-{selection.end} runs past the end of "
            f"its source ({len(source.text)} characters)"
        )
    unknown = [g for g in selection.codes if g not in code_ids]
    if unknown:
        raise InvalidInput(f"{where}: CodeRef {unknown[0]!r} names no code of the CodeBook")
    coder = selection.coder if review.role_of(selection.coder) is not None else actor
    location = _location(target.location, text, selection.start, selection.end)
    if location.page is not None and _unpaged_excerpt(session, review, target, coder, selection):
        location = Location("fulltext", start=selection.start, end=selection.end)
    try:
        placed, words = anchor(location, text, source.text[selection.start : selection.end])
        codes = sorted({code_ids[g] for g in selection.codes})
        saved = save_excerpt(
            session, review, actor, target.study, placed, words, codes, target.report, coder
        )
    except SysreviewError as exc:
        raise InvalidInput(f"{where}: {exc.message}") from None
    return saved.id


def _unpaged_excerpt(
    session: Session, review: ReviewContext, target: _Target, coder: str, selection: QdaSelection
) -> bool:
    """Whether the coder already has this span of the full text stored without a page (as a
    CSV import may store it), so importing our own export again finds it."""
    wanted = Location("fulltext", start=selection.start, end=selection.end).to_dict()
    rows = session.scalars(
        select(SynthesisExcerpt).where(
            SynthesisExcerpt.review_id == review.id,
            SynthesisExcerpt.study_id == target.study.id,
            SynthesisExcerpt.source == "fulltext",
            SynthesisExcerpt.coder == coder,
        )
    )
    return any(r.location == wanted and r.record_id == target.report for r in rows)


def _location(base: Location, text: str, start: int, end: int) -> Location:
    """Offsets into the whole text as the review keeps them: a full text's span within one
    page is kept as that page and offsets into it (as the coding screen stores it)."""
    if base.source == "fulltext" and PAGE_BREAK in text:
        before = 0
        for page, words in enumerate(text.split(PAGE_BREAK), start=1):
            if before <= start and end <= before + len(words):
                return Location("fulltext", page=page, start=start - before, end=end - before)
            before += len(words) + 1
    return Location(base.source, base.field, base.note, None, start, end)
