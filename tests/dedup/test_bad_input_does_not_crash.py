"""Incomplete or unusual records give sensible groups and clear warnings, never a crash."""

from __future__ import annotations

from sysreview.records import Record
from tests.dedup.conftest import article, find, groups_of, suggested_pairs


def test_no_records_give_an_empty_result() -> None:
    result = find({})
    assert not result.groups and not result.suggested and not result.warnings


def test_record_without_title_is_never_merged_and_is_reported() -> None:
    result = find({"a": article(), "b": article(title="")})
    assert not result.groups
    assert any("no title" in w for w in result.warnings)


def test_identifier_only_record_is_suggested_not_merged() -> None:
    bare = Record(doi="10.1016/j.nedt.2018.12.004")
    result = find({"a": article(), "b": bare})
    assert not result.groups
    assert suggested_pairs(result) == {frozenset("ab")}


def test_records_without_authors_do_not_crash() -> None:
    result = find({"a": article(authors=[]), "b": article(authors=[], pmid="")})
    assert groups_of(result) == {frozenset("ab")}


def test_empty_records_are_left_alone() -> None:
    result = find({"a": Record(), "b": Record(), "c": Record()})
    assert not result.groups


def test_identical_records_imported_twice_are_merged() -> None:
    result = find({"a": article(doi="", pmid=""), "b": article(doi="", pmid="")})
    assert groups_of(result) == {frozenset("ab")}


def test_identical_generic_records_without_a_place_are_not_merged() -> None:
    bare = {"title": "Editorial", "doi": "", "pmid": "", "volume": "", "pages": ""}
    result = find({"a": article(**bare), "b": article(**bare)})
    assert not result.groups


def test_cyrillic_titles_are_compared_after_transliteration_with_a_warning() -> None:
    title = "Эффективность когнитивно-поведенческой терапии при лечении бессонницы"
    a = article(title=title, authors=["Иванов И.И."], doi="")
    b = article(title=title + ".", authors=["Иванов И. И."], doi="", pmid="")
    result = find({"a": a, "b": b})
    assert groups_of(result) == {frozenset("ab")}
    assert any("non-Latin" in w for w in result.warnings)


def test_chinese_titles_do_not_crash_and_match_each_other() -> None:
    a = article(title="针灸治疗失眠的疗效观察", authors=["王伟", "李娜"], doi="", pmid="")
    b = article(title="针灸治疗失眠的疗效观察。", authors=["王伟", "李娜"], doi="", pmid="")
    assert groups_of(find({"a": a, "b": b})) == {frozenset("ab")}


def test_different_non_latin_titles_are_not_merged() -> None:
    a = article(title="针灸治疗失眠的疗效观察", authors=["王伟"], doi="", pmid="", pages="")
    b = article(title="中药治疗高血压的临床研究", authors=["王伟"], doi="", pmid="", pages="")
    assert not find({"a": a, "b": b}).groups


def test_keys_of_any_hashable_type_work() -> None:
    result = find({1: article(), (2, "x"): article(pmid="")})  # type: ignore[dict-item]
    assert len(result.groups) == 1
