"""Confusion counts per group (a :class:`~fairscope.core._counts.GroupCounts`) computed by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fairscope.core._counts import GroupCounts, counts_from_cells
from fairscope.core._inputs import _binarize, _choose_pos_label
from fairscope.engines._passes import (
    check_negative_weights,
    check_weight_dtype,
    drop_missing,
    flagged_reduce,
    weight_mask,
    weight_terms,
)
from fairscope.engines._reduce import (
    ROWS,
    _key,
    encode_key_groups,
    prepare,
    require_column,
    require_features,
    sensitive_names,
)

__all__ = [
    "EngineCounts",
    "check_negative_weights",
    "check_weight_dtype",
    "confusion_counts",
    "drop_missing",
]


@dataclass(frozen=True, eq=False)
class EngineCounts:
    """Sufficient statistics reduced by an engine, with what was counted on the way.

    Attributes
    ----------
    counts : GroupCounts
        Identical to the pandas path's ``GroupMetrics(...).statistics``.
    pos_label : object
        The positive label chosen.
    n_rows : int
        Rows in the input.
    dropped : dict
        Rows with a missing value, per reason (only with ``dropna=True``).
    n_dropped : int
        Rows dropped (a row may have several reasons).
    missing_sensitive : dict
        Rows in the ``"<missing>"`` group, per sensitive feature.
    engine : str
        The engine that did the pass over the rows (``"polars"``, ``"duckdb"``...).
    """

    counts: GroupCounts
    pos_label: Any
    n_rows: int
    dropped: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0
    missing_sensitive: dict[str, int] = field(default_factory=dict)
    engine: str = ""


def confusion_counts(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: str | list[str],
    *,
    sample_weight: str | None = None,
    pos_label: Any = 1,
    dropna: bool = False,
) -> EngineCounts:
    """Weighted confusion counts per group, reduced inside the engine holding ``data``.

    One group-by over (sensitive features, label, prediction) runs in the
    engine; only its result (one row per observed combination) comes back.
    Validation matches :class:`fairscope.GroupMetrics` on pandas data: missing
    labels raise (or are dropped and counted with ``dropna=True``), more than
    two label values raise, ``pos_label`` is checked the same way.

    Parameters
    ----------
    data : pandas, polars (DataFrame or LazyFrame), pyarrow Table, DuckDB relation,
        Spark DataFrame, or path / glob / list of Parquet or CSV files (read by DuckDB).
    y_true, y_pred : str
        Column names of the labels and predictions.
    sensitive_features : str or list of str
        Column names; several give intersectional groups.
    sample_weight : str, optional
        Column name of non-negative row weights.
    pos_label : default 1
    dropna : bool, default False

    Returns
    -------
    EngineCounts

    Examples
    --------
    >>> import polars as pl
    >>> from fairscope.engines import confusion_counts
    >>> df = pl.DataFrame({"y": [1, 0, 1, 0], "p": [1, 1, 0, 0], "g": ["a", "a", "b", None]})
    >>> out = confusion_counts(df, "y", "p", "g")
    >>> out.counts.to_frame()
               n   tn   fp   fn   tp
    g
    a          2  0.0  1.0  0.0  1.0
    b          1  0.0  0.0  1.0  0.0
    <missing>  1  1.0  0.0  0.0  0.0
    """
    frame, columns, engine = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    true_col = require_column(y_true, "y_true", columns, data)
    pred_col = require_column(y_pred, "y_pred", columns, data)
    flags: dict[str, Any] = {}
    sums: dict[str, Any] = {}
    if sample_weight is not None:
        _, flags, sums = weight_terms(frame, sample_weight, columns, data)
    table, n_rows = flagged_reduce(frame, [*features, true_col, pred_col], flags, sums)
    k = len(features)
    yt, yp = _key(k), _key(k + 1)
    masks = {"y_true": table[yt].isna().to_numpy(), "y_pred": table[yp].isna().to_numpy()}
    if sample_weight is not None:
        masks["sample_weight"] = weight_mask(table)
    table, dropped, n_dropped = drop_missing(
        table, masks, dropna, "y_true, y_pred or sample_weight"
    )

    labels = set(pd.unique(table[yt])) | set(pd.unique(table[yp]))
    if len(labels) > 2:
        shown = sorted(map(str, labels))[:6]
        raise ValueError(
            f"y_true and y_pred together have {len(labels)} distinct values {shown}; a binary "
            "audit needs two. Binarize them first (e.g. y_pred = score >= threshold), or use "
            "task='multiclass' in fairscope.audit_predictions."
        )
    chosen = _choose_pos_label(labels, pos_label, "values of y_true and y_pred")
    true_bin = _binarize(table[yt], chosen)
    pred_bin = _binarize(table[yp], chosen)
    if true_bin.all() or not true_bin.any():
        only = "positive" if true_bin.all() else "negative"
        raise ValueError(
            f"y_true contains a single class (every row is {only}); rates conditional on the "
            "other class are undefined. Audit data that contains both classes."
        )

    groups, missing = encode_key_groups(table, features)
    weighted = None if sample_weight is None else table["__w"].to_numpy()
    squared = None if sample_weight is None else table["__w2"].to_numpy()
    counts = counts_from_cells(
        groups.codes, true_bin, pred_bin, groups.index, table[ROWS].to_numpy(), weighted, squared
    )
    return EngineCounts(
        counts=counts,
        pos_label=chosen,
        n_rows=n_rows,
        dropped=dropped,
        n_dropped=n_dropped,
        missing_sensitive=missing,
        engine=engine,
    )
