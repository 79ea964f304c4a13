"""The scipy-free distribution functions agree with scipy (the oracle)."""

import math

import numpy as np
import pytest
from scipy import special, stats

from fairscope.core._distributions import (
    chi2_sf,
    fisher_exact_2x2,
    normal_quantile_two_sided,
    normal_two_sided_p,
)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_normal_quantile_is_scipys_to_the_last_bit_at_the_usual_levels(confidence):
    assert normal_quantile_two_sided(confidence) == special.ndtri(0.5 + confidence / 2)


def test_normal_quantile_matches_scipy_at_other_levels():
    levels = np.linspace(0.01, 0.999, 500)
    ours = np.array([normal_quantile_two_sided(c) for c in levels])
    np.testing.assert_allclose(ours, stats.norm.ppf(0.5 + levels / 2), rtol=1e-14)


def test_two_sided_normal_p_matches_scipy_into_the_far_tail():
    z = np.linspace(-37, 37, 2001)
    np.testing.assert_allclose(normal_two_sided_p(z), 2 * stats.norm.sf(np.abs(z)), rtol=1e-11)
    assert np.isnan(normal_two_sided_p(np.array([np.nan]))[0])


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 9, 10, 29, 30])
def test_chi2_tail_matches_scipy(dof):
    for x in [1e-6, 0.5, 3.0, 12.5, 40.0, 200.0, 900.0]:
        assert chi2_sf(x, dof) == pytest.approx(stats.chi2.sf(x, dof), rel=1e-11)
    assert chi2_sf(0.0, dof) == 1.0
    assert math.isnan(chi2_sf(math.nan, dof))


def test_fisher_exact_matches_scipy_on_random_tables_with_empty_cells():
    rng = np.random.default_rng(7)
    for _ in range(400):
        table = rng.integers(0, 25, 4)
        if rng.random() < 0.3:
            table[rng.integers(4)] = 0
        a, b, c, d = (int(v) for v in table)
        odds, p = fisher_exact_2x2(a, b, c, d)
        expected = stats.fisher_exact([[a, b], [c, d]])
        assert p == pytest.approx(expected.pvalue, rel=1e-9)
        if np.isnan(expected.statistic):
            assert np.isnan(odds)
        else:
            assert odds == expected.statistic


def test_fisher_exact_on_a_large_unbalanced_table():
    # support of 44 tables out of 102,000 rows: the log-space sum keeps its precision
    expected = stats.fisher_exact([[3, 2000], [40, 100000]]).pvalue
    assert fisher_exact_2x2(3, 2000, 40, 100000)[1] == pytest.approx(expected, rel=1e-8)


def test_fisher_on_many_tables_at_once_equals_scipy():
    # above MANY_TABLES groups the test runs on all tables as one array operation
    from fairscope.compute._proportion_tests import MANY_TABLES, fisher_exact_test

    rng = np.random.default_rng(7)
    k = 4 * MANY_TABLES
    x1 = rng.integers(0, 15, k)
    n1 = x1 + rng.integers(0, 15, k)
    x2 = rng.integers(0, 200, k)
    n2 = x2 + rng.integers(0, 200, k)
    odds, p = fisher_exact_test(x1, n1, x2, n2)
    for i in range(k):
        if n1[i] == 0 or n2[i] == 0:  # an empty group is not tested (NaN), on either path
            assert np.isnan(p[i])
            continue
        expected = stats.fisher_exact([[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]])
        assert p[i] == pytest.approx(expected.pvalue, rel=1e-11)
        assert odds[i] == pytest.approx(expected.statistic, rel=1e-12, nan_ok=True)
