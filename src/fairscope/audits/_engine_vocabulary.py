"""The task of an audit of engine data, its label vocabularies checked in the engine.

For pandas inputs, :func:`fairscope.audits._silent.check_label_vocabularies` reads the
columns; for DuckDB, Spark, polars or files the same check runs on what the engine
reduces the columns to: the distinct values of ``y_true`` and ``y_pred`` (at most
:data:`fairscope.engines._audit_data.DISTINCT_LIMIT` of each, as the task detection
fetches anyway) and, for the message, a count of the rows holding stray predictions.
No row is collected.
"""

from __future__ import annotations

from typing import Any

from fairscope.audits._silent import check_vocabularies
from fairscope.core._tasks import detect_task
from fairscope.engines._audit_data import distinct_values
from fairscope.engines._reduce import prepare


def _rows_with(data: Any, column: str, values: list[Any]) -> int:
    """How many rows of ``column`` hold one of ``values``, counted by the engine."""
    import narwhals as nw

    frame, _, _ = prepare(data)
    counted = frame.filter(nw.col(column).is_in(values)).select(nw.len())
    if isinstance(counted, nw.LazyFrame):
        counted = counted.collect()
    return int(counted.item())


def engine_task(
    data: Any, task: str | None, y_true: Any, y_pred: Any, has_score: bool, estimator: Any
) -> str | None:
    """The task of an audit of engine data, detected and its vocabularies checked.

    Parameters
    ----------
    data : engine data
        polars, Arrow, DuckDB, Spark data, or Parquet/CSV paths.
    task : str or None
        The task given; a given task is trusted and nothing is checked.
    y_true, y_pred : str
        Column names of the labels and predictions (``y_pred`` None: scores only).
    has_score : bool
        Whether scores are given.
    estimator : Any
        Used only to detect the task.

    Returns
    -------
    str or None
        The task; None when it was given or the columns are not names (the engine
        preparation then reports them).

    Raises
    ------
    ValueError
        Labels and predictions without a common value, or stray predictions that would
        make a two-class audit multiclass (as for pandas inputs).
    """
    if task is not None or not isinstance(y_true, str):
        return None
    if y_pred is not None and not isinstance(y_pred, str):
        return None
    true_values = distinct_values(data, y_true)
    pred_values = None if y_pred is None else distinct_values(data, y_pred)
    detected = detect_task(true_values, pred_values, has_score=has_score, estimator=estimator)
    check_vocabularies(
        true_values.tolist(),
        None if pred_values is None else pred_values.tolist(),
        detected,
        lambda stray: _rows_with(data, str(y_pred), stray),
    )
    return detected
