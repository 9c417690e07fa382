"""Every PRISMA box's arithmetic is checked, and a broken box is named with the reason."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import InvalidInput
from sysreview.reporting import PrismaCounts, check
from tests.reporting.strategies import (
    INEQUALITY_KEYS,
    breaking_delta,
    consistent_counts,
    perturbed,
    present_keys,
)

SIMPLE = PrismaCounts(
    database_results=500,
    duplicates=100,
    records_screened=400,
    records_excluded=340,
    dbr_sought_reports=60,
    dbr_notretrieved_reports=5,
    dbr_assessed=55,
    dbr_excluded={"Wrong population": 30, "Wrong design": 15},
    total_studies=9,
    total_reports=10,
)


@settings(max_examples=300, deadline=None)
@given(consistent_counts())
def test_counts_that_add_up_pass(counts: PrismaCounts) -> None:
    assert check(counts) == []


@settings(max_examples=500, deadline=None)
@given(consistent_counts(), st.data())
def test_changing_any_one_box_is_reported_naming_that_box(
    counts: PrismaCounts, data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(present_keys(counts)), label="key")
    size = data.draw(st.integers(1, 50), label="size")
    sign = data.draw(st.sampled_from((1, -1)), label="sign")
    delta = breaking_delta(counts, key, size)
    bound_only = key in INEQUALITY_KEYS and not (
        key == "total_studies" and counts.new_studies is not None
    )
    if not bound_only:  # an equation: either direction breaks it
        delta *= sign
    entry = data.draw(st.integers(0, 10), label="entry")
    problems = check(perturbed(counts, key, delta, entry))
    assert any(key in problem.keys for problem in problems), problems


def test_the_simple_review_adds_up() -> None:
    assert check(SIMPLE) == []


def test_screened_that_does_not_follow_from_identification_says_why() -> None:
    problems = check(dataclasses.replace(SIMPLE, records_screened=401))
    assert [p.key for p in problems] == ["records_screened", "dbr_sought_reports"]
    problem = problems[0]
    assert problem.key == "records_screened"
    assert "records identified (500) − records removed before screening (100) = 400" in (
        problem.message
    )
    assert {"duplicates", "database_results"} <= set(problem.related)


def test_included_reports_must_be_assessed_less_excluded() -> None:
    problems = check(dataclasses.replace(SIMPLE, total_reports=11))
    assert [p.key for p in problems] == ["total_reports"]
    assert "= 10" in problems[0].message


def test_more_studies_than_reports_is_reported() -> None:
    problems = check(dataclasses.replace(SIMPLE, total_studies=11))
    assert [p.key for p in problems] == ["total_studies"]
    assert "at least one report" in problems[0].message


def test_a_single_exclusion_reason_works() -> None:
    counts = dataclasses.replace(SIMPLE, dbr_excluded={"Not a peer-mentoring programme": 45})
    assert check(counts) == []


def test_a_bare_excluded_total_works() -> None:
    assert check(dataclasses.replace(SIMPLE, dbr_excluded={"": 45})) == []


def test_negative_counts_are_reported() -> None:
    problems = check(dataclasses.replace(SIMPLE, dbr_excluded={"Wrong population": -1}))
    assert "dbr_excluded" in [p.key for p in problems]
    assert any("cannot be negative" in p.message for p in problems)


def test_rules_needing_a_missing_count_are_skipped() -> None:
    counts = PrismaCounts(
        records_screened=372, total_studies=9, total_reports=10, entered={"records_screened"}
    )
    assert check(counts) == []


def test_a_count_marked_entered_must_exist() -> None:
    problems = check(PrismaCounts(records_screened=372, entered={"duplicates"}))
    assert [p.key for p in problems] == ["duplicates"]


def test_excluded_records_cannot_exceed_screened_while_sought_is_missing() -> None:
    problems = check(PrismaCounts(records_screened=10, records_excluded=11))
    assert [p.key for p in problems] == ["records_excluded"]


def test_updated_review_totals_are_previous_plus_new() -> None:
    counts = PrismaCounts(
        previous_studies=3, previous_reports=4, new_studies=2, new_reports=2,
        total_studies=6, total_reports=6,
    )  # fmt: skip
    problems = check(counts)
    assert [p.key for p in problems] == ["total_studies"]
    assert "(3) + new studies included in review (2) = 5" in problems[0].message


@pytest.mark.parametrize(
    ("field", "value"),
    [("duplicates", "12"), ("duplicates", True), ("dbr_excluded", {"x": "1"}), ("entered", "dup")],
)
def test_values_that_are_not_counts_are_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidInput):
        PrismaCounts(**{field: value})  # type: ignore[arg-type]


def test_a_bare_total_cannot_sit_beside_named_reasons() -> None:
    with pytest.raises(InvalidInput, match="bare total"):
        PrismaCounts(dbr_excluded={"": 3, "Wrong design": 2})


def test_counts_are_immutable() -> None:
    with pytest.raises(TypeError):
        SIMPLE.dbr_excluded["Wrong population"] = 1  # type: ignore[index]
