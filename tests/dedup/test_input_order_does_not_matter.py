"""The groups and suggestions depend on the records, never on the order they arrive in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.dedup.conftest import TITLE, article, find, groups_of, suggested_pairs

POOL = {
    "medline": article(pages="45-9", journal="Nurse Educ Today"),
    "embase": article(authors=["Müller J.", "Okafor C.N.", "Lindqvist A."], pmid=""),
    "cinahl": article(title=TITLE + ".", doi="", pmid="", pages="45", issue=""),
    "copy": article(title=TITLE + ".", doi="", pmid="", pages="45", issue=""),
    "erratum": article(title=f"Erratum: {TITLE}", pages="102", volume="77", pmid=""),
    "abstract": article(
        issue="Suppl 1", pages="S42", doi="", publication_type="Conference Abstract"
    ),
    "later": article(year=2020, doi="", pmid="", volume="", pages=""),
    "part1": article(title="Exercise for depression. Part 1: methods", doi="", pmid=""),
    "part2": article(title="Exercise for depression. Part 2: methods", doi="", pmid=""),
    "other": article(title="Music therapy for agitation in dementia", doi="", pmid="", pages="1"),
    "other2": article(title="Music therapy for agitation in dementia.", doi="", pmid="", pages="1"),
    "editorial1": article(title="Editorial", issue="1", pages="1-2", doi="", pmid=""),
    "editorial2": article(title="Editorial", issue="2", pages="3-4", doi="", pmid=""),
    "bare": article(title="", authors=[], journal="", pmid=""),
}
REFERENCE = find(POOL)


@settings(max_examples=25, deadline=None)
@given(st.permutations(sorted(POOL)))
def test_shuffling_the_input_keeps_groups_and_suggestions(order: list[str]) -> None:
    result = find({key: POOL[key] for key in order})
    assert groups_of(result) == groups_of(REFERENCE)
    assert suggested_pairs(result) == suggested_pairs(REFERENCE)


def test_the_pool_has_groups_and_suggestions_to_compare() -> None:
    assert len(REFERENCE.groups) >= 2 and REFERENCE.suggested
