"""Report sections for the dataset and score tables, with plots where their layout allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from fairscope.report import _plots as plots
from fairscope.report._bars import plain
from fairscope.report._formatting import (
    _FEATURE_COLUMNS,
    CURVE_TABLES,
    MAX_PLOTTED_ROWS,
    MAX_TABLE_ROWS,
    OVERALL,
    slug,
)
from fairscope.report._privacy import Sizes, generic_table
from fairscope.report._svg import figure_to_svg

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
        table = result.tables[name]
        title, intro = spec.title, spec.description
        svgs: list[str] = []
        if plots and name in plotters:
            try:
                svgs = plotters[name](table, sizes, used)
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


def _bar_plotter(value_candidates: tuple[str, ...]) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str]) -> list[str]:
        value = _first(table.columns, value_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if value is None or "group" not in table.columns:
            return []
        lower = _first(table.columns, (f"{value}_lower", "lower"))
        upper = _first(table.columns, (f"{value}_upper", "upper"))
        keys = [c for c in (fcol, "class") if c and c in table.columns]
        out: list[str] = []
        for key, rows in table.groupby(keys, sort=False) if keys else [((), table)]:
            key = key if isinstance(key, tuple) else (key,)
            feature = " ".join(
                str(k) if c != "class" else f"(class {k})" for c, k in zip(keys, key, strict=True)
            )
            rows = rows[rows["group"] != OVERALL]
            if rows.empty or len(out) >= 8:
                continue
            groups = [str(g) for g in rows["group"]]
            fig = plots.new_figure(len(groups), labels=groups)
            ax = fig.add_subplot()
            plots.draw_bars(
                ax,
                groups,
                rows[value].tolist(),
                rows[lower].tolist() if lower else None,
                rows[upper].tolist() if upper else None,
                suppressed=[sizes.hidden(str(key[0]) if fcol else None, g) for g in groups],
                suppress_note=sizes.note or "suppressed",
                xlabel=value.replace("_", " "),
                title=f"{value.replace('_', ' ')} by {feature}".strip(),
            )
            out.append(
                figure_to_svg(
                    fig,
                    title=f"{value.replace('_', ' ')} by {feature}",
                    description=f"Bar chart of {value} per group of {feature}"
                    + (" with interval whiskers" if lower else "")
                    + "; values in the table below.",
                    element_id=slug(f"p-{value}-{feature}", used),
                )
            )
        return out

    return plot


def _curve_plotter(
    x_candidates: tuple[str, ...], y_candidates: tuple[str, ...], what: str, diagonal: bool
) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str]) -> list[str]:
        from matplotlib.figure import Figure

        x, y = _first(table.columns, x_candidates), _first(table.columns, y_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if x is None or y is None or "group" not in table.columns:
            return []
        palette = [
            "#0072B2",
            "#D55E00",
            "#009E73",
            "#CC79A7",
            "#E69F00",
            "#56B4E9",
            "#000000",
            "#F0E442",
        ]
        styles = ["-", "--", "-.", ":"]
        out: list[str] = []
        for feature, rows in table.groupby(fcol, sort=False) if fcol else [("", table)]:
            if len(out) >= 6:
                break
            fig = Figure(figsize=(5.2, 4.2), layout="constrained")
            ax = fig.add_subplot()
            if diagonal:
                ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle=":")
            hidden = []
            for i, (group, g_rows) in enumerate(rows.groupby("group", sort=False)):
                if str(group) == OVERALL:
                    continue
                if sizes.hidden(str(feature) if fcol else None, group):
                    hidden.append(str(group))
                    continue
                if i >= 12:
                    break
                g_rows = g_rows.sort_values(x)
                ax.plot(
                    g_rows[x],
                    g_rows[y],
                    color=palette[i % len(palette)],
                    linestyle=styles[(i // len(palette)) % len(styles)],
                    marker="o" if len(g_rows) <= 20 else None,
                    markersize=3,
                    label=plain(group),
                )
            if hidden:
                ax.text(
                    0.02,
                    0.98,
                    plain(f"not drawn, {sizes.note}: " + ", ".join(hidden)),
                    transform=ax.transAxes,
                    fontsize=7,
                    va="top",
                )
            ax.set_xlabel(plain(x.replace("_", " ")))
            ax.set_ylabel(plain(y.replace("_", " ")))
            ax.set_title(plain(f"{what} by {feature}".strip()), fontsize=10, loc="left")
            ax.legend(fontsize=7, loc="lower right", frameon=False)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(color="#eeeeee", linewidth=0.6)
            out.append(
                figure_to_svg(
                    fig,
                    title=f"{what} by {feature}",
                    description=f"Line chart of {y} against {x}, one line per group of {feature}; "
                    "values in the table below.",
                    element_id=slug(f"p-{what}-{feature}", used),
                )
            )
        return out

    return plot


DATASET_PLOTTERS = {
    "representation": _bar_plotter(("share", "proportion", "fraction")),
    "base_rates": _bar_plotter(("base_rate", "estimate", "rate", "mean", "value")),
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
