"""Confusion counts per group (a :class:`~fairscope.core._counts.GroupCounts`) computed by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fairscope.core._counts import GroupCounts, counts_from_cells
from fairscope.core._inputs import binarize_pair
from fairscope.engines._passes import (
    check_negative_weights,
    check_weight_dtype,
    drop_missing,
    label_table,
)
from fairscope.engines._reduce import (
    ROWS,
    encode_key_groups,
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
    reduced = label_table(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna,
        what="y_true, y_pred or sample_weight",
    )  # fmt: skip
    table, yt, yp = reduced.table, reduced.y_true, reduced.y_pred
    labels = set(pd.unique(table[yt])) | set(pd.unique(table[yp]))
    chosen, true_bin, pred_bin = binarize_pair(labels, table[yt], table[yp], pos_label)
    groups, missing = encode_key_groups(table, reduced.features)
    weighted = None if sample_weight is None else table["__w"].to_numpy()
    squared = None if sample_weight is None else table["__w2"].to_numpy()
    counts = counts_from_cells(
        groups.codes, true_bin, pred_bin, groups.index, table[ROWS].to_numpy(), weighted, squared
    )
    return EngineCounts(
        counts=counts,
        pos_label=chosen,
        n_rows=reduced.n_rows,
        dropped=reduced.dropped,
        n_dropped=reduced.n_dropped,
        missing_sensitive=missing,
        engine=reduced.engine,
    )
