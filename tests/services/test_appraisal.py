"""Appraisal in a review: the demo's Tables 2 and 3 equal the paper's, imports are checked
row by row before anything is written, and the tables are written in every format."""

from __future__ import annotations

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.reporting.tables import table_bytes
from sysreview.services import appraisal
from sysreview.services.studies import studies_of

JBI = "jbi-cross-sectional-modified"
CASP = "casp-qualitative-rated"
PAPER_JBI = {
    "Chakravarti et al. 2017a; 2017b": ("7/8", "Medium"),
    "Eisen et al. 2013": ("7/8", "Medium"),
    "Hoedebecke et al. 2014": ("6/8", "Medium"),
    "Obura et al. 2011": ("7/8", "Medium"),
    "Parrott et al. 2006": ("4/8", "Low"),
    "Prins et al. 2007": ("5/8", "Low"),
    "Vulliamy & Junaid 2013": ("4/8", "Low"),
    "Webb et al. 2015": ("4/8", "Low"),
}
PAPER_CASP = {"Hilliard et al. 2007": ("10/10", "High"), "Obura et al. 2011": ("9/10", "High")}


def _scores(demo: DemoReview, tool: str) -> dict[str, tuple[str, str | None]]:
    table = appraisal.tool_table(demo.store, demo.review, "ln", tool)
    return {row.study: (row.score_text, row.rating) for row in table.rows}


def test_the_demo_reproduces_the_papers_table_2_and_table_3(full_demo: DemoReview) -> None:
    assert _scores(full_demo, JBI) == PAPER_JBI
    assert _scores(full_demo, CASP) == PAPER_CASP


def test_the_demo_has_nine_studies_in_ten_reports(full_demo: DemoReview) -> None:
    studies = studies_of(full_demo.store, full_demo.review, "ln")
    assert len(studies) == 9
    assert sum(len(s.record_ids) for s in studies) == 10
    chakravarti = next(s for s in studies if s.label.startswith("Chakravarti"))
    assert len(chakravarti.record_ids) == 2


def test_the_most_frequent_issues_come_from_table_2(full_demo: DemoReview) -> None:
    issues = appraisal.tool_issues(full_demo.store, full_demo.review, "ln", JBI)
    counts = {i.item_id: i.count for i in issues}
    assert max(counts.values()) == 8  # confounding identified: No for all eight studies
    ethics = next(i for i in issues if "ethic" in i.label.lower())
    assert ethics.count == 3  # Table 2; the paper's Results text says 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "docx"])
def test_tables_are_written_in_every_format(full_demo: DemoReview, fmt: str) -> None:
    table = appraisal.tool_table(full_demo.store, full_demo.review, "ln", CASP)
    data = table_bytes(table.records(), fmt, table.checklist.name)
    if fmt in ("csv", "html"):  # text formats are byte-for-byte repeatable
        assert data == table_bytes(table.records(), fmt, table.checklist.name)
    if fmt == "csv":
        assert data.decode().splitlines()[1].startswith("Hilliard et al. 2007,10/10,High")
    if fmt == "html":
        assert b"<td>Hilliard et al. 2007</td>" in data
    if fmt in ("xlsx", "docx"):
        assert data[:2] == b"PK"


def test_an_answer_outside_the_checklist_stores_nothing(demo: DemoReview) -> None:
    csv_text = (
        f"study,tool,item,answer,reviewer\nStudy A,{JBI},1,Yes,ln\nStudy A,{JBI},2,Perhaps,ln\n"
    )
    with pytest.raises(InvalidInput, match=r"answers.csv:3.*Perhaps"):
        appraisal.import_answers(demo.store, demo.review, "hp", csv_text.encode(), "answers.csv")
    assert studies_of(demo.store, demo.review, "hp") == []


def test_only_owners_import_answers(demo: DemoReview) -> None:
    with pytest.raises(PermissionDenied):
        appraisal.import_answers(demo.store, demo.review, "ln", b"study\n", "a.csv")
