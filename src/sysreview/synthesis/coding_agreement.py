"""Independent coding by several coders: comparison per study and agreement statistics.

Coders' excerpts rarely share exact boundaries, so coding is compared where a synthesis uses it:
whether each coder applied each code to each study. Every (study, code) pair becomes an item a
coder rated ``present`` or ``absent``, and the same machinery as screening judges it: two
``present`` agree, a split is a conflict to discuss (:func:`sysreview.consensus.record_state`),
and the statistics come from :mod:`sysreview.agreement` (Cohen's kappa with its CI, PABAK,
Gwet's AC1; Fleiss' kappa and Krippendorff's alpha for three or more coders).

Only studies that every compared coder has coded (at least one excerpt) are compared: a study a
coder has not reached yet says nothing about agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from sysreview.agreement import multi_rater, pairwise
from sysreview.consensus import Judgement, record_state

PRESENT, ABSENT = "present", "absent"
CATEGORIES = (PRESENT, ABSENT)


@dataclass(frozen=True)
class CodeComparison:
    """One code in one study: which coders applied it, and whether they agree."""

    study: str
    code_id: int
    applied_by: tuple[str, ...]
    state: str  # "agreed" (all present), "conflict"; pairs all absent are left out


def presence(
    coded: Sequence[tuple[str, str, int]],
) -> dict[str, dict[str, set[int]]]:
    """From (coder, study, code id) triples: coder → study → codes applied."""
    found: dict[str, dict[str, set[int]]] = {}
    for coder, study, code_id in coded:
        found.setdefault(coder, {}).setdefault(study, set()).add(code_id)
    return found


def shared_studies(
    by_coder: Mapping[str, Mapping[str, set[int]]], coders: Sequence[str]
) -> list[str]:
    studies = [set(by_coder.get(c, {})) for c in coders]
    return sorted(set.intersection(*studies)) if studies else []


def compare(
    by_coder: Mapping[str, Mapping[str, set[int]]], codes: Sequence[int]
) -> list[CodeComparison]:
    """Per study coded by every coder, each code someone applied: agreed or a conflict."""
    coders = sorted(by_coder)
    out = []
    for study in shared_studies(by_coder, coders):
        for code_id in codes:
            judgements = [
                Judgement(c, "include" if code_id in by_coder[c][study] else "exclude")
                for c in coders
            ]
            state = record_state(judgements, required=len(coders))
            if state == "exclude":
                continue
            applied = tuple(j.reviewer for j in judgements if j.verdict == "include")
            out.append(
                CodeComparison(study, code_id, applied, "agreed" if state == "include" else state)
            )
    return out


def agreement(
    by_coder: Mapping[str, Mapping[str, set[int]]], codes: Sequence[int]
) -> dict[str, Any]:
    """Per coder pair over their shared studies × ``codes``: n, observed agreement, kappa with
    CI, PABAK, AC1; overall Fleiss' kappa and Krippendorff's alpha for three or more coders."""
    coders = sorted(by_coder)
    pairs = []
    for a, b in combinations(coders, 2):
        items = [(s, c) for s in shared_studies(by_coder, [a, b]) for c in codes]
        result = pairwise(
            [_rating(by_coder[a], s, c) for s, c in items],
            [_rating(by_coder[b], s, c) for s, c in items],
            CATEGORIES,
        )
        pairs.append({"coder_a": a, "coder_b": b, **asdict(result)})
    overall = None
    if len(coders) >= 3:
        all_studies = sorted({s for by in by_coder.values() for s in by})
        rows = [
            [_rating(by_coder[c], s, code) if s in by_coder[c] else None for c in coders]
            for s in all_studies
            for code in codes
        ]
        overall = asdict(multi_rater(rows))
    return {"coders": coders, "pairs": pairs, "overall": overall}


def _rating(studies: Mapping[str, set[int]], study: str, code_id: int) -> str:
    return PRESENT if code_id in studies.get(study, set()) else ABSENT
