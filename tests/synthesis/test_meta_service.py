"""Saved meta-analyses in a review: save, list, run, plot, delete; audited; permissions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sysreview.demo import DemoReview
from sysreview.errors import InvalidInput, PermissionDenied
from sysreview.services import audit, meta_analysis
from sysreview.services.extraction import extract
from sysreview.services.studies import create_study
from sysreview.synthesis.meta import effects_from_rows, read_csv
from sysreview.synthesis.meta import meta_analysis as pool

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meta"
BCG = (FIXTURES / "bcg.csv").read_text()


def test_a_saved_table_analysis_checks_runs_plots_and_is_audited(demo: DemoReview) -> None:
    store, review = demo.store, demo.review
    bad_table = BCG.replace("Aronson 1948,4,", "Aronson 1948,four,")
    with pytest.raises(InvalidInput, match="Aronson 1948.*events_treatment"):
        meta_analysis.save_analysis(
            store, review, "hp", "bad", {"measure": "RR", "source": "table", "table": bad_table}
        )
    with pytest.raises(InvalidInput, match="no field 'nope'"):
        meta_analysis.save_analysis(
            store,
            review,
            "hp",
            "bad",
            {"measure": "GEN", "source": "extraction", "fields": {"effect": "nope", "se": "year"}},
        )
    with pytest.raises(PermissionDenied):
        meta_analysis.save_analysis(
            store, review, "stranger", "x", {"measure": "RR", "source": "table", "table": BCG}
        )
    assert meta_analysis.list_analyses(store, review, "hp") == []  # nothing half-written
    spec = {"measure": "rr", "method": "DL", "source": "table", "table": BCG}
    saved = meta_analysis.save_analysis(store, review, "hp", "BCG vaccine", spec)
    assert saved.spec["measure"] == "RR" and saved.created_by == "hp"
    assert [a.name for a in meta_analysis.list_analyses(store, review, "ln")] == ["BCG vaccine"]
    run = meta_analysis.run_analysis(store, review, "ln", "BCG vaccine")
    expected = pool(effects_from_rows("RR", read_csv(FIXTURES / "bcg.csv")), "DL")
    assert run.result.estimate == pytest.approx(expected.estimate)
    assert round(run.result.estimate, 4) == -0.7141  # metafor, see test_meta_metafor
    assert run.subgroups is not None and run.subgroups.df == 2
    svg = meta_analysis.analysis_figure(store, review, "ln", "BCG vaccine", "forest")
    assert b"TPT Madras 1980" in svg
    meta_analysis.save_analysis(store, review, "hp", "BCG vaccine", spec | {"method": "REML"})
    entries = [e for e in audit.list_audit(store, review, "hp") if e["action"] == "meta.save"]
    assert len(entries) == 2
    assert json.loads(entries[-1]["old_value"])["spec"]["method"] == "DL"
    assert json.loads(entries[-1]["new_value"])["spec"]["method"] == "REML"
    meta_analysis.delete_analysis(store, review, "hp", "BCG vaccine")
    assert meta_analysis.list_analyses(store, review, "hp") == []


def test_an_extraction_analysis_reads_the_settled_values(demo: DemoReview) -> None:
    store, review = demo.store, demo.review
    years = {"Study A": "2010", "Study B": "2015", "Study C": "2020"}
    for label, year in years.items():
        create_study(store, review, "hp", label, [])
        extract(store, review, "hp", label, "year", year)
        extract(store, review, "hp", label, "country", "Canada")
    create_study(store, review, "hp", "Study D", [])  # nothing extracted: left out
    extract(store, review, "hp", "Study A", "design", "Quantitative")
    spec = {
        "measure": "GEN",
        "method": "FE",
        "source": "extraction",
        "fields": {"effect": "year", "variance": "year"},
        "subgroup_field": "design",
    }
    meta_analysis.save_analysis(store, review, "hp", "years", spec)
    run = meta_analysis.run_analysis(store, review, "hp", "years")
    assert run.effects.studies == ("Study A", "Study B", "Study C")
    assert run.effects.groups == ("Quantitative", "", "")
    values = np.array([float(y) for y in years.values()])
    # with effect = variance = year, the inverse-variance mean is k / sum(1/year)
    assert run.result.estimate == pytest.approx(len(values) / np.sum(1 / values))
    extract(store, review, "hp", "Study B", "year", "")  # its only field now empty: left out
    assert meta_analysis.run_analysis(store, review, "hp", "years").effects.k == 2
    text = {"measure": "GEN", "source": "extraction", "fields": {"effect": "country", "se": "year"}}
    meta_analysis.save_analysis(store, review, "hp", "text", text)
    with pytest.raises(InvalidInput, match=r"study 'Study B': field year \(se\) is empty"):
        meta_analysis.run_analysis(store, review, "hp", "text")  # country given, year not
    extract(store, review, "hp", "Study B", "year", "2015")
    with pytest.raises(InvalidInput, match=r"study 'Study A', column effect: .* is not a number"):
        meta_analysis.run_analysis(store, review, "hp", "text")
