"""The regression audit: per-group error metrics, and selection-style parity at thresholds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._binary_audit import binary_tables
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
from fairscope.compute._regression import (
    as_numeric,
    reduce_regression,
    regression_disparities,
    regression_frame,
    selection_thresholds,
)
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import encode_groups
from fairscope.engines._prediction_audits import regression_statistics
from fairscope.result._audit_result import AuditResult


def regression_audit(
    rows: Rows, *, selection_threshold: Any, selection_quantile: Any, **options: Any
) -> AuditResult:
    if rows.y_pred is None:
        raise ValueError("a regression audit needs y_pred (the predictions).")
    y = as_numeric(rows.y_true, "y_true")
    p = as_numeric(rows.y_pred, "y_pred")
    encoded = encode_groups(rows.sensitive)
    base = reduce_regression(y, p, encoded.codes, encoded.index, rows.weight)
    tables, metadata = _regression_tables(base, rows, encoded, options)
    statistics: dict[str, GroupCounts] = {}
    cuts = selection_thresholds(p, selection_threshold, selection_quantile)
    if cuts:
        selection: list[pd.DataFrame] = []
        disparities = [tables["disparities"]]
        for t, how in cuts:
            gm = GroupMetrics(
                (y >= t).astype(np.int64),
                (p >= t).astype(np.int64),
                rows.sensitive,
                metrics=[
                    "count",
                    "selection_rate",
                    "base_rate",
                    "true_positive_rate",
                    "false_positive_rate",
                ],
                sample_weight=rows.weight,
                ci=options["ci"],
                ci_method=options["ci_method"],
                min_group_size=options["min_group_size"],
            )
            sel_sets = feature_sets(gm)
            sel_tables, _ = binary_tables(sel_sets, options["reference"])
            for name, target in (("group_metrics", selection), ("disparities", disparities)):
                frame = sel_tables[name]
                frame.insert(2, "threshold", t)
                frame.insert(3, "selection", how)
                target.append(frame)
            if len(cuts) == 1:
                statistics = {label: s.statistics for label, s in sel_sets.items()}
        tables["selection_metrics"] = pd.concat(selection, ignore_index=True)
        tables["disparities"] = concat(disparities)
        metadata["selection_thresholds"] = [{"threshold": t, "chosen_by": how} for t, how in cuts]
    return _regression_result(tables, metadata, statistics, options)


def engine_regression_audit(
    data: Any,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    sample_weight: Any,
    dropna: bool,
    **options: Any,
) -> AuditResult:
    """A regression audit of engine data: the engine returns per-group moments only."""
    if y_pred is None:
        raise ValueError("a regression audit needs y_pred (the predictions).")
    base, reduced = regression_statistics(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna
    )
    tables, metadata = _regression_tables(base, reduced, reduced, options)
    return _regression_result(tables, metadata, {}, options)


def _regression_result(
    tables: dict[str, pd.DataFrame], metadata: dict, statistics: dict, options: dict
) -> AuditResult:
    metadata["reference_groups"] = {
        label: dict(zip(sub["metric"], sub["reference"], strict=False))
        for label, sub in tables["disparities"].groupby("feature", sort=False)
    }
    return AuditResult(
        kind="predictions",
        task="regression",
        tables=tables,
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
        statistics=statistics,
    )


def _regression_tables(
    base: Any, rows: Any, encoded: Any, options: dict
) -> tuple[dict[str, pd.DataFrame], dict]:
    """The regression metric and disparity tables of every feature set, and the metadata."""
    sets = marginals(base.groups)
    choices = reference_choices(
        options["reference"], {label: labels_of(groups) for label, (_, groups) in sets.items()}
    )
    metric_frames, disparity_frames = [], []
    for label, (position, groups) in sets.items():
        frame = regression_frame(base.regroup(position, groups), labels_of(groups), options["ci"])
        metric_frames.append(with_feature(frame, label))
        disparities = regression_disparities(
            frame, choices[label], options["min_group_size"], options["ci"], feature_set=label
        )
        disparity_frames.append(declare(disparities, label))
    tables = {
        "regression_metrics": tidy(metric_frames),
        "disparities": concat(disparity_frames),
    }
    return tables, common_metadata(rows, "regression", encoded, sets, options)
