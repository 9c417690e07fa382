"""Importing exports as search events: provenance, refusal of repeats, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.demo import DemoReview
from sysreview.errors import AlreadyExists, ImportFormatError, InvalidInput, PermissionDenied
from sysreview.services.audit import list_audit, verify_audit
from sysreview.services.imports import SearchDetails, file_sha256, import_file
from sysreview.services.status import review_status
from sysreview.store.models import SearchEvent, StoredRecord

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
MEDLINE = SearchDetails("MEDLINE", "Ovid", "2017-11-01", "1. exp Mentors/\n2. peer*.ti,ab.")


def _import(demo: DemoReview, name: str, **options: object):
    data = (FIXTURES / name).read_bytes()
    return import_file(demo.store, demo.review, "hp", data, file_name=name, **options)


def _counts(demo: DemoReview) -> tuple[int, int]:
    with demo.store.read() as session:
        records = session.scalar(select(func.count()).select_from(StoredRecord))
        events = session.scalar(select(func.count()).select_from(SearchEvent))
    return records, events


def test_an_import_is_a_search_event_with_its_provenance(demo: DemoReview) -> None:
    baseline = _counts(demo)[0]
    summary = _import(demo, "ovid_medline.ris", search=MEDLINE)
    assert (summary.file_format, summary.records_read, summary.records_stored) == ("ris", 2, 2)
    with demo.store.read() as session:
        event = session.get(SearchEvent, summary.search_event_id)
        assert event is not None
        assert (event.source, event.platform, event.searched_on) == (
            "MEDLINE",
            "Ovid",
            "2017-11-01",
        )
        assert event.query.startswith("1. exp Mentors/")
        assert event.file_sha256 == file_sha256((FIXTURES / "ovid_medline.ris").read_bytes())
        assert event.record_count == 2
        stored = session.scalars(
            select(StoredRecord).where(StoredRecord.search_event_id == event.id)
        ).all()
    assert [r.doi for r in stored] == ["10.1136/archdischild-2013-304277", ""]
    assert stored[0].pmid == "24235134"
    assert stored[0].data["authors"] == ["Eisen, S.", "Sukhani, S."]
    assert stored[0].data["source_fields"]["AN"] == ["24235134"]  # originals kept losslessly
    assert _counts(demo)[0] == baseline + 2
    status = review_status(demo.store, demo.review, "ln")
    assert {"source": "MEDLINE", "platform": "Ovid", "files": 1, "records": 2} in status["records"][
        "by_source"
    ]


def test_the_import_is_audited_in_the_same_chain(demo: DemoReview) -> None:
    summary = _import(demo, "ovid_medline.ris", search=MEDLINE)
    entry = list_audit(demo.store, demo.review, "hp")[-1]
    assert entry["action"] == "search.import"
    assert entry["entity_id"] == str(summary.search_event_id)
    assert '"records": 2' in entry["new_value"]
    assert verify_audit(demo.store) is None


def test_the_same_file_twice_is_refused_unless_again(demo: DemoReview) -> None:
    _import(demo, "ovid_medline.ris", search=MEDLINE)
    before = _counts(demo)
    with pytest.raises(AlreadyExists, match="--again"):
        _import(demo, "ovid_medline.ris", search=MEDLINE)
    assert _counts(demo) == before
    _import(demo, "ovid_medline.ris", search=MEDLINE, again=True)
    assert _counts(demo) == (before[0] + 2, before[1] + 1)


def test_one_bad_record_fails_the_whole_file_naming_its_line(demo: DemoReview) -> None:
    before = _counts(demo)
    with pytest.raises(ImportFormatError) as caught:
        _import(demo, "one_bad_record.ris", search=MEDLINE)
    assert caught.value.file == "one_bad_record.ris"
    assert caught.value.line == 42
    assert "--skip-bad" in str(caught.value)
    assert _counts(demo) == before


def test_skip_bad_stores_the_good_records_and_lists_the_bad(demo: DemoReview) -> None:
    summary = _import(demo, "one_bad_record.ris", search=MEDLINE, skip_bad=True)
    assert summary.records_stored == 2
    assert [s.line for s in summary.skipped] == [42]
    assert '"skipped": [{"line": 42' in list_audit(demo.store, demo.review, "hp")[-1]["new_value"]


@pytest.mark.parametrize("user", ["ln", "eop"])
def test_only_owners_import(demo: DemoReview, user: str) -> None:
    data = (FIXTURES / "ovid_medline.ris").read_bytes()
    with pytest.raises(PermissionDenied):
        import_file(demo.store, demo.review, user, data, file_name="x.ris", search=MEDLINE)


@pytest.mark.parametrize(
    ("search", "message"),
    [(SearchDetails(" "), "--source"), (SearchDetails("MEDLINE", searched_on="1/11/2017"), "date")],
)
def test_search_details_are_checked(demo: DemoReview, search: SearchDetails, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _import(demo, "ovid_medline.ris", search=search)


def test_a_file_that_is_not_an_export_names_the_file(demo: DemoReview) -> None:
    with pytest.raises(ImportFormatError, match="notes.ris"):
        import_file(
            demo.store,
            demo.review,
            "hp",
            b"just some notes\n",
            file_name="notes.ris",
            search=MEDLINE,
        )
