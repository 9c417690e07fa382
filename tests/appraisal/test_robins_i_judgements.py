"""ROBINS-I: the reviewers judge each domain; the overall judgement follows the tool's rule."""

from __future__ import annotations

import pytest

from sysreview.appraisal import (
    Answer,
    Checklist,
    domain_judgement,
    overall_judgement,
    study_judgements,
)
from sysreview.errors import InvalidInput


@pytest.mark.parametrize(
    ("domains", "expected"),
    [
        (["Low"] * 7, "Low"),
        (["Low", "Moderate", "Low", "Low", "Low", "Low", "Low"], "Moderate"),
        (["Low", "Moderate", "Serious", "Low", "Low", "Low", "Low"], "Serious"),
        (["Critical", "Moderate", "Serious", "Low", "Low", "Low", "Low"], "Critical"),
        (["Low", "Moderate", "No information", "Low", "Low", "Low", "Low"], "No information"),
        (["Low", "Serious", "No information", "Low", "Low", "Low", "Low"], "Serious"),
    ],
)
def test_overall_follows_the_worst_domain_and_the_no_information_rule(
    checklists: dict[str, Checklist], domains: list[str], expected: str
) -> None:
    assert overall_judgement(checklists["robins-i"], domains) == expected


def test_robins_i_proposes_no_judgement_of_its_own(checklists: dict[str, Checklist]) -> None:
    with pytest.raises(InvalidInput, match="gives no algorithm"):
        domain_judgement(checklists["robins-i"], "D1", [Answer("1.1", "Y")])


def test_a_judgement_outside_the_scale_is_refused(checklists: dict[str, Checklist]) -> None:
    robins = checklists["robins-i"]
    judgements = {d.id: "Low" for d in robins.domains} | {"D3": "Some concerns"}
    with pytest.raises(InvalidInput, match="'Some concerns' is not a judgement"):
        study_judgements(robins, "Cohort", [], judgements)


def test_question_1_1_has_no_no_information_answer(checklists: dict[str, Checklist]) -> None:
    with pytest.raises(InvalidInput, match="allowed: Y, PY, PN, N$"):
        study_judgements(
            checklists["robins-i"],
            "Cohort",
            [Answer("1.1", "NI")],
            {d.id: "Low" for d in checklists["robins-i"].domains},
        )
