"""Multiclass audits of engine data reduce in the engine and equal the pandas audit.

Only the K x K confusion cells per group leave the engine
(:func:`fairscope.engines.multiclass_counts`); every table equals the audit of
the same rows in pandas to 1e-12 and ``metadata["engine"]`` names the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope import audit_predictions

FEATURES = ["race", "sex"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(33)
    n = 3000
    y = rng.choice(["cat", "dog", "eel"], n, p=[0.5, 0.3, 0.2])
    p = np.where(rng.uniform(size=n) < 0.6, y, rng.choice(["cat", "dog", "eel"], n))
    return pd.DataFrame(
        {
            "race": pd.Series(
                rng.choice(["White", "Black", "Asian", None], n, p=[0.5, 0.3, 0.15, 0.05]),
                dtype=object,
            ),
            "sex": rng.choice(["female", "male"], n),
            "y": y,
            "p": p,
            "w": rng.integers(1, 9, n) * 0.25,
        }
    )


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("multiclass_audit") / "classes.parquet"
    frame.to_parquet(path, index=False)
    return str(path)


def engine_data(kind: str, frame: pd.DataFrame, parquet: str):
    if kind == "polars":
        return pytest.importorskip("polars").from_pandas(frame).lazy()
    if kind == "pyarrow":
        return pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    if kind == "duckdb":
        return pytest.importorskip("duckdb").from_df(frame)
    return parquet


def assert_same_audit(actual, expected, engine: str) -> None:
    assert actual.task == expected.task == "multiclass"
    assert actual.metadata.pop("engine") == engine
    assert list(actual.tables) == list(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)
    assert actual.metadata == expected.metadata


CASES = {
    "unweighted": {},
    "weighted": {"sample_weight": "w"},
    "given labels": {"labels": ["eel", "dog", "cat"]},
    "reference": {
        "reference": {"race": "White", "sex": "male", "race & sex": "race=Black & sex=female"}
    },
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("kind", ["polars", "pyarrow", "duckdb", "parquet"])
def test_engine_multiclass_audit_equals_the_pandas_audit(frame, parquet, kind, case):
    options = {"sensitive_features": FEATURES, **CASES[case]}
    expected = audit_predictions("y", "p", data=frame, **options)
    actual = audit_predictions("y", "p", data=engine_data(kind, frame, parquet), **options)
    assert_same_audit(actual, expected, {"parquet": "duckdb"}.get(kind, kind))


def test_engine_multiclass_audit_names_the_engine_not_pandas(frame, parquet):
    for kind in ("polars", "duckdb", "parquet"):
        result = audit_predictions(
            "y", "p", sensitive_features=FEATURES, data=engine_data(kind, frame, parquet)
        )
        assert "pandas" not in result.metadata["engine"]


def test_engine_multiclass_audit_reduces_in_the_engine(frame, monkeypatch):
    pl = pytest.importorskip("polars")
    from fairscope.engines import _audit_data as audit_data

    def refuse(*args, **kwargs):
        raise AssertionError("rows were collected into pandas")

    monkeypatch.setattr(audit_data, "collect_columns", refuse)
    result = audit_predictions("y", "p", sensitive_features=FEATURES, data=pl.from_pandas(frame))
    assert result.task == "multiclass"
    assert result.metadata["engine"] == "polars"


def test_engine_multiclass_audit_drops_or_refuses_missing_labels_like_pandas(frame):
    pl = pytest.importorskip("polars")
    holed = frame.assign(y=frame["y"].where(np.arange(len(frame)) % 40 != 0))
    options = {"sensitive_features": FEATURES, "task": "multiclass"}
    with pytest.raises(ValueError, match="y_true has 75 missing"):
        audit_predictions("y", "p", data=holed, **options)
    with pytest.raises(ValueError, match="y_true has 75 missing"):
        audit_predictions("y", "p", data=pl.from_pandas(holed), **options)
    expected = audit_predictions("y", "p", data=holed, dropna=True, **options)
    actual = audit_predictions("y", "p", data=pl.from_pandas(holed), dropna=True, **options)
    assert_same_audit(actual, expected, "polars")
