"""De-duplicating a review: sure groups merged, traps kept apart, people's decisions kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.services import dedup as dedup_service
from sysreview.services.audit import list_audit, verify_audit
from sysreview.services.dedup_files import dedup_files
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.status import review_status

FIXTURES = Path(__file__).parents[1] / "fixtures" / "duplicates"


def _import_both(demo: DemoReview) -> dict[str, int]:
    """Import the MEDLINE and Embase files; returns each record's id by its file ID."""
    ids: dict[str, int] = {}
    for name, source in (("medline.ris", "MEDLINE"), ("embase.ris", "Embase")):
        data = (FIXTURES / name).read_bytes()
        import_file(
            demo.store, demo.review, "hp", data, file_name=name, search=SearchDetails(source)
        )
    with demo.store.read() as session:
        from sqlalchemy import select

        from sysreview.store.models import StoredRecord

        for record_id, data in session.execute(select(StoredRecord.id, StoredRecord.data)):
            tag = data["source_fields"].get("ID", [""])[0]
            if tag:
                ids[tag] = record_id
    return ids


def _groups(demo: DemoReview) -> list[list[int]]:
    return [g["members"] for g in dedup_service.active_groups(demo.store, demo.review, "hp")]


def test_cross_database_duplicates_are_merged_and_the_erratum_is_not(demo: DemoReview) -> None:
    ids = _import_both(demo)
    summary = dedup_service.run_dedup(demo.store, demo.review, "hp")
    groups = _groups(demo)
    assert sorted([ids["M1"], ids["E1"]]) in groups
    assert sorted([ids["M2"], ids["E2"]]) in groups
    assert not any(ids["E3"] in g for g in groups)  # an erratum is not the article
    assert summary.duplicates_removed == 2
    status = review_status(demo.store, demo.review, "ln")
    assert status["records"]["unique"] == status["records"]["total"] - 2
    assert status["stages"][0]["records"] == status["records"]["unique"]
    assert status["duplicates"]["groups"] == 2


def test_merging_keeps_every_record_and_a_canonical_one(demo: DemoReview) -> None:
    ids = _import_both(demo)
    dedup_service.run_dedup(demo.store, demo.review, "hp")
    status = review_status(demo.store, demo.review, "hp")
    assert status["records"]["total"] == 16
    assert {s["source"]: s["records"] for s in status["records"]["by_source"]}["Embase"] == 3
    group = next(
        g
        for g in dedup_service.active_groups(demo.store, demo.review, "hp")
        if ids["M1"] in g["members"]
    )
    assert group["title"].lower().startswith("peer mentoring: evaluation")


def test_undo_splits_a_group_and_later_runs_do_not_merge_it_again(demo: DemoReview) -> None:
    ids = _import_both(demo)
    dedup_service.run_dedup(demo.store, demo.review, "hp")
    group = next(
        g
        for g in dedup_service.active_groups(demo.store, demo.review, "hp")
        if ids["M2"] in g["members"]
    )
    members = dedup_service.undo_group(demo.store, demo.review, "ln", group["id"], "different")
    assert members == sorted([ids["M2"], ids["E2"]])
    dedup_service.run_dedup(demo.store, demo.review, "hp")
    assert not any(ids["M2"] in g and ids["E2"] in g for g in _groups(demo))
    undo = [
        e for e in list_audit(demo.store, demo.review, "hp") if e["action"] == "duplicates.undo"
    ]
    assert undo[0]["reason"] == "different"
    assert verify_audit(demo.store) is None


def test_a_person_can_merge_a_pair_and_the_decision_is_kept(demo: DemoReview) -> None:
    ids = _import_both(demo)
    dedup_service.judge_pair(demo.store, demo.review, "ln", ids["M3"], ids["E3"], "same")
    assert sorted([ids["M3"], ids["E3"]]) in _groups(demo)
    dedup_service.run_dedup(demo.store, demo.review, "hp")
    assert any(ids["M3"] in g and ids["E3"] in g for g in _groups(demo))


def test_a_distinct_judgement_inside_a_group_asks_for_undo_first(demo: DemoReview) -> None:
    ids = _import_both(demo)
    dedup_service.run_dedup(demo.store, demo.review, "hp")
    with pytest.raises(InvalidInput, match="undo that group first"):
        dedup_service.judge_pair(demo.store, demo.review, "ln", ids["M1"], ids["E1"], "distinct")


def test_only_owners_run_dedup_and_viewers_cannot_judge(demo: DemoReview) -> None:
    ids = _import_both(demo)
    with pytest.raises(PermissionDenied):
        dedup_service.run_dedup(demo.store, demo.review, "ln")
    with pytest.raises(PermissionDenied):
        dedup_service.judge_pair(demo.store, demo.review, "stranger", ids["M1"], ids["E1"], "same")


def test_files_can_be_deduplicated_without_a_review() -> None:
    files = [(n, (FIXTURES / n).read_bytes()) for n in ("medline.ris", "embase.ris")]
    rows, _ = dedup_files(files)
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {"M1", "M2", "M3", "E1", "E2", "E3"}
    assert by_id["M1"][1] == by_id["E1"][1]
    assert by_id["M1"][2] == "auto"
    assert by_id["M3"][2] == "unique"
    assert by_id["E3"][1] != by_id["M1"][1]
