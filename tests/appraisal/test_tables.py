"""Tables in the reference review's layout and in robvis's."""

from __future__ import annotations

from sysreview.appraisal import Answer, Checklist, appraisal_table, judgement_table


def test_table_2_layout_study_score_rating_then_items(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    jbi = "jbi-cross-sectional-modified"
    records = appraisal_table(checklists[jbi], reference_answers[jbi]).records()
    assert records[0][:4] == ["Study", "Score", "Rating", "Clear inclusion criteria"]
    parrott = ["Parrott et al. 2006", "4/8", "Low", "No", "No", "Yes", "Yes", "No", "Yes"]
    assert records[5] == [*parrott, "Unclear", "Yes"]


def test_table_3_keeps_the_order_of_the_studies(
    checklists: dict[str, Checklist], reference_answers: dict[str, dict[str, list[Answer]]]
) -> None:
    casp = "casp-qualitative-rated"
    table = appraisal_table(checklists[casp], reference_answers[casp])
    assert [(r.study, r.score_text, r.rating) for r in table.rows] == [
        ("Hilliard et al. 2007", "10/10", "High"),
        ("Obura et al. 2011", "9/10", "High"),
    ]


def test_robvis_table_has_study_domains_and_overall(checklists: dict[str, Checklist]) -> None:
    robins = checklists["robins-i"]
    judged = {d.id: "Low" for d in robins.domains} | {"D5": "Moderate"}
    table = judgement_table(robins, {}, {"Cohort A": judged})
    assert table.records() == [
        ["Study", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "Overall"],
        ["Cohort A", "Low", "Low", "Low", "Low", "Moderate", "Low", "Low", "Moderate"],
    ]
