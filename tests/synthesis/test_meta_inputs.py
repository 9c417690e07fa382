"""Bad input is refused whole with the study and the column named; plots; the CLI; properties."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.meta_analysis import combine_effects
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InvalidInput
from sysreview.synthesis.meta import (
    effects_from_rows,
    egger_test,
    forest_plot,
    funnel_plot,
    meta_analysis,
    read_csv,
    subgroup_analysis,
    trim_and_fill,
)
from sysreview.synthesis.meta.effects import generic_effects

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meta"
BINARY = "study,events_treatment,total_treatment,events_control,total_control\n"
SVG = "{http://www.w3.org/2000/svg}"


def _rows(text: str) -> list[dict[str, str]]:
    from sysreview.synthesis.meta import parse_csv

    return parse_csv(text, "t.csv")


@pytest.mark.parametrize(
    ("measure", "text", "study", "column"),
    [
        ("RR", BINARY + "A,0,10,0,12\nB,1,10,2,10\n", "'A'", "events_treatment and events_control"),
        ("OR", BINARY + "A,1,10,2,12\nB,x,10,2,10\n", "'B'", "column events_treatment"),
        ("RD", BINARY + "A,12,10,2,12\nB,1,10,2,10\n", "'A'", "column events_treatment"),
        (
            "MD",
            "study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_control,n_control\n"
            "A,1,0,10,2,1,10\nB,1,1,10,2,1,10\n",
            "'A'",
            "column sd_treatment",
        ),
        ("GEN", "study,effect,variance\nA,0.1,-0.2\nB,0.2,0.1\n", "'A'", "column variance"),
        ("GEN", "study,effect,se\nA,0.1,0.2\nB,,0.1\n", "'B'", "column effect"),
        ("ZCOR", "study,r,n\nA,1.2,30\nB,0.1,30\n", "'A'", "column r"),
    ],
)
def test_bad_cells_name_the_study_and_column(
    measure: str, text: str, study: str, column: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        effects_from_rows(measure, _rows(text), source="t.csv")
    assert study in str(caught.value) and column in str(caught.value)
    assert str(caught.value).startswith("t.csv: row")


def test_one_study_and_missing_columns_are_refused() -> None:
    one = effects_from_rows("RR", _rows(BINARY + "Solo,1,10,2,10\n"))
    with pytest.raises(InvalidInput, match=r"only one study \(Solo\)"):
        meta_analysis(one, "DL")
    with pytest.raises(InvalidInput, match="needs the column"):
        effects_from_rows("MD", _rows(BINARY + "A,1,10,2,10\n"))
    with pytest.raises(InvalidInput, match="Mantel-Haenszel"):
        meta_analysis(effects_from_rows("GEN", read_csv(FIXTURES / "kacker2004.csv")), "MH")


def test_zero_cell_gets_half_added_only_to_its_own_table() -> None:
    data = effects_from_rows("OR", _rows(BINARY + "A,0,10,3,10\nB,2,10,4,10\n"))
    assert data.corrected == ("A",)
    assert data.yi[0] == pytest.approx(np.log((0.5 / 10.5) / (3.5 / 7.5)))
    assert data.yi[1] == pytest.approx(np.log((2 / 8) / (4 / 6)))
    with pytest.raises(InvalidInput, match="'A'"):
        effects_from_rows("OR", _rows(BINARY + "A,0,10,3,10\nB,2,10,4,10\n"), add=0)


def test_cli_prints_the_promised_json_keys(tmp_path: Path) -> None:
    forest, funnel = tmp_path / "f.svg", tmp_path / "fu.png"
    result = CliRunner().invoke(
        app,
        [
            "synthesis",
            "meta",
            str(FIXTURES / "bcg.csv"),
            "--measure",
            "RR",
            "--method",
            "DL",
            "--json",
            "--forest",
            str(forest),
            "--funnel",
            str(funnel),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    keys = [
        "k",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "tau2",
        "i2",
        "h2",
        "q",
        "q_p",
        "pi_lower",
        "pi_upper",
    ]
    assert list(data)[: len(keys)] == keys
    assert data["k"] == 13 and round(data["estimate"], 4) == -0.7141  # log scale
    assert {"effect", "variance", "weight"} <= set(data["per_study"][0])
    assert sum(r["weight"] for r in data["per_study"]) == pytest.approx(100)
    assert data["subgroups"]["df"] == 2
    assert forest.read_bytes().startswith(b"<?xml") and funnel.read_bytes()[:4] == b"\x89PNG"


def test_cli_bad_input_writes_nothing_and_fails(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text(BINARY + "A,0,10,0,12\nB,1,10,2,10\n")
    forest = tmp_path / "forest.svg"
    from sysreview.cli import main

    with pytest.raises(SystemExit) as exit_info:
        import sys

        sys.argv = ["sysreview", "synthesis", "meta", str(table), "--forest", str(forest)]
        main()
    assert exit_info.value.code != 0
    assert not forest.exists()


def test_forest_svg_has_a_row_per_study_and_is_deterministic() -> None:
    data = effects_from_rows("RR", read_csv(FIXTURES / "bcg.csv"))
    res = meta_analysis(data, "REML")
    svg = forest_plot(res, subgroups=subgroup_analysis(data, "REML"))
    assert svg == forest_plot(res, subgroups=subgroup_analysis(data, "REML"))
    texts = [t.text or "" for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]
    assert all(study in texts for study in data.studies)
    assert sum(bool(re.search(r"\] +\d+\.\d%$", t)) for t in texts) == data.k
    assert "Prediction interval" in texts and "Subtotal: systematic" in texts
    assert funnel_plot(res, fmt="pdf").startswith(b"%PDF")


def test_dl_agrees_with_statsmodels_and_truncates_at_zero() -> None:
    data = effects_from_rows("GEN", read_csv(FIXTURES / "kacker2004.csv"))
    ours = meta_analysis(data, "DL")
    theirs = combine_effects(data.yi, data.vi, method_re="dl")
    assert ours.estimate == pytest.approx(theirs.mean_effect_re)
    homogeneous = generic_effects(("a", "b", "c"), np.array([0.1, 0.1, 0.1]), np.array([1.0, 1, 1]))
    assert meta_analysis(homogeneous, "DL").tau2 == 0.0


def test_egger_fixed_effect_slope_is_the_weighted_regression_slope() -> None:
    data = effects_from_rows("RR", read_csv(FIXTURES / "bcg.csv"))
    test = egger_test(data, "FE")
    x = np.column_stack([np.ones(data.k), np.sqrt(data.vi)])
    wls = WLS(data.yi, x, weights=1 / data.vi).fit()
    assert test.slope == pytest.approx(wls.params[1])
    assert test.se == pytest.approx(wls.bse[1] / np.sqrt(wls.scale))


def test_trim_and_fill_fills_a_trimmed_funnel_and_leaves_a_symmetric_one() -> None:
    se = np.array([0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.4])
    symmetric = generic_effects(
        tuple("abcdefgh"), np.array([0.05, 0.12, 0.21, 0.33, -0.06, -0.11, -0.2, -0.31]), se**2
    )
    assert trim_and_fill(symmetric, "FE").k0 == 0
    lopsided = generic_effects(
        tuple("abcdefg"),
        np.array([0.0, 0.3, 0.5, 0.7, 0.9, 1.1, 0.05]),
        np.array([0.05, 0.2, 0.3, 0.4, 0.45, 0.5, 0.06]) ** 2,
    )
    filled = trim_and_fill(lopsided, "FE")
    assert filled.side == "left" and filled.k0 > 0
    assert filled.adjusted.estimate < meta_analysis(lopsided, "FE").estimate
    assert filled.adjusted.k == lopsided.k + filled.k0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-3, 3), st.floats(0.01, 2)), min_size=2, max_size=12),
    st.sampled_from(["FE", "DL", "REML", "PM"]),
)
def test_pooled_estimate_lies_within_the_studies_and_intervals_nest(
    studies: list[tuple[float, float]], method: str
) -> None:
    y = np.array([s[0] for s in studies])
    v = np.array([s[1] for s in studies])
    res = meta_analysis(generic_effects(tuple(map(str, range(len(y)))), y, v), method)
    assert y.min() - 1e-9 <= res.estimate <= y.max() + 1e-9
    assert res.tau2 >= 0 and 0 <= res.i2 <= 100 and res.h2 >= 0
    if method != "FE":
        assert res.h2 >= 1 - 1e-9
    assert res.pi_lower <= res.ci_lower + 1e-12 and res.ci_upper <= res.pi_upper + 1e-12
    if res.tau2_ci is not None:
        assert res.tau2_ci[0] <= res.tau2_ci[1]


def test_cli_sensitivity_adds_leave_one_out_egger_and_trim_and_fill() -> None:
    args = ["synthesis", "meta", str(FIXTURES / "bcg.csv"), "--method", "REML", "--sensitivity"]
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)
    first = data["leave_one_out"][0]
    # metafor test_misc_influence.r: leave1out(rma(yi, vi))[1] on the BCG log risk ratios
    assert first["study"] == "Aronson 1948" and abs(first["estimate"] - -0.707083788031436) < 5e-5
    assert len(data["leave_one_out"]) == 13
    assert {"slope", "p_value"} <= set(data["egger"]) and data["trim_and_fill"]["k0"] >= 0
    text = CliRunner().invoke(app, args).output
    assert "Egger's test" in text and "without TPT Madras 1980" in text
