"""Matplotlib figures of audit results: per-group values and disparities with intervals.

Figures are drawn on :class:`matplotlib.figure.Figure` objects created without
pyplot, so no GUI backend is touched and nothing is kept in global state;
matplotlib is imported only when a figure is drawn. The values plotted are read
from the tables of an :class:`~fairscope.result._audit_result.AuditResult` (or from a
:class:`~fairscope.GroupMetrics`), never recomputed.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.result._audit_result import AuditResult

#: Okabe-Ito palette (colour-blind safe), by status.
STATUS_COLORS: dict[str, str] = {
    "PASS": "#009E73",
    "WARN": "#E69F00",
    "FAIL": "#D55E00",
    "INCONCLUSIVE": "#56B4E9",
    "SKIPPED": "#999999",
    "WAIVED": "#CC79A7",
    "ERROR": "#000000",
    "": "#0072B2",
}
#: Hatch per status, so that the status does not rest on colour alone.
STATUS_HATCHES: dict[str, str] = {
    "FAIL": "xx",
    "WARN": "//",
    "INCONCLUSIVE": "--",  # dotted hatches would cost ~50 kB of SVG circles per bar group
    "SKIPPED": "",
    "WAIVED": "\\\\",
    "ERROR": "xx",
}
#: Most groups drawn in one figure; the rest are named in a note.
MAX_BARS = 40
_OVERALL = "<overall>"


def _nan(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def plain(text: Any) -> str:
    """Text shown literally by matplotlib (a ``$`` in a group label is no math)."""
    return str(text).replace("$", r"\$")


def draw_bars(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[float],
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    *,
    statuses: Sequence[str] | None = None,
    suppressed: Sequence[bool] | None = None,
    suppress_note: str = "suppressed",
    reference_line: float | None = None,
    reference_label: str = "reference",
    reference_group: str | None = None,
    threshold: float | None = None,
    warn_threshold: float | None = None,
    bound: str = "min",
    baseline: float = 0.0,
    xlabel: str = "",
    title: str = "",
) -> None:
    """Horizontal bars (one per group) with interval whiskers, on ``ax``.

    Bars start at ``baseline`` (1 for ratios); ``threshold`` draws a line and
    shades the failing side (below it when ``bound="min"``, above when
    ``"max"``), ``warn_threshold`` a dotted line. Statuses colour and hatch the
    bars and are written next to them, so colour is never the only cue.
    Suppressed groups get no bar, only the note.
    """
    n = len(labels)
    if n > MAX_BARS:
        ax.text(
            0.0,
            -0.08,
            f"{n - MAX_BARS} more groups not drawn (see the table)",
            transform=ax.transAxes,
            fontsize=8,
            va="top",
        )
        n = MAX_BARS
    statuses = list(statuses) if statuses is not None else [""] * n
    suppressed = list(suppressed) if suppressed is not None else [False] * n
    ys = list(range(n))[::-1]
    finite = []
    for i in range(n):
        y = ys[i]
        status = statuses[i] or ""
        if suppressed[i]:
            ax.text(baseline, y, f"  {suppress_note}", va="center", fontsize=8, color="#555555")
            continue
        v = _nan(values[i])
        if math.isnan(v):
            ax.text(baseline, y, "  undefined", va="center", fontsize=8, color="#555555")
            continue
        finite.append(v)
        color = STATUS_COLORS.get(status, STATUS_COLORS[""])
        ax.barh(
            y,
            v - baseline,
            left=baseline,
            height=0.6,
            color=color,
            alpha=0.85,
            hatch=STATUS_HATCHES.get(status, ""),
            edgecolor="white" if status not in STATUS_HATCHES else "#333333",
            linewidth=0.5,
        )
        lo = _nan(lower[i]) if lower is not None else math.nan
        hi = _nan(upper[i]) if upper is not None else math.nan
        if not (math.isnan(lo) or math.isnan(hi)):
            finite += [lo, hi]
            # drawn as a line with caps: an interval need not contain its estimate
            ax.plot([lo, hi], [y, y], color="#222222", linewidth=1.2, marker="|", markersize=7)
        note = "reference" if labels[i] == reference_group else status
        if note:
            end = max(v, baseline, hi) if not math.isnan(hi) else max(v, baseline)
            ax.text(end, y, f"  {note}", va="center", fontsize=7.5, color="#222222")
            finite.append(end)
    ax.set_yticks(ys, [plain(label) for label in labels[:n]])
    ax.axvline(baseline, color="#444444", linewidth=0.8)
    lines = [v for v in (threshold, warn_threshold, reference_line) if v is not None]
    finite += [_nan(v) for v in lines]
    finite = [v for v in finite if not math.isnan(v)] or [baseline, baseline + 1]
    lo_x, hi_x = min(*finite, baseline), max(*finite, baseline)
    pad = (hi_x - lo_x) * 0.18 or 0.1
    ax.set_xlim(lo_x - pad * 0.3, hi_x + pad)
    if threshold is not None and not math.isnan(_nan(threshold)):
        left, right = ax.get_xlim()
        if bound == "max":
            ax.axvspan(threshold, right, color=STATUS_COLORS["FAIL"], alpha=0.10, lw=0)
        else:
            ax.axvspan(left, threshold, color=STATUS_COLORS["FAIL"], alpha=0.10, lw=0)
        ax.axvline(threshold, color=STATUS_COLORS["FAIL"], linestyle="--", linewidth=1.2)
        ax.text(
            threshold,
            1.01,
            f"threshold {threshold:g}",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            ha="center",
            va="bottom",
            color="#8a3300",
        )
        ax.set_xlim(left, right)
    if warn_threshold is not None and not math.isnan(_nan(warn_threshold)):
        ax.axvline(warn_threshold, color="#8a6100", linestyle=":", linewidth=1.2)
    if reference_line is not None and not math.isnan(_nan(reference_line)):
        ax.axvline(reference_line, color="#0072B2", linestyle="-.", linewidth=1)
        ax.text(
            reference_line,
            1.01,
            plain(reference_label),
            transform=ax.get_xaxis_transform(),
            fontsize=7.5,
            ha="center",
            va="bottom",
            color="#0072B2",
        )
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(plain(xlabel))
    if title:
        ax.set_title(plain(title), fontsize=10, loc="left", pad=14)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def new_figure(n_bars: int, width: float = 7.0, labels: Sequence[str] = ()) -> Figure:
    """A pyplot-free figure sized for ``n_bars`` horizontal bars labelled ``labels``.

    Margins are set from the label lengths instead of a layout engine, which
    would draw every figure twice.
    """
    from matplotlib.figure import Figure

    height = 1.25 + 0.3 * min(max(n_bars, 1), MAX_BARS)
    fig = Figure(figsize=(width, height))
    longest = max((len(str(label)) for label in labels), default=8)
    left = min(0.55, (0.3 + 0.085 * longest) / width)
    fig.subplots_adjust(left=left, right=0.9, top=1 - 0.5 / height, bottom=0.5 / height + 0.02)
    return fig


def _metric_label(name: str) -> str:
    from fairscope.core._registry import REGISTRY

    metric = REGISTRY.get(name)
    return metric.label if metric is not None else name.replace("_", " ")


def _default_metric(result: AuditResult) -> str:
    for finding in result.worst_findings(len(result.findings)):
        return finding.metric
    metrics = [m for m in result.metadata.get("metrics", []) if m != "count"]
    if metrics:
        return metrics[0]
    for name in ("intervals", "disparities"):
        table = result.tables.get(name)
        if table is not None and len(table) and "metric" in table.columns:
            return str(table["metric"].iloc[0])
    raise ValueError("this result has no per-group metric table to plot ('intervals').")


def _rows(table: Any, feature: str, metric: str, cls: Any = None) -> Any:
    rows = table[(table["feature"] == feature) & (table["metric"] == metric)]
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
    import pandas as pd

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
    reference = result.metadata.get("reference_groups", {}).get(feature, {})
    if isinstance(reference, dict) and reference.get(metric) is not None:
        return str(reference[metric])
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
    rows = rows[rows["group"] != _OVERALL]
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
    rows = rows[(rows["kind"] == kind) & (rows["group"] != _OVERALL)]
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


def draw_series(
    ax: Axes,
    series: dict[str, Any],
    *,
    kind: str,
    metric: str,
    feature: str,
    suppress_below: int | None = None,
) -> None:
    """Draw a series from :func:`value_series` or :func:`disparity_series` on ``ax``."""
    sizes = series["n"]
    suppressed = [
        suppress_below is not None and n is not None and int(n) < suppress_below for n in sizes
    ]
    note = f"suppressed (n < {suppress_below})"
    label = _metric_label(metric)
    if kind == "value":
        reference = series.get("reference")
        ref_hidden = reference in series["groups"] and suppressed[series["groups"].index(reference)]
        draw_bars(
            ax,
            series["groups"],
            series["values"],
            series["lower"],
            series["upper"],
            suppressed=suppressed,
            suppress_note=note,
            reference_line=None if ref_hidden else series.get("reference_value"),
            reference_label=f"reference: {reference}" if reference else "reference",
            reference_group=reference,
            xlabel=label,
            title=f"{label} by {feature}",
        )
        return
    comparison = series["comparison"]
    is_ratio = comparison.startswith("ratio")
    draw_bars(
        ax,
        series["groups"],
        series["values"],
        series["lower"],
        series["upper"],
        statuses=series.get("statuses"),
        suppressed=suppressed,
        suppress_note=note,
        threshold=series.get("threshold"),
        warn_threshold=series.get("warn_threshold"),
        bound=series.get("bound") or "min",
        reference_group=series.get("reference"),
        baseline=1.0 if is_ratio else 0.0,
        xlabel=f"{label}: {comparison_words(comparison)} ({series.get('reference')})",
        title=f"{label} by {feature}",
    )


def plot_result(
    result: AuditResult,
    metric: str | None = None,
    feature: str | None = None,
    kind: str = "value",
    ax: Axes | None = None,
    *,
    comparison: str | None = None,
    suppress_below: int | None = None,
    class_label: Any = None,
) -> Figure:
    """Per-group bars with interval whiskers for one metric of an audit.

    Parameters
    ----------
    result : AuditResult
    metric : str, optional
        Canonical metric name or alias; default the metric of the worst finding,
        else the first audited metric.
    feature : str, optional
        Feature set label (``"race"``, ``"race & sex"``); default the first.
    kind : {"value", "disparity"}, default "value"
        ``"value"``: the metric per group with its interval and the reference
        group's value as a line. ``"disparity"``: each group against the
        reference; when a policy judged the metric, the judged values, the
        threshold (failing side shaded) and the statuses are drawn.
    ax : matplotlib Axes, optional
        Draw there instead of on a new figure.
    comparison : {"ratio", "difference"}, optional
        Which disparity to draw when ``kind="disparity"``.
    suppress_below : int, optional
        Groups with fewer rows are drawn without a value.
    class_label : optional
        The class of a multiclass audit (default the first).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> fig = result.plot("selection_rate")
    >>> fig.axes[0].get_title(loc="left")
    'Selection rate by sensitive_feature'
    """
    from fairscope.core._registry import REGISTRY, get_metric

    if kind not in ("value", "disparity"):
        raise ValueError(f"kind={kind!r} is unknown; choose 'value' or 'disparity'.")
    if metric is None:
        metric = _default_metric(result)
    elif metric not in REGISTRY:
        # metrics of other tasks may live only in the tables, not in the registry
        with contextlib.suppress(ValueError):
            metric = get_metric(metric).name
    features = list(result.metadata.get("feature_sets") or [])
    if feature is None:
        if not features:
            table = result.tables.get("intervals", result.tables.get("disparities"))
            features = list(dict.fromkeys(table["feature"])) if table is not None else []
        if not features:
            raise ValueError("result has no feature sets to plot.")
        feature = features[0]
    if kind == "value":
        if class_label is None:
            class_label = metric_classes(result, metric, feature)[0]
        series = value_series(result, metric, feature, class_label)
    else:
        series = disparity_series(result, metric, feature, comparison)
    if ax is None:
        fig = new_figure(len(series["groups"]), labels=series["groups"])
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    draw_series(
        ax, series, kind=kind, metric=metric, feature=feature, suppress_below=suppress_below
    )
    return fig


def plot_group_metrics(
    gm: GroupMetrics,
    metric: str | None = None,
    ax: Axes | None = None,
    *,
    kind: str = "value",
    comparison: str = "ratio",
    reference: Any = "largest",
) -> Figure:
    """Bars with intervals of one metric of a :class:`~fairscope.GroupMetrics`.

    See :meth:`fairscope.GroupMetrics.plot`.
    """
    from fairscope.core._groups import OVERALL, group_label
    from fairscope.core._registry import get_metric

    if kind not in ("value", "disparity"):
        raise ValueError(f"kind={kind!r} is unknown; choose 'value' or 'disparity'.")
    if comparison not in ("ratio", "difference"):
        raise ValueError(f"comparison={comparison!r} is unknown; choose 'ratio' or 'difference'.")
    names = [m for m in gm.metrics if m != "count"]
    if not names:
        raise ValueError("this GroupMetrics has no metric to plot besides 'count'.")
    name = names[0] if metric is None else get_metric(metric).name
    if name not in names:
        raise ValueError(f"metric {name!r} was not computed; computed metrics: {names}.")
    features = gm.sensitive_features
    label_of = {k: group_label(k, features) for k in gm.statistics.groups}
    sizes = dict(zip(label_of.values(), gm.statistics.group_rows.tolist(), strict=True))
    feature = " & ".join(features)
    if kind == "value":
        table = gm.confidence_intervals()
        rows = table[table["metric"] == name]
        keys = list(rows[list(features)].itertuples(index=False, name=None))
        groups, values, lower, upper = [], [], [], []
        for key, est, lo, hi in zip(
            keys, rows["estimate"], rows["lower"], rows["upper"], strict=True
        ):
            if key[0] == OVERALL:
                continue
            groups.append(label_of[key if len(key) > 1 else key[0]])
            values.append(est)
            lower.append(lo)
            upper.append(hi)
        refs = gm.reference_groups(reference)
        ref = refs[name]
        ref_label = OVERALL if ref == OVERALL else group_label(ref, features)
        ref_value = gm.overall[name] if ref == OVERALL else values[groups.index(ref_label)]
        series = {
            "groups": groups,
            "values": values,
            "lower": lower,
            "upper": upper,
            "n": [sizes[g] for g in groups],
            "reference": ref_label,
            "reference_value": ref_value,
        }
    else:
        table = gm.disparity_intervals(comparison, reference=reference)
        rows = table[table["metric"] == name]
        keys = list(rows[list(features)].itertuples(index=False, name=None))
        groups = [label_of[k if len(k) > 1 else k[0]] for k in keys]
        series = {
            "groups": groups,
            "values": rows["estimate"].tolist(),
            "lower": rows["lower"].tolist(),
            "upper": rows["upper"].tolist(),
            "n": rows["n"].tolist(),
            "statuses": None,
            "comparison": f"{comparison}_to_reference",
            "reference": str(rows["reference"].iloc[0]),
        }
    if ax is None:
        fig = new_figure(len(series["groups"]), labels=series["groups"])
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    draw_series(ax, series, kind=kind, metric=name, feature=feature)
    return fig
