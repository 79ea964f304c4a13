"""What each report chart shows: per-group values or judged disparities, read from the result.

The series come from :mod:`fairscope.report._plot_data` (the same data as
``AuditResult.plot``); the drawing is :mod:`fairscope.report._svg_charts`. Titles
follow one pattern, "<what> by <feature set>", and axis titles say in words what
is compared with what.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fairscope.report._bars import as_number
from fairscope.report._formatting import column_label, metric_label, slug
from fairscope.report._plot_data import comparison_words, disparity_series, value_series
from fairscope.report._svg_charts import Axis, Bar, bar_chart

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.report._privacy import Sizes
    from fairscope.result._audit_result import AuditResult


def min_group_size(result: AuditResult) -> int | None:
    """The audit's minimum group size for a verdict (groups below it are drawn faint)."""
    value = result.metadata.get("min_group_size")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def series_bars(
    series: dict[str, Any], feature: str, sizes: Sizes, minimum: int | None
) -> list[Bar]:
    """One :class:`Bar` per group of a series, with suppression and small groups marked."""
    statuses = series.get("statuses") or [""] * len(series["groups"])
    reference = series.get("reference")
    out = []
    for i, group in enumerate(series["groups"]):
        n = sizes.n.get((feature, str(group)), series["n"][i])
        n = None if n is None or as_number(n) != as_number(n) else as_number(n)
        hidden = sizes.note if n is not None and sizes.hidden_n(n) else ""
        out.append(
            Bar(
                label=str(group),
                value=as_number(series["values"][i]),
                lower=as_number(series["lower"][i]),
                upper=as_number(series["upper"][i]),
                status=str(statuses[i] or ""),
                n=n,
                hidden=hidden,
                small=minimum is not None and n is not None and n < minimum,
                is_reference=str(group) == str(reference) and not series.get("statuses"),
            )
        )
    return out


def _description(label: str, feature: str, axis: Axis, judged: bool) -> str:
    parts = [f"Horizontal bar chart of {axis.title.lower()} for each group of {feature}"]
    parts.append("with confidence-interval whiskers")
    if axis.threshold is not None:
        parts.append(
            f"a dashed line at the threshold {axis.threshold:g} with the failing side shaded"
        )
    if axis.reference_value is not None:
        parts.append("a dash-dotted line at the reference group's value")
    if judged:
        parts.append("and each group's status written at the end of its row")
    return ", ".join(parts) + f". {label}: the values are listed in the table."


def metric_chart(
    result: AuditResult,
    metric: str,
    feature: str,
    sizes: Sizes,
    used: set[str],
    judged: bool,
    cls: Any = None,
    feature_words: str | None = None,
) -> str:
    """The chart of one metric for one feature set (and class): an inline SVG, or ``""``."""
    try:
        if judged:
            series = disparity_series(result, metric, feature)
        else:
            series = value_series(result, metric, feature, cls)
    except (ValueError, KeyError):
        return ""
    if not any(math.isfinite(as_number(v)) for v in series["values"]):
        return ""  # e.g. Brier score of decile scores: a chart of "undefined" says nothing
    label = metric_label(metric)
    shown = feature_words or feature
    if judged:
        comparison = str(series["comparison"])
        signed = "difference" in comparison
        two_sided = _two_sided(result, series)
        if two_sided:
            series = _signed_series(result, series, feature, "difference" if signed else "ratio")
        threshold = _finite(series.get("threshold"))
        band = None
        if two_sided and threshold is not None:
            # the rule judged |d| (or min(r, 1/r)); the chart shows the signed value and both limits
            band = (-abs(threshold), abs(threshold)) if signed else _ratio_band(threshold)
        axis = Axis(
            title=f"{label}: {comparison_words(comparison)} ({series.get('reference')})",
            baseline=0.0 if signed else 1.0,
            signed=signed,
            threshold=None if band else threshold,
            warn_threshold=None if band else _finite(series.get("warn_threshold")),
            bound=str(series.get("bound") or "min"),
            band=band,
        )
    else:
        reference = series.get("reference")
        axis = Axis(
            title=label,
            reference_value=_finite(series.get("reference_value")),
            reference_label=f"reference: {reference}" if reference else "reference",
        )
    title = f"{label} by {shown}"
    return bar_chart(
        series_bars(series, feature, sizes, min_group_size(result)),
        axis,
        title=title,
        description=_description(label, shown, axis, judged),
        element_id=slug(f"p-{metric}-{feature}-{cls}", used),
    )


def _two_sided(result: AuditResult, series: dict[str, Any]) -> bool:
    """Whether the rule behind a judged series counts deviations in both directions."""
    rules = (result.policy or {}).get("rules") or []
    rule = next(
        (r for r in rules if isinstance(r, dict) and r.get("id") == series.get("rule_id")), None
    )
    return rule is not None and rule.get("direction") == "both"


def _ratio_band(threshold: float) -> tuple[float, float]:
    low = threshold if threshold <= 1 else 1 / threshold
    return (low, 1 / low) if low > 0 else (0.0, math.inf)


def _signed_series(
    result: AuditResult, series: dict[str, Any], feature: str, kind: str
) -> dict[str, Any]:
    """The judged groups' signed disparities (value and interval) from the disparities table."""
    table = result.tables.get("disparities")
    if table is None or not {"feature", "metric", "kind", "group"} <= set(table.columns):
        return series
    metric = next((f.metric for f in result.findings if f.rule_id == series.get("rule_id")), None)
    rows = table[
        (table["feature"] == feature) & (table["metric"] == metric) & (table["kind"] == kind)
    ]
    by_group = {str(r["group"]): r for r in rows.to_dict("records")}
    if not all(str(g) in by_group for g in series["groups"]):
        return series
    out = dict(series)
    for key, column in (("values", "estimate"), ("lower", "lower"), ("upper", "upper")):
        out[key] = [by_group[str(g)].get(column, math.nan) for g in series["groups"]]
    return out


def _finite(value: Any) -> float | None:
    x = as_number(value)
    return x if math.isfinite(x) else None


__all__ = ["column_label", "metric_chart", "min_group_size", "series_bars"]
