"""Answers, scores, ratings and the most frequent quality issues.

A score counts the points earned over the items that apply ("7/8": an item answered "Not
applicable" leaves the denominator), and a rating is the first band the share reaches. Every
answer is checked against its item's allowed answers before anything is counted, so a report is
built from valid answers or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sysreview.appraisal.model import Band, Checklist
from sysreview.errors import InvalidInput


@dataclass(frozen=True)
class Answer:
    """A reviewer's answer to one item, with the supporting quote and page if they gave one."""

    item: str
    value: str
    quote: str = ""
    page: str = ""


@dataclass(frozen=True)
class Score:
    """Points earned (``yes``: "Yes" answers, or stars on a star scale) over ``applicable``."""

    yes: int
    applicable: int
    rating: str | None = None

    @property
    def text(self) -> str:
        """The score as tables print it, e.g. "7/8"."""
        return f"{self.yes}/{self.applicable}"

    def __str__(self) -> str:
        return f"{self.text} {self.rating}" if self.rating else self.text


@dataclass(frozen=True)
class QualityIssue:
    """An item some studies fell short on: its wording, how many studies, and which."""

    text: str
    count: int
    item_id: str
    label: str
    studies: tuple[str, ...]


def validate_answers(
    checklist: Checklist, answers: Iterable[Answer], *, study: str = "", complete: bool = True
) -> dict[str, Answer]:
    """The answers by item id, each value in its item's canonical spelling.

    Raises InvalidInput for an item the checklist lacks, an answer outside the item's allowed
    set, two answers to one item, or (when ``complete``) an item left unanswered.
    """
    where = f" (study {study})" if study else ""
    found: dict[str, Answer] = {}
    for answer in answers:
        item = checklist.item(answer.item)
        if item is None:
            raise InvalidInput(
                f"{checklist.name} has no item '{answer.item}'{where}; "
                f"its items are {', '.join(i.id for i in checklist.items)}"
            )
        option = item.option(answer.value)
        if option is None:
            allowed = ", ".join(o.value for o in item.options)
            raise InvalidInput(
                f"'{answer.value}' is not an allowed answer to item {item.number} "
                f"({item.short}) of {checklist.name}{where}; allowed: {allowed}"
            )
        if item.id in found:
            raise InvalidInput(f"item {item.number} ({item.short}) is answered twice{where}")
        found[item.id] = Answer(item.id, option.value, answer.quote, answer.page)
    missing = [str(item.number) for item in checklist.items if item.id not in found]
    if complete and missing and checklist.kind == "checklist":
        raise InvalidInput(f"no answer to item(s) {', '.join(missing)} of {checklist.name}{where}")
    return found


def score(checklist: Checklist, answers: Iterable[Answer], *, study: str = "") -> Score:
    """The score and rating of one study's complete answers to a checklist."""
    if checklist.kind != "checklist":
        raise InvalidInput(
            f"{checklist.name} is judged by domain, not scored: use its domain judgements"
        )
    given = validate_answers(checklist, answers, study=study)
    earned = possible = 0
    for item in checklist.items:
        option = item.option(given[item.id].value)
        assert option is not None
        if option.not_applicable:
            continue
        earned += option.points
        possible += item.max_points
    rating = band_for(checklist.ratings, Fraction(earned, possible)) if possible else None
    return Score(earned, possible, rating)


def band_for(bands: Sequence[Band], share: Fraction) -> str | None:
    """The first band (highest first) whose threshold the share reaches."""
    return next((band.label for band in bands if share >= band.at_least), None)


def achievable_fractions(checklist: Checklist) -> set[Fraction]:
    """Every share of the possible points some combination of answers gives."""
    pairs = {(0, 0)}
    for item in checklist.items:
        steps = {(0, 0) if o.not_applicable else (o.points, item.max_points) for o in item.options}
        pairs = {(e + de, p + dp) for e, p in pairs for de, dp in steps}
    return {Fraction(e, p) for e, p in pairs if p}


def quality_issues(
    checklist: Checklist, answers_by_study: Mapping[str, Iterable[Answer]]
) -> list[QualityIssue]:
    """Items studies fell short on, most frequent first (ties in item order).

    A study falls short on an item when its answer earns less than the item allows and is not
    "Not applicable": both "No" and "Unclear" count, as a review's "no explicit mention of
    ethical concerns (n = …)" does.
    """
    if checklist.kind != "checklist":
        raise InvalidInput(f"{checklist.name} is judged by domain; it has no quality issues")
    short: dict[str, list[str]] = {item.id: [] for item in checklist.items}
    for study, answers in answers_by_study.items():
        given = validate_answers(checklist, answers, study=study)
        for item in checklist.items:
            option = item.option(given[item.id].value)
            assert option is not None
            if not option.not_applicable and option.points < item.max_points:
                short[item.id].append(study)
    issues = [
        QualityIssue(item.text, len(short[item.id]), item.id, item.short, tuple(short[item.id]))
        for item in checklist.items
        if short[item.id]
    ]
    return sorted(issues, key=lambda issue: -issue.count)


def issues_summary(issues: Sequence[QualityIssue], limit: int | None = None) -> str:
    """The issues as a Results sentence lists them: "Ethical issue consideration (n = 3); …"."""
    return "; ".join(f"{issue.label} (n = {issue.count})" for issue in issues[:limit])
