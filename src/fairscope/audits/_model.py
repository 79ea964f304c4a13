"""Audit a fitted scikit-learn model: one call from a model and data to an AuditResult."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._predictions import audit_predictions
from fairscope.audits._rows import labels_of, marginals
from fairscope.compute._references import check_reference, is_strategy
from fairscope.core._groups import encode_groups, find_stacklevel
from fairscope.core._inputs import check_aligned, sensitive_frame
from fairscope.core._tasks import check_task, estimator_task
from fairscope.core._warnings import FairscopeDeprecationWarning
from fairscope.judge import apply_policy
from fairscope.result._audit_result import AuditResult


def check_fitted(model: Any) -> None:
    """Raise a clear error when ``model`` is not a fitted estimator."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(model, "predict"):
        raise TypeError(
            f"model must be a fitted estimator with a predict method; got {type(model).__name__}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise NotFittedError(
            f"model ({type(model).__name__}) is not fitted; call model.fit(X, y) before auditing "
            "it, or audit predictions you already have with fairscope.audit_predictions."
        ) from None
    except TypeError:
        # not a scikit-learn estimator (no fit method): trust its predict
        pass


def split_features(
    X: Any, sensitive_features: Any, drop_sensitive: bool
) -> tuple[Any, pd.DataFrame | Any, list[str]]:
    """Separate the sensitive features from ``X``.

    Returns the model input, the sensitive features (a DataFrame when they
    name columns of ``X``, else as given) and the names taken from ``X``.
    """
    names = _column_names(sensitive_features)
    if (
        names is not None
        and not isinstance(sensitive_features, str)
        and hasattr(X, "__len__")
        and len(names) == len(X)
        and not all(n in getattr(X, "columns", ()) for n in names)
    ):
        names = None  # one string per row: the values of a feature, not column names
    if names is None:
        if drop_sensitive:
            raise ValueError(
                "drop_sensitive=True removes the sensitive features from X, so "
                "sensitive_features must name columns of X (e.g. sensitive_features='sex')."
            )
        return X, sensitive_features, []
    sensitive = sensitive_columns(
        X,
        names,
        reads=f"sensitive_features={names!r} names columns",
        instead="Pass the sensitive features as arrays instead.",
        if_missing="Pass its values separately (sensitive_features=array) if the model does "
        "not see it.",
    )
    model_input = X.drop(columns=names) if drop_sensitive else X
    return model_input, sensitive, names


def sensitive_columns(
    X: Any, names: list[str], *, reads: str, instead: str, if_missing: str
) -> pd.DataFrame:
    """The sensitive feature columns ``names`` of the DataFrame ``X``, on a fresh index.

    Parameters
    ----------
    X : pandas.DataFrame
        The model input; anything else is refused.
    names : list of str
        Columns to take.
    reads, instead, if_missing : str
        Words of the errors: why ``X`` must be a DataFrame, what to do otherwise, and
        what to do when a column is absent.

    Returns
    -------
    pandas.DataFrame
    """
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"{reads}, so X must be a pandas DataFrame with those columns; got "
            f"{type(X).__name__}. {instead}"
        )
    missing = [n for n in names if n not in X.columns]
    if missing:
        raise ValueError(
            f"sensitive feature {missing[0]!r} is not a column of X; columns are "
            f"{list(X.columns)[:20]}{' ...' if X.shape[1] > 20 else ''}. {if_missing}"
        )
    return X[names].reset_index(drop=True)


def _column_names(sensitive_features: Any) -> list[str] | None:
    if isinstance(sensitive_features, str):
        return [sensitive_features]
    if (
        isinstance(sensitive_features, list | tuple)
        and sensitive_features
        and all(isinstance(s, str) for s in sensitive_features)
    ):
        return list(sensitive_features)
    return None


def check_model_inputs(model: Any, X: Any, dropped: list[str]) -> None:
    """Clear error when ``X`` lacks a column the model was fitted on."""
    expected = getattr(model, "feature_names_in_", None)
    if expected is None or not isinstance(X, pd.DataFrame):
        return
    absent = [str(c) for c in expected if c not in X.columns]
    if not absent:
        known = set(map(str, expected))
        extra = [str(c) for c in X.columns if str(c) not in known]
        # a ColumnTransformer (alone or first in a Pipeline) accepts extra columns
        tolerant = hasattr(model, "steps") or hasattr(model, "transformers")
        if extra and not tolerant:
            raise ValueError(
                f"X has column(s) {extra[:10]} that the model was not fitted on; pass "
                "drop_sensitive=True if they are the sensitive features (for a model trained "
                "without them), or select the training columns."
            )
        return
    removed = [c for c in absent if c in dropped]
    if removed:
        raise ValueError(
            f"the model was fitted with the sensitive feature(s) {removed} as input, and "
            "drop_sensitive=True removed them; use drop_sensitive=False for this model."
        )
    raise ValueError(
        f"X lacks column(s) {absent[:10]} that the model was fitted on; pass X with the "
        "training columns."
    )


def model_scores(model: Any, X: Any, pos_label: Any) -> tuple[np.ndarray | None, str | None]:
    """Scores of the positive class: ``predict_proba`` if available, else ``decision_function``."""
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(X))
        classes = list(getattr(model, "classes_", range(proba.shape[1])))
        if proba.ndim == 2 and proba.shape[1] == 2:
            column = classes.index(pos_label) if pos_label in classes else 1
            return _numeric(proba[:, column], "predict_proba"), "predict_proba"
    if hasattr(model, "decision_function"):
        values = np.asarray(model.decision_function(X))
        if values.ndim == 1:
            classes = list(getattr(model, "classes_", []))
            # decision_function is oriented towards classes_[1]
            if len(classes) == 2 and pos_label == classes[0]:
                values = -values
            return _numeric(values, "decision_function"), "decision_function"
    return None, None


def _numeric(values: np.ndarray, source: str) -> np.ndarray:
    if not np.issubdtype(values.dtype, np.number) or values.dtype == bool:
        raise ValueError(
            f"the model's {source} returned non-numeric values (dtype {values.dtype}); scores "
            "must be numbers. Pass scores yourself via fairscope.audit_predictions(y_score=...)."
        )
    values = values.astype(float)
    if not np.isfinite(values).all():
        raise ValueError(
            f"the model's {source} returned {int((~np.isfinite(values)).sum())} non-finite "
            "scores; check the model and its inputs."
        )
    return values


def model_metadata(model: Any) -> dict[str, Any]:
    """Class, parameters (summarised) and pipeline steps of an estimator."""

    def describe(value: Any) -> str:
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."

    def params_of(estimator: Any) -> dict[str, str]:
        if not hasattr(estimator, "get_params"):
            return {}
        return {
            key: describe(value)
            for key, value in estimator.get_params(deep=False).items()
            if key not in ("steps", "transformers", "memory")
        }

    out: dict[str, Any] = {
        "class": type(model).__name__,
        "module": type(model).__module__,
        "params": params_of(model),
    }
    steps = getattr(model, "steps", None)
    if isinstance(steps, list):
        out["steps"] = [
            {
                "name": name,
                "class": type(step).__name__,
                "module": type(step).__module__,
                "params": params_of(step),
            }
            for name, step in steps
        ]
    classes = getattr(model, "classes_", None)
    if classes is not None:
        out["classes"] = [str(c) for c in np.asarray(classes).tolist()]
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        out["feature_names_in"] = [str(c) for c in names]
    n_features = getattr(model, "n_features_in_", None)
    if n_features is not None:
        out["n_features_in"] = int(n_features)
    return out


def audit_model(
    model: Any,
    X: Any,
    y_true: Any = None,
    *,
    sensitive_features: Any,
    policy: Any = None,
    threshold: float | None = None,
    drop_sensitive: bool = False,
    task: str | None = None,
    sample_weight: Any = None,
    pos_label: Any = None,
    favorable_label: Any = None,
    outcome: str | None = None,
    scores: bool = True,
    reference: Any = "largest",
    ci: float = 0.95,
    ci_method: str = "wilson",
    n_boot: int = 1000,
    random_state: Any = None,
    bootstrap: str = "multinomial",
    min_group_size: int = 30,
    dropna: bool = False,
    fail_on: Iterable[str] = ("fail",),
    y: Any = None,
    **options: Any,
) -> AuditResult:
    """Audit a fitted scikit-learn estimator (or Pipeline) on data.

    The model predicts ``X`` (with ``predict``; binary classifiers also give
    scores through ``predict_proba`` or ``decision_function``), and the
    predictions are audited by :func:`fairscope.audit_predictions`.

    Parameters
    ----------
    model : fitted estimator or Pipeline
        Anything with ``predict``; ``ColumnTransformer`` preprocessing included.
    X : pandas.DataFrame or array-like
        The model's input rows.
    y_true : array-like or str
        True labels or targets, or the name of a column of ``X`` (removed from
        ``X`` before predicting). Named as in :func:`fairscope.audit_predictions`
        and :class:`fairscope.GroupMetrics`; the keyword ``y=`` still works
        (deprecated).
    sensitive_features : str, list of str, array-like, DataFrame or dict
        Column name(s) of ``X``, or values given separately (one per row).
    policy : str, dict or Policy, optional
        Judges the disparities; adds findings.
    threshold : float, optional
        Binary: predictions are ``score >= threshold`` instead of ``predict``.
    drop_sensitive : bool, default False
        Remove the sensitive columns from ``X`` before predicting, for models
        trained without them.
    task : {"binary", "multiclass", "regression"}, optional
        Default: from the estimator (classifier with 2 or more classes, or
        regressor), else from ``y``.
    sample_weight : array-like, optional
    pos_label : optional
        Positive class of a binary classifier; default ``model.classes_[1]``
        (scikit-learn's convention), or 1.
    favorable_label, outcome : optional
        Which outcome is good news for the person, as in
        :func:`fairscope.audit_predictions`: ``outcome="adverse"`` when the positive
        class is a harm (a default, a fraud flag), so rate rules are judged on the
        favourable outcome.
    scores : bool, default True
        Compute score-based metrics when the model has scores.
    reference, ci, ci_method, n_boot, random_state, bootstrap, min_group_size, dropna, fail_on
        As in :func:`fairscope.audit_predictions` and :class:`fairscope.GroupMetrics`
        (same names, same defaults). An explicit reference group is checked
        against the groups before the model predicts.
    **options
        Passed to :func:`fairscope.audit_predictions` (e.g. ``exact=True``,
        ``metrics=``, ``selection_quantile=``, ``dropna=``).

    Returns
    -------
    AuditResult
        As :func:`fairscope.audit_predictions`, with ``kind="model"`` and
        ``metadata["model"]`` (class, parameters, pipeline steps, classes,
        score source and threshold).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        (a ``ValueError``) when the model is not fitted.
    ValueError
        When a sensitive feature is not a column of ``X``, ``X`` lacks a column
        the model needs, or the model's scores are not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> import fairscope
    >>> X = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5, 6, 7], "g": list("abababab")})
    >>> y = [0, 0, 0, 1, 0, 1, 1, 1]
    >>> model = LogisticRegression().fit(X[["x"]], y)
    >>> result = fairscope.audit_model(model, X, y, sensitive_features="g",
    ...                                drop_sensitive=True)
    >>> result.metadata["model"]["class"], result.task
    ('LogisticRegression', 'binary')
    """
    y = _true_labels(y_true, y)
    check_fitted(model)
    task = check_task(task)
    X, y = _target_from_X(X, y)
    check_aligned(X=X, y=y, sensitive_features=sensitive_features, sample_weight=sample_weight)
    model_input, sensitive, dropped = split_features(X, sensitive_features, drop_sensitive)
    _check_reference_early(reference, sensitive)
    check_model_inputs(model, model_input, dropped)
    n_rows = len(model_input)
    y_true = y.reset_index(drop=True) if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    if len(y_true) != n_rows:
        raise ValueError(f"y has {len(y_true)} values but X has {n_rows} rows.")
    task = task or estimator_task(model)
    y_pred = np.asarray(model.predict(model_input))
    classes = getattr(model, "classes_", None)
    if pos_label is None:
        pos_label = classes[1] if classes is not None and len(classes) == 2 else 1
    score, source = _scores(model, model_input, pos_label, scores and task in (None, "binary"))
    if threshold is not None and score is None:
        raise ValueError(
            "threshold= binarizes the model's scores, but the model has neither predict_proba "
            "nor decision_function for two classes; drop threshold=."
        )
    result = audit_predictions(
        y_true, None if threshold is not None else y_pred, sensitive_features=sensitive,
        y_score=score, threshold=threshold, task=task, sample_weight=sample_weight,
        pos_label=pos_label, favorable_label=favorable_label, outcome=outcome,
        reference=reference, ci=ci, ci_method=ci_method, n_boot=n_boot,
        random_state=random_state, bootstrap=bootstrap, min_group_size=min_group_size,
        dropna=dropna, fail_on=fail_on, estimator=model, **options,
    )  # fmt: skip
    result.kind = "model"
    meta = model_metadata(model)
    meta.update(
        {
            "scores": source,
            "threshold": None if threshold is None else float(threshold),
            "predictions": "predict" if threshold is None else f"{source} >= threshold",
            "drop_sensitive": bool(drop_sensitive),
            "sensitive_from_X": dropped,
        }
    )
    result.metadata["model"] = meta
    return result if policy is None else apply_policy(result, policy)


def _scores(model: Any, model_input: Any, pos_label: Any, wanted: bool) -> tuple[Any, Any]:
    """The model's scores of the positive class and their source, or ``(None, None)``."""
    if not wanted:
        return None, None
    return model_scores(model, model_input, pos_label)


def _target_from_X(X: Any, y: Any) -> tuple[Any, Any]:
    """``X`` and ``y``; when ``y`` names a column of ``X``, that column leaves ``X``."""
    if not isinstance(y, str):
        return X, y
    if not isinstance(X, pd.DataFrame) or y not in X.columns:
        raise ValueError(f"y={y!r} names a column, but it is not a column of X.")
    return X.drop(columns=[y]), X[y].reset_index(drop=True)


def _check_reference_early(reference: Any, sensitive: Any) -> None:
    """Refuse an unknown reference group before the model predicts (the costly step)."""
    if is_strategy(reference):
        return
    encoded = encode_groups(sensitive_frame(sensitive, None))
    groups = {label: labels_of(index) for label, (_, index) in marginals(encoded.index).items()}
    check_reference(reference, groups)


def _true_labels(y_true: Any, y: Any) -> Any:
    """``y_true``, or the deprecated keyword ``y``; exactly one of them."""
    if y is not None:
        if y_true is not None:
            raise TypeError("give y_true (the true labels) once; y= is its deprecated name.")
        warnings.warn(
            "audit_model(y=...) is deprecated; pass y_true= (the name every audit uses).",
            FairscopeDeprecationWarning,
            stacklevel=find_stacklevel(),
        )
        return y
    if y_true is None:
        raise TypeError("audit_model needs y_true (true labels or targets, or a column of X).")
    return y_true
