"""Multiclass counts reduced by the engine equal the numpy reduction of the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope.core._groups import encode_groups
from fairscope.core._multiclass_counts import reduce_multiclass
from fairscope.engines import multiclass_counts

FEATURES = ["race", "sex"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 1500
    return pd.DataFrame(
        {
            "race": pd.Series(
                rng.choice(["White", "Black", "Asian", None], n, p=[0.5, 0.3, 0.15, 0.05]),
                dtype=object,
            ),
            "sex": rng.choice(["female", "male"], n),
            "y": rng.choice(["cat", "dog", "eel"], n, p=[0.5, 0.3, 0.2]),
            "p": rng.choice(["cat", "dog", "eel"], n),
            "w": rng.integers(1, 9, n) * 0.25,
        }
    )


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("multiclass") / "classes.parquet"
    frame.to_parquet(path, index=False)
    return str(path)


def engine_data(kind: str, frame: pd.DataFrame, parquet: str):
    if kind == "polars":
        return pytest.importorskip("polars").from_pandas(frame).lazy()
    if kind == "pyarrow":
        return pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    if kind == "duckdb":
        return pytest.importorskip("duckdb").from_df(frame)
    if kind == "parquet":
        return parquet
    return frame


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow", "duckdb", "parquet"])
def test_engine_multiclass_counts_equal_the_numpy_reduction(frame, parquet, kind, weighted):
    encoded = encode_groups(frame[FEATURES])
    weight = frame["w"].to_numpy() if weighted else None
    expected = reduce_multiclass(frame["y"], frame["p"], encoded.codes, encoded.index, weight)
    actual = multiclass_counts(
        engine_data(kind, frame, parquet), "y", "p", FEATURES,
        sample_weight="w" if weighted else None,
    )  # fmt: skip
    assert actual.classes == expected.classes
    assert list(actual.groups) == list(expected.groups)
    np.testing.assert_array_equal(actual.rows, expected.rows)
    np.testing.assert_allclose(actual.weighted, expected.weighted, rtol=1e-12)
    np.testing.assert_allclose(actual.squared_weights, expected.squared_weights, rtol=1e-12)
    assert actual.has_weights is weighted
    assert actual.n_rows == len(frame)
    assert actual.missing_sensitive == {"race": int(frame["race"].isna().sum()), "sex": 0}


def test_engine_multiclass_counts_refuse_or_drop_missing_labels(frame):
    pl = pytest.importorskip("polars")
    holed = frame.assign(y=frame["y"].where(np.arange(len(frame)) % 50 != 0))
    with pytest.raises(ValueError, match="y_true has 30 missing"):
        multiclass_counts(pl.from_pandas(holed), "y", "p", FEATURES)
    counts = multiclass_counts(pl.from_pandas(holed), "y", "p", FEATURES, dropna=True)
    assert counts.n_dropped == 30
    assert int(counts.rows.sum()) == len(frame) - 30


def test_engine_multiclass_counts_follow_given_labels(frame):
    counts = multiclass_counts(frame, "y", "p", "sex", labels=["eel", "dog", "cat", "fox"])
    assert counts.classes == ["eel", "dog", "cat", "fox"]
    assert counts.rows[:, 3, :].sum() == 0
    with pytest.raises(ValueError, match="not in labels"):
        multiclass_counts(frame, "y", "p", "sex", labels=["cat", "dog"])
