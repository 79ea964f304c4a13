"""Bias measures of a labelled dataset (no model): AIF360's and SageMaker Clarify's.

Each is computed from weighted counts of (group, label) cells, or of (stratum,
group, label) cells for the conditional demographic disparity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._privileged import privileged_mask
from fairscope.core._groups import encode_groups, group_label
from fairscope.core._inputs import row_weights, sensitive_frame

__all__ = [
    "class_imbalance",
    "conditional_demographic_disparity",
    "kl_divergence",
    "smoothed_empirical_differential_fairness",
]


def _labels(y: Any, n: int | None = None) -> np.ndarray:
    array = np.asarray(y)
    if array.ndim != 1:
        raise ValueError(f"y must be one-dimensional; got shape {array.shape}.")
    if n is not None and len(array) != n:
        raise ValueError(f"y has {len(array)} rows; sensitive_features has {n}.")
    if pd.isna(array).any():
        raise ValueError("y has missing values; drop or fill those rows first.")
    return array


def class_imbalance(
    y: Any = None,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Class imbalance ``(N_u - N_p) / (N_u + N_p)`` of the unprivileged and privileged rows.

    As AIF360's ``class_imbalance``: ``N_p`` is the (weighted) number of rows in
    the privileged group (a value, or a union of values), ``N_u`` of all other rows.
    Positive when the unprivileged rows outnumber the privileged ones.

    Parameters
    ----------
    y : array-like, optional
        Labels; not used (accepted for AIF360's signature), only checked for length.
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    One privileged row of four: (3 - 1) / 4 = 0.5.

    >>> class_imbalance(sensitive_features=["m", "f", "f", "f"], privileged_groups="m")
    0.5
    """
    mask = privileged_mask(sensitive_features, privileged_groups)
    if y is not None:
        _labels(y, len(mask))
    w = row_weights(sample_weight, len(mask), "the data")
    privileged, other = w[mask].sum(), w[~mask].sum()
    return float((other - privileged) / (other + privileged))


def _label_shares(y: np.ndarray, w: np.ndarray, rows: np.ndarray, support: np.ndarray) -> Any:
    total = w[rows].sum()
    return np.array([w[rows & (y == value)].sum() for value in support]) / total


def kl_divergence(
    y: Any,
    *,
    sensitive_features: Any,
    privileged_groups: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Kullback-Leibler divergence ``KL(P_p || P_u)`` of the label distributions.

    ``P_p`` is the distribution of ``y`` among the privileged rows, ``P_u`` among
    all other rows (AIF360's ``kl_divergence``), in nats. Infinite when a label
    occurs among privileged rows but never among the others.

    Parameters
    ----------
    y : array-like
        Labels (any number of classes).
    sensitive_features : array-like, DataFrame or dict
    privileged_groups : value or list of values, default 1
    sample_weight : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    Privileged labels 1, 1, 0 (2/3, 1/3), others 1, 0, 0 (1/3, 2/3):
    KL = 2/3 ln 2 + 1/3 ln(1/2) = ln(2) / 3.

    >>> round(kl_divergence([1, 1, 0, 1, 0, 0], sensitive_features=[1, 1, 1, 0, 0, 0]), 6)
    0.231049
    """
    mask = privileged_mask(sensitive_features, privileged_groups)
    labels = _labels(y, len(mask))
    w = row_weights(sample_weight, len(mask), "the data")
    support = np.unique(labels)
    p = _label_shares(labels, w, mask, support)
    q = _label_shares(labels, w, ~mask, support)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / q), 0.0)
    return float(terms.sum())


def conditional_demographic_disparity(
    y: Any,
    *,
    sensitive_features: Any,
    strata: Any,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> pd.Series:
    """Conditional demographic disparity of each group, within strata (Wachter et al.).

    Within a stratum ``s`` the demographic disparity of group ``g`` is its share
    of the stratum's rejected rows minus its share of the accepted rows,
    ``DD_gs = n_gs(-) / n_s(-) - n_gs(+) / n_s(+)``; the CDD is their average
    weighted by stratum size, ``sum_s n_s DD_gs / n`` (SageMaker Clarify's CDD;
    a stratum without accepted or rejected rows contributes 0 for that share).
    Positive: the group is over-represented among the rejected.

    Parameters
    ----------
    y : array-like
        Labels; ``pos_label`` is the accepted (favourable) outcome.
    sensitive_features : array-like, DataFrame or dict
        The groups.
    strata : array-like, DataFrame or dict
        The attribute(s) to condition on (e.g. the department applied to).
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    pandas.Series
        One value per group (they sum to 0 over the groups).

    References
    ----------
    S. Wachter, B. Mittelstadt and C. Russell, Why fairness cannot be automated,
    Computer Law & Security Review 41 (2021).

    Examples
    --------
    Stratum x: group a has 1 of 2 rejections and 1 of 2 acceptances (DD 0); stratum y:
    a has the 2 rejections and none of the 2 acceptances (DD 1); CDD_a = (4*0 + 4*1)/8.

    >>> conditional_demographic_disparity(
    ...     [0, 1, 0, 1, 0, 0, 1, 1], sensitive_features=list("aabbaabb"),
    ...     strata=list("xxxxyyyy")).tolist()
    [0.5, -0.5]
    """
    groups_frame = sensitive_frame(sensitive_features, None)
    groups = encode_groups(groups_frame)
    # codes are stored in the smallest integer type: widen before multiplying
    strata_codes = encode_groups(sensitive_frame(strata, None)).codes.astype(np.int64)
    n = len(groups.codes)
    if len(strata_codes) != n:
        raise ValueError(f"strata has {len(strata_codes)} rows; sensitive_features has {n}.")
    accepted = _labels(y, n) == pos_label
    w = row_weights(sample_weight, n, "the data")
    n_groups, n_strata = len(groups.index), int(strata_codes.max()) + 1
    flat = (strata_codes * n_groups + groups.codes.astype(np.int64)) * 2 + accepted
    cells = np.bincount(flat, weights=w, minlength=n_strata * n_groups * 2)
    cells = cells.reshape(n_strata, n_groups, 2)  # [..., 0] rejected, [..., 1] accepted
    totals = cells.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, cells / totals, 0.0)
    disparity = shares[..., 0] - shares[..., 1]  # (strata, groups)
    size = cells.sum(axis=(1, 2))
    values = size @ disparity / size.sum()
    labels = [group_label(k, tuple(groups_frame.columns)) for k in groups.index]
    return pd.Series(values, index=pd.Index(labels, name="group"), name="cdd")


def smoothed_empirical_differential_fairness(
    y: Any,
    *,
    sensitive_features: Any,
    concentration: float = 1.0,
    pos_label: Any = 1,
    sample_weight: Any = None,
) -> float:
    """Smoothed empirical differential fairness, epsilon (Foulds et al.).

    Each group's positive rate is smoothed with a Dirichlet prior,
    ``(n_g(+) + concentration / 2) / (n_g + concentration)``; epsilon is the
    largest absolute log ratio between two groups of the positive rates or of the
    negative rates (AIF360's ``smoothed_empirical_differential_fairness``).
    Several sensitive features give their intersections, as AIF360.

    Parameters
    ----------
    y : array-like
        Binary labels (or predictions).
    sensitive_features : array-like, DataFrame or dict
    concentration : float, default 1.0
        Dirichlet concentration (non-negative); 0 gives the unsmoothed EDF.
    pos_label : default 1
    sample_weight : array-like, optional

    Returns
    -------
    float
        Lower is fairer; ``exp(epsilon)`` bounds the ratio of outcome probabilities.

    References
    ----------
    J. R. Foulds, R. Islam, K. N. Keya and S. Pan, An Intersectional Definition of
    Fairness, ICDE 2020.

    Examples
    --------
    Smoothed rates (1 + 0.5) / (2 + 1) = 0.5 and (0 + 0.5) / (2 + 1) = 1/6:
    epsilon = max(ln 3, ln(5/6 / 0.5)) = ln 3.

    >>> round(smoothed_empirical_differential_fairness(
    ...     [1, 0, 0, 0], sensitive_features=["a", "a", "b", "b"]), 6)
    1.098612
    """
    if concentration < 0:
        raise ValueError(f"concentration must be non-negative; got {concentration!r}.")
    groups = encode_groups(sensitive_frame(sensitive_features, None))
    n = len(groups.codes)
    positive = _labels(y, n) == pos_label
    w = row_weights(sample_weight, n, "the data")
    n_groups = len(groups.index)
    pos = np.bincount(groups.codes, weights=w * positive, minlength=n_groups)
    total = np.bincount(groups.codes, weights=w, minlength=n_groups)
    held = total > 0
    rate = (pos[held] + concentration / 2) / (total[held] + concentration)
    with np.errstate(divide="ignore"):
        log_pos, log_neg = np.log(rate), np.log(1 - rate)
    return float(max(np.ptp(log_pos), np.ptp(log_neg)))
