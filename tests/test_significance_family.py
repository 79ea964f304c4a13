"""One family for the multiple-comparison adjustment, shared by tables and findings."""

from __future__ import annotations

import numpy as np
import pytest

from fairscope import GroupMetrics, audit_predictions
from fairscope.compute._significance import (
    ALL_GROUPS,
    FAMILY,
    adjust_p_values,
    compare_proportions,
    comparison_tests,
    rate_comparisons,
)


def _four_groups() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    g = rng.choice(["a", "b", "c", "d"], 2000)
    y = rng.integers(0, 2, 2000)
    p = (rng.random(2000) < np.select([g == "a", g == "b"], [0.5, 0.45], 0.4)).astype(int)
    return y, p, g


def test_family_is_the_groups_against_the_reference_for_one_metric():
    y, p, g = _four_groups()
    tests = GroupMetrics(y, p, g, metrics=["selection_rate", "tpr", "fpr"]).tests(reference="a")
    pairs = tests[tests["sensitive_feature"] != ALL_GROUPS]
    for _, family in pairs.groupby("metric"):
        assert len(family) == 3  # b, c, d against a
        np.testing.assert_array_equal(
            family["p_value_adjusted"], adjust_p_values(family["p_value"])
        )


def test_audits_record_the_family():
    y, p, g = _four_groups()
    result = audit_predictions(y, p, sensitive_features={"g": g})
    assert result.metadata["tests_family"] == FAMILY


def test_comparison_tests_give_the_rows_of_the_audit_tests_table():
    y, p, g = _four_groups()
    result = audit_predictions(y, p, sensitive_features={"g": g}, reference="a")
    table = result.tables["tests"]
    rows = comparison_tests(result.statistics["g"], "tpr", "a")
    expected = table[(table["metric"] == "true_positive_rate") & (table["group"] != ALL_GROUPS)]
    expected = expected.reset_index(drop=True)
    got = rows.reset_index(drop=True)
    for column in ("group", "reference", "test", "p_value", "p_value_adjusted"):
        assert got[column].tolist() == expected[column].tolist()


def test_comparison_tests_refuse_an_unknown_reference_naming_the_groups():
    y, p, g = _four_groups()
    counts = GroupMetrics(y, p, g).statistics
    with pytest.raises(ValueError, match=r"reference group 'z' .*'a', 'b', 'c', 'd'"):
        comparison_tests(counts, "selection_rate", "z")


def test_one_proportion_test_serves_the_dataset_comparisons():
    x, n = np.array([12.0, 40.0, 3.0]), np.array([100.0, 100.0, 10.0])
    out = rate_comparisons(x, n, ref=1)
    test, _, p = compare_proportions(x[[0, 2]], n[[0, 2]], 40.0, 100.0)
    np.testing.assert_array_equal(out["p_value"][[0, 2]], p)
    assert out["test"][0] == test[0] == "z-test"
    assert out["test"][2] == test[1] == "fisher"


def test_small_groups_are_not_tested():
    test, _, p = compare_proportions([1.0, 40.0], [5.0, 100.0], 20.0, 100.0, min_n=30)
    assert test[0] == "none (small group)" and np.isnan(p[0])
    assert test[1] == "z-test"
