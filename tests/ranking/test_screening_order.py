"""Screening in ranked order: the model's order once it has both classes to learn from, imported
order before, random or imported order by stage or by reviewer, and nothing a blind reviewer
may not know in the order they get."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sysreview.ranking import DEFAULT_PRESET, build_model
from sysreview.services import ranking, ranking_labels, screening
from tests.ranking.screening_review import TA, A, B, RankedReview, build


def _next(rr: RankedReview, who: str, after: int | None = None) -> int | None:
    view = screening.next_record(rr.store, rr.review, who, TA, after)
    return view.id if view else None


def _decide(rr: RankedReview, who: str, record: int, verdict: str) -> None:
    screening.decide(rr.store, rr.review, who, TA, record, verdict)


def _teach(rr: RankedReview, who: str = A) -> None:
    """One obvious include and one exclude, then the retrain they trigger."""
    _decide(rr, who, rr.on_topic[0], "include")
    _decide(rr, who, rr.off_topic[0], "exclude")
    assert ranking.trainer(rr.store).wait()


def test_imported_order_until_there_is_an_include_and_an_exclude(rr: RankedReview) -> None:
    assert _next(rr, A) == rr.ids[0]
    _decide(rr, A, rr.off_topic[0], "exclude")
    _decide(rr, A, rr.off_topic[1], "exclude")
    assert ranking.trainer(rr.store).wait()
    assert _next(rr, A) == rr.off_topic[2]  # as imported: nothing relevant to learn from yet
    from sysreview.services.ranking_status import ranking_status

    note = ranking_status(rr.store, rr.review, A, TA).order
    assert note.effective == "imported"
    assert "at least one include and one exclude" in note.text


def test_the_obviously_relevant_records_come_first_once_trained(rr: RankedReview) -> None:
    _teach(rr)
    offered = []
    for _ in range(len(rr.on_topic) - 1):
        record = _next(rr, A)
        assert record is not None
        offered.append(record)
        _decide(rr, A, record, "include")
    assert set(offered) == set(rr.on_topic[1:])  # title-only records are not starved either
    assert _next(rr, A) in rr.off_topic


def test_skipping_walks_down_the_ranking(rr: RankedReview) -> None:
    _teach(rr)
    first = _next(rr, A)
    second = _next(rr, A, after=first)
    order = ranking.trainer(rr.store).latest((rr.review.id, TA, None))
    assert order is not None and order.order is not None
    open_ids = [r for r in order.order if r not in (rr.on_topic[0], rr.off_topic[0])]
    assert [first, second] == open_ids[:2]


def test_a_stage_ranks_with_the_model_its_protocol_names(rr: RankedReview) -> None:
    _teach(rr)
    key = (rr.review.id, TA, None)
    first = ranking.trainer(rr.store).latest(key)
    assert first is not None and first.preset == DEFAULT_PRESET
    rr.reconfigure(model="elas_u4")
    _decide(rr, A, rr.off_topic[1], "exclude")
    assert ranking.trainer(rr.store).wait()
    chosen = ranking.trainer(rr.store).latest(key)
    assert chosen is not None and chosen.preset == "elas_u4"
    assert chosen.order == _order_by("elas_u4", rr, {rr.on_topic[0]}, rr.off_topic[:2])
    # A change of model alone (no new decision) retrains too: the labels are the same.
    rr.reconfigure(model="tfidf_logistic")
    ranking.trainer(rr.store).compute(rr.review, rr.review.protocol.stages[0], None)
    changed = ranking.trainer(rr.store).latest(key)
    assert changed is not None and changed.preset == "tfidf_logistic"
    # Only the features of a model the protocol still uses stay in memory.
    held = ranking.trainer(rr.store)._features
    assert {k[1] for k in held if k[0] == rr.review.id} == {"tfidf_logistic"}
    from sysreview.services.ranking_status import ranking_status

    assert ranking_status(rr.store, rr.review, A, TA).model.preset == "tfidf_logistic"


def _order_by(preset: str, rr: RankedReview, included: set[int], excluded: list[int]) -> list[int]:
    """The order ``preset`` gives every record of the review, trained here on these labels."""
    with rr.store.read() as session:
        ids, texts = ranking._review_texts(session, rr.review)
    model = build_model(preset, ranking.SEED)
    matrix = model.features(texts)
    labelled = sorted(included | set(excluded))
    rows = np.asarray([ids.index(r) for r in labelled])
    model.fit(matrix, rows, np.asarray([int(r in included) for r in labelled]))
    ranked = model.next_records(matrix, np.zeros(len(ids), dtype=bool))
    return [ids[i] for i in ranked]


def test_a_stage_can_screen_in_random_or_imported_order(rr: RankedReview) -> None:
    _teach(rr)
    rr.reconfigure(order="imported")
    assert _next(rr, A) == rr.off_topic[1]
    rr.reconfigure(order="random")
    shuffled = [r for r in _shuffled(rr) if r not in (rr.on_topic[0], rr.off_topic[0])]
    assert shuffled != sorted(shuffled)
    seen = []
    for _ in range(4):
        record = _next(rr, A)
        assert record is not None
        seen.append(record)
        _decide(rr, A, record, "exclude")
    assert seen == shuffled[:4]  # the same seeded order every time


def _shuffled(rr: RankedReview) -> list[int]:
    with rr.store.read() as session:
        made = ranking.trainer(rr.store).shuffled(session, rr.review, rr.review.protocol.stages[0])
    return list(made.order or ())


def test_a_reviewer_can_keep_imported_order_while_the_stage_is_ranked(
    tmp_path: Path, db_url: str | None
) -> None:
    rr = build(tmp_path / "dual", db_url, reviewers=2)
    try:
        rr.reconfigure(reviewer_order={B: "imported"})
        _teach(rr, A)
        assert _next(rr, A) in rr.on_topic
        assert _next(rr, B) == rr.ids[0]  # B's own setting: as imported
    finally:
        ranking.trainer(rr.store).wait()
        rr.store.dispose()


def test_in_an_open_stage_both_reviewers_decisions_train_one_ranking(
    tmp_path: Path, db_url: str | None
) -> None:
    rr = build(tmp_path / "open", db_url, reviewers=2, blind=False)
    try:
        _teach(rr, A)
        assert _next(rr, B) in rr.on_topic  # A's votes rank B's records too
    finally:
        ranking.trainer(rr.store).wait()
        rr.store.dispose()


def test_a_blind_reviewers_order_does_not_reveal_the_others_votes(
    tmp_path: Path, db_url: str | None
) -> None:
    rr = build(tmp_path / "blind", db_url, reviewers=2, blind=True)
    try:
        _teach(rr, A)
        assert _next(rr, A) in rr.on_topic  # A's own votes rank A's records
        with rr.store.read() as session:
            stage = rr.review.protocol.stages[0]
            assert ranking_labels.stage_labels(session, rr.review, stage, B) == {}
            assert ranking_labels.stage_labels(session, rr.review, stage, None) == {}
        assert _next(rr, B) == rr.ids[0]  # imported order, as if A had not voted
        # Once both have voted, the settled records teach B's ranking as well.
        _decide(rr, B, rr.on_topic[0], "include")
        _decide(rr, B, rr.off_topic[0], "exclude")
        assert ranking.trainer(rr.store).wait()
        with rr.store.read() as session:
            settled = ranking_labels.stage_labels(session, rr.review, stage, None)
        assert settled == {rr.off_topic[0]: False, rr.on_topic[0]: True}
        assert _next(rr, B) in rr.on_topic
    finally:
        ranking.trainer(rr.store).wait()
        rr.store.dispose()
