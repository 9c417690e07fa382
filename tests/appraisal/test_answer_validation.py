"""Answers are checked against the checklist before anything is scored or drawn."""

from __future__ import annotations

import pytest

from sysreview.appraisal import Answer, Checklist, appraisal_table, score, traffic_light_svg
from sysreview.errors import InvalidInput

JBI = "jbi-cross-sectional-modified"


def all_yes(checklist: Checklist) -> list[Answer]:
    return [Answer(item.id, "Yes") for item in checklist.items]


def test_answer_outside_the_allowed_set_is_invalid_input(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    answers = all_yes(jbi)[:-1] + [Answer("statistical-analysis", "Partly")]
    with pytest.raises(InvalidInput, match=r"'Partly' is not an allowed answer to item 8"):
        score(jbi, answers)


def test_item_the_checklist_lacks_is_invalid_input(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    with pytest.raises(InvalidInput, match="has no item 'confounding-strategies'"):
        score(jbi, [*all_yes(jbi), Answer("confounding-strategies", "Yes")])


def test_item_answered_twice_is_invalid_input(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    with pytest.raises(InvalidInput, match="answered twice"):
        score(jbi, [*all_yes(jbi), Answer("ethical-issues", "No")])


def test_unanswered_item_is_invalid_input(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    with pytest.raises(InvalidInput, match=r"no answer to item\(s\) 7"):
        score(jbi, [a for a in all_yes(jbi) if a.item != "ethical-issues"])


def test_casp_answers_are_casps_own(checklists: dict[str, Checklist]) -> None:
    casp = checklists["casp-qualitative"]
    with pytest.raises(InvalidInput, match="allowed: Yes, Can't tell, No"):
        score(casp, [Answer(item.id, "Unclear") for item in casp.items])


def test_answers_are_read_whatever_their_case(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    assert score(jbi, [Answer(item.id, " yes ") for item in jbi.items]).text == "8/8"


def test_bad_answer_stops_the_table_and_the_plot(checklists: dict[str, Checklist]) -> None:
    jbi = checklists[JBI]
    answers = {
        "Good study": all_yes(jbi),
        "Bad study": [*all_yes(jbi)[:-1], Answer("statistical-analysis", "?")],
    }
    with pytest.raises(InvalidInput, match=r"\(study Bad study\)"):
        appraisal_table(jbi, answers)
    with pytest.raises(InvalidInput, match=r"\(study Bad study\)"):
        traffic_light_svg(jbi, answers)


def test_quote_and_page_travel_with_the_answer(checklists: dict[str, Checklist]) -> None:
    from sysreview.appraisal import validate_answers

    jbi = checklists[JBI]
    answers = [
        *all_yes(jbi)[:-1],
        Answer("statistical-analysis", "Yes", "Chi-square tests", "p. 4"),
    ]
    kept = validate_answers(jbi, answers)["statistical-analysis"]
    assert (kept.quote, kept.page) == ("Chi-square tests", "p. 4")
