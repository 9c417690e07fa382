"""The diagram: PRISMA 2020's exact labels and footnotes, entered counts marked, same bytes."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

from sysreview.errors import InvalidInput
from sysreview.reporting import InconsistentCounts, PrismaCounts, render_svg
from sysreview.reporting.prisma_layout import text_width, wrap
from sysreview.reporting.prisma_svg import FOOTNOTE_AUTOMATION, FOOTNOTE_ENTERED, FOOTNOTE_RECORDS
from tests.reporting.strategies import consistent_counts

NS = {"svg": "http://www.w3.org/2000/svg"}

NEW_REVIEW = PrismaCounts(
    database_specific_results={"MEDLINE": 300, "Embase": 200},
    register_results=20,
    duplicates=100,
    excluded_automatic=10,
    excluded_other=10,
    records_screened=400,
    records_excluded=340,
    dbr_sought_reports=60,
    dbr_notretrieved_reports=5,
    dbr_assessed=55,
    dbr_excluded={"Wrong population": 30, "Wrong design": 15},
    total_studies=9,
    total_reports=10,
)
UPDATED_REVIEW = PrismaCounts(
    previous_studies=4,
    previous_reports=5,
    database_results=1259,
    duplicates=339,
    records_screened=920,
    records_excluded=850,
    dbr_sought_reports=70,
    dbr_notretrieved_reports=6,
    dbr_assessed=64,
    dbr_excluded={"Wrong population": 50},
    website_results=20,
    organisation_results=3,
    citations_results=11,
    other_sought_reports=12,
    other_notretrieved_reports=2,
    other_assessed=10,
    other_excluded={"Wrong population": 7},
    new_studies=15,
    new_reports=17,
    total_studies=19,
    total_reports=22,
    total_studies_ma=12,
    total_reports_ma=14,
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def box_texts(svg: str) -> dict[str, str]:
    """Each box's visible text, its wrapped lines joined by single spaces."""
    root = parse(svg)
    return {
        g.get("id", ""): " ".join(t.text or "" for t in g.iterfind("svg:text", NS))
        for g in root.iter(f"{{{NS['svg']}}}g")
        if "box" in (g.get("class") or "").split()
    }


def visible_text(svg: str, cls: str) -> str:
    root = parse(svg)
    return " ".join(
        t.text or ""
        for g in root.iter(f"{{{NS['svg']}}}g")
        if g.get("class") == cls
        for t in g.iterfind("svg:text", NS)
    )


def test_new_review_shows_the_exact_prisma_labels() -> None:
    boxes = box_texts(render_svg(NEW_REVIEW))
    assert boxes["box-database_results"] == (
        "Records identified from*: Databases (n = 500) MEDLINE (n = 300) Embase (n = 200) "
        "Registers (n = 20)"
    )
    assert boxes["box-duplicates"] == (
        "Records removed before screening: Duplicate records removed (n = 100) "
        "Records marked as ineligible by automation tools (n = 10) "
        "Records removed for other reasons (n = 10)"
    )
    assert boxes["box-records_screened"] == "Records screened (n = 400)"
    assert boxes["box-records_excluded"] == "Records excluded** (n = 340)"
    assert boxes["box-dbr_sought_reports"] == "Reports sought for retrieval (n = 60)"
    assert boxes["box-dbr_notretrieved_reports"] == "Reports not retrieved (n = 5)"
    assert boxes["box-dbr_assessed"] == "Reports assessed for eligibility (n = 55)"
    assert boxes["box-dbr_excluded"] == (
        "Reports excluded: Wrong population (n = 30) Wrong design (n = 15)"
    )
    assert boxes["box-total_studies"] == (
        "Studies included in review (n = 9) Reports of included studies (n = 10)"
    )
    assert len(boxes) == 9


def test_new_review_headers_and_bands() -> None:
    svg = render_svg(NEW_REVIEW)
    assert visible_text(svg, "header") == "Identification of studies via databases and registers"
    assert visible_text(svg, "band") == "Identification Screening Included"


def test_footnotes_are_verbatim() -> None:
    notes = visible_text(render_svg(NEW_REVIEW), "footnotes")
    assert notes == f"{FOOTNOTE_RECORDS} {FOOTNOTE_AUTOMATION}"
    assert FOOTNOTE_RECORDS == (
        "*Consider, if feasible to do so, reporting the number of records identified from each "
        "database or register searched (rather than the total number across all "
        "databases/registers)."
    )
    assert FOOTNOTE_AUTOMATION == (
        "**If automation tools were used, indicate how many records were excluded by a human "
        "and how many were excluded by automation tools."
    )


def test_updated_review_with_other_methods_and_meta_analysis() -> None:
    svg = render_svg(UPDATED_REVIEW)
    boxes = box_texts(svg)
    assert visible_text(svg, "header") == (
        "Previous studies Identification of new studies via databases and registers "
        "Identification of new studies via other methods"
    )
    assert boxes["box-previous_studies"] == (
        "Studies included in previous version of review (n = 4) "
        "Reports of studies included in previous version of review (n = 5)"
    )
    assert boxes["box-website_results"] == (
        "Records identified from: Websites (n = 20) Organisations (n = 3) "
        "Citation searching (n = 11)"
    )
    assert boxes["box-other_excluded"] == "Reports excluded: Wrong population (n = 7)"
    assert boxes["box-new_studies"] == (
        "New studies included in review (n = 15) Reports of new included studies (n = 17)"
    )
    assert boxes["box-total_studies"] == (
        "Total studies included in review (n = 19) Reports of total included studies (n = 22)"
    )
    assert boxes["box-total_studies_ma"] == (
        "Total studies included in meta-analysis (n = 12) "
        "Reports of total included studies in meta-analysis (n = 14)"
    )
    assert "Records screened" not in " ".join(
        text for key, text in boxes.items() if key.startswith("box-other")
    )


def test_an_entered_count_is_visibly_marked() -> None:
    counts = PrismaCounts(
        records_screened=372, total_studies=9, total_reports=10, entered={"records_screened"}
    )
    svg = render_svg(counts)
    root = parse(svg)
    box = root.find(".//svg:g[@id='box-records_screened']", NS)
    assert box is not None and box.get("class") == "box entered"
    rect = box.find("svg:rect", NS)
    assert rect is not None and rect.get("stroke-dasharray")
    assert box_texts(svg)["box-records_screened"] == "Records screened (n = 372)\u2020"
    assert FOOTNOTE_ENTERED in visible_text(svg, "footnotes")
    included = root.find(".//svg:g[@id='box-total_studies']", NS)
    assert included is not None and included.get("class") == "box"
    assert "\u2020" not in box_texts(svg)["box-total_studies"]


def test_no_entered_mark_without_entered_counts() -> None:
    svg = render_svg(NEW_REVIEW)
    assert "\u2020" not in svg and "stroke-dasharray" not in svg


def test_same_counts_give_identical_bytes() -> None:
    assert render_svg(UPDATED_REVIEW) == render_svg(dataclasses.replace(UPDATED_REVIEW))


def test_same_bytes_across_processes_and_hash_seeds() -> None:
    code = (
        "from tests.reporting.test_prisma_svg import UPDATED_REVIEW as c;"
        "import dataclasses, sys;"
        "from sysreview.reporting import render_svg;"
        "c = dataclasses.replace(c, entered={'records_screened', 'duplicates', 'dbr_excluded'});"
        "sys.stdout.write(render_svg(c, title='T'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_a_single_exclusion_reason_is_drawn() -> None:
    counts = dataclasses.replace(NEW_REVIEW, dbr_excluded={"Not peer mentoring": 45})
    assert box_texts(render_svg(counts))["box-dbr_excluded"] == (
        "Reports excluded: Not peer mentoring (n = 45)"
    )


def test_inconsistent_counts_raise_instead_of_drawing() -> None:
    with pytest.raises(InconsistentCounts) as caught:
        render_svg(dataclasses.replace(NEW_REVIEW, dbr_assessed=56))
    assert [p.key for p in caught.value.problems] == ["dbr_assessed", "total_reports"]
    assert "- dbr_assessed: Reports assessed for eligibility" in str(caught.value)


def test_text_is_escaped() -> None:
    counts = dataclasses.replace(NEW_REVIEW, dbr_excluded={"<script>alert(1)</script> & co": 45})
    svg = render_svg(counts, title="A & B <C>")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    assert box_texts(svg)["box-dbr_excluded"].startswith("Reports excluded: <script>")


def test_links_wrap_their_boxes() -> None:
    svg = render_svg(NEW_REVIEW, links={"records_excluded": "/reviews/1/records?x=1&y=2"})
    root = parse(svg)
    anchors = root.findall(".//svg:a", NS)
    assert [a.get("href") for a in anchors] == ["/reviews/1/records?x=1&y=2"]
    assert anchors[0].find("svg:g", NS).get("id") == "box-records_excluded"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "links",
    [{"records_excluded": "javascript:alert(1)"}, {"not_a_key": "/x"}],
)
def test_unsafe_or_unknown_links_are_refused(links: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        render_svg(NEW_REVIEW, links=links)


def test_missing_counts_say_not_reported() -> None:
    boxes = box_texts(render_svg(PrismaCounts(records_screened=372)))
    assert boxes["box-dbr_assessed"] == "Reports assessed for eligibility (n = not reported)"
    assert boxes["box-duplicates"] == "Records removed before screening: (n = not reported)"
    assert boxes["box-database_results"] == "Records identified from*: Databases (n = not reported)"


def test_no_removals_reported_reads_zero_as_the_package_draws_it() -> None:
    counts = PrismaCounts(database_results=372, records_screened=372)
    assert box_texts(render_svg(counts))["box-duplicates"] == (
        "Records removed before screening: (n = 0)"
    )


def test_wrapped_lines_fit_their_box() -> None:
    long_reason = "Population outside graduate medical education " * 3
    counts = dataclasses.replace(NEW_REVIEW, dbr_excluded={long_reason.strip(): 45})
    svg = render_svg(counts)
    root = parse(svg)
    for g in root.iter(f"{{{NS['svg']}}}g"):
        if "box" not in (g.get("class") or ""):
            continue
        rect = g.find("svg:rect", NS)
        assert rect is not None
        right = float(rect.get("x", 0)) + float(rect.get("width", 0))
        for t in g.iterfind("svg:text", NS):
            assert float(t.get("x", 0)) + text_width(t.text or "", 12) <= right


def test_wrap_cuts_words_longer_than_a_line() -> None:
    lines = wrap("x" * 200, 100)
    assert "".join(lines) == "x" * 200
    assert all(text_width(line, 12) <= 100 for line in lines)


@settings(max_examples=60, deadline=None)
@given(consistent_counts())
def test_every_consistent_review_renders_valid_svg(counts: PrismaCounts) -> None:
    root = parse(render_svg(counts))
    assert root.tag == f"{{{NS['svg']}}}svg"
