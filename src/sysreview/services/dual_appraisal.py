"""Appraising a study with a checklist, alone or as two independent appraisers.

In ``dual`` mode (the protocol's ``appraisal.mode``) each appraiser answers on their own; while
the protocol says ``blind``, neither sees the other's answers until both have answered every
item: the one ``consensus.visibility`` rule decides, as it does for screening. Then the two (or
the arbiter or owner) see the discrepancies item by item and record the consensus, stored under
the reviewer name ``consensus`` that the tables read. In ``single`` mode the appraiser's answers
are the consensus. Every stored answer writes its audit entry in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.agreement import pairwise
from sysreview.appraisal import Answer, Checklist, Score, score, validate_answers
from sysreview.consensus import Judgement, visibility
from sysreview.errors import InvalidInput, NotFound, PermissionDenied
from sysreview.services.appraisal import CONSENSUS, checklist, store_answer
from sysreview.services.permissions import allowed
from sysreview.services.reviews import ReviewContext
from sysreview.store.engine import Store
from sysreview.store.models import AppraisalAnswer, Study

REQUIRED = 2


@dataclass(frozen=True)
class Discrepancy:
    """An item the appraisers answered differently, with each one's answer."""

    item: str
    number: int
    text: str
    answers: dict[str, Answer]


@dataclass(frozen=True)
class AppraisalView:
    """One study under one tool as ``viewer`` may see it.

    ``others`` holds only the answers the visibility rule shows; ``state`` is ``not_started``,
    ``in_progress`` (someone is still answering), ``discrepancies``, ``agreed`` (both done, no
    difference) or ``consensus`` (recorded)."""

    study_id: int
    study: str
    checklist: Checklist
    mode: str
    state: str
    mine: dict[str, Answer]
    others: dict[str, dict[str, Answer]]
    done: tuple[str, ...]
    consensus: dict[str, Answer]
    discrepancies: tuple[Discrepancy, ...]
    may_appraise: bool
    may_record_consensus: bool

    @property
    def my_score(self) -> Score | None:
        return _score(self.checklist, self.mine)

    @property
    def consensus_score(self) -> Score | None:
        return _score(self.checklist, self.consensus)


def _score(tool: Checklist, answers: Mapping[str, Answer]) -> Score | None:
    if tool.kind != "checklist" or len(answers) < len(tool.items):
        return None
    return score(tool, answers.values())


def study_by_id(session: Session, review: ReviewContext, study_id: int) -> Study:
    """A study loaded through its review: another review's id is simply not found."""
    study = session.scalar(select(Study).where(Study.id == study_id, Study.review_id == review.id))
    if study is None:
        raise NotFound(f"review {review.slug!r} has no study {study_id}")
    return study


def _answers(
    session: Session, review: ReviewContext, study_id: int, tool: str
) -> dict[str, dict[str, Answer]]:
    found: dict[str, dict[str, Answer]] = defaultdict(dict)
    for row in session.scalars(
        select(AppraisalAnswer)
        .where(
            AppraisalAnswer.review_id == review.id,
            AppraisalAnswer.study_id == study_id,
            AppraisalAnswer.tool == tool,
        )
        .order_by(AppraisalAnswer.id)
    ):
        found[row.reviewer][row.item] = Answer(row.item, row.answer, row.quote, row.page)
    return dict(found)


def _complete(tool: Checklist, answers: Mapping[str, Answer]) -> bool:
    return all(item.id in answers for item in tool.items)


def _differing(tool: Checklist, by: Mapping[str, Mapping[str, Answer]]) -> tuple[Discrepancy, ...]:
    found = []
    for item in tool.items:
        given = {who: answers[item.id] for who, answers in by.items() if item.id in answers}
        if len({a.value for a in given.values()}) > 1:
            found.append(Discrepancy(item.id, item.number, item.short, given))
    return tuple(found)


def _settle(
    review: ReviewContext, tool: Checklist, answers: Mapping[str, Mapping[str, Answer]]
) -> tuple[str, tuple[str, ...], str]:
    """(state, appraisers done, the consensus module's state for the visibility rule)."""
    appraisers = {who: a for who, a in answers.items() if who != CONSENSUS}
    done = tuple(sorted(who for who, a in appraisers.items() if _complete(tool, a)))
    if _complete(tool, answers.get(CONSENSUS, {})):
        return "consensus", done, "include"
    if review.protocol.appraisal.mode == "dual" and len(done) >= REQUIRED:
        differ = _differing(tool, {who: appraisers[who] for who in done})
        return ("discrepancies", done, "conflict") if differ else ("agreed", done, "include")
    return ("in_progress" if appraisers else "not_started"), done, "in_progress"


def _may_resolve(review: ReviewContext, actor: str, done: tuple[str, ...]) -> bool:
    """The arbiter and owner resolve; so do the two appraisers, by discussion, once both
    are done (the reference review's way)."""
    if allowed(review.role_of(actor), "conflict.resolve"):
        return True
    return len(done) >= REQUIRED and actor in done


def _view(
    review: ReviewContext, actor: str, study: Study, tool: Checklist, answers: Any
) -> AppraisalView:
    state, done, settled = _settle(review, tool, answers)
    may_resolve = _may_resolve(review, actor, done)
    judgements = [
        Judgement(who, "done" if who in done else "in progress")
        for who in sorted(answers)
        if who != CONSENSUS
    ]
    blind = review.protocol.appraisal.blind and review.protocol.appraisal.mode == "dual"
    shown = visibility(actor, judgements, blind=blind, state=settled, may_resolve=may_resolve)
    others = {j.reviewer: answers[j.reviewer] for j in shown if j.reviewer != actor}
    visible_done = {who: answers[who] for who in done if who == actor or who in others}
    return AppraisalView(
        study_id=study.id,
        study=study.label,
        checklist=tool,
        mode=review.protocol.appraisal.mode,
        state=state,
        mine=answers.get(actor, {}),
        others=others,
        done=done,
        consensus=answers.get(CONSENSUS, {}),
        discrepancies=_differing(tool, visible_done) if len(visible_done) >= REQUIRED else (),
        may_appraise=allowed(review.role_of(actor), "appraisal.appraise"),
        may_record_consensus=review.protocol.appraisal.mode == "dual"
        and state in ("discrepancies", "agreed", "consensus")
        and may_resolve,
    )


def appraisal_view(
    store: Store, review: ReviewContext, actor: str, study_id: int, tool_id: str
) -> AppraisalView:
    """The study's appraisal with ``tool_id`` as ``actor`` may see it."""
    review.require(actor, "records.view")
    tool = checklist(tool_id)
    with store.read() as session:
        study = study_by_id(session, review, study_id)
        return _view(review, actor, study, tool, _answers(session, review, study.id, tool.id))


def hidden_studies(
    store: Store, review: ReviewContext, actor: str, tool_id: str, reviewer: str
) -> set[str]:
    """The labels of the studies whose answers by ``reviewer`` ``actor`` may not see yet."""
    tool = checklist(tool_id)
    hidden = set()
    with store.read() as session:
        study_ids = session.scalars(
            select(AppraisalAnswer.study_id)
            .where(
                AppraisalAnswer.review_id == review.id,
                AppraisalAnswer.tool == tool.id,
                AppraisalAnswer.reviewer == reviewer,
            )
            .distinct()
        ).all()
        for study_id in study_ids:
            study = study_by_id(session, review, study_id)
            view = _view(review, actor, study, tool, _answers(session, review, study_id, tool.id))
            if reviewer not in view.others:
                hidden.add(study.label)
    return hidden


def _given(tool: Checklist, answers: Iterable[Answer], *, complete: bool) -> list[Answer]:
    """Answers with a value, checked against the tool; blank ones are left unanswered."""
    given = [a for a in answers if a.value.strip()]
    return list(validate_answers(tool, given, complete=complete).values())


def save_answers(
    store: Store,
    review: ReviewContext,
    actor: str,
    study_id: int,
    tool_id: str,
    answers: Iterable[Answer],
) -> AppraisalView:
    """Store ``actor``'s answers (all or none; unanswered items may follow later). In single
    mode they are also the consensus. Refused once a consensus is recorded in dual mode."""
    review.require(actor, "appraisal.appraise")
    tool = checklist(tool_id)
    given = _given(tool, answers, complete=False)
    single = review.protocol.appraisal.mode == "single"
    with store.write() as session:
        study = study_by_id(session, review, study_id)
        before = _answers(session, review, study.id, tool.id)
        if not single and _complete(tool, before.get(CONSENSUS, {})):
            raise InvalidInput(
                f"{study.label}: the consensus for {tool.name} is recorded; "
                "the arbiter or owner may change the consensus itself"
            )
        for answer in given:
            store_answer(session, review, actor, study, tool.id, actor, answer)
            if single:
                store_answer(session, review, actor, study, tool.id, CONSENSUS, answer)
        session.flush()
        return _view(review, actor, study, tool, _answers(session, review, study.id, tool.id))


def record_consensus(
    store: Store,
    review: ReviewContext,
    actor: str,
    study_id: int,
    tool_id: str,
    answers: Iterable[Answer],
) -> AppraisalView:
    """Store the agreed answer to every item, once both appraisers are done; by the arbiter,
    the owner, or one of the two appraisers."""
    review.require(actor, "records.view")
    tool = checklist(tool_id)
    given = _given(tool, answers, complete=True)
    with store.write() as session:
        study = study_by_id(session, review, study_id)
        state, done, _ = _settle(review, tool, _answers(session, review, study.id, tool.id))
        if review.protocol.appraisal.mode != "dual":
            raise InvalidInput("in single-appraiser mode the appraiser's answers are final")
        if state not in ("discrepancies", "agreed", "consensus"):
            raise InvalidInput(
                f"{study.label}: a consensus needs both appraisers to have answered every item "
                f"of {tool.name} first"
            )
        if not _may_resolve(review, actor, done):
            raise PermissionDenied(
                f"{actor} may not record the consensus: the arbiter, the owner or one of the "
                "two appraisers does"
            )
        for answer in given:
            store_answer(session, review, actor, study, tool.id, CONSENSUS, answer)
        session.flush()
        return _view(review, actor, study, tool, _answers(session, review, study.id, tool.id))


def appraisal_overview(
    store: Store, review: ReviewContext, actor: str
) -> dict[int, dict[str, str]]:
    """Per study id, the state of each tool it is appraised with (as ``actor`` may know it:
    no one's answers are shown here, only how far the work is)."""
    review.require(actor, "records.view")
    found: dict[int, dict[str, str]] = defaultdict(dict)
    with store.read() as session:
        pairs = session.execute(
            select(AppraisalAnswer.study_id, AppraisalAnswer.tool)
            .where(AppraisalAnswer.review_id == review.id)
            .distinct()
        ).all()
        for study_id, tool_id in sorted(pairs):
            try:
                tool = checklist(tool_id)
            except NotFound:
                continue
            state, _, _ = _settle(review, tool, _answers(session, review, study_id, tool_id))
            found[study_id][tool_id] = state
    return dict(found)


def tool_agreement(store: Store, review: ReviewContext, actor: str, tool_id: str) -> dict[str, Any]:
    """Agreement between each pair of appraisers over the items both answered, in the studies
    both finished (before any consensus): n, observed agreement, Cohen's kappa with 95 % CI,
    PABAK and Gwet's AC1. Blind appraisal shows it only to those who may resolve."""
    blind = review.protocol.appraisal.blind and review.protocol.appraisal.mode == "dual"
    review.require(actor, "conflict.resolve" if blind else "review.status")
    tool = checklist(tool_id)
    with store.read() as session:
        study_ids = session.scalars(
            select(AppraisalAnswer.study_id)
            .where(AppraisalAnswer.review_id == review.id, AppraisalAnswer.tool == tool.id)
            .distinct()
        ).all()
        by_study = {sid: _answers(session, review, sid, tool.id) for sid in sorted(study_ids)}
    finished = {
        sid: {who: a for who, a in answers.items() if who != CONSENSUS and _complete(tool, a)}
        for sid, answers in by_study.items()
    }
    appraisers = sorted({who for by in finished.values() for who in by})
    categories = tuple(dict.fromkeys(o.value for item in tool.items for o in item.options))
    pairs = []
    for a, b in combinations(appraisers, 2):
        first, second = [], []
        for by in finished.values():
            if a in by and b in by:
                for item in tool.items:
                    first.append(by[a][item.id].value)
                    second.append(by[b][item.id].value)
        result = pairwise(first, second, categories)
        if result.n:
            pairs.append({"appraiser_a": a, "appraiser_b": b, **asdict(result)})
    return {"tool": tool.id, "name": tool.name, "appraisers": appraisers, "pairs": pairs}
