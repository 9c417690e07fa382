"""RoB 2's algorithms propose each domain's judgement as the guidance's flow charts do.

Source of the expected judgements: Higgins JPT, Savović J, Page MJ, Sterne JAC (eds.), Revised
Cochrane risk-of-bias tool for randomized trials (RoB 2), full guidance document, 22 August 2019:
the "Algorithm for suggested judgement" flow chart of each domain and the "criteria for
judgements" it summarises. Each case below is a path through one chart, described as the trial
it stands for.
"""

from __future__ import annotations

import itertools

import pytest

from sysreview.appraisal import (
    Answer,
    Checklist,
    overall_judgement,
    rob2_domain_judgement,
    study_judgements,
)
from sysreview.errors import InvalidInput

ANSWERS = ("Y", "PY", "PN", "N", "NI")


def answers(**given: str) -> list[Answer]:
    """Answers written as q1_2="Y" for question 1.2."""
    return [Answer(key[1:].replace("_", "."), value) for key, value in given.items()]


CASES = [
    # Domain 1: randomization process.
    ("computer-generated sequence, central allocation, groups balanced", "D1",
     answers(q1_1="Y", q1_2="Y", q1_3="N"), "Low"),
    ("concealed allocation but only 'randomized' said of the sequence", "D1",
     answers(q1_1="NI", q1_2="Y", q1_3="N"), "Low"),
    ("concealed allocation, sequence by alternation", "D1",
     answers(q1_1="N", q1_2="Y", q1_3="N"), "Some concerns"),
    ("concealed allocation, baseline imbalance beyond chance", "D1",
     answers(q1_1="Y", q1_2="Y", q1_3="Y"), "Some concerns"),
    ("nothing said about concealment, groups balanced", "D1",
     answers(q1_1="Y", q1_2="NI", q1_3="N"), "Some concerns"),
    ("nothing said about concealment, baseline imbalance", "D1",
     answers(q1_1="Y", q1_2="NI", q1_3="PY"), "High"),
    ("allocation not concealed (open list)", "D1",
     answers(q1_1="Y", q1_2="N", q1_3="N"), "High"),
    # Domain 2, effect of assignment.
    ("double-blind placebo trial analysed by intention to treat", "D2",
     answers(q2_1="N", q2_2="N", q2_6="Y"), "Low"),
    ("open trial, no deviations from the trial context, ITT", "D2",
     answers(q2_1="Y", q2_2="Y", q2_3="N", q2_6="Y"), "Low"),
    ("open trial, no information on deviations, ITT", "D2",
     answers(q2_1="Y", q2_2="Y", q2_3="NI", q2_6="Y"), "Some concerns"),
    ("open trial, deviations that could not affect the outcome", "D2",
     answers(q2_1="Y", q2_2="Y", q2_3="Y", q2_4="N", q2_6="Y"), "Some concerns"),
    ("open trial, deviations affecting the outcome but balanced", "D2",
     answers(q2_1="Y", q2_2="Y", q2_3="Y", q2_4="Y", q2_5="Y", q2_6="Y"), "Some concerns"),
    ("open trial, unbalanced deviations affecting the outcome", "D2",
     answers(q2_1="Y", q2_2="Y", q2_3="Y", q2_4="Y", q2_5="N", q2_6="Y"), "High"),
    ("blinded trial, per-protocol analysis excluding few participants", "D2",
     answers(q2_1="N", q2_2="N", q2_6="N", q2_7="N"), "Some concerns"),
    ("blinded trial, per-protocol analysis excluding many participants", "D2",
     answers(q2_1="N", q2_2="N", q2_6="N", q2_7="Y"), "High"),
    # Domain 3: missing outcome data.
    ("outcome data for nearly everyone", "D3", answers(q3_1="Y"), "Low"),
    ("losses, but sensitivity analyses show the result holds", "D3",
     answers(q3_1="N", q3_2="Y"), "Low"),
    ("losses that cannot depend on the outcome (administrative censoring)", "D3",
     answers(q3_1="N", q3_2="N", q3_3="N"), "Low"),
    ("losses that could, but are unlikely to, depend on the outcome", "D3",
     answers(q3_1="N", q3_2="N", q3_3="Y", q3_4="PN"), "Some concerns"),
    ("losses likely to depend on the outcome", "D3",
     answers(q3_1="N", q3_2="N", q3_3="Y", q3_4="Y"), "High"),
    # Domain 4: measurement of the outcome.
    ("all-cause mortality, assessors aware", "D4",
     answers(q4_1="N", q4_2="N", q4_3="Y", q4_4="N"), "Low"),
    ("blinded assessors, same methods in both groups", "D4",
     answers(q4_1="N", q4_2="N", q4_3="N"), "Low"),
    ("extra visits in one group could find more events", "D4",
     answers(q4_1="N", q4_2="Y"), "High"),
    ("insensitive measurement instrument", "D4", answers(q4_1="Y"), "High"),
    ("no information on ascertainment, blinded assessors", "D4",
     answers(q4_1="N", q4_2="NI", q4_3="N"), "Some concerns"),
    ("self-reported pain, unlikely to be swayed", "D4",
     answers(q4_1="N", q4_2="N", q4_3="Y", q4_4="Y", q4_5="N"), "Some concerns"),
    ("physiotherapist who gave the treatment rates recovery", "D4",
     answers(q4_1="N", q4_2="N", q4_3="Y", q4_4="Y", q4_5="Y"), "High"),
    # Domain 5: selection of the reported result.
    ("analysed to a plan finalized before unblinding, no selection", "D5",
     answers(q5_1="Y", q5_2="N", q5_3="N"), "Low"),
    ("no pre-specified plan, no sign of selection", "D5",
     answers(q5_1="NI", q5_2="N", q5_3="PN"), "Some concerns"),
    ("several scales measured, no information on which were intended", "D5",
     answers(q5_1="NI", q5_2="NI", q5_3="N"), "Some concerns"),
    ("one of several time points reported because it was significant", "D5",
     answers(q5_1="Y", q5_2="Y", q5_3="N"), "High"),
]  # fmt: skip


@pytest.mark.parametrize(("trial", "domain", "given", "expected"), CASES, ids=[c[0] for c in CASES])
def test_algorithm_proposes_the_guidance_judgement(
    trial: str, domain: str, given: list[Answer], expected: str
) -> None:
    assert rob2_domain_judgement(domain, given).judgement == expected


def d1_criteria(sequence: str, concealed: str, baseline: str) -> str:
    """Domain 1's criteria for judgements, written independently of the data file."""
    yes, no = ("Y", "PY"), ("N", "PN")
    if concealed in no or (concealed == "NI" and baseline in yes):
        return "High"
    if concealed in yes and sequence not in no and baseline not in yes:
        return "Low"
    return "Some concerns"


def test_domain_1_matches_its_criteria_for_every_combination_of_answers() -> None:
    for sequence, concealed, baseline in itertools.product(ANSWERS, repeat=3):
        given = answers(q1_1=sequence, q1_2=concealed, q1_3=baseline)
        proposed = rob2_domain_judgement("D1", given).judgement
        assert proposed == d1_criteria(sequence, concealed, baseline), (
            sequence,
            concealed,
            baseline,
        )


def d5_criteria(plan: str, measurements: str, analyses: str) -> str:
    yes, no = ("Y", "PY"), ("N", "PN")
    if measurements in yes or analyses in yes:
        return "High"
    if measurements in no and analyses in no:
        return "Low" if plan in yes else "Some concerns"
    return "Some concerns"


def test_domain_5_matches_its_criteria_for_every_combination_of_answers() -> None:
    for plan, measurements, analyses in itertools.product(ANSWERS, repeat=3):
        given = answers(q5_1=plan, q5_2=measurements, q5_3=analyses)
        assert rob2_domain_judgement("D5", given).judgement == d5_criteria(
            plan, measurements, analyses
        )


ADHERING = [
    ("double-blind, implemented and adhered to", answers(q2_1="N", q2_2="N", q2_4="N", q2_5="N"),
     "Low"),
    ("open, balanced co-interventions, non-adherence, no suitable analysis",
     answers(q2_1="Y", q2_2="Y", q2_3="Y", q2_4="N", q2_5="Y", q2_6="N"), "High"),
    ("open, unbalanced co-interventions, instrumental-variable analysis",
     answers(q2_1="Y", q2_2="Y", q2_3="N", q2_6="Y"), "Some concerns"),
    ("blinded, questions not addressed by the review answered NA",
     answers(q2_1="N", q2_2="N", q2_4="NA", q2_5="NA"), "Low"),
]  # fmt: skip


@pytest.mark.parametrize(("trial", "given", "expected"), ADHERING, ids=[c[0] for c in ADHERING])
def test_adhering_variant_judges_domain_2_by_its_own_chart(
    checklists: dict[str, Checklist], trial: str, given: list[Answer], expected: str
) -> None:
    proposal = rob2_domain_judgement("D2", given, checklists["rob2-adhering"])
    assert proposal.judgement == expected


def test_proposal_shows_the_answers_that_led_to_it() -> None:
    proposal = rob2_domain_judgement("D1", answers(q1_1="Y", q1_2="NI", q1_3="Y"))
    assert proposal.path == ("1.2=NI", "1.3=Y")


def test_questions_off_the_path_need_no_answer() -> None:
    assert rob2_domain_judgement("D3", answers(q3_1="PY")).judgement == "Low"


def test_missing_answer_on_the_path_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"question 3\.2 must be answered"):
        rob2_domain_judgement("D3", answers(q3_1="N"))


def test_not_applicable_to_a_question_that_applies_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"2\.3=NA do not fit"):
        rob2_domain_judgement("D2", answers(q2_1="Y", q2_2="N", q2_3="NA", q2_6="Y"))


def test_answer_outside_the_signalling_scale_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'Maybe' is not an allowed answer"):
        rob2_domain_judgement("D1", answers(q1_1="Maybe", q1_2="Y", q1_3="N"))


def test_long_form_answers_are_understood() -> None:
    given = answers(q1_1="Yes", q1_2="probably yes", q1_3="No information")
    assert rob2_domain_judgement("D1", given).judgement == "Low"


@pytest.mark.parametrize(
    ("domains", "expected"),
    [
        (["Low"] * 5, "Low"),
        (["Low", "Some concerns", "Low", "Low", "Low"], "Some concerns"),
        (["Some concerns", "Low", "High", "Some concerns", "Low"], "High"),
    ],
)
def test_overall_is_the_worst_domain(
    checklists: dict[str, Checklist], domains: list[str], expected: str
) -> None:
    assert overall_judgement(checklists["rob2"], domains) == expected


def test_reviewers_judgement_overrides_the_proposal(checklists: dict[str, Checklist]) -> None:
    rob2 = checklists["rob2"]
    given = answers(
        q1_1="Y", q1_2="Y", q1_3="N", q2_1="N", q2_2="N", q2_6="Y", q3_1="Y",
        q4_1="N", q4_2="N", q4_3="N", q5_1="Y", q5_2="N", q5_3="N",
    )  # fmt: skip
    judged = study_judgements(rob2, "Trial", given, {"D4": "High"})
    assert judged.of("D4") == "High"
    assert judged.overall == "High"
    assert [p.domain for p in judged.proposals] == ["D1", "D2", "D3", "D5"]
