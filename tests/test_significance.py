"""Tests of group differences: scipy equivalence, own denominators, corrections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fairscope import GroupMetrics
from fairscope.compute._significance import (
    ALL_GROUPS,
    adjust_p_values,
    chi_square_homogeneity,
    compare_proportions,
    fisher_exact_test,
    two_proportion_z_test,
)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(30, 100, 45, 100), (5, 40, 60, 210)])
def test_z_test_equals_pearson_chi_square_without_correction(x1, n1, x2, n2):
    z, p = two_proportion_z_test(x1, n1, x2, n2)
    chi2, p_chi2, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    assert z**2 == pytest.approx(chi2, rel=1e-12)
    assert p == pytest.approx(p_chi2, rel=1e-10)
    assert np.sign(z) == np.sign(x1 / n1 - x2 / n2)


def test_z_test_of_identical_all_or_nothing_rates_has_p_one():
    z, p = two_proportion_z_test(0, 50, 0, 70)
    assert (z, p) == (0.0, 1.0)


def test_fisher_test_equals_scipy_fisher_exact():
    odds, p = fisher_exact_test([1, 7], [10, 12], [6, 2], [10, 15])
    for i, table in enumerate([[[1, 9], [6, 4]], [[7, 5], [2, 13]]]):
        ref = stats.fisher_exact(table)
        assert p[i] == pytest.approx(ref.pvalue, rel=1e-12)
        assert odds[i] == pytest.approx(ref.statistic, rel=1e-12)


def test_fisher_is_used_when_an_expected_count_is_below_five():
    test, _, p = compare_proportions([1, 30], [12, 100], [6, 45], [12, 100])
    assert test.tolist() == ["fisher", "z-test"]
    assert p[0] == pytest.approx(stats.fisher_exact([[1, 11], [6, 6]]).pvalue)


def test_omnibus_chi_square_equals_scipy_chi2_contingency():
    x, n = np.array([12, 30, 9, 40]), np.array([80, 120, 60, 150])
    stat, dof, p = chi_square_homogeneity(x, n)
    ref = stats.chi2_contingency(np.column_stack([x, n - x]), correction=False)
    assert stat == pytest.approx(ref.statistic, rel=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-10)
    assert dof == ref.dof == 3


def test_holm_adjustment_matches_a_hand_computed_example():
    # Sorted p: 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04,
    # then made monotone: 0.02, 0.03, 0.06, 0.06.
    p = [0.01, 0.04, 0.03, 0.005]
    np.testing.assert_allclose(adjust_p_values(p, "holm"), [0.03, 0.06, 0.06, 0.02])


def test_benjamini_hochberg_adjustment_matches_a_hand_computed_example():
    # Sorted p times m / rank: 0.005*4/1=0.02, 0.01*4/2=0.02, 0.03*4/3=0.04, 0.04*4/4=0.04.
    p = [0.01, 0.04, 0.03, 0.005, np.nan]
    out = adjust_p_values(p, "fdr_bh")
    np.testing.assert_allclose(out[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(out[4])


def test_benjamini_hochberg_takes_the_running_minimum_from_the_top():
    # 0.02*3/2 = 0.03 would exceed the adjusted largest p 0.025 -> capped at 0.025.
    np.testing.assert_allclose(
        adjust_p_values([0.001, 0.02, 0.025], "fdr_bh"), [0.003, 0.025, 0.025]
    )


def test_adjusted_p_values_never_exceed_one_and_reject_unknown_corrections():
    assert adjust_p_values([0.5, 0.6], "bonferroni").tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="correction='sidak'"):
        adjust_p_values([0.1], "sidak")


def _fpr_versus_fdr_data():
    """Two groups with equal FPR (0.2 among label-0 rows) but very different FDR."""
    rows = []
    # group a: 100 negatives (20 FP), 100 positives (80 TP) -> FDR 20/100 = 0.2
    rows += [("a", 0, 1)] * 20 + [("a", 0, 0)] * 80 + [("a", 1, 1)] * 80 + [("a", 1, 0)] * 20
    # group b: 100 negatives (20 FP), 100 positives (10 TP) -> FDR 20/30 = 0.67
    rows += [("b", 0, 1)] * 20 + [("b", 0, 0)] * 80 + [("b", 1, 1)] * 10 + [("b", 1, 0)] * 90
    return pd.DataFrame(rows, columns=["g", "y", "p"])


def test_each_metric_is_tested_on_its_own_denominator_population():
    data = _fpr_versus_fdr_data()
    gm = GroupMetrics("y", "p", "g", data=data, metrics=["fpr", "fdr"])
    tests = gm.tests(reference="a").set_index("metric")
    pairs = tests[tests["g"] == "b"]
    # FPR is tested among the 100 label-0 rows of each group: equal rates, p = 1.
    assert pairs.loc["false_positive_rate", "n_tested"] == 100
    assert pairs.loc["false_positive_rate", "p_value"] == pytest.approx(1.0)
    # FDR among predicted positives (100 vs 30 rows) differs strongly.
    assert pairs.loc["false_discovery_rate", "n_tested"] == 30
    assert pairs.loc["false_discovery_rate", "n_tested_reference"] == 100
    _, p = two_proportion_z_test(20, 30, 20, 100)
    assert pairs.loc["false_discovery_rate", "p_value"] == pytest.approx(p)


def test_tests_report_columns_sizes_and_holm_adjusted_p_values():
    data = _fpr_versus_fdr_data()
    gm = GroupMetrics("y", "p", "g", data=data, metrics=["count", "fpr", "fdr", "f1"])
    tests = gm.tests(reference="a")
    assert list(tests.columns) == [
        "g", "metric", "reference", "test", "statistic", "dof", "p_value", "p_value_adjusted",
        "correction", "value", "reference_value", "n", "n_reference", "n_tested",
        "n_tested_reference",
    ]  # fmt: skip
    # count and f1 are not rates: not tested.
    assert set(tests["metric"]) == {"false_positive_rate", "false_discovery_rate"}
    pairs = tests[tests["g"] != ALL_GROUPS]
    # the family: the groups against the reference, for one metric
    for _, family in pairs.groupby("metric"):
        np.testing.assert_allclose(
            family["p_value_adjusted"], adjust_p_values(family["p_value"], "holm")
        )
    assert (pairs[["n", "n_reference"]].to_numpy() == 200).all()
    assert (tests["correction"] == "holm").all()


def test_omnibus_rows_test_all_groups_at_once():
    rng = np.random.default_rng(0)
    g = rng.choice(["a", "b", "c"], 600)
    y = rng.integers(0, 2, 600)
    p = (rng.random(600) < np.where(g == "c", 0.6, 0.4)).astype(int)
    gm = GroupMetrics(y, p, g, metrics="selection_rate")
    row = gm.tests(reference="a").query("sensitive_feature == @ALL_GROUPS").iloc[0]
    table = pd.crosstab(g, p).to_numpy()
    ref = stats.chi2_contingency(table, correction=False)
    assert row["test"] == "chi-square" and row["dof"] == 2
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p_value"] == pytest.approx(ref.pvalue)


def test_against_overall_each_group_is_compared_with_the_rest():
    data = _fpr_versus_fdr_data()
    gm = GroupMetrics("y", "p", "g", data=data, metrics="fdr")
    tests = gm.tests(reference="overall", correction=None)
    row = tests[tests["g"] == "b"].iloc[0]
    _, p = two_proportion_z_test(20, 30, 20, 100)  # b against a, the rest of the data
    assert row["reference"] == "<overall>"
    assert row["p_value"] == pytest.approx(p)
    assert row["p_value_adjusted"] == row["p_value"]


def test_benjamini_hochberg_on_request():
    gm = GroupMetrics("y", "p", "g", data=_fpr_versus_fdr_data(), metrics=["fpr", "fdr"])
    tests = gm.tests(reference="a", correction="fdr_bh")
    pairs = tests[tests["g"] != ALL_GROUPS]
    for _, family in pairs.groupby("metric"):
        np.testing.assert_allclose(
            family["p_value_adjusted"], adjust_p_values(family["p_value"], "fdr_bh")
        )
    assert (tests["correction"] == "fdr_bh").all()


def test_weighted_tests_use_kish_effective_sizes():
    data = _fpr_versus_fdr_data()
    data["w"] = np.where(np.arange(len(data)) % 2 == 0, 1.0, 3.0)
    gm = GroupMetrics("y", "p", "g", data=data, sample_weight="w", metrics="fpr")
    row = gm.tests(reference="a").iloc[0]
    w = data.loc[(data.g == "b") & (data.y == 0), "w"]
    assert row["n_tested"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert row["n_tested"] < 100


def test_undefined_rates_are_reported_untested():
    data = pd.DataFrame(
        {"g": ["a"] * 40 + ["b"] * 40, "y": [0, 1] * 20 + [1] * 40, "p": [0, 1, 1, 0] * 20}
    )
    gm = GroupMetrics("y", "p", "g", data=data, metrics="fpr")
    row = gm.tests(reference="a").iloc[0]
    assert row["test"] == "none" and np.isnan(row["p_value"])
    assert np.isnan(row["p_value_adjusted"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_adjusted_p_values_dominate_raw_ones_and_holm_dominates_bh(p):
    p = np.array(p)
    holm, bh = adjust_p_values(p, "holm"), adjust_p_values(p, "fdr_bh")
    assert np.all(holm >= p - 1e-15) and np.all(bh >= p - 1e-15)
    assert np.all(holm >= bh - 1e-12)
    assert np.all(adjust_p_values(p, "bonferroni") >= holm - 1e-12)
    # Adjustment keeps the order of the p-values.
    order = np.argsort(p, kind="mergesort")
    assert np.all(np.diff(holm[order]) >= -1e-12) and np.all(np.diff(bh[order]) >= -1e-12)
