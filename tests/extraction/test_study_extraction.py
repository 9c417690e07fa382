"""Extraction through the form: repeating groups, the verify workflow field by field, and dual
independent extraction (blind, compared, settled by a consensus). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.protocol import ExtractionField, write_protocol
from sysreview.services import extraction
from sysreview.services.reviews import ReviewContext, open_review
from sysreview.services.studies import create_study
from sysreview.services.study_extraction import (
    extraction_overview,
    extraction_view,
    record_extraction_consensus,
    save_extraction,
    verify_extraction,
)

OUTCOMES = ExtractionField(
    id="outcome_rows",
    label="Outcomes measured",
    type="group",
    required=True,
    fields=[
        ExtractionField(id="outcome", label="Outcome", required=True),
        ExtractionField(id="n", label="N", type="number"),
    ],
)
MARKER = "MARKER-LN-COUNTRY"


def _with(demo: DemoReview, workflow: str) -> ReviewContext:
    protocol = demo.review.protocol
    form = protocol.extraction.model_copy(
        update={"workflow": workflow, "fields": [*protocol.extraction.fields[:4], OUTCOMES]}
    )
    write_protocol(demo.review.folder, protocol.model_copy(update={"extraction": form}))
    return open_review(demo.store, demo.review.folder, actor="hp")


def _form(country: str, outcome: str = "Burnout") -> dict[str, object]:
    return {
        "authors": "Eisen S",
        "year": "2013",
        "country": country,
        "design": "Quantitative",
        "outcome_rows": [{"outcome": outcome, "n": "40"}, {"outcome": "", "n": ""}],
    }


@pytest.fixture
def study(demo: DemoReview) -> int:
    return create_study(demo.store, demo.review, "hp", "Eisen et al. 2013", []).id


def test_a_repeating_group_checks_each_row_and_drops_empty_ones(
    demo: DemoReview, study: int
) -> None:
    review = _with(demo, "verify")
    bad = _form("UK") | {"outcome_rows": [{"outcome": "Burnout", "n": "forty"}]}
    with pytest.raises(InvalidInput, match="Outcomes measured, row 1: N takes a number"):
        save_extraction(demo.store, review, "hp", study, bad)
    with pytest.raises(InvalidInput, match="Authors is required; Outcomes measured needs"):
        save_extraction(demo.store, review, "hp", study, {"outcome_rows": []})
    assert extraction_view(demo.store, review, "hp", study).state == "not_started"
    view = save_extraction(demo.store, review, "hp", study, _form("UK"))
    rows = next(f for f in view.fields if f.field.id == "outcome_rows").mine
    assert rows == [{"outcome": "Burnout", "n": "40"}]
    table = extraction.table_one(demo.store, review, "ln")
    assert table[1][-1] == "Burnout, 40"


def test_verifiers_accept_or_correct_every_field(demo: DemoReview, study: int) -> None:
    review = _with(demo, "verify")
    save_extraction(demo.store, review, "hp", study, _form("U.K."))
    with pytest.raises(InvalidInput, match="verify it field by field"):
        save_extraction(demo.store, review, "ln", study, _form("UK"))
    fields = [f.id for f in review.protocol.extraction.fields]
    for verifier in ("ln", "dll"):
        checks = {f: ("UK" if f == "country" and verifier == "ln" else None) for f in fields}
        view = verify_extraction(demo.store, review, verifier, study, checks)
    assert view.state == "verified"
    country = next(f for f in view.fields if f.field.id == "country")
    assert country.checks == {"ln": "corrected", "dll": "verified"}
    assert country.final == "UK"
    assert extraction_overview(demo.store, review, "hp") == {study: "verified"}


def test_dual_extraction_is_blind_until_both_are_done(demo: DemoReview, study: int) -> None:
    review = _with(demo, "dual")
    save_extraction(demo.store, review, "ln", study, _form(MARKER))
    other = extraction_view(demo.store, review, "dll", study)
    assert MARKER not in repr(other)
    assert all(f.others == {} for f in other.fields)
    save_extraction(demo.store, review, "dll", study, _form("UK", outcome="Wellbeing"))
    both = extraction_view(demo.store, review, "dll", study)
    assert both.state == "discrepancies"
    assert [f.field.id for f in both.fields if f.differs] == ["country", "outcome_rows"]
    assert next(f for f in both.fields if f.field.id == "country").others == {"ln": MARKER}


def test_the_dual_consensus_is_what_table_one_shows(demo: DemoReview, study: int) -> None:
    review = _with(demo, "dual")
    save_extraction(demo.store, review, "ln", study, _form("UK"))
    with pytest.raises(InvalidInput, match="both extractors"):
        record_extraction_consensus(demo.store, review, "eop", study, _form("UK"))
    save_extraction(demo.store, review, "dll", study, _form("England"))
    assert extraction.table_one(demo.store, review, "hp")[1][3] == ""  # not agreed yet
    with pytest.raises(PermissionDenied):
        record_extraction_consensus(demo.store, review, "stranger", study, _form("UK"))
    view = record_extraction_consensus(demo.store, review, "eop", study, _form("UK"))
    assert view.state == "consensus"
    assert extraction.table_one(demo.store, review, "hp")[1][3] == "UK"
    with pytest.raises(InvalidInput, match="consensus is recorded"):
        save_extraction(demo.store, review, "ln", study, _form("Wales"))
