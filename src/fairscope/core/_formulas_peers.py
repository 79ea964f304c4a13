"""Formulas of the metrics that the peers (fairlearn, holisticai) measure per group.

F-beta over confusion cells; Jain's index of absolute errors and the Pearson
correlation of predictions and targets over regression moments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from fairscope.core._formulas import FN, FP, TP, safe_divide

if TYPE_CHECKING:  # the statistics types import the registry, which imports this module
    from fairscope.core._moments import RegressionMoments

__all__ = ["f_beta", "jain_index_of_errors", "prediction_target_correlation"]


def f_beta(beta: float) -> Callable[[np.ndarray], np.ndarray]:
    """F-beta over confusion cells: ``(1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)``.

    Parameters
    ----------
    beta : float
        Weight of recall relative to precision (1 gives F1).

    Returns
    -------
    callable
        Confusion cells (..., 4) to the score (NaN when TP + FN + FP is 0).

    Examples
    --------
    >>> float(f_beta(2.0)(np.array([0.0, 1.0, 1.0, 2.0])))  # 5*2 / (5*2 + 4 + 1)
    0.6666666666666666
    """
    if not beta > 0:
        raise ValueError(f"beta must be positive; got {beta!r}.")
    b2 = float(beta) ** 2

    def formula(cells: np.ndarray) -> np.ndarray:
        tp = cells[..., TP]
        return safe_divide((1 + b2) * tp, (1 + b2) * tp + b2 * cells[..., FN] + cells[..., FP])

    return formula


def jain_index_of_errors(m: RegressionMoments) -> np.ndarray:
    """Jain's index of absolute errors, ``(sum |e|)^2 / (n sum e^2)``, per group.

    1 when every row has the same absolute error (also when every error is 0, as
    holisticai's ``jain_index``); ``1 / n`` when one row holds all the error.
    """
    abs_sum, sq_sum, n = m.column("sum_abs_residual"), m.column("sum_residual2"), m.column("n")
    value = safe_divide(abs_sum**2, n * sq_sum)
    return np.where((sq_sum == 0) & (n > 0), 1.0, value)


def prediction_target_correlation(m: RegressionMoments) -> np.ndarray:
    """Pearson correlation of predictions and targets per group, from their moments."""
    n, sy, syy = m.column("n"), m.column("sum_y"), m.column("sum_y2")
    sp, spp, syp = m.column("sum_yhat"), m.column("sum_yhat2"), m.column("sum_y_yhat")
    cov = syp - safe_divide(sy * sp, n)
    var_y, var_p = syy - safe_divide(sy**2, n), spp - safe_divide(sp**2, n)
    with np.errstate(invalid="ignore"):
        return safe_divide(cov, np.sqrt(np.maximum(var_y, 0) * np.maximum(var_p, 0)))
