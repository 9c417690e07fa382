"""Two appraisers, blind to each other until both are done; discrepancies item by item; the
consensus; agreement per tool; and the single-appraiser mode. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sysreview.appraisal import Answer
from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.services import appraisal
from sysreview.services.audit import list_audit
from sysreview.services.dual_appraisal import (
    appraisal_overview,
    appraisal_view,
    record_consensus,
    save_answers,
    tool_agreement,
)
from sysreview.services.reviews import open_review
from sysreview.services.studies import create_study

JBI = "jbi-cross-sectional"
MARKER = "MARKER-LN-QUOTE"
LN = ["Yes", "Yes", "Yes", "Yes", "No", "No", "Yes", "Yes"]
DLL = ["Yes", "Yes", "No", "Yes", "No", "Yes", "Yes", "Yes"]


def _answers(values: list[str], quote: str = "") -> list[Answer]:
    items = appraisal.checklist(JBI).items
    return [Answer(item.id, value, quote, "3") for item, value in zip(items, values, strict=True)]


@pytest.fixture
def study(demo: DemoReview) -> int:
    return create_study(demo.store, demo.review, "hp", "Eisen et al. 2013", []).id


def test_the_second_appraiser_sees_nothing_of_the_first_until_both_are_done(
    demo: DemoReview, study: int
) -> None:
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN, MARKER))
    before = appraisal_view(demo.store, demo.review, "dll", study, JBI)
    assert before.others == {} and before.mine == {} and before.discrepancies == ()
    assert MARKER not in repr(before)
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL)[:7])
    still = appraisal_view(demo.store, demo.review, "dll", study, JBI)
    assert still.others == {} and still.state == "in_progress"
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL))
    after = appraisal_view(demo.store, demo.review, "dll", study, JBI)
    assert after.state == "discrepancies"
    assert after.others["ln"][appraisal.checklist(JBI).items[0].id].quote == MARKER


def test_discrepancies_are_listed_item_by_item(demo: DemoReview, study: int) -> None:
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL))
    view = appraisal_view(demo.store, demo.review, "eop", study, JBI)
    assert [
        (d.number, d.answers["ln"].value, d.answers["dll"].value) for d in view.discrepancies
    ] == [
        (3, "Yes", "No"),
        (6, "No", "Yes"),
    ]
    assert view.may_record_consensus


def test_the_consensus_is_the_table_row_and_closes_the_appraisal(
    demo: DemoReview, study: int
) -> None:
    with pytest.raises(InvalidInput, match="both appraisers"):
        record_consensus(demo.store, demo.review, "hp", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL))
    with pytest.raises(InvalidInput, match="no answer to item"):
        record_consensus(demo.store, demo.review, "ln", study, JBI, _answers(LN)[:7])
    view = record_consensus(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    assert view.state == "consensus"
    row = appraisal.tool_table(demo.store, demo.review, "hp", JBI).rows[0]
    assert (row.study, row.score_text) == ("Eisen et al. 2013", "6/8")
    with pytest.raises(InvalidInput, match="consensus .* is recorded"):
        save_answers(demo.store, demo.review, "dll", study, JBI, _answers(LN))
    consensus_entries = [
        e for e in list_audit(demo.store, demo.review, "hp") if e["action"] == "appraisal.answer"
    ]
    assert len(consensus_entries) == 3 * 8
    assert appraisal_overview(demo.store, demo.review, "ln") == {study: {JBI: "consensus"}}


def test_a_member_outside_the_pair_cannot_settle_it_and_a_stranger_cannot_appraise(
    demo: DemoReview, study: int
) -> None:
    with pytest.raises(PermissionDenied):
        save_answers(demo.store, demo.review, "stranger", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "eop", study, JBI, _answers(DLL))
    with pytest.raises(PermissionDenied, match="may not record the consensus"):
        record_consensus(demo.store, demo.review, "dll", study, JBI, _answers(LN))


def test_an_answer_outside_the_allowed_set_stores_nothing(demo: DemoReview, study: int) -> None:
    bad = _answers(LN)
    bad[4] = Answer(bad[4].item, "Perhaps")
    with pytest.raises(InvalidInput, match="Perhaps"):
        save_answers(demo.store, demo.review, "ln", study, JBI, bad)
    assert appraisal_view(demo.store, demo.review, "ln", study, JBI).mine == {}


def test_agreement_equals_a_hand_computation(demo: DemoReview, study: int) -> None:
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL))
    with pytest.raises(PermissionDenied):
        tool_agreement(demo.store, demo.review, "ln", JBI)  # blind: resolvers only
    pair = tool_agreement(demo.store, demo.review, "hp", JBI)["pairs"][0]
    # 6 of 8 items agree; each appraiser said Yes 6 times and No twice:
    # p_e = (6/8)^2 + (2/8)^2 = 0.625; kappa = (0.75 - 0.625) / (1 - 0.625) = 1/3
    assert (pair["appraiser_a"], pair["appraiser_b"], pair["n"]) == ("dll", "ln", 8)
    assert pair["observed"] == pytest.approx(0.75)
    assert pair["kappa"] == pytest.approx(1 / 3)


def test_in_single_mode_the_appraisers_answers_are_final(demo: DemoReview, study: int) -> None:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text().replace("mode: dual", "mode: single"))
    review = open_review(demo.store, demo.review.folder, actor="hp")
    assert review.protocol.appraisal.mode == "single"
    view = save_answers(demo.store, review, "dll", study, JBI, _answers(DLL))
    assert view.state == "consensus" and str(view.consensus_score) == "6/8"
    assert appraisal.tool_table(demo.store, review, "hp", JBI).rows[0].score_text == "6/8"


def test_the_table_of_another_appraisers_answers_keeps_the_blind(
    demo: DemoReview, study: int
) -> None:
    save_answers(demo.store, demo.review, "ln", study, JBI, _answers(LN))
    assert appraisal.answers_by_study(demo.store, demo.review, "dll", JBI, "ln") == {}
    assert list(appraisal.answers_by_study(demo.store, demo.review, "ln", JBI, "ln")) == [
        "Eisen et al. 2013"
    ]
    save_answers(demo.store, demo.review, "dll", study, JBI, _answers(DLL))
    table = appraisal.tool_table(demo.store, demo.review, "dll", JBI, "ln")
    assert [row.score_text for row in table.rows] == ["6/8"]
