"""The coding page's runs of text: cut at every excerpt's edges and around carriage returns, so
a run's start plus the characters before a point inside it is that point's offset in the
source, whatever the text holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sysreview.services.synthesis_web import parse_source_key, runs, source_key
from sysreview.synthesis.excerpts import Location

TEXTS = st.text(alphabet=st.sampled_from("ab \n\r\t😀é<&"), max_size=40)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, dict[int, tuple[int, int]]]:
    text = draw(TEXTS)
    spans = {}
    for n in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        if start < end:
            spans[n] = (start, end)
    return text, spans


@given(text_and_spans())
def test_runs_cover_the_text_in_order_with_their_offsets(
    case: tuple[str, dict[int, tuple[int, int]]],
) -> None:
    text, spans = case
    found = runs(text, spans)
    assert "".join(r.text for r in found) == text
    for run in found:
        assert text[run.start : run.start + len(run.text)] == run.text
        assert "\r" not in run.text or run.text == "\r"
        assert run.shown == ("" if run.text == "\r" else run.text)
        for excerpt, (start, end) in spans.items():
            inside = start <= run.start and run.start + len(run.text) <= end
            assert (excerpt in run.excerpts) == inside


def test_overlapping_excerpts_mark_the_words_they_share() -> None:
    found = runs("one two three", {1: (0, 7), 2: (4, 13)})
    assert [(r.text, r.excerpts) for r in found] == [
        ("one ", (1,)),
        ("two", (1, 2)),
        (" three", (2,)),
    ]


def test_a_source_key_names_its_location_and_report() -> None:
    for location, report in [
        (Location("extraction", field="outcomes"), None),
        (Location("note", note="Results | 2"), None),
        (Location("fulltext", page=3), 12),
        (Location("fulltext"), 12),
    ]:
        key = source_key(location, report)
        assert parse_source_key(key) == (location, report)
    placed, _ = parse_source_key("fulltext|12|3", 5, 9)
    assert (placed.page, placed.start, placed.end) == (3, 5, 9)
