"""The built-in demo: the peer-mentorship review (Methods section as the protocol), built
through the same services a team uses, never by writing rows directly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sysreview.protocol import Criteria, Member, Protocol, Stage
from sysreview.services.accounts import set_password
from sysreview.services.dedup import judge_pair, run_dedup
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.record_sets import unique_record_ids
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.services.screening import decide
from sysreview.store.engine import Store
from sysreview.store.models import StoredRecord

DATA = Path(__file__).parent / "data"
INCLUDED_REPORTS = "included_reports.ris"
INCLUDED_REPORTS_SOURCE = "Reference review: included reports"
SCREENING_REVIEWERS = ("ln", "dll")
DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed to every demo user on purpose

EXCLUSION_REASONS = [
    "Mentors were not peers",
    "Peer mentors were not medical residents",
    "No outcomes reported",
    "Resident outcomes not separable from other participants",
    "Mentoring outcomes not separable from other interventions",
]


def demo_protocol() -> Protocol:
    """The reference review's protocol as its Methods section describes it."""
    return Protocol(
        title="Peer mentorship in medical residency education: a systematic review",
        question=(
            "To what extent does peer mentorship promote psychosocial wellbeing and the "
            "development of professional competencies in medical residency education?"
        ),
        criteria=Criteria(
            inclusion=[
                "Authors report academic, career or psychosocial outcomes associated with "
                "formal (assigned peer mentors) or informal peer mentoring relationships "
                "among medical residents",
                "No limits on date, language or study design",
            ],
            exclusion=EXCLUSION_REASONS,
        ),
        stages=[
            Stage(name="title_abstract", label="Title and abstract screening", reviewers=2),
            Stage(
                name="full_text",
                label="Full-text assessment",
                reviewers=2,
                exclusion_reasons=EXCLUSION_REASONS,
                requires_full_text=True,
            ),
        ],
        team=[
            Member(user="hp", name="HP (reviewer, extractor)", role="owner"),
            Member(user="ln", name="LN (reviewer, verifier)", role="reviewer"),
            Member(user="dll", name="DLL (librarian, reviewer, verifier)", role="reviewer"),
            Member(user="eop", name="EOP (third reviewer)", role="arbiter"),
        ],
    )


@dataclass(frozen=True)
class DemoReview:
    store: Store
    review: ReviewContext
    logins: dict[str, str]


def build_demo(
    folder: Path, db_url: str | None = None, *, with_decisions: bool = True
) -> DemoReview:
    """Create the demo review in ``folder`` with a login for each team member; without
    ``with_decisions`` it stops before screening (tests start screening from there)."""
    protocol = demo_protocol()
    owner = protocol.team[0].user
    store, review = init_review(folder, protocol.title, owner, db_url, protocol=protocol)
    logins = {}
    for member in protocol.team:
        set_password(store, member.user, DEMO_PASSWORD, actor=owner)
        logins[member.user] = DEMO_PASSWORD
    import_included_reports(store, review, owner)
    deduplicate(store, review, owner)
    if with_decisions:
        screen_included_reports(store, review)
    return DemoReview(store=store, review=review, logins=logins)


def deduplicate(store: Store, review: ReviewContext, actor: str) -> None:
    """Run de-duplication as a team would. The two Chakravarti reports (2017a, 2017b) carry the
    same metadata in the demo (the review's text gives no titles), so a reviewer records them as
    distinct reports of one study before the run, as the queue would have asked."""
    with store.read() as session:
        rows = session.execute(
            select(StoredRecord.id, StoredRecord.data).where(StoredRecord.review_id == review.id)
        ).all()
    chakravarti = sorted(rid for rid, data in rows if data["authors"][:1] == ["Chakravarti"])
    if len(chakravarti) == 2:
        judge_pair(store, review, actor, chakravarti[0], chakravarti[1], "distinct")
    run_dedup(store, review, actor)


def screen_included_reports(store: Store, review: ReviewContext) -> None:
    """Both screening reviewers include every report at both stages, as the review's result.

    The review publishes its final inclusions, not each reviewer's votes, so the demo records
    agreement on the included reports and nothing it would have to invent about the others.
    """
    with store.read() as session:
        record_ids = unique_record_ids(session, review)
    for stage in review.protocol.stages:
        for record_id in record_ids:
            for reviewer in SCREENING_REVIEWERS:
                decide(store, review, reviewer, stage.name, record_id, "include")


def import_included_reports(store: Store, review: ReviewContext, actor: str) -> None:
    """The reports the reference review included (Table 1), imported as a search event.

    The review's text gives no full citations, so each record carries the study's objective as
    its title and the table's design, country, participants and outcomes as its abstract.
    """
    data = (DATA / INCLUDED_REPORTS).read_bytes()
    search = SearchDetails(
        source=INCLUDED_REPORTS_SOURCE,
        query="Table 1 of the reference review: the 10 reports of its 9 included studies",
    )
    import_file(store, review, actor, data, file_name=INCLUDED_REPORTS, search=search)
