"""Score-based fairness metrics of a binary classifier, from per-group score histograms.

The sufficient statistics of every score metric are, per group, the (weighted)
histogram of scores among positive rows and among negative rows, plus a few
per-group sums (Brier and log-loss sums) and a reliability-bin table. They are
reduced from the rows in one vectorized pass (:func:`reduce_scores`) and add
up across partitions; ROC AUC, average precision, the threshold sweep and the
calibration table are then computed from them, vectorized over groups.

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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fairscope.compute._disparities import KINDS, block_frame, disparity_columns
from fairscope.compute._references import resolve_reference
from fairscope.core._groups import OVERALL
from fairscope.core._intervals import kish_effective_n, mover_difference, mover_ratio

#: Default maximum number of histogram bins per group and label.
DEFAULT_BINS = 10_000
#: Default number of equal-width reliability bins of the calibration table.
CALIBRATION_BINS = 10

# per-group sums kept beside the histograms
_W_POS, _W_NEG, _W2_POS, _W2_NEG, _BRIER, _LOGLOSS, _ROWS = range(7)


@dataclass(frozen=True, eq=False)
class ScoreStatistics:
    """Sufficient statistics of the score metrics, per group.

    Attributes
    ----------
    groups : pandas.Index or pandas.MultiIndex
        Group labels, one per row of the arrays.
    cuts : ndarray of shape (m,)
        Increasing cut points; bin 0 is ``score < cuts[0]``, bin ``j`` is
        ``cuts[j-1] <= score < cuts[j]`` (the last bin is unbounded above).
    positives, negatives : ndarray of shape (n_groups, m + 1)
        Weighted count of positive / negative rows per group and score bin.
    single_valued : ndarray of bool, shape (m + 1,)
        Whether a bin holds at most one distinct score (then ties within it are real).
    sums : ndarray of shape (n_groups, 7)
        Per group: weight of positives, of negatives, squared weights of each,
        sum of Brier terms, sum of log-loss terms, rows.
    calibration : ndarray of shape (n_groups, k, 4)
        Per group and reliability bin: weight, weighted sum of scores, weighted
        sum of labels, rows.
    calibration_edges : ndarray of shape (k + 1,)
    probabilities : bool
        Whether every score lies in [0, 1] (Brier, log loss and calibration are
        defined only then).
    exact : bool
        Whether every bin holds one distinct score.
    """

    groups: pd.Index
    cuts: np.ndarray
    positives: np.ndarray
    negatives: np.ndarray
    single_valued: np.ndarray
    sums: np.ndarray
    calibration: np.ndarray
    calibration_edges: np.ndarray
    probabilities: bool
    exact: bool

    def regroup(self, position: np.ndarray, groups: pd.Index) -> ScoreStatistics:
        """Sum groups into coarser ones (``position[i]`` is the new group of group ``i``)."""

        def add(arr: np.ndarray) -> np.ndarray:
            out = np.zeros((len(groups), *arr.shape[1:]), dtype=arr.dtype)
            np.add.at(out, position, arr)
            return out

        return ScoreStatistics(
            groups=groups,
            cuts=self.cuts,
            positives=add(self.positives),
            negatives=add(self.negatives),
            single_valued=self.single_valued,
            sums=add(self.sums),
            calibration=add(self.calibration),
            calibration_edges=self.calibration_edges,
            probabilities=self.probabilities,
            exact=self.exact,
        )


def _as_scores(y_score: Any, argument: str = "y_score") -> np.ndarray:
    """Scores as a float array, with a clear error for text, booleans or non-finite values."""
    series = y_score if isinstance(y_score, pd.Series) else pd.Series(np.asarray(y_score))
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        example = series.dropna().iloc[0] if series.notna().any() else None
        raise ValueError(
            f"{argument} must be numeric scores (probabilities or decision values); got dtype "
            f"{series.dtype} (e.g. {example!r}). Pass predicted probabilities, e.g. "
            "model.predict_proba(X)[:, 1], or the decision_function."
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = int((~np.isfinite(values)).sum())
    if bad:
        raise ValueError(
            f"{argument} has {bad} missing or infinite value{'s' if bad != 1 else ''}; scores "
            "must be finite. Fix them or pass dropna=True to drop those rows."
        )
    return values


def _cut_points(
    sorted_scores: np.ndarray, n_bins: int, exact: bool, thresholds: np.ndarray
) -> tuple[np.ndarray, bool]:
    distinct = sorted_scores[np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]]
    if exact or len(distinct) <= n_bins:
        return np.union1d(distinct, thresholds), True
    positions = np.linspace(0, len(sorted_scores) - 1, n_bins + 1)[1:-1].astype(np.int64)
    return np.union1d(np.unique(sorted_scores[positions]), thresholds), False


def default_thresholds(scores: np.ndarray, probabilities: bool, n: int = 101) -> np.ndarray:
    """Thresholds of the sweep: 0, 0.01, ..., 1 for probabilities, else score quantiles."""
    if probabilities:
        return np.round(np.linspace(0.0, 1.0, n), 10)
    return np.unique(np.quantile(scores, np.linspace(0.0, 1.0, n)))


def reduce_scores(
    y_true: np.ndarray,
    y_score: np.ndarray,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: np.ndarray | None = None,
    *,
    exact: bool = False,
    n_bins: int = DEFAULT_BINS,
    thresholds: Any = None,
    calibration_bins: int = CALIBRATION_BINS,
) -> ScoreStatistics:
    """Reduce rows to per-group score histograms by label, in one vectorized pass.

    Parameters
    ----------
    y_true : ndarray of bool
        Binarized labels (True = positive).
    y_score : ndarray of float
        Finite scores; higher means more likely positive.
    codes : ndarray of int
        Group code of each row, in ``range(len(groups))``.
    groups : pandas.Index
    sample_weight : ndarray, optional
    exact : bool, default False
        One bin per distinct score, whatever their number.
    n_bins : int, default 10000
        Quantile bins used when there are more distinct scores than this.
    thresholds : array-like, optional
        Thresholds of the sweep (made cut points); default :func:`default_thresholds`.
    calibration_bins : int, default 10
        Equal-width reliability bins over [0, 1].

    Returns
    -------
    ScoreStatistics
    """
    if int(n_bins) < 2:
        raise ValueError(f"n_bins must be at least 2; got {n_bins!r}.")
    if int(calibration_bins) < 1:
        raise ValueError(f"calibration_bins must be at least 1; got {calibration_bins!r}.")
    s = np.asarray(y_score, dtype=float)
    y = np.asarray(y_true, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    n_groups = len(groups)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    probabilities = bool(s.size and s.min() >= 0.0 and s.max() <= 1.0)
    if thresholds is None:
        thresholds = default_thresholds(s, probabilities)
    thresholds = np.unique(np.asarray(thresholds, dtype=float))
    sorted_scores = np.sort(s)
    cuts, is_exact = _cut_points(sorted_scores, int(n_bins), exact, thresholds)
    n_cells = len(cuts) + 1
    bins = np.searchsorted(cuts, s, side="right")
    cell = (codes * 2 + y) * n_cells + bins
    hist = np.bincount(cell, weights=w, minlength=n_groups * 2 * n_cells).reshape(
        n_groups, 2, n_cells
    )
    # A bin is single-valued when its first and last sorted score are equal.
    lo = np.searchsorted(sorted_scores, np.r_[-np.inf, cuts], side="left")
    hi = np.searchsorted(sorted_scores, np.r_[cuts, np.inf], side="left")
    nonempty = hi > lo
    single = ~nonempty | (
        sorted_scores[np.minimum(lo, len(s) - 1)] == sorted_scores[np.maximum(hi - 1, 0)]
    )

    ww = np.ones_like(s) if w is None else w
    sums = np.zeros((n_groups, 7))
    sums[:, _ROWS] = np.bincount(codes, minlength=n_groups)
    pos_code = codes * 2 + y
    label_w = np.bincount(pos_code, weights=ww, minlength=2 * n_groups).reshape(n_groups, 2)
    label_w2 = np.bincount(pos_code, weights=ww * ww, minlength=2 * n_groups).reshape(n_groups, 2)
    sums[:, _W_POS], sums[:, _W_NEG] = label_w[:, 1], label_w[:, 0]
    sums[:, _W2_POS], sums[:, _W2_NEG] = label_w2[:, 1], label_w2[:, 0]
    edges = np.linspace(0.0, 1.0, int(calibration_bins) + 1)
    calibration = np.zeros((n_groups, int(calibration_bins), 4))
    if probabilities:
        yf = y.astype(float)
        sums[:, _BRIER] = np.bincount(codes, weights=ww * (s - yf) ** 2, minlength=n_groups)
        # scikit-learn's log_loss clips probabilities to [eps, 1 - eps]
        eps = np.finfo(float).eps
        p = np.clip(s, eps, 1 - eps)
        loss = -np.where(y, np.log(p), np.log1p(-p))
        sums[:, _LOGLOSS] = np.bincount(codes, weights=ww * loss, minlength=n_groups)
        k = int(calibration_bins)
        cal_bin = np.minimum((s * k).astype(np.int64), k - 1)
        cal_cell = codes * k + cal_bin
        size = n_groups * k
        calibration[..., 0] = np.bincount(cal_cell, weights=ww, minlength=size).reshape(-1, k)
        calibration[..., 1] = np.bincount(cal_cell, weights=ww * s, minlength=size).reshape(-1, k)
        calibration[..., 2] = np.bincount(cal_cell, weights=ww * yf, minlength=size).reshape(-1, k)
        calibration[..., 3] = np.bincount(cal_cell, minlength=size).reshape(-1, k)
    else:
        sums[:, _BRIER] = np.nan
        sums[:, _LOGLOSS] = np.nan
        calibration[:] = np.nan
    return ScoreStatistics(
        groups=groups,
        cuts=cuts,
        positives=hist[:, 1, :],
        negatives=hist[:, 0, :],
        single_valued=single,
        sums=sums,
        calibration=calibration,
        calibration_edges=edges,
        probabilities=probabilities,
        exact=is_exact,
    )


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, float), np.asarray(b, float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
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
    return _divide(wins, pos.sum(axis=-1) * neg.sum(axis=-1))


def average_precision_from_histograms(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """Average precision (scikit-learn's step-wise definition) from score histograms.

    Thresholds run from the highest bin down; AP = sum over thresholds of the
    recall increase times the precision at that threshold.
    """
    pos = np.asarray(positives, dtype=float)[..., ::-1]
    neg = np.asarray(negatives, dtype=float)[..., ::-1]
    tp = np.cumsum(pos, axis=-1)
    fp = np.cumsum(neg, axis=-1)
    precision = _divide(tp, tp + fp)
    total = tp[..., -1:]
    gained = np.where(pos > 0, pos * np.nan_to_num(precision), 0.0).sum(axis=-1)
    return _divide(gained, total[..., 0])


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
    pairs = (stats_.positives * stats_.negatives * multi).sum(axis=-1)
    return 0.5 * _divide(pairs, stats_.positives.sum(axis=-1) * stats_.negatives.sum(axis=-1))


def _with_overall(stats_: ScoreStatistics) -> tuple[np.ndarray, ...]:
    pos = np.vstack([stats_.positives, stats_.positives.sum(axis=0)])
    neg = np.vstack([stats_.negatives, stats_.negatives.sum(axis=0)])
    sums = np.vstack([stats_.sums, stats_.sums.sum(axis=0)])
    return pos, neg, sums


def score_metrics_frame(
    stats_: ScoreStatistics, labels: list[str], ci: float = 0.95
) -> pd.DataFrame:
    """Per-group (and overall) ROC AUC with interval, average precision, Brier, log loss, ECE."""
    pos, neg, sums = _with_overall(stats_)
    auc = auc_from_histograms(pos, neg)
    n_pos = kish_effective_n(sums[:, _W_POS], sums[:, _W2_POS])
    n_neg = kish_effective_n(sums[:, _W_NEG], sums[:, _W2_NEG])
    se = hanley_mcneil_se(auc, n_pos, n_neg)
    z = float(stats.norm.ppf(0.5 + ci / 2))
    weight = sums[:, _W_POS] + sums[:, _W_NEG]
    cal = np.vstack([stats_.calibration, stats_.calibration.sum(axis=0)[None]])
    group_bound = binning_error_bound(stats_)
    overall = ScoreStatistics(
        stats_.groups[:1],
        stats_.cuts,
        pos[-1:],
        neg[-1:],
        stats_.single_valued,
        sums[-1:],
        cal[-1:],
        stats_.calibration_edges,
        stats_.probabilities,
        stats_.exact,
    )
    bound = np.r_[group_bound, binning_error_bound(overall)]
    return pd.DataFrame(
        {
            "group": [*labels, "<overall>"],
            "n": sums[:, _ROWS].astype(np.int64),
            "n_positive": sums[:, _W_POS],
            "n_negative": sums[:, _W_NEG],
            "roc_auc": auc,
            "roc_auc_lower": np.clip(auc - z * se, 0.0, 1.0),
            "roc_auc_upper": np.clip(auc + z * se, 0.0, 1.0),
            "roc_auc_se": se,
            "average_precision": average_precision_from_histograms(pos, neg),
            "brier_score": _divide(sums[:, _BRIER], weight),
            "log_loss": _divide(sums[:, _LOGLOSS], weight),
            "expected_calibration_error": _ece(cal),
            "auc_binning_error_bound": bound,
        }
    )


def _ece(cal: np.ndarray) -> np.ndarray:
    weight = cal[..., 0]
    gap = np.abs(_divide(cal[..., 1], weight) - _divide(cal[..., 2], weight))
    return _divide(
        np.where(weight > 0, weight * np.nan_to_num(gap), 0.0).sum(axis=-1), weight.sum(axis=-1)
    )


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
    cal = np.vstack([stats_.calibration, stats_.calibration.sum(axis=0)[None]])
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
    pos, neg, _ = _with_overall(stats_)
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


_SCORE_DISPARITY_METRICS = (
    "roc_auc",
    "average_precision",
    "brier_score",
    "log_loss",
    "expected_calibration_error",
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
    for name in _SCORE_DISPARITY_METRICS:
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
    """Score statistics from per-group histograms computed elsewhere (e.g. by an engine).

    ``histograms`` needs ``groups``, ``edges`` (shape ``(b + 1,)``) and
    ``weighted`` / ``squared_weights`` arrays of shape ``(n_groups, 2, b)``
    indexed ``[group, label, bin]`` (label 1 = positive), with
    :func:`numpy.histogram` bins (``edges[i] <= score < edges[i + 1]``, the last
    bin closed), as :class:`fairscope.engines._histograms.ScoreHistograms` holds.

    Every bin may hold several distinct scores, so the AUC error bound is
    reported, and only the edges are exact thresholds. Brier score, log loss and
    calibration need the scores themselves: they are NaN (and the calibration
    table empty).

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
    edges = np.asarray(histograms.edges, dtype=float)
    weighted = np.asarray(histograms.weighted, dtype=float)
    squared = np.asarray(getattr(histograms, "squared_weights", weighted), dtype=float)
    rows = np.asarray(getattr(histograms, "rows", weighted), dtype=float)
    n_groups, labels, n_bins = weighted.shape
    if labels != 2 or len(edges) != n_bins + 1:
        raise ValueError(
            f"histograms must be indexed [group, label (2), bin] with len(edges) == bins + 1; "
            f"got weighted of shape {weighted.shape} and {len(edges)} edges."
        )
    sums = np.zeros((n_groups, 7))
    sums[:, _W_POS], sums[:, _W_NEG] = weighted[:, 1].sum(axis=1), weighted[:, 0].sum(axis=1)
    sums[:, _W2_POS], sums[:, _W2_NEG] = squared[:, 1].sum(axis=1), squared[:, 0].sum(axis=1)
    sums[:, _BRIER] = sums[:, _LOGLOSS] = np.nan
    sums[:, _ROWS] = rows.sum(axis=(1, 2))
    return ScoreStatistics(
        groups=histograms.groups,
        cuts=edges[1:-1],
        positives=weighted[:, 1],
        negatives=weighted[:, 0],
        single_valued=np.zeros(n_bins, dtype=bool),
        sums=sums,
        calibration=np.full((n_groups, CALIBRATION_BINS, 4), np.nan),
        calibration_edges=np.linspace(0.0, 1.0, CALIBRATION_BINS + 1),
        probabilities=False,
        exact=False,
    )
