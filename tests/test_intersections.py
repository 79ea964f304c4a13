"""The one-pass reduce gives exactly the counts, groups and order of encode + reduce."""

import warnings

import numpy as np
import pandas as pd
import pytest

import fairscope.core._intersections as intersections
from fairscope.core._counts import reduce_confusion
from fairscope.core._groups import MISSING, encode_groups
from fairscope.core._intersections import reduce_groups_confusion, reduce_intersections
from fairscope.core._warnings import InputWarning

N = 20_000
RNG = np.random.default_rng(3)
RACE = np.array(["White", "Black", None, "Asian"], dtype=object)[RNG.integers(0, 4, N)]
SEX = pd.Categorical.from_codes(RNG.integers(-1, 2, N), ["female", "male", "unused"])
AGE = RNG.choice([25.0, 40.0, np.nan, 70.0], N)

FEATURES = {
    "object": pd.DataFrame({"race": RACE}),
    "categorical with missing and an unused category": pd.DataFrame({"sex": SEX}),
    "categorical x object": pd.DataFrame({"sex": SEX, "race": RACE}),
    "arrow strings x float": pd.DataFrame(
        {"race": pd.Series(RACE, dtype="string[pyarrow]"), "age": AGE}
    ),
    "three features": pd.DataFrame({"age": AGE, "race": RACE, "sex": SEX}),
    "mixed types": pd.DataFrame(
        {"m": np.array([1, "a", 2.5, None], dtype=object)[RNG.integers(0, 4, N)]}
    ),
    "300 categories (int16 codes)": pd.DataFrame(
        {
            "code": pd.Categorical.from_codes(
                RNG.integers(-1, 300, N), [f"c{i:03d}" for i in range(300)]
            ),
            "sex": SEX,
        }
    ),
}


def _expected(y, p, features, weight):
    groups = encode_groups(features)
    counts = reduce_confusion(y, p, groups.codes, groups.index, weight, orders=groups.orders)
    return counts, groups.missing


@pytest.mark.parametrize("chunk", [1 << 20, 1000])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", list(FEATURES))
def test_one_pass_counts_are_bit_identical_to_encode_then_reduce(
    kind, weighted, chunk, monkeypatch
):
    monkeypatch.setattr(intersections, "CHUNK_ROWS", chunk)
    monkeypatch.setattr("fairscope.core._counts.CHUNK_ROWS", chunk)
    features = FEATURES[kind]
    y = RNG.integers(0, 2, N).astype(np.int8)
    p = RNG.integers(0, 2, N).astype(bool)
    weight = RNG.uniform(0.1, 3.0, N) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        expected, expected_missing = _expected(y, p, features, weight)
        result = reduce_intersections(y, p, features, weight)
    assert result is not None
    counts, missing = result
    assert counts.groups.equals(expected.groups)
    assert list(counts.groups.names) == list(expected.groups.names)
    for table in ("rows", "weighted", "squared_weights"):
        np.testing.assert_array_equal(getattr(counts, table), getattr(expected, table))
        assert getattr(counts, table).dtype == getattr(expected, table).dtype
    assert counts.orders == expected.orders
    assert counts.has_weights is expected.has_weights
    assert missing == expected_missing


def test_missing_values_form_the_last_group():
    counts, missing = reduce_groups_confusion(
        np.array([1, 0, 1]), np.array([1, 0, 0]), pd.DataFrame({"g": ["b", None, "a"]})
    )
    assert counts.groups.tolist() == ["a", "b", MISSING]
    assert missing == {"g": 1}


def test_too_many_combinations_fall_back_to_the_general_path():
    features = pd.DataFrame({"a": np.arange(3000) % 2100, "b": np.arange(3000) % 1999})
    y = np.zeros(3000, dtype=np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        assert reduce_intersections(y, y, features) is None
        counts, _ = reduce_groups_confusion(y, y, features)
        expected, _ = _expected(y, y, features, None)
    assert counts.groups.equals(expected.groups)
    np.testing.assert_array_equal(counts.rows, expected.rows)


def test_the_same_errors_as_the_encoder():
    features = pd.DataFrame({"g": ["a", None, MISSING]})
    y = np.array([1, 0, 1])
    with pytest.raises(ValueError, match="label missing values"):
        reduce_intersections(y, y, features)
    mixed = pd.DataFrame({"g": np.array([1, "1"], dtype=object)})
    with pytest.raises(ValueError, match="print the same"):
        reduce_intersections(y[:2], y[:2], mixed)


def test_the_same_warning_for_a_continuous_feature():
    with pytest.warns(InputWarning, match="numeric with 50 distinct values"):
        reduce_intersections(np.zeros(50, int), np.zeros(50, int), pd.DataFrame({"x": range(50)}))
