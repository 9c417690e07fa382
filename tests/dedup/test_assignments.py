"""The stateless helper gives every record a group id and a decision in input order."""

from __future__ import annotations

from sysreview.dedup import assignments
from tests.dedup.conftest import TITLE, article, find

RECORDS = {
    "a": article(),
    "b": article(pmid=""),
    "c": article(title=f"Erratum: {TITLE}", pages="102", volume="77", pmid=""),
    "d": article(
        title="Music therapy for agitation in dementia",
        authors=["Hall, Rosa"],
        pages="511-520",
        doi="",
        pmid="",
    ),
}


def test_every_key_gets_one_row_in_order() -> None:
    rows = assignments(find(RECORDS), list(RECORDS))
    assert [row[0] for row in rows] == list(RECORDS)


def test_group_members_share_an_id_and_are_auto() -> None:
    rows = {row[0]: row for row in assignments(find(RECORDS), list(RECORDS))}
    assert rows["a"][1] == rows["b"][1]
    assert rows["a"][2] == rows["b"][2] == "auto"
    assert rows["a"][3] >= 0.9


def test_record_in_an_open_suggestion_is_suggested() -> None:
    rows = {row[0]: row for row in assignments(find(RECORDS), list(RECORDS))}
    assert rows["c"][2] == "suggested"
    assert rows["c"][1] != rows["a"][1]


def test_unrelated_record_is_unique_with_its_own_id() -> None:
    rows = assignments(find(RECORDS), list(RECORDS))
    by_key = {row[0]: row for row in rows}
    assert by_key["d"][2] == "unique" and by_key["d"][3] == 0.0
    assert len({row[1] for row in rows}) == 3
