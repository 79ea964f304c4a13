"""The multinomial bootstrap on count tables equals resampling rows, in distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fairscope.core._bootstrap import (
    bca_interval,
    bootstrap_counts,
    jackknife_counts,
    percentile_interval,
)
from fairscope.core._counts import reduce_confusion
from fairscope.core._registry import get_metric

B = 4000
# Quantiles of a rate of a 30-row group are estimated from 4000 replicates with a standard
# error of about 0.005; two independent estimates agree within 0.03 (about 4 standard
# errors of the difference) unless the two distributions differ.
TOLERANCE = 0.03
QUANTILES = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975]


def _small_data(seed: int = 3, n: int = 90, weights: bool = False):
    rng = np.random.default_rng(seed)
    codes = np.repeat([0, 1, 2], [30, 45, 15])[:n]
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(codes == 1, 0.7, 0.4)).astype(int)
    w = rng.choice([0.5, 1.0, 4.0], n) if weights else None
    return y_true, y_pred, codes, w


def _counts(y_true, y_pred, codes, w=None):
    return reduce_confusion(y_true, y_pred, codes, pd.Index(["a", "b", "c"], name="g"), w)


def _brute_force(y_true, y_pred, codes, w, rng, stratified=False):
    """Resample rows B times and reduce each resample to counts (the slow reference)."""
    n = len(y_true)
    if stratified:
        index = np.concatenate(
            [
                rng.choice(np.flatnonzero(codes == g), size=(B, int((codes == g).sum())))
                for g in range(3)
            ],
            axis=1,
        )
    else:
        index = rng.integers(0, n, size=(B, n))
    cell = (codes * 4 + y_true * 2 + y_pred)[index] + 12 * np.arange(B)[:, None]
    weight = None if w is None else w[index].ravel()
    tables = np.bincount(cell.ravel(), weights=weight, minlength=12 * B)
    return tables.reshape(B, 3, 4)


def _rates(weighted, metric="selection_rate"):
    return get_metric(metric).compute(weighted)


@pytest.mark.parametrize("metric", ["selection_rate", "false_positive_rate", "precision"])
def test_multinomial_bootstrap_has_the_distribution_of_row_resampling(metric):
    y_true, y_pred, codes, _ = _small_data()
    counts = _counts(y_true, y_pred, codes)
    fast = _rates(bootstrap_counts(counts, B, random_state=1).weighted, metric)
    slow = _rates(_brute_force(y_true, y_pred, codes, None, np.random.default_rng(2)), metric)
    for g in range(3):
        q_fast = np.nanquantile(fast[:, g], QUANTILES)
        q_slow = np.nanquantile(slow[:, g], QUANTILES)
        np.testing.assert_allclose(q_fast, q_slow, atol=TOLERANCE)
    # The difference between two groups, which depends on their joint distribution.
    diff_fast, diff_slow = fast[:, 1] - fast[:, 0], slow[:, 1] - slow[:, 0]
    np.testing.assert_allclose(
        np.nanquantile(diff_fast, QUANTILES), np.nanquantile(diff_slow, QUANTILES), atol=TOLERANCE
    )


def test_multinomial_bootstrap_lets_group_sizes_vary_like_row_resampling():
    y_true, y_pred, codes, _ = _small_data()
    reps = bootstrap_counts(_counts(y_true, y_pred, codes), B, random_state=4)
    sizes = reps.rows.sum(axis=2)
    assert (sizes.sum(axis=1) == 90).all()
    # Group a holds 30 of 90 rows: its size is Binomial(90, 1/3), sd = sqrt(20) = 4.47.
    assert sizes[:, 0].mean() == pytest.approx(30, abs=0.3)
    assert sizes[:, 0].std() == pytest.approx(np.sqrt(20), rel=0.05)


def test_stratified_bootstrap_holds_group_sizes_and_resamples_within_groups():
    y_true, y_pred, codes, _ = _small_data()
    counts = _counts(y_true, y_pred, codes)
    reps = bootstrap_counts(counts, B, scheme="stratified", random_state=5)
    assert (reps.rows.sum(axis=2) == counts.group_rows).all()
    fast = _rates(reps.weighted)
    slow = _rates(
        _brute_force(y_true, y_pred, codes, None, np.random.default_rng(6), stratified=True)
    )
    for g in range(3):
        np.testing.assert_allclose(
            np.quantile(fast[:, g], QUANTILES), np.quantile(slow[:, g], QUANTILES), atol=TOLERANCE
        )


def test_weighted_bootstrap_matches_resampling_weighted_rows():
    # Weights 0.5, 1 and 4 within each cell: the moment-matched weight sums must give the
    # distribution of the weighted rates that resampling weighted rows gives.
    y_true, y_pred, codes, w = _small_data(seed=8, weights=True)
    counts = _counts(y_true, y_pred, codes, w)
    reps = bootstrap_counts(counts, B, random_state=9)
    fast = _rates(reps.weighted)
    slow = _rates(_brute_force(y_true, y_pred, codes, w, np.random.default_rng(10)))
    for g in range(2):  # the 15-row group is too small for a normal approximation
        np.testing.assert_allclose(
            np.quantile(fast[:, g], QUANTILES), np.quantile(slow[:, g], QUANTILES), atol=0.04
        )
        assert fast[:, g].std() == pytest.approx(slow[:, g].std(), rel=0.1)


def test_weighted_bootstrap_is_exact_when_weights_are_constant_within_cells():
    y_true, y_pred, codes, _ = _small_data()
    w = 1.0 + codes  # constant per group, so per cell
    reps = bootstrap_counts(_counts(y_true, y_pred, codes, w), 200, random_state=0)
    np.testing.assert_allclose(reps.weighted, reps.rows * (1.0 + np.arange(3))[:, None])


def test_bootstrap_is_deterministic_with_random_state():
    counts = _counts(*_small_data()[:3])
    a = bootstrap_counts(counts, 50, random_state=123)
    b = bootstrap_counts(counts, 50, random_state=123)
    c = bootstrap_counts(counts, 50, random_state=124)
    np.testing.assert_array_equal(a.rows, b.rows)
    assert not np.array_equal(a.rows, c.rows)


def test_bootstrap_never_draws_empty_cells():
    counts = _counts(*_small_data()[:3])
    empty = counts.rows == 0
    reps = bootstrap_counts(counts, 300, random_state=0)
    assert (reps.rows[:, empty] == 0).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n_boot": 0}, "n_boot must be a positive integer"), ({"scheme": "x"}, "bootstrap='x'")],
)
def test_bootstrap_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_counts(_counts(*_small_data()[:3]), **kwargs)


def test_percentile_interval_equals_numpy_quantiles_ignoring_undefined_replicates():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(999, 3))
    values[:100, 1] = np.nan
    lower, upper = percentile_interval(values, 0.9)
    np.testing.assert_allclose(lower, np.nanquantile(values, 0.05, axis=0))
    np.testing.assert_allclose(upper, np.nanquantile(values, 0.95, axis=0))


def test_jackknife_tables_remove_one_row_of_each_occupied_cell():
    counts = _counts(*_small_data()[:3])
    _, rows, mult = jackknife_counts(counts)
    assert mult.sum() == counts.rows.sum()
    assert (rows.sum(axis=(1, 2)) == counts.rows.sum() - 1).all()
    np.testing.assert_array_equal(mult, counts.rows[counts.rows > 0])


def test_bca_interval_agrees_with_scipy_bootstrap_bca_for_a_rate():
    # The cell jackknife is the row jackknife, so BCa from counts must agree with scipy's
    # BCa on the rows (up to Monte Carlo error of the two bootstraps).
    rng = np.random.default_rng(12)
    y = (rng.random(80) < 0.15).astype(int)
    counts = reduce_confusion(np.zeros(80, int), y, np.zeros(80, int), pd.Index(["a"], name="g"))
    metric = get_metric("selection_rate")
    reps = bootstrap_counts(counts, 20000, random_state=13)
    jw, _, mult = jackknife_counts(counts)
    lower, upper = bca_interval(
        metric.compute(reps.weighted)[:, 0],
        metric.compute(counts.weighted)[0],
        metric.compute(jw)[:, 0],
        mult,
    )
    ref = stats.bootstrap(
        (y,), np.mean, n_resamples=20000, method="BCa", random_state=14
    ).confidence_interval
    assert lower == pytest.approx(ref.low, abs=0.01)
    assert upper == pytest.approx(ref.high, abs=0.01)
    naive_lo, naive_hi = percentile_interval(metric.compute(reps.weighted)[:, 0])
    assert (lower, upper) != (naive_lo, naive_hi)


def test_percentile_interval_of_a_difference_covers_95_percent_of_1000_simulated_data_sets():
    # Each simulated audit: 500 rows drawn from a population with selection rates 0.30 (a, 40%
    # of rows) and 0.20 (b); 250 multinomial replicates of its count table each. (1000 data
    # sets keep the test fast; the standard error of the coverage is then 0.7%.)
    from fairscope.core._counts import GroupCounts

    rng = np.random.default_rng(2026)
    share = np.array([0.4, 0.6])
    rate = np.array([0.3, 0.2])
    # cells TN, FP, FN, TP with labels independent of predictions (label rate 0.5)
    p_cells = np.stack([share * (1 - rate) / 2, share * rate / 2] * 2, axis=1)
    tables = rng.multinomial(500, p_cells.ravel(), size=1000).reshape(1000, 2, 4)
    index = pd.Index(["a", "b"], name="g")
    metric = get_metric("selection_rate")
    diffs = np.empty((1000, 250))
    for i, table in enumerate(tables):
        counts = GroupCounts(("g",), index, table.astype(float), table, table.astype(float))
        rates = metric.compute(bootstrap_counts(counts, 250, random_state=i).weighted)
        diffs[i] = rates[:, 0] - rates[:, 1]
    lower, upper = percentile_interval(diffs.T)
    truth = rate[0] - rate[1]
    coverage = np.mean((lower <= truth) & (truth <= upper))
    assert 0.93 <= coverage <= 0.97
