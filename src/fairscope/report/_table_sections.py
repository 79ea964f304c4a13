"""Report sections for the dataset and score tables, with plots where their layout allows."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from fairscope.report._charts import min_group_size, series_bars
from fairscope.report._dataset_charts import (
    feature_shift_charts,
    flagged_first,
    missingness_charts,
    proxy_charts,
)
from fairscope.report._formatting import (
    _FEATURE_COLUMNS,
    CURVE_TABLES,
    MAX_PLOTTED_ROWS,
    MAX_TABLE_ROWS,
    OVERALL,
    column_label,
    slug,
)
from fairscope.report._privacy import Sizes, generic_table
from fairscope.report._svg_charts import Axis, bar_chart
from fairscope.report._svg_curves import Curve, Panels, small_multiples

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def table_sections(
    result: AuditResult,
    section: str,
    sizes: Sizes,
    used: set[str],
    plots: bool,
    plotters: dict[str, Callable[..., list[str]]],
) -> list[dict[str, Any]]:
    """The titled sections of one report section (``"dataset"``, ``"scores"``).

    Which tables belong there, their titles and introductions are the table
    specs the result declares (:attr:`AuditResult.table_specs`).
    """
    sections = []
    for name, spec in result.table_specs.items():
        if spec.section != section:
            continue
        table = flagged_first(result.tables[name])
        title, intro = spec.title, spec.description
        svgs: list[str] = []
        if plots and name in plotters:
            try:
                svgs = plotters[name](table, sizes, used, min_group_size(result))
            except (KeyError, ValueError, TypeError):
                svgs = []  # an unexpected layout: the table below still shows the data
        sections.append(
            {
                "id": slug(name, used),
                "name": name,
                "title": title,
                "intro": intro,
                "svgs": svgs,
                "table": generic_table(
                    table,
                    f"{title} (table “{name}”)",
                    sizes,
                    slug(f"t-{name}", used),
                    # curves drawn above need fewer printed rows; the JSON keeps them all
                    max_rows=MAX_PLOTTED_ROWS if name in CURVE_TABLES and svgs else MAX_TABLE_ROWS,
                ),
                "collapsed": len(table) > 60,
                "grid": name in CURVE_TABLES,
            }
        )
    return sections


def _first(columns: Any, candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if c in columns), None)


def _bar_plotter(
    value_candidates: tuple[str, ...], label: str | None = None
) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str], minimum: int | None) -> list[str]:
        value = _first(table.columns, value_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if value is None or "group" not in table.columns:
            return []
        lower = _first(table.columns, (f"{value}_lower", "lower"))
        upper = _first(table.columns, (f"{value}_upper", "upper"))
        size = _first(table.columns, ("n", "count", "rows"))
        keys = [c for c in (fcol, "class") if c and c in table.columns]
        name = label or column_label(value)
        out: list[str] = []
        for key, rows in table.groupby(keys, sort=False) if keys else [((), table)]:
            key = key if isinstance(key, tuple) else (key,)
            feature = " ".join(
                str(k) if c != "class" else f"(class {k})" for c, k in zip(keys, key, strict=True)
            )
            rows = rows[rows["group"] != OVERALL]
            if rows.empty or len(out) >= 8 or rows[value].isna().all():
                continue  # a chart of nothing but "undefined" says less than the table
            series = {
                "groups": [str(g) for g in rows["group"]],
                "values": rows[value].tolist(),
                "lower": rows[lower].tolist() if lower else [math.nan] * len(rows),
                "upper": rows[upper].tolist() if upper else [math.nan] * len(rows),
                "n": rows[size].tolist() if size else [None] * len(rows),
            }
            feature_key = str(key[0]) if fcol else ""
            out.append(
                bar_chart(
                    series_bars(series, feature_key, sizes, minimum),
                    Axis(title=name),
                    title=f"{name} by {feature}".strip(),
                    description=f"Bar chart of {name.lower()} per group of {feature}"
                    + (" with interval whiskers" if lower else "")
                    + "; values in the table below.",
                    element_id=slug(f"p-{value}-{feature}", used),
                )
            )
        return out

    return plot


def _curves(
    rows: pd.DataFrame, x: str, y: str, feature: str | None, sizes: Sizes, minimum: int | None
) -> list[Curve]:
    size = _first(rows.columns, ("n", "count"))
    curves = []
    for group, g_rows in rows.groupby("group", sort=False):
        if str(group) == OVERALL:
            continue
        g_rows = g_rows.sort_values(x)
        n = sizes.n.get((feature or "", str(group)))
        if n is None and size is not None and x != "threshold":
            n = None  # per-bin counts are not the group's size
        curves.append(
            Curve(
                label=str(group),
                x=g_rows[x].astype(float).tolist(),
                y=g_rows[y].astype(float).tolist(),
                n=n,
                hidden=sizes.note if sizes.hidden(feature, group) else "",
                small=minimum is not None and n is not None and n < minimum,
            )
        )
    return curves


def _curve_plotter(
    x_candidates: tuple[str, ...], y_candidates: tuple[str, ...], what: str, diagonal: bool
) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str], minimum: int | None) -> list[str]:
        x, y = _first(table.columns, x_candidates), _first(table.columns, y_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if x is None or y is None or "group" not in table.columns:
            return []
        out: list[str] = []
        for feature, rows in table.groupby(fcol, sort=False) if fcol else [("", table)]:
            if len(out) >= 6:
                break
            curves = _curves(rows, x, y, str(feature) if fcol else None, sizes, minimum)
            values = [v for c in curves for v in (*c.x, *c.y) if math.isfinite(v)]
            if not values:
                continue
            panels = Panels(
                x_title=column_label(x).lower(),
                y_title=column_label(y).lower(),
                diagonal=diagonal,
                limits=(min(0.0, *values), max(1.0, *values)),
            )
            out.append(
                small_multiples(
                    curves,
                    panels,
                    title=f"{what} by {feature}".strip(),
                    description=f"Small multiples, one panel per group of {feature}: "
                    f"{column_label(y).lower()} against {column_label(x).lower()}, the group's "
                    "curve dark over the other groups' in grey; values in the table below.",
                    element_id=slug(f"p-{what}-{feature}", used),
                )
            )
        return out

    return plot


DATASET_PLOTTERS = {
    "representation": _bar_plotter(("share", "proportion", "fraction")),
    "base_rates": _bar_plotter(("base_rate", "estimate", "rate", "mean", "value"), "Base rate"),
    "missingness": missingness_charts,
    "proxies": proxy_charts,
    "feature_shift": feature_shift_charts,
}

SCORE_PLOTTERS = {
    "threshold_sweep": _curve_plotter(
        ("false_positive_rate", "fpr"), ("true_positive_rate", "tpr"), "ROC curve", True
    ),
    "calibration": _curve_plotter(
        ("mean_predicted", "mean_score", "prob_pred", "predicted", "mean_predicted_probability"),
        (
            "fraction_positive",
            "observed",
            "prob_true",
            "observed_rate",
            "fraction_of_positives",
            "observed_positive_rate",
        ),
        "Calibration",
        True,
    ),
    "score_metrics": _bar_plotter(("roc_auc", "auc")),
}
