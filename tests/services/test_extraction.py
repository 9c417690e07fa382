"""Extraction with verification: the demo's Table 1, values checked against the form, and
verifiers who check someone else's work."""

from __future__ import annotations

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.services import extraction
from sysreview.services.audit import list_audit
from sysreview.services.studies import create_study


def test_the_demo_table_one_has_nine_studies_all_verified(full_demo: DemoReview) -> None:
    rows = extraction.table_one(full_demo.store, full_demo.review, "ln")
    assert rows[0][:4] == ["Study", "Authors", "Year", "Country"]
    assert len(rows) == 10
    chakravarti = next(r for r in rows if r[0].startswith("Chakravarti"))
    assert chakravarti[1] == "Chakravarti et al. 2017a; Chakravarti et al. 2017b"
    designs = sorted(r[4] for r in rows[1:])
    assert designs.count("Quantitative") == 7
    assert {"Qualitative", "Mixed methods"} <= set(designs)
    status = extraction.verification_status(full_demo.store, full_demo.review, "ln")
    assert status == {"extracted": 81, "verified": 81}


@pytest.fixture
def study(demo: DemoReview) -> str:
    create_study(demo.store, demo.review, "hp", "Eisen et al. 2013", [])
    return "Eisen et al. 2013"


def test_a_value_must_fit_its_field(demo: DemoReview, study: str) -> None:
    with pytest.raises(InvalidInput, match="takes a number"):
        extraction.extract(demo.store, demo.review, "hp", study, "year", "two thousand")
    with pytest.raises(InvalidInput, match="not one of"):
        extraction.extract(demo.store, demo.review, "hp", study, "design", "Cohort")
    with pytest.raises(InvalidInput, match="no field"):
        extraction.extract(demo.store, demo.review, "hp", study, "funding", "NIH")


def test_a_verifier_corrects_and_the_correction_is_shown(demo: DemoReview, study: str) -> None:
    extraction.extract(demo.store, demo.review, "hp", study, "country", "U.K.")
    with pytest.raises(InvalidInput, match="not their own"):
        extraction.verify(demo.store, demo.review, "hp", study, "country")
    extraction.verify(demo.store, demo.review, "dll", study, "country", correction="UK")
    rows = extraction.table_one(demo.store, demo.review, "ln")
    assert rows[1][rows[0].index("Country")] == "UK"
    actions = [e["action"] for e in list_audit(demo.store, demo.review, "hp")]
    assert actions[-2:] == ["extraction.extracted", "extraction.corrected"]


def test_viewers_cannot_extract(demo: DemoReview, study: str) -> None:
    with pytest.raises(PermissionDenied):
        extraction.extract(demo.store, demo.review, "stranger", study, "country", "UK")


def test_an_import_with_a_bad_row_stores_nothing(demo: DemoReview, study: str) -> None:
    csv_text = (
        "study,field,value,author,kind\n"
        f"{study},country,UK,hp,extracted\n{study},year,soon,hp,extracted\n"
    )
    with pytest.raises(InvalidInput, match="x.csv:3"):
        extraction.import_extraction(demo.store, demo.review, "hp", csv_text.encode(), "x.csv")
    assert extraction.table_one(demo.store, demo.review, "hp") == [
        ["Study", *(f.label for f in demo.review.protocol.extraction.fields)]
    ]
