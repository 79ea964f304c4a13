"""audit_model on real scikit-learn models and pipelines, synthetic data and Adult."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import confusion_matrix, mean_absolute_error, r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

import fairscope

ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]


def read_adult(path) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        header=None,
        names=ADULT_COLUMNS,
        skipinitialspace=True,
        na_values="?",
        skiprows=1 if path.name == "adult.test" else 0,
    )
    frame["income"] = frame["income"].str.rstrip(".")
    return frame


@pytest.fixture(scope="module")
def adult(adult_dir):
    """Adult train + test (48,842 rows) and a small pipeline fitted on 4,000 training rows."""
    data = pd.concat(
        [read_adult(adult_dir / "adult.data"), read_adult(adult_dir / "adult.test")],
        ignore_index=True,
    )
    X, y = data.drop(columns="income"), data["income"]
    numeric = ["age", "education-num", "hours-per-week", "capital-gain", "capital-loss"]
    categorical = ["workclass", "occupation", "relationship", "sex", "race"]
    model = make_pipeline(
        make_column_transformer(
            (StandardScaler(), numeric), (OneHotEncoder(handle_unknown="ignore"), categorical)
        ),
        LogisticRegression(max_iter=300),
    )
    train = X.sample(4000, random_state=0).index
    model.fit(X.loc[train], y.loc[train])
    return X, y, model


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(0)
    n = 2000
    X = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    y = (X["x1"] + 0.5 * X["x2"] + 0.4 * (X["sex"] == "M") + rng.normal(size=n) > 0).astype(int)
    model = LogisticRegression().fit(X[["x1", "x2"]], y)
    return X, y, model


def test_audit_model_equals_audit_of_its_own_outputs(synthetic):
    X, y, model = synthetic
    result = fairscope.audit_model(model, X, y, sensitive_features="sex", drop_sensitive=True)
    direct = fairscope.audit_predictions(
        y,
        model.predict(X[["x1", "x2"]]),
        y_score=model.predict_proba(X[["x1", "x2"]])[:, 1],
        sensitive_features=X["sex"],
    )
    assert result.kind == "model" and result.task == "binary"
    for name in ("group_metrics", "score_metrics", "threshold_sweep"):
        pd.testing.assert_frame_equal(result.tables[name], direct.tables[name])
    assert result.metadata["model"]["scores"] == "predict_proba"


def test_pipeline_on_adult_gives_per_group_auc_of_sklearn(adult):
    X, y, model = adult
    X = X.sample(15_000, random_state=2)
    y = y.loc[X.index]
    result = fairscope.audit_model(model, X, y, sensitive_features=["race", "sex"])
    assert result.metadata["pos_label"] == ">50K"  # model.classes_[1]
    score = model.predict_proba(X)[:, 1]
    positive = (y == ">50K").to_numpy()
    table = result.tables["score_metrics"].query("feature == 'race'").set_index("group")
    for group in ("White", "Black", "Asian-Pac-Islander"):
        m = (X["race"] == group).to_numpy()
        assert table.loc[group, "roc_auc"] == pytest.approx(
            roc_auc_score(positive[m], score[m]), abs=1e-3
        )
    steps = [s["class"] for s in result.metadata["model"]["steps"]]
    assert steps == ["ColumnTransformer", "LogisticRegression"]
    assert result.metadata["model"]["steps"][1]["params"]["max_iter"] == "300"


def test_exact_mode_on_adult_equals_sklearn(adult):
    X, y, model = adult
    sample = X.sample(6000, random_state=1)
    result = fairscope.audit_model(
        model, sample, y.loc[sample.index], sensitive_features="sex", exact=True
    )
    score = model.predict_proba(sample)[:, 1]
    positive = (y.loc[sample.index] == ">50K").to_numpy()
    table = result.tables["score_metrics"].set_index("group")
    for group in ("Female", "Male"):
        m = (sample["sex"] == group).to_numpy()
        assert table.loc[group, "roc_auc"] == pytest.approx(
            roc_auc_score(positive[m], score[m]), abs=1e-12
        )


def test_adult_base_rate_matches_the_published_share(adult):
    X, y, model = adult
    result = fairscope.audit_model(model, X, y, sensitive_features="sex", scores=False)
    overall = result.tables["intervals"].query("group == '<overall>' and metric == 'base_rate'")
    # adult.names: P(>50K) = 23.93% over all 48,842 rows
    assert result.metadata["n_rows"] == 48_842
    assert round(float(overall["estimate"].iloc[0]) * 100, 2) == 23.93


def test_hist_gradient_boosting_multiclass_counts_equal_sklearn():
    rng = np.random.default_rng(2)
    n = 1500
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    group = rng.choice(["p", "q"], n)
    y = np.digitize(X["a"] + 0.5 * rng.normal(size=n), [-0.5, 0.5])
    # one OpenMP thread: on a loaded machine more threads are much slower, not faster
    with threadpool_limits(1):
        model = HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(X, y)
        result = fairscope.audit_model(model, X, y, sensitive_features=group)
        pred = model.predict(X)
    assert result.task == "multiclass"
    counts = result.tables["multiclass_confusion"].query("group == 'q'")
    matrix = counts.pivot(index="true_label", columns="predicted_label", values="rows")
    m = group == "q"
    np.testing.assert_array_equal(matrix.to_numpy(), confusion_matrix(y[m], pred[m]))


def test_ridge_is_audited_as_regression_even_with_integer_targets():
    rng = np.random.default_rng(3)
    n = 800
    X = pd.DataFrame({"a": rng.normal(size=n), "g": rng.choice(["u", "v"], n)})
    y = np.round(10 + 3 * X["a"] + rng.normal(size=n)).astype(int)
    model = Ridge().fit(X[["a"]], y)
    result = fairscope.audit_model(model, X, y, sensitive_features="g", drop_sensitive=True)
    assert result.task == "regression"
    pred = model.predict(X[["a"]])
    row = result.tables["regression_metrics"].set_index("group").loc["u"]
    m = (X["g"] == "u").to_numpy()
    assert row["mean_absolute_error"] == pytest.approx(mean_absolute_error(y[m], pred[m]))
    assert row["r2"] == pytest.approx(r2_score(y[m], pred[m]))


def test_sensitive_features_may_be_given_separately(synthetic):
    X, y, model = synthetic
    result = fairscope.audit_model(model, X[["x1", "x2"]], y, sensitive_features=X["sex"])
    assert result.metadata["groups"]["sex"] == ["F", "M"]


def test_a_list_of_values_is_a_sensitive_feature_not_column_names(synthetic):
    X, y, model = synthetic
    values = X["sex"].tolist()
    result = fairscope.audit_model(model, X[["x1", "x2"]], y, sensitive_features=values)
    assert result.metadata["groups"]["sensitive_feature"] == ["F", "M"]


def test_threshold_turns_the_scores_into_predictions(synthetic):
    X, y, model = synthetic
    result = fairscope.audit_model(
        model, X, y, sensitive_features="sex", drop_sensitive=True, threshold=0.7
    )
    proba = model.predict_proba(X[["x1", "x2"]])[:, 1]
    rate = result.tables["group_metrics"].set_index("group").loc["F", "selection_rate"]
    assert rate == pytest.approx((proba[X["sex"] == "F"] >= 0.7).mean())
    assert result.metadata["model"]["predictions"] == "predict_proba >= threshold"


def test_decision_function_gives_scores_without_predict_proba(synthetic):
    X, y, _ = synthetic
    svm = LinearSVC().fit(X[["x1", "x2"]], y)
    result = fairscope.audit_model(svm, X, y, sensitive_features="sex", drop_sensitive=True)
    assert result.metadata["model"]["scores"] == "decision_function"
    assert result.tables["score_metrics"]["brier_score"].isna().all()


def test_unfitted_model_is_refused(synthetic):
    X, y, _ = synthetic
    with pytest.raises(NotFittedError, match="not fitted"):
        fairscope.audit_model(LogisticRegression(), X, y, sensitive_features="sex")


def test_sensitive_feature_absent_from_X_is_named(synthetic):
    X, y, model = synthetic
    with pytest.raises(ValueError, match="sensitive feature 'race' is not a column of X"):
        fairscope.audit_model(model, X, y, sensitive_features="race")


def test_column_the_model_needs_is_missing(synthetic):
    X, y, model = synthetic
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['x2'\]"):
        fairscope.audit_model(
            model, X[["x1", "sex"]], y, sensitive_features="sex", drop_sensitive=True
        )


def test_extra_sensitive_column_suggests_drop_sensitive(synthetic):
    X, y, model = synthetic
    with pytest.raises(ValueError, match="drop_sensitive=True"):
        fairscope.audit_model(model, X, y, sensitive_features="sex")


def test_dropping_a_feature_the_model_uses_is_refused():
    X = pd.DataFrame({"x": [0.0, 1, 2, 3], "sex": [0, 1, 0, 1]})
    model = LogisticRegression().fit(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="use drop_sensitive=False"):
        fairscope.audit_model(model, X, [0, 1, 0, 1], sensitive_features="sex", drop_sensitive=True)


class _TextScores(LogisticRegression):
    def predict_proba(self, X):
        return np.where(super().predict_proba(X) > 0.5, "high", "low")


def test_non_numeric_scores_are_refused(synthetic):
    X, y, _ = synthetic
    model = _TextScores().fit(X[["x1", "x2"]], y)
    with pytest.raises(ValueError, match="predict_proba returned non-numeric"):
        fairscope.audit_model(model, X, y, sensitive_features="sex", drop_sensitive=True)


def test_y_may_name_a_column_of_X(synthetic):
    X, y, model = synthetic
    frame = X.assign(label=y)
    result = fairscope.audit_model(
        model, frame, "label", sensitive_features="sex", drop_sensitive=True, scores=False
    )
    assert result.metadata["n_rows"] == len(X)
    assert "score_metrics" not in result.tables
