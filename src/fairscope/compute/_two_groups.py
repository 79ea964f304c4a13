"""Disparities between the privileged group and all other rows, under the peers' names.

AIF360 (``disparate_impact_ratio``, ``statistical_parity_difference``,
``average_odds_difference``) and holisticai (``cohens_d``, ``z_score_difference``,
z-tests, ``statistical_parity_auc``, disparate impact above a quantile,
``correlation_difference``) compare two groups. Here the privileged group is one
value or a union of values (``privileged_groups=``) and the comparison group is
every other row, pooled (AIF360's convention). Every value is *unprivileged
versus privileged*: a difference is ``unprivileged - privileged``, a ratio
``unprivileged / privileged``. Each is computed from weighted sums per side
(counts, or the moments ``W, sum(x), sum(x^2)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairscope.compute._privileged import privileged_mask

__all__ = [
    "average_odds_difference",
    "cohens_d",
    "correlation_difference",
    "disparate_impact_at_quantile",
    "disparate_impact_ratio",
    "statistical_parity_auc",
    "statistical_parity_difference",
    "top_quantile_mask",
    "z_score_difference",
    "z_test_difference",
    "z_test_ratio",
]


def _array(values: Any, name: str, n: int | None = None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {array.shape}.")
    if n is not None and len(array) != n:
        raise ValueError(f"{name} has {len(array)} rows; sensitive_features has {n}.")
    return array


def _sides(sensitive_features: Any, privileged_groups: Any, sample_weight: Any):
    mask = privileged_mask(sensitive_features, privileged_groups)
    if sample_weight is None:
        return mask, np.ones(len(mask))
    w = _array(sample_weight, "sample_weight", len(mask)).astype(float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    return mask, w


def _rate(hit: np.ndarray, w: np.ndarray, rows: np.ndarray) -> float:
    total = w[rows].sum()
    return float(w[rows & hit].sum() / total) if total > 0 else float("nan")


def _confusion_rates(
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    privileged_groups: Any,
    pos: Any,
    sample_weight: Any,
) -> dict[str, tuple[float, float]]:
    """Selection rate, TPR and FPR of the unprivileged rows and of the privileged group."""
    mask, w = _sides(sensitive_features, privileged_groups, sample_weight)
    true = _array(y_true, "y_true", len(mask)) == pos
    pred = _array(y_pred, "y_pred", len(mask)) == pos
    everyone = np.ones(len(mask), dtype=bool)
    out = {}
    for name, rows in (("sr", everyone), ("tpr", true), ("fpr", ~true)):
        out[name] = (_rate(pred, w, rows & ~mask), _rate(pred, w, rows & mask))
    return out


def disparate_impact_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Selection rate of the unprivileged rows over that of the privileged group (AIF360).

    Parameters
    ----------
    y_true : array-like
        Labels (only checked for length; the selection rate reads ``y_pred``).
    y_pred : array-like
        Predictions; ``pos_label`` is a selection.
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
        The privileged group, or several whose union is privileged; every other
        row is unprivileged.
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float
        ``inf`` when the privileged selection rate is 0 and the other is not,
        NaN for 0/0.

    Examples
    --------
    Unprivileged b selects 1 of 2, privileged a 2 of 2: 0.5 / 1.0.

    >>> disparate_impact_ratio([1, 1, 1, 0], [1, 1, 1, 0],
    ...                        sensitive_features=list("aabb"), privileged_groups="a")
    0.5
    """
    sides = (sensitive_features, privileged_groups, pos_label, sample_weight)
    unprivileged, privileged = _confusion_rates(y_true, y_pred, *sides)["sr"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(unprivileged) / np.float64(privileged))


def statistical_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Selection rate of the unprivileged rows minus that of the privileged group (AIF360).

    Parameters
    ----------
    y_true, y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float
        Negative when the unprivileged rows are selected less often.

    Examples
    --------
    >>> statistical_parity_difference([1, 1, 1, 0], [1, 1, 1, 0],
    ...                               sensitive_features=list("aabb"), privileged_groups="a")
    -0.5
    """
    sides = (sensitive_features, privileged_groups, pos_label, sample_weight)
    unprivileged, privileged = _confusion_rates(y_true, y_pred, *sides)["sr"]
    return unprivileged - privileged


def average_odds_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Mean of the FPR and TPR differences, unprivileged minus privileged (AIF360).

    ``((FPR_u - FPR_p) + (TPR_u - TPR_p)) / 2``. Signed, unlike fairscope's
    :func:`~fairscope.equalized_odds_difference` (the larger absolute gap).

    Parameters
    ----------
    y_true, y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Privileged a: TPR 1, FPR 1; unprivileged b: TPR 1/2, FPR 0: ((0 - 1) + (0.5 - 1)) / 2.

    >>> average_odds_difference([1, 0, 1, 1, 0], [1, 1, 1, 0, 0],
    ...                         sensitive_features=list("aabbb"), privileged_groups="a")
    -0.75
    """
    sides = (sensitive_features, privileged_groups, pos_label, sample_weight)
    rates = _confusion_rates(y_true, y_pred, *sides)
    (tpr_u, tpr_p), (fpr_u, fpr_p) = rates["tpr"], rates["fpr"]
    return ((fpr_u - fpr_p) + (tpr_u - tpr_p)) / 2


def _moments(x: np.ndarray, w: np.ndarray, rows: np.ndarray) -> tuple[float, float, float]:
    """Weight, mean and (population) variance of ``x`` over ``rows``."""
    weight = w[rows].sum()
    mean = (w[rows] * x[rows]).sum() / weight
    variance = (w[rows] * x[rows] ** 2).sum() / weight - mean**2
    return float(weight), float(mean), float(max(variance, 0.0))


def top_quantile_mask(y_pred: Any, q: float) -> np.ndarray:
    """Rows whose prediction is at least the ``q`` quantile of all predictions.

    holisticai's ``q=`` restriction of a metric to the top of the score
    distribution; audit ``data[mask]`` to restrict any fairscope metric the same way.

    Parameters
    ----------
    y_pred : array-like of float
    q : float in [0, 1)

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> top_quantile_mask([0.1, 0.5, 0.9, 0.7], 0.5).tolist()
    [False, False, True, True]
    """
    if not 0 <= q < 1:
        raise ValueError(f"q must be in [0, 1); got {q!r}.")
    values = np.asarray(y_pred, dtype=float)
    return values >= np.quantile(values, q)


_above_quantile = top_quantile_mask


def cohens_d(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Cohen's d of the predictions: mean difference over the pooled standard deviation.

    ``(mean_u - mean_p) / s`` with ``s^2 = ((n_u - 1) v_u + (n_p - 1) v_p) /
    (n_u + n_p - 2)`` and ``v`` each side's population variance (holisticai's
    ``cohen_d`` for 0/1 predictions, where ``v = rate (1 - rate)``, and its
    ``zscore_diff`` for scores). Computed from ``n, sum, sum of squares`` per side.

    Parameters
    ----------
    y_pred : array-like of float
        Predictions (0/1 or scores).
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    sample_weight : array-like, optional
        Weights (then ``n`` is the sum of weights).

    Returns
    -------
    float
        0.2 is conventionally small, 0.5 medium, 0.8 large.

    Examples
    --------
    Rates 3/4 (unprivileged a) and 1/3: v = 3/16 and 2/9, s^2 = (3 * 3/16 + 5 * 2/9) / 8.

    >>> round(cohens_d([1, 1, 1, 0, 1, 1, 0, 0, 0, 0],
    ...                sensitive_features=list("aaaabbbbbb"), privileged_groups="b"), 6)
    0.910975
    """
    mask, w = _sides(sensitive_features, privileged_groups, sample_weight)
    x = _array(y_pred, "y_pred", len(mask)).astype(float)
    n_u, mean_u, var_u = _moments(x, w, ~mask)
    n_p, mean_p, var_p = _moments(x, w, mask)
    pooled = np.sqrt(((n_u - 1) * var_u + (n_p - 1) * var_p) / (n_u + n_p - 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(mean_u - mean_p) / pooled)


def z_score_difference(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    q: float = 0.0,
    sample_weight: Any = None,
) -> float:
    """Standardized difference of mean predictions, on the rows at or above a quantile.

    :func:`cohens_d` restricted to the rows whose prediction is at least the
    ``q`` quantile of all predictions (holisticai's ``zscore_diff(..., q=)``).

    Parameters
    ----------
    y_pred : array-like of float
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    q : float, default 0
        Quantile; 0 keeps every row.
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    >>> z_score_difference([0.9, 0.7, 0.3, 0.2, 0.8, 1.0, 0.8, 0.2, 0.1, 0.2],
    ...                    sensitive_features=list("aaaabbbbbb"), privileged_groups="b") > 0
    True
    """
    x = _array(y_pred, "y_pred").astype(float)
    keep = _above_quantile(x, q)
    mask = privileged_mask(sensitive_features, privileged_groups)
    weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)[keep]
    labels = np.where(mask, "privileged", "unprivileged")[keep]
    return cohens_d(
        x[keep], sensitive_features=labels, privileged_groups="privileged", sample_weight=weight
    )


def z_test_difference(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    pos_label: Any = 1,
) -> float:
    """Two-proportion z statistic of the selection rates, pooled variance ("2-SD rule").

    ``(sr_u - sr_p) / sqrt(p (1 - p) (1/n_u + 1/n_p))`` with ``p`` the pooled rate
    (holisticai's ``z_test_diff``; Morris 2001).

    Parameters
    ----------
    y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    pos_label : default 1

    Returns
    -------
    float
        Beyond +-2: a significant difference at about the 5% level.

    Examples
    --------
    >>> round(z_test_difference([1, 1, 1, 0, 1, 1, 0, 0, 0, 0],
    ...                         sensitive_features=list("aaaabbbbbb"), privileged_groups="b"), 6)
    1.290994
    """
    mask = privileged_mask(sensitive_features, privileged_groups)
    hit = _array(y_pred, "y_pred", len(mask)) == pos_label
    n_u, n_p = float((~mask).sum()), float(mask.sum())
    sr_u, sr_p = hit[~mask].mean(), hit[mask].mean()
    pooled = hit.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((sr_u - sr_p) / np.sqrt(pooled * (1 - pooled) * (1 / n_u + 1 / n_p)))


def z_test_ratio(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    pos_label: Any = 1,
) -> float:
    """z statistic of the log ratio of selection rates (holisticai's ``z_test_ratio``).

    ``ln(sr_u / sr_p) / sqrt((1 - p) / p (1/n_u + 1/n_p))`` with ``p`` the pooled
    rate, the standard error under equal rates (Morris 2001).

    Parameters
    ----------
    y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    pos_label : default 1

    Returns
    -------
    float

    Examples
    --------
    >>> round(z_test_ratio([1, 1, 1, 0, 1, 1, 0, 0, 0, 0],
    ...                    sensitive_features=list("aaaabbbbbb"), privileged_groups="b"), 6)
    1.256288
    """
    mask = privileged_mask(sensitive_features, privileged_groups)
    hit = _array(y_pred, "y_pred", len(mask)) == pos_label
    n_u, n_p = float((~mask).sum()), float(mask.sum())
    sr_u, sr_p = hit[~mask].mean(), hit[mask].mean()
    pooled = hit.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt((1 - pooled) / pooled * (1 / n_u + 1 / n_p))
        return float(np.log(sr_u / sr_p) / se)


def disparate_impact_at_quantile(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    q: float = 0.8,
) -> float:
    """Disparate impact of a score cut at its ``q`` quantile (holisticai, regression).

    A row "passes" when its prediction is at least the ``q`` quantile of all
    predictions; the value is the pass rate of the unprivileged rows over that of
    the privileged group (holisticai's ``disparate_impact_regression(..., q=)``).

    Parameters
    ----------
    y_pred : array-like of float
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    q : float, default 0.8

    Returns
    -------
    float

    Examples
    --------
    Cut at the 0.7 quantile (0.8): a passes 2 of 4, b 3 of 6: 0.5 / 0.5.

    >>> disparate_impact_at_quantile([0.8, 0.9, 0.2, 0.1, 0.7, 0.9, 0.8, 0.6, 0.3, 0.5],
    ...     sensitive_features=list("aaaabbbbbb"), privileged_groups="b", q=0.7)
    1.5
    """
    x = _array(y_pred, "y_pred").astype(float)
    mask = privileged_mask(sensitive_features, privileged_groups)
    passed = _above_quantile(x, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(passed[~mask].mean()) / passed[mask].mean())


def statistical_parity_auc(
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
) -> float:
    """Area under |pass-rate difference| over cut-offs at 150 quantiles (holisticai).

    For each of the quantiles ``linspace(1, 0, 150)`` of the predictions, a row
    passes when its prediction is at least that quantile; the value is the mean
    over the cut-offs of the absolute difference between the two sides' pass
    rates (holisticai's ``statistical_parity_auc``). 0 is parity; below 0.075
    is considered acceptable there.

    Parameters
    ----------
    y_pred : array-like of float
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1

    Returns
    -------
    float

    Examples
    --------
    Equal predictions on both sides: parity at every cut-off.

    >>> statistical_parity_auc([0.1, 0.5, 0.9, 0.1, 0.5, 0.9],
    ...                        sensitive_features=list("aaabbb"), privileged_groups="a")
    0.0
    """
    x = _array(y_pred, "y_pred").astype(float)
    mask = privileged_mask(sensitive_features, privileged_groups)
    cuts = np.quantile(x, np.linspace(1, 0, 150))
    # sort once: the pass count of a side at a cut is its rows at or above the cut
    side_u, side_p = np.sort(x[~mask]), np.sort(x[mask])
    pass_u = (len(side_u) - np.searchsorted(side_u, cuts, side="left")) / len(side_u)
    pass_p = (len(side_p) - np.searchsorted(side_p, cuts, side="left")) / len(side_p)
    return float(np.abs(pass_u - pass_p).mean())


def correlation_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    q: float = 0.0,
) -> float:
    """Pearson correlation of predictions and targets, unprivileged minus privileged.

    On the rows at or above the ``q`` quantile of the predictions (holisticai's
    ``correlation_diff``). Computed from the moments of each side.

    Parameters
    ----------
    y_true, y_pred : array-like of float
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    q : float, default 0

    Returns
    -------
    float
        Between -2 and 2.

    Examples
    --------
    Perfect correlation on one side, perfect anti-correlation on the other:

    >>> correlation_difference([1, 2, 3, 1, 2, 3], [1, 2, 3, 3, 2, 1],
    ...                        sensitive_features=list("aaabbb"), privileged_groups="b")
    2.0
    """
    x = _array(y_pred, "y_pred").astype(float)
    y = _array(y_true, "y_true", len(x)).astype(float)
    mask = privileged_mask(sensitive_features, privileged_groups)
    keep = _above_quantile(x, q)
    values = []
    for side in (~mask & keep, mask & keep):
        xs, ys = x[side] - x[side].mean(), y[side] - y[side].mean()
        with np.errstate(divide="ignore", invalid="ignore"):
            values.append((xs * ys).sum() / np.sqrt((xs**2).sum() * (ys**2).sum()))
    return float(values[0] - values[1])
