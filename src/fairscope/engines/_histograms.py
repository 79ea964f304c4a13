"""Per-group score histograms by label, computed by the engine holding the data.

Score-based metrics (AUC, calibration, threshold sweeps) are functions of a
histogram of scores per group and label; this is their sufficient statistic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._inputs import _binarize, _choose_pos_label
from fairscope.core._score_statistics import ScoreStatistics
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

__all__ = ["MAX_BINS", "ScoreHistograms", "score_histograms"]

#: Largest number of bins: each bin costs one comparison per row in the engine.
MAX_BINS = 1000

#: Histograms of scores per group and true label: an alias of the one score-statistics
#: type, :class:`fairscope.core._score_statistics.ScoreStatistics` (what the numpy path
#: reduces too). Arrays are indexed ``[group, label, bin]`` (label 1 = ``pos_label``);
#: :func:`score_histograms` fills ``edges``, ``weighted``, ``rows``,
#: ``squared_weights`` and ``outside_rows`` (rows outside ``[edges[0], edges[-1]]``).
ScoreHistograms = ScoreStatistics


def _check_edges(bin_edges: Any) -> np.ndarray:
    edges = np.asarray(bin_edges, dtype=float)
    if edges.ndim != 1 or len(edges) < 2:
        raise ValueError(
            f"bin_edges must be a 1-D sequence of at least 2 numbers; got shape {edges.shape}."
        )
    if not np.all(np.isfinite(edges)) or not np.all(np.diff(edges) > 0):
        raise ValueError("bin_edges must be finite and strictly increasing, e.g. [0, 0.1, ..., 1].")
    if len(edges) - 1 > MAX_BINS:
        raise ValueError(f"bin_edges gives {len(edges) - 1} bins; use at most {MAX_BINS}.")
    return edges


def score_histograms(
    data: Any,
    y_true: str,
    y_score: str,
    sensitive_features: str | list[str],
    bin_edges: Any,
    *,
    sample_weight: str | None = None,
    pos_label: Any = 1,
    dropna: bool = False,
) -> ScoreHistograms:
    """Per-group histograms of ``y_score`` by true label, computed inside the data's engine.

    The bin of each row is computed by the engine (one comparison per inner
    edge), then one group-by over (sensitive features, label, bin) returns a
    table of at most ``groups x 2 x bins`` rows.

    Parameters
    ----------
    data : any data accepted by :func:`fairscope.engines.confusion_counts` (pandas too).
    y_true, y_score : str
        Column names of the binary labels and the scores.
    sensitive_features : str or list of str
    bin_edges : sequence of float
        Strictly increasing edges, e.g. ``numpy.linspace(0, 1, 101)``.
    sample_weight : str, optional
    pos_label : default 1
        Positive label of ``y_true``.
    dropna : bool, default False
        Drop (and count) rows with a missing label, score or weight instead of raising.

    Returns
    -------
    ScoreStatistics
        The one score-statistics type (``ScoreHistograms`` is its alias), binned
        at ``bin_edges``; ``edges``, ``weighted``, ``rows``, ``squared_weights``
        and ``outside_rows`` hold the histograms.

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.engines import score_histograms
    >>> df = pd.DataFrame({"y": [0, 1, 1, 0], "s": [0.1, 0.9, 0.6, 0.4], "g": list("aabb")})
    >>> h = score_histograms(df, "y", "s", "g", [0, 0.5, 1])
    >>> h.rows.tolist()
    [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]
    """
    import narwhals as nw

    edges = _check_edges(bin_edges)
    frame, columns, engine = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    true_col = require_column(y_true, "y_true", columns, data)
    score_col = require_column(y_score, "y_score", columns, data)
    dtype = frame.collect_schema()[score_col]
    if not dtype.is_numeric() or dtype == nw.Boolean:
        raise ValueError(f"y_score must be numeric; got dtype {dtype}. Convert it to float.")
    score, score_bad = finite_float(score_col)
    inner = [(score >= float(e)).fill_null(False).cast(nw.Int64) for e in edges[1:-1]]
    bin_expr = nw.sum_horizontal(*inner) if inner else nw.lit(0, nw.Int64)
    outside = ((score < float(edges[0])) | (score > float(edges[-1]))).fill_null(False)
    flags = {"__score_bad": score_bad, "__outside": outside, "__bin": bin_expr}
    sums: dict[str, Any] = {}
    if sample_weight is not None:
        _, w_flags, sums = weight_terms(frame, sample_weight, columns, data)
        flags.update(w_flags)
    table, n_rows = flagged_reduce(frame, [*features, true_col], flags, sums)
    yt = _key(len(features))
    masks = {
        "y_true": table[yt].isna().to_numpy(),
        "y_score": table["__score_bad"].astype(bool).to_numpy(),
    }
    if sample_weight is not None:
        masks["sample_weight"] = weight_mask(table)
    table, dropped, n_dropped = drop_missing(table, masks, dropna, "y_true, y_score or weight")
    labels = set(pd.unique(table[yt]))
    if len(labels) > 2:
        shown = sorted(map(str, labels))[:6]
        raise ValueError(
            f"y_true has {len(labels)} distinct values {shown}; score histograms need a binary "
            "label. Binarize it first."
        )
    chosen = _choose_pos_label(labels, pos_label, "values of y_true")
    label = _binarize(table[yt], chosen).astype(np.int64)
    groups, missing = encode_key_groups(table, features)
    weighted, rows, squared, outside_rows = _histograms(
        table, groups.codes, len(groups.index), label, len(edges) - 1, sample_weight is not None
    )
    return ScoreStatistics.from_histograms(
        groups.index,
        edges,
        weighted,
        rows=rows,
        squared_weights=squared,
        outside_rows=outside_rows,
        has_weights=sample_weight is not None,
        pos_label=chosen,
        n_rows=n_rows,
        dropped=dropped,
        n_dropped=n_dropped,
        missing_sensitive=missing,
        engine=engine,
    )


def _histograms(
    table: pd.DataFrame,
    codes: np.ndarray,
    n_groups: int,
    label: np.ndarray,
    n_bins: int,
    weighted: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights, rows and squared weights per (group, label, bin), and rows outside the edges."""
    is_out = table["__outside"].astype(bool).to_numpy()
    rows_per = table[ROWS].to_numpy()
    outside_rows = np.zeros((n_groups, 2), dtype=np.int64)
    np.add.at(outside_rows, (codes[is_out], label[is_out]), rows_per[is_out])
    inside = ~is_out
    cell = (codes[inside], label[inside], table["__bin"].to_numpy()[inside].astype(np.int64))

    def fill(values: np.ndarray) -> np.ndarray:
        out = np.zeros((n_groups, 2, n_bins), dtype=values.dtype)
        np.add.at(out, cell, values[inside])
        return out

    rows = fill(rows_per)
    if not weighted:
        return rows.astype(float), rows, rows.astype(float), outside_rows
    return fill(table["__w"].to_numpy()), rows, fill(table["__w2"].to_numpy()), outside_rows
