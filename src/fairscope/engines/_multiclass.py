"""Per-group K x K confusion counts, computed by the engine holding the data.

A multiclass audit is a function of the confusion matrix of true against
predicted class per group, :class:`~fairscope.core._multiclass_counts.MulticlassCounts`.
One group-by over (sensitive features, label, prediction) runs in the engine;
the numpy path's class ordering then lays the small table out as K x K cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._multiclass_counts import MulticlassCounts, class_labels
from fairscope.core._statistics import sum_into
from fairscope.engines._passes import label_table
from fairscope.engines._reduce import (
    ROWS,
    encode_key_groups,
)

__all__ = ["multiclass_counts"]


def multiclass_counts(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: str | list[str],
    *,
    sample_weight: str | None = None,
    dropna: bool = False,
    labels: Any = None,
) -> MulticlassCounts:
    """Weighted K x K confusion counts per group, reduced inside the engine holding ``data``.

    Parameters
    ----------
    data : any data accepted by :func:`fairscope.engines.confusion_counts` (pandas too).
    y_true, y_pred : str
        Column names of the true and predicted classes.
    sensitive_features : str or list of str
    sample_weight : str, optional
        Column name of non-negative row weights.
    dropna : bool, default False
        Drop (and count) rows with a missing label, prediction or weight instead of raising.
    labels : sequence, optional
        The classes, in order; default the sorted union of the observed values.

    Returns
    -------
    MulticlassCounts
        With the provenance of the pass (``n_rows``, ``dropped``, ``engine``...).

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.engines import multiclass_counts
    >>> df = pd.DataFrame({"y": ["a", "b", "c"], "p": ["a", "c", "c"], "g": ["x", "x", "y"]})
    >>> m = multiclass_counts(df, "y", "p", "g")
    >>> m.classes, m.rows[0].tolist()
    (['a', 'b', 'c'], [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    """
    reduced = label_table(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna,
        what="y_true, y_pred or weight",
    )  # fmt: skip
    table, yt, yp = reduced.table, reduced.y_true, reduced.y_pred
    true, pred = table[yt].reset_index(drop=True), table[yp].reset_index(drop=True)
    classes = class_labels(true, pred, labels)
    index = pd.Index(classes)
    groups, missing = encode_key_groups(table, reduced.features)
    n_classes = len(classes)
    cell = (groups.codes.astype(np.int64) * n_classes + index.get_indexer(true)) * n_classes
    cell += index.get_indexer(pred)
    shape = (len(groups.index), n_classes, n_classes)
    size = shape[0] * n_classes * n_classes
    rows = sum_into(cell, size, table[ROWS].to_numpy()).reshape(shape)
    if sample_weight is None:
        weighted = rows.astype(float)
        squared = weighted.copy()
    else:
        weighted = sum_into(cell, size, table["__w"].to_numpy()).reshape(shape)
        squared = sum_into(cell, size, table["__w2"].to_numpy()).reshape(shape)
    return MulticlassCounts(
        groups.index,
        [str(c) for c in classes],
        weighted,
        rows,
        squared,
        sample_weight is not None,
        n_rows=reduced.n_rows,
        dropped=reduced.dropped,
        n_dropped=reduced.n_dropped,
        missing_sensitive=missing,
        engine=reduced.engine,
    )
