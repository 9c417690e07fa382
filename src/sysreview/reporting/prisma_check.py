"""The arithmetic of a PRISMA 2020 flow diagram: which box does not add up, and why.

A diagram whose numbers do not follow from each other misleads readers and reviewers of the
paper alike, so nothing is drawn until :func:`check` finds no problem. Each problem names the
box most likely wrong (the one the arrows lead to) and the boxes it was computed from, with a
sentence that shows the sum, so a reviewer can see at once what to correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sysreview.errors import InvalidInput
from sysreview.reporting.prisma import BREAKDOWN_KEYS, COUNT_KEYS, PrismaCounts, fmt, label


def _sum_breakdown(breakdown: Mapping[str, int]) -> int | None:
    return sum(breakdown.values()) if breakdown else None


@dataclass(frozen=True)
class CountProblem:
    """A box whose count does not fit the others: ``key`` names it, ``related`` the rest."""

    key: str
    message: str
    related: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every box the broken rule involves, the one most likely wrong first."""
        return (self.key, *self.related)

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "message": self.message, "related": list(self.related)}


class InconsistentCounts(InvalidInput):
    """Counts that do not add up; raised instead of drawing a diagram that would mislead."""

    def __init__(self, problems: list[CountProblem]) -> None:
        lines = "\n".join(f"- {p.key}: {p.message}" for p in problems)
        super().__init__(f"The PRISMA counts do not add up, so no diagram was drawn:\n{lines}")
        self.problems = problems


def check(counts: PrismaCounts) -> list[CountProblem]:
    """Every broken PRISMA rule, in flow order; an empty list means the diagram may be drawn.

    Each rule is skipped while a count it needs is missing, so partial counts can be checked
    as far as they go. Equations follow the arrows (identified − removed = screened,
    screened − excluded = sought, sought − not retrieved = assessed, assessed − excluded =
    included reports, previous + new = total); inequalities catch what no equation reaches
    (a study has at least one report; a meta-analysis uses no more than the review includes).
    """
    c = counts
    t = c.template
    problems: list[CountProblem] = []
    problems += _negatives(c)
    problems += _entered_without_count(c)
    for stated, breakdown, what in (
        ("database_results", "database_specific_results", "per-database"),
        ("register_results", "register_specific_results", "per-register"),
    ):
        total = getattr(c, stated)
        parts: Mapping[str, int] = getattr(c, breakdown)
        if total is not None and parts and sum(parts.values()) != total:
            listed = " + ".join(f"{name or 'total'} {fmt(n)}" for name, n in parts.items())
            problems.append(
                CountProblem(
                    stated,
                    f"{label(stated)} (n = {fmt(total)}) is not the sum of the {what} counts "
                    f"({listed} = {fmt(sum(parts.values()))}).",
                    (breakdown,),
                )
            )

    identification = (
        "database_results",
        "database_specific_results",
        "register_results",
        "register_specific_results",
    )
    removal = ("duplicates", "excluded_automatic", "excluded_other")
    identified = c.records_identified
    if identified is not None:
        problems += _difference(
            c,
            "records_screened",
            identified,
            "records identified",
            c.records_removed,
            "records removed before screening",
            identification,
            removal,
        )
    problems += _difference(
        c,
        "dbr_sought_reports",
        c.records_screened,
        "records screened",
        c.records_excluded,
        "records excluded",
        ("records_screened",),
        ("records_excluded",),
    )
    problems += _difference(
        c,
        "dbr_assessed",
        c.dbr_sought_reports,
        "reports sought for retrieval",
        c.dbr_notretrieved_reports,
        "reports not retrieved",
        ("dbr_sought_reports",),
        ("dbr_notretrieved_reports",),
    )
    problems += _difference(
        c,
        "other_assessed",
        c.other_sought_reports,
        "reports sought for retrieval (other methods)",
        c.other_notretrieved_reports,
        "reports not retrieved (other methods)",
        ("other_sought_reports",),
        ("other_notretrieved_reports",),
    )
    problems += _at_most(
        c,
        "other_sought_reports",
        c.other_identified,
        "the records identified by other methods",
        ("website_results", "organisation_results", "citations_results"),
    )
    for excluded, assessed in (
        ("dbr_excluded", "dbr_assessed"),
        ("other_excluded", "other_assessed"),
    ):
        problems += _at_most(
            c, excluded, getattr(c, assessed), label(assessed).lower(), (assessed,)
        )
    problems += _included(c)
    for studies, reports in (
        ("previous_studies", "previous_reports"),
        ("new_studies", "new_reports"),
        ("total_studies", "total_reports"),
        ("total_studies_ma", "total_reports_ma"),
    ):
        problems += _at_most(
            c,
            studies,
            getattr(c, reports),
            f"{label(reports, t).lower()}, since every study has at least one report",
            (reports,),
        )
    for ma, total in (("total_studies_ma", "total_studies"), ("total_reports_ma", "total_reports")):
        problems += _at_most(c, ma, getattr(c, total), label(total, t).lower(), (total,))
    return problems


def _negatives(c: PrismaCounts) -> list[CountProblem]:
    problems = []
    for key in COUNT_KEYS:
        n = getattr(c, key)
        if n is not None and n < 0:
            problems.append(
                CountProblem(key, f"{label(key, c.template)} is {n}; a count cannot be negative.")
            )
    for key in BREAKDOWN_KEYS:
        for name, n in getattr(c, key).items():
            if n < 0:
                problems.append(
                    CountProblem(
                        key, f"{label(key)}: {name or 'total'} is {n}; a count cannot be negative."
                    )
                )
    return problems


def _entered_without_count(c: PrismaCounts) -> list[CountProblem]:
    return [
        CountProblem(
            key, f"{label(key, c.template)} is marked as entered by hand but has no count."
        )
        for key in sorted(c.entered)
        if getattr(c, key) is None or (key in BREAKDOWN_KEYS and not getattr(c, key))
    ]


def _difference(
    c: PrismaCounts,
    key: str,
    start: int | None,
    start_label: str,
    taken: int | None,
    taken_label: str,
    start_keys: tuple[str, ...],
    taken_keys: tuple[str, ...],
) -> list[CountProblem]:
    """``key`` = start − taken; or, while ``key`` is missing, taken ≤ start."""
    if start is None or taken is None:
        return []
    actual = getattr(c, key)
    what = label(key, c.template)
    if actual is None:
        if taken <= start:
            return []
        return [
            CountProblem(
                taken_keys[0],
                f"{taken_label.capitalize()} (n = {fmt(taken)}) exceeds "
                f"{start_label} (n = {fmt(start)}).",
                taken_keys[1:] + start_keys,
            )
        ]
    expected = start - taken
    if actual == expected:
        return []
    return [
        CountProblem(
            key,
            f"{what} (n = {fmt(actual)}) does not add up: {start_label} ({fmt(start)}) − "
            f"{taken_label} ({fmt(taken)}) = {fmt(expected)}.",
            start_keys + taken_keys,
        )
    ]


def _at_most(
    c: PrismaCounts, key: str, bound: int | None, bound_label: str, related: tuple[str, ...]
) -> list[CountProblem]:
    raw = getattr(c, key)
    n = _sum_breakdown(raw) if key in BREAKDOWN_KEYS else raw
    if n is None or bound is None or n <= bound:
        return []
    return [
        CountProblem(
            key,
            f"{label(key, c.template)} (n = {fmt(n)}) exceeds {bound_label} (n = {fmt(bound)}).",
            related,
        )
    ]


def _included(c: PrismaCounts) -> list[CountProblem]:
    """The bottom boxes: reports that passed assessment, and previous + new = total."""
    t = c.template
    problems: list[CountProblem] = []
    flows: list[tuple[int | None, str, tuple[str, ...]]] = [
        (
            _passed(c.dbr_assessed, c.dbr_excluded),
            "databases and registers",
            ("dbr_assessed", "dbr_excluded"),
        )
    ]
    if c.has_other_methods:
        flows.append(
            (
                _passed(c.other_assessed, c.other_excluded),
                "other methods",
                ("other_assessed", "other_excluded"),
            )
        )
    passed: int | None = None
    if all(n is not None for n, _, _ in flows):
        passed = sum(n for n, _, _ in flows if n is not None)
    passed_keys = tuple(k for _, _, keys in flows for k in keys)
    passed_text = " + ".join(f"{fmt(n or 0)} from {where}" for n, where, _ in flows)
    passed_text = f"reports assessed and not excluded ({passed_text})"
    if c.new_reports is not None and passed is not None and c.new_reports != passed:
        problems.append(
            CountProblem(
                "new_reports",
                f"{label('new_reports')} (n = {fmt(c.new_reports)}) does not match the "
                f"{passed_text} = {fmt(passed)}.",
                passed_keys,
            )
        )
    new_reports, new_keys = (
        (c.new_reports, ("new_reports",)) if c.new_reports is not None else (passed, passed_keys)
    )
    prev_reports = c.previous_reports or 0
    if c.total_reports is not None and new_reports is not None:
        expected = prev_reports + new_reports
        if c.total_reports != expected:
            source = (
                f"{label('new_reports').lower()} ({fmt(new_reports)})"
                if c.new_reports is not None
                else f"the {passed_text}"
            )
            if t == "updated":
                source = f"{label('previous_reports').lower()} ({fmt(prev_reports)}) + {source}"
            problems.append(
                CountProblem(
                    "total_reports",
                    f"{label('total_reports', t)} (n = {fmt(c.total_reports)}) does not add up: "
                    f"{source} = {fmt(expected)}.",
                    ("previous_reports", *new_keys) if t == "updated" else new_keys,
                )
            )
    if c.total_studies is not None and c.new_studies is not None:
        expected = (c.previous_studies or 0) + c.new_studies
        if c.total_studies != expected:
            previous = ""
            if t == "updated":
                previous = (
                    f"{label('previous_studies').lower()} ({fmt(c.previous_studies or 0)}) + "
                )
            problems.append(
                CountProblem(
                    "total_studies",
                    f"{label('total_studies', t)} (n = {fmt(c.total_studies)}) does not add up: "
                    f"{previous}{label('new_studies').lower()} ({fmt(c.new_studies)}) = "
                    f"{fmt(expected)}.",
                    ("previous_studies", "new_studies"),
                )
            )
    return problems


def _passed(assessed: int | None, excluded: Mapping[str, int]) -> int | None:
    n_excluded = _sum_breakdown(excluded)
    if assessed is None or n_excluded is None:
        return None
    return assessed - n_excluded
