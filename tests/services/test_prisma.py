"""PRISMA counts computed from a live review, counts entered by hand, and what does not add up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, NotFound, PermissionDenied
from sysreview.protocol import Member, Protocol, Stage
from sysreview.reporting import InconsistentCounts, check
from sysreview.services import prisma
from sysreview.services.audit import list_audit
from sysreview.services.dedup import run_dedup
from sysreview.services.fulltexts import mark_not_retrieved
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.services.screening import decide, resolve
from sysreview.store.engine import Store
from sysreview.store.models import StoredRecord

FIXTURES = Path(__file__).parents[1] / "fixtures" / "duplicates"
REASONS = ["Wrong population", "Wrong outcomes"]


@dataclass
class Small:
    store: Store
    review: ReviewContext
    ids: dict[str, int]  # record id by its RIS ID: M1-M3 from MEDLINE, E1-E3 from Embase


def _small_review(
    folder: Path, db_url: str | None, *, embase_kind: str = "database", reviewers: int = 1
) -> Small:
    """MEDLINE and Embase exports of the same search (two articles in both), de-duplicated."""
    protocol = Protocol(
        title="Peer mentoring of residents",
        stages=[
            Stage(name="ta", label="Title and abstract screening", reviewers=reviewers),
            Stage(
                name="ft",
                label="Full-text assessment",
                reviewers=1,
                exclusion_reasons=REASONS,
                requires_full_text=True,
            ),
        ],
        team=[
            Member(user="own", role="owner"),
            Member(user="rev", role="reviewer"),
            Member(user="rev2", role="reviewer"),
            Member(user="arb", role="arbiter"),
            Member(user="vie", role="viewer"),
        ],
    )
    store, review = init_review(folder, protocol.title, "own", db_url, protocol=protocol)
    for name, source, kind in (
        ("medline.ris", "MEDLINE", "database"),
        ("embase.ris", "Embase", embase_kind),
    ):
        data = (FIXTURES / name).read_bytes()
        search = SearchDetails(source, kind=kind)
        import_file(store, review, "own", data, file_name=name, search=search)
    assert run_dedup(store, review, "own").duplicates_removed == 2
    with store.read() as session:
        rows = session.execute(select(StoredRecord.id, StoredRecord.data)).all()
    ids = {data["source_fields"]["ID"][0]: record_id for record_id, data in rows}
    return Small(store, review, ids)


@pytest.fixture
def small(tmp_path: Path, db_url: str | None) -> Iterator[Small]:
    built = _small_review(tmp_path / "small", db_url)
    yield built
    built.store.dispose()


def _screen(small: Small, stage: str, verdicts: dict[str, str], reason: str = "") -> None:
    for tag, verdict in verdicts.items():
        decide(
            small.store,
            small.review,
            "rev",
            stage,
            small.ids[tag],
            verdict,
            reason=reason if verdict == "exclude" else "",
        )


def test_every_box_is_counted_from_import_to_inclusion(small: Small) -> None:
    # unique after de-duplication: M1 (= E1), M2 (= E2), M3, and E3 (an erratum of M1)
    _screen(small, "ta", {"M1": "include", "M2": "include", "M3": "include", "E3": "exclude"})
    mark_not_retrieved(small.store, small.review, "rev", small.ids["M3"], "library has no copy")
    _screen(small, "ft", {"M1": "include"})
    _screen(small, "ft", {"M2": "exclude"}, reason="Wrong outcomes")

    counts = prisma.prisma_counts(small.store, small.review, "vie")

    assert counts.database_results == 6
    assert dict(counts.database_specific_results) == {"MEDLINE": 3, "Embase": 3}
    assert counts.duplicates == 2
    assert counts.excluded_automatic is None and counts.excluded_other is None
    assert (counts.records_screened, counts.records_excluded) == (4, 1)
    assert (counts.dbr_sought_reports, counts.dbr_notretrieved_reports) == (3, 1)
    assert counts.dbr_assessed == 2
    assert dict(counts.dbr_excluded) == {"Wrong outcomes": 1}
    assert (counts.total_studies, counts.total_reports) == (1, 1)
    assert not counts.has_other_methods and counts.entered == frozenset()
    assert check(counts) == []
    assert prisma.prisma_problems(small.store, small.review, "vie") == []


def test_records_from_other_methods_fill_the_grey_column(
    tmp_path: Path, db_url: str | None
) -> None:
    small = _small_review(tmp_path / "other", db_url, embase_kind="citation")
    _screen(small, "ta", {"M1": "include", "M2": "include", "M3": "include", "E3": "include"})
    _screen(small, "ft", {"M1": "include", "M2": "include", "M3": "include"})
    _screen(small, "ft", {"E3": "exclude"}, reason="Wrong population")

    counts = prisma.prisma_counts(small.store, small.review, "own")

    assert (counts.database_results, counts.citations_results) == (3, 3)
    assert counts.duplicates == 0  # the citation-found copies of database records flow no further
    assert (counts.records_screened, counts.dbr_sought_reports, counts.dbr_assessed) == (3, 3, 3)
    assert (counts.other_sought_reports, counts.other_assessed) == (1, 1)
    assert dict(counts.other_excluded) == {"Wrong population": 1}
    assert dict(counts.dbr_excluded) == {"": 0}
    assert (counts.total_studies, counts.total_reports) == (3, 3)
    assert check(counts) == []
    small.store.dispose()


def test_unscreened_records_are_named_with_their_box_and_no_diagram_is_drawn(
    small: Small,
) -> None:
    _screen(small, "ta", {"M1": "include"})

    problems = prisma.prisma_problems(small.store, small.review, "own")

    open_work = problems[0]
    assert open_work.key == "records_screened"
    assert "3 of the 4 records at Title and abstract screening are not settled yet" in (
        open_work.message
    )
    assert "3 unscreened" in open_work.message
    assert {p.key for p in problems} >= {"records_screened", "dbr_sought_reports"}
    with pytest.raises(InconsistentCounts, match="Records screened: 3 of the 4"):
        prisma.prisma_outputs(small.store, small.review, "own", "svg")
    assert b"records_screened" in prisma.prisma_outputs(small.store, small.review, "own", "csv")


def test_conflicts_are_named_to_those_who_may_resolve_them(
    tmp_path: Path, db_url: str | None
) -> None:
    small = _small_review(tmp_path / "dual", db_url, reviewers=2)
    for tag in ("M1", "M2", "M3"):
        for reviewer in ("rev", "rev2"):
            decide(small.store, small.review, reviewer, "ta", small.ids[tag], "include")
    erratum = small.ids["E3"]
    decide(small.store, small.review, "rev", "ta", erratum, "include")
    decide(small.store, small.review, "rev2", "ta", erratum, "exclude")

    arbiter = prisma.prisma_problems(small.store, small.review, "arb")[0].message
    reviewer = prisma.prisma_problems(small.store, small.review, "rev")[0].message

    assert "(1 in conflict)" in arbiter and "resolve the conflicts" in arbiter
    assert "conflict" not in reviewer  # a blind stage hides others' votes
    assert "1 of the 4 records at Title and abstract screening are not settled" in reviewer
    resolve(small.store, small.review, "arb", "ta", erratum, "exclude")
    assert all(
        p.key != "records_screened"
        for p in prisma.prisma_problems(small.store, small.review, "arb")
    )
    small.store.dispose()


def test_entered_counts_replace_computed_ones_and_are_marked(small: Small) -> None:
    prisma.enter_count(small.store, small.review, "own", "records_screened", 40, "from Covidence")
    prisma.enter_count(
        small.store, small.review, "own", "dbr_excluded", {"Wrong population": 2}, "Covidence"
    )
    prisma.enter_count(small.store, small.review, "own", "duplicates", None, "not known")

    counts = prisma.prisma_counts(small.store, small.review, "vie")

    assert counts.records_screened == 40
    assert dict(counts.dbr_excluded) == {"Wrong population": 2}
    assert counts.duplicates is None
    assert counts.records_excluded == 0  # still computed
    assert counts.entered == {"records_screened", "dbr_excluded"}
    entered = prisma.entered_counts(small.store, small.review, "vie")
    assert [(e.key, e.value, e.note) for e in entered] == [
        ("dbr_excluded", {"Wrong population": 2}, "Covidence"),
        ("duplicates", None, "not known"),
        ("records_screened", 40, "from Covidence"),
    ]
    prisma.clear_entered_count(small.store, small.review, "own", "records_screened")
    assert prisma.prisma_counts(small.store, small.review, "vie").records_screened == 4
    actions = [e["action"] for e in list_audit(small.store, small.review, "own")]
    assert actions.count("prisma.enter") == 3 and actions.count("prisma.clear") == 1


def test_entering_an_updated_review_adds_previous_and_new(small: Small) -> None:
    _screen(small, "ta", {"M1": "include", "M2": "include", "M3": "include", "E3": "exclude"})
    _screen(small, "ft", {"M1": "include", "M2": "include", "M3": "include"})
    prisma.enter_count(small.store, small.review, "own", "previous_studies", 5)
    prisma.enter_count(small.store, small.review, "own", "previous_reports", 7)

    counts = prisma.prisma_counts(small.store, small.review, "own")

    assert counts.template == "updated"
    assert (counts.new_studies, counts.new_reports) == (3, 3)
    assert (counts.total_studies, counts.total_reports) == (8, 10)
    assert check(counts) == []


@pytest.mark.parametrize("user", ["rev", "arb", "vie", "stranger"])
def test_only_owners_enter_or_clear_counts(small: Small, user: str) -> None:
    with pytest.raises(PermissionDenied, match=user):
        prisma.enter_count(small.store, small.review, user, "records_screened", 3)
    with pytest.raises(PermissionDenied, match=user):
        prisma.clear_entered_count(small.store, small.review, user, "records_screened")


def test_outsiders_cannot_read_the_counts(small: Small) -> None:
    with pytest.raises(PermissionDenied, match="stranger"):
        prisma.prisma_counts(small.store, small.review, "stranger")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("records_seen", 3, "not a PRISMA count"),
        ("records_screened", -1, "cannot be negative"),
        ("records_screened", "12", "whole number"),
        ("records_screened", {"a": 1}, "whole number"),
        ("dbr_excluded", {"Wrong population": -2}, "cannot be negative"),
        ("dbr_excluded", {"": 1, "Wrong population": 2}, "bare total"),
    ],
)
def test_entered_values_are_checked(small: Small, key: str, value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        prisma.enter_count(small.store, small.review, "own", key, value, "")  # type: ignore[arg-type]


def test_clearing_a_count_never_entered_says_so(small: Small) -> None:
    with pytest.raises(NotFound, match="records_screened"):
        prisma.clear_entered_count(small.store, small.review, "own", "records_screened")


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("records_screened", "1,234", 1234),
        ("records_screened", "NA", None),
        (
            "dbr_excluded",
            "Wrong population, 12; Wrong outcomes, 3",
            {"Wrong population": 12, "Wrong outcomes": 3},
        ),
        ("dbr_excluded", "7", {"": 7}),
        ("database_specific_results", '{"MEDLINE": 120}', {"MEDLINE": 120}),
    ],
)
def test_values_typed_on_the_command_line_are_read(key: str, text: str, value: object) -> None:
    assert prisma.parse_value(key, text) == value


def test_the_full_demo_reads_372_entered_records_to_9_studies_in_10_reports(
    full_demo: DemoReview,
) -> None:
    summary = prisma.prisma_summary(full_demo.store, full_demo.review, "ln")
    counts = summary.counts

    assert summary.problems == []
    assert (counts.records_screened, counts.records_excluded) == (372, 362)
    assert {"records_screened", "records_excluded"} <= counts.entered
    assert (counts.dbr_sought_reports, counts.dbr_assessed) == (10, 10)
    assert (counts.total_studies, counts.total_reports) == (9, 10)
    assert counts.database_results is None and counts.duplicates is None
    svg = prisma.prisma_outputs(full_demo.store, full_demo.review, "ln", "svg").decode()
    assert "Records screened (n = 372)\u2020" in svg
    assert "Studies included in review (n = 9)" in svg
    assert "Reports of included studies (n = 10)" in svg
