"""Fixtures for the appraisal tests: the shipped checklists and the reference review's answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.appraisal import (
    Answer,
    Checklist,
    read_answers_csv,
    read_tool_names,
    shipped_checklists,
)

DEMO_DATA = Path(__file__).parents[2] / "src" / "sysreview" / "demo" / "data"


@pytest.fixture(scope="session")
def checklists() -> dict[str, Checklist]:
    return shipped_checklists()


@pytest.fixture(scope="session")
def reference_answers(checklists: dict[str, Checklist]) -> dict[str, dict[str, list[Answer]]]:
    """Tables 2 and 3 of the reference review, read from the copy shipped with the demo."""
    names = read_tool_names(DEMO_DATA / "appraisal-tools.csv")
    return read_answers_csv(DEMO_DATA / "appraisal-answers.csv", checklists, names)
