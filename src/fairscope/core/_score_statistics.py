"""Score histograms: the sufficient statistics of a scored binary audit.

Per group, the (weighted) histogram of scores among negative and among
positive rows, a few sums (weights by label, Brier and log-loss terms) and a
reliability-bin table give ROC AUC, average precision, Brier score, log loss,
the calibration error and the threshold sweep. The numpy path reduces rows in
one vectorized pass (:func:`reduce_scores`); engines reduce cells of equal
score with the same function, or bin scores at given edges
(:func:`fairscope.engines.score_histograms`). Every path gives this one type.

Binning. A bin is ``[c_j, c_{j+1})`` between consecutive *cut points*. The
cut points are every distinct score when there are at most ``n_bins`` of them
(or always, with ``exact=True``), otherwise ``n_bins`` quantiles of the pooled
scores. The thresholds of the sweep are always cut points, so the sweep is
exact. With one distinct score per bin, AUC (ties counted as half) and
average precision equal scikit-learn's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fairscope.core._statistics import (
    EngineProvenance,
    as_array,
    features_of,
    groups_from_list,
    groups_to_list,
    plain,
)

#: Default maximum number of histogram bins per group and label.
DEFAULT_BINS = 10_000
#: Default number of equal-width reliability bins of the calibration table.
CALIBRATION_BINS = 10

#: Columns of :attr:`ScoreStatistics.sums`.
SCORE_SUMS = (
    "weight_positive",
    "weight_negative",
    "squared_weight_positive",
    "squared_weight_negative",
    "brier",
    "log_loss",
    "rows",
)
W_POS, W_NEG, W2_POS, W2_NEG, BRIER, LOGLOSS, ROWS = range(len(SCORE_SUMS))


@dataclass(frozen=True, eq=False)
class ScoreStatistics(EngineProvenance):
    """Histograms of scores per group and true label, and the sums beside them.

    The one score-statistics type: the numpy path (:func:`reduce_scores`), the
    engines' cells of equal score and their binned histograms
    (:func:`fairscope.engines.score_histograms`, whose
    ``fairscope.engines.ScoreHistograms`` is an alias of this class) all give it.

    Arrays are indexed ``[group, label, bin]`` with label 0 = negative and
    1 = positive. Bin 0 holds ``score < cuts[0]``, bin ``j`` holds
    ``cuts[j-1] <= score < cuts[j]`` and the last bin ``score >= cuts[-1]``;
    scores outside ``[lower, upper]`` (only when bins were given as edges) are
    in no bin and counted in :attr:`outside_rows`.

    Attributes
    ----------
    features : tuple of str
    groups : pandas.Index or pandas.MultiIndex
    cuts : ndarray of float, shape (m,)
        Increasing cut points.
    weighted : ndarray of float, shape (n_groups, 2, m + 1)
        Sum of weights (row counts without weights) per group, label and bin.
    rows : ndarray of int, shape (n_groups, 2, m + 1)
    squared_weights : ndarray of float, shape (n_groups, 2, m + 1)
    single_valued : ndarray of bool, shape (m + 1,)
        Whether a bin holds at most one distinct score (then ties within it are real).
    sums : ndarray of float, shape (n_groups, len(SCORE_SUMS))
        Per group, the columns :data:`SCORE_SUMS`.
    calibration : ndarray of float, shape (n_groups, k, 4)
        Per group and reliability bin: weight, weighted sum of scores,
        weighted sum of labels, rows (NaN when scores are not probabilities).
    calibration_edges : ndarray of float, shape (k + 1,)
    probabilities : bool
        Whether every score lies in [0, 1] (Brier, log loss and calibration
        are defined only then).
    exact : bool
        Whether every bin holds one distinct score.
    outside_rows : ndarray of int, shape (n_groups, 2), optional
        Rows whose score lies outside ``[lower, upper]``.
    lower, upper : float
        The outer edges (infinite unless bins were given as edges).
    has_weights, orders, pos_label
        Whether weights were summed, declared order of categorical features, the label
        counted as positive.
    n_rows, dropped, n_dropped, missing_sensitive, engine
        Keyword-only provenance (see :class:`~fairscope.core._statistics.EngineProvenance`).
    """

    features: tuple[str, ...]
    groups: pd.Index
    cuts: np.ndarray
    weighted: np.ndarray
    rows: np.ndarray
    squared_weights: np.ndarray
    single_valued: np.ndarray
    sums: np.ndarray
    calibration: np.ndarray
    calibration_edges: np.ndarray
    probabilities: bool
    exact: bool
    outside_rows: np.ndarray | None = None
    lower: float = -np.inf
    upper: float = np.inf
    has_weights: bool = False
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pos_label: Any = 1

    #: The arrays with a group axis first, summed by regroup, combine and with_total.
    PER_GROUP: ClassVar[tuple[str, ...]] = (
        "weighted",
        "rows",
        "squared_weights",
        "sums",
        "calibration",
        "outside_rows",
    )
    NOUN: ClassVar[str] = "histograms"

    def __post_init__(self) -> None:
        if self.outside_rows is None:
            object.__setattr__(
                self, "outside_rows", np.zeros((len(self.groups), 2), dtype=np.int64)
            )

    @property
    def positives(self) -> np.ndarray:
        """Weight of positive rows per group and bin, shape (n_groups, m + 1)."""
        return self.weighted[:, 1]

    @property
    def negatives(self) -> np.ndarray:
        """Weight of negative rows per group and bin, shape (n_groups, m + 1)."""
        return self.weighted[:, 0]

    @property
    def edges(self) -> np.ndarray:
        """Bin edges: ``lower``, the cut points, ``upper``."""
        return np.asarray(np.r_[self.lower, self.cuts, self.upper])

    @property
    def group_rows(self) -> np.ndarray:
        """Rows per group (unweighted) in the histograms."""
        return self.sums[:, ROWS].astype(np.int64)

    def column(self, name: str) -> np.ndarray:
        """One per-group sum, by name (see :data:`SCORE_SUMS`)."""
        return self.sums[:, SCORE_SUMS.index(name)]

    def with_total(self) -> ScoreStatistics:
        """These statistics with one more group holding the sums over all groups."""
        arrays: dict[str, Any] = {name: _with_sum(getattr(self, name)) for name in self.PER_GROUP}
        return replace(
            self, features=("group",), groups=pd.RangeIndex(len(self.groups) + 1), **arrays
        )

    def combine(self, other: ScoreStatistics) -> ScoreStatistics:
        """Add the histograms of another partition binned at the same cut points."""
        self._check_features(other)
        same_bins = (
            np.array_equal(self.cuts, other.cuts)
            and np.array_equal(self.calibration_edges, other.calibration_edges)
            and (self.lower, self.upper) == (other.lower, other.upper)
        )
        if not same_bins:
            raise ValueError(
                "cannot combine score histograms with different bins; reduce every partition "
                "with the same thresholds or bin edges."
            )
        return replace(
            self,
            single_valued=self.single_valued & other.single_valued,
            probabilities=self.probabilities and other.probabilities,
            exact=self.exact and other.exact,
            **self._summed_with(other),
            **self._provenance_with(other),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (see :meth:`from_dict`)."""
        out: dict[str, Any] = {
            "features": list(self.features),
            "groups": groups_to_list(self.groups),
            "cuts": plain(self.cuts),
            "single_valued": plain(self.single_valued),
            "calibration_edges": plain(self.calibration_edges),
            "probabilities": bool(self.probabilities),
            "exact": bool(self.exact),
            "lower": None if np.isinf(self.lower) else float(self.lower),
            "upper": None if np.isinf(self.upper) else float(self.upper),
            "has_weights": bool(self.has_weights),
        }
        for name in self.PER_GROUP:
            out[name] = plain(getattr(self, name))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreStatistics:
        """The statistics :meth:`to_dict` wrote."""
        features = tuple(data["features"])
        arrays: dict[str, Any] = {
            name: as_array(data[name], "int64" if name in ("rows", "outside_rows") else "float64")
            for name in cls.PER_GROUP
        }
        return cls(
            features,
            groups_from_list(data["groups"], features),
            cuts=as_array(data["cuts"], "float64"),
            single_valued=np.asarray(data["single_valued"], dtype=bool),
            calibration_edges=as_array(data["calibration_edges"], "float64"),
            probabilities=bool(data["probabilities"]),
            exact=bool(data["exact"]),
            lower=-np.inf if data["lower"] is None else float(data["lower"]),
            upper=np.inf if data["upper"] is None else float(data["upper"]),
            has_weights=bool(data["has_weights"]),
            **arrays,
        )

    @classmethod
    def from_histograms(
        cls,
        groups: pd.Index,
        edges: Any,
        weighted: Any,
        *,
        rows: Any = None,
        squared_weights: Any = None,
        outside_rows: Any = None,
        **provenance: Any,
    ) -> ScoreStatistics:
        """Statistics of histograms binned at ``edges`` (:func:`numpy.histogram` bins).

        ``weighted`` (and ``rows``, ``squared_weights``) are indexed
        ``[group, label (0 negative, 1 positive), bin]``. Every bin may hold
        several distinct scores, so AUC has an error bound and only the edges are
        exact thresholds; Brier score, log loss and calibration need the scores
        themselves and are NaN.
        """
        edges = np.asarray(edges, dtype=float)
        weighted = np.asarray(weighted, dtype=float)
        squared = weighted if squared_weights is None else np.asarray(squared_weights, float)
        counts = weighted if rows is None else np.asarray(rows)
        n_groups, labels, n_bins = weighted.shape
        if labels != 2 or len(edges) != n_bins + 1:
            raise ValueError(
                f"histograms must be indexed [group, label (2), bin] with len(edges) == bins + 1; "
                f"got weighted of shape {weighted.shape} and {len(edges)} edges."
            )
        outside = np.zeros((n_groups, 2), np.int64) if outside_rows is None else outside_rows
        sums = np.zeros((n_groups, len(SCORE_SUMS)))
        sums[:, W_POS], sums[:, W_NEG] = weighted[:, 1].sum(axis=1), weighted[:, 0].sum(axis=1)
        sums[:, W2_POS], sums[:, W2_NEG] = squared[:, 1].sum(axis=1), squared[:, 0].sum(axis=1)
        sums[:, BRIER] = sums[:, LOGLOSS] = np.nan
        sums[:, ROWS] = np.asarray(counts, dtype=float).sum(axis=(1, 2))
        return cls(
            features_of(groups),
            groups,
            cuts=edges[1:-1],
            weighted=weighted,
            rows=np.asarray(counts).astype(np.int64),
            squared_weights=squared,
            single_valued=np.zeros(n_bins, dtype=bool),
            sums=sums,
            calibration=np.full((n_groups, CALIBRATION_BINS, 4), np.nan),
            calibration_edges=np.linspace(0.0, 1.0, CALIBRATION_BINS + 1),
            probabilities=False,
            exact=False,
            outside_rows=np.asarray(outside, dtype=np.int64),
            lower=float(edges[0]),
            upper=float(edges[-1]),
            **provenance,
        )


def _with_sum(arr: np.ndarray) -> np.ndarray:
    return np.concatenate([arr, arr.sum(axis=0)[None]])


def cut_points(
    sorted_scores: np.ndarray, n_bins: int, exact: bool, thresholds: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Cut points of the bins (every distinct score, or quantiles) and whether they are exact."""
    distinct = sorted_scores[np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]]
    if exact or len(distinct) <= n_bins:
        return np.union1d(distinct, thresholds), True
    positions = np.linspace(0, len(sorted_scores) - 1, n_bins + 1)[1:-1].astype(np.int64)
    return np.union1d(np.unique(sorted_scores[positions]), thresholds), False


def default_thresholds(scores: np.ndarray, probabilities: bool, n: int = 101) -> np.ndarray:
    """Thresholds of the sweep: 0, 0.01, ..., 1 for probabilities, else score quantiles.

    Examples
    --------
    >>> default_thresholds(np.array([0.2, 0.7]), True)[:3].tolist()
    [0.0, 0.01, 0.02]
    """
    if probabilities:
        return np.round(np.linspace(0.0, 1.0, n), 10)
    return np.unique(np.quantile(scores, np.linspace(0.0, 1.0, n)))


def reduce_scores(
    y_true: Any,
    y_score: Any,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: Any = None,
    *,
    exact: bool = False,
    n_bins: int = DEFAULT_BINS,
    thresholds: Any = None,
    calibration_bins: int = CALIBRATION_BINS,
    repeats: Any = None,
    squared_weights: Any = None,
    orders: dict[str, tuple[str, ...]] | None = None,
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
        Weight of each row (with ``repeats``: the sum of the weights of its rows).
    exact : bool, default False
        One bin per distinct score, whatever their number.
    n_bins : int, default 10000
        Quantile bins used when there are more distinct scores than this.
    thresholds : array-like, optional
        Thresholds of the sweep (made cut points); default :func:`default_thresholds`.
    calibration_bins : int, default 10
        Equal-width reliability bins over [0, 1].
    repeats : ndarray of int, optional
        Rows each entry stands for, when rows of equal values were already
        grouped (engine cells); then give ``squared_weights`` too.
    squared_weights : ndarray, optional
        Sum of squared weights of each entry (with ``repeats``).
    orders : dict, optional
        Declared order of categorical features.

    Returns
    -------
    ScoreStatistics

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> s = reduce_scores(np.array([0, 1, 1, 0], bool), np.array([0.1, 0.9, 0.6, 0.4]),
    ...                   np.array([0, 0, 1, 1]), pd.Index(["a", "b"]), thresholds=[])
    >>> s.rows.sum(axis=2).tolist()
    [[1, 1], [1, 1]]
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
    count = None if repeats is None else np.asarray(repeats, dtype=float)
    probabilities = bool(s.size and s.min() >= 0.0 and s.max() <= 1.0)
    if thresholds is None:
        thresholds = default_thresholds(s, probabilities)
    thresholds = np.unique(np.asarray(thresholds, dtype=float))
    sorted_scores = np.sort(s)
    cuts, is_exact = cut_points(sorted_scores, int(n_bins), exact, thresholds)
    n_cells = len(cuts) + 1
    cell = (codes * 2 + y) * n_cells + np.searchsorted(cuts, s, side="right")
    size = n_groups * 2 * n_cells
    hist = np.bincount(cell, weights=w, minlength=size).reshape(n_groups, 2, n_cells)
    rows = hist if w is None and count is None else np.bincount(cell, count, size)
    ww = np.ones_like(s) if w is None else w
    w2 = ww * ww if squared_weights is None else np.asarray(squared_weights, dtype=float)
    squared = hist if w is None and count is None else np.bincount(cell, w2, size)
    # A bin is single-valued when its first and last sorted score are equal.
    lo = np.searchsorted(sorted_scores, np.r_[-np.inf, cuts], side="left")
    hi = np.searchsorted(sorted_scores, np.r_[cuts, np.inf], side="left")
    single = ~(hi > lo) | (
        sorted_scores[np.minimum(lo, len(s) - 1)] == sorted_scores[np.maximum(hi - 1, 0)]
    )
    sums = np.zeros((n_groups, len(SCORE_SUMS)))
    sums[:, ROWS] = np.bincount(codes, weights=count, minlength=n_groups)
    pos_code = codes * 2 + y
    label_w = np.bincount(pos_code, weights=ww, minlength=2 * n_groups).reshape(n_groups, 2)
    label_w2 = np.bincount(pos_code, weights=w2, minlength=2 * n_groups).reshape(n_groups, 2)
    sums[:, W_POS], sums[:, W_NEG] = label_w[:, 1], label_w[:, 0]
    sums[:, W2_POS], sums[:, W2_NEG] = label_w2[:, 1], label_w2[:, 0]
    calibration = np.full((n_groups, int(calibration_bins), 4), np.nan)
    if probabilities:
        calibration = _calibration(s, y, codes, n_groups, ww, count, int(calibration_bins))
        sums[:, BRIER], sums[:, LOGLOSS] = _probability_sums(s, y, codes, n_groups, ww)
    else:
        sums[:, BRIER] = sums[:, LOGLOSS] = np.nan
    return ScoreStatistics(
        features_of(groups),
        groups,
        cuts=cuts,
        weighted=hist.astype(float),
        rows=np.asarray(rows).reshape(n_groups, 2, n_cells).astype(np.int64),
        squared_weights=np.asarray(squared, dtype=float).reshape(n_groups, 2, n_cells),
        single_valued=single,
        sums=sums,
        calibration=calibration,
        calibration_edges=np.linspace(0.0, 1.0, int(calibration_bins) + 1),
        probabilities=probabilities,
        exact=is_exact,
        has_weights=sample_weight is not None,
        orders=dict(orders or {}),
        n_rows=int(sums[:, ROWS].sum()),
    )


def _probability_sums(
    s: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sums of Brier and log-loss terms."""
    brier = np.bincount(codes, weights=w * (s - y.astype(float)) ** 2, minlength=n_groups)
    # scikit-learn's log_loss clips probabilities to [eps, 1 - eps]
    eps = np.finfo(float).eps
    p = np.clip(s, eps, 1 - eps)
    loss = -np.where(y, np.log(p), np.log1p(-p))
    return brier, np.bincount(codes, weights=w * loss, minlength=n_groups)


def _calibration(
    s: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    w: np.ndarray,
    count: np.ndarray | None,
    k: int,
) -> np.ndarray:
    """Per group and equal-width bin over [0, 1]: weight, sum of scores, of labels, rows."""
    calibration = np.zeros((n_groups, k, 4))
    cal_cell = codes * k + np.minimum((s * k).astype(np.int64), k - 1)
    size = n_groups * k
    for j, values in enumerate((w, w * s, w * y.astype(float), count)):
        calibration[..., j] = np.bincount(cal_cell, weights=values, minlength=size).reshape(-1, k)
    return calibration
