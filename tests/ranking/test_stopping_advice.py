"""The advice panel: only the statistical rule makes it safe to stop."""

from __future__ import annotations

from sysreview.ranking import stopping_advice


def test_heuristics_alone_never_make_it_safe_to_stop() -> None:
    advice = stopping_advice([1] * 10 + [0] * 300, n_total=2000)
    heuristics = [rule for rule in advice.rules if rule.kind == "heuristic"]
    assert heuristics and all(rule.stop for rule in heuristics)
    assert not advice.safe_to_stop
    assert "without a guarantee" in advice.summary


def test_a_large_enough_random_sample_makes_it_safe_to_stop() -> None:
    advice = stopping_advice([1] * 95 + [0] * 905, n_total=2000, sample=[0] * 450)
    assert advice.safe_to_stop
    assert advice.remaining.guaranteed
    assert advice.remaining.unscreened == 550


def test_the_panel_counts_what_was_screened() -> None:
    advice = stopping_advice([1, 0, 1], n_total=10, sample=[0, 1])
    assert (advice.screened, advice.relevant_found, advice.unscreened) == (5, 3, 5)
