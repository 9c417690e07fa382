"""Inter-rater agreement: published worked examples, the libraries, degenerate data, properties.

Every expected figure names its source. statsmodels and ``krippendorff`` are test-only
oracles: the module computes in pure Python and must agree with them.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sysreview.agreement import NO_PAIRS, NO_RATINGS, NO_VARIATION, multi_rater, pairwise
from sysreview.errors import InvalidInput

SCALE = ["include", "exclude", "maybe"]


def ratings_from_table(
    table: list[list[int]], categories: list[str]
) -> tuple[list[str], list[str]]:
    """Two reviewers' ratings whose confusion table (A in rows, B in columns) is ``table``."""
    a: list[str] = []
    b: list[str] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [categories[i]] * count
            b += [categories[j]] * count
    return a, b


# --- hand-computed and published two-reviewer examples -------------------------------------


def test_screening_example_computed_by_hand() -> None:
    # 200 titles/abstracts screened by two reviewers (A rows, B columns):
    #                  B include  B exclude   A total
    #   A include          20         10        30  (0.15)
    #   A exclude           6        164       170  (0.85)
    #   B total            26        174       200
    #                    (0.13)    (0.87)
    # p_o = (20 + 164) / 200 = 0.92
    # p_e = 0.15 * 0.13 + 0.85 * 0.87 = 0.0195 + 0.7395 = 0.759
    # kappa = (0.92 - 0.759) / (1 - 0.759) = 0.161 / 0.241 = 0.668050;  1 - kappa = 0.331950
    # Fleiss-Cohen-Everitt (1969) variance, cell proportions .10 .05 / .03 .82:
    #   diagonal:  .10 (1 - (.15+.13) * .331950)^2 = .10 * .907054^2 = .082275
    #              .82 (1 - (.85+.87) * .331950)^2 = .82 * .429046^2 = .150946
    #   off-diag:  (.331950)^2 * [.05 (.13+.85)^2 + .03 (.87+.15)^2]
    #            = .110191 * (.048020 + .031212) = .008731
    #   minus:     (kappa - p_e (1 - kappa))^2 = (.668050 - .251950)^2 = .173139
    #   var = (.082275 + .150946 + .008731 - .173139) / (200 * .241^2) = .068813 / 11.6162
    #       = .0059239;  SE = .07697
    # 95 % CI = .668050 -/+ 1.959964 * .07697 = (.5172, .8189)
    # PABAK = 2 * 0.92 - 1 = 0.84
    # AC1: pi_include = (.15 + .13) / 2 = .14;  p_e' = 2 * .14 * .86 / (2 - 1) = .2408
    #      AC1 = (.92 - .2408) / (1 - .2408) = .6792 / .7592 = .89463
    a, b = ratings_from_table([[20, 10], [6, 164]], ["include", "exclude"])
    result = pairwise(a, b, ["include", "exclude"])
    assert result.n == 200
    assert result.table == ((20, 10), (6, 164))
    assert result.observed == pytest.approx(0.92)
    assert result.expected == pytest.approx(0.759)
    assert result.kappa == pytest.approx(0.668050, abs=1e-6)
    assert result.kappa_se == pytest.approx(0.07697, abs=1e-5)
    assert result.kappa_ci == pytest.approx((0.5172, 0.8189), abs=1e-4)
    assert result.pabak == pytest.approx(0.84)
    assert result.gwet_ac1 == pytest.approx(0.89463, abs=1e-5)
    assert result.reason is None


def test_wikipedia_cohens_kappa_example_gives_kappa_0_4() -> None:
    # Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, Yes/Yes 20, Yes/No 5,
    # No/Yes 10, No/No 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a, b = ratings_from_table([[20, 5], [10, 15]], ["yes", "no"])
    result = pairwise(a, b)
    assert (result.observed, result.expected) == pytest.approx((0.7, 0.5))
    assert result.kappa == pytest.approx(0.4)


def test_fleiss_paik_example_standard_error_and_interval() -> None:
    # Bonett, statpsych R package, ci.kappa(.05, 31, 12, 4, 58) documented output (method of
    # Fleiss & Paik 2003): Cohen kappa 0.6756757, SE 0.07344761, CI 0.5317210 to 0.8196303.
    a, b = ratings_from_table([[31, 12], [4, 58]], ["0", "1"])
    result = pairwise(a, b)
    assert result.kappa == pytest.approx(0.6756757, abs=1e-7)
    assert result.kappa_se == pytest.approx(0.07344761, abs=1e-8)
    assert result.kappa_ci == pytest.approx((0.5317210, 0.8196303), abs=1e-7)


def test_stata_kapci_analytic_interval() -> None:
    # Stata kapci (analytic CI, Fleiss 1981 SE) output posted to Statalist, December 2009:
    # N = 1932, table 1395/118/261/158: prop_o .8038302, prop_e .7022331, kappa .3411969,
    # se .0262914, CI .2896668 to .3927271.
    a, b = ratings_from_table([[1395, 118], [261, 158]], ["0", "1"])
    result = pairwise(a, b)
    assert result.observed == pytest.approx(0.8038302, abs=1e-7)
    assert result.expected == pytest.approx(0.7022331, abs=1e-7)
    assert result.kappa == pytest.approx(0.3411969, abs=1e-7)
    assert result.kappa_se == pytest.approx(0.0262914, abs=1e-7)
    assert result.kappa_ci == pytest.approx((0.2896668, 0.3927271), abs=1e-7)


# Gwet, irrCAC R package README: dataset cont3x3abstractors (two abstractors classifying 100
# pregnancies as ectopic / AIU / NIU).
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
ABSTRACTOR_SCALE = ["ectopic", "AIU", "NIU"]


def test_three_category_table_matches_irrcac_for_kappa_ac1_and_pabak() -> None:
    # irrCAC: Cohen's kappa 0.7964094 (se 0.05891072), Gwet's AC1 0.8493305,
    # Brennan-Prediger 0.835 (the same formula as PABAK for k = 3).
    a, b = ratings_from_table(ABSTRACTORS, ABSTRACTOR_SCALE)
    result = pairwise(a, b, ABSTRACTOR_SCALE)
    assert result.kappa == pytest.approx(0.7964094, abs=1e-7)
    assert result.kappa_se == pytest.approx(0.05891072, abs=1e-8)
    assert result.gwet_ac1 == pytest.approx(0.8493305, abs=1e-7)
    assert result.pabak == pytest.approx(0.835)


def test_three_category_table_matches_irrcac_for_alpha_and_scotts_pi() -> None:
    # irrCAC: Krippendorff's alpha 0.7972585; Scott's pi 0.7962397, which is what Fleiss'
    # kappa reduces to for two raters.
    a, b = ratings_from_table(ABSTRACTORS, ABSTRACTOR_SCALE)
    result = multi_rater(list(zip(a, b, strict=True)))
    assert result.krippendorff_alpha == pytest.approx(0.7972585, abs=1e-7)
    assert result.fleiss_kappa == pytest.approx(0.7962397, abs=1e-7)


# --- published multi-rater examples ---------------------------------------------------------

# Fleiss (1971), Psychological Bulletin 76(5), Table 1: 30 patients, 6 psychiatrists each,
# counts per diagnosis (depression, personality disorder, schizophrenia, neurosis, other).
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip
DIAGNOSES = ["depression", "personality", "schizophrenia", "neurosis", "other"]


def rows_from_counts(counts: list[list[int]], categories: list[str]) -> list[list[str | None]]:
    """One row per item with each category repeated as often as the counts say."""
    return [[c for c, k in zip(categories, row, strict=True) for _ in range(k)] for row in counts]


def test_fleiss_1971_table_gives_kappa_0_430() -> None:
    # Fleiss (1971), p. 381: kappa = .430.
    result = multi_rater(rows_from_counts(FLEISS_1971, DIAGNOSES))
    assert (result.n_items, result.n_raters, result.n_pairable) == (30, 6, 30)
    assert result.fleiss_kappa == pytest.approx(0.430, abs=5e-4)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, with missing data. Nominal alpha = 0.743.
KRIPPENDORFF_2011 = [
    ["1", "2", "3", "3", "2", "1", "4", "1", "2", None, None, None],
    ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", None, "3"],
    [None, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", None],
    ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", None],
]


def test_krippendorff_2011_missing_data_example_gives_alpha_0_743() -> None:
    rows = [list(unit) for unit in zip(*KRIPPENDORFF_2011, strict=True)]
    result = multi_rater(rows)
    assert (result.n_items, result.n_raters, result.n_pairable) == (12, 4, 11)
    assert result.krippendorff_alpha == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_2011_binary_two_observer_example_gives_alpha_0_095() -> None:
    # Krippendorff (2011), section A: observers A and B, ten units, alpha = 0.095.
    a = "0100000010"
    b = "1110010000"
    result = multi_rater([[x, y] for x, y in zip(a, b, strict=True)])
    assert result.krippendorff_alpha == pytest.approx(0.095, abs=5e-4)


# --- the maintained libraries as oracles ----------------------------------------------------

pairs = st.lists(st.tuples(st.sampled_from(SCALE), st.sampled_from(SCALE)), max_size=60)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels' z-test when kappa = 1
@given(pairs)
def test_cohens_kappa_and_se_match_statsmodels(ratings: list[tuple[str, str]]) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    a = [x for x, _ in ratings]
    b = [y for _, y in ratings]
    result = pairwise(a, b, SCALE)
    assume(result.kappa is not None)
    expected = inter_rater.cohens_kappa(result.table)
    assert result.kappa == pytest.approx(expected.kappa, abs=1e-9)
    # statsmodels takes the square root of a variance that rounding can leave at -1e-17.
    assert result.kappa_se == pytest.approx(math.sqrt(max(expected.var_kappa, 0)), abs=1e-9)


complete_rows = st.lists(
    st.lists(st.sampled_from(SCALE), min_size=4, max_size=4), min_size=1, max_size=30
)


@given(complete_rows)
def test_fleiss_kappa_matches_statsmodels_on_complete_data(rows: list[list[str]]) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    result = multi_rater(rows)
    assume(result.fleiss_kappa is not None)
    counts = [[row.count(c) for c in SCALE] for row in rows]
    assert result.fleiss_kappa == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-9)


rows_with_gaps = st.lists(
    st.lists(st.one_of(st.none(), st.sampled_from(SCALE)), min_size=3, max_size=3),
    min_size=1,
    max_size=30,
)


@given(rows_with_gaps)
def test_krippendorff_alpha_matches_the_krippendorff_package(
    rows: list[list[str | None]],
) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    result = multi_rater(rows)
    assume(result.krippendorff_alpha is not None)
    codes = {c: float(i) for i, c in enumerate(SCALE)}
    data = [[math.nan if v is None else codes[v] for v in col] for col in zip(*rows, strict=True)]
    expected = krippendorff.alpha(
        reliability_data=data,
        level_of_measurement="nominal",
        value_domain=[0.0, 1.0, 2.0],
    )
    assert result.krippendorff_alpha == pytest.approx(expected, abs=1e-9)


# --- degenerate data ------------------------------------------------------------------------


def test_no_items_gives_no_values_and_says_why() -> None:
    result = pairwise([], [], ["include", "exclude"])
    assert result.n == 0
    assert (result.observed, result.kappa, result.pabak, result.gwet_ac1) == (None,) * 4
    assert result.kappa_ci is None
    assert result.reason == NO_RATINGS


def test_perfect_agreement_on_one_category_leaves_kappa_undefined_but_pabak_defined() -> None:
    result = pairwise(["exclude"] * 8, ["exclude"] * 8, ["include", "exclude"])
    assert result.observed == 1.0
    assert result.expected == 1.0
    assert (result.kappa, result.kappa_se, result.kappa_ci) == (None, None, None)
    assert result.reason == NO_VARIATION
    assert "no variation" in result.reason
    assert result.pabak == 1.0
    assert result.gwet_ac1 == 1.0


def test_one_category_seen_without_a_scale_is_taken_as_a_two_way_decision() -> None:
    result = pairwise(["exclude"] * 3, ["exclude"] * 3)
    assert result.categories == ("exclude",)
    assert result.kappa is None
    assert result.pabak == 1.0


def test_perfect_agreement_over_two_categories_gives_kappa_1_and_a_point_interval() -> None:
    result = pairwise(["include", "exclude", "exclude"], ["include", "exclude", "exclude"])
    assert result.kappa == 1.0
    assert result.kappa_ci == (1.0, 1.0)


def test_multi_rater_without_two_ratings_on_any_item_says_so() -> None:
    result = multi_rater([["include", None], [None, "exclude"]])
    assert (result.fleiss_kappa, result.krippendorff_alpha) == (None, None)
    assert result.n_pairable == 0
    assert result.reason == NO_PAIRS


def test_multi_rater_with_one_category_has_no_variation() -> None:
    result = multi_rater([["exclude", "exclude", None], ["exclude", None, "exclude"]])
    assert (result.fleiss_kappa, result.krippendorff_alpha) == (None, None)
    assert result.reason == NO_VARIATION


def test_multi_rater_with_no_items() -> None:
    result = multi_rater([])
    assert (result.n_items, result.n_raters, result.reason) == (0, 0, NO_PAIRS)


# --- bad input ------------------------------------------------------------------------------


def test_ratings_of_different_length_are_refused() -> None:
    with pytest.raises(InvalidInput, match="differ in length"):
        pairwise(["include"], ["include", "exclude"])


def test_a_rating_off_the_scale_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'maybe'"):
        pairwise(["include", "maybe"], ["include", "exclude"], ["include", "exclude"])


def test_a_repeated_category_is_refused() -> None:
    with pytest.raises(InvalidInput, match="repeat"):
        pairwise(["include"], ["include"], ["include", "include"])


def test_a_missing_rating_in_a_pair_is_refused() -> None:
    with pytest.raises(InvalidInput, match="None"):
        pairwise(["include", None], ["include", "exclude"])  # type: ignore[list-item]


def test_ragged_rows_are_refused() -> None:
    with pytest.raises(InvalidInput, match="item 2"):
        multi_rater([["include", "exclude"], ["include"]])


# --- properties -----------------------------------------------------------------------------


@given(pairs)
def test_kappa_never_exceeds_1(ratings: list[tuple[str, str]]) -> None:
    result = pairwise([x for x, _ in ratings], [y for _, y in ratings], SCALE)
    if result.kappa is not None:
        assert result.kappa <= 1.0 + 1e-12
        assert result.kappa_ci is not None
        assert -1.0 <= result.kappa_ci[0] <= result.kappa + 1e-12 <= result.kappa_ci[1] + 2e-12


@given(st.lists(st.sampled_from(SCALE), min_size=1, max_size=60))
def test_identical_ratings_give_kappa_1_when_two_categories_are_used(ratings: list[str]) -> None:
    assume(len(set(ratings)) >= 2)
    result = pairwise(ratings, list(ratings), SCALE)
    assert result.kappa == 1.0
    assert result.observed == 1.0


@given(pairs)
def test_swapping_reviewers_changes_nothing_but_the_table_orientation(
    ratings: list[tuple[str, str]],
) -> None:
    a = [x for x, _ in ratings]
    b = [y for _, y in ratings]
    ab = pairwise(a, b, SCALE)
    ba = pairwise(b, a, SCALE)
    assert ba.table == tuple(zip(*ab.table, strict=True))
    assert ba.kappa == pytest.approx(ab.kappa, abs=1e-12)
    assert ba.kappa_se == pytest.approx(ab.kappa_se, abs=1e-12)
    assert ba.gwet_ac1 == pytest.approx(ab.gwet_ac1, abs=1e-12)
    assert (ba.observed, ba.pabak, ba.reason) == (ab.observed, ab.pabak, ab.reason)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=80))
def test_pabak_is_2_po_minus_1_for_two_categories(ratings: list[tuple[bool, bool]]) -> None:
    names = {True: "include", False: "exclude"}
    a = [names[x] for x, _ in ratings]
    b = [names[y] for _, y in ratings]
    result = pairwise(a, b, ["include", "exclude"])
    assert result.observed is not None
    assert result.pabak == pytest.approx(2 * result.observed - 1, abs=1e-12)
