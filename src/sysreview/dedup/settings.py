"""The settings of de-duplication: thresholds, and one switch per known trap.

Every switch defaults to the safe side (do not merge), because merging two different studies
silently loses a study from the review, the worst error a review tool can make; a review that
wants errata merged with their articles says so here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.errors import InvalidInput

__all__ = ["DedupSettings"]


@dataclass(frozen=True)
class DedupSettings:
    """Thresholds, and one switch per known trap; every trap defaults to *not* merging.

    ``auto_title`` is the title similarity an automatic merge needs, ``suggest_title`` the
    one a suggestion needs; ``suggest_score`` the least score worth a person's time.
    ``max_block_size`` caps the records compared all-against-all under one blocking key
    (larger blocks, such as 10,000 records sharing one DOI, are compared to neighbours only),
    ``window`` is the sorted-neighbourhood width, and ``max_group_size`` the largest group
    merged without a person.
    """

    auto_title: float = 0.93
    suggest_title: float = 0.80
    suggest_score: float = 0.5
    max_block_size: int = 100
    window: int = 4
    max_group_size: int = 40
    merge_errata: bool = False
    merge_retractions: bool = False
    merge_comments: bool = False
    merge_replies: bool = False
    merge_conference_abstracts: bool = False
    merge_series_parts: bool = False
    merge_updates: bool = False
    merge_different_years: bool = False

    def __post_init__(self) -> None:
        for name in ("auto_title", "suggest_title", "suggest_score"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InvalidInput(f"dedup setting {name} must lie between 0 and 1, not {value}")
        if self.suggest_title > self.auto_title:
            raise InvalidInput("dedup setting suggest_title cannot exceed auto_title")
        for name in ("max_block_size", "window", "max_group_size"):
            if getattr(self, name) < 2:
                raise InvalidInput(f"dedup setting {name} must be at least 2")

    def merges_kind(self, kind: str) -> bool:
        """Whether records differing in this kind (e.g. "erratum") may still be merged."""
        switch = {
            "erratum": self.merge_errata,
            "retraction": self.merge_retractions,
            "comment": self.merge_comments,
            "reply": self.merge_replies,
            "conference_abstract": self.merge_conference_abstracts,
            "update": self.merge_updates,
        }
        return switch.get(kind, False)
