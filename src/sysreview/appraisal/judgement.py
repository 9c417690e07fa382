"""Domain judgements of risk-of-bias tools: proposed by the tool's algorithm, kept by reviewers.

RoB 2's algorithms *propose* a judgement for each domain from the signalling questions; the
reviewers may keep it or override it with a reason. ROBINS-I (2016) publishes no algorithm, so
its judgements are always the reviewers'. The overall judgement follows the tool's rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sysreview.appraisal.algorithm import Proposal, overall_judgement, run_algorithm
from sysreview.appraisal.loading import shipped_checklists
from sysreview.appraisal.model import Checklist
from sysreview.appraisal.scoring import Answer, validate_answers
from sysreview.errors import InvalidInput

ROB2 = "rob2"


@dataclass(frozen=True)
class StudyJudgements:
    """One study's judgement per domain (in the tool's order) and overall."""

    study: str
    domains: tuple[tuple[str, str], ...]
    overall: str
    proposals: tuple[Proposal, ...] = ()

    def of(self, domain_id: str) -> str:
        return dict(self.domains)[domain_id]


def domain_judgement(checklist: Checklist, domain_id: str, answers: Iterable[Answer]) -> Proposal:
    """The judgement the tool's algorithm proposes for one domain from the answers given."""
    given = validate_answers(checklist, answers, complete=False)
    return run_algorithm(checklist, domain_id, {k: a.value for k, a in given.items()})


def rob2_domain_judgement(
    domain: str, answers: Iterable[Answer], checklist: Checklist | None = None
) -> Proposal:
    """RoB 2's proposed judgement for ``domain`` ("D1" … "D5"); shipped RoB 2 by default.

    Pass the shipped ``rob2-adhering`` checklist to judge domain 2 for the effect of adhering
    to the intervention rather than of assignment to it.
    """
    if checklist is None:
        checklist = shipped_checklists()[ROB2]
    return domain_judgement(checklist, domain, answers)


def study_judgements(
    checklist: Checklist,
    study: str,
    answers: Iterable[Answer],
    judgements: Mapping[str, str] | None = None,
) -> StudyJudgements:
    """Each domain's judgement: the reviewers' where given, else the algorithm's proposal."""
    if checklist.kind != "domain-based":
        raise InvalidInput(f"{checklist.name} is a checklist: it is scored, not judged by domain")
    given = validate_answers(checklist, answers, study=study, complete=False)
    values = {k: a.value for k, a in given.items()}
    chosen = dict(judgements or {})
    unknown = sorted(set(chosen) - {d.id for d in checklist.domains})
    if unknown:
        raise InvalidInput(f"{checklist.name} has no domain {', '.join(unknown)} (study {study})")
    domains: list[tuple[str, str]] = []
    proposals: list[Proposal] = []
    for domain in checklist.domains:
        if domain.id in chosen:
            level = checklist.level(chosen[domain.id])
            if level is None:
                allowed = ", ".join(lv.label for lv in checklist.levels)
                raise InvalidInput(
                    f"'{chosen[domain.id]}' is not a judgement of {checklist.name} "
                    f"({domain.id}, study {study}); allowed: {allowed}"
                )
            domains.append((domain.id, level.label))
            continue
        try:
            proposal = run_algorithm(checklist, domain.id, values)
        except InvalidInput as exc:
            raise InvalidInput(f"study {study}: {exc.message}") from None
        proposals.append(proposal)
        domains.append((domain.id, proposal.judgement))
    overall = overall_judgement(checklist, [label for _, label in domains])
    return StudyJudgements(study, tuple(domains), overall, tuple(proposals))
