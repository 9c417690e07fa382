"""Reviewers working at the same moment are handed different records where the stage's places
allow, so no one reads an abstract whose places others are already filling."""

from __future__ import annotations

import threading
from pathlib import Path

from sysreview.demo import DemoReview, demo_protocol, import_included_reports
from sysreview.protocol import Member
from sysreview.services import screening
from sysreview.services.reading import HOLD_SECONDS, ReadingList
from sysreview.services.reviews import init_review

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


def test_a_claim_takes_a_place_only_if_one_is_free() -> None:
    reading = ReadingList()
    where = ("sqlite:///one.db", 1, TA)
    assert reading.claim(where, "ln", 7, decided=1, places=2)
    assert not reading.claim(where, "dll", 7, decided=1, places=2)  # ln reads the last place
    assert reading.claim(where, "dll", 8, decided=0, places=2)
    assert reading.claim(where, "ln", 7, decided=1, places=2)  # a reader may re-claim their own
    assert reading.held_by_others(where, "hp") == {7: 1, 8: 1}


def test_reviewers_asking_at_once_never_share_a_single_place(
    tmp_path: Path, db_url: str | None
) -> None:
    """A one-reviewer stage: eight reviewers asking for their next record at the same moment
    are each handed a different record."""
    protocol = demo_protocol()
    protocol.stages[:] = [protocol.stages[0].model_copy(update={"reviewers": 1})]
    protocol.team.extend(Member(user=f"r{n}", role="reviewer") for n in range(8))
    store, review = init_review(tmp_path / "r", protocol.title, "hp", db_url, protocol)
    import_included_reports(store, review, "hp")
    start = threading.Barrier(8)
    shown: list[int] = []

    def ask(name: str) -> None:
        start.wait()
        view = screening.next_record(store, review, name, TA)
        assert view is not None
        shown.append(view.id)

    threads = [threading.Thread(target=ask, args=(f"r{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.dispose()
    assert len(shown) == 8 and len(set(shown)) == 8
