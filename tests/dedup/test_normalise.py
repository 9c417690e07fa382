"""Comparison keys: what different exports of one article must agree on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.dedup import comparison_keys
from sysreview.dedup.normalise import (
    fold_text,
    journal_tokens,
    journals_compatible,
    page_range,
    surname_key,
)
from sysreview.records import Record


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("123-9", ("123", "129")),
        ("123--129", ("123", "129")),
        ("123 – 129", ("123", "129")),
        ("1001-12", ("1001", "1012")),
        ("pp. 45-7", ("45", "47")),
        ("e1234", ("e1234", "")),
        ("S12-S14", ("s12", "s14")),
        ("N.PAG", ("", "")),
        ("", ("", "")),
    ],
)
def test_page_ranges_are_expanded(pages: str, expected: tuple[str, str]) -> None:
    assert page_range(pages) == expected


@given(st.text(max_size=30))
def test_page_range_never_fails(pages: str) -> None:
    first, last = page_range(pages)
    assert isinstance(first, str) and isinstance(last, str)


@given(st.text(max_size=200))
def test_folding_is_idempotent(text: str) -> None:
    assert fold_text(fold_text(text)) == fold_text(text)


@given(
    st.builds(
        Record,
        title=st.text(max_size=120),
        authors=st.lists(st.text(max_size=30), max_size=5),
        journal=st.text(max_size=40),
        volume=st.text(max_size=6),
        issue=st.text(max_size=6),
        pages=st.text(max_size=12),
        doi=st.text(max_size=30),
        publication_type=st.text(max_size=20),
    )
)
def test_keys_are_computed_for_any_record(record: Record) -> None:
    assert comparison_keys(record).title == fold_text(comparison_keys(record).title)


@pytest.mark.parametrize(
    "name", ["Müller, Johanna", "Mueller J", "Muller, J.", "MÜLLER JA", "Johanna Müller"]
)
def test_surname_spellings_agree(name: str) -> None:
    assert surname_key(name) == "muller"


def test_et_al_is_not_an_author() -> None:
    assert comparison_keys(Record(authors=["Smith J", "et al."])).authors == ("smith",)


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("J Am Med Assoc", "Journal of the American Medical Association"),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the U S A",
        ),
        ("Nurse Educ Today", "NURSE EDUCATION TODAY"),
        ("Age & Ageing", "Age and Ageing"),
    ],
)
def test_abbreviated_journals_are_compatible(short: str, full: str) -> None:
    assert journals_compatible(journal_tokens(short), journal_tokens(full))


def test_journals_differing_by_a_word_are_not_compatible() -> None:
    a = journal_tokens("Journal of Information Systems")
    b = journal_tokens("Journal of Management Information Systems")
    assert not journals_compatible(a, b)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Erratum: Effects of X", "erratum"),
        ("Corrigendum to 'Effects of X'", "erratum"),
        ("Correction to: Effects of X", "erratum"),
        ("Retraction notice to Effects of X", "retraction"),
        ("Comment on: Effects of X", "comment"),
        ("Re: Effects of X", "comment"),
        ("Reply to comment on Effects of X", "reply"),
        ("Effects of X: an update", "update"),
    ],
)
def test_trap_kinds_are_read_from_titles(title: str, kind: str) -> None:
    assert kind in comparison_keys(Record(title=title)).kinds


def test_conference_abstract_is_read_from_publication_type() -> None:
    keys = comparison_keys(Record(title="X", publication_type="Conference Abstract"))
    assert keys.kinds == {"conference_abstract"}


@pytest.mark.parametrize(
    ("title", "part"),
    [("X. Part 2: results", "2"), ("X (part II)", "2"), ("X, part one", "1"), ("X", "")],
)
def test_series_parts_are_read_from_titles(title: str, part: str) -> None:
    assert comparison_keys(Record(title=title)).part == part


def test_scopus_translation_is_kept_as_an_alternative_title() -> None:
    keys = comparison_keys(Record(title="Working in platforms [Arbeiten in der Plattformökonomie]"))
    assert keys.title == "working in platforms"
    assert keys.alt_titles == ("arbeiten in der plattformokonomie",)
