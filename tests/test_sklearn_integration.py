"""fairscope.audits._sklearn scorers and cross_val_audit, and the counterfactual flip test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_difference, false_positive_rate
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_predict,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import fairscope
from fairscope.audits._sklearn import cross_val_audit, make_fairness_scorer


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 900
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "z": rng.normal(size=n),
            "sex": rng.choice(["F", "M"], n, p=[0.4, 0.6]),
        }
    )
    y = (X["x"] + 0.8 * (X["sex"] == "M") + rng.normal(size=n) > 0.4).astype(int).to_numpy()
    return X, y


def _blind():
    """A pipeline that sees x and z only (the sensitive column stays in X for the scorer)."""
    return make_pipeline(make_column_transformer(("passthrough", ["x", "z"])), LogisticRegression())


def test_scorer_in_cross_val_score_equals_negated_fairlearn_per_fold(data):
    X, y = data
    cv = KFold(3, shuffle=True, random_state=0)
    scorer = make_fairness_scorer("demographic_parity_difference", sensitive_feature="sex")
    scores = cross_val_score(_blind(), X, y, scoring=scorer, cv=cv)
    for score, (train, test) in zip(scores, cv.split(X), strict=True):
        model = _blind().fit(X.iloc[train], y[train])
        expected = demographic_parity_difference(
            y[test], model.predict(X.iloc[test]), sensitive_features=X["sex"].iloc[test]
        )
        assert score == pytest.approx(-expected, abs=1e-12)


def test_scorer_in_cross_validate_beside_a_builtin_scorer(data):
    X, y = data
    scorer = make_fairness_scorer(
        "demographic_parity_ratio", sensitive_feature="sex", greater_is_better=True
    )
    scores = cross_validate(_blind(), X, y, cv=2, scoring={"dpr": scorer, "acc": "accuracy"})
    assert np.all((scores["test_dpr"] > 0) & (scores["test_dpr"] <= 1))
    assert len(scores["test_acc"]) == 2


def test_scorer_inside_grid_search(data):
    X, y = data
    scorer = make_fairness_scorer("equalized_odds_difference", sensitive_feature="sex")
    search = GridSearchCV(
        _blind(),
        {"logisticregression__C": [0.01, 1.0]},
        scoring={"eod": scorer, "accuracy": "accuracy"},
        refit="accuracy",
        cv=3,
    ).fit(X, y)
    values = search.cv_results_["mean_test_eod"]
    assert len(values) == 2 and np.all(values <= 0) and np.all(np.isfinite(values))


def test_registry_metric_ratio_scorer_equals_fairlearn_metric_frame(data):
    X, y = data
    model = _blind().fit(X, y)
    scorer = make_fairness_scorer(
        "fpr", sensitive_feature="sex", kind="ratio", greater_is_better=True
    )
    frame = MetricFrame(
        metrics=false_positive_rate,
        y_true=y,
        y_pred=model.predict(X),
        sensitive_features=X["sex"],
    )
    assert scorer(model, X, y) == pytest.approx(frame.ratio(), abs=1e-12)


def test_scorer_errors_name_the_problem(data):
    X, y = data
    with pytest.raises(ValueError, match="unknown metric 'fairness'"):
        make_fairness_scorer("fairness", sensitive_feature="sex")
    with pytest.raises(ValueError, match="regression metric"):
        make_fairness_scorer("mae", sensitive_feature="sex")
    scorer = make_fairness_scorer("demographic_parity_ratio", sensitive_feature="race")
    with pytest.raises(ValueError, match="'race' is not a column of X"):
        scorer(_blind().fit(X, y), X, y)


@pytest.fixture(scope="module")
def cross_validated(data):
    X, y = data
    cv = KFold(3, shuffle=True, random_state=1)
    return cv, cross_val_audit(_blind(), X, y, sensitive_features="sex", cv=cv)


def test_cross_val_audit_pools_held_out_predictions(data, cross_validated):
    X, y = data
    cv, result = cross_validated
    held_out = cross_val_predict(_blind(), X, y, cv=cv)
    direct = fairscope.audit_predictions(y, held_out, sensitive_features=X["sex"])
    pd.testing.assert_frame_equal(result.tables["counts"], direct.tables["counts"])
    assert result.kind == "cross_validation"
    assert result.metadata["cv"]["n_splits"] == 3
    assert sum(result.metadata["cv"]["fold_sizes"]) == len(X)


def test_cv_folds_reports_each_fold_against_the_pooled_reference(data, cross_validated):
    X, y = data
    cv, result = cross_validated
    folds = result.tables["cv_folds"]
    row = folds.query("group == 'F' and metric == 'selection_rate' and kind == 'difference'")
    row = row.iloc[0]
    assert row["reference"] == "M"  # the largest group, pooled
    train, test = list(cv.split(X))[1]
    pred = _blind().fit(X.iloc[train], y[train]).predict(X.iloc[test])
    sex = X["sex"].iloc[test].to_numpy()
    expected = pred[sex == "F"].mean() - pred[sex == "M"].mean()
    assert row["fold_1"] == pytest.approx(expected, abs=1e-12)
    values = row[["fold_0", "fold_1", "fold_2"]].to_numpy(dtype=float)
    assert row["std"] == pytest.approx(values.std(ddof=1))
    assert row["mean"] == pytest.approx(values.mean())
    auc_gap = folds.query("group == 'F' and metric == 'roc_auc' and kind == 'difference'")
    assert auc_gap[["fold_0", "fold_1", "fold_2"]].notna().all(axis=None)


def test_cross_val_audit_needs_columns_of_a_dataframe(data):
    X, y = data
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        cross_val_audit(LogisticRegression(), X[["x", "z"]].to_numpy(), y, sensitive_features="sex")


# -- counterfactual flip test ------------------------------------------------------------


@pytest.fixture(scope="module")
def aware(data):
    X, y = data
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        LogisticRegression(),
    ).fit(X, y)
    return X, model


def test_flip_test_counts_changed_predictions_and_score_shifts(aware):
    X, model = aware
    table = fairscope.counterfactual_flip_test(model, X, "sex")
    flipped = X.assign(sex=np.where(X["sex"] == "F", "M", "F"))
    changed = model.predict(flipped) != model.predict(X)
    delta = model.predict_proba(flipped)[:, 1] - model.predict_proba(X)[:, 1]
    row = table.query("group == 'F' and counterfactual == 'M'").iloc[0]
    f = (X["sex"] == "F").to_numpy()
    assert row["n"] == f.sum()
    assert row["change_rate"] == pytest.approx(changed[f].mean(), abs=1e-15)
    assert row["mean_score_change"] == pytest.approx(delta[f].mean(), abs=1e-12)
    assert row["change_rate_lower"] <= row["change_rate"] <= row["change_rate_upper"]
    assert row["mean_score_change"] > 0  # M is favoured in the data the model learned


def test_flip_test_refuses_a_model_that_does_not_see_the_feature(data):
    X, y = data
    with pytest.raises(ValueError, match="does not use 'sex'"):
        fairscope.counterfactual_flip_test(_blind().fit(X, y), X, "sex")
    plain = LogisticRegression().fit(X[["x", "z"]], y)
    with pytest.raises(ValueError, match="does not use 'sex'"):
        fairscope.counterfactual_flip_test(plain, X, "sex")


def test_flip_test_names_a_missing_column(aware):
    X, model = aware
    with pytest.raises(ValueError, match="'race' is not a column of X"):
        fairscope.counterfactual_flip_test(model, X, "race")
