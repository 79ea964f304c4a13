"""Inequality indices of individual benefits (Speicher et al. 2018), computed from counts.

The benefit of a row is ``b = yhat - y + 1`` (AIF360's convention): 0 for a false
negative, 1 for a correct prediction, 2 for a false positive. It takes three
values, so the generalized entropy index of the rows is a function of three
(weighted) counts, and its between-group term a function of those counts per
group: no pass over the rows beyond the one that counts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairscope.core._groups import encode_groups
from fairscope.core._inputs import row_weights, sensitive_frame

__all__ = [
    "benefit_counts",
    "between_group_generalized_entropy_index",
    "between_group_theil_index",
    "coefficient_of_variation",
    "entropy_index_from_values",
    "generalized_entropy_index",
    "theil_index",
]

_SPEICHER = (
    "T. Speicher et al., A Unified Approach to Quantifying Algorithmic Unfairness: Measuring "
    "Individual & Group Unfairness via Inequality Indices, KDD 2018"
)


def entropy_index_from_values(values: Any, weights: Any, alpha: float) -> float:
    """Generalized entropy index of a distribution given as distinct values and their weights.

    ``GE(alpha) = sum_i w_i [(b_i / mu)^alpha - 1] / (W alpha (alpha - 1))`` with
    ``mu`` the weighted mean; ``alpha = 1`` is Theil's index
    ``sum_i w_i (b_i / mu) ln(b_i / mu) / W`` (with ``0 ln 0 = 0``) and
    ``alpha = 0`` the mean log deviation ``-sum_i w_i ln(b_i / mu) / W``
    (infinite when some ``b_i`` is 0).

    Parameters
    ----------
    values : array-like of float
        Distinct non-negative values.
    weights : array-like of float
        How many rows (or how much weight) hold each value.
    alpha : float
        The index's sensitivity to the top (large alpha) or bottom of the distribution.

    Returns
    -------
    float
        NaN when there is no weight or the mean is 0.

    Examples
    --------
    >>> round(entropy_index_from_values([0.0, 1.0, 2.0], [1, 2, 1], alpha=2), 6)
    0.25
    """
    b = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    if total <= 0:
        return float("nan")
    mu = float((w * b).sum() / total)
    if mu <= 0:
        return float("nan")
    ratio = b / mu
    held = w > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 1:
            terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
            return float((w[held] * terms[held]).sum() / total)
        if alpha == 0:
            return float(-(w[held] * np.log(ratio[held])).sum() / total)
        terms = ratio**alpha - 1.0
        return float((w[held] * terms[held]).sum() / (total * alpha * (alpha - 1)))


def _binary(values: Any, pos_label: Any, argument: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{argument} must be one-dimensional; got shape {array.shape}.")
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise ValueError(f"{argument} has missing values (NaN); drop or fill those rows first.")
    return array == pos_label


def benefit_counts(
    y_true: Any, y_pred: Any, *, pos_label: Any = 1, sample_weight: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's benefit ``b = yhat - y + 1`` (0, 1 or 2) and its weight.

    Parameters
    ----------
    y_true, y_pred : array-like
        Labels and predictions; ``pos_label`` marks the favourable outcome.
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    benefit : ndarray of int
    weight : ndarray of float

    Examples
    --------
    >>> b, w = benefit_counts([1, 0, 1], [0, 1, 1])
    >>> b.tolist()
    [0, 2, 1]
    """
    true = _binary(y_true, pos_label, "y_true")
    pred = _binary(y_pred, pos_label, "y_pred")
    if len(true) != len(pred):
        raise ValueError(f"y_true has {len(true)} rows but y_pred has {len(pred)}.")
    if len(true) == 0:
        raise ValueError("y_true is empty; an inequality index needs at least one row.")
    return 1 + pred.astype(int) - true.astype(int), row_weights(sample_weight, len(true), "y_true")


def generalized_entropy_index(
    y_true: Any, y_pred: Any, *, alpha: float = 2, pos_label: Any = 1, sample_weight: Any = None
) -> float:
    """Generalized entropy index of the individual benefits ``b = yhat - y + 1``.

    An individual-fairness measure (Speicher et al. 2018, AIF360's
    ``generalized_entropy_index``): 0 when every row gets the same benefit,
    larger when benefits are unequal. Computed from the three weighted counts of
    ``b`` (false negatives, correct predictions, false positives).

    Parameters
    ----------
    y_true, y_pred : array-like
        Labels and predictions.
    alpha : float, default 2
        0 is the mean log deviation (infinite with any false negative), 1 Theil's
        index, 2 half the squared coefficient of variation.
    pos_label : default 1
        The favourable label.
    sample_weight : array-like, optional
        Weight of each row.

    Returns
    -------
    float

    References
    ----------
    T. Speicher et al., A Unified Approach to Quantifying Algorithmic Unfairness, KDD 2018.

    Examples
    --------
    Benefits 0, 1, 1, 2 have mean 1, so GE(2) = ((0 - 1) + 0 + 0 + (4 - 1)) / (4 * 2) = 0.25:

    >>> generalized_entropy_index([1, 0, 1, 0], [0, 0, 1, 1])
    0.25
    """
    benefit, weight = benefit_counts(
        y_true, y_pred, pos_label=pos_label, sample_weight=sample_weight
    )
    counts = np.bincount(benefit, weights=weight, minlength=3)
    return entropy_index_from_values([0.0, 1.0, 2.0], counts, alpha)


def theil_index(
    y_true: Any, y_pred: Any, *, pos_label: Any = 1, sample_weight: Any = None
) -> float:
    """Theil's index of the individual benefits: :func:`generalized_entropy_index` at alpha 1.

    Parameters
    ----------
    y_true, y_pred : array-like
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Benefits 0, 1, 1, 2 (mean 1): (0 + 0 + 0 + 2 ln 2) / 4 = ln(2) / 2:

    >>> round(theil_index([1, 0, 1, 0], [0, 0, 1, 1]), 6)
    0.346574
    """
    return generalized_entropy_index(
        y_true, y_pred, alpha=1, pos_label=pos_label, sample_weight=sample_weight
    )


def coefficient_of_variation(
    y_true: Any, y_pred: Any, *, pos_label: Any = 1, sample_weight: Any = None
) -> float:
    """Coefficient of variation of the benefits, ``sqrt(2 GE(2))`` (standard deviation / mean).

    Parameters
    ----------
    y_true, y_pred : array-like
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Benefits 0, 1, 1, 2: population standard deviation sqrt(0.5), mean 1:

    >>> round(coefficient_of_variation([1, 0, 1, 0], [0, 0, 1, 1]), 6)
    0.707107
    """
    gei = generalized_entropy_index(
        y_true, y_pred, alpha=2, pos_label=pos_label, sample_weight=sample_weight
    )
    return float(np.sqrt(2 * gei))


def between_group_generalized_entropy_index(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    alpha: float = 2,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """The between-group term of the generalized entropy index.

    Every row's benefit is replaced by its group's mean benefit, and the index
    is taken over the rows (AIF360's ``between_all_groups_generalized_entropy_index``
    when the groups are all the values of the sensitive features; several
    features give their intersections). Computed from the benefit counts per
    group. Missing values of a sensitive feature form their own group.

    Parameters
    ----------
    y_true, y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
        The groups.
    alpha : float, default 2
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Group a has benefits 0, 1 (mean 0.5), group b 1, 2 (mean 1.5); overall mean 1:
    GE(2) = (2 (0.25 - 1) + 2 (2.25 - 1)) / (4 * 2) = 0.125.

    >>> between_group_generalized_entropy_index(
    ...     [1, 0, 0, 0], [0, 0, 0, 1], sensitive_features=["a", "a", "b", "b"])
    0.125
    """
    benefit, weight = benefit_counts(
        y_true, y_pred, pos_label=pos_label, sample_weight=sample_weight
    )
    groups = encode_groups(sensitive_frame(sensitive_features, None))
    if len(groups.codes) != len(benefit):
        raise ValueError(
            f"sensitive_features has {len(groups.codes)} rows; y_true has {len(benefit)}."
        )
    n_groups = len(groups.index)
    # codes are stored in the smallest integer type: widen before multiplying
    codes = groups.codes.astype(np.int64)
    cells = np.bincount(codes * 3 + benefit, weights=weight, minlength=n_groups * 3)
    cells = cells.reshape(n_groups, 3)
    group_weight = cells.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        group_mean = (cells @ np.array([0.0, 1.0, 2.0])) / group_weight
    held = group_weight > 0
    return entropy_index_from_values(group_mean[held], group_weight[held], alpha)


def between_group_theil_index(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """The between-group Theil index: :func:`between_group_generalized_entropy_index` at alpha 1.

    Parameters
    ----------
    y_true, y_pred : array-like
    sensitive_features : array-like, DataFrame or dict
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Group means 0.5 and 1.5, overall mean 1: (0.5 ln 0.5 + 1.5 ln 1.5) / 2:

    >>> round(between_group_theil_index(
    ...     [1, 0, 0, 0], [0, 0, 0, 1], sensitive_features=["a", "a", "b", "b"]), 6)
    0.130812
    """
    return between_group_generalized_entropy_index(
        y_true,
        y_pred,
        sensitive_features=sensitive_features,
        alpha=1,
        pos_label=pos_label,
        sample_weight=sample_weight,
    )
