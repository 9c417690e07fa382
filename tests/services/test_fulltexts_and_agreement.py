"""Full texts (PDF by its bytes, text extracted, not-retrieved counted) and agreement figures
computed from the stored decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import ImportFormatError, InvalidInput, PermissionDenied
from sysreview.services import decisions, fulltexts, screening
from sysreview.services.agreement import stage_agreement
from sysreview.services.status import review_status

PDF = Path(__file__).parents[1] / "fixtures" / "fulltext" / "report.pdf"
TA, FT = "title_abstract", "full_text"


def _records(demo: DemoReview, n: int) -> list[int]:
    ids: list[int] = []
    after = None
    for _ in range(n):
        view = screening.next_record(demo.store, demo.review, "ln", TA, after)
        assert view is not None
        ids.append(view.id)
        after = view.id
    return ids


def _include_both(demo: DemoReview, record: int) -> None:
    for user in ("ln", "dll"):
        screening.decide(demo.store, demo.review, user, TA, record, "include")


def test_a_pdf_is_stored_by_content_and_its_text_extracted(demo: DemoReview) -> None:
    record = _records(demo, 1)[0]
    info = fulltexts.attach_full_text(
        demo.store, demo.review, "ln", record, PDF.read_bytes(), "eisen.pdf"
    )
    assert info.status == "retrieved"
    assert info.text_length > 20
    data, media_type, name = fulltexts.full_text_file(demo.store, demo.review, "dll", record)
    assert data == PDF.read_bytes()
    assert (media_type, name) == ("application/pdf", "eisen.pdf")
    assert (demo.review.folder / "files" / info.sha256[:2] / info.sha256).exists()


def test_a_file_that_is_not_a_pdf_is_refused_by_its_bytes(demo: DemoReview) -> None:
    record = _records(demo, 1)[0]
    with pytest.raises(ImportFormatError, match="fake.pdf"):
        fulltexts.attach_full_text(
            demo.store, demo.review, "ln", record, b"<html>no</html>", "fake.pdf"
        )


def test_a_report_not_retrieved_is_counted_and_not_assessed(demo: DemoReview) -> None:
    first, second = _records(demo, 2)
    _include_both(demo, first)
    _include_both(demo, second)
    fulltexts.mark_not_retrieved(demo.store, demo.review, "ln", second, "library has no access")
    with pytest.raises(InvalidInput, match="not retrieved"):
        screening.decide(demo.store, demo.review, "ln", FT, second, "include")
    stage = review_status(demo.store, demo.review, "eop")["stages"][1]
    assert (stage["records"], stage["not_retrieved"]) == (2, 1)


def test_agreement_matches_a_hand_computed_kappa(demo: DemoReview) -> None:
    """ln: I I I E E E E E; dll: I I E E E E E I  → a=2, b=1 (ln I, dll E), c=1, d=4.
    p_o = 6/8 = .75; p_e = (3/8)(3/8) + (5/8)(5/8) = .53125; kappa = (.75-.53125)/.46875."""
    ids = _records(demo, 8)
    ln = ["I", "I", "I", "E", "E", "E", "E", "E"]
    dll = ["I", "I", "E", "E", "E", "E", "E", "I"]
    words = {"I": "include", "E": "exclude"}
    for record, a, b in zip(ids, ln, dll, strict=True):
        screening.decide(demo.store, demo.review, "ln", TA, record, words[a])
        screening.decide(demo.store, demo.review, "dll", TA, record, words[b])
    result = stage_agreement(demo.store, demo.review, "eop", TA)
    pair = result["pairs"][0]
    assert (pair["reviewer_a"], pair["reviewer_b"], pair["n"]) == ("dll", "ln", 8)
    assert pair["observed"] == pytest.approx(0.75)
    assert pair["kappa"] == pytest.approx((0.75 - 0.53125) / 0.46875)
    assert pair["pabak"] == pytest.approx(0.5)
    with pytest.raises(PermissionDenied):
        stage_agreement(demo.store, demo.review, "ln", TA)  # blind stage: arbiters only


def test_decisions_export_respects_blinding_and_imports_back(demo: DemoReview) -> None:
    first, second = _records(demo, 2)
    screening.decide(demo.store, demo.review, "dll", TA, first, "exclude", note="MARKER-B")
    screening.decide(demo.store, demo.review, "ln", TA, second, "include")
    mine = decisions.export_decisions(demo.store, demo.review, "ln").decode()
    assert "MARKER-B" not in mine
    assert f"{TA},{second},ln,include" in mine
    everything = decisions.export_decisions(demo.store, demo.review, "eop")
    assert b"MARKER-B" not in everything  # first is in progress: even the arbiter waits
    csv_text = f"stage,record_id,reviewer,verdict,reason,note,labels\n{TA},{first},ln,include,,,"
    assert (
        decisions.import_decisions(demo.store, demo.review, "hp", csv_text.encode(), "d.csv") == 1
    )
    view = screening.record_view(demo.store, demo.review, "eop", TA, first)
    assert view.state == "conflict"


def test_a_bad_decisions_row_imports_nothing_and_names_the_line(demo: DemoReview) -> None:
    first = _records(demo, 1)[0]
    csv_text = (
        "stage,record_id,reviewer,verdict,reason,note,labels\n"
        f"{TA},{first},ln,include,,,\n{TA},{first},dll,perhaps,,,\n"
    )
    with pytest.raises(InvalidInput, match="d.csv:3"):
        decisions.import_decisions(demo.store, demo.review, "hp", csv_text.encode(), "d.csv")
    assert screening.record_view(demo.store, demo.review, "ln", TA, first).mine is None
