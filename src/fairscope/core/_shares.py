"""Shares of a whole across groups: metrics of a group that read every group's counts.

Aequitas' *predicted positive rate* (``ppr``, behind its "Statistical Parity") is the
share of all predicted positives that fall in a group: ``(FP + TP)_g / sum over groups
of (FP + TP)``. Unlike a rate, it is not a function of the group's own cells, so its
formula reads the group axis (the second to last axis of the confusion cells). Callers
compute it on the groups, and the overall value apart (it is 1: all of the positives).
"""

from __future__ import annotations

import numpy as np

#: Positions of FP and TP on the last axis of confusion cells (TN, FP, FN, TP).
_FP, _TP = 1, 3


def predicted_positive_share(cells: np.ndarray) -> np.ndarray:
    """Share of all predicted positives that fall in each group.

    Parameters
    ----------
    cells : ndarray of shape (..., n_groups, 4) or (4,)
        Weighted confusion counts ``TN, FP, FN, TP`` per group (a leading axis of
        bootstrap replicates is allowed); a single row (the overall counts) gives 1.

    Returns
    -------
    ndarray of shape (..., n_groups)
        NaN when no row is predicted positive.

    References
    ----------
    P. Saleiro et al., Aequitas: A Bias and Fairness Audit Toolkit, arXiv:1811.05577 (2018).

    Examples
    --------
    >>> import numpy as np
    >>> cells = np.array([[5.0, 1.0, 1.0, 3.0], [5.0, 2.0, 2.0, 2.0]])
    >>> predicted_positive_share(cells).tolist()
    [0.5, 0.5]
    """
    cells = np.asarray(cells, dtype=float)
    positives = cells[..., _FP] + cells[..., _TP]
    total = positives if positives.ndim == 0 else positives.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(total > 0, positives / np.where(total > 0, total, 1), np.nan))
