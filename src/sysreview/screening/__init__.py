"""Screening rules: what makes a decision acceptable at a stage.

Where a record stands (agreed, in conflict, resolved) is decided by :mod:`sysreview.consensus`,
shared with extraction and appraisal; this module holds what is particular to screening.
"""

from __future__ import annotations

from sysreview.consensus import VERDICTS
from sysreview.errors import InvalidInput
from sysreview.protocol import Stage


def check_decision(stage: Stage, verdict: str, reason: str) -> None:
    """Refuse a verdict the stage does not know, or an exclusion without a listed reason."""
    if verdict not in VERDICTS:
        raise InvalidInput(f"a decision is include, exclude or maybe, not {verdict!r}")
    if verdict != "exclude":
        if reason:
            raise InvalidInput("a reason goes with an exclusion only")
        return
    if stage.needs_reason and not reason:
        raise InvalidInput(
            f"{stage.label}: an exclusion needs a reason, one of: "
            + "; ".join(stage.exclusion_reasons)
        )
    if reason and stage.exclusion_reasons and reason not in stage.exclusion_reasons:
        raise InvalidInput(
            f"{reason!r} is not one of the exclusion reasons of {stage.label}: "
            + "; ".join(stage.exclusion_reasons)
        )


def check_resolution(stage: Stage, verdict: str, reason: str) -> None:
    """A resolution settles a record: include or exclude, with a reason where one is needed."""
    if verdict not in ("include", "exclude"):
        raise InvalidInput(f"a conflict is resolved to include or exclude, not {verdict!r}")
    check_decision(stage, verdict, reason)
