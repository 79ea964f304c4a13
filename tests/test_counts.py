"""The sufficient-statistics table: reduction, combination of partitions, marginals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope.core._bincount
import fairscope.core._counts
from fairscope.core._counts import GroupCounts, chunked_bincount, reduce_confusion
from fairscope.core._groups import encode_groups


def counts_of(y_true, y_pred, features: dict, weight=None) -> GroupCounts:
    groups = encode_groups(pd.DataFrame(features))
    return reduce_confusion(
        np.asarray(y_true, bool),
        np.asarray(y_pred, bool),
        groups.codes,
        groups.index,
        weight,
        orders=groups.orders,
    )


def test_cells_are_tn_fp_fn_tp_by_hand():
    c = counts_of([0, 0, 1, 1, 1], [0, 1, 0, 1, 1], {"g": ["a"] * 5})
    assert c.rows.tolist() == [[1, 1, 1, 2]]
    assert c.weighted.tolist() == [[1.0, 1.0, 1.0, 2.0]]
    assert not c.has_weights


def test_weighted_cells_and_squared_weights_by_hand():
    c = counts_of([0, 1, 1], [0, 1, 1], {"g": ["a", "a", "b"]}, weight=np.array([2.0, 0.5, 3.0]))
    assert c.weighted.tolist() == [[2.0, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 3.0]]
    assert c.squared_weights.tolist() == [[4.0, 0.0, 0.0, 0.25], [0.0, 0.0, 0.0, 9.0]]
    assert c.rows.tolist() == [[1, 0, 0, 1], [0, 0, 0, 1]]


def test_reduction_matches_a_pandas_groupby():
    rng = np.random.default_rng(0)
    n = 5000
    frame = pd.DataFrame(
        {
            "g": rng.choice(list("abcd"), n),
            "t": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
            "w": rng.random(n),
        }
    )
    c = counts_of(frame["t"], frame["p"], {"g": frame["g"]}, weight=frame["w"].to_numpy())
    expected = (
        frame.assign(cell=frame["t"] * 2 + frame["p"])
        .pivot_table(index="g", columns="cell", values="w", aggfunc="sum", fill_value=0.0)
        .to_numpy()
    )
    np.testing.assert_allclose(c.weighted, expected, rtol=1e-12)


def test_chunk_size_does_not_change_the_counts(monkeypatch):
    rng = np.random.default_rng(1)
    n = 1000
    args = (rng.random(n) < 0.4, rng.random(n) < 0.5, {"g": rng.choice(list("xyz"), n)})
    w = rng.random(n)
    whole = counts_of(*args, weight=w)
    monkeypatch.setattr(fairscope.core._counts, "CHUNK_ROWS", 37)
    chunked = counts_of(*args, weight=w)
    assert chunked.rows.tolist() == whole.rows.tolist()
    np.testing.assert_allclose(chunked.weighted, whole.weighted, rtol=1e-12)
    np.testing.assert_allclose(chunked.squared_weights, whole.squared_weights, rtol=1e-12)


def test_chunked_bincount_equals_bincount(monkeypatch):
    monkeypatch.setattr(fairscope.core._bincount, "CHUNK_ROWS", 3)
    values = np.array([3, -1, 0, 3, 3, -1, 2], dtype=np.int8)
    weights = np.arange(7, dtype=float)
    assert chunked_bincount(values, 5, offset=1).tolist() == np.bincount(values + 1).tolist()
    assert (
        chunked_bincount(values, 5, weights, offset=1).tolist()
        == np.bincount(values + 1, weights).tolist()
    )


def test_to_frame_without_weights():
    c = counts_of([0, 1], [0, 1], {"g": ["a", "b"]})
    frame = c.to_frame()
    assert frame.columns.tolist() == ["n", "tn", "fp", "fn", "tp"]
    assert frame["n"].tolist() == [1, 1]


def test_to_frame_with_weights_shows_weight_and_row_cells():
    c = counts_of([0, 1], [0, 1], {"g": ["a", "b"]}, weight=np.array([2.0, 3.0]))
    frame = c.to_frame()
    assert frame.columns.tolist() == [
        "n",
        "weight",
        "tn",
        "fp",
        "fn",
        "tp",
        "rows_tn",
        "rows_fp",
        "rows_fn",
        "rows_tp",
    ]
    assert frame["weight"].tolist() == [2.0, 3.0]


def test_combine_adds_matching_groups_and_keeps_the_others():
    first = counts_of([0, 1], [0, 1], {"g": ["a", "b"]})
    second = counts_of([1, 1], [0, 0], {"g": ["b", "c"]})
    both = first.combine(second)
    assert both.groups.tolist() == ["a", "b", "c"]
    assert both.rows.tolist() == [[1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]]


def test_combine_keeps_a_categorical_order():
    order = ["low", "mid", "high"]
    first = counts_of([0, 1], [0, 1], {"g": pd.Categorical(["high", "low"], categories=order)})
    second = counts_of([1, 1], [0, 0], {"g": pd.Categorical(["mid", "high"], categories=order)})
    assert first.combine(second).groups.tolist() == order
    assert second.combine(first).groups.tolist() == order


def test_combine_uses_the_declared_order_when_no_partition_shows_it():
    order = ["low", "mid", "high"]
    first = counts_of([0], [0], {"g": pd.Categorical(["high"], categories=order)})
    second = counts_of([1], [0], {"g": pd.Categorical(["low"], categories=order)})
    assert first.combine(second).groups.tolist() == ["low", "high"]
    assert first.combine(second).orders == {"g": tuple(order)}


def test_combine_rejects_other_features():
    a = counts_of([0, 1], [0, 1], {"g": ["a", "b"]})
    b = counts_of([0, 1], [0, 1], {"h": ["a", "b"]})
    with pytest.raises(
        ValueError, match=r"cannot combine counts over features \('g',\) and \('h',\)"
    ):
        a.combine(b)


def test_marginal_sums_over_the_other_features():
    c = counts_of(
        [0, 1, 1, 0], [0, 1, 0, 0], {"sex": ["F", "F", "M", "M"], "race": ["x", "y", "x", "y"]}
    )
    race = c.marginal("race")
    assert race.features == ("race",)
    assert race.groups.tolist() == ["x", "y"]
    assert race.rows.tolist() == [[1, 0, 1, 0], [1, 0, 0, 1]]


def test_marginal_in_a_requested_feature_order():
    c = counts_of(
        [0, 1, 1], [0, 1, 0], {"a": ["1", "1", "2"], "b": ["p", "q", "p"], "c": ["u", "u", "v"]}
    )
    sub = c.marginal(["c", "a"])
    assert sub.groups.names == ["c", "a"]
    assert sub.groups.tolist() == [("u", "1"), ("v", "2")]


def test_marginal_rejects_unknown_feature():
    c = counts_of([0, 1], [0, 1], {"sex": ["F", "M"], "race": ["x", "y"]})
    with pytest.raises(
        ValueError,
        match=r"'age' is not a sensitive feature of this audit; choose from \['sex', 'race'\]",
    ):
        c.marginal("age")


def test_shape_is_checked():
    with pytest.raises(ValueError, match=r"GroupCounts.weighted must have shape \(1, 4\)"):
        GroupCounts(("g",), pd.Index(["a"]), np.zeros((2, 4)), np.zeros((1, 4)), np.zeros((1, 4)))
