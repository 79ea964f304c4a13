"""The multiclass audit: per-group K x K confusion counts and one-vs-rest rates per class."""

from __future__ import annotations

from typing import Any

import pandas as pd

from fairscope.audits._rows import (
    Rows,
    common_metadata,
    environment,
    labels_of,
    marginals,
    reference_choices,
    tidy,
    with_feature,
    with_group_columns,
)
from fairscope.compute._disparities import KINDS, concat, declare
from fairscope.compute._multiclass import (
    class_frames,
    confusion_frame,
    criteria_frame,
    metrics_frame,
    reduce_multiclass,
)
from fairscope.core._groups import encode_groups
from fairscope.core._multiclass_counts import MulticlassCounts
from fairscope.engines._multiclass import multiclass_counts
from fairscope.engines._prediction_audits import Reduced
from fairscope.result._audit_result import AuditResult


def multiclass_audit(rows: Rows, *, labels: Any, **options: Any) -> AuditResult:
    """The multiclass audit of resolved rows (the pandas and numpy path)."""
    if rows.y_pred is None:
        raise ValueError("a multiclass audit needs y_pred (the predicted classes).")
    encoded = encode_groups(rows.sensitive)
    base = reduce_multiclass(
        rows.y_true, rows.y_pred, encoded.codes, encoded.index, rows.weight, labels
    )
    return _multiclass_result(base, rows, encoded, options)


def engine_multiclass_audit(
    data: Any,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    sample_weight: Any,
    dropna: bool,
    *,
    labels: Any,
    **options: Any,
) -> AuditResult:
    """A multiclass audit of engine data: the engine returns the K x K cells per group only."""
    if y_pred is None:
        raise ValueError("a multiclass audit needs y_pred (the predicted classes).")
    base = multiclass_counts(
        data, y_true, y_pred, sensitive_features,
        sample_weight=sample_weight, dropna=dropna, labels=labels,
    )  # fmt: skip
    reduced = Reduced.of(base)
    return _multiclass_result(base, reduced, reduced, options)


def _multiclass_result(
    base: MulticlassCounts, rows: Any, encoded: Any, options: dict[str, Any]
) -> AuditResult:
    """The tables of every feature set from the K x K counts of the intersection groups."""
    if len(base.classes) < 2:
        raise ValueError(
            f"y_true and y_pred hold a single class {base.classes}; a classification audit "
            "needs at least two."
        )
    sets = marginals(base.groups)
    parts: dict[str, list[pd.DataFrame]] = {
        k: []
        for k in (
            "multiclass_confusion",
            "multiclass_metrics",
            "intervals",
            "disparities",
            "fairness_criteria",
        )
    }
    choices = reference_choices(
        options["reference"], {label: labels_of(groups) for label, (_, groups) in sets.items()}
    )
    references: dict[str, dict[str, dict[str, str]]] = {}
    for label, (position, groups) in sets.items():
        counts = base.regroup(position, groups)
        names = labels_of(groups)
        frames = class_frames(
            counts,
            ci=options["ci"],
            ci_method=options["ci_method"],
            min_group_size=options["min_group_size"],
        )
        parts["multiclass_confusion"].append(with_feature(confusion_frame(counts, names), label))
        parts["multiclass_metrics"].append(
            with_feature(metrics_frame(counts, frames, names), label)
        )
        parts["fairness_criteria"].append(with_feature(criteria_frame(counts, frames), label))
        references[label] = {}
        for cls, gm in zip(counts.classes, frames, strict=True):
            ci_frame = with_group_columns(gm.confidence_intervals(), label, gm)
            ci_frame.insert(2, "class", cls)
            parts["intervals"].append(ci_frame)
            for kind in KINDS:
                disp = with_group_columns(
                    gm.disparity_intervals(kind, reference=choices[label]), label, gm
                )
                disp["class"] = cls
                parts["disparities"].append(declare(disp))
            references[label][cls] = dict(gm.reference_)
    metadata = common_metadata(rows, "multiclass", encoded, sets, options)
    metadata.update({"classes": base.classes, "reference_groups": references})
    return AuditResult(
        kind="predictions",
        task="multiclass",
        tables={
            name: concat(frames) if name == "disparities" else tidy(frames)
            for name, frames in parts.items()
        },
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
    )
