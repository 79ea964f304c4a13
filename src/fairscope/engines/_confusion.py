"""Confusion counts per group (a :class:`~fairscope.core._counts.GroupCounts`) computed by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._counts import GroupCounts, counts_from_cells
from fairscope.core._inputs import _binarize, _choose_pos_label
from fairscope.engines._reduce import (
    ROWS,
    _key,
    encode_key_groups,
    finite_float,
    prepare,
    reduce_by_keys,
    require_column,
    require_features,
    sensitive_names,
)


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


def _plural(v: int) -> str:
    return "s" if v != 1 else ""


def drop_missing(
    table: pd.DataFrame, masks: dict[str, np.ndarray], dropna: bool, what: str
) -> tuple[pd.DataFrame, dict[str, int], int]:
    """Rows of the reduced table without missing values, or the pandas path's error.

    ``masks`` flags reduced rows by reason; counts are data rows (``ROWS``).
    """
    rows = table[ROWS].to_numpy()
    bad = {k: int(rows[m].sum()) for k, m in masks.items() if m.any()}
    if not bad:
        return table, {}, 0
    parts = ", ".join(
        f"{k} has {v} missing{' or non-finite' if k == 'sample_weight' else ''} value{_plural(v)}"
        for k, v in bad.items()
    )
    if not dropna:
        raise ValueError(
            f"{parts}; fix the data or pass dropna=True to drop those rows "
            "(the dropped count is recorded on the result)."
        )
    any_bad = np.logical_or.reduce(list(masks.values()))
    kept = table[~any_bad].reset_index(drop=True)
    if len(kept) == 0:
        raise ValueError(
            f"every row has a missing {what} ({parts}); nothing is left to audit after dropna=True."
        )
    return kept, {f"missing {k}": v for k, v in bad.items()}, int(rows[any_bad].sum())


def check_negative_weights(table: pd.DataFrame, column: str = "__neg") -> None:
    """Negative weights raise, as in the pandas path (the engine counted them in ``column``)."""
    negative = int(table[column].sum())
    if negative:
        raise ValueError(
            f"sample_weight has {negative} negative value{_plural(negative)}; weights must be >= 0."
        )


def check_weight_dtype(frame: Any, column: str) -> None:
    """Weights must be numeric (not boolean), as in the pandas path."""
    dtype = frame.collect_schema()[column]
    if not dtype.is_numeric() or dtype == __import__("narwhals").Boolean:
        raise ValueError(f"sample_weight must be numeric; got dtype {dtype}. Convert it to float.")


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
    weight_col = None
    if sample_weight is not None:
        weight_col = require_column(sample_weight, "sample_weight", columns, data)
        check_weight_dtype(frame, weight_col)

    keys = [*features, true_col, pred_col]
    if weight_col is None:
        table = reduce_by_keys(frame, keys, {}, [])
    else:
        table = _reduce_weighted(frame, keys, weight_col)
    n_rows = int(table[ROWS].sum())
    if n_rows == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")
    k = len(features)
    yt, yp = _key(k), _key(k + 1)
    if weight_col is not None:
        check_negative_weights(table)
    masks = {"y_true": table[yt].isna().to_numpy(), "y_pred": table[yp].isna().to_numpy()}
    if weight_col is not None:
        masks["sample_weight"] = table["__bad"].astype(bool).to_numpy()
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
    weighted = None if weight_col is None else table["__w"].to_numpy()
    squared = None if weight_col is None else table["__w2"].to_numpy()
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


def _reduce_weighted(frame: Any, keys: list[str], weight_col: str) -> pd.DataFrame:
    """Reduce with weights; the missing-weight flag is a key, so sums of bad rows stay apart."""
    import narwhals as nw

    w, bad = finite_float(weight_col)
    flagged = frame.with_columns(bad.alias("__bad_flag"))
    sums = {"__w": w, "__w2": w * w, "__neg": (w < 0).fill_null(False).cast(nw.Float64)}
    table = reduce_by_keys(flagged, [*keys, "__bad_flag"], sums, list(sums))
    return table.rename(columns={_key(len(keys)): "__bad"})
