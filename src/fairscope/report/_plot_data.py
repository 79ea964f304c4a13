"""What fairscope's figures show, read from an AuditResult's tables (or a GroupMetrics).

Each function returns a *series*: a dict of group labels, values, interval
bounds, sizes and, for disparities, the statuses and threshold a policy judged.
Nothing is recomputed; :mod:`fairscope.report._plots` draws the series with
:mod:`fairscope.report._bars`, and the HTML report and notebook view read the
same rows.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from fairscope.core._groups import OVERALL, group_label
from fairscope.core._registry import REGISTRY

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.result._audit_result import AuditResult


def metric_label(name: str) -> str:
    """The registry's label of a metric, or its name in words."""
    metric = REGISTRY.get(name)
    return metric.label if metric is not None else name.replace("_", " ")


def default_metric(result: AuditResult) -> str:
    """The metric a plot shows when none is named: the worst finding's, else the first."""
    for finding in result.worst_findings(len(result.findings)):
        return finding.metric
    metrics = [m for m in result.meta.metrics if m != "count"]
    if metrics:
        return metrics[0]
    for name in ("intervals", "disparities"):
        table = result.tables.get(name)
        if table is not None and len(table) and "metric" in table.columns:
            return str(table["metric"].iloc[0])
    raise ValueError("this result has no per-group metric table to plot ('intervals').")


#: Recent tables split by (feature, metric): a report reads each part of them several times,
#: and a boolean mask over Arrow strings per read cost a third of the report's CPU time.
_SPLITS: dict[int, tuple[Any, int, dict[tuple[str, str], Any]]] = {}
_SPLIT_LOCK = threading.Lock()


def _split(table: Any) -> dict[tuple[str, str], Any]:
    with _SPLIT_LOCK:
        hit = _SPLITS.get(id(table))
    if hit is not None and hit[0] is table and hit[1] == len(table):
        return hit[2]
    parts = {
        (str(f), str(m)): rows for (f, m), rows in table.groupby(["feature", "metric"], sort=False)
    }
    with _SPLIT_LOCK:
        if len(_SPLITS) >= 8:  # a few results at a time; the oldest is dropped
            _SPLITS.pop(next(iter(_SPLITS)))
        _SPLITS[id(table)] = (table, len(table), parts)  # kept: its id is not reused
    return parts


def _rows(table: Any, feature: str, metric: str, cls: Any = None) -> Any:
    rows = _split(table).get((str(feature), str(metric)))
    if rows is None:
        rows = table.iloc[0:0]
    if cls is not None and "class" in rows.columns:
        rows = rows[rows["class"].astype(str) == str(cls)]
    return rows


#: Tables holding the number of rows of each group (first found wins).
SIZE_TABLES = (
    "group_metrics",
    "counts",
    "representation",
    "regression_metrics",
    "multiclass_metrics",
    "score_metrics",
    "disparities",
)


def metric_classes(result: AuditResult, metric: str, feature: str) -> list[Any]:
    """The classes a metric is reported for (``[None]`` unless the task is multiclass)."""
    for name in ("intervals", "disparities"):
        table = result.tables.get(name)
        if table is None or not {"feature", "metric", "class"} <= set(table.columns):
            continue
        rows = _rows(table, feature, metric)
        if len(rows):
            return list(dict.fromkeys(rows["class"]))
    return [None]


def metric_rows(result: AuditResult, metric: str, feature: str, cls: Any = None) -> Any:
    """Value and interval of one metric per group (overall row included when available).

    Read from the ``"intervals"`` table, or for tasks without one (regression)
    from the group values of the ``"disparities"`` table, with intervals from a
    wide table holding ``<metric>_lower`` and ``<metric>_upper`` columns.
    Returns a DataFrame with ``group, estimate, lower, upper``, or None.
    """
    table = result.tables.get("intervals")
    if table is not None and {"feature", "group", "metric", "estimate"} <= set(table.columns):
        rows = _rows(table, feature, metric, cls)
        if len(rows):
            return pd.DataFrame(
                {
                    "group": rows["group"].astype(str).to_numpy(),
                    "estimate": rows["estimate"].to_numpy(),
                    "lower": rows["lower"].to_numpy() if "lower" in rows else math.nan,
                    "upper": rows["upper"].to_numpy() if "upper" in rows else math.nan,
                }
            )
    table = result.tables.get("disparities")
    if table is None or not {"feature", "group", "metric", "value"} <= set(table.columns):
        return None
    rows = _rows(table, feature, metric, cls).drop_duplicates("group")
    if rows.empty:
        return None
    bounds: dict[str, tuple[float, float]] = {}
    for wide in result.tables.values():
        if {"feature", "group", f"{metric}_lower", f"{metric}_upper"} <= set(wide.columns):
            sub = wide[wide["feature"] == feature]
            bounds = {
                str(g): (lo, hi)
                for g, lo, hi in zip(
                    sub["group"], sub[f"{metric}_lower"], sub[f"{metric}_upper"], strict=True
                )
            }
            break
    groups = rows["group"].astype(str).tolist()
    return pd.DataFrame(
        {
            "group": groups,
            "estimate": rows["value"].to_numpy(),
            "lower": [bounds.get(g, (math.nan, math.nan))[0] for g in groups],
            "upper": [bounds.get(g, (math.nan, math.nan))[1] for g in groups],
        }
    )


def _reference(result: AuditResult, metric: str, feature: str) -> Any:
    reference = result.reference_for(feature, metric)
    if reference is not None:
        return reference
    table = result.tables.get("disparities")
    if table is not None and {"feature", "metric", "reference"} <= set(table.columns):
        rows = _rows(table, feature, metric)
        if len(rows):
            return str(rows["reference"].iloc[0])
    return None


def value_series(result: AuditResult, metric: str, feature: str, cls: Any = None) -> dict[str, Any]:
    """Per-group value, interval and size of one metric, read from the result's tables."""
    rows = metric_rows(result, metric, feature, cls)
    if rows is None:
        table = result.tables.get("intervals")
        if table is None:
            table = result.tables.get("disparities")
        known = (
            (sorted(map(str, set(table["metric"]))), sorted(map(str, set(table["feature"]))))
            if table is not None and {"metric", "feature"} <= set(table.columns)
            else ([], [])
        )
        raise ValueError(
            f"no rows for metric={metric!r} and feature={feature!r}; "
            f"known metrics {known[0]}, features {known[1]}."
        )
    reference = _reference(result, metric, feature)
    hit = rows[rows["group"] == reference]
    ref_value = float(hit["estimate"].iloc[0]) if len(hit) else None
    rows = rows[rows["group"] != OVERALL]
    sizes = _group_sizes(result, feature)
    groups = rows["group"].tolist()
    return {
        "groups": groups,
        "values": rows["estimate"].tolist(),
        "lower": rows["lower"].tolist(),
        "upper": rows["upper"].tolist(),
        "n": [sizes.get(g) for g in groups],
        "reference": reference,
        "reference_value": ref_value,
    }


def _group_sizes(result: AuditResult, feature: str) -> dict[str, int]:
    for name in SIZE_TABLES:
        table = result.tables.get(name)
        if table is not None and {"feature", "group", "n"} <= set(table.columns):
            rows = table[table["feature"] == feature]
            return {str(g): int(n) for g, n in zip(rows["group"], rows["n"], strict=True) if n == n}
    return {}


def disparity_series(
    result: AuditResult, metric: str, feature: str, comparison: str | None = None
) -> dict[str, Any]:
    """Per-group disparity of one metric with its interval.

    When policy findings judge this metric on this feature, their values,
    intervals, thresholds and statuses are used (what the verdict is about);
    otherwise the ``"disparities"`` table (ratio to the reference by default).
    """
    findings = [f for f in result.findings if f.metric == metric and f.feature == feature]
    if comparison is not None:
        findings = [f for f in findings if f.comparison.startswith(comparison)]
    if findings:
        rule = findings[0].rule_id
        chosen = [f for f in findings if f.rule_id == rule]
        first = chosen[0]
        return {
            "groups": [f.group for f in chosen],
            "values": [f.value for f in chosen],
            "lower": [f.lower for f in chosen],
            "upper": [f.upper for f in chosen],
            "n": [f.n for f in chosen],
            "statuses": [f.status.value for f in chosen],
            "threshold": first.threshold,
            "warn_threshold": first.warn_threshold,
            "bound": first.bound,
            "comparison": first.comparison,
            "reference": first.reference,
            "rule_id": rule,
        }
    table = result.tables.get("disparities")
    if table is None:
        raise ValueError("result has no 'disparities' table; plot(kind='disparity') needs it.")
    kind = (comparison or "ratio").split("_")[0]
    rows = _rows(table, feature, metric)
    rows = rows[(rows["kind"] == kind) & (rows["group"] != OVERALL)]
    if rows.empty:
        raise ValueError(f"no {kind} disparities for metric={metric!r} and feature={feature!r}.")
    return {
        "groups": [str(g) for g in rows["group"]],
        "values": rows["estimate"].tolist(),
        "lower": rows["lower"].tolist(),
        "upper": rows["upper"].tolist(),
        "n": rows["n"].tolist(),
        "statuses": None,
        "threshold": None,
        "warn_threshold": None,
        "bound": "min",
        "comparison": f"{kind}_to_reference",
        "reference": str(rows["reference"].iloc[0]),
        "rule_id": None,
    }


def comparison_words(comparison: str) -> str:
    """``"ratio_to_reference"`` -> ``"ratio to the reference group"``."""
    kind, _, against = comparison.partition("_")
    target = {
        "to_reference": "to the reference group",
        "to_overall": "to the overall value",
        "between_groups": "between groups",
    }.get(against, against.replace("_", " "))
    return f"{kind} {target}".strip()


def _labels(gm: GroupMetrics) -> dict[Any, str]:
    return {k: group_label(k, gm.sensitive_features) for k in gm.statistics.groups}


def _key(row: tuple[Any, ...]) -> Any:
    return row if len(row) > 1 else row[0]


def group_value_series(gm: GroupMetrics, metric: str, reference: Any) -> dict[str, Any]:
    """Per-group value and interval of one metric of a GroupMetrics (as :func:`value_series`)."""
    features = gm.sensitive_features
    label_of = _labels(gm)
    sizes = dict(zip(label_of.values(), gm.statistics.group_rows.tolist(), strict=True))
    table = gm.confidence_intervals()
    rows = table[table["metric"] == metric]
    keys = list(rows[list(features)].itertuples(index=False, name=None))
    groups, values, lower, upper = [], [], [], []
    for key, est, lo, hi in zip(keys, rows["estimate"], rows["lower"], rows["upper"], strict=True):
        if key[0] == OVERALL:
            continue
        groups.append(label_of[_key(key)])
        values.append(est)
        lower.append(lo)
        upper.append(hi)
    ref = gm.reference_groups(reference)[metric]
    ref_label = OVERALL if ref == OVERALL else group_label(ref, features)
    ref_value = gm.overall[metric] if ref == OVERALL else values[groups.index(ref_label)]
    return {
        "groups": groups,
        "values": values,
        "lower": lower,
        "upper": upper,
        "n": [sizes[g] for g in groups],
        "reference": ref_label,
        "reference_value": ref_value,
    }


def group_disparity_series(
    gm: GroupMetrics, metric: str, comparison: Literal["ratio", "difference"], reference: Any
) -> dict[str, Any]:
    """Per-group disparity of one metric of a GroupMetrics (as :func:`disparity_series`)."""
    label_of = _labels(gm)
    table = gm.disparity_intervals(comparison, reference=reference)
    rows = table[table["metric"] == metric]
    keys = list(rows[list(gm.sensitive_features)].itertuples(index=False, name=None))
    return {
        "groups": [label_of[_key(k)] for k in keys],
        "values": rows["estimate"].tolist(),
        "lower": rows["lower"].tolist(),
        "upper": rows["upper"].tolist(),
        "n": rows["n"].tolist(),
        "statuses": None,
        "comparison": f"{comparison}_to_reference",
        "reference": str(rows["reference"].iloc[0]),
    }


__all__ = [
    "SIZE_TABLES",
    "comparison_words",
    "default_metric",
    "disparity_series",
    "group_disparity_series",
    "group_value_series",
    "metric_classes",
    "metric_label",
    "metric_rows",
    "value_series",
]
