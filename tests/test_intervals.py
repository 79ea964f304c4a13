"""Binomial and MOVER intervals: exactness against scipy, Kish's n, and coverage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fairscope.core._intervals import (
    binomial_interval,
    clopper_pearson_interval,
    kish_effective_n,
    mover_difference,
    wilson_interval,
)

CASES = [(0, 1), (1, 1), (0, 7), (7, 7), (1, 10), (5, 10), (3, 17), (49, 50), (12, 400)]


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize(("x", "n"), CASES)
def test_wilson_equals_scipy_binomtest(x, n, confidence):
    expected = stats.binomtest(x, n).proportion_ci(confidence, method="wilson")
    lower, upper = wilson_interval(x, n, confidence)
    assert lower == pytest.approx(expected.low, abs=1e-9)
    assert upper == pytest.approx(expected.high, abs=1e-9)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize(("x", "n"), CASES)
def test_clopper_pearson_equals_scipy_exact(x, n, confidence):
    expected = stats.binomtest(x, n).proportion_ci(confidence, method="exact")
    lower, upper = clopper_pearson_interval(x, n, confidence)
    assert lower == pytest.approx(expected.low, abs=1e-9)
    assert upper == pytest.approx(expected.high, abs=1e-9)


def test_clopper_pearson_is_vectorized_and_nan_for_empty_populations():
    lower, upper = clopper_pearson_interval(np.array([[0, 3], [2, 0]]), np.array([[5, 9], [4, 0]]))
    assert lower.shape == (2, 2)
    assert np.isnan(lower[1, 1]) and np.isnan(upper[1, 1])
    expected = stats.binomtest(3, 9).proportion_ci(method="exact")
    assert lower[0, 1] == pytest.approx(expected.low, abs=1e-12)


def test_clopper_pearson_is_wider_than_wilson():
    x, n = np.arange(1, 20), np.full(19, 20)
    cp_lo, cp_hi = clopper_pearson_interval(x, n)
    w_lo, w_hi = wilson_interval(x, n)
    assert np.all(cp_hi - cp_lo > w_hi - w_lo)


def test_clopper_pearson_accepts_non_integer_effective_counts_monotonically():
    # Weighted data give effective counts such as 2.5 of 7.3; bounds lie between those
    # of the neighbouring integer tables.
    lo, hi = clopper_pearson_interval(2.5, 7.3)
    lo_a, hi_a = clopper_pearson_interval(2, 7)
    lo_b, hi_b = clopper_pearson_interval(3, 8)
    assert min(lo_a, lo_b) < lo < max(lo_a, lo_b)
    assert min(hi_a, hi_b) < hi < max(hi_a, hi_b)


def test_binomial_interval_rejects_unknown_method():
    with pytest.raises(ValueError, match=r"method='agresti'.*wilson"):
        binomial_interval(1, 2, method="agresti")


def test_kish_effective_n_equals_n_for_equal_weights_and_shrinks_for_unequal():
    assert kish_effective_n(10 * 2.0, 10 * 4.0) == pytest.approx(10)
    w = np.array([1.0, 1.0, 1.0, 5.0])
    assert kish_effective_n(w.sum(), (w**2).sum()) == pytest.approx(64 / 28)


def _coverage_rate(p: float, n: int, sims: int, rng: np.random.Generator, method: str):
    x = rng.binomial(n, p, size=sims)
    lower, upper = binomial_interval(x, np.full(sims, n), 0.95, method)
    return float(np.mean((lower <= p) & (p <= upper)))


def test_wilson_interval_of_a_rate_covers_95_percent_of_2000_simulated_data_sets():
    rng = np.random.default_rng(20261125)
    coverage = _coverage_rate(0.3, 150, 2000, rng, "wilson")
    assert 0.93 <= coverage <= 0.97


def test_clopper_pearson_covers_at_least_nominal_in_simulation():
    rng = np.random.default_rng(7)
    coverage = _coverage_rate(0.3, 150, 2000, rng, "clopper-pearson")
    assert 0.95 <= coverage <= 0.985


def test_mover_interval_of_a_difference_covers_95_percent_of_2000_simulated_data_sets():
    rng = np.random.default_rng(11)
    p1, p2, n1, n2, sims = 0.35, 0.25, 120, 300, 2000
    x1, x2 = rng.binomial(n1, p1, sims), rng.binomial(n2, p2, sims)
    l1, u1 = wilson_interval(x1, n1)
    l2, u2 = wilson_interval(x2, n2)
    lower, upper = mover_difference(x1 / n1, l1, u1, x2 / n2, l2, u2)
    coverage = np.mean((lower <= p1 - p2) & (p1 - p2 <= upper))
    assert 0.93 <= coverage <= 0.97


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5000), frac=st.floats(0, 1), level=st.sampled_from([0.8, 0.95, 0.99]))
def test_rate_intervals_contain_the_estimate_and_nest_by_level(n, frac, level):
    x = round(frac * n)
    for method in ("wilson", "clopper-pearson"):
        lower, upper = binomial_interval(x, n, level, method)
        assert 0 <= lower <= x / n <= upper <= 1
        wide_lo, wide_hi = binomial_interval(x, n, 0.999, method)
        assert wide_lo <= lower and upper <= wide_hi
