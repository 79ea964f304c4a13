"""The reductions of a dataset audit give exactly the numbers of their plain definitions.

The encoding, the per-group column statistics and the dataset metrics take
shortcuts for speed (no selection of the observed rows, integer counts for unit
weights, bins counted block by block); each test checks one shortcut against the
straightforward computation, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope.audits._column_stats import CENTRE_SAMPLE, ColumnStats, reduce_columns
from fairscope.audits._dataset_groups import encode_feature_sets
from fairscope.audits._dataset_peers import dataset_metrics_table
from fairscope.audits._label_bias import decode_target
from fairscope.core._feature_columns import encode_column, quantile_bins


def _values(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(size=n), 1)  # rounded: many values sit on a bin edge
    values[rng.random(n) < 0.1] = np.nan
    return values


def test_numeric_codes_are_the_searchsorted_bins_of_the_observed_values():
    values = _values(90_000)  # more rows than one block, no sampling of the edges
    observed = ~np.isnan(values)
    edges = np.unique(np.quantile(values[observed], np.linspace(0, 1, 11)[1:-1]))
    col = encode_column(pd.Series(values), "x")
    expected = np.where(observed, np.searchsorted(edges, values, side="right"), -1)
    np.testing.assert_array_equal(col.codes, expected)
    np.testing.assert_array_equal(col.narrow_codes, expected)
    assert col.codes.dtype == np.int64 and col.narrow_codes.dtype == np.int8
    assert col.categories == [f"bin {i}" for i in range(expected.max() + 1)]


def test_infinite_values_are_missing_and_a_single_observed_value_is_constant():
    col = encode_column(pd.Series([np.inf, 2.0, np.nan, -np.inf, 2.0]), "x")
    assert col.missing.tolist() == [True, False, True, True, False]
    assert np.isnan(col.numbers[[0, 2, 3]]).all()
    # the one edge is the value itself: observed rows are at or above it
    assert col.codes.tolist() == [-1, 1, -1, -1, 1] and col.n_codes == 2
    assert col.constant


def test_quantile_bins_mask_missing_rows_whatever_their_values():
    values = np.arange(200, dtype=float)
    missing = values % 3 == 0
    codes = quantile_bins(values, missing, n_bins=200)  # more edges than an int8 counts
    edges = np.unique(np.quantile(values[~missing], np.linspace(0, 1, 201)[1:-1]))
    expected = np.where(missing, -1, np.searchsorted(edges, values, side="right"))
    np.testing.assert_array_equal(codes, expected)


@pytest.mark.parametrize("n", [1_000, CENTRE_SAMPLE + 50_000])
def test_column_sums_equal_those_over_the_observed_rows_bit_for_bit(n):
    rng = np.random.default_rng(n)
    values = rng.lognormal(size=n) * 1e3
    values[rng.random(n) < 0.3] = np.nan
    groups = rng.integers(0, 6, n)
    col = encode_column(pd.Series(values), "x")
    stats = ColumnStats.reduce(col, groups, 6)
    observed = ~np.isnan(values)
    centre = float(values[observed][:CENTRE_SAMPLE].mean())
    centred = values[observed] - centre
    assert stats.centre == centre
    np.testing.assert_array_equal(
        stats.sums, np.bincount(groups[observed], weights=centred, minlength=6)
    )
    np.testing.assert_array_equal(
        stats.squares, np.bincount(groups[observed], weights=centred * centred, minlength=6)
    )
    crosstab = pd.crosstab(np.where(observed, col.codes, 99), groups).to_numpy()
    np.testing.assert_array_equal(stats.table, crosstab)  # missing (99) last


def test_dataset_metrics_without_weights_are_those_of_unit_weights_bit_for_bit():
    rng = np.random.default_rng(11)
    n = 4000
    sens = pd.DataFrame({"a": rng.choice(["x", "y", "z"], n), "b": rng.choice(["p", "q"], n)})
    label = pd.Series(rng.integers(0, 2, n).astype(float))
    label[rng.random(n) < 0.05] = np.nan  # unlabelled rows are left out of the label metrics
    sets = encode_feature_sets(sens)
    target = decode_target(label, "y", None, None)
    strata = rng.integers(0, 3, n)
    unweighted = dataset_metrics_table(sets, target, None, strata)
    unit = dataset_metrics_table(sets, target, np.ones(n), strata)
    pd.testing.assert_frame_equal(unweighted, unit, check_exact=True)
    assert set(unweighted["metric"]) == {
        "class_imbalance",
        "kl_divergence",
        "smoothed_empirical_differential_fairness",
        "conditional_demographic_disparity",
    }


def test_columns_reduced_together_are_those_reduced_one_by_one():
    # the reductions share their row buffers: no column's statistics may keep them
    rng = np.random.default_rng(12)
    n = 70_000  # more rows than one block
    groups = rng.integers(0, 4, n).astype(np.int8)
    columns = [
        encode_column(pd.Series(_values(n, seed=1)), "a"),
        encode_column(pd.Series(rng.choice(["u", "v", None], n)), "b"),
        encode_column(pd.Series(_values(n, seed=2) * 100), "c"),
    ]
    together = reduce_columns(columns, groups, 4)
    for col, stats in zip(columns, together, strict=True):
        alone = ColumnStats.reduce(col, groups, 4)
        np.testing.assert_array_equal(stats.table, alone.table)
        for got, expected in ((stats.sums, alone.sums), (stats.squares, alone.squares)):
            assert (got is None and expected is None) or np.array_equal(got, expected)
    assert not np.array_equal(together[0].sums, together[2].sums)
