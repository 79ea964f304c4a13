"""Checks that stop an audit from passing silently on inputs that cannot be judged.

A sensitive feature whose every value is missing forms one group (the missing-value
group): no disparity can be measured, no rule fails, and the gate would pass. That is
refused, naming the column. So are labels and predictions without a common vocabulary,
and stray values that would switch a binary audit to multiclass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd


def refuse_all_missing(meta: Mapping[str, Any]) -> None:
    """Refuse an audit in which a sensitive feature is missing in every audited row.

    Parameters
    ----------
    meta : mapping
        The result's metadata (``n_rows``, ``n_dropped``, ``missing_sensitive``).

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Naming the sensitive feature(s) that hold no value at all.

    Examples
    --------
    >>> refuse_all_missing({"n_rows": 10, "n_dropped": 0, "missing_sensitive": {"race": 3}})
    """
    audited = int(meta.get("n_rows", 0)) - int(meta.get("n_dropped", 0))
    missing = meta.get("missing_sensitive") or {}
    empty = [str(name) for name, count in missing.items() if audited > 0 and count >= audited]
    if empty:
        listed = ", ".join(repr(n) for n in empty)
        raise ValueError(
            f"sensitive feature {listed} is missing (NaN/None) in every one of the "
            f"{audited:,} audited rows, so no group can be compared and every rule would pass "
            "unjudged. Check the column name and how the file was read (e.g. a wrong "
            "separator), or drop that feature."
        )


def _shown(values: list[Any], limit: int = 8) -> str:
    shown = sorted(values, key=str)[:limit]
    more = f", ... ({len(values)} in all)" if len(values) > limit else ""
    return ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in shown) + more


def check_label_vocabularies(y_true: pd.Series, y_pred: pd.Series | None, task: str) -> None:
    """Refuse labels and predictions that do not speak the same vocabulary.

    Called when the task was detected (not given): y_true 0/1 with y_pred
    "Low"/"Medium"/"High" share no label, and one stray ``2`` among 0/1 predictions
    would otherwise turn a binary audit into a multiclass one without a word.

    Parameters
    ----------
    y_true, y_pred : pandas.Series
        Labels and predictions (``y_pred`` None: scores only, nothing to check).
    task : str
        The task detected.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        When the two share no value, or when the predictions hold values that the
        two-class labels do not and made the task multiclass.
    """
    if y_pred is None:
        return
    check_vocabularies(
        list(pd.unique(y_true.dropna())),
        list(pd.unique(y_pred.dropna())),
        task,
        lambda stray: int(y_pred.isin(stray).sum()),
    )


def check_vocabularies(
    true_values: list[Any],
    pred_values: list[Any] | None,
    task: str,
    stray_rows: Callable[[list[Any]], int],
) -> None:
    """Refuse distinct label and prediction values that share no vocabulary.

    The check of :func:`check_label_vocabularies` on the distinct values alone, so
    that an engine can compute them (and the count of stray rows) without
    collecting any row.

    Parameters
    ----------
    true_values, pred_values : list
        Distinct values of the labels and of the predictions (missing values left out).
    task : str
        The task detected.
    stray_rows : callable
        The number of rows whose prediction is one of the given values.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        As :func:`check_label_vocabularies`.
    """
    if pred_values is None or task not in ("binary", "multiclass"):
        return
    if not true_values or not pred_values:
        return
    if not set(true_values) & set(pred_values):
        raise ValueError(
            f"y_true holds {_shown(true_values)} but y_pred holds {_shown(pred_values)}: no "
            "value in common, so no prediction can match a label. Map the predictions to the "
            "labels first (e.g. y_pred = score_text.isin(['Medium', 'High']).astype(int)), or "
            "the labels to the predictions."
        )
    if task != "multiclass":
        return
    # predictions outside two-class labels; a class the model never predicts is normal
    stray = [v for v in pred_values if v not in set(true_values)]
    if len(true_values) <= 2 and stray:
        rows = stray_rows(stray)
        raise ValueError(
            f"y_pred holds {_shown(stray)} ({rows:,} row{'' if rows == 1 else 's'}), which the "
            f"two labels of y_true {_shown(true_values)} do not, and that would make this a "
            "multiclass audit. Fix or drop those rows, or pass task='multiclass' if they are "
            "real classes."
        )
