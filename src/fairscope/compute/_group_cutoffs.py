"""Per-group cut-offs (dalex's ``cutoff={group: value}``): scores to predictions, group by group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fairscope.core._groups import encode_groups, group_label
from fairscope.core._inputs import sensitive_frame

__all__ = ["predict_with_group_cutoffs"]


def predict_with_group_cutoffs(
    y_score: Any,
    *,
    sensitive_features: Any,
    cutoffs: Mapping[Any, float],
    default: float = 0.5,
) -> np.ndarray:
    """Predict positive where the score reaches the cut-off of the row's group.

    As dalex's ``model_fairness(..., cutoff={"female": 0.4})``: a row is positive
    when ``score >= cutoffs[group]``; groups not named use ``default``. Audit the
    result like any predictions (``GroupMetrics(y_true, predictions, ...)``).

    Parameters
    ----------
    y_score : array-like of float
    sensitive_features : array-like, DataFrame or dict
    cutoffs : dict
        Group label (as tables show it) to cut-off.
    default : float, default 0.5
        Cut-off of groups not in ``cutoffs``.

    Returns
    -------
    ndarray of int
        1 for a positive prediction, 0 otherwise.

    Raises
    ------
    ValueError
        If a key of ``cutoffs`` is not a group, naming the groups.

    Examples
    --------
    >>> predict_with_group_cutoffs([0.45, 0.45, 0.55], sensitive_features=["f", "m", "m"],
    ...                            cutoffs={"f": 0.4}).tolist()
    [1, 0, 1]
    """
    score = np.asarray(y_score, dtype=float)
    frame = sensitive_frame(sensitive_features, None)
    groups = encode_groups(frame)
    if len(groups.codes) != len(score):
        raise ValueError(
            f"sensitive_features has {len(groups.codes)} rows; y_score has {len(score)}."
        )
    labels = [group_label(k, tuple(frame.columns)) for k in groups.index]
    unknown = [k for k in cutoffs if group_label(k, tuple(frame.columns)) not in labels]
    if unknown:
        raise ValueError(f"cutoffs name {unknown}, which are not groups; the groups are {labels}.")
    per_group = np.full(len(labels), float(default))
    for key, value in cutoffs.items():
        per_group[labels.index(group_label(key, tuple(frame.columns)))] = float(value)
    return (score >= per_group[groups.codes]).astype(int)
