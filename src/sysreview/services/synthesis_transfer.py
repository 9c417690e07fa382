"""Coding in and out of the review: the coding CSV (import and export) and REFI-QDA files.

The CSV has the columns ``study, report, source, location, excerpt, code, coder``, one code
per row; rows for the same excerpt (same study, report, source, place and coder) make one
excerpt with several codes. An import is all or nothing: every row is checked against the
review (study, report, field or note, the words at the location, the coder) inside one
transaction, and the first problem is reported with its row and column. A code that does not
exist yet is created: a bare name at the top level, ``Theme > code`` under an existing theme.
Exporting and importing again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound, SysreviewError
from sysreview.formats.cells import neutralise_cell, restore_cell
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_by_label
from sysreview.services.synthesis import add_code_in, codebook_in
from sysreview.services.synthesis_coding import (
    excerpts_in,
    save_excerpt,
    source_text,
)
from sysreview.store.engine import Store
from sysreview.synthesis import refiqda
from sysreview.synthesis.codebook import PATH_SEPARATOR
from sysreview.synthesis.excerpts import PAGE_BREAK, SOURCES, Location, anchor, parse_location

COLUMNS = ("study", "report", "source", "location", "excerpt", "code", "coder")


@dataclass(frozen=True)
class ImportedCoding:
    rows: int
    excerpts: int
    codes_created: tuple[str, ...]


class _RowError(InvalidInput):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


def _rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file_name}: coding must be a UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    names = [n.strip().lower() for n in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InvalidInput(
            f"{file_name}: row 1: missing column(s) {', '.join(missing)} "
            f"(the columns are {', '.join(COLUMNS)})"
        )
    out = []
    for row in reader:
        cells = {k.strip().lower(): restore_cell(v or "") for k, v in row.items() if k}
        out.append((reader.line_num, {c: cells.get(c, "") for c in COLUMNS}))
    if not out:
        raise InvalidInput(f"{file_name}: no rows of coding")
    return out


def import_coding(
    store: Store, review: ReviewContext, actor: str, data: bytes, file_name: str
) -> ImportedCoding:
    """Import a coding CSV, all or nothing; errors name the file, row and column."""
    review.require(actor, "review.manage")
    rows = _rows(data, file_name)
    created: list[str] = []
    excerpts: set[int] = set()
    with store.write() as session:
        for line, row in rows:
            try:
                excerpts.add(_import_row(session, review, actor, row, created))
            except _RowError as exc:
                raise InvalidInput(
                    f"{file_name}: row {line}, column {exc.column!r}: {exc.problem} "
                    "(nothing was imported)"
                ) from None
    return ImportedCoding(len(rows), len(excerpts), tuple(created))


def _import_row(
    session: Session, review: ReviewContext, actor: str, row: dict[str, str], created: list[str]
) -> int:
    study = study_by_label(session, review, row["study"].strip())
    if study is None:
        raise _RowError("study", f"review {review.slug!r} has no study {row['study']!r}")
    report = _report(row["report"])
    coder = row["coder"].strip() or actor
    if review.role_of(coder) is None:
        raise _RowError("coder", f"{coder!r} is not in the review's team")
    try:
        location = parse_location(row["source"].strip().lower(), row["location"])
    except InvalidInput as exc:
        column = "source" if row["source"].strip().lower() not in SOURCES else "location"
        raise _RowError(column, exc.message) from None
    try:
        text = source_text(session, review, study, location, report)
    except SysreviewError as exc:
        column = "report" if location.source == "fulltext" else "location"
        raise _RowError(column, exc.message) from None
    try:
        placed, words = anchor(location, text, row["excerpt"])
    except InvalidInput as exc:
        column = "location" if location.start is not None else "excerpt"
        raise _RowError(column, exc.message) from None
    code_id = _code(session, review, actor, row["code"], created)
    saved = save_excerpt(session, review, actor, study, placed, words, [code_id], report, coder)
    return saved.id


def _report(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise _RowError("report", f"report is a record id (a number) or empty, not {value!r}")
    return int(value)


def _code(
    session: Session, review: ReviewContext, actor: str, path: str, created: list[str]
) -> int:
    path = path.strip()
    if not path:
        raise _RowError("code", "name the code to apply")
    book = codebook_in(session, review)
    try:
        return book.find(path).id
    except NotFound:
        pass
    except InvalidInput as exc:
        raise _RowError("code", exc.message) from None
    *parents, name = [p.strip() for p in path.split(PATH_SEPARATOR.strip())]
    parent = None
    if parents:
        try:
            parent = book.find(PATH_SEPARATOR.join(parents)).id
        except SysreviewError as exc:
            raise _RowError("code", f"{exc.message}; add the theme first") from None
    try:
        review.require(actor, "synthesis.code")
        code = add_code_in(session, review, actor, name, "code", parent)
    except SysreviewError as exc:
        raise _RowError("code", exc.message) from None
    created.append(path)
    return code.id


def export_coding_csv(store: Store, review: ReviewContext, actor: str) -> bytes:
    """Every coded excerpt, one row per code, in the import's columns (cells neutralised
    against spreadsheet formulas; the import restores them)."""
    review.require(actor, "records.export")
    with store.read() as session:
        book = codebook_in(session, review)
        found = excerpts_in(session, review, viewer=actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in found:
        for code_id in e.codes:
            cells = [
                e.study,
                "" if e.report is None else str(e.report),
                e.source,
                e.location.text(),
                e.text,
                book.path(code_id),
                e.coder,
            ]
            writer.writerow([neutralise_cell(c) for c in cells])
    return buffer.getvalue().encode("utf-8")


def export_codebook_qdc(store: Store, review: ReviewContext, actor: str) -> bytes:
    """The codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA and others."""
    review.require(actor, "records.export")
    with store.read() as session:
        return refiqda.codebook_qdc(codebook_in(session, review), review.slug)


def export_project_qdpx(store: Store, review: ReviewContext, actor: str) -> bytes:
    """The codebook, every coded source text and its coded selections as a REFI-QDA project
    (.qdpx). Each source is one text a study was coded in (a field, a note, a full text)."""
    review.require(actor, "records.export")
    with store.read() as session:
        book = codebook_in(session, review)
        sources = _qda_sources(session, review, actor)
    return refiqda.project_qdpx(book, sources, review.slug, review.title)


def _qda_sources(session: Session, review: ReviewContext, viewer: str) -> list[refiqda.TextSource]:
    sources: dict[str, refiqda.TextSource] = {}
    for e in excerpts_in(session, review, viewer=viewer):
        where = e.location
        key = f"{e.study}/{where.source}/{where.field or where.note or ''}/{e.report or ''}"
        if key not in sources:
            study = study_by_label(session, review, e.study)
            assert study is not None
            base = Location(where.source, where.field, where.note)
            text = source_text(session, review, study, base, e.report)
            name = f"{e.study}: {_source_name(review, where, e.report)}"
            sources[key] = refiqda.TextSource(key, name, text)
        start, end = _offsets(e.location, sources[key].text)
        sources[key].selections.append(refiqda.Selection(e.id, start, end, e.coder, tuple(e.codes)))
    return list(sources.values())


def _offsets(location: Location, text: str) -> tuple[int, int]:
    """Offsets into the whole source text (a full text's page offsets are moved past the
    pages before it)."""
    start, end = location.start or 0, location.end or 0
    if location.page:
        before = sum(len(p) + 1 for p in text.split(PAGE_BREAK)[: location.page - 1])
        start, end = start + before, end + before
    return start, end


def _source_name(review: ReviewContext, where: Location, report: int | None) -> str:
    if where.source == "extraction":
        labels = {f.id: f.label for f in review.protocol.extraction.fields}
        return labels.get(where.field or "", where.field or "")
    if where.source == "note":
        return f"note {where.note}"
    return f"full text of report {report}"
