"""Matplotlib figures of audit results: per-group values and disparities with intervals.

:func:`plot_result` (``AuditResult.plot``) and :func:`plot_group_metrics`
(``GroupMetrics.plot``) pick what to show; the values come from
:mod:`fairscope.report._plot_data` (read from the tables, never recomputed) and
are drawn by :mod:`fairscope.report._bars` on figures made without pyplot.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Literal

from fairscope.core._registry import REGISTRY, get_metric
from fairscope.report._bars import (
    MAX_BARS,
    STATUS_COLORS,
    STATUS_HATCHES,
    draw_bars,
    new_figure,
    plain,
)
from fairscope.report._plot_data import (
    SIZE_TABLES,
    comparison_words,
    default_metric,
    disparity_series,
    group_disparity_series,
    group_value_series,
    metric_classes,
    metric_label,
    metric_rows,
    value_series,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.result._audit_result import AuditResult


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
    label = metric_label(metric)
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
    if not is_ratio:
        # a difference is read with its sign: which side of the reference the group is on
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+.3g}" if v else "0"))


def _metric_of(result: AuditResult, metric: str | None) -> str:
    if metric is None:
        return default_metric(result)
    if metric not in REGISTRY:
        # metrics of other tasks may live only in the tables, not in the registry
        with contextlib.suppress(ValueError):
            metric = get_metric(metric).name
    return metric


def _first_feature_set(result: AuditResult) -> str:
    features = list(result.meta.feature_sets)
    if not features:
        table = result.tables.get("intervals", result.tables.get("disparities"))
        features = list(dict.fromkeys(table["feature"])) if table is not None else []
    if not features:
        raise ValueError("result has no feature sets to plot.")
    return str(features[0])


def _figure(series: dict[str, Any], ax: Axes | None) -> tuple[Figure | SubFigure, Axes]:
    if ax is None:
        fig = new_figure(len(series["groups"]), labels=series["groups"])
        return fig, fig.add_subplot()
    return ax.figure, ax


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
) -> Figure | SubFigure:
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
    if kind not in ("value", "disparity"):
        raise ValueError(f"kind={kind!r} is unknown; choose 'value' or 'disparity'.")
    metric = _metric_of(result, metric)
    feature = feature if feature is not None else _first_feature_set(result)
    if kind == "value":
        if class_label is None:
            class_label = metric_classes(result, metric, feature)[0]
        series = value_series(result, metric, feature, class_label)
    else:
        series = disparity_series(result, metric, feature, comparison)
    fig, ax = _figure(series, ax)
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
) -> Figure | SubFigure:
    """Bars with intervals of one metric of a :class:`~fairscope.GroupMetrics`.

    See :meth:`fairscope.GroupMetrics.plot`.
    """
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
    if kind == "value":
        series = group_value_series(gm, name, reference)
    else:
        measure: Literal["ratio", "difference"] = "ratio" if comparison == "ratio" else "difference"
        series = group_disparity_series(gm, name, measure, reference)
    fig, ax = _figure(series, ax)
    draw_series(ax, series, kind=kind, metric=name, feature=" & ".join(gm.sensitive_features))
    return fig


__all__ = [
    "MAX_BARS",
    "SIZE_TABLES",
    "STATUS_COLORS",
    "STATUS_HATCHES",
    "comparison_words",
    "disparity_series",
    "draw_bars",
    "draw_series",
    "metric_classes",
    "metric_rows",
    "new_figure",
    "plain",
    "plot_group_metrics",
    "plot_result",
    "value_series",
]
