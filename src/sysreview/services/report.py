"""The review report: a methods draft written from what the review stores, with Table 1, the
appraisal tables, the PRISMA diagram and appendices (PRISMA-S search strategies, full texts
excluded with reasons, and the PRISMA 2020 checklist pointing to each answered item).

Every sentence is made from stored data: the searches as imported, the stages and their
decisions, agreement before conflicts were resolved, the resolutions, the appraisal answers and
the checklists behind them. Where the review holds nothing to say, the report says so with a
placeholder for the authors and never invents a fact. Everything is read in a stable order and
no clock is consulted, so the same review gives the same report bytes.

    report = build_report(store, review, "hp")
    Path("report.html").write_bytes(render_report(report, "html"))
"""

from __future__ import annotations

from collections.abc import Sequence

import sysreview
from sysreview.appraisal import issues_summary, judgement_table
from sysreview.reporting import render_svg, to_json_dict
from sysreview.reporting.prisma import label
from sysreview.reporting.report import (
    REPORT_FORMATS,
    Block,
    Checklist,
    ChecklistItem,
    Code,
    Figure,
    Report,
    Section,
    Table,
    Text,
    placeholder,
    render_report,
)
from sysreview.services import appraisal
from sysreview.services import report_methods as methods
from sysreview.services.extraction import table_one, verification_status
from sysreview.services.prisma import PrismaSummary, prisma_summary, value_text
from sysreview.services.report_facts import Facts, cite, read_facts, text
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store

__all__ = ["PRISMA_FILE", "REPORT_FORMATS", "Report", "build_report", "render_report"]

PRISMA_FILE = "prisma.svg"

#: PRISMA 2020 checklist items (Page et al. BMJ 2021;372:n71), topics in short, with the
#: section of this report that answers each ("" where only the authors can).
PRISMA_2020_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("1", "Title: identify the report as a systematic review", ""),
    ("2", "Abstract: structured summary", ""),
    ("3", "Rationale", ""),
    ("4", "Objectives: the question the review addresses", "methods-eligibility"),
    ("5", "Eligibility criteria", "methods-eligibility"),
    ("6", "Information sources and the date each was last searched", "methods-sources"),
    ("7", "Search strategy of every source, as run", "appendix-search"),
    ("8", "Selection process: reviewers, independence, automation", "methods-selection"),
    ("9", "Data collection process", "methods-extraction"),
    ("10a", "Data items: outcomes", "methods-extraction"),
    ("10b", "Data items: other variables", "methods-extraction"),
    ("11", "Study risk of bias assessment", "methods-appraisal"),
    ("12", "Effect measures", "methods-synthesis"),
    ("13a-13f", "Synthesis methods", "methods-synthesis"),
    ("14", "Reporting bias assessment", ""),
    ("15", "Certainty assessment", ""),
    (
        "16a",
        "Study selection: results of the search and selection (flow diagram)",
        "results-selection",
    ),
    ("16b", "Study selection: studies that seemed eligible but were excluded", "appendix-excluded"),
    ("17", "Study characteristics", "results-characteristics"),
    ("18", "Risk of bias in studies", "results-appraisal"),
    ("19", "Results of individual studies", ""),
    ("20a-20d", "Results of syntheses", "results-synthesis"),
    ("21", "Reporting biases", ""),
    ("22", "Certainty of evidence", ""),
    ("23a-23d", "Discussion", ""),
    ("24a-24c", "Registration and protocol", "methods-eligibility"),
    ("25", "Support", ""),
    ("26", "Competing interests", ""),
    ("27", "Availability of data, code and other materials", ""),
)


def build_report(store: Store, review: ReviewContext, actor: str) -> Report:
    """The report of the review as ``actor`` may see it: figures that would reveal blinded
    votes are written only for those who may resolve conflicts."""
    review.require(actor, "records.view")
    facts = read_facts(store, review)
    summary = prisma_summary(store, review, actor)
    method_sections = Section(
        "methods",
        "Methods",
        sections=(
            methods.eligibility(review),
            methods.sources(facts),
            methods.selection(store, review, actor, facts),
            methods.extraction(review, facts, verification_status(store, review, actor)),
            methods.appraisal_methods(facts),
            methods.synthesis(),
        ),
    )
    results = Section(
        "results",
        "Results",
        sections=(
            _study_selection(summary),
            _characteristics(store, review, actor, facts),
            _appraisal_results(store, review, actor, facts),
            Section(
                "results-synthesis",
                "Synthesis",
                (text(placeholder("report the results of the synthesis")),),
            ),
        ),
    )
    drafted = (method_sections, results, _strategies(facts), _excluded(facts))
    appendices = Section(
        "appendices", "Appendices", sections=(*drafted[2:], _prisma_checklist(drafted))
    )
    return Report(
        title=review.title,
        generator=(
            f"Drafted by sysreview {sysreview.__version__} from the review's records. Text marked "
            f"{placeholder('…').text} is for the authors to write."
        ),
        sections=(method_sections, results, appendices),
    )


# ------------------------------------------------------------------------------ results


def _study_selection(summary: PrismaSummary) -> Section:
    """The diagram (or why it cannot be drawn yet), the counts, and counts entered by hand."""
    counts = summary.counts
    blocks: list[Block] = []
    excluded = sum(counts.dbr_excluded.values()) if counts.dbr_excluded else None
    blocks.append(
        text(
            f"Records screened: {value_text(counts.records_screened)}; records excluded: "
            f"{value_text(counts.records_excluded)}; reports assessed for eligibility: "
            f"{value_text(counts.dbr_assessed)}; reports excluded: {value_text(excluded)}; "
            f"studies included: {value_text(counts.total_studies)}, in "
            f"{value_text(counts.total_reports)} reports."
        )
    )
    if summary.problems:
        blocks.append(
            text("The PRISMA 2020 flow diagram is not drawn yet: the counts do not add up.")
        )
        blocks += [text(problem.message) for problem in summary.problems]
    else:
        figure = "Figure 1. PRISMA 2020 flow diagram"
        blocks.append(Figure(figure, render_svg(counts), PRISMA_FILE))
    rows = [("Box", "n", "Source")]
    for key, value in to_json_dict(counts).items():
        entered = key in counts.entered
        if key == "entered" or (value in (None, {}) and not entered):
            continue
        shown = value_text(counts.value(key))
        rows.append((label(key, counts.template), shown, "entered" if entered else "computed"))
    blocks.append(Table("PRISMA 2020 counts", tuple(rows)))
    by_note: dict[str, list[str]] = {}
    for value in summary.entered:
        shown = f"{label(value.key, counts.template)} ({value_text(value.value)})"
        by_note.setdefault(value.note, []).append(shown)
    for note, boxes in by_note.items():
        blocks.append(text(f"Entered by hand: {'; '.join(boxes)}. {note}".strip()))
    return Section("results-selection", "Study selection", tuple(blocks))


def _characteristics(store: Store, review: ReviewContext, actor: str, facts: Facts) -> Section:
    """Table 1 from data extraction when the review has some; else the included studies and
    their reports, with a placeholder saying what Table 1 still needs."""
    caption = "Table 1. Characteristics of included studies"
    rows = table_one(store, review, actor)
    if len(rows) > 1:
        table = tuple(tuple(str(cell) for cell in row) for row in rows)
        return Section("results-characteristics", "Study characteristics", (Table(caption, table),))
    blocks: list[Block] = [
        text(
            placeholder(
                "Table 1 needs each included study's characteristics (design, setting, "
                "participants, interventions, outcomes) from data extraction, which this review "
                "has not recorded yet; until then it lists the included studies and their reports"
            )
        )
    ]
    if facts.included:
        listed = [("Study", "Record", "Report", "Title")]
        listed += [
            (study, str(record_id), cite(record), record.title)
            for study, record_id, record in facts.included
        ]
        blocks.append(Table(caption, tuple(listed)))
    else:
        blocks.append(text("No study has been included yet."))
    return Section("results-characteristics", "Study characteristics", tuple(blocks))


def _appraisal_results(store: Store, review: ReviewContext, actor: str, facts: Facts) -> Section:
    """One table per tool in use (the consensus answers), numbered after Table 1, with the
    most frequent quality issues of a scored checklist."""
    blocks: list[Block] = []
    for number, tool_id in enumerate(facts.appraisers, start=2):
        tool = appraisal.checklist(tool_id)
        caption = f"Table {number}. {tool.name}"
        answers = appraisal.answers_by_study(store, review, actor, tool_id)
        if not answers:
            blocks.append(text(f"{caption}: no consensus answers are stored yet."))
            continue
        if tool.kind != "checklist":
            rows = judgement_table(tool, answers).records()
            blocks.append(Table(caption, tuple(tuple(r) for r in rows)))
            continue
        table = appraisal.tool_table(store, review, actor, tool_id)
        blocks.append(Table(caption + ": score and rating per study", _cells(table.records())))
        issues = appraisal.tool_issues(store, review, actor, tool_id)
        if issues:
            blocks.append(text(f"Most frequent issues ({tool.name}): {issues_summary(issues, 3)}."))
    if not blocks:
        blocks.append(
            text(placeholder("report the risk of bias or quality of each included study"))
        )
    return Section("results-appraisal", "Quality of included studies", tuple(blocks))


def _cells(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


# ------------------------------------------------------------------------------ appendices


def _strategies(facts: Facts) -> Section:
    """Each source's search as run (PRISMA-S): the query kept verbatim, line by line."""
    blocks: list[Block] = []
    for search in facts.searches:
        caption = (
            f"{search.source} ({methods.KIND_WORDS.get(search.kind, search.kind)}); platform: "
            f"{search.platform or 'not recorded'}; "
            f"searched: {search.searched_on or 'not recorded'}; "
            f"{search.record_count:,} records ({search.file_name})"
        )
        if search.query.strip():
            blocks.append(Code(caption, search.query))
        else:
            blocks.append(
                text(
                    f"{caption}: ",
                    placeholder(f"give the search strategy run in {search.source}, exactly as run"),
                )
            )
    if not blocks:
        blocks.append(text(placeholder("give each source's search strategy, exactly as run")))
    return Section("appendix-search", "Search strategies as run (PRISMA-S)", tuple(blocks))


def _excluded(facts: Facts) -> Section:
    title = "Full-text reports excluded, with reasons"
    if not facts.excluded:
        return Section(
            "appendix-excluded", title, (text("No report was excluded at full-text assessment."),)
        )
    rows = [("Record", "Report", "Title", "Stage", "Reason")]
    rows += [
        (str(record_id), cite(record), record.title, stage, reason or "No reason given")
        for record_id, record, stage, reason in facts.excluded
    ]
    return Section("appendix-excluded", title, (Table("", tuple(rows)),))


def _prisma_checklist(drafted: Sequence[Section]) -> Section:
    """The PRISMA 2020 items, each pointing to the section that answers it."""
    by_anchor = {s.anchor: s for top in drafted for s in top.walk()}
    items = []
    for number, topic, anchor in PRISMA_2020_ITEMS:
        section = by_anchor.get(anchor)
        if section is None:
            where = placeholder("report this item in the manuscript").text
            items.append(ChecklistItem(number, topic, "", where, "Not drafted by sysreview"))
            continue
        items.append(ChecklistItem(number, topic, anchor, section.title, _status(section)))
    intro = text(
        "Items the review's records answer point to the section of this draft that reports "
        "them; the others are for the authors."
    )
    return Section("appendix-checklist", "PRISMA 2020 checklist", (intro, Checklist(tuple(items))))


def _status(section: Section) -> str:
    written = any(
        not isinstance(b, Text) or any(not s.placeholder for s in b.spans) for b in section.blocks
    )
    if not section.placeholders():
        return "Drafted from the review's records"
    return "Drafted; placeholders remain" if written else "Placeholder only"
