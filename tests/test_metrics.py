"""The metric registry: names, aliases, formulas over the confusion cells."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
    recall_score,
)

from fairscope.core._registry import (
    CELLS,
    DEFAULT_METRICS,
    REGISTRY,
    get_metric,
    metrics_table,
    resolve_metrics,
)

REQUIRED = [
    "count", "selection_rate", "base_rate", "true_positive_rate", "false_positive_rate",
    "true_negative_rate", "false_negative_rate", "precision", "negative_predictive_value",
    "false_discovery_rate", "false_omission_rate", "accuracy", "error_rate",
    "balanced_accuracy", "f1", "treatment_equality",
]  # fmt: skip
ALIASES = {
    "tpr": "true_positive_rate", "recall": "true_positive_rate", "fpr": "false_positive_rate",
    "tnr": "true_negative_rate", "fnr": "false_negative_rate", "ppv": "precision",
    "npv": "negative_predictive_value", "fdr": "false_discovery_rate",
    "for": "false_omission_rate", "prevalence": "base_rate",
}  # fmt: skip

# TN, FP, FN, TP of a small confusion matrix
CELLS_EXAMPLE = np.array([50.0, 10.0, 5.0, 35.0])
Y_TRUE = np.repeat([0, 0, 1, 1], CELLS_EXAMPLE.astype(int))
Y_PRED = np.repeat([0, 1, 0, 1], CELLS_EXAMPLE.astype(int))


def test_cell_order():
    assert CELLS == ("tn", "fp", "fn", "tp")


@pytest.mark.parametrize("name", REQUIRED)
def test_required_metric_is_registered_and_documented(name):
    metric = REGISTRY[name]
    assert metric.definition and metric.formula_text and metric.reference
    assert metric.direction in ("higher", "lower", "neutral")


@pytest.mark.parametrize(("alias", "name"), ALIASES.items())
def test_alias_resolves(alias, name):
    assert get_metric(alias).name == name


def test_names_ignore_case_hyphens_and_spaces():
    assert get_metric("False-Positive Rate").name == "false_positive_rate"


def test_unknown_metric_suggests_close_names():
    with pytest.raises(ValueError, match=r"unknown metric 'precison'\. Did you mean 'precision'"):
        get_metric("precison")


def test_unknown_metric_without_close_name_lists_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown metric 'xyzzy'\. Known metrics: count, selection_rate"
    ):
        get_metric("xyzzy")


def test_non_string_metric_name():
    with pytest.raises(TypeError, match="metric names must be strings, got int: 3"):
        get_metric(3)


def test_resolve_removes_duplicates_and_keeps_order():
    assert [m.name for m in resolve_metrics(["fpr", "tpr", "false_positive_rate"])] == [
        "false_positive_rate", "true_positive_rate",
    ]  # fmt: skip


def test_default_set_resolves():
    assert [m.name for m in resolve_metrics(None)] == list(DEFAULT_METRICS)


def test_empty_metric_list():
    with pytest.raises(ValueError, match="metrics is empty; pass at least one metric name"):
        resolve_metrics([])


SKLEARN = {
    "true_positive_rate": recall_score(Y_TRUE, Y_PRED),
    "true_negative_rate": recall_score(Y_TRUE, Y_PRED, pos_label=0),
    "precision": precision_score(Y_TRUE, Y_PRED),
    "negative_predictive_value": precision_score(Y_TRUE, Y_PRED, pos_label=0),
    "accuracy": accuracy_score(Y_TRUE, Y_PRED),
    "balanced_accuracy": balanced_accuracy_score(Y_TRUE, Y_PRED),
    "f1": f1_score(Y_TRUE, Y_PRED),
    "selection_rate": Y_PRED.mean(),
    "base_rate": Y_TRUE.mean(),
    "false_positive_rate": 10 / 60,
    "false_negative_rate": 5 / 40,
    "false_discovery_rate": 10 / 45,
    "false_omission_rate": 5 / 55,
    "error_rate": 15 / 100,
    "treatment_equality": 5 / 10,
    "count": 100,
}


@pytest.mark.parametrize("name", REQUIRED)
def test_formula_matches_sklearn_or_hand_value(name):
    assert REGISTRY[name].compute(CELLS_EXAMPLE) == pytest.approx(SKLEARN[name], rel=1e-15)


def test_compute_is_vectorized_over_leading_axes():
    stacked = np.stack([CELLS_EXAMPLE, CELLS_EXAMPLE * 2, CELLS_EXAMPLE[::-1]])[None]
    out = REGISTRY["f1"].compute(stacked)
    assert out.shape == (1, 3)
    assert out[0, 0] == pytest.approx(out[0, 1])


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("true_positive_rate", [5, 3, 0, 0]),
        ("false_positive_rate", [0, 0, 2, 2]),
        ("precision", [5, 0, 3, 0]),
        ("negative_predictive_value", [0, 4, 0, 4]),
        ("treatment_equality", [1, 0, 3, 1]),
        ("balanced_accuracy", [0, 0, 2, 2]),
        ("f1", [7, 0, 0, 0]),
    ],
)
def test_zero_denominator_gives_nan_without_warning(name, cells, recwarn):
    assert np.isnan(REGISTRY[name].compute(np.array(cells, dtype=float)))
    assert not recwarn.list


def test_count_uses_rows_not_weights():
    weighted = np.array([0.5, 0.5, 0.5, 0.5])
    rows = np.array([1, 1, 1, 1])
    assert REGISTRY["count"].compute(weighted, rows) == 4


def test_proportion_numerator_and_denominator():
    num, den = REGISTRY["false_positive_rate"].numerator_denominator(CELLS_EXAMPLE)
    assert (num, den) == (10.0, 60.0)
    with pytest.raises(TypeError, match="'f1' is not a proportion"):
        REGISTRY["f1"].numerator_denominator(CELLS_EXAMPLE)


def test_undefined_when_names_the_denominator():
    assert REGISTRY["true_positive_rate"].undefined_when == "TP + FN is 0 in this group"


def test_metrics_table_lists_every_metric():
    table = metrics_table()
    assert table.index.tolist() == list(REGISTRY)
    assert table.loc["false_positive_rate", "formula"] == "FP / (FP + TN)"
