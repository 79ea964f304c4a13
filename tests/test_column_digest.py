"""The input digest of a column: what it covers, and that every path gives the same one."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.core._column_digest import column_digest
from fairscope.core._feature_columns import encode_column


def test_a_float_column_is_hashed_as_its_dtype_length_and_bytes():
    values = np.array([0.5, np.nan, -2.0, 1e300])
    expected = hashlib.sha256(b"float64|4|raw|" + values.astype("<f8").tobytes()).hexdigest()
    assert column_digest(pd.Series(values)) == expected


def test_a_text_column_is_hashed_as_codes_in_first_appearance_order_and_typed_labels():
    series = pd.Series(["b", "a", None, "b"], dtype=object)
    labels = [b"str:b", b"str:a"]
    expected = hashlib.sha256(
        b"object|4|codes|"
        + np.array([0, 1, -1, 0], dtype=np.int8).tobytes()
        + b"|labels|"
        + np.array([len(x) for x in labels], dtype="<i8").tobytes()
        + b"".join(labels)
    ).hexdigest()
    assert column_digest(series) == expected


def test_a_nullable_integer_column_is_hashed_as_its_mask_and_filled_values():
    series = pd.Series([3, None, 5], dtype="Int64")
    expected = hashlib.sha256(
        b"Int64|3|masked|"
        + np.array([False, True, False]).tobytes()
        + np.array([3, 0, 5], dtype="<i8").tobytes()
    ).hexdigest()
    assert column_digest(series) == expected


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.5]),  # one value
        ([1.0, 2.0, 3.0], [1.0, 3.0, 2.0]),  # the order
        ([1, 2, 3], [1.0, 2.0, 3.0]),  # the dtype
        (["a", "b", "a"], ["a", "b", "b"]),  # one category
        (["a", "b", "a"], ["b", "a", "b"]),  # the same codes, other labels
        (["a", None, "a"], ["a", "a", None]),  # where the missing value is
        (pd.Series([1, "1"], dtype=object), pd.Series(["1", 1], dtype=object)),  # the types
        (pd.Series(["ab", "c"], dtype=object), pd.Series(["a", "bc"], dtype=object)),
        (pd.Series([1, None], dtype="Int64"), pd.Series([1, 0], dtype="Int64")),
    ],
)
def test_the_digest_changes_when_the_column_changes(before, after):
    assert column_digest(before) != column_digest(after)


def test_unhashable_values_are_hashed_by_their_text():
    series = pd.Series([[1, 2], [3]], dtype=object)
    assert column_digest(series) == column_digest(series.copy())
    assert column_digest(series) != column_digest(pd.Series([[1, 2], [4]], dtype=object))


def _awkward_frame(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], n),
            "y": rng.integers(0, 2, n),
            "text": rng.choice(np.array(["u", "v", None], dtype=object), n),
            "arrow_text": pd.Series(rng.choice(["p", "q"], n), dtype="str"),
            "many": [f"id{k}" for k in rng.integers(0, 400, n)],  # pooled into <other>
            "category": pd.Categorical(rng.choice(["a", "b"], n)),
            "flag": rng.random(n) < 0.5,
            "number": rng.normal(size=n),
            "count": rng.integers(0, 9, n),
            "nullable": pd.array(rng.integers(0, 9, n), dtype="Int64"),
            "when": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 99, n), "D"),
        }
    )
    frame.loc[::7, "nullable"] = pd.NA
    return frame


def test_dataset_audit_digests_from_its_encoding_are_those_of_the_columns():
    frame = _awkward_frame()
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="sex", proxies=False)
    inputs = result.reproducibility["inputs"]
    assert result.metadata["warnings"]  # the 400-id column was pooled
    for name in frame.columns.drop(["sex", "y"]):
        assert inputs[f"feature:{name}"]["sha256"] == column_digest(frame[name]), name
    assert inputs["target"]["sha256"] == column_digest(frame["y"])
    # sensitive features are audited as categories, and hashed as such
    assert inputs["sensitive:sex"]["sha256"] == column_digest(frame["sex"].astype("category"))


def test_the_encoding_keeps_the_factorization_of_the_column_before_pooling():
    series = pd.Series([f"id{k % 300}" for k in range(900)])
    col = encode_column(series, "many")
    assert col.n_pooled == 300 - 249 and col.factorized is not None
    codes, uniques = col.factorized
    np.testing.assert_array_equal(codes, pd.factorize(series, sort=False)[0])
    assert list(uniques) == [f"id{k}" for k in range(300)]


def test_a_text_columns_missing_rows_are_those_pandas_calls_missing():
    series = pd.Series(["a", None, np.nan, pd.NA, pd.NaT, "b"], dtype=object)
    col = encode_column(series, "text")
    assert col.missing.tolist() == series.isna().tolist()
    assert col.codes.tolist() == [0, -1, -1, -1, -1, 1]
