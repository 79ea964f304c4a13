"""Spark: the reduce step runs as a Spark aggregation and gives the pandas path's counts.

One local SparkSession (``local[2]``) serves the whole module; tests are few and
small so the module stays quick. Marked ``spark``: deselect with ``-m 'not spark'``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope import GroupMetrics, audit_predictions
from fairscope.engines import confusion_counts, regression_moments, score_histograms

pytestmark = pytest.mark.spark

FEATURES = ["race", "sex"]


@pytest.fixture(scope="session")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("fairscope-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 600
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + rng.uniform(0, 0.65, n), 0, 1)
    return pd.DataFrame(
        {
            "race": pd.Series(
                rng.choice(["White", "Black", "Asian", None], n, p=[0.5, 0.3, 0.15, 0.05]),
                dtype=object,
            ),
            "sex": rng.choice(["female", "male"], n),
            "y": y,
            "pred": (score >= 0.5).astype(int),
            "score": score,
            "w": rng.integers(1, 9, n) * 0.25,
        }
    )


def spark_frame(spark, frame: pd.DataFrame):
    # Built from plain Python rows so the test does not depend on Spark's pandas conversion.
    records = [
        tuple(None if (isinstance(v, float) and np.isnan(v)) else v for v in row)
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]
    schema = "race string, sex string, y long, pred long, score double, w double"
    return spark.createDataFrame(records, schema=schema)


def test_spark_counts_equal_the_pandas_path_exactly(spark, frame):
    expected = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=frame)
    reduced = confusion_counts(spark_frame(spark, frame), "y", "pred", FEATURES, sample_weight="w")
    counts = reduced.counts
    assert reduced.engine == "pyspark"
    assert counts.groups.equals(expected.statistics.groups)
    np.testing.assert_array_equal(counts.rows, expected.statistics.rows)
    np.testing.assert_array_equal(counts.weighted, expected.statistics.weighted)
    np.testing.assert_array_equal(counts.squared_weights, expected.statistics.squared_weights)
    assert reduced.missing_sensitive == expected.missing_sensitive


def test_spark_audit_of_parquet_equals_the_pandas_audit(spark, frame, tmp_path):
    frame.to_parquet(tmp_path / "part-0.parquet", index=False)
    data = spark.read.parquet(str(tmp_path))
    expected = audit_predictions(
        "y", "pred", sensitive_features=FEATURES, sample_weight="w", data=frame
    )
    actual = audit_predictions(
        "y", "pred", sensitive_features=FEATURES, sample_weight="w", data=data
    )
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12)
    assert actual.metadata["groups"] == expected.metadata["groups"]


def test_spark_histograms_and_moments_equal_the_pandas_engine_ones(spark, frame):
    data = spark_frame(spark, frame)
    edges = np.linspace(0, 1, 6)
    hist = score_histograms(data, "y", "score", "sex", edges, sample_weight="w")
    local = score_histograms(frame, "y", "score", "sex", edges, sample_weight="w")
    np.testing.assert_array_equal(hist.rows, local.rows)
    np.testing.assert_array_equal(hist.weighted, local.weighted)
    moments = regression_moments(data, "score", "w", "sex")
    np.testing.assert_allclose(
        moments.sums, regression_moments(frame, "score", "w", "sex").sums, rtol=1e-12
    )


def test_spark_missing_labels_raise_the_pandas_error(spark, frame):
    bad = frame.assign(y=frame["y"].where(frame.index % 9 != 0))
    with pytest.raises(ValueError) as pandas_error:
        GroupMetrics("y", "pred", FEATURES, data=bad)
    schema = "race string, sex string, y double, pred long, score double, w double"
    records = [
        tuple(None if (isinstance(v, float) and np.isnan(v)) else v for v in row)
        for row in bad.astype(object).itertuples(index=False, name=None)
    ]
    with pytest.raises(ValueError) as spark_error:
        GroupMetrics("y", "pred", FEATURES, data=spark.createDataFrame(records, schema=schema))
    assert str(spark_error.value) == str(pandas_error.value)


def test_spark_dataset_audit_equals_the_pandas_audit(spark, frame):
    options = {"target": "y", "sensitive_features": FEATURES, "features": ["score", "w"]}
    expected = fairscope.audit_dataset(frame, proxies=False, **options)
    actual = fairscope.audit_dataset(spark_frame(spark, frame), proxies=False, **options)
    assert actual.metadata["engine"] == "pyspark -> pandas"
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)


def test_spark_scored_and_regression_audits_equal_the_pandas_audits(spark, frame):
    data = spark_frame(spark, frame)
    for options in (
        {"y_true": "y", "y_score": "score", "sample_weight": "w"},
        {"y_true": "score", "y_pred": "w", "task": "regression"},
    ):
        expected = audit_predictions(sensitive_features=FEATURES, data=frame, **options)
        actual = audit_predictions(sensitive_features=FEATURES, data=data, **options)
        assert actual.metadata["engine"] == "pyspark"
        for name, table in expected.tables.items():
            pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)


def test_spark_multiclass_counts_equal_the_numpy_reduction(spark, frame):
    from fairscope.core._groups import encode_groups
    from fairscope.core._multiclass_counts import reduce_multiclass
    from fairscope.engines import multiclass_counts

    classes = frame.assign(y=frame["y"] + frame["pred"], p=frame["pred"] * 2)
    encoded = encode_groups(classes[FEATURES])
    expected = reduce_multiclass(
        classes["y"], classes["p"], encoded.codes, encoded.index, classes["w"].to_numpy()
    )
    data = spark.createDataFrame(classes[[*FEATURES, "y", "p", "w"]].astype(object))
    actual = multiclass_counts(data, "y", "p", FEATURES, sample_weight="w")
    assert actual.engine == "pyspark"
    assert actual.classes == expected.classes
    assert list(actual.groups) == list(expected.groups)
    np.testing.assert_array_equal(actual.rows, expected.rows)
    np.testing.assert_allclose(actual.weighted, expected.weighted, rtol=1e-12)


def test_spark_multiclass_audit_reduces_in_spark_and_equals_the_pandas_audit(spark, frame):
    classes = frame.assign(y=frame["y"] + frame["pred"], p=frame["pred"] * 2)
    options = {"sensitive_features": FEATURES, "sample_weight": "w"}
    expected = audit_predictions("y", "p", data=classes, **options)
    data = spark.createDataFrame(classes[[*FEATURES, "y", "p", "w"]].astype(object))
    actual = audit_predictions("y", "p", data=data, **options)
    assert actual.task == expected.task == "multiclass"
    assert actual.metadata.pop("engine") == "pyspark"
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)
    assert actual.metadata == expected.metadata
