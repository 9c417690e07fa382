"""The built-in demo: the peer-mentorship review (Methods section as the protocol), built
through the same services a team uses, never by writing rows directly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sysreview.protocol import Criteria, Member, Protocol, Stage
from sysreview.services.accounts import set_password
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.store.engine import Store

DATA = Path(__file__).parent / "data"
INCLUDED_REPORTS = "included_reports.ris"
INCLUDED_REPORTS_SOURCE = "Reference review: included reports"
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


def build_demo(folder: Path, db_url: str | None = None) -> DemoReview:
    """Create the demo review in ``folder`` with a login for each team member."""
    protocol = demo_protocol()
    owner = protocol.team[0].user
    store, review = init_review(folder, protocol.title, owner, db_url, protocol=protocol)
    logins = {}
    for member in protocol.team:
        set_password(store, member.user, DEMO_PASSWORD, actor=owner)
        logins[member.user] = DEMO_PASSWORD
    import_included_reports(store, review, owner)
    return DemoReview(store=store, review=review, logins=logins)


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
