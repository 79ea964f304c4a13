"""Specification of the per-group comparisons used by the dataset audit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from fairscope.compute._group_comparisons import compare_proportions, holm, two_by_two_tests


def test_holm_adjustment_by_hand():
    # sorted p: 0.01 * 3, 0.02 * 2, 0.04 * 1 -> 0.03, 0.04, 0.04 (monotone)
    adjusted = holm(np.array([0.04, 0.01, np.nan, 0.02]))
    np.testing.assert_allclose(adjusted, [0.04, 0.03, np.nan, 0.04])


def test_fisher_exact_is_used_when_an_expected_count_is_small():
    p, test = two_by_two_tests(np.array([1.0]), np.array([10.0]), 8.0, 10.0)
    assert test[0] == "fisher exact"
    assert p[0] == pytest.approx(stats.fisher_exact([[1, 9], [8, 2]])[1], rel=1e-12)


def test_groups_below_the_minimum_size_are_not_tested():
    p, test = two_by_two_tests(np.array([1.0, 40.0]), np.array([5.0, 100.0]), 20.0, 100.0, 30)
    assert np.isnan(p[0]) and test[0] == "none (small group)"
    assert test[1] == "chi-square"


def test_comparisons_vectorize_over_leading_axes():
    x = np.array([[5.0, 20.0, 7.0], [0.0, 3.0, 9.0]])
    n = np.array([50.0, 100.0, 30.0])
    both = compare_proportions(x, np.broadcast_to(n, x.shape), ref=1)
    for row in range(2):
        one = compare_proportions(x[row], n, ref=1)
        for key in ("value", "lower", "difference_lower", "ratio_upper", "p_value"):
            np.testing.assert_array_equal(both[key][row], one[key])
