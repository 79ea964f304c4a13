"""Which kind of audit a set of predictions calls for: binary, multiclass or regression."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")
#: Integer-valued outputs with more distinct values than this are ambiguous
#: (many classes, or a count regression): the user must say which.
MAX_INTEGER_CLASSES = 10


def check_task(task: Any) -> str | None:
    """Validate a ``task=`` argument."""
    if task is None:
        return None
    if task not in TASKS:
        raise ValueError(f"task={task!r} is unknown; choose one of {list(TASKS)} or None (detect).")
    return str(task)


def estimator_task(estimator: Any) -> str | None:
    """The task implied by a fitted scikit-learn estimator, if it says."""
    from sklearn.base import is_classifier, is_regressor

    if is_regressor(estimator):
        return "regression"
    if is_classifier(estimator):
        classes = getattr(estimator, "classes_", None)
        if classes is not None and np.ndim(classes) == 1:
            return "binary" if len(classes) <= 2 else "multiclass"
    return None


def _is_integer_valued(values: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(values):
        return True
    x = values.to_numpy(dtype=float, na_value=np.nan)
    x = x[np.isfinite(x)]
    return bool(np.all(x == np.round(x)))


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def detect_task(
    y_true: pd.Series,
    y_pred: pd.Series | None = None,
    *,
    has_score: bool = False,
    estimator: Any = None,
) -> str:
    """Detect the task from the targets, the predictions and the estimator.

    Rules, in order: a scikit-learn classifier or regressor decides; scores
    without predictions mean binary; numeric targets or predictions with
    non-integer values mean regression (but 0/1 targets with fractional
    predictions are ambiguous: scores or a regression?); at most two distinct
    values mean binary; more distinct labels that are text, categories or at
    most 10 integers mean multiclass; more integers are ambiguous.

    Raises
    ------
    ValueError
        When the data do not decide; the message says to pass ``task=``.

    Examples
    --------
    >>> import pandas as pd
    >>> detect_task(pd.Series([0, 1, 2]), pd.Series([0, 2, 2]))
    'multiclass'
    >>> detect_task(pd.Series([1.5, 2.0]), pd.Series([1.2, 2.5]))
    'regression'
    """
    if estimator is not None:
        found = estimator_task(estimator)
        if found is not None:
            return found
    if y_pred is None:
        if has_score:
            return "binary"
        y_pred = y_true.iloc[:0]
    both = [s for s in (y_true, y_pred) if len(s)]
    numeric = all(_is_numeric(s) for s in both)
    if numeric:
        fractional = [not _is_integer_valued(s) for s in both]
        true_values = set(pd.unique(y_true.dropna()))
        if fractional[0]:
            return "regression"
        if len(fractional) > 1 and fractional[1]:
            if true_values <= {0, 1}:
                raise ValueError(
                    "y_true holds 0/1 labels but y_pred holds fractional numbers: are they "
                    "scores of a classifier or the output of a regression? Pass them as "
                    "y_score= (with threshold=) for a binary audit, or pass task='regression'."
                )
            return "regression"
    distinct = pd.unique(pd.concat([s.dropna() for s in both], ignore_index=True))
    if len(distinct) <= 2:
        return "binary"
    if numeric and len(distinct) > MAX_INTEGER_CLASSES:
        raise ValueError(
            f"y_true and y_pred hold {len(distinct)} distinct integers: that may be many "
            "classes or a regression on counts. Pass task='multiclass' or task='regression'."
        )
    return "multiclass"
