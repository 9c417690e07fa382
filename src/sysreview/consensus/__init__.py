"""Independent judgements → agreement or conflict → resolution by an arbiter.

Screening, extraction and appraisal all work this way, so it is written once here:

- :func:`record_state` says where one item stands from its judgements, how many independent
  judgements the stage needs, how "maybe" is treated, and any resolution;
- :func:`visibility` is the ONE decision of which judgements a viewer may see. Every page, API
  answer, export and statistic asks it before it shows a judgement, so blind mode cannot leak
  through a forgotten path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

State = Literal["unscreened", "in_progress", "conflict", "include", "exclude"]
MaybePolicy = Literal["conflict", "include"]
VERDICTS = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class Judgement:
    """One reviewer's independent judgement of one item."""

    reviewer: str
    verdict: str
    reason: str = ""
    note: str = ""
    labels: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Resolution:
    """How a conflict was settled: by whom, to what, and why."""

    resolver: str
    verdict: str
    reason: str = ""
    note: str = ""


def record_state(
    judgements: Sequence[Judgement],
    required: int,
    maybe: MaybePolicy = "conflict",
    resolution: Resolution | None = None,
) -> State:
    """Where an item stands. A resolution settles it; otherwise it needs ``required``
    judgements that agree. "maybe" either counts as a vote to include (``maybe="include"``) or
    sends the item to the arbiter like a disagreement (``maybe="conflict"``)."""
    if resolution is not None:
        return "include" if resolution.verdict == "include" else "exclude"
    if not judgements:
        return "unscreened"
    if len(judgements) < required:
        return "in_progress"
    verdicts = {_counted(j.verdict, maybe) for j in judgements}
    if len(verdicts) > 1 or "maybe" in verdicts:
        return "conflict"
    return "include" if verdicts == {"include"} else "exclude"


def _counted(verdict: str, maybe: MaybePolicy) -> str:
    return "include" if verdict == "maybe" and maybe == "include" else verdict


def is_settled(state: str) -> bool:
    return state in ("include", "exclude")


def visibility(
    viewer: str,
    judgements: Sequence[Judgement],
    *,
    blind: bool,
    state: str,
    may_resolve: bool,
) -> list[Judgement]:
    """The judgements ``viewer`` may see of one item.

    Unblinded stages show everything. In blind mode a viewer always sees their own judgement;
    the others' only once the item is settled, or when it is in conflict and the viewer may
    resolve conflicts (an arbiter must see what to arbitrate).
    """
    if not blind or is_settled(state) or (state == "conflict" and may_resolve):
        return list(judgements)
    return [j for j in judgements if j.reviewer == viewer]


def visible_state(state: str, *, viewer_voted: bool, blind: bool, may_resolve: bool) -> str:
    """The state of an item as a viewer may know it. In blind mode a reviewer who may not
    resolve learns nothing of the others' votes before the item is settled: it is "pending"
    once they have voted, "unscreened" before."""
    if not blind or is_settled(state) or may_resolve:
        return state
    return "pending" if viewer_voted else "unscreened"
