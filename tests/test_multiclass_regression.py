"""Multiclass (K x K counts per group) and regression (moment sums per group) audits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    confusion_matrix,
    mean_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    root_mean_squared_error,
)

import fairscope
from fairscope.core._tasks import detect_task


@pytest.fixture(scope="module")
def multiclass():
    rng = np.random.default_rng(0)
    n = 3000
    sf = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "age": rng.choice(["<25", ">=25"], n)})
    y = rng.choice(["cat", "dog", "eel"], n, p=[0.5, 0.3, 0.2])
    noisy = rng.random(n) < np.where(sf["sex"] == "F", 0.4, 0.2)
    pred = np.where(noisy, rng.choice(["cat", "dog", "eel"], n), y)
    w = rng.uniform(0.5, 2, n)
    result = fairscope.audit_predictions(y, pred, sensitive_features=sf, sample_weight=w)
    return y, pred, sf, w, result


def test_multiclass_counts_equal_sklearn_confusion_matrix_per_group(multiclass):
    y, pred, sf, w, result = multiclass
    table = result.tables["multiclass_confusion"]
    classes = ["cat", "dog", "eel"]
    for feature, group in (("sex", "F"), ("age", ">=25"), ("sex & age", "sex=M & age=<25")):
        if feature == "sex & age":
            m = ((sf["sex"] == "M") & (sf["age"] == "<25")).to_numpy()
        else:
            m = (sf[feature] == group).to_numpy()
        sub = table[(table["feature"] == feature) & (table["group"] == group)]
        counts = sub.pivot(index="true_label", columns="predicted_label", values="count")
        expected = confusion_matrix(y[m], pred[m], labels=classes, sample_weight=w[m])
        np.testing.assert_allclose(counts.loc[classes, classes].to_numpy(), expected, atol=1e-9)
        rows = sub.pivot(index="true_label", columns="predicted_label", values="rows")
        np.testing.assert_array_equal(
            rows.loc[classes, classes].to_numpy(), confusion_matrix(y[m], pred[m], labels=classes)
        )


def test_one_vs_rest_rates_equal_sklearn_per_class(multiclass):
    y, pred, sf, w, result = multiclass
    table = result.tables["multiclass_metrics"]
    m = (sf["sex"] == "M").to_numpy()
    sub = table[(table["feature"] == "sex") & (table["group"] == "M")].set_index("class")
    classes = ["cat", "dog", "eel"]
    recall = recall_score(y[m], pred[m], labels=classes, average=None, sample_weight=w[m])
    precision = precision_score(y[m], pred[m], labels=classes, average=None, sample_weight=w[m])
    np.testing.assert_allclose(sub.loc[classes, "true_positive_rate"], recall, atol=1e-12)
    np.testing.assert_allclose(sub.loc[classes, "precision"], precision, atol=1e-12)
    assert sub.loc["<macro>", "true_positive_rate"] == pytest.approx(recall.mean(), abs=1e-12)
    accuracy = np.average(y[m] == pred[m], weights=w[m])
    assert sub.loc["<macro>", "accuracy"] == pytest.approx(accuracy, abs=1e-12)
    share_dog = np.average(pred[m] == "dog", weights=w[m])
    assert sub.loc["dog", "selection_rate"] == pytest.approx(share_dog, abs=1e-12)


def test_generalised_criteria_take_the_worst_class(multiclass):
    y, pred, sf, w, result = multiclass
    f, m = (sf["sex"] == "F").to_numpy(), (sf["sex"] == "M").to_numpy()
    sel_gap, eo_gap, worst = [], [], None
    for cls in ("cat", "dog", "eel"):
        sel = [np.average(pred[g] == cls, weights=w[g]) for g in (f, m)]
        tpr = [np.average(pred[g & (y == cls)] == cls, weights=w[g & (y == cls)]) for g in (f, m)]
        fpr = [np.average(pred[g & (y != cls)] == cls, weights=w[g & (y != cls)]) for g in (f, m)]
        sel_gap.append(abs(sel[0] - sel[1]))
        eo_gap.append(max(abs(tpr[0] - tpr[1]), abs(fpr[0] - fpr[1])))
    worst = ["cat", "dog", "eel"][int(np.argmax(sel_gap))]
    criteria = result.tables["fairness_criteria"].query("feature == 'sex'").set_index("criterion")
    dp = criteria.loc["demographic_parity_difference"]
    assert dp["value"] == pytest.approx(max(sel_gap), abs=1e-12)
    assert dp["worst_class"] == worst
    eo = criteria.loc["equalized_odds_difference", "value"]
    assert eo == pytest.approx(max(eo_gap), abs=1e-12)


def test_multiclass_disparities_have_a_class_and_intervals(multiclass):
    *_, result = multiclass
    disp = result.tables["disparities"]
    assert {"class", "lower", "upper", "reference"} <= set(disp.columns)
    row = disp.query(
        "feature == 'sex' and group == 'F' and metric == 'selection_rate' and "
        "kind == 'difference' and `class` == 'cat'"
    ).iloc[0]
    assert row["lower"] <= row["estimate"] <= row["upper"]
    assert result.task == "multiclass" and result.metadata["classes"] == ["cat", "dog", "eel"]


def test_labels_outside_the_given_classes_are_refused():
    with pytest.raises(ValueError, match="not in labels"):
        fairscope.audit_predictions(
            [0, 1, 2],
            [0, 1, 2],
            sensitive_features=["a", "a", "b"],
            labels=[0, 1],
            task="multiclass",
        )


# -- regression --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(1)
    n = 2000
    g = rng.choice(["x", "y", "z"], n, p=[0.5, 0.3, 0.2])
    y = 1e9 + rng.normal(50, 10, n)  # a large offset must not cost precision
    pred = y + rng.normal(0, 4, n) + np.where(g == "z", 3.0, 0.0)
    w = rng.uniform(0.5, 2, n)
    result = fairscope.audit_predictions(
        y, pred, sensitive_features=g, sample_weight=w, selection_quantile=0.75
    )
    return y, pred, g, w, result


def test_regression_metrics_equal_sklearn_per_group(regression):
    y, pred, g, w, result = regression
    table = result.tables["regression_metrics"].set_index("group")
    for group in ("x", "y", "z"):
        m = g == group
        row = table.loc[group]
        assert row["n"] == m.sum()
        assert row["mean_absolute_error"] == pytest.approx(
            mean_absolute_error(y[m], pred[m], sample_weight=w[m]), rel=1e-9
        )
        assert row["root_mean_squared_error"] == pytest.approx(
            root_mean_squared_error(y[m], pred[m], sample_weight=w[m]), rel=1e-9
        )
        assert row["r2"] == pytest.approx(r2_score(y[m], pred[m], sample_weight=w[m]), abs=1e-8)
        assert row["mean_error"] == pytest.approx(
            np.average(pred[m] - y[m], weights=w[m]), abs=1e-6
        )
        assert row["mean_prediction"] == pytest.approx(np.average(pred[m], weights=w[m]), rel=1e-15)


def test_regression_disparity_of_bias_has_a_wald_interval(regression):
    y, pred, g, w, result = regression
    disp = (
        result.tables["disparities"]
        .query("metric == 'mean_error' and kind == 'difference' and group == 'z'")
        .iloc[0]
    )
    assert disp["reference"] == "x"  # the largest group
    assert disp["estimate"] == pytest.approx(
        np.average((pred - y)[g == "z"], weights=w[g == "z"])
        - np.average((pred - y)[g == "x"], weights=w[g == "x"]),
        abs=1e-6,
    )
    assert disp["lower"] < 3.0 < disp["upper"]
    assert disp["method"] == "wald"


def test_regression_selection_at_a_quantile_counts_predictions_above_it(regression):
    _y, pred, g, w, result = regression
    t = np.quantile(pred, 0.75)
    sel = result.tables["selection_metrics"].query("feature == 'sensitive_feature'")
    rate = sel.set_index("group")["selection_rate"]
    assert rate["z"] == pytest.approx(np.average(pred[g == "z"] >= t, weights=w[g == "z"]))
    assert result.metadata["selection_thresholds"][0]["threshold"] == pytest.approx(t)
    assert "sensitive_feature" in result.statistics


def test_constant_target_group_has_undefined_r2():
    result = fairscope.audit_predictions(
        [1.5, 1.5, 2.5, 3.5], [1.0, 2.0, 2.4, 3.7], sensitive_features=["a", "a", "b", "b"]
    )
    r2 = result.tables["regression_metrics"].set_index("group")["r2"]
    assert np.isnan(r2["a"]) and r2["b"] == pytest.approx(r2_score([2.5, 3.5], [2.4, 3.7]))


def test_regression_needs_numeric_targets():
    with pytest.raises(ValueError, match="y_pred must be numeric"):
        fairscope.audit_predictions(
            [1.0, 2.0], ["a", "b"], sensitive_features=["g", "h"], task="regression"
        )


# -- task detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("y_true", "y_pred", "task"),
    [
        ([0, 1, 1], [1, 1, 0], "binary"),
        (["no", "yes", "no"], ["yes", "yes", "no"], "binary"),
        ([0, 1, 2], [2, 1, 0], "multiclass"),
        (["a", "b", "c"], ["a", "a", "a"], "multiclass"),
        ([1.5, 2.0, 3.25], [1.0, 2.5, 3.0], "regression"),
        ([10, 20, 35], [11.2, 19.5, 30.1], "regression"),
    ],
)
def test_task_is_detected_from_targets_and_predictions(y_true, y_pred, task):
    assert detect_task(pd.Series(y_true), pd.Series(y_pred)) == task


def test_zero_one_targets_with_fractional_predictions_are_ambiguous():
    with pytest.raises(ValueError, match="y_score="):
        fairscope.audit_predictions([0, 1, 1], [0.2, 0.7, 0.9], sensitive_features=["a"] * 3)


def test_many_distinct_integers_are_ambiguous():
    values = list(range(30))
    with pytest.raises(ValueError, match="task='multiclass' or task='regression'"):
        fairscope.audit_predictions(values, values[::-1], sensitive_features=["a"] * 30)


def test_task_argument_overrides_detection_and_is_checked():
    values = list(range(30))
    result = fairscope.audit_predictions(
        values, values[::-1], sensitive_features=["a"] * 15 + ["b"] * 15, task="regression"
    )
    assert result.task == "regression"
    with pytest.raises(ValueError, match="task='clustering' is unknown"):
        fairscope.audit_predictions(
            [0, 1], [0, 1], sensitive_features=["a", "b"], task="clustering"
        )
