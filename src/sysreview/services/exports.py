"""Exporting a selection of a review's records, with its decisions as columns.

Exports carry each stage's *outcome* (include, exclude, conflict…), never an individual
reviewer's vote, so an export cannot break blinding. CSV and XLSX cells are neutralised against
formula injection by the writers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sysreview.errors import InvalidInput
from sysreview.formats import EXPORT_FORMATS, write_records
from sysreview.records import Record
from sysreview.services.reviews import ReviewContext
from sysreview.services.screening import (
    StageStates,
    exclusion_reasons,
    may_resolve,
    stage_states,
)
from sysreview.store.engine import Store
from sysreview.store.models import SearchEvent, StoredRecord

OUTCOME_WORDS = {"include": "included", "exclude": "excluded", "conflict": "conflicts"}


def _visible_outcomes(states: StageStates, review: ReviewContext, actor: str) -> StageStates:
    """Each stage's states as ``actor`` may know them: in a blind stage a viewer who may not
    resolve conflicts sees settled outcomes only, so an export cannot reveal pending votes."""
    resolver = may_resolve(review, actor)
    shown: StageStates = {}
    for stage in review.protocol.stages:
        hidden = stage.blind and not resolver
        shown[stage.name] = {
            record_id: state
            for record_id, state in states[stage.name].items()
            if not hidden or state in ("include", "exclude")
        }
    return shown


@dataclass(frozen=True)
class Selection:
    """Which records to export: ``all``, ``source:NAME`` or ``STAGE:included|excluded|…``."""

    kind: str
    value: str = ""
    stage: str = ""

    @classmethod
    def parse(cls, text: str, review: ReviewContext) -> Selection:
        if text == "all":
            return cls("all")
        head, _, tail = text.partition(":")
        if head == "source" and tail:
            return cls("source", tail)
        stages = [s.name for s in review.protocol.stages]
        wanted = {v: k for k, v in OUTCOME_WORDS.items()}
        if head in stages and tail in wanted:
            return cls("outcome", wanted[tail], head)
        raise InvalidInput(
            f"cannot select {text!r}: use 'all', 'source:NAME', or STAGE:included, "
            f"STAGE:excluded or STAGE:conflicts with STAGE one of {', '.join(stages)}"
        )


def export_records(
    store: Store, review: ReviewContext, actor: str, fmt: str, selection: str = "all"
) -> tuple[bytes, int]:
    """The selected records in ``fmt`` and how many there are."""
    review.require(actor, "records.export")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"export formats are {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    chosen = Selection.parse(selection, review)
    with store.read() as session:
        outcomes = _visible_outcomes(stage_states(session, review), review, actor)
        reasons = exclusion_reasons(session, review)
        query = (
            select(StoredRecord.id, StoredRecord.data, SearchEvent.source)
            .join(SearchEvent, SearchEvent.id == StoredRecord.search_event_id)
            .where(StoredRecord.review_id == review.id)
            .order_by(StoredRecord.id)
        )
        if chosen.kind == "source":
            query = query.where(SearchEvent.source == chosen.value)
        records: list[Record] = []
        extra: list[dict[str, str]] = []
        for record_id, data, source in session.execute(query):
            if chosen.kind == "outcome" and outcomes[chosen.stage].get(record_id) != chosen.value:
                continue
            records.append(Record.from_dict(data))
            columns = {"sysreview_id": str(record_id), "sysreview_source": source}
            for stage in review.protocol.stages:
                columns[f"{stage.name}_decision"] = outcomes[stage.name].get(record_id, "")
                columns[f"{stage.name}_reasons"] = reasons.get(stage.name, {}).get(record_id, "")
            extra.append(columns)
    return write_records(records, fmt, extra), len(records)
