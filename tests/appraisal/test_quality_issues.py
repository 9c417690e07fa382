"""The most frequent quality issues, counted from the answers as the paper's Results do."""

from __future__ import annotations

import pytest

from sysreview.appraisal import Answer, Checklist, issues_summary, quality_issues
from sysreview.errors import InvalidInput

JBI = "jbi-cross-sectional-modified"


def test_reference_review_issues_are_counted_from_table_2(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    issues = quality_issues(checklists[JBI], reference_answers[JBI])
    assert [(issue.label, issue.count) for issue in issues] == [
        ("Confounding factor identification", 8),
        ("Ethical issue consideration", 3),
        ("Clear inclusion criteria", 2),
        ("Detailed setting description", 2),
        ("Valid / reliable outcome measurement", 2),
        ("Appropriate statistical analysis", 2),
        ("Objective / standard measurement criteria", 1),
    ]


def test_issue_names_the_studies_that_fell_short(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    issues = {i.item_id: i for i in quality_issues(checklists[JBI], reference_answers[JBI])}
    assert issues["ethical-issues"].studies == (
        "Parrott et al. 2006",
        "Prins et al. 2007",
        "Vulliamy & Junaid 2013",
    )


def test_casp_issue_of_the_mixed_methods_study(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    casp = "casp-qualitative-rated"
    issues = quality_issues(checklists[casp], reference_answers[casp])
    assert [(i.item_id, i.count, i.studies) for i in issues] == [
        ("relationship", 1, ("Obura et al. 2011",))
    ]


def test_not_applicable_is_not_an_issue(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    answers = [Answer(item.id, "Not applicable") for item in jbi.items]
    assert quality_issues(jbi, {"Study": answers}) == []


def test_domain_based_tools_have_no_quality_issues(checklists: dict[str, Checklist]) -> None:
    with pytest.raises(InvalidInput, match="judged by domain"):
        quality_issues(checklists["rob2"], {})


def test_summary_lists_the_most_frequent_issues_as_results_do(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    issues = quality_issues(checklists[JBI], reference_answers[JBI])
    assert issues_summary(issues, limit=3) == (
        "Confounding factor identification (n = 8); Ethical issue consideration (n = 3); "
        "Clear inclusion criteria (n = 2)"
    )
