"""Reviewers working at the same moment are handed different records where the stage's places
allow, so no one reads an abstract whose places others are already filling."""

from __future__ import annotations

from sysreview.demo import DemoReview
from sysreview.services import screening
from sysreview.services.reading import HOLD_SECONDS, ReadingList

TA = "title_abstract"


def _next(demo: DemoReview, reviewer: str) -> int:
    view = screening.next_record(demo.store, demo.review, reviewer, TA)
    assert view is not None
    return view.id


def test_two_places_go_to_two_readers_and_the_third_gets_another_record(
    demo: DemoReview,
) -> None:
    first = _next(demo, "ln")
    assert _next(demo, "dll") == first  # two reviewers per record: both may read it
    assert _next(demo, "hp") != first  # both places are being filled


def test_a_decision_still_counts_after_its_reader_moves_on(demo: DemoReview) -> None:
    first = _next(demo, "ln")
    assert _next(demo, "dll") == first
    screening.decide(demo.store, demo.review, "ln", TA, first, "include")
    assert _next(demo, "hp") != first  # one decision and dll still reading


def test_a_record_whose_reader_left_is_offered_again(demo: DemoReview) -> None:
    first = _next(demo, "ln")
    assert _next(demo, "dll") == first
    second = screening.next_record(demo.store, demo.review, "dll", TA, after=first)
    assert second is not None and second.id != first  # dll skipped on: their hold moved
    assert _next(demo, "hp") == first


def test_holds_are_never_a_lock_on_deciding(demo: DemoReview) -> None:
    first = _next(demo, "ln")
    _next(demo, "dll")
    result = screening.decide(demo.store, demo.review, "hp", TA, first, "exclude")
    assert result.version == 1


def test_a_hold_lapses_and_a_decision_releases_it() -> None:
    now = [0.0]
    reading = ReadingList(clock=lambda: now[0])
    where = ("sqlite:///one.db", 1, TA)
    reading.hold(where, "ln", 7)
    reading.hold(where, "dll", 7)
    assert reading.held_by_others(where, "hp") == {7: 2}
    assert reading.held_by_others(where, "ln") == {7: 1}
    reading.release(where, "ln")
    assert reading.held_by_others(where, "hp") == {7: 1}
    reading.hold(where, "dll", 8)  # shown another record: the old hold goes
    assert reading.held_by_others(where, "hp") == {8: 1}
    now[0] = HOLD_SECONDS + 1
    assert reading.held_by_others(where, "hp") == {}


def test_holds_of_one_database_do_not_touch_another() -> None:
    reading = ReadingList()
    reading.hold(("sqlite:///a.db", 1, TA), "ln", 7)
    assert reading.held_by_others(("sqlite:///b.db", 1, TA), "hp") == {}
