"""A simulated screening of the bundled example review."""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput
from sysreview.ranking import draw_priors, simulate


@pytest.fixture(scope="module")
def result(donners):
    records, labels = donners
    return simulate(
        records, labels, draw_priors(labels, 1, 1, 0), random_state=0, stop="hypergeometric"
    )


def test_the_order_holds_every_record_once_priors_first(result, donners) -> None:
    assert sorted(result.order) == list(range(len(donners[1])))
    assert result.order[:2] == result.prior_ids


def test_the_default_model_finds_the_included_studies_far_sooner_than_chance(result) -> None:
    figures = result.metrics()
    assert figures.records == 256 and figures.relevant == 14  # priors left out
    assert figures.wss95 > 0.4 and figures.recall_at_20 > 0.6


def test_the_statistical_rule_stops_with_the_target_recall(result) -> None:
    assert result.stop is not None and result.stop.kind == "statistical"
    assert result.stop.recall >= 0.95


def test_every_record_is_retrained_for_once(result) -> None:
    assert len(result.retrain_seconds) == 256


def test_priors_must_be_records_of_the_data_set(donners) -> None:
    records, labels = donners
    with pytest.raises(InvalidInput):
        simulate(records, labels, [0, 9999])


def test_stopping_at_the_last_relevant_record_gives_the_same_figures(result, donners) -> None:
    records, labels = donners
    short = simulate(records, labels, result.prior_ids, random_state=0, until_all_found=True)
    assert short.metrics() == result.metrics()
    last_relevant = max(i for i, label in enumerate(result.screened_labels) if label)
    assert len(short.retrain_seconds) == last_relevant + 1 < 256
    assert short.order[: last_relevant + 3] == result.order[: last_relevant + 3]
    assert sorted(short.order) == list(range(len(labels)))


def test_a_stopping_rule_needs_the_whole_order(donners) -> None:
    records, labels = donners
    with pytest.raises(InvalidInput, match="whole order"):
        simulate(records, labels, [0, 1], stop="knee", until_all_found=True)
