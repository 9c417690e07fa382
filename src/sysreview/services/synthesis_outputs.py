"""The evidence matrix and its outputs: tables (HTML, CSV, XLSX, DOCX), the heat map (SVG,
PNG), theme counts and the CERQual evidence profile.

Each study column carries the study's design (the extraction form's ``design`` field, when the
form has one) and its appraisal ratings (the consensus rating under each checklist used), so a
theme's support is read beside the kind and quality of the evidence behind it.
"""

from __future__ import annotations

from sysreview.errors import InvalidInput, NotFound
from sysreview.reporting.tables import TABLE_FORMATS, table_bytes
from sysreview.services.appraisal import tool_table, tools_in_use
from sysreview.services.reviews import ReviewContext
from sysreview.services.studies import study_list
from sysreview.services.synthesis import assessments_in, codebook_in, summaries_in
from sysreview.services.synthesis_coding import excerpts_in, field_text
from sysreview.store.engine import Store
from sysreview.store.models import Study
from sysreview.synthesis import cerqual
from sysreview.synthesis.codebook import LEVELS
from sysreview.synthesis.heatmap import FIGURE_FORMATS, heatmap_bytes
from sysreview.synthesis.matrix import CodedExcerpt, EvidenceMatrix, StudyColumn, evidence_matrix

MATRIX_FORMATS = TABLE_FORMATS + FIGURE_FORMATS
DESIGN_FIELD = "design"


def _ratings(store: Store, review: ReviewContext, actor: str) -> dict[str, list[str]]:
    ratings: dict[str, list[str]] = {}
    for tool in tools_in_use(store, review, actor):
        try:
            table = tool_table(store, review, actor, tool)
        except NotFound:
            continue
        for row in table.rows:
            if row.rating:
                ratings.setdefault(row.study, []).append(f"{row.rating} ({tool})")
    return ratings


def build_matrix(
    store: Store,
    review: ReviewContext,
    actor: str,
    *,
    level: str | None = None,
    coder: str | None = None,
) -> EvidenceMatrix:
    """The evidence matrix: a row per theme at ``level`` (default: the highest level the
    codebook uses), a column per study with design and appraisal; ``coder`` limits it to one
    coder's excerpts (default: everyone's). Rows carry the studies and reports counts, the
    narrative summary and the CERQual judgement."""
    review.require(actor, "records.view")
    if level is not None and level not in LEVELS:
        raise InvalidInput(f"level is one of {', '.join(LEVELS)}, not {level!r}")
    ratings = _ratings(store, review, actor)
    has_design = any(f.id == DESIGN_FIELD for f in review.protocol.extraction.fields)
    with store.read() as session:
        book = codebook_in(session, review)
        columns = []
        for info in study_list(session, review):
            design = ""
            if has_design:
                study = session.get(Study, info.id)
                assert study is not None
                design = field_text(session, review, study, DESIGN_FIELD)
            appraisal = "; ".join(ratings.get(info.label, []))
            columns.append(StudyColumn(info.label, design, appraisal, info.record_ids))
        found = [
            CodedExcerpt(
                e.id, e.study, e.text, e.codes, e.coder, e.report, e.source, e.location.text()
            )
            for e in excerpts_in(session, review, coder=coder, viewer=actor)
        ]
        summaries = summaries_in(session, review)
        confidence = {k: a.summary() for k, a in assessments_in(session, review).items()}
    return evidence_matrix(
        book, columns, found, level=level, summaries=summaries, confidence=confidence
    )


def matrix_bytes(
    store: Store,
    review: ReviewContext,
    actor: str,
    fmt: str,
    *,
    level: str | None = None,
    coder: str | None = None,
) -> bytes:
    """The matrix as HTML, CSV, XLSX or DOCX (themes × studies with the excerpts), or as an
    SVG or PNG heat map."""
    if fmt not in MATRIX_FORMATS:
        raise InvalidInput(f"the matrix is written as {', '.join(MATRIX_FORMATS)}, not {fmt!r}")
    matrix = build_matrix(store, review, actor, level=level, coder=coder)
    if fmt in FIGURE_FORMATS:
        return heatmap_bytes(matrix, fmt)
    return table_bytes(matrix.table(), fmt, "Evidence matrix (themes by study)")


def counts_bytes(store: Store, review: ReviewContext, actor: str, fmt: str) -> bytes:
    """Studies and reports per theme, as a table in ``fmt``."""
    matrix = build_matrix(store, review, actor)
    return table_bytes(matrix.counts(), fmt, "Studies and reports per theme")


def cerqual_bytes(store: Store, review: ReviewContext, actor: str, fmt: str) -> bytes:
    """The GRADE-CERQual evidence profile, one row per assessed theme, as a table in ``fmt``."""
    review.require(actor, "records.view")
    with store.read() as session:
        book = codebook_in(session, review)
        assessed = assessments_in(session, review)
    rows = cerqual.table([(book.path(k), a) for k, a in sorted(assessed.items())])
    return table_bytes(rows, fmt, "GRADE-CERQual evidence profile")
