"""GRADE-CERQual assessments: all four components, known levels, and the explanations."""

from __future__ import annotations

from typing import Any

import pytest

from sysreview.errors import InvalidInput
from sysreview.synthesis.cerqual import assessment, table


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "finding": "Peer mentoring improves communication skills.",
        "components": {
            "methodological_limitations": {"concern": "moderate", "explanation": "No controls."},
            "coherence": {"concern": "none"},
            "adequacy": {"concern": "minor", "explanation": "Two studies."},
            "relevance": {"concern": "none"},
        },
        "overall": "moderate",
        "explanation": "Downgraded for limitations.",
    }
    data.update(changes)
    return data


def test_a_complete_assessment_summarises_its_concerns() -> None:
    judged = assessment(_data())
    assert judged.overall == "moderate"
    assert judged.summary() == (
        "Moderate confidence (methodological limitations: moderate; adequacy of data: minor)"
    )
    rows = table([("Communication skills", judged)])
    assert rows[0][2:6] == [
        "Methodological limitations",
        "Coherence",
        "Adequacy of data",
        "Relevance",
    ]
    assert rows[1][2] == "Moderate concerns: No controls."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"finding": " "}, "needs the finding"),
        ({"overall": "medium"}, "overall confidence is one of"),
        ({"explanation": ""}, "explain the overall judgement"),
        ({"components": {"coherence": {"concern": "none"}}}, "Methodological limitations"),
        ({"components": {"bias": {}}}, "not a CERQual component"),
    ],
)
def test_incomplete_or_unknown_judgements_are_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        assessment(_data(**changes))


def test_a_concern_needs_its_explanation_and_a_known_level() -> None:
    data = _data()
    data["components"]["coherence"] = {"concern": "serious"}
    with pytest.raises(InvalidInput, match="Coherence: explain the serious concerns"):
        assessment(data)
    data["components"]["coherence"] = {"concern": "major", "explanation": "x"}
    with pytest.raises(InvalidInput, match="Coherence: concern is one of"):
        assessment(data)


def test_high_confidence_needs_no_overall_explanation() -> None:
    data = _data(overall="high", explanation="")
    assert assessment(data).summary().startswith("High confidence")
