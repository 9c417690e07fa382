"""Excerpt locations: parsed from their CSV form and checked against the source text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import InvalidInput
from sysreview.synthesis.excerpts import Location, anchor, parse_location

TEXT = "94% of mentees improved. | 86% reported better communication skills"


def test_a_field_location_round_trips_through_its_text() -> None:
    location = parse_location("extraction", "field=outcomes; chars=0-24")
    assert location == Location("extraction", field="outcomes", start=0, end=24)
    assert parse_location("extraction", location.text()) == location


def test_anchoring_finds_the_words_and_records_their_offsets() -> None:
    placed, words = anchor(Location("extraction", field="outcomes"), TEXT, " 86% reported ")
    assert (placed.start, placed.end, words) == (27, 39, "86% reported")
    assert TEXT[placed.start : placed.end] == words


def test_offsets_must_hold_the_excerpts_words() -> None:
    location = Location("extraction", field="outcomes", start=0, end=24)
    assert anchor(location, TEXT, "")[1] == "94% of mentees improved."
    with pytest.raises(InvalidInput, match="not the excerpt"):
        anchor(location, TEXT, "86% reported")
    with pytest.raises(InvalidInput, match="run past the end"):
        anchor(Location("extraction", field="outcomes", start=60, end=90), TEXT, "")
    with pytest.raises(InvalidInput, match="not in the source"):
        anchor(Location("extraction", field="outcomes"), TEXT, "burnout")


def test_a_page_counts_offsets_within_its_own_text() -> None:
    pages = "first page\fsecond page text"
    placed, words = anchor(Location("fulltext", page=2), pages, "page text")
    assert (placed.start, words) == (7, "page text")
    with pytest.raises(InvalidInput, match="2 page"):
        anchor(Location("fulltext", page=3), pages, "text")


@pytest.mark.parametrize(
    ("source", "text", "message"),
    [
        ("table", "field=x", "source is one of"),
        ("extraction", "", "names a field"),
        ("extraction", "page=2; field=x", "names a field"),
        ("note", "field=x", "names the note"),
        ("fulltext", "field=x", "not a field"),
        ("fulltext", "page=0", "page number"),
        ("fulltext", "chars=9-3", "empty or reversed"),
        ("fulltext", "chars=a-3", "START-END"),
        ("fulltext", "line=3", "is not field="),
    ],
)
def test_bad_locations_say_what_is_wrong(source: str, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_location(source, text)


@given(st.text(max_size=40))
def test_any_location_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        location = parse_location("fulltext", text)
    except InvalidInput:
        return
    assert location.source == "fulltext"
