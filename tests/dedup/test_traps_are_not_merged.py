"""Records that share a title with an article without being it are never merged by default,
and each trap has a switch in DedupSettings for reviews that want otherwise."""

from __future__ import annotations

import pytest

from sysreview.dedup import DedupSettings
from tests.dedup.conftest import TITLE, article, find, merged, pair, suggested_pairs


def test_erratum_is_not_merged_with_its_article() -> None:
    erratum = article(title=f"Erratum: {TITLE}", pages="102", volume="77", doi="", pmid="")
    assert not merged(pair(article(), erratum))


def test_erratum_carrying_the_articles_doi_is_not_merged() -> None:
    erratum = article(title=f"Erratum to: {TITLE}", pages="102", volume="77", pmid="")
    result = find(pair(article(), erratum))
    assert not result.groups
    assert any("erratum" in line for p in result.suggested for line in p.evidence)


def test_corrigendum_is_not_merged() -> None:
    corrigendum = article(title=f'Corrigendum to "{TITLE}"', doi="", pmid="", pages="")
    assert not merged(pair(article(), corrigendum))


def test_retraction_notice_is_not_merged_with_the_retracted_article() -> None:
    notice = article(
        title=f'Retraction notice to "{TITLE}"', publication_type="Retraction of Publication"
    )
    assert not merged(pair(article(), notice))


def test_retracted_article_marked_retracted_still_merges_with_itself() -> None:
    marked = article(title=f"RETRACTED: {TITLE}", publication_type="Retracted Publication")
    assert merged(pair(article(), marked))


def test_comment_is_not_merged_with_the_article() -> None:
    comment = article(title=f"Comment on: {TITLE}", authors=["Ivanova, Olga"], doi="", pmid="")
    assert not merged(pair(article(), comment))


def test_reply_is_not_merged_with_the_article() -> None:
    reply = article(title=f"Reply to comment on: {TITLE}", doi="", pmid="", pages="")
    assert not merged(pair(article(), reply))


def test_conference_abstract_is_not_merged_with_the_full_paper() -> None:
    abstract = article(
        issue="Suppl 1", pages="S42", doi="", pmid="", publication_type="Conference Abstract"
    )
    assert not find(pair(article(), abstract)).groups


def test_conference_abstract_without_a_place_is_put_to_a_person() -> None:
    abstract = article(pages="", doi="", pmid="", publication_type="Conference Abstract")
    result = find(pair(article(), abstract))
    assert not result.groups
    assert suggested_pairs(result) == {frozenset("ab")}


def test_parts_of_a_series_are_not_merged() -> None:
    one = article(title="Exercise for depression in adolescents. Part 1: methods", doi="")
    two = article(title="Exercise for depression in adolescents. Part 2: methods", doi="")
    assert not merged(pair(one, two))


def test_roman_numbered_parts_are_not_merged() -> None:
    one = article(title="Pain in dementia (part I): a review", doi="", pages="")
    two = article(title="Pain in dementia (part II): a review", doi="", pages="")
    assert not merged(pair(one, two))


def test_review_and_its_update_are_not_merged() -> None:
    review = article(title="Yoga for chronic low back pain", doi="", pmid="", pages="")
    update = article(title="Yoga for chronic low back pain: an update", doi="", pmid="", pages="")
    assert not merged(pair(review, update))


def test_same_title_in_a_different_year_is_not_merged() -> None:
    earlier = article(doi="", pmid="", volume="", pages="")
    later = article(year=2020, doi="", pmid="", volume="", pages="")
    assert not merged(pair(earlier, later))


def test_cochrane_review_versions_are_not_merged() -> None:
    first = article(year=2012, doi="10.1002/14651858.CD005652.pub2", pages="CD005652")
    second = article(year=2020, doi="10.1002/14651858.CD005652.pub3", pages="CD005652")
    assert not merged(pair(first, second))


def test_generic_titles_in_different_issues_are_not_merged() -> None:
    one = article(title="Editorial", issue="1", pages="1-2", doi="", pmid="")
    two = article(title="Editorial", issue="2", pages="131-132", doi="", pmid="")
    assert not merged(pair(one, two))


def _no_place(**changes: object) -> object:
    return article(doi="", pmid="", volume="", issue="", pages="", **changes)


SWITCHES = {
    "merge_errata": (_no_place(), _no_place(title=f"Erratum: {TITLE}")),
    "merge_retractions": (_no_place(), _no_place(title=f"Retraction: {TITLE}")),
    "merge_comments": (_no_place(), _no_place(title=f"Comment on: {TITLE}")),
    "merge_replies": (_no_place(), _no_place(title=f"Reply to: {TITLE}")),
    "merge_conference_abstracts": (
        _no_place(),
        _no_place(publication_type="Conference Abstract"),
    ),
    "merge_series_parts": (
        _no_place(title=f"{TITLE}. Part 1"),
        _no_place(title=f"{TITLE}. Part 2"),
    ),
    "merge_updates": (_no_place(), _no_place(title=f"{TITLE}: an update")),
    "merge_different_years": (_no_place(), _no_place(year=2020)),
}


@pytest.mark.parametrize("switch", sorted(SWITCHES))
def test_each_trap_has_a_switch_that_allows_merging(switch: str) -> None:
    a, b = SWITCHES[switch]
    records = pair(a, b)  # type: ignore[arg-type]
    assert not merged(records)
    assert merged(records, DedupSettings(**{switch: True}))
