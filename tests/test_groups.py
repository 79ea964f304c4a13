"""Encoding sensitive features into groups: dtypes, documented order, missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope.core._counts
import fairscope.core._groups
from fairscope import GroupMetrics
from fairscope.core._groups import MISSING, encode_feature, encode_groups


def labels_of(values) -> list[str]:
    return encode_feature(pd.Series(values), "f")[1]


def test_strings_are_sorted():
    assert labels_of(["b", "c", "a", "b"]) == ["a", "b", "c"]


def test_categorical_keeps_declared_order_and_drops_unused_categories():
    values = pd.Categorical(["low", "high", "mid"], categories=["low", "mid", "high", "unused"])
    assert labels_of(values) == ["low", "mid", "high"]


def test_integers_are_sorted_numerically():
    assert labels_of([10, 2, 1, 2]) == ["1", "2", "10"]


def test_booleans_false_before_true():
    assert labels_of([True, False, True]) == ["False", "True"]


def test_float_with_nan_gives_integer_labels_and_a_missing_group_last():
    # integer codes read from a CSV with blanks become floats
    codes, labels, n_missing = encode_feature(pd.Series([2.0, np.nan, 1.0, 2.0]), "f")
    assert labels == ["1", "2", MISSING]
    assert codes.tolist() == [1, 2, 0, 1]
    assert n_missing == 1


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["b", None, "a"]),
        pd.Series(["b", np.nan, "a"], dtype=object),
        pd.Series(["b", pd.NA, "a"], dtype="string"),
        pd.Categorical(["b", None, "a"], categories=["a", "b"]),
    ],
    ids=["str", "object", "string", "categorical"],
)
def test_missing_values_form_their_own_group_last(values):
    codes, labels, n_missing = encode_feature(pd.Series(values), "f")
    assert labels == ["a", "b", MISSING]
    assert codes.tolist() == [1, 2, 0]
    assert n_missing == 1


def test_nullable_integer_and_boolean_columns():
    assert labels_of(pd.array([3, None, 1], dtype="Int64")) == ["1", "3", MISSING]
    assert labels_of(pd.array([True, None, False], dtype="boolean")) == ["False", "True", MISSING]


def test_mixed_numbers_and_strings_put_numbers_first():
    assert labels_of(np.array(["b", 2, "a", 10], dtype=object)) == ["2", "10", "a", "b"]


def test_values_that_print_the_same_are_rejected():
    with pytest.raises(
        ValueError, match=r"sensitive feature 'f' has distinct values that print the same \('1'\)"
    ):
        labels_of(np.array([1, "1"], dtype=object))


def test_a_value_spelled_like_the_missing_label_is_rejected():
    with pytest.raises(
        ValueError, match="has a value '<missing>', which fairscope uses to label missing values"
    ):
        labels_of(["<missing>", None, "a"])


def test_codes_use_the_smallest_integer_dtype():
    assert encode_feature(pd.Series(["a", "b"] * 10), "f")[0].dtype == np.int8
    assert encode_feature(pd.Series(np.arange(1000)), "f")[0].dtype == np.int16


def test_groups_are_observed_intersections_in_lexicographic_order():
    frame = pd.DataFrame(
        {
            "sex": pd.Categorical(["M", "F", "M", "F"], categories=["M", "F"]),
            "age": [30, 20, 20, 30],
            "race": ["x", "x", "y", None],
        }
    )
    groups = encode_groups(frame)
    assert groups.index.names == ["sex", "age", "race"]
    assert groups.index.tolist() == [
        ("M", "20", "y"),
        ("M", "30", "x"),
        ("F", "20", "x"),
        ("F", "30", MISSING),
    ]
    assert groups.codes.tolist() == [1, 2, 0, 3]
    assert groups.missing == {"sex": 0, "age": 0, "race": 1}


def test_single_feature_index_is_named_and_holds_strings():
    groups = encode_groups(pd.DataFrame({"age": [1, 2]}))
    assert groups.index.name == "age"
    assert groups.index.tolist() == ["1", "2"]


def test_group_order_in_groupmetrics_is_the_documented_order():
    gm = GroupMetrics(
        [1, 0, 1, 0, 1, 0],
        [1, 0, 0, 1, 1, 0],
        pd.Series([10, 9, None, 10, 9, 100], dtype="Int64"),
    )
    assert gm.by_group.index.tolist() == ["9", "10", "100", MISSING]


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(fairscope.core._counts, "CHUNK_ROWS", 7)
    monkeypatch.setattr(fairscope.core._groups, "CHUNK_ROWS", 7)


def test_chunked_encoding_equals_a_whole_column_factorize(tiny_chunks):
    rng = np.random.default_rng(0)
    values = pd.Series(rng.choice(np.array(["d", "a", "c", "b", None], dtype=object), 100))
    codes, labels, n_missing = encode_feature(values, "f")
    expected, uniques = pd.factorize(values, sort=True)
    assert labels == [*uniques, MISSING]
    assert codes.tolist() == np.where(expected < 0, len(uniques), expected).tolist()
    assert n_missing == int(values.isna().sum())


def test_many_combinations_are_compacted_without_changing_groups(monkeypatch):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({f"f{i}": rng.integers(0, 40, 500) for i in range(4)})
    dense = encode_groups(frame)
    monkeypatch.setattr(fairscope.core._groups, "_DENSE_LIMIT", 50)
    compacted = encode_groups(frame)
    assert compacted.index.equals(dense.index)
    assert compacted.codes.tolist() == dense.codes.tolist()


def test_high_cardinality_features_do_not_overflow():
    # 5 features of 20k distinct values: 3.2e21 combinations, more than int64 holds
    n = 20_000
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({f"id{i}": rng.permutation(n) for i in range(5)})
    groups = encode_groups(frame)
    assert len(groups.index) == n
    first = frame.iloc[0].astype(str).tolist()
    assert list(groups.index[groups.codes[0]]) == first
