"""Sufficient statistics of regression and scored binary audits, reduced by the engine.

:func:`fairscope.audit_predictions` calls these for engine data so only per-group
tables come back to Python: regression moments (:func:`regression_statistics`)
and cells of equal score (:func:`score_cells`), which the numpy reducers turn
into confusion counts (:func:`cell_counts`) and score histograms
(:func:`cell_score_statistics`). What they return is the type the pandas path
reduces from its rows, so the audit tables are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._counts import GroupCounts, counts_from_cells
from fairscope.core._moments import RegressionMoments
from fairscope.core._score_statistics import ScoreStatistics, reduce_scores
from fairscope.engines._moments import regression_moments
from fairscope.engines._passes import drop_missing, flagged_reduce, weight_mask, weight_terms
from fairscope.engines._reduce import (
    ROWS,
    _key,
    encode_key_groups,
    finite_float,
    prepare,
    require_column,
    require_features,
    sensitive_names,
)


@dataclass(frozen=True, eq=False)
class Reduced:
    """What an audit's metadata records about the rows an engine reduced.

    Stands in for the pandas path's resolved rows and encoded groups:
    ``n_rows``, ``n_dropped``, ``dropped``, ``weight`` (None without weights),
    ``features``, ``missing`` (rows in the ``"<missing>"`` group per feature)
    and ``index`` (the intersection groups).
    """

    n_rows: int
    n_dropped: int
    dropped: dict[str, int]
    weight: Any
    features: tuple[str, ...]
    missing: dict[str, int] = field(default_factory=dict)
    index: pd.Index | None = None

    @classmethod
    def of(cls, stats: Any) -> Reduced:
        """What an engine recorded while reducing ``stats`` (any statistics with provenance)."""
        return cls(
            n_rows=stats.n_rows,
            n_dropped=stats.n_dropped,
            dropped=dict(stats.dropped),
            weight=True if stats.has_weights else None,
            features=stats.features,
            missing=dict(stats.missing_sensitive),
            index=stats.groups,
        )


def first_finite(data: Any, column: str) -> float:
    """One finite value of a numeric column (0 if none), read from the first rows only."""
    import narwhals as nw

    frame, _, _ = prepare(data)
    value, bad = finite_float(column)
    head = frame.select(value.alias("v"), bad.alias("bad")).filter(~nw.col("bad")).head(1)
    if isinstance(head, nw.LazyFrame):
        head = head.collect()
    values = head.to_pandas()["v"].to_numpy(dtype=float)
    return float(values[0]) if len(values) else 0.0


def regression_statistics(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: Any,
    *,
    sample_weight: str | None,
    dropna: bool,
) -> tuple[RegressionMoments, Reduced]:
    """The :class:`~fairscope.core._moments.RegressionMoments` of engine data, in one engine pass.

    The engine sums moments of targets and predictions shifted by one observed
    target (so squares keep their precision); they are then re-centred on the
    pooled mean target, as :func:`fairscope.core._moments.reduce_moments` centres them.
    """
    shift = first_finite(data, y_true)
    m = regression_moments(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna,
        shift=shift,
    )  # fmt: skip
    return m.centred(), Reduced.of(m)


#: Rows read first to tell a score with too many distinct values without a full pass.
PROBE_ROWS = 100_000


@dataclass(frozen=True, eq=False)
class ScoreCells:
    """Rows reduced to cells of equal (group, label, prediction, score), by the engine.

    One entry per cell: the group code, the raw label (and prediction), the
    score, the rows, the sum of weights and of squared weights (the rows
    without weights). Every statistic of a scored binary audit is a sum over
    rows, hence over cells.
    """

    groups: pd.Index
    codes: np.ndarray
    y_true: pd.Series
    y_pred: pd.Series | None
    score: np.ndarray
    rows: np.ndarray
    weight: np.ndarray
    squared: np.ndarray
    reduced: Reduced


def score_cells(
    data: Any,
    y_true: str,
    y_pred: str | None,
    y_score: str,
    sensitive_features: Any,
    *,
    sample_weight: str | None,
    dropna: bool,
    max_scores: int,
) -> ScoreCells | None:
    """One engine group-by over (groups, label, prediction, score); None when too many scores.

    With at most ``max_scores`` distinct scores the pandas path bins one score
    per bin, so these cells give it exactly; with more, the caller collects the
    rows instead (the pandas path's quantile bins need every score).
    """
    import narwhals as nw

    frame, columns, _ = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    named = {"y_true": y_true, "y_pred": y_pred, "y_score": y_score}
    for argument, name in named.items():
        if name is not None:
            require_column(name, argument, columns, data)
    dtype = frame.collect_schema()[y_score]
    if not dtype.is_numeric() or dtype == nw.Boolean:
        raise ValueError(
            f"y_score must be numeric scores (probabilities or decision values); got dtype "
            f"{dtype}. Pass predicted probabilities, or the decision_function."
        )
    # the first rows usually tell a continuous score, before a full pass counts them all;
    # null and NaN may count as values here, not in the pandas path (hence + 2)
    for rows in (frame.head(PROBE_ROWS), frame):
        distinct = rows.select(nw.col(y_score).n_unique().alias("n"))
        if isinstance(distinct, nw.LazyFrame):
            distinct = distinct.collect()
        if int(distinct.to_pandas()["n"].iloc[0]) > max_scores + 2:
            return None
    score, score_bad = finite_float(y_score)
    flags: dict[str, Any] = {"__score": score, "__score_bad": score_bad}
    sums: dict[str, Any] = {}
    if sample_weight is not None:
        _, w_flags, sums = weight_terms(frame, sample_weight, columns, data)
        flags.update(w_flags)
    labels = [y_true] if y_pred is None else [y_true, y_pred]
    table, n_rows = flagged_reduce(frame, [*features, *labels], flags, sums)
    k = len(features)
    masks = {"y_true": table[_key(k)].isna().to_numpy()}
    if y_pred is not None:
        masks["y_pred"] = table[_key(k + 1)].isna().to_numpy()
    masks["y_score"] = table["__score_bad"].astype(bool).to_numpy()
    if sample_weight is not None:
        masks["sample_weight"] = weight_mask(table)
    table, dropped, n_dropped = drop_missing(
        table, masks, dropna, "label, prediction, score or weight"
    )
    scores = table["__score"].to_numpy(dtype=float)
    if len(np.unique(scores)) > max_scores:
        return None
    groups, missing = encode_key_groups(table, features)
    rows = table[ROWS].to_numpy()
    weighted = sample_weight is not None
    return ScoreCells(
        groups=groups.index,
        codes=np.asarray(groups.codes, dtype=np.int64),
        y_true=table[_key(k)].reset_index(drop=True),
        y_pred=None if y_pred is None else table[_key(k + 1)].reset_index(drop=True),
        score=scores,
        rows=rows,
        weight=table["__w"].to_numpy(dtype=float) if weighted else rows.astype(float),
        squared=table["__w2"].to_numpy(dtype=float) if weighted else rows.astype(float),
        reduced=Reduced(
            n_rows=n_rows,
            n_dropped=n_dropped,
            dropped=dropped,
            weight=True if weighted else None,
            features=tuple(features),
            missing=missing,
            index=groups.index,
        ),
    )


def cell_counts(cells: ScoreCells, true_bin: np.ndarray, pred_bin: np.ndarray) -> GroupCounts:
    """The :class:`~fairscope.core._counts.GroupCounts` of binarized labels and predictions per cell."""
    weighted = cells.reduced.weight is not None
    return counts_from_cells(
        cells.codes,
        true_bin,
        pred_bin,
        cells.groups,
        cells.rows,
        cells.weight if weighted else None,
        cells.squared if weighted else None,
    )


def row_quantiles(values: np.ndarray, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``numpy.quantile`` (linear) of the rows, each value repeated ``rows`` times, exactly."""
    order = np.argsort(values, kind="stable")
    v, c = values[order], rows[order]
    ends = np.cumsum(c)
    n = int(ends[-1])
    virtual = (n - 1) * np.asarray(q, dtype=float)
    previous = np.floor(virtual)
    nxt = np.minimum(previous + 1, n - 1)
    previous = np.minimum(previous, n - 1)
    gamma = virtual - previous
    a = v[np.searchsorted(ends, previous.astype(np.int64), side="right")]
    b = v[np.searchsorted(ends, nxt.astype(np.int64), side="right")]
    diff = b - a
    # numpy's lerp: from the nearer end, so t = 1 gives b exactly
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def cell_score_statistics(
    cells: ScoreCells,
    positive: np.ndarray,
    *,
    thresholds: np.ndarray,
    calibration_bins: int,
) -> ScoreStatistics:
    """The :class:`~fairscope.core._score_statistics.ScoreStatistics` of these cells.

    The numpy reducer runs over the cells, each standing for its rows, with one
    bin per distinct score (plus the ``thresholds`` as cut points), as it bins
    at most ``n_bins`` distinct scores of rows.
    """
    stats_ = reduce_scores(
        positive,
        cells.score,
        cells.codes,
        cells.groups,
        cells.weight,
        exact=True,
        thresholds=thresholds,
        calibration_bins=calibration_bins,
        repeats=cells.rows,
        squared_weights=cells.squared,
    )
    # the cells always carry their sums of weights; the audit had weights only if given
    return replace(stats_, has_weights=cells.reduced.weight is not None)
