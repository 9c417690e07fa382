"""Scores count points over the items that apply; ratings follow the checklist's bands."""

from __future__ import annotations

from sysreview.appraisal import Answer, Checklist, score


def test_not_applicable_leaves_the_denominator(checklists: dict[str, Checklist]) -> None:
    jbi = checklists["jbi-cross-sectional-modified"]
    answers = [Answer(item.id, "Yes") for item in jbi.items[:-1]]
    answers.append(Answer(jbi.items[-1].id, "Not applicable"))
    assert str(score(jbi, answers)) == "7/7 High"


def test_unclear_earns_no_point(checklists: dict[str, Checklist]) -> None:
    jbi = checklists["jbi-cross-sectional-modified"]
    answers = [Answer(item.id, "Unclear") for item in jbi.items]
    assert str(score(jbi, answers)) == "0/8 Low"


def test_checklist_without_bands_scores_without_a_rating(checklists: dict[str, Checklist]) -> None:
    jbi = checklists["jbi-cross-sectional"]
    result = score(jbi, [Answer(item.id, "Yes") for item in jbi.items])
    assert (result.text, result.rating) == ("8/8", None)


def test_newcastle_ottawa_counts_stars(checklists: dict[str, Checklist]) -> None:
    nos = checklists["nos-cohort"]
    given = dict.fromkeys((item.id for item in nos.items), "a")
    given["outcome-assessment"] = "c"
    given["comparability-additional"] = "b"
    result = score(nos, [Answer(k, v) for k, v in given.items()])
    assert result.text == "7/9"


def test_mmat_scores_only_the_studys_own_category(checklists: dict[str, Checklist]) -> None:
    mmat = checklists["mmat-2018"]
    answers = [
        Answer(item.id, "Yes" if item.domain in ("screening", "qualitative") else "Not applicable")
        for item in mmat.items
    ]
    assert score(mmat, answers).text == "7/7"
