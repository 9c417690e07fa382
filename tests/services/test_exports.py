"""Exports: every format round-trips through import, and CSV/XLSX cannot carry formulas."""

from __future__ import annotations

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.formats import read_file
from sysreview.services.exports import export_records
from sysreview.services.imports import SearchDetails, import_file

NAMED = ("title", "abstract", "authors", "year", "doi", "pmid", "volume", "issue", "pages")


def _records_of(demo: DemoReview) -> list[dict]:
    data, _ = export_records(demo.store, demo.review, "hp", "csv")
    return [r.to_dict() for r in read_file(data, filename="x.csv").records]


@pytest.mark.parametrize("fmt", ["ris", "csv", "xlsx", "bibtex"])
def test_export_then_import_keeps_the_named_fields(demo: DemoReview, fmt: str) -> None:
    data, count = export_records(demo.store, demo.review, "ln", fmt)
    assert count == 10
    again = read_file(data, filename=f"export.{fmt}").records
    original = _records_of(demo)
    assert len(again) == 10
    for before, after in zip(original, again, strict=True):
        for name in NAMED:
            assert after.to_dict()[name] == before[name], (fmt, name)


def test_exports_carry_decision_columns_for_every_stage(demo: DemoReview) -> None:
    data, _ = export_records(demo.store, demo.review, "ln", "csv")
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    for column in (
        "sysreview_id",
        "sysreview_source",
        "title_abstract_decision",
        "full_text_decision",
        "full_text_reasons",
    ):
        assert column in header


def test_formula_text_is_neutralised_and_restored_on_reimport(demo: DemoReview) -> None:
    hostile = b'TY  - JOUR\nTI  - =HYPERLINK("http://evil","x")\nAU  - @SUM(1+1)\nER  - \n'
    import_file(
        demo.store, demo.review, "hp", hostile, file_name="h.ris", search=SearchDetails("Embase")
    )
    for fmt in ("csv", "xlsx"):
        data, _ = export_records(demo.store, demo.review, "hp", fmt, "source:Embase")
        if fmt == "csv":
            assert b"'=HYPERLINK" in data
        back = read_file(data, filename=f"x.{fmt}").records
        assert back[0].title == '=HYPERLINK("http://evil","x")'
        assert back[0].authors == ["@SUM(1+1)"]


def test_a_selection_by_stage_outcome_and_by_source(demo: DemoReview) -> None:
    _, none_included = export_records(
        demo.store, demo.review, "hp", "ris", "title_abstract:included"
    )
    assert none_included == 0
    _, by_source = export_records(
        demo.store, demo.review, "hp", "ris", "source:Reference review: included reports"
    )
    assert by_source == 10
    with pytest.raises(InvalidInput, match="STAGE:included"):
        export_records(demo.store, demo.review, "hp", "ris", "screening:maybe")


def test_viewers_cannot_export(demo: DemoReview) -> None:
    from sysreview.services.reviews import open_review

    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text() + "- user: viewer1\n  role: viewer\n")
    review = open_review(demo.store, demo.review.folder, actor="hp")
    with pytest.raises(PermissionDenied):
        export_records(demo.store, review, "viewer1", "csv")
