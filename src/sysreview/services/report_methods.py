"""The Methods sections of the report, each sentence made from what the review stores.

What the review cannot tell (a search date nobody recorded, how appraisers settled their
differences when only the consensus was imported) is a placeholder for the authors, never a
guess. Figures that would reveal blinded votes are written only for readers who may see them.
"""

from __future__ import annotations

from typing import Any

import sysreview
from sysreview.appraisal import Checklist as Tool
from sysreview.appraisal import shipped_checklists
from sysreview.errors import PermissionDenied
from sysreview.reporting.report import Section, Span, Text, placeholder
from sysreview.services import appraisal
from sysreview.services.agreement import stage_agreement
from sysreview.services.report_facts import (
    Facts,
    StageFacts,
    count_of,
    landis_koch,
    name_of,
    names_of,
    text,
)
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import NOT_RETRIEVED, may_resolve
from sysreview.store.engine import Store

CONSENSUS = appraisal.CONSENSUS
KIND_WORDS = {
    "database": "database",
    "register": "register",
    "citation": "citation searching",
    "website": "website",
    "organisation": "organisation",
}
OPEN_STATES = ("unscreened", "in_progress", "conflict")


def eligibility(review: ReviewContext) -> Section:
    """The question and criteria as the protocol states them; registration is the authors'."""
    protocol = review.protocol
    blocks: list[Text] = []
    if protocol.question:
        blocks.append(text("Review question: ", protocol.question))
    else:
        blocks.append(text(placeholder("state the review question and objectives")))
    for words, criteria in (
        ("Inclusion criteria", protocol.criteria.inclusion),
        ("Exclusion criteria", protocol.criteria.exclusion),
    ):
        if criteria:
            blocks.append(text(f"{words}: ", "; ".join(c.rstrip(".") for c in criteria), "."))
    if not (protocol.criteria.inclusion or protocol.criteria.exclusion):
        blocks.append(text(placeholder("list the eligibility criteria for inclusion")))
    blocks.append(
        text(
            placeholder(
                "give the protocol's registration (register and number), or say that the "
                "review was not registered"
            )
        )
    )
    return Section("methods-eligibility", "Review question and eligibility criteria", tuple(blocks))


def sources(facts: Facts) -> Section:
    """Each search as imported (source, platform, date, records), then de-duplication."""
    blocks: list[Text] = []
    for search in facts.searches:
        blocks.append(
            text(
                f"{search.source} ({KIND_WORDS.get(search.kind, search.kind)}) was searched via ",
                search.platform
                or placeholder(f"name the platform or interface used for {search.source}"),
                " on ",
                search.searched_on or placeholder(f"give the date {search.source} was searched"),
                f"; {count_of(search.record_count, 'record')} "
                f"{'was' if search.record_count == 1 else 'were'} imported from "
                f"{search.file_name}.",
            )
        )
    if facts.searches:
        blocks.append(
            text(
                "The search strategy of each source, as run, is given in ",
                Span("Appendix: search strategies", anchor="appendix-search"),
                ".",
            )
        )
    else:
        blocks.append(
            text(
                placeholder("list the databases, registers and other sources searched, with dates")
            )
        )
    if facts.records:
        blocks.append(_deduplication(facts))
    return Section("methods-sources", "Information sources and search", tuple(blocks))


def _deduplication(facts: Facts) -> Text:
    merged = sum(facts.groups.values())
    words = f"Duplicate records were found with sysreview {sysreview.__version__}: "
    if merged:
        words += (
            f"{count_of(merged, 'set')} of duplicates were merged ({facts.groups['auto']:,} "
            f"automatically, {facts.groups['person']:,} after a reviewer judged the pair), "
            f"leaving {facts.unique:,} of the {count_of(facts.records, 'record')} imported"
        )
    else:
        words += f"none was merged among the {count_of(facts.records, 'record')} imported"
    if facts.distinct_pairs:
        were = "was" if facts.distinct_pairs == 1 else "were"
        words += (
            f"; {count_of(facts.distinct_pairs, 'pair')} that a reviewer judged to be "
            f"distinct reports {were} kept apart"
        )
    if facts.pending_pairs:
        wait = "awaits" if facts.pending_pairs == 1 else "await"
        words += f"; {count_of(facts.pending_pairs, 'possible duplicate pair')} {wait} a decision"
    return text(words + ".")


def selection(store: Store, review: ReviewContext, actor: str, facts: Facts) -> Section:
    """Per stage: reviewers, blinding, reasons, agreement (kappa with CI) and conflicts."""
    blocks: list[Text] = []
    for found in facts.stages:
        blocks.append(_stage_rules(review, actor, found))
        if found.stage.reviewers > 1:
            blocks.append(_agreement(store, review, actor, found))
    blocks.append(text(f"Screening was done in sysreview {sysreview.__version__}."))
    return Section("methods-selection", "Selection process", tuple(blocks))


def _stage_rules(review: ReviewContext, actor: str, found: StageFacts) -> Text:
    stage = found.stage
    unit = "report" if stage.requires_full_text else "record"
    words = f"{stage.label}: each {unit} needed {count_of(stage.reviewers, 'independent decision')}"
    if stage.blind and stage.reviewers > 1:
        words += ", and reviewers did not see each other's decisions until it was settled"
    words += "."
    if stage.reviewers > 1 and not stage.requires_full_text:
        words += (
            ' A "maybe" went to conflict resolution, as a disagreement did.'
            if stage.maybe == "conflict"
            else ' A "maybe" let the record through to the next stage.'
        )
    if stage.exclusion_reasons:
        need = "needed" if stage.needs_reason else "could take"
        words += (
            f" An exclusion {need} one reason from the ordered list: "
            f"{'; '.join(stage.exclusion_reasons)}."
        )
    if found.reviewers and (may_resolve(review, actor) or not stage.blind):
        words += (
            f" Decisions were recorded by {count_of(len(found.reviewers), 'reviewer')}: "
            f"{names_of(review, found.reviewers)}."
        )
    if found.states[NOT_RETRIEVED]:
        words += (
            f" {count_of(found.states[NOT_RETRIEVED], 'report')} could not be retrieved "
            "and were not assessed."
        )
    still_open = sum(found.states[s] for s in OPEN_STATES)
    if still_open:
        words += f" {count_of(still_open, unit)} at this stage are not settled yet."
    return text(words)


def _agreement(store: Store, review: ReviewContext, actor: str, found: StageFacts) -> Text:
    """Agreement before conflicts were resolved, and how conflicts were resolved."""
    stage = found.stage
    try:
        result = stage_agreement(store, review, actor, stage.name)
    except PermissionDenied:
        return text(
            placeholder(
                f"agreement and conflicts at {stage.label} are shown only to those who may "
                "resolve conflicts while the stage is blind: generate the report as the owner "
                "or an arbiter"
            )
        )
    parts = [_pair_words(review, pair) for pair in result["pairs"]]
    if not parts:
        parts.append("no record was judged by two reviewers, so agreement cannot be given")
    overall = result["overall"]
    if overall is not None:
        parts.append(_overall_words(overall))
    return text(
        f"Agreement at {stage.label}: " + "; ".join(parts) + ". " + _conflicts(review, found)
    )


def _pair_words(review: ReviewContext, pair: dict[str, Any]) -> str:
    who = names_of(review, [pair["reviewer_a"], pair["reviewer_b"]])
    words = f"{who} agreed on {pair['observed'] * 100:.1f} % of {count_of(pair['n'], 'record')}"
    kappa, ci = pair["kappa"], pair["kappa_ci"]
    if kappa is None:
        words += f"; Cohen's κ cannot be computed ({pair['reason']})"
    else:
        words += f", Cohen's κ = {kappa:.2f}"
        if ci is not None:
            words += f" (95 % CI {ci[0]:.2f} to {ci[1]:.2f})"
        words += f", {landis_koch(kappa)} agreement (Landis and Koch)"
    if pair["pabak"] is not None:
        words += f", PABAK = {pair['pabak']:.2f}"
    return words


def _overall_words(overall: dict[str, Any]) -> str:
    kappa, alpha = overall["fleiss_kappa"], overall["krippendorff_alpha"]
    if kappa is None or alpha is None:
        return f"across all {overall['n_raters']} reviewers no coefficient ({overall['reason']})"
    return (
        f"across all {overall['n_raters']} reviewers Fleiss' κ = {kappa:.2f} and "
        f"Krippendorff's α = {alpha:.2f}"
    )


def _conflicts(review: ReviewContext, found: StageFacts) -> str:
    resolved = sum(found.resolved_by.values())
    waiting = found.states["conflict"]
    if not resolved and not waiting:
        return "No conflict arose."
    words = []
    if resolved:
        by = [
            f"{count:,} by {name_of(review, who)} ({review.role_of(who) or 'former member'})"
            for who, count in sorted(found.resolved_by.items())
        ]
        words.append(f"{count_of(resolved, 'conflict')} resolved: {'; '.join(by)}.")
    if waiting:
        words.append(f"{count_of(waiting, 'conflict')} not resolved yet.")
    return " ".join(words)


def extraction(review: ReviewContext, facts: Facts, verified: dict[str, int]) -> Section:
    """The form and workflow the protocol sets, then who extracted and verified how much."""
    form = review.protocol.extraction
    define = placeholder(
        "define the outcomes and other variables for which data were sought, and say how "
        "missing or unclear information was handled"
    )
    if not form.fields:
        process = placeholder(
            "describe the data collection process: who extracted the data, how many reviewers "
            "worked independently, how the data were checked, and the form and tools used"
        )
        return Section(
            "methods-extraction", "Data collection process", (text(process), text(define))
        )
    blocks = [
        text(
            f"Data were extracted in sysreview {sysreview.__version__} on a form of "
            f"{count_of(len(form.fields), 'field')}: {'; '.join(f.label for f in form.fields)}."
        ),
        _workflow(form.workflow, form.verifiers),
        text(_extraction_done(review, facts, verified)),
        text(define),
    ]
    return Section("methods-extraction", "Data collection process", tuple(blocks))


def _workflow(workflow: str, verifiers: int) -> Text:
    if workflow == "dual":
        return text(
            "The protocol sets two reviewers to extract each study's data independently. ",
            placeholder("say how discrepancies between extractors were resolved"),
        )
    if verifiers:
        return text(
            f"The protocol sets one reviewer to extract each study's data and "
            f"{count_of(verifiers, 'other reviewer')} to verify each field, accepting or "
            "correcting it."
        )
    return text("The protocol sets one reviewer to extract each study's data, unverified.")


def _extraction_done(review: ReviewContext, facts: Facts, verified: dict[str, int]) -> str:
    done = facts.extraction
    extractors = sorted({a for a, kind in done if kind == "extracted"})
    if not extractors:
        return "No data have been extracted yet."
    checkers = sorted({a for a, kind in done if kind in ("verified", "corrected")})
    values = sum(n for (_, kind), n in done.items() if kind == "extracted")
    words = (
        f"{names_of(review, extractors)} extracted {count_of(values, 'value')} for "
        f"{count_of(facts.extracted_studies, 'study', 'studies')}"
    )
    if checkers:
        accepted = sum(n for (_, kind), n in done.items() if kind == "verified")
        corrected = sum(n for (_, kind), n in done.items() if kind == "corrected")
        words += (
            f"; {names_of(review, checkers)} checked them, accepting {accepted:,} and "
            f"correcting {corrected:,}"
        )
    return (
        f"{words}. {verified['verified']:,} of the {count_of(verified['extracted'], 'field')} "
        "extracted are fully verified."
    )


def appraisal_methods(facts: Facts) -> Section:
    """Each tool in use, its version and source, a modified tool's changes, scoring, and who
    answered it."""
    blocks: list[Text] = []
    for tool_id, who in facts.appraisers.items():
        tool = appraisal.checklist(tool_id)
        blocks.append(text(_tool_words(tool), *_appraisers(tool, who)))
    if not blocks:
        blocks.append(
            text(
                placeholder(
                    "describe how the risk of bias or quality of the included studies was "
                    "assessed: the tool, how many reviewers, how disagreements were resolved"
                )
            )
        )
    return Section("methods-appraisal", "Quality appraisal", tuple(blocks))


def _tool_words(tool: Tool) -> str:
    words = (
        f"Studies were appraised with the {tool.name} (version {tool.version}; source: "
        f"{' '.join(tool.source.citation.split())})."
    )
    base = _base_of(tool)
    if base is not None:
        dropped = [i for i in base.items if tool.item(i.id) is None]
        added = [i for i in tool.items if base.item(i.id) is None]
        changes = [f'dropped item {i.number}, "{i.text}"' for i in dropped]
        changes += [f'added "{i.text}" as item {i.number}' for i in added]
        words += (
            f" It modifies {base.name} ({tool.derived_from}): "
            f"{'; '.join(changes) or 'its bands or answers changed, its items kept'}; "
            f"{count_of(len(tool.items), 'item')} in all."
        )
    if tool.kind == "checklist":
        words += " A study's score is the points earned over the items that apply"
        words += f"; its rating: {_bands(tool)}." if tool.ratings else "."
    else:
        domains = "; ".join(d.name for d in tool.domains)
        words += f" Each study was judged per domain ({domains}) and overall."
    return words


def _base_of(tool: Tool) -> Tool | None:
    if not tool.derived_from:
        return None
    base = shipped_checklists().get(tool.derived_from.split("@")[0])
    return base if base is not None and base.reference == tool.derived_from else None


def _bands(tool: Tool) -> str:
    words, above = [], None
    for band in tool.ratings:
        if band.at_least == 1:
            words.append(f"{band.label} with every point")
        elif band.at_least == 0 and above is not None:
            words.append(f"{band.label} below {above:.0f} %")
        else:
            words.append(f"{band.label} from {float(band.at_least) * 100:.0f} %")
        above = float(band.at_least) * 100
    return ", ".join(words)


def _appraisers(tool: Tool, who: tuple[str, ...]) -> list[str | Span]:
    people = [w for w in who if w != CONSENSUS]
    agreed = CONSENSUS in who
    if len(people) >= 2:
        words = f" {len(people)} appraisers answered it independently"
        return [words + ("; their consensus answers are reported." if agreed else ".")]
    if people:
        return [f" One appraiser ({people[0]}) answered it."]
    return [
        " The answers stored are the appraisers' consensus. ",
        placeholder(
            f"say who appraised each study with the {tool.name}, whether independently, and "
            "how disagreements were resolved"
        ),
    ]


def synthesis() -> Section:
    return Section(
        "methods-synthesis",
        "Synthesis methods",
        (
            text(
                placeholder(
                    "describe the synthesis: how studies were grouped, the effect measures, and "
                    "how results were combined or summarised (narrative, thematic or "
                    "meta-analysis), with software and versions"
                )
            ),
        ),
    )
