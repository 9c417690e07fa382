"""One coder with checking: a second person reads each coded excerpt and agrees with its
codes or disputes them, the way the reference review's extraction was verified.

A check is given to the excerpt as it stood (its words and codes, the *snapshot*); when the
coder changes the excerpt afterwards, the check no longer covers what is there and the excerpt
is back to be checked. An excerpt is:

- ``unchecked``: no current check by anyone;
- ``disputed``: a current check disputes it (whatever the others say: one dispute is enough
  to need a discussion);
- ``agreed``: ``required`` different checkers agree with it as it stands;
- ``partly``: some checkers agree, fewer than ``required``, none disputes.

Nothing here knows where checks are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

AGREE, DISPUTE = "agree", "dispute"
VERDICTS = (AGREE, DISPUTE)
STATES = ("unchecked", "partly", "agreed", "disputed")


def snapshot(text: str, codes: Iterable[int]) -> dict[str, object]:
    """What a check vouches for: the excerpt's words and its sorted code ids."""
    return {"text": text, "codes": sorted(set(codes))}


@dataclass(frozen=True)
class Check:
    """One checker's verdict on one excerpt, with the snapshot it was given to."""

    checker: str
    verdict: str
    comment: str
    seen: dict[str, object]


def is_current(check: Check, text: str, codes: Iterable[int]) -> bool:
    """Whether ``check`` was given to the excerpt as it stands now."""
    return check.seen == snapshot(text, codes)


def excerpt_state(
    checks: Sequence[Check], text: str, codes: Iterable[int], required: int = 1
) -> str:
    """The excerpt's checking state from the checks that are still current."""
    wanted = snapshot(text, codes)
    current = [c for c in checks if c.seen == wanted]
    if any(c.verdict == DISPUTE for c in current):
        return "disputed"
    agreeing = len({c.checker for c in current if c.verdict == AGREE})
    if agreeing >= required:
        return "agreed"
    return "partly" if agreeing else "unchecked"


def validate_verdict(verdict: str, comment: str, coder: str, checker: str) -> None:
    """Refuse what a check cannot be: an unknown verdict, a coder checking their own
    excerpt, or a dispute that does not say what is wrong."""
    if verdict not in VERDICTS:
        raise ValueError(f"a check is {' or '.join(VERDICTS)}, not {verdict!r}")
    if checker == coder:
        raise ValueError("a coder cannot check their own excerpt: someone else checks it")
    if verdict == DISPUTE and not comment.strip():
        raise ValueError("a dispute needs a comment saying what is wrong with the coding")


@dataclass(frozen=True)
class StudyProgress:
    """How far checking has come in one study."""

    study: str
    excerpts: int
    states: dict[str, int]

    @property
    def done(self) -> bool:
        """Every excerpt agreed: the study's coding is checked."""
        return self.excerpts > 0 and self.states.get("agreed", 0) == self.excerpts


def progress(states: Iterable[tuple[str, str]]) -> list[StudyProgress]:
    """Per study, how many excerpts are in each state; ``states`` pairs (study, state)."""
    counts: dict[str, Counter[str]] = {}
    for study, state in states:
        counts.setdefault(study, Counter())[state] += 1
    return [
        StudyProgress(study, sum(c.values()), {s: c.get(s, 0) for s in STATES})
        for study, c in sorted(counts.items())
    ]
