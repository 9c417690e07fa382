"""The demo review is built through the real services and matches the reference review."""

from __future__ import annotations

from sysreview.demo import INCLUDED_REPORTS_SOURCE, DemoReview
from sysreview.services.exports import export_records
from sysreview.services.status import review_status


def test_the_demo_protocol_follows_the_reference_methods(demo: DemoReview) -> None:
    protocol = demo.review.protocol
    assert len(protocol.criteria.exclusion) == 5
    assert protocol.stage("full_text").exclusion_reasons == protocol.criteria.exclusion
    assert [s.reviewers for s in protocol.stages] == [2, 2]
    assert {m.user: m.role for m in protocol.team} == {
        "hp": "owner",
        "ln": "reviewer",
        "dll": "reviewer",
        "eop": "arbiter",
    }


def test_the_demo_holds_the_ten_included_reports_of_nine_studies(demo: DemoReview) -> None:
    status = review_status(demo.store, demo.review, "hp")
    assert status["records"] == {
        "total": 10,
        "unique": 10,
        "by_source": [
            {"source": INCLUDED_REPORTS_SOURCE, "platform": "", "files": 1, "records": 10}
        ],
    }
    csv_bytes, count = export_records(demo.store, demo.review, "hp", "csv")
    assert count == 10
    text = csv_bytes.decode("utf-8-sig")
    for author in (
        "Chakravarti",
        "Eisen",
        "Hilliard",
        "Hoedebecke",
        "Obura",
        "Parrott",
        "Prins",
        "Vulliamy",
        "Webb",
    ):
        assert author in text


def test_the_demo_includes_every_report_at_both_stages(full_demo: DemoReview) -> None:
    stages = review_status(full_demo.store, full_demo.review, "eop")["stages"]
    assert [(s["records"], s["included"], s["conflicts"]) for s in stages] == [
        (10, 10, 0),
        (10, 10, 0),
    ]
