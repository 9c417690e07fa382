"""Decisions people already made outrank the machine: "distinct" is never grouped, "same" is."""

from __future__ import annotations

from sysreview.dedup import Deduplicator
from tests.dedup.conftest import article, find, groups_of


def test_distinct_pair_of_perfect_duplicates_is_not_grouped() -> None:
    records = {"a": article(), "b": article()}
    result = find(records, distinct=[("a", "b")])
    assert not result.groups


def test_distinct_pair_is_not_suggested_again() -> None:
    records = {"a": article(), "b": article(year=2020, doi="", pmid="", volume="", pages="")}
    result = find(records, distinct=[("b", "a")])
    assert not result.suggested


def test_same_pair_of_different_records_is_grouped() -> None:
    records = {"a": article(), "b": article(title="Something else entirely", doi="", pmid="")}
    result = find(records, same=[("a", "b")])
    assert groups_of(result) == {frozenset("ab")}
    assert result.groups[0].decision == "confirmed"


def test_distinct_decision_breaks_a_chain_of_sure_matches() -> None:
    records = {"a": article(), "b": article(pmid=""), "c": article(doi="")}
    result = find(records, distinct=[("a", "c")])
    for group in groups_of(result):
        assert not {"a", "c"} <= group


def test_contradicting_decisions_keep_distinct_and_warn() -> None:
    records = {"a": article(), "b": article(), "c": article()}
    result = find(records, same=[("a", "b"), ("b", "c")], distinct=[("a", "c")])
    for group in groups_of(result):
        assert not {"a", "c"} <= group
    assert any("contradict" in w for w in result.warnings)


def test_decision_naming_an_unknown_record_is_skipped_with_a_warning() -> None:
    result = Deduplicator().find({"a": article()}, same=[("a", "zzz")])
    assert not result.groups
    assert any("'zzz'" in w for w in result.warnings)
