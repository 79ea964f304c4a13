"""Formulas of the peers' two-sided comparisons, per group: the group against all other rows.

AIF360 and holisticai compare an *unprivileged* side with a *privileged* one.
As registry metrics, each group is the unprivileged side and every other row,
pooled, is the privileged side: the value of group ``g`` equals the peer function
called with ``privileged_groups=`` every other group (for example
``disparate_impact_ratio_g = selection rate of g / selection rate of the rest``).
The rest's statistics are the overall sums minus the group's, so the formulas
read the group axis (the second to last of confusion cells; the groups of a
statistics object) and stay formulas over sufficient statistics.

When there are no other rows (one group, or the overall row, which is all rows)
the group is compared with all rows, i.e. with itself: the value is parity (a
difference of 0, a ratio of 1). So a policy rule ``method: to_overall`` judges
exactly these values.

dalex's parity loss is different: each group contributes ``|ln(TPR_g / TPR_ref)|``
with the reference the group with the most weight, and the loss is the sum of
the contributions (:func:`parity_loss_total`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fairscope.core._formulas import FN, FP, TN, TP, safe_divide
from fairscope.core._groups import OVERALL

if TYPE_CHECKING:  # the statistics types import the registry, which imports this module
    from fairscope.core._moments import RegressionMoments
    from fairscope.core._score_statistics import ScoreStatistics

__all__ = [
    "average_odds_difference_vs_rest",
    "cohens_d_vs_rest",
    "disparate_impact_ratio_vs_rest",
    "parity_loss_contributions",
    "parity_loss_total",
    "statistical_parity_auc_vs_rest",
    "statistical_parity_difference_vs_rest",
    "z_score_difference_vs_rest",
]

#: A rest whose weight is below this share of the total is empty (float residue of total - g).
_EMPTY = 1e-12


def _with_rest(values: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Statistics of each group and of all other rows, on the group axis ``-2``.

    ``values`` has shape (..., n_groups, k) (or (k,): one group) and ``weight``
    (..., n_groups) the rows' weight per group. Where the rest is empty it is
    replaced by the total, so the comparison is with all rows (parity).
    """
    single = values.ndim == 1
    values = values[None] if single else values
    weight = weight[None] if single else weight
    total = values.sum(axis=-2, keepdims=True)
    rest = total - values
    rest_weight = weight.sum(axis=-1, keepdims=True) - weight
    empty = rest_weight <= _EMPTY * weight.sum(axis=-1, keepdims=True)
    rest = np.where(empty[..., None], np.broadcast_to(total, values.shape), rest)
    return values, rest, single


def _shape(value: np.ndarray, single: bool) -> np.ndarray:
    return np.asarray(value[..., 0] if single else value)


def _confusion_sides(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    cells = np.asarray(cells, dtype=float)
    return _with_rest(cells, cells.sum(axis=-1))


def _selection_rate(cells: np.ndarray) -> np.ndarray:
    return safe_divide(cells[..., FP] + cells[..., TP], cells.sum(axis=-1))


def disparate_impact_ratio_vs_rest(cells: np.ndarray) -> np.ndarray:
    """Selection rate of each group over that of all other rows (AIF360's disparate impact).

    ``x / 0`` is ``inf`` and ``0 / 0`` NaN, as :func:`fairscope.metrics.disparate_impact_ratio`.
    """
    group, rest, single = _confusion_sides(cells)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _shape(_selection_rate(group) / _selection_rate(rest), single)


def statistical_parity_difference_vs_rest(cells: np.ndarray) -> np.ndarray:
    """Selection rate of each group minus that of all other rows (AIF360)."""
    group, rest, single = _confusion_sides(cells)
    return _shape(_selection_rate(group) - _selection_rate(rest), single)


def average_odds_difference_vs_rest(cells: np.ndarray) -> np.ndarray:
    """Mean of the FPR and TPR differences, each group minus all other rows (AIF360)."""
    group, rest, single = _confusion_sides(cells)

    def rates(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            safe_divide(c[..., FP], c[..., FP] + c[..., TN]),
            safe_divide(c[..., TP], c[..., TP] + c[..., FN]),
        )

    (fpr_g, tpr_g), (fpr_r, tpr_r) = rates(group), rates(rest)
    return _shape(((fpr_g - fpr_r) + (tpr_g - tpr_r)) / 2, single)


def _cohens_d(
    n: tuple[np.ndarray, np.ndarray],
    mean: tuple[np.ndarray, np.ndarray],
    var: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """``(mean_g - mean_r) / s``, ``s`` pooled from population variances with n - 1 weights."""
    pooled = ((n[0] - 1) * var[0] + (n[1] - 1) * var[1]) / (n[0] + n[1] - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((mean[0] - mean[1]) / np.sqrt(pooled))


def cohens_d_vs_rest(cells: np.ndarray) -> np.ndarray:
    """Cohen's d of 0/1 predictions, each group against all other rows (holisticai's cohen_d).

    The mean of a 0/1 prediction is the selection rate ``p`` and its variance
    ``p (1 - p)``; ``n`` is the group's weight.
    """
    group, rest, single = _confusion_sides(cells)
    sides = (group, rest)
    rates = tuple(_selection_rate(c) for c in sides)
    value = _cohens_d(
        (group.sum(axis=-1), rest.sum(axis=-1)),
        (rates[0], rates[1]),
        (rates[0] * (1 - rates[0]), rates[1] * (1 - rates[1])),
    )
    return _shape(value, single)


def _split_total(sums: np.ndarray, labels: list[object], total_label: object) -> np.ndarray:
    """The groups' rows of statistics that may carry an appended total (``with_total``)."""
    return sums[:-1] if labels and labels[-1] == total_label else sums


def z_score_difference_vs_rest(m: RegressionMoments) -> np.ndarray:
    """Cohen's d of the predictions from regression moments, each group against the rest.

    holisticai's ``zscore_diff`` (with ``q=0``). An appended total group
    (``with_total(OVERALL)``, as in the audits' tables) gets parity, 0.
    """
    groups = _split_total(m.sums, list(m.groups), OVERALL)
    k = len(groups)
    stats = np.stack([m.column(c)[:k] for c in ("n", "sum_yhat", "sum_yhat2")], axis=-1)
    n = stats[..., 0]
    group, rest, _ = _with_rest(stats, n)

    def moments(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean = safe_divide(s[..., 1], s[..., 0])
        return s[..., 0], mean, np.maximum(safe_divide(s[..., 2], s[..., 0]) - mean**2, 0.0)

    (n_g, mean_g, var_g), (n_r, mean_r, var_r) = moments(group), moments(rest)
    value = _cohens_d((n_g, n_r), (mean_g, mean_r), (var_g, var_r))
    return value if len(groups) == len(m.sums) else np.append(value, 0.0)


def parity_loss_contributions(cells: np.ndarray) -> np.ndarray:
    """Each group's term of dalex's parity loss: ``|ln(TPR_g / TPR_ref)|``.

    The reference is the group with the most weight (the first among equals),
    the ``reference="largest"`` of :func:`fairscope.metrics.parity_loss`; its
    own term is 0. NaN where the TPR is undefined.
    """
    cells = np.asarray(cells, dtype=float)
    single = cells.ndim == 1
    cells = cells[None] if single else cells
    tpr = safe_divide(cells[..., TP], cells[..., TP] + cells[..., FN])
    largest = np.argmax(cells.sum(axis=-1), axis=-1)[..., None]
    reference = np.take_along_axis(tpr, largest, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _shape(np.abs(np.log(tpr / reference)), single)


def parity_loss_total(cells: np.ndarray) -> np.ndarray:
    """dalex's parity loss over the groups on axis ``-2``: the sum of the terms (NaN left out)."""
    return np.asarray(np.nansum(parity_loss_contributions(cells), axis=-1))


def statistical_parity_auc_vs_rest(s: ScoreStatistics) -> np.ndarray:
    """holisticai's statistical-parity AUC of each group against the rest, from score histograms.

    The cut-offs are the quantiles ``linspace(1, 0, 150)`` of all rows' scores
    (unweighted, as holisticai), rebuilt from the histograms' row counts: exact
    when every bin holds one distinct score (``exact=True`` or at most
    ``n_bins`` distinct scores), otherwise each score is its bin's lower cut.
    Pass rates are weighted. An appended total group (``with_total()``) gets 0.
    """
    weighted = s.weighted.sum(axis=1)  # (groups, bins): both labels
    rows = s.rows.sum(axis=1)
    if _has_total(s, rows):
        weighted, rows = weighted[:-1], rows[:-1]
    bin_values = np.r_[-np.inf, s.cuts]  # bin j >= 1 holds scores from cuts[j - 1]
    cuts = _pooled_quantiles(bin_values, rows.sum(axis=0), np.linspace(1, 0, 150))
    # pass weight of a bin at a cut: its scores (bin value) are at least the cut
    passes = (bin_values[None, :] >= cuts[:, None]).astype(float)  # (cuts, bins)
    group, rest, _ = _with_rest(weighted, weighted.sum(axis=-1))
    rate_g = safe_divide(group @ passes.T, group.sum(axis=-1, keepdims=True))
    rate_r = safe_divide(rest @ passes.T, rest.sum(axis=-1, keepdims=True))
    value = np.abs(rate_g - rate_r).mean(axis=-1)
    return value if len(weighted) == len(s.weighted) else np.append(value, 0.0)


def _has_total(s: ScoreStatistics, rows: np.ndarray) -> bool:
    """Whether the last group is the total appended by ``ScoreStatistics.with_total()``."""
    import pandas as pd

    return (
        isinstance(s.groups, pd.RangeIndex)
        and s.features == ("group",)
        and len(rows) > 1
        and np.array_equal(rows[-1], rows[:-1].sum(axis=0))
    )


def _pooled_quantiles(values: np.ndarray, counts: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.quantile`` (linear) of the rows whose sorted values are ``values`` repeated ``counts``.

    numpy's own arithmetic (virtual index ``n q + (1 - q) - 1``, and its
    two-sided interpolation) so that a cut equals numpy's to the last bit.
    """
    n = int(counts.sum())
    ends = np.cumsum(counts)
    virtual = n * q + (1 + q * (1 - 1 - 1)) - 1
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = following[above] = n - 1
    gamma = virtual - np.where(above, -1, previous)
    low = values[np.searchsorted(ends, previous.astype(np.int64), side="right")]
    high = values[np.searchsorted(ends, following.astype(np.int64), side="right")]
    diff = high - low
    return np.asarray(np.where(gamma >= 0.5, high - diff * (1 - gamma), low + diff * gamma))
