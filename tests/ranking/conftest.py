"""Small, realistic fixtures: a handful of made-up records on two topics, and the bundled
CC0 SYNERGY review (Donners 2021) read straight from the package data."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from sysreview.services import ranking
from tests.ranking.screening_review import RankedReview, build

RELEVANT = [
    (
        "Emicizumab prophylaxis in haemophilia A with inhibitors",
        "A randomised trial of emicizumab prophylaxis reduced bleeding in haemophilia A.",
    ),
    (
        "Pharmacokinetics of emicizumab in children with haemophilia A",
        "Emicizumab plasma concentrations and bleeding rates in paediatric haemophilia.",
    ),
    ("Emicizumab once every four weeks in haemophilia A", ""),
    (
        "Bleeding outcomes with emicizumab prophylaxis",
        "Haemophilia A patients on emicizumab had fewer treated bleeds.",
    ),
]
IRRELEVANT = [
    (
        "Dialectical behaviour therapy for borderline personality disorder",
        "Psychotherapy outcomes in adults with borderline personality disorder.",
    ),
    (
        "Hormone replacement therapy and breast cancer risk",
        "Postmenopausal women using oestrogen plus progestin had more breast cancer.",
    ),
    (
        "Switching from biosimilar infliximab back to the originator",
        "Patients re-transitioned to originator TNF inhibitors for loss of effect.",
    ),
    ("Schema therapy versus usual care", "A trial of schema therapy in personality disorder."),
    ("Oestrogen therapy and fractures", ""),
    ("Adalimumab biosimilar retention", "Retention of biosimilar adalimumab in rheumatology."),
]


@pytest.fixture
def texts() -> list[tuple[str, str]]:
    """Ten records: the four relevant first, then six on other topics."""
    return RELEVANT + IRRELEVANT


@pytest.fixture
def included() -> list[bool]:
    return [True] * len(RELEVANT) + [False] * len(IRRELEVANT)


@pytest.fixture(scope="session")
def donners() -> tuple[list[tuple[str, str]], list[int]]:
    """The bundled example review: (title, abstract) and label_included of its 258 rows."""
    path = resources.files("sysreview.demo") / "data" / "Donners_2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(r["title"], r["abstract"]) for r in rows], [int(r["label_included"]) for r in rows]


@pytest.fixture
def rr(tmp_path: Path, db_url: str | None) -> Iterator[RankedReview]:
    """A small review screened in ranked order (``screening_review.build``); its background
    retrains are waited for and its store closed after the test."""
    built = build(tmp_path / "ranked", db_url)
    yield built
    ranking.trainer(built.store).wait()
    built.store.dispose()
