"""AIF360's generalized (score-weighted) confusion counts and rates, per group.

A row with score ``s`` (the probability of the positive class) counts ``s`` as a
predicted positive and ``1 - s`` as a predicted negative, instead of 0 or 1. The
counts are sums per (group, label): ``GTP = sum_{y=1} w s``, ``GFN = sum_{y=1} w (1 - s)``,
``GFP = sum_{y=0} w s``, ``GTN = sum_{y=0} w (1 - s)``; the rates divide them by the
weight of the label's rows. One pass of weighted sums, then formulas on the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import encode_groups, group_label
from fairscope.core._inputs import sensitive_frame

__all__ = ["generalized_confusion_rates"]

_COLUMNS = ["gtp", "gfp", "gfn", "gtn", "gtpr", "gfpr", "gfnr", "gtnr"]


def generalized_confusion_rates(
    y_true: Any,
    y_score: Any,
    *,
    sensitive_features: Any = None,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> pd.DataFrame:
    """Generalized confusion counts and rates per group and overall (AIF360's definitions).

    Parameters
    ----------
    y_true : array-like
        Labels; ``pos_label`` is the positive (favourable) class.
    y_score : array-like of float in [0, 1]
        Probability of the positive class.
    sensitive_features : array-like, DataFrame or dict, optional
        Groups; without them only the overall row.
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    pandas.DataFrame
        Indexed by group label (last row ``"<overall>"``), columns ``gtp, gfp, gfn,
        gtn`` and the rates ``gtpr = GTP / P``, ``gfpr = GFP / N``, ``gfnr = GFN / P``,
        ``gtnr = GTN / N`` (NaN when the group has no row of that label).

    References
    ----------
    AIF360, ``ClassificationMetric.generalized_binary_confusion_matrix`` and
    ``aif360.sklearn.metrics.generalized_fpr`` / ``generalized_fnr``.

    Examples
    --------
    Positives score 0.8 and 0.6, the negative 0.3: GTPR = 1.4 / 2, GFPR = 0.3.

    >>> generalized_confusion_rates([1, 1, 0], [0.8, 0.6, 0.3]).loc["<overall>", ["gtpr", "gfpr"]]
    gtpr    0.7
    gfpr    0.3
    Name: <overall>, dtype: float64
    """
    score = np.asarray(y_score, dtype=float)
    positive = np.asarray(y_true) == pos_label
    if score.ndim != 1 or positive.shape != score.shape:
        raise ValueError(
            f"y_true and y_score must be one-dimensional and of equal length; got "
            f"{positive.shape} and {score.shape}."
        )
    if not np.isfinite(score).all() or (score < 0).any() or (score > 1).any():
        raise ValueError("y_score must hold probabilities in [0, 1] (no missing values).")
    w = np.ones(len(score)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if w.shape != score.shape:
        raise ValueError(f"sample_weight has {w.size} values; y_true has {len(score)} rows.")
    if sensitive_features is None:
        codes, labels = np.zeros(len(score), dtype=np.int64), []
    else:
        frame = sensitive_frame(sensitive_features, None)
        groups = encode_groups(frame)
        codes = np.asarray(groups.codes, dtype=np.int64)
        labels = [group_label(k, tuple(frame.columns)) for k in groups.index]
    n_groups = max(len(labels), 1)
    # columns: GTP, GFP, GFN, GTN, P, N (weighted sums per group)
    parts = [positive * score, ~positive * score, positive * (1 - score), ~positive * (1 - score),
             positive * 1.0, ~positive * 1.0]  # fmt: skip
    sums = np.column_stack([np.bincount(codes, weights=w * p, minlength=n_groups) for p in parts])
    if labels:
        sums = np.vstack([sums, sums.sum(axis=0)])
    with np.errstate(divide="ignore", invalid="ignore"):
        # GTP / P, GFP / N, GFN / P, GTN / N
        rates = sums[:, :4] / sums[:, [4, 5, 4, 5]]
    return pd.DataFrame(
        np.column_stack([sums[:, :4], rates]), index=[*labels, "<overall>"], columns=_COLUMNS
    )
