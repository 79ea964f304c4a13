"""The proxy classifier's default estimate: one fit, held-out AUC and importance with standard errors.

One gradient-boosting fit on two thirds of the (sub)sample, tested on the held-out third:

- the **AUC** on every held-out row, with its standard error from DeLong's per-row
  placement values (each row's contribution to the AUC, treated as independent draws);
- each column's **permutation importance**, the drop in AUC when that column is
  shuffled, measured on the same rows with and without the shuffle, so that its
  standard error comes from the per-row *differences* of those contributions (the
  paired DeLong comparison of two AUCs on the same rows).

The importance is **sequential**: every column is first measured on
:data:`FIRST_BATCH_ROWS` held-out rows; a column whose interval of
:data:`SETTLE_Z` standard errors either side excludes both flag thresholds is
settled there (its flag is, to the normal approximation and for this fitted
model, the one more rows would give); the others are measured again on all the
held-out rows with a fresh shuffle. ``importance_rows`` records which.

References
----------
E. R. DeLong, D. M. DeLong and D. L. Clarke-Pearson, Comparing the areas under two or
more correlated receiver operating characteristic curves: a nonparametric approach,
Biometrics 44 (1988).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Share of the classifier's sample held out to measure the AUC and the importance.
HOLDOUT_SHARE = 1 / 3
#: Held-out rows on which every column's importance is measured first.
FIRST_BATCH_ROWS = 2_000
#: Standard errors either side of an importance that must clear both flag thresholds
#: for the column to be settled on the first batch (else it is measured on all held-out rows).
SETTLE_Z = 2.0
#: Early-stopping patience of the classifier: scikit-learn's default, so that the one fit is
#: the classifier of the cross-validated estimate (a patience of 3 would drop about seven
#: non-improving trees per class and 20-25% of the cost, but lowered some importances on Adult).
N_ITER_NO_CHANGE = 10


@dataclass
class HoldoutEstimate:
    """AUC and permutation importance of one fitted classifier on held-out rows."""

    auc: float
    auc_se: float
    importance: np.ndarray
    importance_se: np.ndarray
    importance_rows: np.ndarray


def placement_contributions(y: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several score vectors on the same rows and each row's contribution to them.

    Parameters
    ----------
    y : numpy.ndarray of shape (n,)
        Class codes ``0 .. k-1``.
    scores : numpy.ndarray of shape (c, n, k)
        ``c`` sets of class probabilities for the same rows (for two classes the
        second column scores the positive class).

    Returns
    -------
    auc : numpy.ndarray of shape (c,)
        ROC AUC of each set: binary, or the one-vs-rest macro average.
    contributions : numpy.ndarray of shape (c, n)
        Each row's centred placement value over its class size (DeLong), averaged
        over the one-vs-rest AUCs; they sum to zero, and the variance of the AUC
        is estimated as ``n / (n - 1)`` times the sum of their squares.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1])
    >>> proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])
    >>> auc, _ = placement_contributions(y, proba[None])
    >>> float(auc[0])
    0.75
    """
    from scipy.stats import rankdata

    classes = [1] if scores.shape[2] == 2 else list(range(scores.shape[2]))
    auc = np.zeros(scores.shape[0])
    contributions = np.zeros(scores.shape[:2])
    for k in classes:
        pos = y == k
        n1, n0 = int(pos.sum()), int((~pos).sum())
        s = scores[:, :, k]
        ranks = rankdata(s, axis=1)
        # placement of a positive: share of negatives scored below it (ties count half)
        v10 = (ranks[:, pos] - rankdata(s[:, pos], axis=1)) / n0
        # placement of a negative: share of positives scored above it
        v01 = 1 - (ranks[:, ~pos] - rankdata(s[:, ~pos], axis=1)) / n1
        auc_k = v10.mean(axis=1)
        auc += auc_k
        contributions[:, pos] += (v10 - auc_k[:, None]) / n1
        contributions[:, ~pos] += (v01 - auc_k[:, None]) / n0
    return auc / len(classes), contributions / len(classes)


def standard_error(contributions: np.ndarray) -> np.ndarray:
    """Standard error of an AUC (or of a difference of AUCs) from per-row contributions.

    Parameters
    ----------
    contributions : numpy.ndarray of shape (c, n)
        From :func:`placement_contributions` (or differences of them).

    Returns
    -------
    numpy.ndarray of shape (c,)

    Examples
    --------
    >>> import numpy as np
    >>> standard_error(np.array([[0.1, -0.1]])).round(3).tolist()
    [0.2]
    """
    n = contributions.shape[1]
    return np.sqrt(n / (n - 1) * (contributions**2).sum(axis=1))


def _settled(importance: np.ndarray, se: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    """Columns whose interval of ``SETTLE_Z`` standard errors holds no flag threshold."""
    low, high = importance - SETTLE_Z * se, importance + SETTLE_Z * se
    inside = np.zeros(len(importance), dtype=bool)
    for t in thresholds:
        inside |= (low <= t) & (t <= high)
    return ~inside


def _permuted_drops(
    clf, x: np.ndarray, y: np.ndarray, proba: np.ndarray, columns: np.ndarray, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Drop in AUC and its paired standard error when each of ``columns`` is shuffled.

    The rows and every column's shuffled copy go through one prediction: the predictor
    costs per call and per tree far more than per row, and predicts row by row.
    """
    m = len(x)
    stacked = np.tile(x, (len(columns), 1))
    for i, j in enumerate(columns):
        stacked[i * m : (i + 1) * m, j] = rng.permutation(x[:, j])
    permuted = clf.predict_proba(stacked).reshape(len(columns), m, -1)
    auc, contributions = placement_contributions(y, np.concatenate([proba[None], permuted]))
    drops = auc[0] - auc[1:]
    return drops, standard_error(contributions[0] - contributions[1:])


def holdout_importance(
    clf, x: np.ndarray, y: np.ndarray, rng, thresholds: tuple[float, ...]
) -> HoldoutEstimate:
    """AUC and sequential permutation importance of a fitted classifier on held-out rows.

    Parameters
    ----------
    clf : fitted scikit-learn classifier with ``predict_proba``
    x, y : numpy.ndarray
        The held-out rows and their class codes ``0 .. k-1`` (every class present).
    rng : numpy.random.Generator
        Draws the first batch and the shuffles.
    thresholds : tuple of float
        The importance thresholds of the flags.

    Returns
    -------
    HoldoutEstimate
    """
    proba = clf.predict_proba(x)
    auc, contributions = placement_contributions(y, proba[None])
    p = x.shape[1]
    picked = np.arange(len(y))
    if len(y) > FIRST_BATCH_ROWS:
        picked = np.sort(rng.choice(len(y), size=FIRST_BATCH_ROWS, replace=False))
    # a first batch too small to hold every class cannot be scored: use all rows
    if len(np.unique(y[picked])) < proba.shape[1]:
        picked = np.arange(len(y))
    everything = np.arange(p)
    drops, ses = _permuted_drops(clf, x[picked], y[picked], proba[picked], everything, rng)
    rows = np.full(p, len(picked))
    again = (
        everything[~_settled(drops, ses, thresholds)] if len(picked) < len(y) else everything[:0]
    )
    if len(again):
        drops[again], ses[again] = _permuted_drops(clf, x, y, proba, again, rng)
        rows[again] = len(y)
    return HoldoutEstimate(float(auc[0]), float(standard_error(contributions)[0]), drops, ses, rows)
