"""The built-in demo: the peer-mentorship review (Methods section as the protocol), built
through the same services a team uses, never by writing rows directly."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select

from sysreview.appraisal import read_tool_names
from sysreview.demo.thematic import code_themes
from sysreview.protocol import Criteria, Extraction, ExtractionField, Member, Protocol, Stage
from sysreview.search.section import SearchSection
from sysreview.services.accounts import set_password
from sysreview.services.appraisal import import_answers
from sysreview.services.dedup import judge_pair, run_dedup
from sysreview.services.extraction import extract, verify
from sysreview.services.imports import SearchDetails, import_file
from sysreview.services.prisma import enter_count
from sysreview.services.record_sets import unique_record_ids
from sysreview.services.reviews import ReviewContext, init_review
from sysreview.services.screening import decide
from sysreview.services.studies import create_study, studies_of
from sysreview.store.engine import Store
from sysreview.store.models import StoredRecord

DATA = Path(__file__).parent / "data"
INCLUDED_REPORTS = "included_reports.ris"
APPRAISAL_ANSWERS = "appraisal-answers.csv"
INCLUDED_STUDIES = "included_studies.csv"
SEARCH_STRATEGY = "search-strategy.yaml"
APPRAISAL_TOOLS = "appraisal-tools.csv"
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
        search=demo_search(),
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
        extraction=Extraction(
            workflow="verify",
            verifiers=2,
            fields=[
                ExtractionField(id="authors", label="Authors", required=True),
                ExtractionField(id="year", label="Year", type="number"),
                ExtractionField(id="country", label="Country"),
                ExtractionField(
                    id="design",
                    label="Design",
                    type="choice",
                    options=["Quantitative", "Qualitative", "Mixed methods"],
                ),
                ExtractionField(id="objective", label="Objective"),
                ExtractionField(id="participants", label="Participants"),
                ExtractionField(id="control", label="Control"),
                ExtractionField(id="programme", label="Programme elements"),
                ExtractionField(id="outcomes", label="Outcomes"),
            ],
        ),
        team=[
            Member(user="hp", name="HP (reviewer, extractor)", role="owner"),
            Member(user="ln", name="LN (reviewer, verifier)", role="reviewer"),
            Member(user="dll", name="DLL (librarian, reviewer, verifier)", role="reviewer"),
            Member(user="eop", name="EOP (third reviewer)", role="arbiter"),
        ],
    )


def demo_search() -> SearchSection:
    """The review's three-block strategy and six databases (see data/search-strategy.yaml)."""
    text = (DATA / SEARCH_STRATEGY).read_text(encoding="utf-8")
    return SearchSection.model_validate(yaml.safe_load(text))


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
        group_reports_into_studies(store, review, owner)
        enter_reported_counts(store, review, owner)
        appraise(store, review, owner)
        extract_study_data(store, review)
        code_themes(store, review, owner)
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


def group_reports_into_studies(store: Store, review: ReviewContext, actor: str) -> None:
    """The 9 studies of the 10 reports, labelled as the paper's Tables 2-3 cite them; a
    report belongs to the study whose first author it shares (Chakravarti has two)."""
    labels = sorted({row["study"] for row in _appraisal_rows()})
    with store.read() as session:
        rows = session.execute(
            select(StoredRecord.id, StoredRecord.data).where(StoredRecord.review_id == review.id)
        ).all()
    for label in labels:
        surname = label.split()[0]
        reports = [rid for rid, data in rows if data["authors"][:1] == [surname]]
        create_study(store, review, actor, label, sorted(reports))


def enter_reported_counts(store: Store, review: ReviewContext, actor: str) -> None:
    """The PRISMA counts the paper reports but the demo cannot compute, entered by hand so the
    diagram marks them. The demo holds only the 10 included reports: the paper's 372 records
    screened and the 362 excluded among them are entered, and the identification counts the one
    import would give (10 records, no duplicates) are entered as not reported, since the paper
    lists neither the records per database nor the duplicates removed."""
    not_listed = (
        "The paper lists neither the records identified per database nor the duplicates "
        "removed; the demo's one import holds only the 10 included reports."
    )
    for key in ("database_results", "database_specific_results", "duplicates"):
        enter_count(store, review, actor, key, None, not_listed)
    enter_count(
        store,
        review,
        actor,
        "records_screened",
        372,
        'The paper: "identified 372 unique studies" once duplicates were removed.',
    )
    enter_count(
        store,
        review,
        actor,
        "records_excluded",
        362,
        "The demo holds only the 10 included reports, so the other 362 are entered as excluded "
        "without a split between title/abstract and full-text screening, which the paper's "
        "text does not give.",
    )


def appraise(store: Store, review: ReviewContext, actor: str) -> None:
    """The consensus answers of the paper's Tables 2 (modified JBI) and 3 (CASP), through the
    same import as `sysreview appraisal import`."""
    names = read_tool_names(DATA / APPRAISAL_TOOLS)
    data = (DATA / APPRAISAL_ANSWERS).read_bytes()
    import_answers(store, review, actor, data, APPRAISAL_ANSWERS, names)


EXTRACTOR, VERIFIERS = "hp", ("dll", "ln")
TABLE_ONE_COLUMNS = {
    "year": "year",
    "country": "country",
    "design": "design",
    "objective": "objective",
    "participants": "participants",
    "control": "control",
    "programme": "program_features",
    "outcomes": "outcomes",
}


def extract_study_data(store: Store, review: ReviewContext) -> None:
    """Table 1 of the paper, entered as its team worked: one extractor (HP), and two
    verifiers (DLL, LN) who check every field (the paper reports no corrections)."""
    with (DATA / INCLUDED_STUDIES).open(encoding="utf-8", newline="") as handle:
        reports = list(csv.DictReader(handle))
    for study in studies_of(store, review, EXTRACTOR):
        rows = [r for r in reports if study.label.startswith(r["first_author"])]
        values = {"authors": "; ".join(r["report_label"] for r in rows)}
        values |= {field: rows[0][column] for field, column in TABLE_ONE_COLUMNS.items()}
        for field, value in values.items():
            extract(store, review, EXTRACTOR, study.label, field, value)
            for verifier in VERIFIERS:
                verify(store, review, verifier, study.label, field)


def _appraisal_rows() -> list[dict[str, str]]:
    with (DATA / APPRAISAL_ANSWERS).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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
