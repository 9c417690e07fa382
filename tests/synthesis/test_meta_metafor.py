"""Pooled results agree with R's metafor to the places it publishes (see fixtures/meta/README.md).

Every expected number below is copied from a published metafor output: its own test suite
(wviechtb/metafor tests/testthat/*.r, which checks metafor against papers and Stata's metan) or
metafor results stored by statsmodels' test suite. None is computed here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sysreview.synthesis.meta import (
    effects_from_rows,
    egger_test,
    leave_one_out,
    meta_analysis,
    read_csv,
    subgroup_analysis,
    trim_and_fill,
)
from sysreview.synthesis.meta.effects import EffectSizes

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meta"


def agrees(ours: float, published: float, places: int = 4) -> bool:
    """Equal at the published precision: within half a unit of its last place."""
    return abs(ours - published) <= 0.5 * 10**-places + 1e-12


def effects(name: str, measure: str) -> EffectSizes:
    return effects_from_rows(measure, read_csv(FIXTURES / f"{name}.csv"))


# test_misc_metan_vs_rma.uni_with_dat.bcg.r: estimate, ci.lb, ci.ub, zval, QE, tau2, I2
BCG_UNI = {
    ("RR", "FE"): (-0.4303, -0.5097, -0.3509, -10.6247, 152.2330, None, None),
    ("RR", "DL"): (-0.7141, -1.0644, -0.3638, -3.9952, None, 0.3088, 92.1173),
    ("OR", "FE"): (-0.4361, -0.5190, -0.3533, -10.3190, 163.1649, None, None),
    ("OR", "DL"): (-0.7474, -1.1242, -0.3706, -3.8873, None, 0.3663, 92.6455),
    ("RD", "FE"): (-0.0009, -0.0014, -0.0005, -4.0448, 276.4737, None, None),
    ("RD", "DL"): (-0.0071, -0.0101, -0.0040, -4.5128, None, 0.0000, 95.6596),
    # test_misc_metan_vs_rma.mh_with_dat.bcg.r (rma.mh)
    ("RR", "MH"): (-0.4537, -0.5308, -0.3766, -11.5338, 152.5676, None, None),
    ("OR", "MH"): (-0.4734, -0.5538, -0.3930, -11.5444, 163.9426, None, None),
    ("RD", "MH"): (-0.0033, -0.0039, -0.0027, -11.4708, 386.7759, None, None),
}


@pytest.mark.parametrize(("measure", "method"), list(BCG_UNI))
def test_bcg_trials_match_metafor(measure: str, method: str) -> None:
    res = meta_analysis(effects("bcg", measure), method)
    est, lo, hi, z, q, tau2, i2 = BCG_UNI[(measure, method)]
    assert agrees(res.estimate, est) and agrees(res.ci_lower, lo) and agrees(res.ci_upper, hi)
    assert agrees(res.statistic, z)
    assert agrees(res.se, res.estimate / res.statistic)
    if q is not None:
        assert agrees(res.q, q)
    if tau2 is not None:
        assert agrees(res.tau2, tau2) and agrees(res.i2, i2)


def test_bcg_back_transformed_estimates_match_metafor() -> None:
    # predict(res, transf=exp) in the same metafor test files
    for method, expected in (
        ("FE", (0.6503, 0.6007, 0.7040)),
        ("DL", (0.4896, 0.3449, 0.6950)),
        ("MH", (0.6353, 0.5881, 0.6862)),
    ):
        shown = meta_analysis(effects("bcg", "RR"), method).display()
        got = (shown["estimate"], shown["ci_lower"], shown["ci_upper"])
        assert all(agrees(a, b) for a, b in zip(got, expected, strict=True)), method


def test_bcg_escalc_matches_metafor() -> None:
    # test_misc_escalc.r: yi[1], vi[1] for RR; summary() sei[1] for OR
    rr, odds = effects("bcg", "RR"), effects("bcg", "OR")
    assert agrees(rr.yi[0], -0.8893) and agrees(rr.vi[0], 0.3256)
    assert agrees(float(np.sqrt(odds.vi[0])), 0.5976)


def test_bcg_heterogeneity_confidence_intervals_match_metafor_confint() -> None:
    # test_misc_confint.r: confint(rma(..., method="DL")) for the log RR
    res = meta_analysis(effects("bcg", "RR"), "DL")
    assert res.tau2_ci is not None and res.i2_ci is not None and res.h2_ci is not None
    assert agrees(res.tau2_ci[0], 0.1197) and agrees(res.tau2_ci[1], 1.1115)
    assert agrees(res.h2, 12.6861)
    # metafor solves the Q-profile with uniroot's default tolerance (about 1e-4 on tau²); the
    # I² and H² bounds derived from it therefore differ from the exact root in the third place.
    assert res.i2_ci[0] == pytest.approx(81.9177, abs=5e-3)
    assert agrees(res.i2_ci[1], 97.6781)
    assert res.h2_ci[0] == pytest.approx(5.5303, abs=1e-3)
    assert res.h2_ci[1] == pytest.approx(43.0680, abs=1e-3)


def test_bcg_reml_and_leave_one_out_match_metafor() -> None:
    # test_misc_influence.r: rma(yi, vi) (REML) on the log RR, and leave1out(res)[1]
    full = meta_analysis(effects("bcg", "RR"), "REML")
    assert full.tau2 == pytest.approx(0.313243325980895, abs=1e-6)
    assert full.q == pytest.approx(152.233008082373, abs=1e-6)
    first = leave_one_out(effects("bcg", "RR"), "REML")[0]
    assert first.study == "Aronson 1948"
    r = first.result
    expected = {
        "estimate": -0.707083788031436,
        "se": 0.189961024702717,
        "ci_lower": -1.07940055491509,
        "ci_upper": -0.334767021147788,
        "q": 151.582572747109,
        "tau2": 0.336156745300306,
        "i2": 93.2259349111223,
        "h2": 14.762184698253,
    }
    for name, value in expected.items():
        assert agrees(getattr(r, name), value), name
    mh = leave_one_out(effects("bcg", "RR"), "MH")[0].result
    assert mh.estimate == pytest.approx(-0.451379469928476, abs=1e-9)
    assert mh.se == pytest.approx(0.0394350331703394, abs=1e-9)
    assert mh.q == pytest.approx(151.915260738878, abs=1e-6)
    assert mh.i2 == pytest.approx(92.7591211399706, abs=1e-6)


# statsmodels/stats/tests/results/results_meta.py: rma(y, v, method=..., test=...) on the
# Kacker (2004) data, metafor output at full precision (tol=1e-9).
KACKER = {
    ("PM", False): (
        62.4076199113286,
        0.338030602684471,
        61.7450921043947,
        63.0701477182625,
        0.705395309224248,
        83.7218626490482,
        6.14320900751909,
    ),
    ("DL", False): (
        62.3901386044504,
        0.245749668040304,
        61.9084781058787,
        62.8717991030221,
        0.288049246973751,
        67.744403741711,
        3.10023721772938,
    ),
    ("DL", True): (
        62.3901386044504,
        0.29477605699879,
        61.710383798052,
        63.0698934108488,
        0.288049246973751,
        67.744403741711,
        3.10023721772938,
    ),
    ("FE", False): (
        62.5833970939982,
        0.107845705498231,
        62.3720233953344,
        62.7947707926621,
        0.0,
        67.744403741711,
        3.10023721772938,
    ),
    ("FE", True): (
        62.5833970939982,
        0.189889223522271,
        62.1455117593252,
        63.0212824286713,
        0.0,
        67.744403741711,
        3.10023721772938,
    ),
}


@pytest.mark.parametrize(("method", "knha"), list(KACKER))
def test_kacker_generic_effects_match_metafor_with_and_without_knapp_hartung(
    method: str, knha: bool
) -> None:
    res = meta_analysis(effects("kacker2004", "GEN"), method, knapp_hartung=knha)
    est, se, lo, hi, tau2, i2, h2 = KACKER[(method, knha)]
    for ours, theirs in (
        (res.estimate, est),
        (res.se, se),
        (res.ci_lower, lo),
        (res.ci_upper, hi),
        (res.tau2, tau2),
        (res.i2, i2),
        (res.h2, h2),
    ):
        assert agrees(ours, theirs, places=6)
    assert agrees(res.q, 24.801897741835, places=6)
    assert agrees(res.q_p, 0.00167935146372742, places=8)


def test_raudenbush_reml_prediction_interval_and_knapp_hartung_match_metafor() -> None:
    data = effects("raudenbush1985", "GEN")
    # test_analysis_example_raudenbush1985.r (4 places)
    res = meta_analysis(data, "REML")
    assert agrees(res.tau2, 0.0188) and agrees(res.estimate, 0.0837)
    assert agrees(res.q, 35.8295) and agrees(res.statistic, 1.6208)
    # test_analysis_example_raudenbush2009.r: predict(res.RE) cr.lb/cr.ub, Table 16.3 (3 places)
    assert agrees(res.pi_lower, -0.204, 3) and agrees(res.pi_upper, 0.371, 3)
    table = {  # method: (tau2, mu, se, z, ci.lb, ci.ub), without and with test="knha"
        ("FE", False): (0, 0.06, 0.036, 1.655, -0.011, 0.132),
        ("REML", False): (0.019, 0.084, 0.052, 1.621, -0.018, 0.185),
        ("DL", False): (0.026, 0.089, 0.056, 1.601, -0.02, 0.199),
        ("FE", True): (0, 0.06, 0.051, 1.173, -0.048, 0.168),
        ("REML", True): (0.019, 0.084, 0.062, 1.359, -0.046, 0.213),
        ("DL", True): (0.026, 0.089, 0.064, 1.405, -0.044, 0.223),
    }
    for (method, knha), expected in table.items():
        r = meta_analysis(data, method, knapp_hartung=knha)
        got = (r.tau2, r.estimate, r.se, r.statistic, r.ci_lower, r.ci_upper)
        assert all(agrees(a, b, 3) for a, b in zip(got, expected, strict=True)), (method, knha)


def test_clasp_tau_estimators_match_metafor() -> None:
    # test_analysis_example_dersimonian2007.r: tau, mu, se for PM, DL and REML (log OR)
    data = effects("clasp", "OR")
    for method, (tau, mu, se) in {
        "PM": (0.3681, -0.3811, 0.2060),
        "DL": (0.2323, -0.3240, 0.1540),
        "REML": (0.1843, -0.2980, 0.1343),
    }.items():
        r = meta_analysis(data, method)
        assert agrees(np.sqrt(r.tau2), tau) and agrees(r.estimate, mu) and agrees(r.se, se)


def _normand_pooled_sd_rows() -> list[dict[str, str]]:
    rows = read_csv(FIXTURES / "normand1999.csv")
    for row in rows:
        n1, n2 = float(row["n_treatment"]), float(row["n_control"])
        s1, s2 = float(row["sd_treatment"]), float(row["sd_control"])
        pooled = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
        row["sd_treatment"] = row["sd_control"] = repr(float(pooled))
    return rows


def test_normand_mean_differences_match_metafor() -> None:
    # test_analysis_example_normand1999.r: MD with the pooled SD in both arms, Tables VIII-IX
    data = effects_from_rows("MD", _normand_pooled_sd_rows())
    assert list(data.yi) == [-20, -2, -55, -71, -4, 1, 11, -10, 7]
    vi = [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69]
    assert all(agrees(a, b, 2) for a, b in zip(data.vi, vi, strict=True))
    for method, (est, lo, hi, tau2) in {
        "FE": (-3.49, -5.03, -1.96, 0.0),
        "DL": (-14.10, -24.45, -3.75, 218.72),
        "REML": (-15.12, -32.67, 2.43, 685.20),
    }.items():
        r = meta_analysis(data, method)
        got = (r.estimate, r.ci_lower, r.ci_upper, r.tau2)
        assert all(agrees(a, b, 2) for a, b in zip(got, (est, lo, hi, tau2), strict=True))


def test_normand_standardised_mean_differences_match_metafor() -> None:
    # test_misc_escalc.r (yi, vi of studies 1-4) and test_misc_rma_uni.r (REML tau2 1.0090)
    data = effects_from_rows("SMD", read_csv(FIXTURES / "normand1999.csv")[:4])
    for ours, theirs in zip(data.yi, [-0.3552, -0.3479, -2.3176, -1.8880], strict=True):
        assert agrees(ours, theirs)
    for ours, theirs in zip(data.vi, [0.0131, 0.0645, 0.0458, 0.1606], strict=True):
        assert agrees(ours, theirs)
    assert agrees(meta_analysis(data, "REML").tau2, 1.0090)


def test_fisher_z_matches_metafor() -> None:
    # test_misc_escalc.r, measure="ZCOR": yi for r = 0.62, 0.99 and -0.13
    rows = [
        {"study": s, "r": r, "n": "50"} for s, r in (("a", "0.62"), ("b", "0.99"), ("c", "-0.13"))
    ]
    data = effects_from_rows("ZCOR", rows)
    assert all(agrees(a, b) for a, b in zip(data.yi, [0.7250, 2.6467, -0.1307], strict=True))
    assert np.allclose(data.vi, 1 / 47)


def test_egger_regression_test_matches_metafor_regtest() -> None:
    # test_misc_pub_bias.r: rma(measure="OR", ...) on dat.egger2001, regtest(res) -> zval -4.6686
    data = effects("egger2001", "OR")
    assert agrees(egger_test(data, "REML").statistic, -4.6686)


# wviechtb/metafor docs/reference/trimfill.html (the pkgdown page of ?trimfill, its examples run
# by metafor): trimfill() on the log risk ratios of dat.bcg (the BCG counts in bcg.csv).
# method: (k0, side, k, estimate, se, ci.lb, ci.ub, tau2, QE, I2, H2) as printed.
BCG_TRIMFILL = {
    ("FE", "L0"): (4, "right", 17, -0.2910, 0.0383, -0.3660, -0.2160, 0.0, 262.7316, 93.91, 16.42),
    ("FE", "R0"): (4, "right", 17, -0.2910, 0.0383, -0.3660, -0.2160, 0.0, 262.7316, 93.91, 16.42),
    ("REML", "L0"): (
        1,
        "right",
        14,
        -0.6571,
        0.1785,
        -1.0070,
        -0.3072,
        0.3313,
        154.6750,
        92.14,
        12.72,
    ),
}


@pytest.mark.parametrize(("method", "estimator"), list(BCG_TRIMFILL))
def test_bcg_trim_and_fill_matches_metafor_trimfill(method: str, estimator: str) -> None:
    # res <- rma(yi, vi, data=dat, method="EE"|"REML"); trimfill(res[, estimator="R0"])
    tf = trim_and_fill(effects("bcg", "RR"), method, estimator=estimator)
    k0, side, k, est, se, lo, hi, tau2, q, i2, h2 = BCG_TRIMFILL[(method, estimator)]
    assert (tf.k0, tf.side, tf.adjusted.k) == (k0, side, k)
    r = tf.adjusted
    for ours, theirs in ((r.estimate, est), (r.se, se), (r.ci_lower, lo), (r.ci_upper, hi)):
        assert agrees(ours, theirs)
    assert agrees(r.tau2, tau2) and agrees(r.q, q)
    assert agrees(r.i2, i2, 2) and agrees(r.h2, h2, 2)


def test_bcg_trim_and_fill_z_values_match_metafor_trimfill() -> None:
    data = effects("bcg", "RR")
    assert agrees(trim_and_fill(data, "FE").adjusted.statistic, -7.6057)
    # metafor prints zval -3.6805 for the random-random fit. Its REML iterations stop when τ²
    # changes by less than 1e-5; sysreview solves to 1e-10 and gets -3.680551, which is
    # -3.6806 at 4 places. A τ² larger by 2e-6 (within metafor's tolerance) gives -3.68054, so
    # the difference is the stopping rule, not the method (estimate, se, CI and τ² agree above).
    assert trim_and_fill(data, "REML").adjusted.statistic == pytest.approx(-3.6805, abs=1e-4)


def test_bcg_trim_and_fill_imputed_studies_match_metafor_trimfill() -> None:
    # The same page prints taf$yi, taf$vi and taf$fill for the equal-effects fit: the four
    # imputed studies (rows 14-17), 8 places.
    tf = trim_and_fill(effects("bcg", "RR"), "FE")
    filled_yi = [0.78929282, 0.85949921, 1.00333667, 1.03884624]
    filled_vi = [0.073024794, 0.020010032, 0.194581121, 0.223017248]
    assert all(agrees(a, b, 8) for a, b in zip(tf.filled_effects, filled_yi, strict=True))
    assert all(agrees(a, b, 9) for a, b in zip(tf.filled_variances, filled_vi, strict=True))
    # ... and the "equal-random" illustration: rma(yi, vi, data=filled) (REML) on those 17 rows.
    data = effects("bcg", "RR")
    augmented = EffectSizes(
        data.measure,
        (*data.studies, *(f"filled {i}" for i in range(tf.k0))),
        np.concatenate([data.yi, tf.filled_effects]),
        np.concatenate([data.vi, tf.filled_variances]),
    )
    r = meta_analysis(augmented, "REML")
    got = (r.tau2, r.estimate, r.se, r.statistic, r.ci_lower, r.ci_upper)
    expected = (0.7164, -0.3422, 0.2223, -1.5392, -0.7780, 0.0936)
    assert all(agrees(a, b) for a, b in zip(got, expected, strict=True))
    assert agrees(r.q, 262.7316) and agrees(r.i2, 96.03, 2) and agrees(r.h2, 25.19, 2)


def test_mirrored_bcg_trim_and_fill_fills_the_left_side_with_metafor_numbers_negated() -> None:
    # Not a separate published output: negating every effect mirrors the funnel, so metafor's
    # right-side result above must come back on the left with the estimate and CI negated.
    data = effects("bcg", "RR")
    mirrored = EffectSizes(data.measure, data.studies, -data.yi, data.vi)
    tf = trim_and_fill(mirrored, "FE")
    assert (tf.k0, tf.side) == (4, "left")
    r = tf.adjusted
    assert agrees(r.estimate, 0.2910) and agrees(r.ci_lower, 0.2160) and agrees(r.ci_upper, 0.3660)


@pytest.mark.parametrize("method", ["FE", "DL", "REML"])
def test_bcg_subgroup_test_is_metafors_wald_test_of_separately_pooled_subgroups(
    method: str,
) -> None:
    # No published subgroup output was found to copy. This checks the construction metafor's
    # "comparing estimates of independent meta-analyses or subgroups" recipe uses: each
    # subgroup pooled on its own (rma(yi, vi, subset=alloc==g)), then
    # rma(est, sei=se, method="FE")$QE on those estimates is the test, chi² with G - 1 df. Our
    # subgroup estimates are the plain pooled fits, whose numbers metafor checks above.
    data = effects("bcg", "RR")
    assert data.groups is not None
    result = subgroup_analysis(data, method)
    assert [g.name for g in result.subgroups] == ["random", "alternate", "systematic"]
    for g in result.subgroups:
        part = data.subset(np.array([x == g.name for x in data.groups]))
        alone = meta_analysis(part, method)
        assert (g.k, g.estimate, g.se) == (part.k, alone.estimate, alone.se)
        assert (g.ci_lower, g.ci_upper) == (alone.ci_lower, alone.ci_upper)
    pooled = EffectSizes(
        data.measure,
        tuple(g.name for g in result.subgroups),
        np.array([g.estimate for g in result.subgroups]),
        np.array([g.se for g in result.subgroups]) ** 2,
    )
    wald = meta_analysis(pooled, "FE")
    assert result.df == 2 == wald.q_df
    assert result.q_between == pytest.approx(wald.q, rel=1e-12)
    assert result.p_value == pytest.approx(wald.q_p, rel=1e-9)
