"""The running counts behind each reviewer's progress always equal a count of the decisions
themselves: through random decisions, changes and resolutions, concurrent reviewers, counts that
are missing (a restored archive) and a protocol that now asks for another number of reviewers."""

from __future__ import annotations

import copy
import dataclasses
import random
import threading

from sqlalchemy import delete, select

from sysreview.demo import DemoReview
from sysreview.errors import StaleWrite
from sysreview.services import screening
from sysreview.services import screening_tallies as tallies
from sysreview.services.reviews import ReviewContext
from sysreview.store.models import ScreeningTally, User

TA = "title_abstract"
REVIEWERS = ("hp", "ln", "dll")


def _counted_afresh(demo: DemoReview, review: ReviewContext, reviewer: str) -> dict[str, int]:
    """What the screening page must show, counted from the decisions alone."""
    stage = review.protocol.stage(TA)
    with demo.store.read() as session:
        user_id = session.scalar(select(User.id).where(User.username == reviewer))
        assert user_id is not None
        counted = screening._progress_from_decisions(session, review, stage, user_id)
    shown = screening.reviewer_progress(demo.store, review, reviewer, TA)
    return {
        "records": shown["records"],
        "decided": counted.decided,
        "left": shown["records"] - counted.closed_to_reviewer,
    }


def _tally_rows(demo: DemoReview) -> dict[str, tuple[int, int, int]]:
    with demo.store.read() as session:
        return {
            row.reviewer: (row.closed, row.decided, row.open_decided)
            for row in session.scalars(select(ScreeningTally).where(ScreeningTally.stage == TA))
        }


def _assert_counts_hold(demo: DemoReview, review: ReviewContext) -> None:
    for reviewer in (*REVIEWERS, "eop"):
        shown = screening.reviewer_progress(demo.store, review, reviewer, TA)
        assert shown == _counted_afresh(demo, review, reviewer), reviewer


def test_counts_follow_random_decisions_changes_and_resolutions(demo: DemoReview) -> None:
    chance = random.Random(5)
    records = [v.id for v in screening.stage_records(demo.store, demo.review, "hp", TA)[0]]
    assert len(records) == 10
    made = 0
    for _ in range(45):
        record, reviewer = chance.choice(records), chance.choice(REVIEWERS)
        view = screening.record_view(demo.store, demo.review, reviewer, TA, record)
        try:
            if view.state == "conflict" and chance.random() < 0.5:
                verdict = chance.choice(["include", "exclude"])
                screening.resolve(demo.store, demo.review, "eop", TA, record, verdict)
            else:
                verdict = chance.choice(["include", "exclude", "maybe"])
                screening.decide(demo.store, demo.review, reviewer, TA, record, verdict)
            made += 1
        except StaleWrite:  # full or settled: refused, and nothing may change
            pass
        _assert_counts_hold(demo, demo.review)
    assert made > 20
    rows = _tally_rows(demo)
    assert rows[tallies.STAGE][0] > 0  # the counts were kept, not just recounted
    assert sum(decided for _, decided, _ in rows.values()) > 10


def test_the_page_reads_the_counts_not_the_decisions(demo: DemoReview) -> None:
    """Proof the counts are what is shown: doctored counts show through."""
    first = screening.next_record(demo.store, demo.review, "ln", TA)
    assert first is not None
    screening.decide(demo.store, demo.review, "ln", TA, first.id, "include")
    assert screening.reviewer_progress(demo.store, demo.review, "ln", TA)["decided"] == 1
    with demo.store.write() as session:
        row = session.scalar(select(ScreeningTally).where(ScreeningTally.reviewer == "ln"))
        assert row is not None
        row.decided = 7
    assert screening.reviewer_progress(demo.store, demo.review, "ln", TA)["decided"] == 7


def test_missing_counts_are_counted_then_rebuilt_by_the_next_decision(demo: DemoReview) -> None:
    views = [screening.next_record(demo.store, demo.review, "ln", TA) for _ in range(1)]
    first = views[0]
    assert first is not None
    screening.decide(demo.store, demo.review, "ln", TA, first.id, "include")
    screening.decide(demo.store, demo.review, "dll", TA, first.id, "exclude")
    expected = {r: _counted_afresh(demo, demo.review, r) for r in REVIEWERS}
    with demo.store.write() as session:  # as after an archive is restored
        session.execute(delete(ScreeningTally))
    assert _tally_rows(demo) == {}
    assert {r: screening.reviewer_progress(demo.store, demo.review, r, TA) for r in REVIEWERS} == (
        expected
    )
    second = screening.next_record(demo.store, demo.review, "hp", TA)
    assert second is not None
    screening.decide(demo.store, demo.review, "hp", TA, second.id, "exclude")
    assert _tally_rows(demo)[tallies.STAGE][0] == 1  # rebuilt: the conflict is closed
    _assert_counts_hold(demo, demo.review)


def test_a_protocol_asking_for_more_reviewers_is_counted_anew(demo: DemoReview) -> None:
    record = screening.next_record(demo.store, demo.review, "ln", TA)
    assert record is not None
    screening.decide(demo.store, demo.review, "ln", TA, record.id, "include")
    screening.decide(demo.store, demo.review, "dll", TA, record.id, "include")
    assert screening.reviewer_progress(demo.store, demo.review, "hp", TA)["left"] == 9
    protocol = copy.deepcopy(demo.review.protocol)
    protocol.stage(TA).reviewers = 3
    three = dataclasses.replace(demo.review, protocol=protocol)
    assert screening.reviewer_progress(demo.store, three, "hp", TA)["left"] == 10
    _assert_counts_hold(demo, three)
    other = screening.next_record(demo.store, three, "hp", TA, after=record.id)
    assert other is not None
    screening.decide(demo.store, three, "hp", TA, other.id, "exclude")
    with demo.store.read() as session:
        needed = set(session.scalars(select(ScreeningTally.reviewers_needed)))
    assert needed == {3}
    _assert_counts_hold(demo, three)


def test_concurrent_reviewers_leave_counts_equal_to_the_decisions(demo: DemoReview) -> None:
    records = [v.id for v in screening.stage_records(demo.store, demo.review, "hp", TA)[0]]
    barrier = threading.Barrier(len(REVIEWERS))
    errors: list[BaseException] = []

    def screen(reviewer: str) -> None:
        barrier.wait()
        for record in records:
            try:
                screening.decide(demo.store, demo.review, reviewer, TA, record, "exclude")
            except StaleWrite:  # two others were first
                pass
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=screen, args=(r,)) for r in REVIEWERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = _tally_rows(demo)
    assert rows[tallies.STAGE][0] == len(records)  # every record got its two decisions
    assert sum(decided for _, decided, _ in rows.values()) == 2 * len(records)
    _assert_counts_hold(demo, demo.review)


def test_imported_decisions_are_counted_once_at_the_end(demo: DemoReview) -> None:
    """A bulk import recounts once (adjusting per row updated the same rows once per decision
    in one transaction, quadratic on PostgreSQL); the counts still match the decisions."""
    from sysreview.services.decisions import import_decisions

    records = [v.id for v in screening.stage_records(demo.store, demo.review, "hp", TA)[0]]
    screening.decide(demo.store, demo.review, "hp", TA, records[0], "include")  # counts exist
    lines = ["stage,record_id,reviewer,verdict,reason,note,labels"]
    lines += [f"{TA},{r},ln,exclude,,," for r in records[:6]]
    lines += [f"{TA},{r},dll,include,,," for r in records[3:8]]
    imported = import_decisions(
        demo.store, demo.review, "hp", ("\n".join(lines) + "\n").encode(), "d.csv"
    )
    assert imported == 11
    rows = _tally_rows(demo)
    assert rows["ln"][1] == 6 and rows["dll"][1] == 5 and rows["hp"][1] == 1
    assert rows[tallies.STAGE][0] == 4  # records[0] (hp + ln) and records[3:6] (ln + dll)
    _assert_counts_hold(demo, demo.review)
