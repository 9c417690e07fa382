"""Retraining is reproducible from the decisions and the seed."""

from __future__ import annotations

from sysreview.ranking import draw_priors, rank, simulate


def test_the_same_decisions_and_seed_give_the_same_ranking(texts, included) -> None:
    labels = {0: True, 4: False}
    assert rank(texts, labels, random_state=7) == rank(texts, labels, random_state=7)


def test_a_simulation_is_identical_when_repeated_with_its_seed(donners) -> None:
    records, labels = donners
    priors = draw_priors(labels, 1, 1, random_state=2)
    first = simulate(records, labels, priors, random_state=2)
    second = simulate(records, labels, priors, random_state=2)
    assert first.order == second.order


def test_priors_drawn_with_a_seed_are_one_included_and_one_excluded(donners) -> None:
    _, labels = donners
    priors = draw_priors(labels, 1, 1, random_state=4)
    assert priors == draw_priors(labels, 1, 1, random_state=4)
    assert [labels[i] for i in priors] == [1, 0]
    assert priors != draw_priors(labels, 1, 1, random_state=5)
