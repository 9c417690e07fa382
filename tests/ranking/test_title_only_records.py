"""Records without an abstract are not starved: a relevant title alone ranks high."""

from __future__ import annotations

from sysreview.ranking import rank


def test_a_relevant_record_without_abstract_ranks_above_irrelevant_full_records(
    texts, included
) -> None:
    # Record 2 is relevant and has only a title; train on the other relevant ones and three
    # irrelevant ones, then it must come before every remaining irrelevant record.
    labels = {0: True, 1: True, 3: True, 4: False, 5: False, 6: False}
    ranking = rank(texts, labels, random_state=0)
    assert ranking[0] == 2
