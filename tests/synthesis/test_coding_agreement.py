"""Independent coders compared per study and code, with kappa checked against a hand count.

Two coders, three studies, two codes: six (study, code) items. Hand count: both applied the
code on 3 items, neither on 1, they split on 2; observed agreement 4/6; each coder said
"present" on 4 of 6, so chance agreement (4/6)² + (2/6)² = 20/36 and
kappa = (24/36 − 20/36) / (1 − 20/36) = 0.25; PABAK = 2 · 4/6 − 1 = 1/3.
"""

from __future__ import annotations

import pytest

from sysreview.errors import InvalidInput
from sysreview.services.synthesis_coding import code_excerpt, compare_coders
from sysreview.synthesis.coding_agreement import agreement, compare, presence
from sysreview.synthesis.excerpts import Location
from tests.synthesis.conftest import CHAKRAVARTI, EISEN, WEBB, Coded

A = {"s1": {1}, "s2": {1, 2}, "s3": {2}}
B = {"s1": {1, 2}, "s2": {1}, "s3": {2}}


def test_kappa_matches_the_hand_count() -> None:
    result = agreement({"a": A, "b": B}, [1, 2])
    pair = result["pairs"][0]
    assert pair["n"] == 6
    assert pair["observed"] == pytest.approx(4 / 6)
    assert pair["expected"] == pytest.approx(20 / 36)
    assert pair["kappa"] == pytest.approx(0.25)
    assert pair["pabak"] == pytest.approx(1 / 3)
    assert result["overall"] is None


def test_comparison_lists_agreements_and_conflicts_per_study() -> None:
    found = {
        (c.study, c.code_id): (c.state, c.applied_by) for c in compare({"a": A, "b": B}, [1, 2])
    }
    assert found == {
        ("s1", 1): ("agreed", ("a", "b")),
        ("s1", 2): ("conflict", ("b",)),
        ("s2", 1): ("agreed", ("a", "b")),
        ("s2", 2): ("conflict", ("a",)),
        ("s3", 2): ("agreed", ("a", "b")),
    }


def test_studies_one_coder_has_not_reached_are_left_out() -> None:
    result = agreement({"a": {**A, "s4": {1}}, "b": B}, [1, 2])
    assert result["pairs"][0]["n"] == 6
    three = agreement({"a": A, "b": B, "c": A}, [1, 2])
    assert three["overall"] is not None and len(three["pairs"]) == 3
    assert presence([("a", "s1", 1), ("a", "s1", 2)]) == {"a": {"s1": {1, 2}}}


def _code(coded: Coded, coder: str, study: str, words: str, code: str) -> None:
    location = Location("extraction", field="outcomes")
    code_excerpt(coded.store, coded.review, coder, study, location, [coded.codes[code]], text=words)


def test_the_service_compares_two_coders_in_the_review(coded: Coded, db_url: str | None) -> None:
    for coder in ("hp", "ln"):
        _code(coded, coder, EISEN, "improved their communication skills", "Communication")
        _code(coded, coder, WEBB, "improved communication skills", "Communication")
        _code(coded, coder, CHAKRAVARTI, "most valued component", "Support")
    _code(coded, "hp", WEBB, "managed work-related stress", "Support")
    _code(coded, "ln", EISEN, "Peer support.", "Support")
    with pytest.raises(InvalidInput, match="at least two coders"):
        compare_coders(coded.store, coded.review, "hp", ["hp"])

    result = compare_coders(coded.store, coded.review, "hp")

    assert result["coders"] == ["hp", "ln"]
    assert result["studies"] == sorted([CHAKRAVARTI, EISEN, WEBB])
    assert result["pairs"][0]["kappa"] == pytest.approx(0.25)
    conflicts = {(c["study"], c["code"]) for c in result["comparison"] if c["state"] == "conflict"}
    assert conflicts == {(EISEN, "Community > Support"), (WEBB, "Community > Support")}
