"""The scored binary audit: confusion tables at a threshold plus score-based metrics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._binary_audit import binary_tables, set_groups
from fairscope.audits._rows import (
    Rows,
    common_metadata,
    environment,
    feature_sets,
    labels_of,
    marginals,
    reference_choices,
    tidy,
    with_feature,
)
from fairscope.compute._disparities import concat, declare
from fairscope.compute._group_metrics import GroupMetrics
from fairscope.compute._scores import (
    _as_scores,
    calibration_frame,
    default_thresholds,
    reduce_scores,
    score_disparities,
    score_metrics_frame,
    score_reference,
    threshold_sweep_frame,
)
from fairscope.compute._significance import FAMILY
from fairscope.compute._thresholds import decision_threshold
from fairscope.core._groups import encode_groups
from fairscope.core._inputs import _binarize, _choose_pos_label, warn_single_class
from fairscope.core._registry import DEFAULT_METRICS
from fairscope.engines import _prediction_audits as pa
from fairscope.result._audit_result import AuditResult


def scored_binary_audit(
    rows: Rows,
    *,
    threshold: float | None,
    pos_label: Any,
    metrics: Any,
    exact: bool,
    n_bins: int,
    thresholds: Any,
    calibration_bins: int,
    **options: Any,
) -> AuditResult:
    score = None if rows.y_score is None else _as_scores(rows.y_score)
    true_labels = set(pd.unique(rows.y_true))
    if rows.y_pred is None or threshold is not None:
        if score is None:
            raise ValueError("threshold= binarizes y_score; give y_score= too.")
        threshold = decision_threshold(score, threshold)
        chosen = _choose_pos_label(true_labels, pos_label, "values of y_true")
        y_true_bin = _binarize(rows.y_true, chosen)
        y_pred_in: Any = (score >= threshold).astype(np.int64)
        gm_true: Any = y_true_bin.astype(np.int64)
        gm_pos: Any = 1
        source = "y_score >= threshold"
    else:
        gm_true, y_pred_in, gm_pos, chosen = rows.y_true, rows.y_pred, pos_label, None
        source = "y_pred"
    gm = GroupMetrics(
        gm_true,
        y_pred_in,
        rows.sensitive,
        metrics=DEFAULT_METRICS if metrics is None else metrics,
        sample_weight=rows.weight,
        pos_label=gm_pos,
        ci=options["ci"],
        ci_method=options["ci_method"],
        n_boot=options["n_boot"],
        random_state=options["random_state"],
        bootstrap=options["bootstrap"],
        min_group_size=options["min_group_size"],
    )
    pos = gm.pos_label if chosen is None else chosen
    encoded = encode_groups(rows.sensitive)
    base = None
    sweep: Any = None
    if score is not None:
        y_true_bin = _binarize(rows.y_true, pos)
        if np.isscalar(thresholds) or thresholds is None:
            sweep = thresholds
        else:
            sweep = np.asarray(thresholds, dtype=float)
        base = reduce_scores(
            y_true_bin,
            score,
            encoded.codes,
            encoded.index,
            rows.weight,
            exact=exact,
            n_bins=n_bins,
            thresholds=sweep,
            calibration_bins=calibration_bins,
        )
        sweep = (
            default_thresholds(score, base.probabilities)
            if thresholds is None
            else np.unique(np.atleast_1d(np.asarray(thresholds, dtype=float)))
        )
    return _scored_result(
        gm, pos, base, sweep, rows, encoded, source, threshold, calibration_bins, options
    )


def _scored_result(
    gm: GroupMetrics,
    pos: Any,
    base: Any,
    sweep: Any,
    rows: Any,
    encoded: Any,
    source: str,
    threshold: Any,
    calibration_bins: int,
    options: dict,
) -> AuditResult:
    """The tables of a scored binary audit from its reduced statistics (rows or engine cells)."""
    sets = feature_sets(gm)
    choices = reference_choices(options["reference"], set_groups(sets))
    tables, references = binary_tables(sets, choices)
    metadata = common_metadata(rows, "binary", encoded, marginals(encoded.index), options)
    metadata.update(
        {
            "reference_groups": references,
            "tests_family": FAMILY,
            "pos_label": str(pos),
            "metrics": gm.metrics,
            "predictions": source,
            "threshold": None if threshold is None else float(threshold),
        }
    )
    if base is not None:
        score_tables: dict[str, list[pd.DataFrame]] = {
            "score_metrics": [],
            "calibration": [],
            "threshold_sweep": [],
        }
        score_disp = []
        for label, (position, groups) in marginals(base.groups).items():
            st = base.regroup(position, groups)
            names = labels_of(groups)
            frame = score_metrics_frame(st, names, options["ci"])
            score_tables["score_metrics"].append(with_feature(frame, label))
            score_tables["calibration"].append(with_feature(calibration_frame(st, names), label))
            score_tables["threshold_sweep"].append(
                with_feature(threshold_sweep_frame(st, names, sweep), label)
            )
            ref = score_reference(frame, choices[label], label, options["min_group_size"])
            score_disp.append(declare(score_disparities(frame, ref), label))
        for name, frames in score_tables.items():
            tables[name] = tidy(frames)
        tables["disparities"] = concat([tables["disparities"], *score_disp])
        metadata["scores"] = {
            "probabilities": base.probabilities,
            "exact": base.exact,
            "n_bins": len(base.cuts) + 1,
            "calibration_bins": int(calibration_bins),
            "n_thresholds": len(sweep),
            "auc_interval": "hanley-mcneil",
        }
    return AuditResult(
        kind="predictions",
        task="binary",
        tables=tables,
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
        statistics={label: s.statistics for label, s in sets.items()},
    )


def engine_scored_audit(
    data: Any,
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    sensitive_features: Any,
    sample_weight: Any,
    dropna: bool,
    *,
    threshold: float | None,
    pos_label: Any,
    metrics: Any,
    exact: bool,
    n_bins: int,
    thresholds: Any,
    calibration_bins: int,
    **options: Any,
) -> AuditResult | None:
    """A scored binary audit of engine data from cells of equal score; None if too many scores.

    The engine groups rows by (groups, label, prediction, score); with at most
    ``n_bins`` distinct scores the pandas path bins one score per bin, so the
    cells give every table exactly. With more, None: the caller collects rows.
    """
    if y_score is None:
        raise ValueError("threshold= binarizes y_score; give y_score= too.")
    if int(n_bins) < 2:
        raise ValueError(f"n_bins must be at least 2; got {n_bins!r}.")
    if int(calibration_bins) < 1:
        raise ValueError(f"calibration_bins must be at least 1; got {calibration_bins!r}.")
    use_score = y_pred is None or threshold is not None
    cells = pa.score_cells(
        data, y_true, None if use_score else y_pred, y_score, sensitive_features,
        sample_weight=sample_weight, dropna=dropna, max_scores=int(n_bins),
    )  # fmt: skip
    if cells is None:
        return None
    threshold, pos, gm_pos, true_bin, pred_bin, source = _cell_labels(
        cells, use_score, threshold, pos_label
    )
    reduced = cells.reduced
    gm = GroupMetrics.from_counts(
        pa.cell_counts(cells, true_bin, np.asarray(pred_bin, dtype=bool)),
        DEFAULT_METRICS if metrics is None else metrics,
        ci=options["ci"],
        ci_method=options["ci_method"],
        n_boot=options["n_boot"],
        random_state=options["random_state"],
        bootstrap=options["bootstrap"],
        min_group_size=options["min_group_size"],
        n_rows=reduced.n_rows - reduced.n_dropped,
        missing_sensitive=reduced.missing,
        pos_label=gm_pos,
    )
    sweep = _cell_sweep(cells, thresholds)
    base = pa.cell_score_statistics(
        cells, true_bin, thresholds=sweep, calibration_bins=calibration_bins
    )
    return _scored_result(
        gm, pos, base, sweep, reduced, reduced, source, threshold, calibration_bins, options
    )


def _cell_labels(cells: Any, use_score: bool, threshold: Any, pos_label: Any) -> tuple:
    """Threshold, positive label, binary labels and predictions of engine cells."""
    true_labels = set(pd.unique(cells.y_true))
    if use_score:
        # the cells hold every observed score, so their range is the rows' range
        threshold = decision_threshold(cells.score, threshold)
        pos = _choose_pos_label(true_labels, pos_label, "values of y_true")
        true_bin = _binarize(cells.y_true, pos)
        pred_bin = cells.score >= threshold
        gm_pos, source = 1, "y_score >= threshold"
    else:
        labels = true_labels | set(pd.unique(cells.y_pred))
        if len(labels) > 2:
            shown = sorted(map(str, labels))[:6]
            raise ValueError(
                f"y_true and y_pred together have {len(labels)} distinct values {shown}; a "
                "binary audit needs two. Binarize them first (e.g. y_pred = score >= threshold)."
            )
        pos = gm_pos = _choose_pos_label(labels, pos_label, "values of y_true and y_pred")
        true_bin = _binarize(cells.y_true, pos)
        pred_bin = _binarize(cells.y_pred, pos)
        source = "y_pred"
    true_bin = np.asarray(true_bin, dtype=bool)
    warn_single_class(true_bin)
    return threshold, pos, gm_pos, true_bin, pred_bin, source


def _cell_sweep(cells: Any, thresholds: Any) -> np.ndarray:
    """Thresholds of the sweep of engine cells (as the pandas path chooses them)."""
    if thresholds is not None:
        return np.unique(np.atleast_1d(np.asarray(thresholds, dtype=float)))
    distinct = np.unique(cells.score)
    if distinct[0] >= 0.0 and distinct[-1] <= 1.0:
        return default_thresholds(distinct, True)
    return np.unique(pa.row_quantiles(cells.score, cells.rows, np.linspace(0.0, 1.0, 101)))
