"""Vectorized metric formulas over sufficient statistics, as the registry declares them.

- over confusion cells (``TN, FP, FN, TP`` on the last axis): the metrics that
  are not a plain proportion (F1, balanced accuracy, treatment equality);
- over score histograms (bins on the last axis): ROC AUC, average precision,
  expected calibration error, and means of per-row score terms;
- over regression moments: means, RMSE and R^2.

- over K x K confusion cells: the multiclass accuracy.

Array formulas work on one group, on all groups, or on a leading axis of
replicates. Formulas over statistics objects read them by column name
(``stats.column("n")``) and return one value per group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the statistics types import the registry, which imports this module
    from fairscope.core._moments import RegressionMoments
    from fairscope.core._multiclass_counts import MulticlassCounts
    from fairscope.core._score_statistics import ScoreStatistics

#: Positions of the confusion cells on the last axis of a counts array.
TN, FP, FN, TP = range(4)


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


# -- over confusion cells ---------------------------------------------------------------


def f1(c: np.ndarray) -> np.ndarray:
    """F1 score: ``2 TP / (2 TP + FP + FN)``."""
    return safe_divide(2 * c[..., TP], 2 * c[..., TP] + c[..., FP] + c[..., FN])


def balanced_accuracy(c: np.ndarray) -> np.ndarray:
    """Mean of the true positive and true negative rates."""
    tpr = safe_divide(c[..., TP], c[..., TP] + c[..., FN])
    tnr = safe_divide(c[..., TN], c[..., TN] + c[..., FP])
    return np.asarray((tpr + tnr) / 2)


def treatment_equality(c: np.ndarray) -> np.ndarray:
    """Ratio of false negatives to false positives."""
    return safe_divide(c[..., FN], c[..., FP])


# -- over score histograms and regression moments ---------------------------------------


def per_weight(name: str) -> Callable[[ScoreStatistics], np.ndarray]:
    """Mean of a per-row score term: its per-group sum over the group's weight."""

    def formula(stats: ScoreStatistics) -> np.ndarray:
        weight = stats.column("weight_positive") + stats.column("weight_negative")
        return safe_divide(stats.column(name), weight)

    return formula


def moment_mean(
    name: str, *, sign: float = 1.0, centred: bool = False
) -> Callable[[RegressionMoments], np.ndarray]:
    """Mean of a moment per group: ``sign * sum / n`` (plus the centre for targets)."""

    def formula(m: RegressionMoments) -> np.ndarray:
        value = m.column(name)
        # negating the sum, not the mean, keeps the division bit-identical to a sum of -x
        mean = safe_divide(-value if sign < 0 else value, m.column("n"))
        return mean + m.center if centred else mean

    return formula


def rmse(m: RegressionMoments) -> np.ndarray:
    """Root mean squared residual per group."""
    return np.asarray(np.sqrt(safe_divide(m.column("sum_residual2"), m.column("n"))))


def r2(m: RegressionMoments) -> np.ndarray:
    """``1 - SSE / SST`` per group; NaN when the group's targets are constant."""
    w, sy, syy = m.column("n"), m.column("sum_y"), m.column("sum_y2")
    sst = syy - safe_divide(sy**2, w)
    # SST is 0 for a constant target; a relative tolerance keeps round-off from faking a value
    sst = np.where(sst > 1e-12 * np.maximum(syy, 1e-300), sst, 0.0)
    return 1 - safe_divide(m.column("sum_residual2"), sst)


def multiclass_accuracy(m: MulticlassCounts) -> np.ndarray:
    """Share of each group's (weighted) rows whose predicted class is the true class."""
    diagonal = np.trace(m.weighted, axis1=-2, axis2=-1)
    return safe_divide(diagonal, m.weighted.sum(axis=(-2, -1)))
