"""scikit-learn integration: fairness scorers and cross-validated audits.

A scikit-learn scorer receives ``(estimator, X, y)``, so the sensitive feature
is read from a column of ``X``; models that must not see it drop it in their
own preprocessing (e.g. a ``ColumnTransformer`` with ``remainder="drop"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._model import (
    model_metadata,
    model_scores,
    sensitive_columns,
    split_features,
)
from fairscope.audits._outcome import resolve_outcome
from fairscope.audits._predictions import audit_predictions
from fairscope.compute import _fairness as fairness
from fairscope.compute._group_metrics import GroupMetrics
from fairscope.core._inputs import check_aligned
from fairscope.core._registry import get_metric
from fairscope.result._audit_result import AuditResult

#: Named criteria of :mod:`fairscope.compute._fairness` a scorer can compute.
CRITERIA: tuple[str, ...] = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "predictive_parity_difference",
)


class FairnessScorer:
    """A scikit-learn scorer ``scorer(estimator, X, y) -> float`` of a fairness metric.

    Build it with :func:`make_fairness_scorer`. The value is negated when
    ``greater_is_better`` is False, following scikit-learn's convention that
    scorers are maximised (like ``"neg_mean_squared_error"``).
    """

    def __init__(
        self,
        metric: str,
        sensitive_feature: str | list[str],
        greater_is_better: bool,
        kind: str,
        method: str,
        pos_label: Any,
        compute: Callable[..., float],
    ) -> None:
        self.metric = metric
        self.sensitive_feature = sensitive_feature
        self.greater_is_better = greater_is_better
        self.kind = kind
        self.method = method
        self.pos_label = pos_label
        self._compute = compute

    def __call__(self, estimator: Any, X: Any, y: Any, sample_weight: Any = None) -> float:
        names = (
            [self.sensitive_feature]
            if isinstance(self.sensitive_feature, str)
            else list(self.sensitive_feature)
        )
        sensitive = sensitive_columns(
            X,
            names,
            reads="the fairness scorer reads the sensitive features from columns of X",
            instead="Keep them in X as columns.",
            if_missing="Keep it in X and drop it inside the model's preprocessing if the model "
            "must not see it.",
        )
        y_pred = estimator.predict(X)
        value = self._compute(np.asarray(y), np.asarray(y_pred), sensitive, sample_weight)
        return float(value) if self.greater_is_better else -float(value)

    def __repr__(self) -> str:
        return (
            f"make_fairness_scorer({self.metric!r}, sensitive_feature={self.sensitive_feature!r}, "
            f"greater_is_better={self.greater_is_better})"
        )


#: Metrics and criteria that an adverse positive label turns to the favourable outcome.
_RATE_CRITERIA = ("selection_rate", "true_positive_rate", "demographic_parity", "equal_opportunity")


class _Positive:
    """The label a scorer counts as positive: the favourable one when the positive is adverse.

    Counting the favourable label as positive turns the selection rate into the rate of
    the favourable outcome and the true positive rate into the true negative rate, as the
    judge does (:mod:`fairscope.judge._outcome`).
    """

    def __init__(self, metric: str, pos_label: Any, favorable_label: Any, outcome: Any) -> None:
        self.pos_label = pos_label
        self.flip = resolve_outcome(outcome, favorable_label, pos_label)["outcome"] == "adverse"
        self.favorable_label = favorable_label
        name = metric if metric in CRITERIA else get_metric(metric).name
        if self.flip and not name.startswith(_RATE_CRITERIA):
            raise ValueError(
                f"outcome='adverse' changes rate criteria only (selection rate, demographic "
                f"parity, true positive rate, equal opportunity); {metric!r} keeps its meaning. "
                "Drop outcome=/favorable_label=."
            )

    def __call__(self, y_true: np.ndarray, y_pred: np.ndarray) -> Any:
        if not self.flip:
            return self.pos_label
        if self.favorable_label is not None:
            return self.favorable_label
        others = [v for v in pd.unique(np.concatenate([y_true, y_pred])) if v != self.pos_label]
        if len(others) != 1:
            raise ValueError(
                f"outcome='adverse' needs two labels to find the favourable one; y_true and "
                f"y_pred hold {len(others) + 1}. Give favorable_label=."
            )
        return others[0]


def make_fairness_scorer(
    metric: str,
    sensitive_feature: str | list[str],
    greater_is_better: bool = False,
    *,
    kind: str = "difference",
    method: str = "between_groups",
    pos_label: Any = 1,
    favorable_label: Any = None,
    outcome: str | None = None,
) -> FairnessScorer:
    """A scorer for ``cross_val_score``, ``cross_validate`` and ``GridSearchCV``.

    Parameters
    ----------
    metric : str
        A named criterion (``"demographic_parity_difference"``,
        ``"equalized_odds_ratio"``, ... see :data:`CRITERIA`), or a registry
        metric (``"false_positive_rate"``, ``"tpr"``, ...) aggregated by ``kind``.
    sensitive_feature : str or list of str
        Column(s) of ``X`` holding the sensitive feature(s).
    greater_is_better : bool, default False
        False negates the value (scikit-learn maximises scores), right for
        differences; use True for ratios, where 1 is parity.
    kind : {"difference", "ratio"}, default "difference"
        Aggregation of a registry metric across groups (fairlearn's
        ``MetricFrame.difference`` / ``ratio``).
    method : {"between_groups", "to_overall"}, default "between_groups"
    pos_label : default 1
    favorable_label, outcome : optional
        As in :func:`fairscope.audit_predictions`: when the positive label is adverse
        (``outcome="adverse"``, or a ``favorable_label`` other than ``pos_label``), the
        rate criteria (selection rate, demographic parity, true positive rate, equal
        opportunity) are computed on the favourable outcome, as a policy judges them.
        Refused for other metrics, whose meaning does not change.

    Returns
    -------
    FairnessScorer

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.dummy import DummyClassifier
    >>> from fairscope.audits._sklearn import make_fairness_scorer
    >>> X = pd.DataFrame({"x": [0, 1, 2, 3], "sex": ["F", "F", "M", "M"]})
    >>> model = DummyClassifier(strategy="constant", constant=1).fit(X, [0, 1, 0, 1])
    >>> scorer = make_fairness_scorer("demographic_parity_difference", sensitive_feature="sex")
    >>> scorer(model, X, [0, 1, 0, 1])
    -0.0
    """
    if kind not in ("difference", "ratio"):
        raise ValueError(f"kind={kind!r} is unknown; choose 'difference' or 'ratio'.")
    if method not in ("between_groups", "to_overall"):
        raise ValueError(f"method={method!r} is unknown; choose 'between_groups' or 'to_overall'.")
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a name (str); got {type(metric).__name__}.")
    positive = _Positive(metric, pos_label, favorable_label, outcome)
    if metric in CRITERIA:
        criterion = getattr(fairness, metric)

        def compute(y_true, y_pred, sensitive, sample_weight):
            return criterion(
                y_true,
                y_pred,
                sensitive_features=sensitive,
                method=method,
                sample_weight=sample_weight,
                pos_label=positive(y_true, y_pred),
            )

        name = metric
    else:
        try:
            registered = get_metric(metric)
        except ValueError as error:
            raise ValueError(f"{error} Named criteria: {', '.join(CRITERIA)}.") from None
        if registered.task != "binary":
            raise ValueError(
                f"metric {metric!r} is a {registered.task} metric; a scorer computes binary "
                "classification metrics from predictions."
            )

        def compute(y_true, y_pred, sensitive, sample_weight):
            gm = GroupMetrics(
                y_true,
                y_pred,
                sensitive,
                metrics=[registered.name],
                sample_weight=sample_weight,
                pos_label=positive(y_true, y_pred),
            )
            values = gm.difference(method) if kind == "difference" else gm.ratio(method)
            return values[registered.name]

        name = registered.name
    return FairnessScorer(
        name, sensitive_feature, greater_is_better, kind, method, pos_label, compute
    )


def cross_val_audit(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive_features: str | list[str],
    cv: Any = 5,
    drop_sensitive: bool = False,
    groups: Any = None,
    **options: Any,
) -> AuditResult:
    """Audit a model's held-out predictions over cross-validation folds.

    Each fold fits a clone of ``model`` on the training part and predicts the
    held-out part. The pooled held-out predictions (every row once; counts add
    up over folds) are audited with :func:`fairscope.audit_predictions`, and the
    spread of every disparity over folds is reported in the table
    ``"cv_folds"``.

    Parameters
    ----------
    model : estimator
        Unfitted (it is cloned per fold).
    X : pandas.DataFrame
    y : array-like
    sensitive_features : str or list of str
        Column(s) of ``X``.
    cv : int, splitter or iterable, default 5
        As in :func:`sklearn.model_selection.cross_val_predict` (stratified
        K-fold for classifiers).
    drop_sensitive : bool, default False
        Fit and predict without the sensitive columns.
    groups : array-like, optional
        Group labels for group-aware splitters.
    **options
        Passed to :func:`fairscope.audit_predictions` (e.g. ``policy=``,
        ``reference=``, ``task=``).

    Returns
    -------
    AuditResult
        The pooled audit (``kind="cross_validation"``) with the extra table
        ``"cv_folds"``: one row per feature, group, metric and kind (and class
        or threshold when present) with ``fold_0 ... fold_k``, ``mean``,
        ``std``, ``min``, ``max`` and the ``pooled`` estimate.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from fairscope.audits._sklearn import cross_val_audit
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=200), "sex": rng.choice(["F", "M"], 200)})
    >>> y = (X["x"] + rng.normal(size=200) > 0).astype(int)
    >>> result = cross_val_audit(LogisticRegression(), X, y, sensitive_features="sex",
    ...                          cv=2, drop_sensitive=True)
    >>> result.metadata["cv"]["n_splits"]
    2
    """
    from sklearn.base import is_classifier
    from sklearn.model_selection import check_cv

    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"cross_val_audit reads sensitive features from columns of X, so X must be a pandas "
            f"DataFrame; got {type(X).__name__}."
        )
    if not (
        isinstance(sensitive_features, str)
        or (
            isinstance(sensitive_features, list | tuple)
            and all(isinstance(s, str) for s in sensitive_features)
        )
    ):
        raise ValueError("sensitive_features must name column(s) of X in cross_val_audit.")
    check_aligned(X=X, y=y, groups=groups)
    model_input, sensitive, _ = split_features(X, sensitive_features, drop_sensitive)
    y_arr = np.asarray(y)
    if len(y_arr) != len(X):
        raise ValueError(f"y has {len(y_arr)} values but X has {len(X)} rows.")
    splitter = check_cv(cv, y_arr, classifier=is_classifier(model))
    folds, y_pred, y_score, has_scores = _fit_folds(
        model, splitter.split(model_input, y_arr, groups), model_input, y_arr, options
    )
    y_pred_series = pd.Series(list(y_pred)).infer_objects()
    pooled_options = dict(options)
    if has_scores and pooled_options.get("task") in (None, "binary"):
        pooled_options.setdefault("y_score", y_score)
    audit_kwargs = {"estimator": model} if "task" not in options else {}
    pooled = audit_predictions(
        pd.Series(y_arr),
        y_pred_series,
        sensitive_features=sensitive,
        **pooled_options,
        **_pos_label_kwargs(y_arr, options),
        **audit_kwargs,
    )
    fold_tables = _fold_disparities(pooled, folds, y_arr, sensitive, has_scores, options)
    pooled.tables["cv_folds"] = _fold_spread(pooled.tables["disparities"], fold_tables)
    pooled.kind = "cross_validation"
    pooled.metadata["cv"] = {
        "n_splits": len(folds),
        "splitter": repr(splitter),
        "fold_sizes": [len(t) for t, _, _ in folds],
        "drop_sensitive": bool(drop_sensitive),
    }
    pooled.metadata["model"] = model_metadata(model)
    return pooled


def _pos_label_kwargs(y: np.ndarray, options: dict[str, Any]) -> dict[str, Any]:
    """Default pos_label for non-0/1 binary labels: the last sorted one (scikit-learn's classes_[1])."""
    if "pos_label" in options:
        return {}
    values = pd.unique(pd.Series(y).dropna())
    if len(values) == 2 and not set(values) <= {0, 1}:
        return {"pos_label": sorted(values, key=str)[-1]}
    return {}


def _fold_spread(pooled: pd.DataFrame, folds: list[pd.DataFrame]) -> pd.DataFrame:
    """Each disparity per fold against the pooled reference group, and its spread."""
    inner = [c for c in ("feature", "class", "threshold", "metric", "kind") if c in pooled.columns]
    keys = [*inner[:1], "group", *inner[1:]]
    reference = pooled[[*keys, "reference"]]
    estimates = []
    for frame in folds:
        # the fold's value of the pooled reference group, so every fold compares the same groups
        own = frame[[*inner, "group", "value"]].rename(
            columns={"group": "reference", "value": "fold_reference_value"}
        )
        merged = frame.merge(reference, on=keys, how="inner", suffixes=("_fold", ""))
        merged = merged.merge(own, on=[*inner, "reference"], how="left")
        ref_value = merged["fold_reference_value"].where(
            merged["reference"] != "<overall>", merged["reference_value"]
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            merged["estimate"] = np.where(
                merged["kind"] == "difference",
                merged["value"] - ref_value,
                merged["value"] / ref_value,
            )
        estimates.append(merged[[*keys, "fold", "estimate"]])
    stacked = pd.concat(estimates, ignore_index=True)
    wide = (
        stacked.groupby([*keys, "fold"], dropna=False, sort=False)["estimate"]
        .first()
        .unstack("fold")
    )
    wide.columns = [f"fold_{c}" for c in wide.columns]
    values = wide.to_numpy(dtype=float)
    with warnings.catch_warnings():
        # a disparity undefined in every fold stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        wide["mean"] = np.nanmean(values, axis=1)
        wide["std"] = np.nanstd(values, axis=1, ddof=1)
        wide["min"] = np.nanmin(values, axis=1)
        wide["max"] = np.nanmax(values, axis=1)
    wide = wide.reset_index()
    pooled_values = pooled[[*keys, "reference", "estimate"]].rename(columns={"estimate": "pooled"})
    return pooled_values.merge(wide, on=keys, how="left")


def _fit_folds(
    model: Any, splits: Any, model_input: pd.DataFrame, y_arr: np.ndarray, options: dict
) -> tuple[list, np.ndarray, np.ndarray, bool]:
    """Fit a clone per fold; predictions (and scores) of each test fold, pooled."""
    from sklearn.base import clone

    n = len(model_input)
    folds = []
    y_pred = np.empty(n, dtype=object)
    y_score = np.full(n, np.nan)
    fold_of = np.full(n, -1)
    has_scores = True
    for k, (train, test) in enumerate(splits):
        fitted = clone(model).fit(model_input.iloc[train], y_arr[train])
        pred = fitted.predict(model_input.iloc[test])
        classes = getattr(fitted, "classes_", None)
        pos = options.get("pos_label", 1)
        if classes is not None and len(classes) == 2 and "pos_label" not in options:
            pos = classes[1]
        score, _ = (
            model_scores(fitted, model_input.iloc[test], pos)
            if classes is not None and len(classes) == 2
            else (None, None)
        )
        has_scores = has_scores and score is not None
        if score is not None:
            y_score[test] = score
        y_pred[test] = pred
        fold_of[test] = k
        folds.append((test, pred, score))
    if (fold_of < 0).any():
        raise ValueError(
            f"cv leaves {int((fold_of < 0).sum())} rows out of every test fold; cross_val_audit "
            "needs a partition (e.g. KFold), so that each row is predicted once."
        )
    return folds, y_pred, y_score, has_scores


def _fold_disparities(
    pooled: AuditResult,
    folds: list,
    y_arr: np.ndarray,
    sensitive: pd.DataFrame,
    has_scores: bool,
    options: dict,
) -> list[pd.DataFrame]:
    """The disparities table of each fold, audited with the pooled task and thresholds."""
    fold_tables = []
    fold_options = {k: v for k, v in options.items() if k != "policy"}
    fold_options["task"] = pooled.task
    if "selection_thresholds" in pooled.metadata:
        # the folds use the pooled thresholds, so their selections are comparable
        fold_options.pop("selection_quantile", None)
        fold_options["selection_threshold"] = [
            t["threshold"] for t in pooled.metadata["selection_thresholds"]
        ]
    for k, (test, pred, score) in enumerate(folds):
        extra: dict[str, Any] = {"y_score": score} if has_scores and pooled.task == "binary" else {}
        fold_result = audit_predictions(
            pd.Series(y_arr[test]),
            pd.Series(list(pred)).infer_objects(),
            sensitive_features=sensitive.iloc[test].reset_index(drop=True),
            **fold_options,
            **extra,
            **_pos_label_kwargs(y_arr, options),
        )
        fold_tables.append(fold_result.tables["disparities"].assign(fold=k))
    return fold_tables
