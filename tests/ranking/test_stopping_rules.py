"""Stopping rules against their published definitions and worked examples."""

from __future__ import annotations

import math

import pytest

from sysreview.ranking.stoppers import (
    ConsecutiveIrrelevant,
    Hypergeometric,
    Knee,
    hypergeometric_p,
    knee_slope_ratio,
)


def test_hypergeometric_p_matches_the_buscar_worked_example() -> None:
    """Callaghan & Müller-Hansen (2020), Systematic Reviews 9:273, and the defaults of their
    BUSCAR stopping calculator: 2,000 records of which 1,000 screened, 95 relevant found, the
    last 100 of them drawn at random from the 1,100 left after the ranked phase and none of
    those relevant; target recall 95 %.

    By hand: K_tar = floor(95 / 0.95) + 1 - 95 = 6 relevant in the pool of 1,100 (the 1,000
    still unscreened plus the 100 drawn) under H0, and
    p = P(X <= 0) = C(1094, 100) / C(1100, 100) = prod_{j=0..5} (1000 - j) / (1100 - j).
    """
    by_hand = math.prod((1000 - j) / (1100 - j) for j in range(6))
    assert by_hand == pytest.approx(0.5637, abs=1e-4)
    p = hypergeometric_p(n_pool=1100, found_before=95, sample=[0] * 100, target_recall=0.95)
    assert p == pytest.approx(by_hand, rel=1e-9)


def test_the_null_hypothesis_count_is_exact_when_found_over_target_is_whole() -> None:
    # 19 / 0.95 = 20 exactly: recall < 95 % needs R >= 21, so K_tar = 21 - 19 = 2.
    # With a pool of 10 and all 10 drawn irrelevant, P(X <= 0 | K = 2) = 0: stop.
    assert hypergeometric_p(10, 19, [0] * 10, 0.95) == 0.0
    # 9 of 10 drawn: P(X = 0 | N=10, K=2, n=9) = C(8, 9)/C(10, 9) = 0 as well; 8 of 10:
    # C(8, 8) / C(10, 8) = 1/45.
    assert hypergeometric_p(10, 19, [0] * 8, 0.95) == pytest.approx(1 / 45)


def test_hypergeometric_rule_asks_for_a_random_sample_before_it_can_stop() -> None:
    check = Hypergeometric().check([1, 1, 0, 0], [], n_total=100)
    assert not check.stop
    assert check.kind == "statistical"
    assert "random sample" in check.message


def test_hypergeometric_rule_stops_when_p_falls_below_alpha() -> None:
    ranked = [1] * 95 + [0] * 905  # 1,000 ranked, 95 relevant
    p_at = {n: hypergeometric_p(1000, 95, [0] * n, 0.95) for n in (300, 450)}
    assert p_at[300] > 0.05 > p_at[450]
    assert not Hypergeometric().check(ranked, [0] * 300, n_total=2000).stop
    assert Hypergeometric().check(ranked, [0] * 450, n_total=2000).stop


def test_knee_slope_ratio_by_hand() -> None:
    """Cormack & Grossman (2016), SIGIR: rho = (found(i)/i) / ((found(s) - found(i) + 1)/(s - i))
    at the knee i. Ten relevant first, then 190 irrelevant (s = 200): the point farthest from
    the line (0,0)-(200,10) is i = 10, so rho = (10/10) / (1/190) = 190."""
    rho, knee = knee_slope_ratio([1] * 10 + [0] * 190)
    assert knee == 10
    assert rho == pytest.approx(190.0)


def test_knee_rule_needs_156_minus_found_and_150_records() -> None:
    """Cormack & Grossman (2016): stop when rho >= 156 - min(relret, 150) after at least 150
    records. With 10 relevant first, rho(s) = s - 10 and the bar is 146: first met at s = 156."""
    labels = [1] * 10 + [0] * 290
    assert Knee().first_stop(labels, 300) == 156
    assert not Knee().check(labels[:149], 300).stop
    assert Knee().check(labels[:200], 300).stop


def test_consecutive_irrelevant_rule_counts_the_run_since_the_last_relevant_record() -> None:
    rule = ConsecutiveIrrelevant(n=3)
    assert rule.first_stop([1, 0, 0, 1, 0, 0, 0, 1], 8) == 7
    assert rule.check([1, 0, 0, 0], 10).stop
    assert not rule.check([0, 0, 1, 0], 10).stop


def test_consecutive_irrelevant_run_scales_with_the_review_by_default() -> None:
    assert ConsecutiveIrrelevant().threshold(200) == 50
    assert ConsecutiveIrrelevant().threshold(20_000) == 1000


def test_heuristics_say_they_are_heuristics() -> None:
    for rule in (ConsecutiveIrrelevant(), Knee()):
        check = rule.check([1, 0, 0], 10)
        assert check.kind == "heuristic"
        assert "no guarantee" in check.message


def test_simulated_hypergeometric_rule_reaches_the_target_on_a_ranked_review() -> None:
    # 40 relevant among the first 100 of 1,000, then none: the rule must not stop before
    # recall 95 %, and it does stop before screening everything.
    labels = [1 if i % 2 == 0 else 0 for i in range(80)] + [0] * 920
    ranked, sampled, found = Hypergeometric().simulate(labels, random_state=3)
    assert found / 40 >= 0.95
    assert ranked + sampled < 1000


def test_the_rule_names_commands_offer_are_the_registered_rules() -> None:
    from sysreview.ranking import STOPPERS, STOPPING_RULES

    assert tuple(STOPPERS) == STOPPING_RULES
