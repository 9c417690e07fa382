"""The reference review's scores and ratings come out of its answers, study by study."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.appraisal import Answer, Checklist, score

DEMO_COPY = (
    Path(__file__).parents[2] / "src" / "sysreview" / "demo" / "data" / "appraisal-answers.csv"
)

JBI = "jbi-cross-sectional-modified"
CASP = "casp-qualitative-rated"

REPORTED = [
    (JBI, "Chakravarti et al. 2017a; 2017b", "7/8", "Medium"),
    (JBI, "Eisen et al. 2013", "7/8", "Medium"),
    (JBI, "Hoedebecke et al. 2014", "6/8", "Medium"),
    (JBI, "Obura et al. 2011", "7/8", "Medium"),
    (JBI, "Parrott et al. 2006", "4/8", "Low"),
    (JBI, "Prins et al. 2007", "5/8", "Low"),
    (JBI, "Vulliamy & Junaid 2013", "4/8", "Low"),
    (JBI, "Webb et al. 2015", "4/8", "Low"),
    (CASP, "Hilliard et al. 2007", "10/10", "High"),
    (CASP, "Obura et al. 2011", "9/10", "High"),
]


@pytest.mark.parametrize(("checklist_id", "study", "text", "rating"), REPORTED)
def test_score_and_rating_match_the_paper(
    checklists: dict[str, Checklist],
    reference_answers: dict[str, dict[str, list[Answer]]],
    checklist_id: str,
    study: str,
    text: str,
    rating: str,
) -> None:
    result = score(checklists[checklist_id], reference_answers[checklist_id][study])
    assert (result.text, result.rating) == (text, rating)


def test_every_study_of_the_paper_is_in_the_shipped_answers(
    reference_answers: dict[str, dict[str, list[Answer]]],
) -> None:
    found = {(tool, study) for tool, studies in reference_answers.items() for study in studies}
    assert found == {(tool, study) for tool, study, _, _ in REPORTED}


def test_the_mixed_methods_study_is_appraised_with_both_tools(
    reference_answers: dict[str, dict[str, list[Answer]]],
) -> None:
    assert "Obura et al. 2011" in reference_answers[JBI]
    assert "Obura et al. 2011" in reference_answers[CASP]
