"""Side-by-side comparison of two audits (before and after a mitigation, or two models).

:func:`compare` reads two :class:`~fairscope.result._audit_result.AuditResult` objects and
returns the second one with two more tables: ``"comparison"`` (per feature set
and metric, the overall value and the disparity between groups in both audits)
and ``"tradeoff"`` (fairness against accuracy, one row per audit and feature
set), which :func:`plot_tradeoff` draws. Nothing is recomputed from rows: the
numbers come from the audits' own tables.

The module is named ``comparison`` rather than ``compare`` so that importing it
never shadows the function ``fairscope.compare``.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._registry import get_metric
from fairscope.result._audit_result import AuditResult

MEASURES = ("overall", "difference", "ratio")


def _overall(result: AuditResult) -> pd.DataFrame:
    """Overall value of each metric per feature set, from the intervals table."""
    intervals = result.tables["intervals"]
    rows = intervals[intervals["group"] == "<overall>"]
    return rows[["feature", "metric", "estimate"]].rename(columns={"estimate": "value"})


def _between_groups(result: AuditResult, min_group_size: int) -> pd.DataFrame:
    """Largest difference and smallest ratio between groups of at least ``min_group_size``."""
    table = result.tables["group_metrics"]
    table = table[table["n"] >= min_group_size]
    metrics = [c for c in table.columns if c not in ("feature", "group", "n", "count")]
    long = table.melt(id_vars=["feature", "group"], value_vars=metrics, var_name="metric")
    grouped = long.groupby(["feature", "metric"], sort=False)["value"]
    low, high = grouped.min(), grouped.max()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(high > 0, low / high, np.nan)
    return pd.DataFrame(
        {"difference": (high - low).to_numpy(), "ratio": ratio}, index=low.index
    ).reset_index()


def _measures(result: AuditResult, min_group_size: int) -> pd.DataFrame:
    wide = _between_groups(result, min_group_size).merge(
        _overall(result), on=["feature", "metric"], how="left"
    )
    wide = wide.rename(columns={"value": "overall"})
    return wide.melt(id_vars=["feature", "metric"], value_vars=list(MEASURES), var_name="measure")


def _better(metric: str, measure: str, first: float, second: float, labels: Sequence[str]) -> str:
    """Which audit is better on this measure: a label, "same" or "" when undefined."""
    if not (np.isfinite(first) and np.isfinite(second)):
        return ""
    if measure == "difference":
        a, b = -abs(first), -abs(second)
    elif measure == "ratio":
        a, b = -abs(1 - first), -abs(1 - second)
    else:
        try:
            direction = get_metric(metric).direction
        except (KeyError, ValueError):
            return ""
        if direction == "neutral":
            return ""
        sign = 1.0 if direction == "higher" else -1.0
        a, b = sign * first, sign * second
    if np.isclose(a, b, rtol=0, atol=1e-12):
        return "same"
    return labels[0] if a > b else labels[1]


def _check(result: Any, argument: str) -> AuditResult:
    if isinstance(result, str | os.PathLike):
        path = Path(result)
        if not path.is_file():
            raise ValueError(f"{argument}={str(result)!r} is not a file of a saved audit (JSON).")
        result = AuditResult.from_json(path)
    if not isinstance(result, AuditResult):
        raise ValueError(
            f"{argument} must be an AuditResult (from audit_predictions or audit_model) or the "
            f"path of one saved with to_json; got {type(result).__name__}."
        )
    missing = {"group_metrics", "intervals"} - set(result.tables)
    if missing:
        raise ValueError(
            f"{argument} has no {sorted(missing)} table(s): compare needs the group metrics "
            f"of a classification audit; its tables are {sorted(result.tables)}."
        )
    return result


def compare(
    before: AuditResult,
    after: AuditResult,
    *,
    labels: Sequence[str] = ("before", "after"),
    fairness_metric: str = "selection_rate",
    fairness_measure: str = "difference",
    performance_metric: str = "accuracy",
    min_group_size: int | None = None,
) -> AuditResult:
    """Compare two audits of the same population side by side.

    Parameters
    ----------
    before, after : AuditResult or path
        Two audits with the same sensitive features (e.g. of a model before and
        after mitigation), or the JSON files they were saved to
        (:meth:`AuditResult.to_json`). Feature sets and metrics present in only
        one are left out.
    labels : pair of str, default ("before", "after")
        Names of the two audits; they name the value columns.
    fairness_metric : str, default "selection_rate"
        Metric whose disparity is the fairness axis of the trade-off
        (``"selection_rate"`` for demographic parity, ``"false_positive_rate"``
        or ``"true_positive_rate"`` for the parts of equalized odds).
    fairness_measure : {"difference", "ratio"}, default "difference"
        Largest difference or smallest ratio between groups (fairlearn's
        ``method="between_groups"``).
    performance_metric : str, default "accuracy"
        Overall metric of the performance axis.
    min_group_size : int, optional
        Groups smaller than this are left out of the between-group disparities,
        whose extremes are otherwise set by the noisiest groups; default the
        ``min_group_size`` of ``after`` (30 when it has none).

    Returns
    -------
    AuditResult
        A copy of ``after`` with two more tables:

        - ``"comparison"``: columns ``feature``, ``metric``, ``measure``
          ("overall", "difference" or "ratio"), one column per label,
          ``change`` (second minus first) and ``better`` (the label of the
          better audit on this row, "same", or empty when undefined or neutral);
        - ``"tradeoff"``: columns ``audit`` (the label), ``feature``,
          ``fairness`` (the chosen disparity), ``performance``, and the names
          of the metrics and measure used.

        ``metadata["comparison"]`` records the labels, the choices above, and
        each audit's verdict and status counts.

    See Also
    --------
    plot_tradeoff : draws the ``"tradeoff"`` table.

    Examples
    --------
    >>> import fairscope
    >>> df = fairscope.datasets.make_credit_scoring(n=2_000, bias=0.8, random_state=0)
    >>> fair = fairscope.datasets.make_credit_scoring(n=2_000, bias=0.0, random_state=0)
    >>> result = fairscope.compare(
    ...     fairscope.audit_predictions("repaid", "approved", sensitive_features="race", data=df),
    ...     fairscope.audit_predictions("repaid", "approved", sensitive_features="race",
    ...                                 data=fair))
    >>> table = result.tables["comparison"]
    >>> row = table[(table["metric"] == "selection_rate") & (table["measure"] == "difference")]
    >>> row["better"].item()
    'after'
    """
    before = _check(before, "before")
    after = _check(after, "after")
    labels = list(labels)
    if len(labels) != 2 or labels[0] == labels[1] or not all(isinstance(x, str) for x in labels):
        raise ValueError(f"labels must be two different strings; got {labels!r}.")
    if fairness_measure not in ("difference", "ratio"):
        raise ValueError(
            f"fairness_measure must be 'difference' or 'ratio'; got {fairness_measure!r}."
        )
    if min_group_size is None:
        min_group_size = int(after.metadata.get("min_group_size", 30))

    first = _measures(before, min_group_size).rename(columns={"value": labels[0]})
    second = _measures(after, min_group_size).rename(columns={"value": labels[1]})
    table = first.merge(second, on=["feature", "metric", "measure"], how="inner")
    if table.empty:
        raise ValueError(
            "before and after share no feature set and metric: audit the same sensitive "
            f"features; before has {sorted(set(first['feature']))}, after has "
            f"{sorted(set(second['feature']))}."
        )
    table["change"] = table[labels[1]] - table[labels[0]]
    table["better"] = [
        _better(m, s, a, b, labels)
        for m, s, a, b in table[["metric", "measure", labels[0], labels[1]]].itertuples(index=False)
    ]
    order = {m: i for i, m in enumerate(MEASURES)}
    table = table.sort_values(
        ["feature", "metric", "measure"],
        key=lambda s: s.map(order) if s.name == "measure" else s.map(_first_seen(s)),
        kind="stable",
    ).reset_index(drop=True)

    tradeoff = _tradeoff(table, labels, fairness_metric, fairness_measure, performance_metric)

    out = copy.copy(after)
    out.tables = {**after.tables, "comparison": table, "tradeoff": tradeoff}
    out.metadata = {
        **after.metadata,
        "comparison": {
            "labels": labels,
            "fairness_metric": fairness_metric,
            "fairness_measure": fairness_measure,
            "performance_metric": performance_metric,
            "min_group_size": min_group_size,
            "passed": {labels[0]: before.passed, labels[1]: after.passed},
            "status_counts": {labels[0]: before.status_counts, labels[1]: after.status_counts},
            "kinds": {labels[0]: before.kind, labels[1]: after.kind},
        },
    }
    return out


def _first_seen(values: pd.Series) -> dict[Any, int]:
    return {v: i for i, v in enumerate(dict.fromkeys(values))}


def _tradeoff(
    table: pd.DataFrame,
    labels: Sequence[str],
    fairness_metric: str,
    fairness_measure: str,
    performance_metric: str,
) -> pd.DataFrame:
    metric_names = set(table["metric"])
    for name, argument in (
        (fairness_metric, "fairness_metric"),
        (performance_metric, "performance_metric"),
    ):
        if name not in metric_names:
            raise ValueError(
                f"{argument}={name!r} is not in both audits; they have {sorted(metric_names)}."
            )
    rows = []
    for feature in dict.fromkeys(table["feature"]):
        part = table[table["feature"] == feature].set_index(["metric", "measure"])
        for label in labels:
            rows.append(
                {
                    "audit": label,
                    "feature": feature,
                    "fairness": part.loc[(fairness_metric, fairness_measure), label],
                    "performance": part.loc[(performance_metric, "overall"), label],
                    "fairness_metric": fairness_metric,
                    "fairness_measure": fairness_measure,
                    "performance_metric": performance_metric,
                }
            )
    return pd.DataFrame(rows)


def plot_tradeoff(result: AuditResult, feature: str | None = None, ax: Any = None) -> Any:
    """Draw fairness against performance for the audits of a comparison.

    Parameters
    ----------
    result : AuditResult
        The output of :func:`compare` (it reads the ``"tradeoff"`` table).
    feature : str, optional
        Feature set to draw (default: every feature set, one series each).
    ax : matplotlib Axes, optional
        Axes to draw into; a new figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import fairscope
    >>> df = fairscope.datasets.make_credit_scoring(n=1_000, bias=0.8, random_state=0)
    >>> audit = fairscope.audit_predictions("repaid", "approved", sensitive_features="race",
    ...                                     data=df)
    >>> fig = fairscope.plot_tradeoff(fairscope.compare(audit, audit))
    >>> len(fig.axes)
    1
    """
    import matplotlib.pyplot as plt

    if "tradeoff" not in result.tables:
        raise ValueError("result has no 'tradeoff' table: pass the output of fairscope.compare.")
    table = result.tables["tradeoff"]
    features = list(dict.fromkeys(table["feature"]))
    if feature is not None:
        if feature not in features:
            raise ValueError(
                f"feature={feature!r} is not in the comparison; use one of {features}."
            )
        features = [feature]
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.5))
    else:
        fig = ax.figure
    for name in features:
        part = table[table["feature"] == name]
        x, y = part["fairness"].to_numpy(float), part["performance"].to_numpy(float)
        (line,) = ax.plot(x, y, marker="o", label=name)
        for xi, yi, label in zip(x, y, part["audit"], strict=True):
            ax.annotate(label, (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=9)
        if len(x) == 2:
            ax.annotate(
                "",
                xy=(x[1], y[1]),
                xytext=(x[0], y[0]),
                arrowprops={"arrowstyle": "->", "color": line.get_color()},
            )
    first = table.iloc[0]
    ideal = "0" if first["fairness_measure"] == "difference" else "1"
    ax.set_xlabel(
        f"{first['fairness_metric']} {first['fairness_measure']} between groups (fair = {ideal})"
    )
    ax.set_ylabel(f"overall {first['performance_metric']}")
    ax.set_title("Fairness vs performance")
    ax.grid(True, alpha=0.3)
    ax.legend(title="sensitive feature")
    fig.tight_layout()
    return fig
