"""Screening rules that every view of a stage agrees on.

A record's outcome at a stage follows from the judgements it has and how many independent
judgements the protocol requires: the dashboard counts, exports and later stages all ask
:func:`stage_outcome`, so they can never disagree about what "included" means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Outcome = Literal["not_screened", "in_progress", "conflict", "include", "exclude"]


def stage_outcome(verdicts: Sequence[str], required: int) -> Outcome:
    """The outcome of one record at one stage from its reviewers' verdicts."""
    if not verdicts:
        return "not_screened"
    if len(verdicts) < required:
        return "in_progress"
    if len(set(verdicts)) > 1:
        return "conflict"
    return "include" if verdicts[0] == "include" else "exclude"
