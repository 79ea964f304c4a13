"""Score-based fairness metrics of a binary classifier, from per-group score histograms.

The sufficient statistics of every score metric are, per group, the (weighted)
histogram of scores among positive rows and among negative rows, plus a few
per-group sums (Brier and log-loss sums) and a reliability-bin table:
:class:`~fairscope.core._score_statistics.ScoreStatistics`, reduced from the rows
in one vectorized pass (:func:`reduce_scores`, in core with the type) and adding
up across partitions. The score metrics are the registry's formulas over them
(:func:`fairscope.core._registry.metrics_for`); this module builds the tables:
metrics with the AUC interval, the threshold sweep, the calibration table and
the disparities, vectorized over groups.

Binning. A bin is ``[c_j, c_{j+1})`` between consecutive *cut points*. The
cut points are every distinct score when there are at most ``n_bins`` of them
(or always, with ``exact=True``), otherwise ``n_bins`` quantiles of the pooled
scores. The thresholds of the sweep are always cut points, so the sweep is
exact. With one distinct score per bin, AUC (ties counted as half) and
average precision equal scikit-learn's. With quantile bins, pairs of a positive
and a negative row in the same bin are counted as ties; the largest possible
error this causes is reported per group (``auc_binning_error_bound``: half the
share of positive-negative pairs that share a bin holding several distinct
scores).

Intervals. The AUC of each group gets the Hanley-McNeil (1982) standard error
(with Kish's effective numbers of positives and negatives under weights) and a
Wald interval clipped to [0, 1]; AUC differences and ratios between a group and
the reference combine the two groups' intervals with MOVER (Newcombe 1998;
Donner and Zou 2012), treating groups as independent (conservative against
``"<overall>"``, which contains the group).

References
----------
J. A. Hanley and B. J. McNeil, The meaning and use of the area under a receiver
operating characteristic (ROC) curve, Radiology 143 (1982).
M. P. Naeini, G. Cooper and M. Hauskrecht, Obtaining well calibrated
probabilities using Bayesian binning, AAAI 2015 (expected calibration error).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._disparities import KINDS, block_frame, disparity_columns
from fairscope.compute._references import resolve_reference
from fairscope.core._formulas import (
    auc_from_histograms,
    average_precision_from_histograms,
    safe_divide,
)
from fairscope.core._groups import OVERALL
from fairscope.core._inputs import finite_floats
from fairscope.core._intervals import kish_effective_n, mover_difference, mover_ratio
from fairscope.core._registry import metrics_for
from fairscope.core._score_statistics import (
    CALIBRATION_BINS,
    DEFAULT_BINS,
    ROWS,
    W2_NEG,
    W2_POS,
    W_NEG,
    W_POS,
    ScoreStatistics,
    cut_points,
    default_thresholds,
    reduce_scores,
)

__all__ = [
    "CALIBRATION_BINS",
    "DEFAULT_BINS",
    "ScoreStatistics",
    "auc_from_histograms",
    "average_precision_from_histograms",
    "binning_error_bound",
    "calibration_frame",
    "default_thresholds",
    "from_histograms",
    "hanley_mcneil_se",
    "reduce_scores",
    "score_disparities",
    "score_metrics_frame",
    "threshold_sweep_frame",
]

# kept for callers of the former private names
_cut_points = cut_points
_divide = safe_divide
_W_POS, _W_NEG, _W2_POS, _W2_NEG, _ROWS = W_POS, W_NEG, W2_POS, W2_NEG, ROWS


def _as_scores(y_score: Any, argument: str = "y_score") -> np.ndarray:
    """Scores as a float array, with a clear error for text, booleans or non-finite values."""
    series = y_score if isinstance(y_score, pd.Series) else pd.Series(np.asarray(y_score))
    return finite_floats(
        series,
        argument,
        wrong_dtype=lambda v: (
            f"{argument} must be numeric scores (probabilities or decision values); got dtype "
            f"{v.dtype} (e.g. {v.dropna().iloc[0] if v.notna().any() else None!r}). Pass "
            "predicted probabilities, e.g. model.predict_proba(X)[:, 1], or the decision_function."
        ),
        fix="scores must be finite. Fix them or pass dropna=True to drop those rows.",
    )


def hanley_mcneil_se(auc: np.ndarray, n_pos: np.ndarray, n_neg: np.ndarray) -> np.ndarray:
    """Hanley-McNeil (1982) standard error of an AUC with ``n_pos`` and ``n_neg`` rows."""
    a = np.asarray(auc, dtype=float)
    q1 = a / (2 - a)
    q2 = 2 * a * a / (1 + a)
    var = _divide(
        a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a), n_pos * n_neg
    )
    return np.sqrt(np.maximum(var, 0.0))


def binning_error_bound(stats_: ScoreStatistics) -> np.ndarray:
    """Largest possible AUC error per group from counting same-bin pairs as ties."""
    multi = ~stats_.single_valued
    pos, neg = stats_.positives, stats_.negatives
    pairs = (pos * neg * multi).sum(axis=-1)
    return 0.5 * safe_divide(pairs, pos.sum(axis=-1) * neg.sum(axis=-1))


def score_metrics_frame(
    stats_: ScoreStatistics, labels: list[str], ci: float = 0.95
) -> pd.DataFrame:
    """Per-group (and overall) score metrics of the registry, with an interval for ROC AUC.

    Every metric is the registry's formula over the histograms
    (:func:`fairscope.core._registry.metrics_for`); ROC AUC gets the
    Hanley-McNeil interval, and the AUC error bound of the binning is added.
    """
    from scipy import stats

    total = stats_.with_total()
    sums = total.sums
    frame = pd.DataFrame(
        {
            "group": [*labels, OVERALL],
            "n": sums[:, ROWS].astype(np.int64),
            "n_positive": sums[:, W_POS],
            "n_negative": sums[:, W_NEG],
        }
    )
    for metric in metrics_for("score"):
        frame[metric.name] = metric.compute(total)
        if metric.name == "roc_auc":
            auc = frame["roc_auc"].to_numpy()
            n_pos = kish_effective_n(sums[:, W_POS], sums[:, W2_POS])
            n_neg = kish_effective_n(sums[:, W_NEG], sums[:, W2_NEG])
            se = hanley_mcneil_se(auc, n_pos, n_neg)
            z = float(stats.norm.ppf(0.5 + ci / 2))
            frame["roc_auc_lower"] = np.clip(auc - z * se, 0.0, 1.0)
            frame["roc_auc_upper"] = np.clip(auc + z * se, 0.0, 1.0)
            frame["roc_auc_se"] = se
    frame["auc_binning_error_bound"] = binning_error_bound(total)
    return frame


def calibration_frame(stats_: ScoreStatistics, labels: list[str]) -> pd.DataFrame:
    """The reliability table: per group and score bin, mean score and share of positives."""
    if not stats_.probabilities:
        return pd.DataFrame(
            columns=[
                "group",
                "bin",
                "bin_lower",
                "bin_upper",
                "n",
                "weight",
                "mean_score",
                "fraction_positive",
            ]
        )
    cal = stats_.with_total().calibration
    k = cal.shape[1]
    edges = stats_.calibration_edges
    names = [*labels, "<overall>"]
    return pd.DataFrame(
        {
            "group": np.repeat(names, k),
            "bin": np.tile(np.arange(k), len(names)),
            "bin_lower": np.tile(edges[:-1], len(names)),
            "bin_upper": np.tile(edges[1:], len(names)),
            "n": cal[..., 3].reshape(-1).astype(np.int64),
            "weight": cal[..., 0].reshape(-1),
            "mean_score": _divide(cal[..., 1], cal[..., 0]).reshape(-1),
            "fraction_positive": _divide(cal[..., 2], cal[..., 0]).reshape(-1),
        }
    )


def threshold_sweep_frame(
    stats_: ScoreStatistics, labels: list[str], thresholds: np.ndarray
) -> pd.DataFrame:
    """Selection rate, TPR and FPR per group at each threshold (positive when score >= t)."""
    total = stats_.with_total()
    pos, neg = total.positives, total.negatives
    # rows with score >= cuts[j] are the bins j + 1 onwards
    pos_at = np.cumsum(pos[:, ::-1], axis=1)[:, ::-1]
    neg_at = np.cumsum(neg[:, ::-1], axis=1)[:, ::-1]
    j = np.searchsorted(stats_.cuts, thresholds) + 1
    tp, fp = pos_at[:, j], neg_at[:, j]
    n_pos, n_neg = pos.sum(axis=1, keepdims=True), neg.sum(axis=1, keepdims=True)
    names = [*labels, "<overall>"]
    t = len(thresholds)
    return pd.DataFrame(
        {
            "group": np.repeat(names, t),
            "threshold": np.tile(thresholds, len(names)),
            "selection_rate": _divide(tp + fp, n_pos + n_neg).reshape(-1),
            "true_positive_rate": _divide(tp, n_pos).reshape(-1),
            "false_positive_rate": _divide(fp, n_neg).reshape(-1),
        }
    )


def score_disparities(metrics: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Differences and ratios of the score metrics to the reference group.

    ``metrics`` is :func:`score_metrics_frame` (groups then the overall row);
    ``reference`` a group label or ``"<overall>"`` (see :func:`score_reference`).
    The AUC gets MOVER intervals from the groups' Hanley-McNeil intervals; other
    metrics none. Columns as :func:`fairscope.compute._disparities.disparity_columns`.
    """
    groups = metrics.iloc[:-1]
    n_rows = metrics["n"].to_numpy()
    r = (
        len(metrics) - 1
        if reference == OVERALL
        else int(np.flatnonzero(metrics["group"].to_numpy() == reference)[0])
    )
    ref = metrics.iloc[r]
    is_ref = np.arange(len(groups)) == r
    blocks = []
    for name in (m.name for m in metrics_for("score")):
        value = groups[name].to_numpy(dtype=float)
        ref_value = float(ref[name])
        for kind in KINDS:
            if name == "roc_auc":
                args: tuple[Any, ...] = (
                    value,
                    groups["roc_auc_lower"].to_numpy(),
                    groups["roc_auc_upper"].to_numpy(),
                    ref_value,
                    float(ref["roc_auc_lower"]),
                    float(ref["roc_auc_upper"]),
                )
                lower, upper = (mover_difference if kind == "difference" else mover_ratio)(*args)
                method = "mover-hanley-mcneil"
            else:
                lower = upper = np.full(len(groups), np.nan)
                method = "none"
            blocks.append(
                disparity_columns(
                    metric=name,
                    kind=kind,
                    reference=reference,
                    value=value,
                    reference_value=ref_value,
                    is_reference=is_ref,
                    lower=lower,
                    upper=upper,
                    n=n_rows[:-1],
                    n_reference=n_rows[r],
                    method=method,
                )
            )
    return block_frame(groups["group"].to_numpy(), blocks)


def score_reference(
    metrics: pd.DataFrame, reference: Any, feature_set: str, min_group_size: int
) -> str:
    """The reference group of the score metrics of one feature set.

    The one rule of :func:`fairscope.compute._references.resolve_reference`:
    ``"largest"`` is the group with the most weight (as in the binary tables),
    ``"best"`` the group with the highest ROC AUC among groups of at least
    ``min_group_size`` rows.
    """
    groups = metrics.iloc[:-1]
    return resolve_reference(
        reference,
        feature_set=feature_set,
        labels=[str(g) for g in groups["group"]],
        sizes=groups["n_positive"].to_numpy(dtype=float) + groups["n_negative"].to_numpy(),
        values=groups["roc_auc"].to_numpy(dtype=float),
        direction="higher",
        rows=groups["n"].to_numpy(),
        min_group_size=min_group_size,
        warn=False,
    )


def from_histograms(histograms: Any) -> ScoreStatistics:
    """Score statistics of histograms binned at edges (e.g. by an engine).

    A :class:`ScoreStatistics` (what :func:`fairscope.engines.score_histograms`
    returns) is returned unchanged. Anything else needs ``groups``, ``edges``
    (shape ``(b + 1,)``) and ``weighted`` (optionally ``squared_weights``,
    ``rows``) arrays of shape ``(n_groups, 2, b)`` indexed ``[group, label,
    bin]`` (label 1 = positive), with :func:`numpy.histogram` bins; see
    :meth:`ScoreStatistics.from_histograms`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from types import SimpleNamespace
    >>> counts = np.array([[[3.0, 1.0], [1.0, 3.0]]])  # one group: negatives, positives
    >>> h = SimpleNamespace(groups=pd.Index(["g"]), edges=np.array([0.0, 0.5, 1.0]),
    ...                     weighted=counts, squared_weights=counts, rows=counts)
    >>> frame = score_metrics_frame(from_histograms(h), ["g"])
    >>> float(frame["roc_auc"].iloc[0]), float(frame["auc_binning_error_bound"].iloc[0])
    (0.75, 0.1875)
    """
    if isinstance(histograms, ScoreStatistics):
        return histograms
    return ScoreStatistics.from_histograms(
        histograms.groups,
        histograms.edges,
        histograms.weighted,
        rows=getattr(histograms, "rows", None),
        squared_weights=getattr(histograms, "squared_weights", None),
    )
