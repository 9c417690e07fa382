"""Every figure checked against a ranking computed by hand."""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput
from sysreview.ranking import metrics
from sysreview.ranking.simulation import normalised_loss, screened_to_recall, wss

# N = 10 records screened in this order, R = 3 relevant, found at positions 1, 3 and 7.
ORDER = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0]


def test_wss_at_95_uses_ceil_of_95_percent_of_the_relevant_records() -> None:
    # ceil(0.95 * 3) = 3 relevant -> found after n = 7 records;
    # WSS@95 = (10 - 7) / 10 - (1 - 0.95) = 0.30 - 0.05 = 0.25
    assert wss(ORDER, 0.95) == pytest.approx(0.25)


def test_wss_at_100_counts_records_until_the_last_relevant_one() -> None:
    # n_100 = 7: WSS@100 = (10 - 7) / 10 - 0 = 0.30
    assert wss(ORDER, 1.0) == pytest.approx(0.30)


def test_recall_after_10_and_20_percent_screened() -> None:
    # 10 %: the first floor(1.0) = 1 record holds 1 of 3 relevant -> 1/3
    # 20 %: the first 2 records hold 1 of 3 -> 1/3
    figures = metrics(ORDER)
    assert figures.recall_at_10 == pytest.approx(1 / 3)
    assert figures.recall_at_20 == pytest.approx(1 / 3)


def test_records_screened_to_reach_95_and_100_percent_recall() -> None:
    # ceil(0.95 * 3) = 3 relevant -> 7 records; all 3 -> 7 records; ceil(0.5 * 3) = 2 -> 3
    assert screened_to_recall(ORDER, 0.95) == 7
    assert screened_to_recall(ORDER, 1.0) == 7
    assert screened_to_recall(ORDER, 0.5) == 3


def test_average_time_to_discovery_is_the_mean_position_of_the_relevant_records() -> None:
    # (1 + 3 + 7) / 3 = 11/3
    assert metrics(ORDER).atd == pytest.approx(11 / 3)


def test_loss_by_hand() -> None:
    # recall curve (cumulative relevant) 1,1,2,2,2,2,3,3,3,3 sums to 22;
    # loss = (R (N - (R - 1)/2) - 22) / (R (N - R)) = (3 * 9 - 22) / (3 * 7) = 5/21
    assert normalised_loss(ORDER) == pytest.approx(5 / 21)


def test_loss_is_zero_for_the_perfect_ranking_and_one_for_the_worst() -> None:
    assert normalised_loss([1, 1, 1, 0, 0, 0, 0]) == pytest.approx(0.0)
    assert normalised_loss([0, 0, 0, 0, 1, 1, 1]) == pytest.approx(1.0)


def test_wss_95_of_a_perfect_ranking_is_the_share_of_irrelevant_records_less_5_percent() -> None:
    # 2 relevant of 20 found first: n_95 = ceil(1.9) = 2 -> (20 - 2)/20 - 0.05 = 0.85
    assert wss([1, 1] + [0] * 18, 0.95) == pytest.approx(0.85)


def test_figures_need_both_kinds_of_record() -> None:
    with pytest.raises(InvalidInput):
        metrics([0, 0, 0])
