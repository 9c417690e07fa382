"""The evidence matrix: themes × studies, with the excerpts that support each theme.

A theme is supported by the excerpts coded to it or to anything filed under it. Each column is a
study with its design and appraisal rating beside it, so a reader sees what kind of evidence
stands behind a theme. Counts are given for studies and for reports: a study counts once
however many of its reports were coded, and an excerpt that names no report (extracted data,
which is kept per study) stands for all of the study's reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sysreview.synthesis.codebook import LEVELS, Codebook


@dataclass(frozen=True)
class StudyColumn:
    """A study as the matrix shows it: label, design, appraisal rating, its reports' ids."""

    label: str
    design: str = ""
    appraisal: str = ""
    reports: tuple[int, ...] = ()


@dataclass(frozen=True)
class CodedExcerpt:
    """An excerpt with the codes applied to it; ``report`` is None for study-level data."""

    id: int
    study: str
    text: str
    codes: tuple[int, ...]
    coder: str = ""
    report: int | None = None
    source: str = "extraction"
    location: str = ""


@dataclass(frozen=True)
class ThemeRow:
    """One theme's line: the excerpts per study label, and its study and report counts."""

    code_id: int
    name: str
    path: str
    level: str
    cells: dict[str, list[CodedExcerpt]]
    studies: int
    reports: int
    summary: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class EvidenceMatrix:
    studies: list[StudyColumn]
    rows: list[ThemeRow] = field(default_factory=list)

    def table(self) -> list[list[str]]:
        """Rows of text for CSV, XLSX, HTML and DOCX: a header, the studies' design and
        appraisal, then a row per theme with its excerpts in each study's cell."""
        labels = [s.label for s in self.studies]
        rows = [["Theme", "Studies (n)", "Reports (n)", *labels, "Summary", "Confidence"]]
        rows.append(["Design", "", "", *(s.design for s in self.studies), "", ""])
        rows.append(["Appraisal", "", "", *(s.appraisal for s in self.studies), "", ""])
        for row in self.rows:
            cells = ["\n".join(f"• {e.text}" for e in row.cells.get(x, [])) for x in labels]
            rows.append(
                [row.path, str(row.studies), str(row.reports), *cells, row.summary, row.confidence]
            )
        return rows

    def counts(self) -> list[list[str]]:
        """Theme, studies, reports and the studies' labels: the counts a report cites."""
        rows = [["Theme", "Studies (n)", "Reports (n)", "Studies"]]
        for row in self.rows:
            rows.append(
                [row.path, str(row.studies), str(row.reports), "; ".join(sorted(row.cells))]
            )
        return rows


def default_level(book: Codebook) -> str:
    """The highest level the codebook uses: the matrix's rows unless a level is asked for."""
    used = {c.level for c in book.codes.values()}
    return next((level for level in reversed(LEVELS) if level in used), "code")


def evidence_matrix(
    book: Codebook,
    studies: Sequence[StudyColumn],
    excerpts: Sequence[CodedExcerpt],
    *,
    level: str | None = None,
    summaries: dict[int, str] | None = None,
    confidence: dict[int, str] | None = None,
) -> EvidenceMatrix:
    """The matrix with a row per node at ``level`` (default: :func:`default_level`), in
    codebook order, and a column per study in the order given."""
    level = level or default_level(book)
    reports_of = {s.label: s.reports for s in studies}
    rows = []
    for _depth, code in book.walk():
        if code.level != level:
            continue
        covered = {code.id} | book.descendants(code.id)
        cells: dict[str, list[CodedExcerpt]] = {}
        for excerpt in excerpts:
            if covered.intersection(excerpt.codes):
                cells.setdefault(excerpt.study, []).append(excerpt)
        rows.append(
            ThemeRow(
                code_id=code.id,
                name=code.name,
                path=book.path(code.id),
                level=code.level,
                cells=cells,
                studies=len(cells),
                reports=_report_count(cells, reports_of),
                summary=(summaries or {}).get(code.id, ""),
                confidence=(confidence or {}).get(code.id, ""),
            )
        )
    return EvidenceMatrix(list(studies), rows)


def _report_count(
    cells: dict[str, list[CodedExcerpt]], reports_of: dict[str, tuple[int, ...]]
) -> int:
    reports: set[tuple[str, int]] = set()
    for study, found in cells.items():
        for excerpt in found:
            if excerpt.report is not None:
                reports.add((study, excerpt.report))
            else:
                reports.update((study, r) for r in reports_of.get(study, ()))
        if not reports_of.get(study) and all(e.report is None for e in found):
            reports.add((study, -1))  # a study with no recorded report is still one report
    return len(reports)
