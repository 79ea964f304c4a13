"""Engines: counts reduced by polars, pyarrow and DuckDB equal the pandas path exactly."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairscope import GroupMetrics, audit_predictions
from fairscope.core._groups import MISSING
from fairscope.engines import (
    confusion_counts,
    group_value_counts,
    open_table,
    regression_moments,
    score_histograms,
)

FEATURES = ["race", "sex"]


def make_frame(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Rows with an intersectional pair of features, a missing-race group and weights.

    Weights are multiples of 1/4, so weighted sums are exact in any summation
    order and engines can be held to exact equality.
    """
    rng = np.random.default_rng(seed)
    race = rng.choice(["White", "Black", "Asian", None], n, p=[0.5, 0.3, 0.15, 0.05])
    sex = rng.choice(["female", "male"], n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + rng.uniform(0, 0.65, n), 0, 1)
    return pd.DataFrame(
        {
            "race": pd.Series(race, dtype=object),
            "sex": sex,
            "y": y,
            "pred": (score >= 0.5).astype(int),
            "score": score,
            "w": rng.integers(1, 9, n) * 0.25,
            "target": rng.normal(50, 10, n),
        }
    ).assign(estimate=lambda d: d["target"] + rng.normal(0, 5, n))


def write_parquet_parts(frame: pd.DataFrame, folder, parts: int = 3) -> str:
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), parts)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i}.parquet", index=False)
    return str(folder / "part-*.parquet")


CONVERTERS = {
    "pandas": lambda df, tmp: df,
    "polars": lambda df, tmp: pl.from_pandas(df),
    "polars-lazy": lambda df, tmp: pl.from_pandas(df).lazy(),
    "pyarrow": lambda df, tmp: pa.Table.from_pandas(df, preserve_index=False),
    "duckdb-relation": lambda df, tmp: duckdb.from_arrow(pa.Table.from_pandas(df)),
    "parquet-file": lambda df, tmp: (df.to_parquet(tmp / "one.parquet"), tmp / "one.parquet")[1],
    "parquet-glob": lambda df, tmp: write_parquet_parts(df, tmp),
    "csv-file": lambda df, tmp: (df.to_csv(tmp / "one.csv", index=False), str(tmp / "one.csv"))[1],
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture(params=list(CONVERTERS))
def engine_data(request, frame, tmp_path):
    return CONVERTERS[request.param](frame, tmp_path)


def assert_same_counts(expected, actual) -> None:
    assert actual.features == expected.features
    assert actual.groups.equals(expected.groups)
    assert list(actual.groups.names) == list(expected.groups.names)
    np.testing.assert_array_equal(actual.rows, expected.rows)
    np.testing.assert_array_equal(actual.weighted, expected.weighted)
    np.testing.assert_array_equal(actual.squared_weights, expected.squared_weights)
    assert actual.has_weights == expected.has_weights


def test_weighted_intersectional_counts_equal_the_pandas_path_exactly(frame, engine_data):
    data = engine_data
    expected = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=frame)
    reduced = confusion_counts(data, "y", "pred", FEATURES, sample_weight="w")
    assert_same_counts(expected.statistics, reduced.counts)
    assert MISSING in reduced.counts.groups.get_level_values("race")
    assert reduced.missing_sensitive == expected.missing_sensitive
    assert reduced.n_rows == len(frame)


def test_group_metrics_on_engine_data_match_pandas_to_1e12(frame, engine_data):
    data = engine_data
    expected = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=frame)
    actual = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=data)
    pd.testing.assert_frame_equal(actual.by_group, expected.by_group, rtol=1e-12, atol=1e-12)
    pd.testing.assert_series_equal(actual.overall, expected.overall, rtol=1e-12)
    pd.testing.assert_series_equal(actual.difference(), expected.difference(), rtol=1e-12)
    pd.testing.assert_frame_equal(
        actual.confidence_intervals(), expected.confidence_intervals(), rtol=1e-12
    )
    assert actual.missing_sensitive == expected.missing_sensitive
    assert actual.n_rows == expected.n_rows


def test_unweighted_counts_equal_the_pandas_path(frame):
    expected = GroupMetrics("y", "pred", FEATURES, data=frame).statistics
    for data in (pl.from_pandas(frame).lazy(), duckdb.from_df(frame)):
        assert_same_counts(expected, confusion_counts(data, "y", "pred", FEATURES).counts)


def test_real_weights_agree_to_1e12(frame):
    weights = np.random.default_rng(3).exponential(1.0, len(frame))
    data = frame.assign(w=weights)
    expected = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=data)
    actual = GroupMetrics("y", "pred", FEATURES, sample_weight="w", data=pl.from_pandas(data))
    np.testing.assert_allclose(actual.statistics.weighted, expected.statistics.weighted, rtol=1e-12)
    pd.testing.assert_frame_equal(actual.by_group, expected.by_group, rtol=1e-12)


def test_audit_predictions_on_a_parquet_glob_equals_the_pandas_audit(frame, tmp_path):
    path = write_parquet_parts(frame, tmp_path)
    expected = audit_predictions("y", "pred", sensitive_features=FEATURES, data=frame)
    actual = audit_predictions("y", "pred", sensitive_features=FEATURES, data=path)
    assert set(actual.tables) == set(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12)
    for key in ("groups", "missing_sensitive", "n_rows", "reference_groups"):
        assert actual.metadata[key] == expected.metadata[key]
    assert actual.metadata["engine"] == "duckdb"
    assert "engine" not in expected.metadata


def test_numeric_feature_with_nulls_gets_the_pandas_labels():
    frame = pd.DataFrame(
        {
            "age": [1.0, 2.0, np.nan, 10.0, 2.0, 1.0],
            "y": [1, 0, 1, 0, 1, 0],
            "p": [1, 1, 0, 0, 1, 0],
        }
    )
    expected = GroupMetrics("y", "p", "age", data=frame).statistics
    actual = confusion_counts(pl.from_pandas(frame, nan_to_null=True), "y", "p", "age").counts
    assert list(actual.groups) == ["1", "2", "10", MISSING]
    assert_same_counts(expected, actual)


def test_categorical_feature_keeps_its_declared_order():
    order = ["low", "mid", "high"]
    frame = pd.DataFrame(
        {
            "band": pd.Categorical(["high", "low", "mid", "high"], categories=order),
            "y": [1, 0, 1, 0],
            "p": [1, 1, 0, 0],
        }
    )
    expected = GroupMetrics("y", "p", "band", data=frame).statistics
    data = pl.from_pandas(frame).with_columns(pl.col("band").cast(pl.Enum(order)))
    actual = confusion_counts(data, "y", "p", "band").counts
    assert list(actual.groups) == order
    assert_same_counts(expected, actual)


def test_string_labels_use_pos_label_like_pandas():
    frame = pd.DataFrame(
        {"y": ["yes", "no", "yes", "no"], "p": ["yes", "yes", "no", "no"], "g": list("aabb")}
    )
    expected = GroupMetrics("y", "p", "g", pos_label="yes", data=frame)
    actual = GroupMetrics("y", "p", "g", pos_label="yes", data=pa.Table.from_pandas(frame))
    assert_same_counts(expected.statistics, actual.statistics)
    assert actual.pos_label == "yes"


def pandas_error(**kwargs) -> str:
    with pytest.raises(ValueError) as info:
        GroupMetrics(**kwargs)
    return str(info.value)


@pytest.mark.parametrize(
    ("case", "change", "kwargs"),
    [
        ("missing label", lambda d: d.assign(y=d["y"].where(d.index % 7 != 0)), {}),
        ("non-binary", lambda d: d.assign(pred=d["pred"] + (d.index % 5 == 0)), {}),
        ("no default pos_label", lambda d: d.assign(y=d["y"].map({0: "n", 1: "p"})), {}),
        ("unknown pos_label", lambda d: d, {"pos_label": 7}),
        ("negative weight", lambda d: d.assign(w=d["w"] - 1.0), {"sample_weight": "w"}),
        (
            "missing weight",
            lambda d: d.assign(w=d["w"].where(d.index != 3)),
            {"sample_weight": "w"},
        ),
        ("unknown column", lambda d: d, {"y_true": "label"}),
        ("unknown feature", lambda d: d, {"sensitive_features": ["race", "gender"]}),
    ],
)
def test_bad_input_raises_the_pandas_path_error(frame, case, change, kwargs):
    bad = change(frame.copy())
    args = {"y_true": "y", "y_pred": "pred", "sensitive_features": FEATURES, **kwargs}
    message = pandas_error(data=bad, **args)
    with pytest.raises(ValueError, match=re.escape(message)):
        GroupMetrics(data=pl.from_pandas(bad), **args)


def test_single_class_y_true_warns_like_pandas(frame):
    # a single class is audited with an InputWarning (issue 14), in every engine alike
    from fairscope import InputWarning

    bad = frame.assign(y=1)
    args = {"y_true": "y", "y_pred": "pred", "sensitive_features": FEATURES}
    with pytest.warns(InputWarning, match="single class") as expected_warnings:
        expected = GroupMetrics(data=bad, **args)
    with pytest.warns(InputWarning, match="single class") as actual_warnings:
        actual = GroupMetrics(data=pl.from_pandas(bad), **args)
    assert str(actual_warnings[0].message) == str(expected_warnings[0].message)
    assert_same_counts(expected.statistics, actual.statistics)


def test_dropna_drops_and_counts_the_same_rows_as_pandas(frame):
    bad = frame.assign(
        y=frame["y"].where(frame.index % 7 != 0), w=frame["w"].where(frame.index % 11 != 0)
    )
    args = {"y_true": "y", "y_pred": "pred", "sensitive_features": FEATURES, "sample_weight": "w"}
    expected = GroupMetrics(data=bad, dropna=True, **args)
    actual = GroupMetrics(data=duckdb.from_df(bad), dropna=True, **args)
    assert (
        actual.dropped == expected.dropped == {"missing y_true": 429, "missing sample_weight": 273}
    )
    assert actual.n_dropped == expected.n_dropped
    assert_same_counts(expected.statistics, actual.statistics)


def test_arrays_with_engine_data_ask_for_column_names(frame):
    with pytest.raises(ValueError, match="y_true must be a column name"):
        GroupMetrics(frame["y"].to_numpy(), "pred", FEATURES, data=pl.from_pandas(frame))


def test_unsupported_data_is_a_type_error():
    with pytest.raises(TypeError, match="data= must be"):
        confusion_counts({"y": [1, 0]}, "y", "y", "g")


def test_a_path_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(ValueError, match="matches no file"):
        confusion_counts(str(tmp_path / "*.parquet"), "y", "pred", "race")


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", None]),
            st.sampled_from([0, 1, 2]),
            st.integers(0, 1),
            st.integers(0, 1),
            st.integers(0, 8),
        ),
        min_size=2,
        max_size=60,
    )
)
def test_polars_counts_equal_pandas_counts_for_any_data(rows):
    frame = pd.DataFrame(rows, columns=["g", "h", "y", "p", "w"]).assign(w=lambda d: d["w"] / 4)
    if frame["y"].nunique() < 2:
        frame.loc[0, "y"] = 1 - frame.loc[1, "y"]
    expected = GroupMetrics("y", "p", ["g", "h"], sample_weight="w", data=frame).statistics
    actual = confusion_counts(pl.from_pandas(frame), "y", "p", ["g", "h"], sample_weight="w")
    assert_same_counts(expected, actual.counts)


def test_compas_through_duckdb_csv_equals_pandas(compas_csv):
    frame = pd.read_csv(compas_csv).assign(high=lambda d: (d["decile_score"] >= 5).astype(int))
    expected = GroupMetrics("two_year_recid", "high", ["race", "sex"], data=frame)
    relation = duckdb.read_csv(str(compas_csv)).project(
        "two_year_recid, race, sex, CAST(decile_score >= 5 AS INTEGER) AS high"
    )
    actual = GroupMetrics("two_year_recid", "high", ["race", "sex"], data=relation)
    assert_same_counts(expected.statistics, actual.statistics)
    pd.testing.assert_frame_equal(actual.by_group, expected.by_group, rtol=1e-12)
    assert actual.n_rows == 7214


# -- histograms, moments, value counts -------------------------------------------------------


def test_score_histograms_match_numpy_per_group_and_label(frame, engine_data):
    data = engine_data
    edges = np.linspace(0, 1, 11)
    hist = score_histograms(data, "y", "score", FEATURES, edges, sample_weight="w")
    codes = GroupMetrics("y", "pred", FEATURES, data=frame).statistics.groups
    assert hist.groups.equals(codes)
    race = frame["race"].fillna(MISSING)
    for g, (r, s) in enumerate(hist.groups):
        for label in (0, 1):
            rows = (race == r) & (frame["sex"] == s) & (frame["y"] == label)
            count, _ = np.histogram(frame.loc[rows, "score"], edges)
            weight, _ = np.histogram(frame.loc[rows, "score"], edges, weights=frame.loc[rows, "w"])
            np.testing.assert_array_equal(hist.rows[g, label], count)
            np.testing.assert_array_equal(hist.weighted[g, label], weight)
    assert hist.outside_rows.sum() == 0


def test_score_histograms_count_scores_outside_the_edges():
    frame = pd.DataFrame({"y": [0, 1, 1], "s": [0.2, 0.7, 1.5], "g": ["a", "a", "a"]})
    hist = score_histograms(pl.from_pandas(frame), "y", "s", "g", [0, 0.5, 1])
    assert hist.outside_rows.tolist() == [[0, 1]]
    assert hist.rows.tolist() == [[[1, 0], [0, 1]]]


def test_score_histogram_marginal_sums_over_the_other_feature(frame):
    hist = score_histograms(pl.from_pandas(frame), "y", "score", FEATURES, np.linspace(0, 1, 5))
    sex_only = score_histograms(frame, "y", "score", "sex", np.linspace(0, 1, 5))
    marginal = hist.marginal("sex")
    assert marginal.groups.equals(sex_only.groups)
    np.testing.assert_array_equal(marginal.rows, sex_only.rows)


def test_regression_moments_match_numpy_sums(frame, engine_data):
    data = engine_data
    moments = regression_moments(data, "target", "estimate", FEATURES, sample_weight="w")
    race = frame["race"].fillna(MISSING)
    for g, (r, s) in enumerate(moments.groups):
        rows = (race == r) & (frame["sex"] == s)
        y, yhat, w = (frame.loc[rows, c].to_numpy() for c in ("target", "estimate", "w"))
        res = y - yhat
        expected = [
            w.sum(), (w * y).sum(), (w * y * y).sum(), (w * yhat).sum(), (w * yhat**2).sum(),
            (w * res).sum(), (w * res**2).sum(), (w * np.abs(res)).sum(), (w * y * yhat).sum(),
        ]  # fmt: skip
        np.testing.assert_allclose(moments.sums[g], expected, rtol=1e-12)
        assert moments.rows[g] == rows.sum()
        assert moments.squared_weights[g] == (w * w).sum()


def test_regression_moments_refuse_missing_targets_unless_dropna(frame):
    bad = frame.assign(target=frame["target"].where(frame.index % 10 != 0))
    with pytest.raises(ValueError, match="y_true has 300 missing values"):
        regression_moments(pl.from_pandas(bad), "target", "estimate", "sex")
    kept = regression_moments(pl.from_pandas(bad), "target", "estimate", "sex", dropna=True)
    assert kept.dropped == {"missing y_true": 300}
    assert kept.rows.sum() == 2700


def test_group_value_counts_match_a_pandas_groupby(frame):
    counts = group_value_counts(duckdb.from_df(frame), FEATURES, "y", sample_weight="w")
    expected = (
        frame.assign(race=frame["race"].fillna(MISSING))
        .groupby(["race", "sex", "y"])
        .agg(n=("w", "size"), weight=("w", "sum"))
    )
    got = counts.set_index(["race", "sex", "y"]).sort_index()
    pd.testing.assert_frame_equal(got, expected.sort_index(), check_dtype=False)
    assert counts["race"].iloc[-1] == MISSING


def test_open_table_loads_small_files_with_pandas_and_streams_with_duckdb(frame, tmp_path):
    path = write_parquet_parts(frame, tmp_path)
    assert isinstance(open_table(path), pd.DataFrame)
    assert len(open_table(path)) == len(frame)
    relation = open_table(path, engine="duckdb")
    assert isinstance(relation, duckdb.DuckDBPyRelation)
    assert relation.aggregate("count(*)").fetchall()[0][0] == len(frame)
    with pytest.raises(ValueError, match="engine='arrow' is unknown"):
        open_table(path, engine="arrow")


def test_bootstrap_intervals_from_engine_counts_equal_the_pandas_ones(frame):
    args = {"sample_weight": "w", "ci_method": "bootstrap", "n_boot": 200, "random_state": 7}
    expected = GroupMetrics("y", "pred", FEATURES, data=frame, **args)
    actual = GroupMetrics("y", "pred", FEATURES, data=pl.from_pandas(frame), **args)
    pd.testing.assert_frame_equal(
        actual.confidence_intervals(), expected.confidence_intervals(), rtol=1e-12
    )


def test_duckdb_enum_keeps_its_declared_order():
    con = duckdb.connect()
    con.sql("CREATE TYPE band AS ENUM ('low', 'mid', 'high')")
    relation = con.sql(
        "SELECT b::band AS band, y, p FROM (VALUES ('high', 1, 1), ('low', 0, 1), "
        "('mid', 1, 0), ('high', 0, 0)) t(b, y, p)"
    )
    assert list(confusion_counts(relation, "y", "p", "band").counts.groups) == [
        "low",
        "mid",
        "high",
    ]


def test_csv_missing_tokens_form_the_missing_group_as_with_pandas(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("g,y,p\nNA,1,0\na,0,1\n,1,1\nnull,0,0\nb,1,1\n")
    expected = GroupMetrics("y", "p", "g", data=pd.read_csv(path))
    actual = GroupMetrics("y", "p", "g", data=str(path))
    assert list(actual.statistics.groups) == ["a", "b", MISSING]
    assert_same_counts(expected.statistics, actual.statistics)
    assert actual.missing_sensitive == {"g": 3}


def test_scored_and_regression_audits_of_engine_data_equal_the_pandas_ones(frame):
    data = pl.from_pandas(frame).lazy()
    for kwargs, engine in (
        ({"y_true": "y", "y_score": "score", "threshold": 0.5}, "polars"),
        ({"y_true": "target", "y_pred": "estimate"}, "polars"),
    ):
        expected = audit_predictions(sensitive_features=FEATURES, data=frame, **kwargs)
        actual = audit_predictions(sensitive_features=FEATURES, data=data, **kwargs)
        assert actual.task == expected.task
        assert actual.metadata["engine"] == engine
        for name, table in expected.tables.items():
            pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12)


def test_task_detection_on_engine_data_matches_pandas(frame):
    multiclass = frame.assign(pred=frame["pred"] + (frame.index % 3 == 0))
    multiclass = multiclass.assign(y=multiclass["y"] + (multiclass.index % 5 == 0))
    expected = audit_predictions("y", "pred", sensitive_features="sex", data=multiclass)
    actual = audit_predictions(
        "y", "pred", sensitive_features="sex", data=duckdb.from_df(multiclass)
    )
    assert actual.task == expected.task == "multiclass"
