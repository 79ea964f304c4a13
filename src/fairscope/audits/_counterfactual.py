"""Counterfactual flip test: does the model's output change when only the sensitive value does?

For a model that takes the sensitive feature as an input, each row is copied
with its sensitive value replaced by each other value, everything else kept.
The share of rows whose prediction changes, and the mean change of the score,
measure how much the model relies on the feature *directly*. It says nothing
about proxies (other features correlated with the sensitive one): a model can
pass this test and still treat groups differently (see the group metrics).

Reference: M. Kusner, J. Loftus, C. Russell and R. Silva, Counterfactual
Fairness, NeurIPS 2017 (this test is the simple "flip" variant, without a
causal model of the other features).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._model import check_fitted, model_scores
from fairscope.core._intervals import wilson_interval

#: Label of the rows that summarise a group over every counterfactual value.
ANY = "<any>"


def counterfactual_flip_test(
    model: Any,
    X: pd.DataFrame,
    sensitive_feature: str,
    *,
    values: Any = None,
    pos_label: Any = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Swap each row's sensitive value to every other value and measure the change.

    Parameters
    ----------
    model : fitted estimator
        It must take ``sensitive_feature`` as an input column.
    X : pandas.DataFrame
        Rows to test, with the sensitive column.
    sensitive_feature : str
        Column of ``X`` to flip.
    values : list, optional
        Counterfactual values (default: the values observed in the column).
    pos_label : optional
        Class whose probability is the score (default ``model.classes_[1]``
        for two classes); regressors use the prediction itself.
    ci : float, default 0.95
        Level of the Wilson interval of the change rate.

    Returns
    -------
    pandas.DataFrame
        One row per original group and counterfactual value (and a row
        ``counterfactual="<any>"`` per group: changed under at least one
        value), with columns ``feature, group, counterfactual, n, changed,
        change_rate, change_rate_lower, change_rate_upper, mean_score_change,
        mean_abs_score_change`` (score columns NaN without scores).

    Raises
    ------
    ValueError
        When ``sensitive_feature`` is not a column of ``X`` or not an input of
        the model (``feature_names_in_``), or fewer than two values exist.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"x": [0, 1, 0, 1], "g": [0, 0, 1, 1]})
    >>> model = DecisionTreeClassifier(random_state=0).fit(X, [0, 0, 1, 1])
    >>> table = counterfactual_flip_test(model, X, "g")
    >>> table.loc[table["counterfactual"] == "<any>", "change_rate"].tolist()
    [1.0, 1.0]
    """
    _check_flip_inputs(model, X, sensitive_feature)
    column = X[sensitive_feature]
    observed = pd.unique(column.dropna())
    candidates = list(observed if values is None else values)
    if len(candidates) < 2:
        raise ValueError(
            f"sensitive_feature {sensitive_feature!r} has {len(candidates)} value(s); a flip test "
            "needs at least two."
        )
    base_score = _score(model, X, pos_label)
    original = column.to_numpy()
    rows = []
    results = _flips(model, X, sensitive_feature, candidates, pos_label, base_score)
    any_changed = np.zeros(len(X), dtype=bool)
    for _, _, changed, _ in results:
        any_changed |= changed
    labels = pd.Series(original).astype(object).where(~pd.isna(original), "<missing>").astype(str)
    for group in sorted(pd.unique(labels), key=lambda v: (v == "<missing>", v)):
        in_group = (labels == group).to_numpy()
        for value, flip, changed, delta in results:
            mask = in_group & flip
            if mask.any():
                rows.append(_row(sensitive_feature, group, str(value), mask, changed, delta))
        flipped = np.zeros(len(X), dtype=bool)
        for _, flip, _, _ in results:
            flipped |= flip
        mask = in_group & flipped
        if mask.any():
            all_delta = np.full(len(X), np.nan)
            if base_score is not None:
                # each row's mean change over the values it was flipped to
                stacked = np.vstack([d for *_, d in results])
                counts = (~np.isnan(stacked)).sum(axis=0)
                total = np.nansum(stacked, axis=0)
                all_delta = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
            rows.append(_row(sensitive_feature, group, ANY, mask, any_changed, all_delta))
    table = pd.DataFrame(rows)
    lower, upper = wilson_interval(table["changed"], table["n"], ci)
    table.insert(6, "change_rate_lower", lower)
    table.insert(7, "change_rate_upper", upper)
    return table


def _check_flip_inputs(model: Any, X: Any, sensitive_feature: str) -> None:
    """A fitted model, a DataFrame ``X``, and a sensitive feature the model takes as input."""
    check_fitted(model)
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"X must be a pandas DataFrame holding the column {sensitive_feature!r}; got "
            f"{type(X).__name__}."
        )
    if sensitive_feature not in X.columns:
        raise ValueError(
            f"sensitive_feature={sensitive_feature!r} is not a column of X (columns: "
            f"{list(X.columns)[:20]}); a flip test needs a model that takes it as input."
        )
    inputs = getattr(model, "feature_names_in_", None)
    if inputs is not None and sensitive_feature not in set(map(str, inputs)):
        raise ValueError(
            f"the model does not use {sensitive_feature!r}: it was fitted on "
            f"{[str(c) for c in inputs][:20]}. A flip test only applies to models that see the "
            "sensitive feature; audit its group metrics (and proxies) instead."
        )
    _check_used(model, sensitive_feature)


def _flips(
    model: Any,
    X: pd.DataFrame,
    feature: str,
    candidates: list[Any],
    pos_label: Any,
    base_score: np.ndarray | None,
) -> list[tuple[Any, np.ndarray, np.ndarray, np.ndarray]]:
    """For each value: the rows flipped to it, whose prediction changed, and the score change."""
    base_pred = np.asarray(model.predict(X))
    original = X[feature].to_numpy()
    results = []
    for value in candidates:
        flip = ~pd.isna(original) & (original != value)
        if not flip.any():
            continue
        X_cf = X.loc[flip].copy()
        X_cf[feature] = value
        pred = np.asarray(model.predict(X_cf))
        changed = np.zeros(len(X), dtype=bool)
        changed[flip] = pred != base_pred[flip]
        delta = np.full(len(X), np.nan)
        if base_score is not None:
            delta[flip] = _score(model, X_cf, pos_label) - base_score[flip]
        results.append((value, flip, changed, delta))
    return results


def _check_used(model: Any, feature: str) -> None:
    """Error when a Pipeline's ColumnTransformer drops ``feature`` before the model sees it."""
    steps = getattr(model, "steps", None)
    if not steps:
        return
    first = steps[0][1]
    transformers = getattr(first, "transformers_", None)
    if transformers is None:
        return
    used: set[str] = set()
    for name, transformer, columns in transformers:
        if transformer == "drop" or (name == "remainder" and transformer == "drop"):
            continue
        if isinstance(columns, str):
            columns = [columns]
        names = getattr(first, "feature_names_in_", None)
        for c in np.atleast_1d(columns):
            if isinstance(c, (bool, np.bool_)):
                continue
            if isinstance(c, (int, np.integer)) and names is not None:
                used.add(str(names[int(c)]))
            else:
                used.add(str(c))
    if feature not in used:
        raise ValueError(
            f"the model does not use {feature!r}: its first step "
            f"({type(first).__name__}) drops that column. A flip test only applies to models "
            "that see the sensitive feature; audit its group metrics (and proxies) instead."
        )


def _row(feature: str, group: str, value: str, mask: np.ndarray, changed, delta) -> dict:
    n = int(mask.sum())
    d = delta[mask]
    return {
        "feature": feature,
        "group": group,
        "counterfactual": value,
        "n": n,
        "changed": int(changed[mask].sum()),
        "change_rate": float(changed[mask].mean()),
        "mean_score_change": float(np.mean(d)) if not np.isnan(d).all() else np.nan,
        "mean_abs_score_change": float(np.mean(np.abs(d))) if not np.isnan(d).all() else np.nan,
    }


def _score(model: Any, X: pd.DataFrame, pos_label: Any) -> np.ndarray | None:
    from sklearn.base import is_regressor

    if is_regressor(model):
        return np.asarray(model.predict(X), dtype=float)
    classes = getattr(model, "classes_", None)
    if pos_label is None:
        pos_label = classes[1] if classes is not None and len(classes) == 2 else 1
    score, _ = model_scores(model, X, pos_label)
    return score
