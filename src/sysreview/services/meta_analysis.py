"""Saved meta-analyses: a re-runnable spec per analysis, run on the review's current data.

A spec says where the numbers come from, the measure, the model and its options::

    {"measure": "RR", "method": "REML", "knapp_hartung": false, "add": 0.5,
     "source": "extraction",
     "fields": {"events_treatment": "ev_t", "total_treatment": "n_t", ...},
     "subgroup_field": "design"}

or, for numbers kept outside the extraction form, ``"source": "table"`` with the CSV text in
``"table"`` (the columns of ``sysreview synthesis meta``). Running an analysis reads the settled
extraction values as they are now, so a report regenerates it. Saving checks the spec whole and
writes it with one audit entry in one transaction; running and plotting only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InvalidInput, NotFound
from sysreview.services.extraction import form_field, settled_value, values_of
from sysreview.services.reviews import ReviewContext
from sysreview.store.audit import record_change
from sysreview.store.engine import Store
from sysreview.store.models import MetaAnalysis, Study
from sysreview.synthesis import meta as ma
from sysreview.synthesis.meta.effects import COLUMNS, kind_of

SOURCES = ("extraction", "table")
PLOTS = ("forest", "funnel")


@dataclass(frozen=True)
class SavedAnalysis:
    name: str
    spec: dict[str, Any]
    created_by: str
    updated_at: datetime


@dataclass(frozen=True)
class AnalysisRun:
    name: str
    spec: dict[str, Any]
    effects: ma.EffectSizes
    result: ma.MetaResult
    subgroups: ma.SubgroupAnalysis | None
    checks: ma.Robustness | None = None


def _needed_columns(measure: str, fields: dict[str, Any]) -> tuple[str, ...]:
    columns = COLUMNS[kind_of(measure)]
    if measure == "GEN" and "se" not in fields and "variance" in fields:
        return ("effect", "variance")
    return columns


def check_spec(review: ReviewContext, spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with defaults filled in, or InvalidInput naming the first thing wrong."""
    if not isinstance(spec, dict):
        raise InvalidInput("a meta-analysis spec is a JSON object")
    measure = str(spec.get("measure", "")).upper()
    kind_of(measure)
    method = str(spec.get("method", "REML")).upper()
    if method not in ma.METHODS:
        raise InvalidInput(f"unknown method {method!r}; choose one of {', '.join(ma.METHODS)}")
    source = spec.get("source")
    if source not in SOURCES:
        raise InvalidInput(f"the spec's source is 'extraction' or 'table', not {source!r}")
    checked: dict[str, Any] = {
        "measure": measure,
        "method": method,
        "knapp_hartung": bool(spec.get("knapp_hartung", False)),
        "add": float(spec.get("add", 0.5)),
        "source": source,
    }
    if source == "table":
        table = spec.get("table")
        if not isinstance(table, str) or not table.strip():
            raise InvalidInput("a table source needs the CSV text in 'table'")
        ma.effects_from_rows(measure, ma.parse_csv(table, "table"), source="table")
        checked["table"] = table
        return checked
    fields = spec.get("fields")
    if not isinstance(fields, dict):
        raise InvalidInput("an extraction source needs 'fields': input column -> form field")
    for column in _needed_columns(measure, fields):
        if column not in fields:
            raise InvalidInput(f"measure {measure} needs a form field for the column {column!r}")
        if form_field(review, str(fields[column])).type == "group":
            raise InvalidInput(f"column {column!r}: a group field cannot give one number")
    checked["fields"] = {c: str(fields[c]) for c in _needed_columns(measure, fields)}
    if spec.get("subgroup_field"):
        checked["subgroup_field"] = form_field(review, str(spec["subgroup_field"])).id
    return checked


def _row(
    session: Session, review: ReviewContext, study: Study, spec: dict[str, Any]
) -> dict[str, str] | None:
    """A study's input row from its settled extraction values; None if it has none of them."""
    values = values_of(session, review, study.id)
    workflow = review.protocol.extraction.workflow
    row = {"study": study.label}
    for column, field in spec["fields"].items():
        value = settled_value(values.get(field, []), workflow)
        if not isinstance(value, str):
            raise InvalidInput(f"study {study.label!r}, field {field}: holds several values")
        row[column] = value
    if not any(row[c] for c in spec["fields"]):
        return None
    if spec.get("subgroup_field"):
        group = settled_value(values.get(spec["subgroup_field"], []), workflow)
        row["subgroup"] = group if isinstance(group, str) else "; ".join(map(str, group))
    return row


def _rows(session: Session, review: ReviewContext, spec: dict[str, Any]) -> list[dict[str, str]]:
    if spec["source"] == "table":
        return ma.parse_csv(spec["table"], "table")
    studies = session.scalars(
        select(Study).where(Study.review_id == review.id).order_by(Study.label)
    ).all()
    rows = [row for study in studies if (row := _row(session, review, study, spec)) is not None]
    for row in rows:
        for column, field in spec["fields"].items():
            if not row[column]:
                raise InvalidInput(f"study {row['study']!r}: field {field} ({column}) is empty")
    return rows


def _saved(row: MetaAnalysis) -> SavedAnalysis:
    return SavedAnalysis(row.name, dict(row.spec), row.created_by, row.updated_at)


def _find(session: Session, review: ReviewContext, name: str) -> MetaAnalysis:
    row = session.scalar(
        select(MetaAnalysis).where(MetaAnalysis.review_id == review.id, MetaAnalysis.name == name)
    )
    if row is None:
        raise NotFound(f"review {review.slug!r} has no meta-analysis {name!r}")
    return row


def save_analysis(
    store: Store, review: ReviewContext, actor: str, name: str, spec: dict[str, Any]
) -> SavedAnalysis:
    """Create or replace the named analysis; the spec is checked whole before anything is
    written, and the change is audited in the same transaction."""
    review.require(actor, "synthesis.meta")
    name = name.strip()
    if not name or len(name) > 200 or "/" in name:
        raise InvalidInput("a meta-analysis needs a name of 1 to 200 characters, without '/'")
    checked = check_spec(review, spec)
    with store.write() as session:
        row = session.scalar(
            select(MetaAnalysis).where(
                MetaAnalysis.review_id == review.id, MetaAnalysis.name == name
            )
        )
        old = None if row is None else dict(row.spec)
        if row is None:
            row = MetaAnalysis(review_id=review.id, name=name, created_by=actor)
            session.add(row)
        row.spec, row.updated_at = checked, datetime.now(UTC)
        session.flush()
        record_change(
            session,
            actor=actor,
            action="meta.save",
            entity="meta_analysis",
            entity_id=row.id,
            review_id=review.id,
            old=old and {"name": name, "spec": old},
            new={"name": name, "spec": checked},
        )
        return _saved(row)


def delete_analysis(store: Store, review: ReviewContext, actor: str, name: str) -> None:
    """Remove the named analysis, with an audit entry holding its spec."""
    review.require(actor, "synthesis.meta")
    with store.write() as session:
        row = _find(session, review, name)
        record_change(
            session,
            actor=actor,
            action="meta.delete",
            entity="meta_analysis",
            entity_id=row.id,
            review_id=review.id,
            old={"name": row.name, "spec": row.spec},
        )
        session.delete(row)


def list_analyses(store: Store, review: ReviewContext, actor: str) -> list[SavedAnalysis]:
    """The review's saved analyses by name."""
    review.require(actor, "records.view")
    with store.read() as session:
        rows = session.scalars(
            select(MetaAnalysis)
            .where(MetaAnalysis.review_id == review.id)
            .order_by(MetaAnalysis.name)
        ).all()
        return [_saved(row) for row in rows]


def run_analysis(
    store: Store, review: ReviewContext, actor: str, name: str, *, checks: bool = False
) -> AnalysisRun:
    """Run the saved spec on the review's current data; ``checks`` adds leave-one-out, Egger's
    test and trim-and-fill."""
    review.require(actor, "records.view")
    with store.read() as session:
        spec = dict(_find(session, review, name).spec)
        rows = _rows(session, review, spec)
    source = "table" if spec["source"] == "table" else "extraction data"
    effects = ma.effects_from_rows(spec["measure"], rows, source=source, add=spec["add"])
    options = {"knapp_hartung": spec["knapp_hartung"]}
    result = ma.meta_analysis(effects, spec["method"], **options)
    groups = {g for g in effects.groups or () if g}
    subgroups = (
        ma.subgroup_analysis(effects, spec["method"], **options) if len(groups) > 1 else None
    )
    robust = ma.robustness(effects, spec["method"], **options) if checks else None
    return AnalysisRun(name, spec, effects, result, subgroups, robust)


def analysis_figure(
    store: Store, review: ReviewContext, actor: str, name: str, plot: str, fmt: str = "svg"
) -> bytes:
    """The forest or funnel plot of a saved analysis as SVG, PNG or PDF bytes."""
    if plot not in PLOTS:
        raise InvalidInput(f"unknown plot {plot!r}; choose forest or funnel")
    run = run_analysis(store, review, actor, name)
    if plot == "forest":
        return ma.forest_plot(run.result, subgroups=run.subgroups, fmt=fmt)
    return ma.funnel_plot(run.result, fmt=fmt)
