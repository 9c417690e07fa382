"""Dual independent screening: agreement moves records on, disagreement needs the arbiter,
decisions are versioned and idempotent, and blind mode hides other reviewers' votes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from sysreview.demo import DemoReview
from sysreview.errors import (
    AlreadyExists,
    InvalidInput,
    PermissionDenied,
    StaleWrite,
    SysreviewError,
)
from sysreview.services import screening
from sysreview.services.audit import list_audit, verify_audit
from sysreview.services.status import review_status
from sysreview.store.models import Decision

TA, FT = "title_abstract", "full_text"
REASON = "No outcomes reported"


def _first_two(demo: DemoReview) -> tuple[int, int]:
    view = screening.next_record(demo.store, demo.review, "ln", TA)
    assert view is not None
    after = screening.next_record(demo.store, demo.review, "ln", TA, after=view.id)
    assert after is not None
    return view.id, after.id


def _both(
    demo: DemoReview, record: int, first: str, second: str, stage: str = TA, reason: str = ""
) -> None:
    screening.decide(
        demo.store,
        demo.review,
        "ln",
        stage,
        record,
        first,
        reason=reason if first == "exclude" else "",
    )
    screening.decide(
        demo.store,
        demo.review,
        "dll",
        stage,
        record,
        second,
        reason=reason if second == "exclude" else "",
    )


def test_agreement_moves_a_record_to_the_next_stage(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    _both(demo, record, "include", "include")
    view = screening.record_view(demo.store, demo.review, "ln", TA, record)
    assert view.state == "include"
    assert screening.next_record(demo.store, demo.review, "ln", FT).id == record  # type: ignore[union-attr]
    stages = review_status(demo.store, demo.review, "eop")["stages"]
    assert stages[0]["included"] == 1
    assert stages[1]["records"] == 1


def test_disagreement_is_a_conflict_the_arbiter_resolves(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    _both(demo, record, "include", "exclude")
    assert [v.id for v in screening.conflicts(demo.store, demo.review, "eop", TA)] == [record]
    with pytest.raises(PermissionDenied):
        screening.resolve(demo.store, demo.review, "ln", TA, record, "include")
    screening.resolve(demo.store, demo.review, "eop", TA, record, "include", note="discussed")
    assert screening.record_view(demo.store, demo.review, "ln", TA, record).state == "include"
    assert screening.conflicts(demo.store, demo.review, "eop", TA) == []
    assert list_audit(demo.store, demo.review, "hp")[-1]["action"] == "screening.resolve"


def test_maybe_goes_to_the_arbiter_by_default(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    _both(demo, record, "maybe", "include")
    assert screening.record_view(demo.store, demo.review, "eop", TA, record).state == "conflict"


def test_a_full_text_exclusion_needs_one_of_the_protocol_reasons(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    _both(demo, record, "include", "include")
    with pytest.raises(InvalidInput, match="needs a reason"):
        screening.decide(demo.store, demo.review, "ln", FT, record, "exclude")
    with pytest.raises(InvalidInput, match="not one of"):
        screening.decide(demo.store, demo.review, "ln", FT, record, "exclude", reason="Too long")
    _both(demo, record, "exclude", "exclude", stage=FT, reason=REASON)
    assert screening.record_view(demo.store, demo.review, "hp", FT, record).state == "exclude"


def test_a_reviewer_may_change_a_decision_until_the_record_is_settled(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    first = screening.decide(demo.store, demo.review, "ln", TA, record, "exclude")
    changed = screening.decide(
        demo.store, demo.review, "ln", TA, record, "include", expected_version=first.version
    )
    assert changed.version == 2
    with pytest.raises(StaleWrite, match="changed since you loaded it"):
        screening.decide(demo.store, demo.review, "ln", TA, record, "exclude", expected_version=1)
    screening.decide(demo.store, demo.review, "dll", TA, record, "include")
    with pytest.raises(StaleWrite, match="settled"):
        screening.decide(demo.store, demo.review, "ln", TA, record, "exclude")


def test_a_third_reviewer_cannot_add_to_a_record_that_has_its_two(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    _both(demo, record, "include", "exclude")
    with pytest.raises(StaleWrite, match="already has the 2"):
        screening.decide(demo.store, demo.review, "hp", TA, record, "include")


def test_the_same_form_token_stores_one_decision_and_replays_the_answer(
    demo: DemoReview,
) -> None:
    record, _ = _first_two(demo)
    first = screening.decide(
        demo.store, demo.review, "ln", TA, record, "include", idempotency_key="form-1"
    )
    again = screening.decide(
        demo.store, demo.review, "ln", TA, record, "include", idempotency_key="form-1"
    )
    assert again == first
    with pytest.raises(AlreadyExists, match="other content"):
        screening.decide(
            demo.store, demo.review, "ln", TA, record, "exclude", idempotency_key="form-1"
        )
    with demo.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        assert session.scalar(select(Decision.version)) == 1


def test_blind_mode_hides_the_other_vote_until_the_record_is_settled(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    screening.decide(demo.store, demo.review, "dll", TA, record, "exclude", note="MARKER-B")
    before = screening.record_view(demo.store, demo.review, "ln", TA, record)
    assert before.judgements == []
    assert before.state == "unscreened"
    assert "MARKER-B" not in repr(before)
    status = review_status(demo.store, demo.review, "ln")["stages"][0]
    assert status["in_progress"] is None and status["conflicts"] is None
    screening.decide(demo.store, demo.review, "ln", TA, record, "include")
    pending = screening.record_view(demo.store, demo.review, "ln", TA, record)
    assert pending.state == "pending"
    assert [j.reviewer for j in pending.judgements] == ["ln"]
    arbiter = screening.record_view(demo.store, demo.review, "eop", TA, record)
    assert {j.note for j in arbiter.judgements} == {"", "MARKER-B"}


def test_a_stage_loads_each_decisions_note_labels_and_version(demo: DemoReview) -> None:
    first, second = _first_two(demo)
    tagged = ["adults", "RCT", 'naïve "quoted" label']
    screening.decide(demo.store, demo.review, "ln", TA, first, "maybe", note="n1", labels=tagged)
    screening.decide(demo.store, demo.review, "ln", TA, first, "include", note="n2", labels=tagged)
    screening.decide(demo.store, demo.review, "dll", TA, first, "include")
    screening.decide(demo.store, demo.review, "dll", TA, second, "exclude", labels=tagged[:1])
    with demo.store.read() as session:
        data = screening.load_stage(session, demo.review, TA)
    mine, theirs = data.judgements[first]
    assert (mine.reviewer, mine.verdict, mine.note, mine.labels) == (
        "ln",
        "include",
        "n2",
        tuple(tagged),
    )
    assert (theirs.reviewer, theirs.labels) == ("dll", ())
    assert data.judgements[second][0].labels == ("adults",)
    assert data.versions[(first, "ln")] == 2 and data.versions[(first, "dll")] == 1


def test_viewers_cannot_decide(demo: DemoReview) -> None:
    record, _ = _first_two(demo)
    with pytest.raises(PermissionDenied):
        screening.decide(demo.store, demo.review, "stranger", TA, record, "include")


def test_two_reviewers_racing_for_the_last_slot_leave_a_consistent_record(
    demo: DemoReview,
) -> None:
    """Three people decide the same record at the same moment; exactly two decisions stand."""
    record, _ = _first_two(demo)
    outcomes: list[str] = []

    def vote(user: str) -> None:
        try:
            screening.decide(demo.store, demo.review, user, TA, record, "include")
            outcomes.append("stored")
        except SysreviewError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=vote, args=(u,)) for u in ("ln", "dll", "hp")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["StaleWrite", "stored", "stored"]
    with demo.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 2
    assert verify_audit(demo.store) is None


def test_a_merged_duplicate_is_screened_once_through_its_group(demo: DemoReview) -> None:
    from pathlib import Path

    from sysreview.services.dedup import active_groups, run_dedup
    from sysreview.services.imports import SearchDetails, import_file

    fixtures = Path(__file__).parents[1] / "fixtures" / "duplicates"
    for name in ("medline.ris", "embase.ris"):
        import_file(
            demo.store,
            demo.review,
            "hp",
            (fixtures / name).read_bytes(),
            file_name=name,
            search=SearchDetails(name),
        )
    run_dedup(demo.store, demo.review, "hp")
    hidden = {m for g in active_groups(demo.store, demo.review, "hp") for m in g["members"][1:]}
    assert hidden
    offered, after = [], None
    while (view := screening.next_record(demo.store, demo.review, "ln", TA, after)) is not None:
        offered.append(view.id)
        after = view.id
    assert not hidden & set(offered)
    assert len(offered) == review_status(demo.store, demo.review, "hp")["records"]["unique"]


def test_progress_counts_what_is_left_for_each_reviewer(demo: DemoReview) -> None:
    first, second = _first_two(demo)
    screening.decide(demo.store, demo.review, "ln", TA, first, "include")
    screening.decide(demo.store, demo.review, "dll", TA, second, "include")
    screening.decide(demo.store, demo.review, "hp", TA, second, "exclude")  # second is full
    ln = screening.reviewer_progress(demo.store, demo.review, "ln", TA)
    dll = screening.reviewer_progress(demo.store, demo.review, "dll", TA)
    assert ln == {"records": 10, "decided": 1, "left": 8}  # not first (own), not second (full)
    assert dll == {"records": 10, "decided": 1, "left": 9}  # first still needs one more
