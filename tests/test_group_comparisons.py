"""Specification of the per-group comparisons used by the dataset audit (compute._significance)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from fairscope.compute._significance import adjust_p_values, rate_comparisons


def _pair(x, n, x_ref, n_ref, min_n=0):
    """Each group of ``x``/``n`` against one reference count, as the dataset tables test it."""
    x, n = np.atleast_1d(x).astype(float), np.atleast_1d(n).astype(float)
    stacked_x = np.stack([x, np.full_like(x, x_ref)], axis=-1)
    stacked_n = np.stack([n, np.full_like(n, n_ref)], axis=-1)
    out = rate_comparisons(stacked_x, stacked_n, ref=1, min_n=min_n)
    return out["p_value"][..., 0], out["test"][..., 0]


def test_holm_adjustment_by_hand():
    # sorted p: 0.01 * 3, 0.02 * 2, 0.04 * 1 -> 0.03, 0.04, 0.04 (monotone)
    adjusted = adjust_p_values(np.array([0.04, 0.01, np.nan, 0.02]), "holm")
    np.testing.assert_allclose(adjusted, [0.04, 0.03, np.nan, 0.04])


def test_fisher_exact_is_used_when_an_expected_count_is_small():
    p, test = _pair([1.0], [10.0], 8.0, 10.0)
    assert test[0] == "fisher"
    assert p[0] == pytest.approx(stats.fisher_exact([[1, 9], [8, 2]])[1], rel=1e-12)


def test_the_z_test_equals_pearsons_chi_square_of_the_two_by_two_table():
    p, test = _pair([40.0], [100.0], 20.0, 100.0)
    assert test[0] == "z-test"
    table = [[40, 60], [20, 80]]
    expected = stats.chi2_contingency(table, correction=False)[1]
    assert p[0] == pytest.approx(expected, rel=1e-12)


def test_groups_below_the_minimum_size_are_not_tested():
    p, test = _pair([1.0, 40.0], [5.0, 100.0], 20.0, 100.0, 30)
    assert np.isnan(p[0]) and test[0] == "none (small group)"
    assert test[1] == "z-test"


def test_comparisons_vectorize_over_leading_axes():
    x = np.array([[5.0, 20.0, 7.0], [0.0, 3.0, 9.0]])
    n = np.array([50.0, 100.0, 30.0])
    both = rate_comparisons(x, np.broadcast_to(n, x.shape), ref=1)
    for row in range(2):
        one = rate_comparisons(x[row], n, ref=1)
        for key in ("value", "lower", "difference_lower", "ratio_upper", "p_value"):
            np.testing.assert_array_equal(both[key][row], one[key])
