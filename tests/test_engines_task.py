"""``task=`` is honoured on every engine: an integer target audited as a regression stays one.

An integer-valued target with few distinct values looks like class labels, so
detection alone would make it a multiclass audit. With ``task="regression"``
every engine (and the CLI's ``--engine duckdb``) must give the regression audit
of the pandas path, with the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope import AuditResult, audit_predictions
from fairscope.cli._main import main

FEATURES = ["race", "sex"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    n = 900
    return pd.DataFrame(
        {
            "race": rng.choice(["White", "Black", "Asian"], n, p=[0.5, 0.3, 0.2]),
            "sex": rng.choice(["female", "male"], n),
            # integer ratings 0..4: detection alone would call this multiclass
            "rating": rng.integers(0, 5, n),
            "predicted": rng.integers(0, 5, n),
        }
    )


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("task") / "ratings.parquet"
    frame.to_parquet(path, index=False)
    return str(path)


def _engine_data(kind: str, frame: pd.DataFrame, parquet: str):
    if kind == "polars":
        return pytest.importorskip("polars").from_pandas(frame)
    if kind == "pyarrow":
        return pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    if kind == "duckdb":
        return pytest.importorskip("duckdb").from_df(frame)
    return parquet


def _same_tables(actual, expected) -> None:
    assert list(actual.tables) == list(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)


def test_an_integer_target_is_detected_as_multiclass_without_task(frame):
    # the premise of the tests below: without task= the audit is multiclass
    result = audit_predictions("rating", "predicted", sensitive_features=FEATURES, data=frame)
    assert result.task == "multiclass"


@pytest.mark.parametrize("kind", ["polars", "pyarrow", "duckdb", "parquet"])
def test_task_regression_is_honoured_by_every_engine(frame, parquet, kind):
    options = {"sensitive_features": FEATURES, "task": "regression"}
    expected = audit_predictions("rating", "predicted", data=frame, **options)
    assert expected.task == "regression"
    data = _engine_data(kind, frame, parquet)
    actual = audit_predictions("rating", "predicted", data=data, **options)
    assert actual.task == "regression"
    assert "regression_metrics" in actual.tables
    _same_tables(actual, expected)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_cli_task_regression_is_honoured_by_every_engine(frame, parquet, tmp_path, engine):
    out = tmp_path / f"{engine}.json"
    argv = [
        "audit", parquet, "--y-true", "rating", "--y-pred", "predicted", "--sensitive", "race",
        "--task", "regression", "--engine", engine, "--json", str(out),
    ]  # fmt: skip
    main(argv)
    saved = AuditResult.from_json(out)
    assert saved.task == "regression"
    expected = audit_predictions(
        "rating", "predicted", sensitive_features="race", data=frame, task="regression"
    )
    metrics = saved.tables["regression_metrics"]
    np.testing.assert_allclose(
        metrics["mean_absolute_error"].to_numpy(dtype=float),
        expected.tables["regression_metrics"]["mean_absolute_error"].to_numpy(),
        rtol=1e-12,
    )


@pytest.mark.spark
def test_task_regression_is_honoured_by_spark(frame):
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = pyspark_sql.SparkSession.builder.master("local[1]").getOrCreate()
    options = {"sensitive_features": FEATURES, "task": "regression"}
    expected = audit_predictions("rating", "predicted", data=frame, **options)
    actual = audit_predictions("rating", "predicted", data=spark.createDataFrame(frame), **options)
    assert actual.task == "regression"
    _same_tables(actual, expected)
