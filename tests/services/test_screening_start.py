"""Where a walk for the next record starts when there is no record to start after: at the
first record not closed to everyone, moved on as records close, and never past a record that
is open again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.services import screening, screening_start
from tests.ranking.screening_review import TA, A, B, RankedReview, build


@pytest.fixture
def rr(tmp_path: Path, db_url: str | None) -> Iterator[RankedReview]:
    built = build(tmp_path / "imported", db_url, reviewers=2, order="imported")
    yield built
    built.store.dispose()


def _close(rr: RankedReview, *records: int) -> None:
    for record in records:
        screening.decide(rr.store, rr.review, A, TA, record, "exclude")
        screening.decide(rr.store, rr.review, B, TA, record, "exclude")


def _first(rr: RankedReview, who: str) -> int | None:
    view = screening.next_record(rr.store, rr.review, who, TA)
    return view.id if view else None


def _start(rr: RankedReview) -> int | None:
    with rr.store.read() as session:
        stage = rr.review.protocol.stage(TA)
        return screening_start.first_unclosed(session, rr.store.url, rr.review, stage)


def test_the_walk_starts_after_the_records_closed_to_everyone(rr: RankedReview) -> None:
    ids = rr.ids
    _close(rr, *ids[:4])
    screening.decide(rr.store, rr.review, A, TA, ids[4], "include")  # open to B only
    assert _start(rr) == ids[4]
    assert _first(rr, A) == ids[5]
    assert _first(rr, B) == ids[4]


def test_the_start_moves_on_as_records_close(
    rr: RankedReview, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = rr.ids
    _close(rr, ids[0])
    assert _start(rr) == ids[1]
    _close(rr, ids[1], ids[2])
    assert _start(rr) == ids[1]  # remembered for a while: too early is only a longer walk
    assert _first(rr, A) == ids[3]
    monkeypatch.setattr(screening_start, "MOVE_ON_SECONDS", 0.0)
    assert _start(rr) == ids[3]


def test_a_record_open_below_a_remembered_start_is_still_offered(rr: RankedReview) -> None:
    ids = rr.ids
    _close(rr, *(r for r in ids if r != ids[2]))
    # as after a duplicate group is undone: a start remembered past a record now open
    key = (rr.store.url, rr.review.id, TA, 2)
    screening_start._remembered[key] = (time.monotonic(), ids[5])
    assert _first(rr, A) == ids[2]
    assert _start(rr) == ids[2]  # and the start is found again


def test_nothing_is_offered_when_everything_is_closed(rr: RankedReview) -> None:
    _close(rr, *rr.ids)
    assert _start(rr) is None
    assert _first(rr, A) is None
