"""Vectorized formulas of the score metrics over histograms (bins on the last axis).

These are the formulas the registry declares for ``roc_auc``,
``average_precision`` and ``expected_calibration_error``; they work on one
group, on all groups, or on a leading axis of replicates.
"""

from __future__ import annotations

import numpy as np


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Divide elementwise, giving NaN (and no warning) where the denominator is 0.

    Examples
    --------
    >>> safe_divide(np.array([1.0, 1.0]), np.array([2.0, 0.0])).tolist()
    [0.5, nan]
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def auc_from_histograms(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """ROC AUC from score histograms (bins in increasing score order on the last axis).

    A positive beats every negative in lower bins and ties (counts half) with
    the negatives of its own bin; NaN when a group has no positive or no negative.

    Examples
    --------
    >>> import numpy as np
    >>> float(auc_from_histograms(np.array([0, 1, 1]), np.array([1, 1, 0])))
    0.875
    """
    pos = np.asarray(positives, dtype=float)
    neg = np.asarray(negatives, dtype=float)
    below = np.cumsum(neg, axis=-1) - neg
    wins = (pos * (below + 0.5 * neg)).sum(axis=-1)
    return safe_divide(wins, pos.sum(axis=-1) * neg.sum(axis=-1))


def average_precision_from_histograms(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """Average precision (scikit-learn's step-wise definition) from score histograms.

    Thresholds run from the highest bin down; AP = sum over thresholds of the
    recall increase times the precision at that threshold.

    Examples
    --------
    >>> float(average_precision_from_histograms(np.array([0, 1]), np.array([1, 0])))
    1.0
    """
    pos = np.asarray(positives, dtype=float)[..., ::-1]
    neg = np.asarray(negatives, dtype=float)[..., ::-1]
    tp = np.cumsum(pos, axis=-1)
    fp = np.cumsum(neg, axis=-1)
    precision = safe_divide(tp, tp + fp)
    total = tp[..., -1:]
    gained = np.where(pos > 0, pos * np.nan_to_num(precision), 0.0).sum(axis=-1)
    return safe_divide(gained, total[..., 0])


def expected_calibration_error(calibration: np.ndarray) -> np.ndarray:
    """Expected calibration error from a reliability table ``[..., bin, (weight, sum s, sum y)]``.

    Examples
    --------
    >>> cal = np.array([[1.0, 0.2, 0.0], [1.0, 0.8, 1.0]])
    >>> round(float(expected_calibration_error(cal)), 6)
    0.2
    """
    weight = calibration[..., 0]
    gap = np.abs(
        safe_divide(calibration[..., 1], weight) - safe_divide(calibration[..., 2], weight)
    )
    return safe_divide(
        np.where(weight > 0, weight * np.nan_to_num(gap), 0.0).sum(axis=-1), weight.sum(axis=-1)
    )
