"""One-number summaries over groups under the peers' names: dalex's parity loss, Jain's index."""

from __future__ import annotations

from typing import Any

import numpy as np

from fairscope.compute._group_metrics import GroupMetrics
from fairscope.core._groups import OVERALL

__all__ = ["jain_index", "parity_loss"]


def parity_loss(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    metric: str = "true_positive_rate",
    reference: Any = "largest",
    sample_weight: Any = None,
    pos_label: Any = 1,
) -> float:
    """dalex's parity loss: the sum over groups of ``|ln(metric_g / metric_reference)|``.

    0 at parity; every group, the reference included (which adds 0), counts
    once. Computed from the confusion counts (:class:`~fairscope.GroupMetrics`).
    A group whose metric is 0 while the reference's is not gives ``inf``; a group
    with an undefined metric (0/0) is left out, as in every fairscope summary.

    Parameters
    ----------
    y_true, y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    metric : str, default "true_positive_rate"
        A registered confusion metric (dalex computes TPR, PPV, FPR, ACC, STP).
    reference : group label or {"largest", "best", "overall"}, default "largest"
        The privileged group of dalex's ``fairness_check(privileged=...)``.
    sample_weight : array-like, optional
    pos_label : default 1

    Returns
    -------
    float

    Examples
    --------
    Selection rates 0.5 (a, reference) and 0.25 (b): |ln 1| + |ln 0.5| = ln 2.

    >>> loss = parity_loss([1, 0, 1, 0, 1, 0], [1, 0, 1, 0, 0, 0],
    ...                    sensitive_features=list("aabbbb"), metric="selection_rate",
    ...                    reference="a")
    >>> bool(np.isclose(loss, np.log(2)))
    True
    """
    gm = GroupMetrics(
        y_true,
        y_pred,
        sensitive_features,
        metrics=[metric],
        sample_weight=sample_weight,
        pos_label=pos_label,
        min_group_size=0,
    )
    name = gm.metrics[0]
    key = gm.reference_groups(reference)[name]
    values = gm.by_group[name].to_numpy(dtype=float)
    base = gm.overall[name] if key == OVERALL else gm.by_group.loc[key, name]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.abs(np.log(values / base))
    return float(np.nansum(terms))


def jain_index(y_true: Any, y_pred: Any, *, sample_weight: Any = None) -> float:
    """Jain's fairness index of the absolute errors over all rows (holisticai's ``jain_index``).

    ``(sum |e|)^2 / (n sum e^2)`` with ``e = y_true - y_pred``: 1 when every row
    has the same absolute error (also when all errors are 0), ``1/n`` when one
    row holds all of it. Per group it is the registered metric ``"jain_index"``.

    Parameters
    ----------
    y_true, y_pred : array-like of float
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    One error of 1 among five rows: 1 / (5 * 1) (holisticai's docstring example).

    >>> jain_index([1, 2, 3, 4, 5], [1, 2, 3, 4, 4])
    0.2
    """
    error = np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    if error.ndim != 1:
        raise ValueError(f"y_true and y_pred must be one-dimensional; got shape {error.shape}.")
    w = np.ones(len(error)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if w.shape != error.shape:
        raise ValueError(f"sample_weight has {w.size} values; y_true has {len(error)} rows.")
    squares = (w * error**2).sum()
    if squares == 0:
        return 1.0
    return float((w * error).sum() ** 2 / (w.sum() * squares))
