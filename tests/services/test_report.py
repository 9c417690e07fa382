"""The review report: a methods draft from what the demo review records, its tables and
diagram, placeholders where only the authors know, the same bytes on every run, and no markup
from a record in the HTML."""

from __future__ import annotations

import base64
import re
import zipfile
from io import BytesIO

import pytest

from sysreview.demo import EXCLUSION_REASONS, INCLUDED_REPORTS_SOURCE, DemoReview
from sysreview.reporting.report import (
    PLACEHOLDER_PREFIX,
    Report,
    ReportConverterUnavailable,
    Table,
    markdown_text,
)
from sysreview.services import screening
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.report import build_report, render_report

#: import strips the tags from a title, so the title's other markup is what is left to escape
HOSTILE_TITLE = '<script>alert("report")</script> [click](javascript:alert(1)) *bold*'
HOSTILE_SOURCE = "<img src=x onerror=alert('source')>"
#: what the hostile text would look like had it become markup (HTML, or a Markdown link)
INJECTED = ("<script", "<img src=x")
INJECTED_MD = (*INJECTED, "](javascript")


def _tables(report: Report) -> list[Table]:
    return [b for s in report.walk() for b in s.blocks if isinstance(b, Table)]


def _section_text(report: Report, anchor: str) -> str:
    section = next(s for s in report.walk() if s.anchor == anchor)
    return "\n".join(
        "".join(span.text for span in block.spans)
        for block in section.blocks
        if hasattr(block, "spans")
    )


def _exclude_at_full_text(demo: DemoReview, title: str, source: str) -> int:
    """One more record, included at title/abstract and excluded at full text with a reason."""
    ris = f"TY  - JOUR\nTI  - {title}\nAU  - Mallory\nPY  - 2020\nER  - \n"
    summary = import_file(
        demo.store,
        demo.review,
        "hp",
        ris.encode(),
        file_name="extra.ris",
        search=SearchDetails(source=source, platform="Ovid", searched_on="2020-02-01"),
    )
    assert summary.records_stored == 1
    record_id = _last_record(demo)
    for stage, verdict, reason in (
        ("title_abstract", "include", ""),
        ("full_text", "exclude", EXCLUSION_REASONS[1]),
    ):
        for reviewer in ("ln", "dll"):
            screening.decide(
                demo.store, demo.review, reviewer, stage, record_id, verdict, reason=reason
            )
    return record_id


def _last_record(demo: DemoReview) -> int:
    from sqlalchemy import func, select

    from sysreview.store.models import StoredRecord

    with demo.store.read() as session:
        found = session.scalar(
            select(func.max(StoredRecord.id)).where(StoredRecord.review_id == demo.review.id)
        )
    assert found is not None
    return int(found)


def test_the_methods_name_the_search_and_mark_what_was_not_recorded(
    full_demo: DemoReview,
) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    sources = _section_text(report, "methods-sources")

    assert f"{INCLUDED_REPORTS_SOURCE} (database) was searched via" in sources
    assert "10 records were imported from included_reports.ris" in sources
    assert f"[Authors: give the date {INCLUDED_REPORTS_SOURCE} was searched]" in (
        report.placeholders()
    )
    assert all(p.startswith(PLACEHOLDER_PREFIX) for p in report.placeholders())
    assert "[Authors: describe the synthesis" in _section_text(report, "methods-synthesis")


def test_the_methods_report_screening_agreement_and_the_modified_checklist(
    full_demo: DemoReview,
) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    selection = _section_text(report, "methods-selection")
    appraisal = _section_text(report, "methods-appraisal")
    extraction = _section_text(report, "methods-extraction")

    assert "each record needed 2 independent decisions" in selection
    assert "agreed on 100.0 % of 10 records; Cohen's κ cannot be computed" in selection
    assert "PABAK = 1.00. No conflict arose." in selection
    assert 'dropped item 6, "Were strategies to deal with confounding factors stated?"' in (
        appraisal
    )
    assert 'added "Were ethical issues considered' in appraisal
    assert "HP (reviewer, extractor) extracted 81 values for 9 studies" in extraction


def test_agreement_is_left_to_those_who_may_see_blinded_votes(full_demo: DemoReview) -> None:
    report = build_report(full_demo.store, full_demo.review, "ln")
    selection = _section_text(report, "methods-selection")

    assert "Cohen" not in selection
    assert "[Authors: agreement and conflicts at Title and abstract screening are shown" in (
        selection
    )


def test_the_tables_carry_the_reference_reviews_scores(full_demo: DemoReview) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    tables = {t.caption.split(".")[0]: t for t in _tables(report) if t.caption}
    rows = {row[0]: row for t in (tables["Table 2"], tables["Table 3"]) for row in t.rows}

    assert rows["Hilliard et al. 2007"][1:3] == ("10/10", "High")
    assert rows["Parrott et al. 2006"][1:3] == ("4/8", "Low")
    assert len(tables["Table 1"].rows) == 10  # header and the nine studies
    md = render_report(report, "md").decode()
    assert "| Hilliard et al. 2007 | 10/10 | High |" in md


def test_the_prisma_diagram_is_drawn_and_embedded_without_markup(full_demo: DemoReview) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    (figure,) = report.figures()
    html = render_report(report, "html").decode()
    md = render_report(report, "md").decode()

    assert "Records screened (n = 372)\u2020" in figure.svg
    embedded = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert embedded is not None and base64.b64decode(embedded[1]).decode() == figure.svg
    assert "<svg" not in html
    assert "![Figure 1. PRISMA 2020 flow diagram](prisma.svg)" in md
    assert "| Records screened | 372 | entered |" in md


def test_a_review_whose_counts_do_not_add_up_lists_why_instead_of_a_diagram(
    demo: DemoReview,
) -> None:
    report = build_report(demo.store, demo.review, "hp")
    selection = _section_text(report, "results-selection")

    assert report.figures() == []
    assert "The PRISMA 2020 flow diagram is not drawn yet" in selection
    assert "Records screened: 10 of the 10 records at Title and abstract screening" in selection
    assert "No study has been included yet." in _section_text(report, "results-characteristics")


def test_md_html_and_docx_are_the_same_bytes_every_time(full_demo: DemoReview) -> None:
    first = build_report(full_demo.store, full_demo.review, "hp")
    second = build_report(full_demo.store, full_demo.review, "hp")

    for fmt in ("md", "html", "docx"):
        assert render_report(first, fmt) == render_report(second, fmt), fmt


def test_placeholders_are_marked_in_every_format(full_demo: DemoReview) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    html = render_report(report, "html").decode()
    md = render_report(report, "md").decode()
    docx = zipfile.ZipFile(BytesIO(render_report(report, "docx"))).read("word/document.xml")

    unanswered = html.count("Not drafted by sysreview")
    assert html.count('<mark class="placeholder">') == len(report.placeholders()) + unanswered
    assert md.count("**[Authors: ") == len(report.placeholders()) + unanswered
    assert docx.count(b'<w:highlight w:val="yellow"/>') == len(report.placeholders())


def test_excluded_full_texts_are_listed_with_their_reason(full_demo: DemoReview) -> None:
    record_id = _exclude_at_full_text(full_demo, "Peer support in nursing", "Embase")
    report = build_report(full_demo.store, full_demo.review, "hp")
    (table,) = [t for t in _tables(report) if t.rows[0][0] == "Record"]

    assert table.rows[1] == (
        str(record_id),
        "Mallory 2020",
        "Peer support in nursing",
        "Full-text assessment",
        EXCLUSION_REASONS[1],
    )
    assert "Embase (database) was searched via Ovid on 2020-02-01" in _section_text(
        report, "methods-sources"
    )


def test_hostile_text_from_a_record_is_escaped(full_demo: DemoReview) -> None:
    _exclude_at_full_text(full_demo, HOSTILE_TITLE, HOSTILE_SOURCE)
    report = build_report(full_demo.store, full_demo.review, "hp")
    html = render_report(report, "html").decode()
    md = render_report(report, "md").decode()

    for injected in INJECTED:
        assert injected not in html
    for injected in INJECTED_MD:
        assert not re.search(r"(?<!\\)" + re.escape(injected), md)  # only escaped
    assert "&lt;img src=x onerror=alert(&#39;source&#39;)&gt;" in html
    assert "alert(&#34;report&#34;) [click](javascript:alert(1)) *bold*</td>" in html
    assert markdown_text(HOSTILE_SOURCE) in md
    assert "[click\\](javascript:alert(1)) \\*bold\\* |" in md  # as text in a table cell


def test_pdf_is_written_when_weasyprint_is_installed_and_refused_clearly_otherwise(
    full_demo: DemoReview,
) -> None:
    report = build_report(full_demo.store, full_demo.review, "hp")
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        with pytest.raises(ReportConverterUnavailable, match="WeasyPrint"):
            render_report(report, "pdf")
        return
    assert render_report(report, "pdf").startswith(b"%PDF-")
