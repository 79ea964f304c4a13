"""Scored binary and regression audits of engine data: per-group tables only leave the engine.

Each audit of polars / DuckDB data is compared with the same audit of the pandas
DataFrame: every table equal to 1e-12, metadata identical.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairscope import audit_predictions

pl = pytest.importorskip("polars")
pytest.importorskip("duckdb")

FEATURES = ["race", "sex"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 4000
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)
    # a target around 1e5 with a spread of 1e3: sums of squares need centring to stay precise
    target = 1e5 + rng.normal(0, 1e3, n)
    estimate = target + rng.normal(50, 300, n)
    estimate[::97] = np.nan
    return pd.DataFrame(
        {
            "race": pd.Series(
                rng.choice(["White", "Black", "Asian", None], n, p=[0.5, 0.3, 0.15, 0.05]),
                dtype=object,
            ),
            "sex": rng.choice(["female", "male"], n),
            "y": y,
            "score": score,
            # few distinct scores: the engine histogram has one bin per score, as pandas
            "score_2dp": np.round(score, 2),
            "target": target,
            "estimate": estimate,
            "w": rng.integers(1, 9, n) * 0.25,
        }
    )


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("audits") / "predictions.parquet"
    frame.to_parquet(path, index=False)
    return str(path)


def engine_data(kind: str, frame: pd.DataFrame, parquet: str):
    return {"polars": lambda: pl.from_pandas(frame).lazy(), "duckdb": lambda: parquet}[kind]()


def assert_same_audit(actual, expected, engine: str) -> None:
    assert actual.metadata.pop("engine") == engine
    assert list(actual.tables) == list(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)
    assert actual.metadata == expected.metadata


REGRESSION = {
    "y_true": "target",
    "y_pred": "estimate",
    "sensitive_features": FEATURES,
    "sample_weight": "w",
    "dropna": True,
}


@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_engine_regression_audit_equals_the_pandas_audit(frame, parquet, kind):
    expected = audit_predictions(data=frame, **REGRESSION)
    actual = audit_predictions(data=engine_data(kind, frame, parquet), **REGRESSION)
    assert actual.task == "regression"
    assert_same_audit(actual, expected, kind)


def test_engine_regression_audit_reduces_in_the_engine(frame, monkeypatch):
    from fairscope.engines import _audit_data as audit_data

    def refuse(*args, **kwargs):
        raise AssertionError("rows were collected into pandas")

    monkeypatch.setattr(audit_data, "collect_columns", refuse)
    result = audit_predictions(data=pl.from_pandas(frame), **REGRESSION)
    assert result.metadata["engine"] == "polars"


def test_engine_regression_audit_with_selection_thresholds_collects_the_columns(frame):
    options = {**REGRESSION, "selection_quantile": 0.8}
    expected = audit_predictions(data=frame, **options)
    actual = audit_predictions(data=pl.from_pandas(frame), **options)
    assert_same_audit(actual, expected, "polars -> pandas")


def test_engine_regression_audit_refuses_missing_values_like_pandas(frame):
    options = {**REGRESSION, "dropna": False}
    with pytest.raises(ValueError, match="y_pred has 42 missing"):
        audit_predictions(data=frame, **options)
    with pytest.raises(ValueError, match="y_pred has 42 missing"):
        audit_predictions(data=pl.from_pandas(frame), **options)


# -- scored binary audits ----------------------------------------------------------------

SCORED = {
    "with weights and missing scores": {"y_score": "score_2dp", "sample_weight": "w"},
    "with predictions": {"y_score": "score_2dp", "y_pred": "pred"},
    "decision values": {"y_score": "decision", "threshold": 0.0},
    "every score distinct": {"y_score": "score", "sample_weight": "w"},
}


@pytest.fixture(scope="module")
def scored(frame) -> pd.DataFrame:
    out = frame.assign(
        pred=(frame["score"] >= 0.5).astype(int),
        # not probabilities: the sweep thresholds are quantiles of the rows' scores
        decision=np.round(frame["score"] * 10) - 3,
    )
    out.loc[::101, "score_2dp"] = np.nan
    return out


@pytest.fixture(scope="module")
def scored_parquet(scored, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("scored") / "scores.parquet"
    scored.to_parquet(path, index=False)
    return str(path)


@pytest.mark.parametrize("case", list(SCORED))
@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_engine_scored_audit_equals_the_pandas_audit(scored, scored_parquet, kind, case):
    options = {"sensitive_features": FEATURES, "dropna": True, **SCORED[case]}
    expected = audit_predictions("y", data=scored, **options)
    actual = audit_predictions("y", data=engine_data(kind, scored, scored_parquet), **options)
    assert "score_metrics" in actual.tables
    assert_same_audit(actual, expected, kind)


def test_engine_scored_audit_reduces_in_the_engine(scored, monkeypatch):
    from fairscope.engines import _audit_data as audit_data

    def refuse(*args, **kwargs):
        raise AssertionError("rows were collected into pandas")

    monkeypatch.setattr(audit_data, "collect_columns", refuse)
    result = audit_predictions(
        "y", y_score="score", sensitive_features=FEATURES, data=pl.from_pandas(scored)
    )
    assert result.metadata["engine"] == "polars"
    assert result.metadata["scores"]["exact"]


def test_engine_scored_audit_with_more_scores_than_bins_collects_the_rows(scored, scored_parquet):
    options = {"y_score": "score", "sensitive_features": FEATURES, "n_bins": 100}
    expected = audit_predictions("y", data=scored, **options)
    actual = audit_predictions("y", data=scored_parquet, **options)
    assert not expected.metadata["scores"]["exact"]
    assert_same_audit(actual, expected, "duckdb -> pandas")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
            st.integers(1, 50),
        ),
        min_size=1,
        max_size=40,
        unique_by=lambda pair: pair[0],
    )
)
def test_row_quantiles_equal_numpy_quantiles_of_the_repeated_rows(pairs):
    from fairscope.engines._prediction_audits import row_quantiles

    values = np.array([v for v, _ in pairs])
    rows = np.array([c for _, c in pairs])
    q = np.linspace(0, 1, 101)
    expected = np.quantile(np.repeat(values, rows), q)
    np.testing.assert_array_equal(row_quantiles(values, rows, q), expected)


def test_engine_score_histograms_give_auc_within_the_binning_bound(scored, scored_parquet):
    from fairscope.compute._scores import from_histograms, score_metrics_frame
    from fairscope.engines import score_histograms

    exact = audit_predictions("y", y_score="score", sensitive_features="race", data=scored)
    hist = score_histograms(scored_parquet, "y", "score", "race", np.linspace(0, 1, 21))
    labels = [str(g) for g in hist.groups]
    binned = score_metrics_frame(from_histograms(hist), labels)
    truth = exact.tables["score_metrics"]
    assert binned["group"].tolist() == truth["group"].tolist()
    error = np.abs(binned["roc_auc"].to_numpy() - truth["roc_auc"].to_numpy())
    assert (error <= binned["auc_binning_error_bound"].to_numpy() + 1e-12).all()
    assert (binned["auc_binning_error_bound"] > 0).all()


def test_engine_scored_audit_warns_like_pandas_when_the_threshold_is_off_the_score_scale(frame):
    data = pl.from_pandas(frame[["y", "score_2dp", "sex"]])
    args = {"y_score": "score_2dp", "threshold": 5.0, "sensitive_features": "sex"}
    with pytest.warns(UserWarning, match="puts every row on one side"):
        audit_predictions("y", None, data=frame[["y", "score_2dp", "sex"]], **args)
    with pytest.warns(UserWarning, match="puts every row on one side"):
        result = audit_predictions("y", None, data=data, **args)
    assert result.metadata["engine"].startswith("polars")
