"""Properties of the engine, checked with hypothesis on random small audits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairscope import GroupMetrics
from fairscope.core._counts import GroupCounts, reduce_confusion
from fairscope.core._groups import encode_groups

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEX_ORDER = ["M", "F", "X"]  # a declared categorical order that is not alphabetical


@st.composite
def audits(draw, min_rows: int = 1):
    n = draw(st.integers(min_rows, 40))
    bits = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    return {
        "y_true": np.array(draw(bits)),
        "y_pred": np.array(draw(bits)),
        "sex": draw(st.lists(st.sampled_from(SEX_ORDER), min_size=n, max_size=n)),
        "race": draw(st.lists(st.sampled_from(["b", "a", None, "c"]), min_size=n, max_size=n)),
        "age": draw(st.lists(st.sampled_from([30, 5, 100]), min_size=n, max_size=n)),
        "weight": np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float),
    }


def features(data: dict, rows=slice(None), names=("sex", "race", "age")) -> pd.DataFrame:
    columns = {
        "sex": pd.Categorical(np.asarray(data["sex"], dtype=object)[rows], categories=SEX_ORDER),
        "race": np.asarray(data["race"], dtype=object)[rows],
        "age": np.asarray(data["age"])[rows],
    }
    return pd.DataFrame({name: columns[name] for name in names})


def counts(data: dict, rows=slice(None), names=("sex", "race", "age"), weighted=True):
    groups = encode_groups(features(data, rows, names))
    return reduce_confusion(
        data["y_true"][rows].astype(bool),
        data["y_pred"][rows].astype(bool),
        groups.codes,
        groups.index,
        data["weight"][rows] if weighted else None,
        orders=groups.orders,
    )


def assert_same_counts(left: GroupCounts, right: GroupCounts) -> None:
    assert left.features == right.features
    assert left.groups.tolist() == right.groups.tolist()
    assert left.rows.tolist() == right.rows.tolist()
    np.testing.assert_allclose(left.weighted, right.weighted, rtol=1e-12)
    np.testing.assert_allclose(left.squared_weights, right.squared_weights, rtol=1e-12)


def both_classes(data: dict) -> bool:
    return 0 < data["y_true"].sum() < len(data["y_true"])


@SETTINGS
@given(audits(min_rows=2), st.randoms(use_true_random=False))
def test_row_order_does_not_change_results(data, random):
    assume(both_classes(data) and data["weight"].sum() > 0)
    order = np.array(random.sample(range(len(data["y_true"])), len(data["y_true"])))
    shuffled = {
        k: np.asarray(v, dtype=object if k in ("sex", "race") else None)[order]
        for k, v in data.items()
    }
    args = {"metrics": ["selection_rate", "tpr", "fpr", "f1", "count"]}
    first = GroupMetrics(
        data["y_true"], data["y_pred"], features(data), sample_weight=data["weight"], **args
    )
    second = GroupMetrics(
        shuffled["y_true"],
        shuffled["y_pred"],
        features(shuffled),
        sample_weight=shuffled["weight"],
        **args,
    )
    pd.testing.assert_frame_equal(first.by_group, second.by_group, rtol=1e-12)
    pd.testing.assert_series_equal(first.overall, second.overall, rtol=1e-12)


@SETTINGS
@given(audits())
def test_integer_weights_equal_duplicated_rows(data):
    repeat = data["weight"].astype(int)
    assume(repeat.sum() > 0)
    duplicated = {
        "y_true": np.repeat(data["y_true"], repeat),
        "y_pred": np.repeat(data["y_pred"], repeat),
        "sex": np.repeat(np.asarray(data["sex"], dtype=object), repeat),
        "race": np.repeat(np.asarray(data["race"], dtype=object), repeat),
        "age": np.repeat(data["age"], repeat),
    }
    weighted = counts(data)
    expanded = counts(duplicated, weighted=False)
    # groups whose every row has weight 0 exist only in the weighted table
    present = weighted.weighted.sum(axis=1) > 0
    assert weighted.groups[present].tolist() == expanded.groups.tolist()
    np.testing.assert_array_equal(weighted.weighted[present], expanded.weighted)


@SETTINGS
@given(audits(min_rows=2), st.data())
def test_counts_of_two_halves_combine_to_the_whole(data, draw):
    n = len(data["y_true"])
    cut = draw.draw(st.integers(1, n - 1))
    first, second = slice(0, cut), slice(cut, n)
    combined = counts(data, first).combine(counts(data, second))
    assert_same_counts(combined, counts(data))
    assert_same_counts(counts(data, second).combine(counts(data, first)), counts(data))


@SETTINGS
@given(audits(), st.sampled_from([("sex",), ("race",), ("age",), ("age", "sex"), ("race", "age")]))
def test_marginal_equals_a_direct_audit_of_those_features(data, subset):
    assert_same_counts(counts(data).marginal(list(subset)), counts(data, names=subset))


@SETTINGS
@given(audits(min_rows=2))
def test_for_feature_equals_groupmetrics_on_that_feature(data):
    assume(both_classes(data))
    metrics = ["selection_rate", "fnr", "balanced_accuracy"]
    full = GroupMetrics(data["y_true"], data["y_pred"], features(data), metrics=metrics)
    alone = GroupMetrics(
        data["y_true"], data["y_pred"], features(data, names=("sex",)), metrics=metrics
    )
    pd.testing.assert_frame_equal(full.for_feature("sex").by_group, alone.by_group)
