"""GRADE-CERQual: how much confidence a review finding deserves.

CERQual (Lewin et al., Implementation Science 2018;13(Suppl 1)) judges each finding on four
components: methodological limitations of the contributing studies, coherence, adequacy of
data, and relevance. Each gets a level of concern (no or very minor, minor, moderate, serious)
with an explanation, and the overall judgement (high, moderate, low or very low confidence)
comes with an explanation of how the components led to it. The approach starts from high
confidence and moves down, so it asks for an explanation whenever the overall judgement is
not high, and for every component with concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sysreview.errors import InvalidInput

COMPONENTS = {
    "methodological_limitations": "Methodological limitations",
    "coherence": "Coherence",
    "adequacy": "Adequacy of data",
    "relevance": "Relevance",
}
CONCERNS = ("none", "minor", "moderate", "serious")
CONCERN_LABELS = {
    "none": "No or very minor concerns",
    "minor": "Minor concerns",
    "moderate": "Moderate concerns",
    "serious": "Serious concerns",
}
CONFIDENCE = ("high", "moderate", "low", "very low")


@dataclass(frozen=True)
class Component:
    concern: str
    explanation: str = ""


@dataclass(frozen=True)
class Assessment:
    """A finding's CERQual assessment: the four components and the overall confidence."""

    finding: str
    components: dict[str, Component]
    overall: str
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "finding": self.finding,
            "components": {
                k: {"concern": c.concern, "explanation": c.explanation}
                for k, c in self.components.items()
            },
            "overall": self.overall,
            "explanation": self.explanation,
        }

    def summary(self) -> str:
        """One line for a matrix cell, e.g. ``Moderate confidence (adequacy: moderate)``."""
        worries = [
            f"{COMPONENTS[k].lower()}: {c.concern}"
            for k, c in self.components.items()
            if c.concern != "none"
        ]
        text = f"{self.overall.capitalize()} confidence"
        return f"{text} ({'; '.join(worries)})" if worries else text


def assessment(data: dict[str, Any]) -> Assessment:
    """An assessment from plain data (a form, a JSON body), validated; InvalidInput names
    the component or field that is wrong."""
    finding = str(data.get("finding") or "").strip()
    if not finding:
        raise InvalidInput("a CERQual assessment needs the finding it assesses")
    given = data.get("components") or {}
    if not isinstance(given, dict):
        raise InvalidInput("components must map each CERQual component to its concern")
    unknown = sorted(set(given) - set(COMPONENTS))
    if unknown:
        raise InvalidInput(f"{unknown[0]!r} is not a CERQual component ({', '.join(COMPONENTS)})")
    components = {}
    for key, label in COMPONENTS.items():
        part = given.get(key)
        if not isinstance(part, dict):
            raise InvalidInput(f"{label}: give its level of concern ({', '.join(CONCERNS)})")
        concern = str(part.get("concern") or "").strip().lower()
        explanation = str(part.get("explanation") or "").strip()
        if concern not in CONCERNS:
            raise InvalidInput(f"{label}: concern is one of {', '.join(CONCERNS)}, not {concern!r}")
        if concern != "none" and not explanation:
            raise InvalidInput(f"{label}: explain the {CONCERN_LABELS[concern].lower()}")
        components[key] = Component(concern, explanation)
    overall = str(data.get("overall") or "").strip().lower()
    if overall not in CONFIDENCE:
        raise InvalidInput(f"overall confidence is one of {', '.join(CONFIDENCE)}, not {overall!r}")
    explanation = str(data.get("explanation") or "").strip()
    if overall != "high" and not explanation:
        raise InvalidInput(
            "explain the overall judgement: CERQual starts from high confidence, so a lower "
            "one needs its reasons"
        )
    return Assessment(finding, components, overall, explanation)


def table(assessments: list[tuple[str, Assessment]]) -> list[list[str]]:
    """The CERQual evidence profile: a row per theme's finding, header first."""
    rows = [["Theme", "Finding", *COMPONENTS.values(), "Overall confidence", "Explanation"]]
    for theme, a in assessments:
        parts = [
            f"{CONCERN_LABELS[c.concern]}" + (f": {c.explanation}" if c.explanation else "")
            for c in a.components.values()
        ]
        rows.append([theme, a.finding, *parts, a.overall.capitalize(), a.explanation])
    return rows
