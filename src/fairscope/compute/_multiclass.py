"""Multiclass fairness from per-group K x K confusion counts.

The sufficient statistic of a multiclass audit is, per group, the (weighted)
K x K confusion matrix, :class:`~fairscope.core._multiclass_counts.MulticlassCounts`
(defined in core with its reducer, re-exported here). Each class ``k`` then gives a one-vs-rest binary
table (TN, FP, FN, TP per group) that is an ordinary
:class:`~fairscope.core._counts.GroupCounts`, so every binary metric, interval and
disparity applies per class unchanged.

Generalised criteria take the worst class: the multiclass demographic parity
difference is the largest, over classes, between-group difference of the
per-class selection rate (the share of the group predicted as that class);
the equalized odds difference is the largest, over classes, of the
between-group differences of the one-vs-rest TPR and FPR (Hardt et al. 2016,
extended one-vs-rest as in e.g. Putzel and Lee, "Blackbox post-processing for
multiclass fairness", 2022).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from fairscope.compute._group_metrics import GroupMetrics
from fairscope.core._multiclass_counts import MulticlassCounts, reduce_multiclass
from fairscope.core._registry import CLASS_METRICS, get_metric

__all__ = [
    "CLASS_METRICS",
    "MACRO",
    "MulticlassCounts",
    "class_frames",
    "confusion_frame",
    "criteria_frame",
    "metrics_frame",
    "reduce_multiclass",
]

#: Label of the rows holding macro averages.
MACRO = "<macro>"


def class_frames(
    counts: MulticlassCounts, *, ci: float, ci_method: str, min_group_size: int
) -> list[GroupMetrics]:
    """One binary :class:`GroupMetrics` per class (one-vs-rest)."""
    return [
        GroupMetrics.from_counts(
            counts.one_vs_rest(k),
            CLASS_METRICS,
            ci=ci,
            ci_method=ci_method,
            min_group_size=min_group_size,
        )
        for k in range(len(counts.classes))
    ]


def confusion_frame(counts: MulticlassCounts, labels: list[str]) -> pd.DataFrame:
    """Tidy K x K confusion counts per group: ``group, true_label, predicted_label, count, rows``."""
    g, k = len(labels), len(counts.classes)
    return pd.DataFrame(
        {
            "group": np.repeat(labels, k * k),
            "true_label": np.tile(np.repeat(counts.classes, k), g),
            "predicted_label": np.tile(counts.classes, g * k),
            "count": counts.weighted.reshape(-1),
            "rows": counts.rows.reshape(-1).astype(np.int64),
        }
    )


def metrics_frame(
    counts: MulticlassCounts, frames: list[GroupMetrics], labels: list[str]
) -> pd.DataFrame:
    """Per group and class one-vs-rest rates, plus ``<macro>`` rows (mean over classes).

    On ``<macro>`` rows ``accuracy`` is the group's multiclass accuracy (share of
    rows whose predicted class is the true class) and ``selection_rate`` and
    ``base_rate`` are empty (they sum to 1 over classes). Macro means ignore
    classes for which a rate is undefined in the group.
    """
    parts = []
    for cls, gm in zip(counts.classes, frames, strict=True):
        by_group = gm.by_group.reset_index(drop=True)
        by_group.insert(0, "class", cls)
        by_group.insert(0, "n", gm.group_sizes.to_numpy())
        by_group.insert(0, "group", labels)
        parts.append(by_group)
    per_class = pd.concat(parts, ignore_index=True)
    values = np.stack([gm.by_group.to_numpy() for gm in frames])  # (K, G, M)
    with warnings.catch_warnings():
        # a rate undefined for every class of a group is NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        macro = np.nanmean(values, axis=0)
    macro = pd.DataFrame(macro, columns=list(CLASS_METRICS))
    macro["selection_rate"] = np.nan
    macro["base_rate"] = np.nan
    macro["accuracy"] = get_metric("multiclass_accuracy").compute(counts)
    macro.insert(0, "class", MACRO)
    macro.insert(0, "n", counts.rows.sum(axis=(1, 2)))
    macro.insert(0, "group", labels)
    return pd.concat([per_class, macro], ignore_index=True)


def criteria_frame(counts: MulticlassCounts, frames: list[GroupMetrics]) -> pd.DataFrame:
    """Generalised criteria: worst class of the between-group differences and ratios."""
    rows = []
    differences = [gm.difference() for gm in frames]
    sel = np.array([d["selection_rate"] for d in differences])
    sel_ratio = np.array([gm.ratio()["selection_rate"] for gm in frames])
    tpr = np.array([d["true_positive_rate"] for d in differences])
    fpr = np.array([d["false_positive_rate"] for d in differences])
    eo = np.fmax(tpr, fpr)

    def worst(values: np.ndarray, lowest: bool = False) -> tuple[float, str | None]:
        if np.isnan(values).all():
            return float("nan"), None
        i = int(np.nanargmin(values) if lowest else np.nanargmax(values))
        return float(values[i]), counts.classes[i]

    for name, values, lowest, definition in (
        (
            "demographic_parity_difference",
            sel,
            False,
            "largest over classes of the between-group difference in the share predicted as "
            "the class",
        ),
        (
            "demographic_parity_ratio",
            sel_ratio,
            True,
            "smallest over classes of the between-group ratio of the share predicted as the class",
        ),
        (
            "equalized_odds_difference",
            eo,
            False,
            "largest over classes of the between-group difference in one-vs-rest TPR or FPR",
        ),
        (
            "equal_opportunity_difference",
            tpr,
            False,
            "largest over classes of the between-group difference in one-vs-rest TPR",
        ),
    ):
        value, cls = worst(values, lowest)
        rows.append(
            {"criterion": name, "value": value, "worst_class": cls, "definition": definition}
        )
    return pd.DataFrame(rows)
