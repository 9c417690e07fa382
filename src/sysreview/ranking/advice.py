"""The stopping advice panel: every rule's verdict plus the estimate of what remains.

The panel never hides which rules are heuristics: only a statistical rule's "stop" comes with a
guarantee on recall, and the summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.ranking.estimate import RemainingEstimate, estimate_remaining
from sysreview.ranking.stoppers import (
    ConsecutiveIrrelevant,
    Hypergeometric,
    Knee,
    Labels,
    StopCheck,
)


@dataclass(frozen=True)
class StoppingAdvice:
    """What the team is told about stopping after the decisions so far."""

    screened: int
    relevant_found: int
    unscreened: int
    remaining: RemainingEstimate
    rules: list[StopCheck]
    safe_to_stop: bool
    summary: str


def stopping_advice(
    ranked: Labels,
    n_total: int,
    sample: Labels | None = None,
    target_recall: float = 0.95,
    confidence: float = 0.95,
    random_state: int = 0,
) -> StoppingAdvice:
    """Advice after screening ``ranked`` (labels in ranked order) and then, optionally, a
    random ``sample`` of the records left, out of ``n_total`` records in all.

    ``safe_to_stop`` is true only when the statistical rule says stop.
    """
    ranked_list, sample_list = list(ranked), list(sample or [])
    screened = len(ranked_list) + len(sample_list)
    if screened > n_total:
        raise ValueError(f"{screened} records screened but only {n_total} in the review")
    statistical = Hypergeometric(target_recall=target_recall, confidence=confidence)
    rules = [
        statistical.check(ranked_list, sample_list, n_total),
        ConsecutiveIrrelevant().check(ranked_list + sample_list, n_total),
        Knee().check(ranked_list, n_total),
    ]
    safe = rules[0].stop
    heuristic_stops = [rule.rule for rule in rules[1:] if rule.stop]
    if safe:
        summary = f"Stop: recall is at least {target_recall:.0%} with {confidence:.0%} confidence."
    elif heuristic_stops:
        summary = (
            f"Heuristics ({', '.join(heuristic_stops)}) suggest stopping, without a guarantee; "
            "screen a random sample of the rest to confirm."
        )
    else:
        summary = "Keep screening: no rule suggests stopping yet."
    return StoppingAdvice(
        screened=screened,
        relevant_found=int(sum(int(x) for x in ranked_list + sample_list)),
        unscreened=n_total - screened,
        remaining=estimate_remaining(
            ranked_list, n_total, sample_list or None, confidence, random_state
        ),
        rules=rules,
        safe_to_stop=safe,
        summary=summary,
    )
