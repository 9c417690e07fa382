"""Finding a review by its slug, the web's way in: the protocol in force is the folder's file,
an edited file is picked up, and a folder that lost its file falls back on the stored copy."""

from __future__ import annotations

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import NotFound
from sysreview.protocol import PROTOCOL_FILENAME, load_protocol
from sysreview.services.reviews import review_by_slug


def _owner(demo: DemoReview) -> str:
    return demo.review.protocol.team[0].user


def test_a_review_is_found_by_its_slug_with_its_protocol(demo: DemoReview) -> None:
    found = review_by_slug(demo.store, demo.review.slug, _owner(demo))
    assert (found.id, found.slug) == (demo.review.id, demo.review.slug)
    assert found.protocol == load_protocol(demo.review.folder)[0]


def test_an_edited_protocol_file_is_in_force_at_the_next_request(demo: DemoReview) -> None:
    path = demo.review.folder / PROTOCOL_FILENAME
    old_title = demo.review.protocol.title
    path.write_text(path.read_text(encoding="utf-8").replace(old_title, "A retitled review", 1))
    found = review_by_slug(demo.store, demo.review.slug, _owner(demo))
    assert found.title == "A retitled review"
    assert found.protocol.title == "A retitled review"


def test_without_its_protocol_file_a_review_keeps_the_stored_copy(demo: DemoReview) -> None:
    (demo.review.folder / PROTOCOL_FILENAME).unlink()
    found = review_by_slug(demo.store, demo.review.slug, _owner(demo))
    assert found.id == demo.review.id
    assert found.protocol == demo.review.protocol
    assert [s.name for s in found.protocol.stages] == ["title_abstract", "full_text"]


def test_an_unknown_slug_is_not_found(demo: DemoReview) -> None:
    with pytest.raises(NotFound, match="no-such-review"):
        review_by_slug(demo.store, "no-such-review", _owner(demo))
