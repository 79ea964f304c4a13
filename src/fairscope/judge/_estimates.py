"""Per-group values of one metric with their intervals, from whatever the audit kept.

A rule compares groups on one metric; comparing them against a reference the audit's
own tables do not hold needs each group's value and interval. Those come from the
sufficient statistics when the audit kept them (confusion counts of a binary audit:
the binomial interval of each rate on its own denominator, as everywhere else), or
else from the per-group tables of the task (``"intervals"``, ``"score_metrics"``,
``"regression_metrics"``, ``"multiclass_metrics"``, ``"selection_metrics"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairscope.compute._disparities import qualifier_column
from fairscope.compute._group_intervals import rate_interval
from fairscope.compute._references import resolve_reference
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._intervals import kish_effective_n
from fairscope.core._registry import Metric
from fairscope.judge._model import Rule

#: Per-group tables with one column per metric (and ``<metric>_lower``/``_upper``).
WIDE_TABLES = ("score_metrics", "regression_metrics", "multiclass_metrics", "selection_metrics")
_ANALYTIC = ("wilson", "clopper-pearson")


@dataclass(frozen=True)
class GroupEstimates:
    """One metric in every group of a feature set, and overall (NaN when unknown).

    ``values``, ``lower``, ``upper``, ``rows`` and ``sizes`` are per group, in
    ``labels`` order; ``rows`` are effective rows under sample weights (what
    ``min_group_size`` is compared with); ``sizes`` are weights (rows without sample
    weights), used to find the largest group.
    """

    feature: str
    metric: Metric
    labels: tuple[str, ...]
    values: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rows: np.ndarray
    sizes: np.ndarray
    overall: tuple[float, float, float]
    overall_rows: int
    method: str
    class_label: str | None = None
    counts: GroupCounts | None = None

    def index(self, label: str) -> int:
        """Position of a group label; ``len(labels)`` for :data:`OVERALL`."""
        return len(self.labels) if label == OVERALL else self.labels.index(label)

    def with_overall(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values, lower and upper bounds with the overall value appended."""
        value, low, high = self.overall
        return (
            np.append(self.values, value),
            np.append(self.lower, low),
            np.append(self.upper, high),
        )


def from_counts(
    counts: GroupCounts, metric: Metric, feature: str, *, ci: float, ci_method: str
) -> GroupEstimates:
    """Estimates of a binary metric from confusion counts.

    Rates get the binomial interval (Wilson or Clopper-Pearson; Wilson for bootstrap
    audits, whose replicates the judge does not redraw) on their own denominator, with
    Kish's effective size under sample weights; other metrics get no interval.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from fairscope.core._counts import reduce_confusion
    >>> from fairscope.core._registry import get_metric
    >>> c = reduce_confusion([0, 1] * 20, [1, 1] * 20, np.array([0] * 20 + [1] * 20),
    ...                      pd.Index(["a", "b"]))
    >>> from_counts(c, get_metric("fpr"), "g", ci=0.95, ci_method="wilson").values.tolist()
    [1.0, 1.0]
    """
    cells = np.vstack([counts.weighted, counts.overall_weighted])
    method = ci_method if ci_method in _ANALYTIC else "wilson"
    if metric.is_proportion:
        squared = np.vstack([counts.squared_weights, counts.squared_weights.sum(axis=0)])
        value, lower, upper, _ = rate_interval(
            metric, cells, squared, has_weights=counts.has_weights, ci=ci, method=method
        )
    else:
        # groups and overall apart: a share across groups reads the group axis
        value = np.append(
            metric.compute(counts.weighted, counts.rows),
            metric.compute(counts.overall_weighted, counts.overall_rows),
        )
        lower = upper = np.full(len(value), np.nan)
        method = "none"
    labels = tuple(group_label(k, counts.features) for k in counts.groups)
    return GroupEstimates(
        feature=feature,
        metric=metric,
        labels=labels,
        values=value[:-1],
        lower=lower[:-1],
        upper=upper[:-1],
        rows=_judged_rows(counts),
        sizes=counts.weighted.sum(axis=1),
        overall=(float(value[-1]), float(lower[-1]), float(upper[-1])),
        overall_rows=int(counts.group_rows.sum()),
        method=method,
        counts=counts,
    )


def _judged_rows(counts: GroupCounts) -> np.ndarray:
    """Rows per group, Kish's effective rows under sample weights.

    ``min_group_size`` is a statement about information, so weighted groups are
    measured by their effective size ``(sum w)^2 / sum w^2``: a few heavily weighted
    rows do not make a group large enough for a verdict.
    """
    rows = counts.group_rows.astype(float)
    if not counts.has_weights:
        return rows
    effective = kish_effective_n(counts.weighted.sum(axis=1), counts.squared_weights.sum(axis=1))
    return np.asarray(np.floor(effective + 1e-9), dtype=float)


def _select(table: pd.DataFrame, feature: str, class_label: str | None) -> pd.DataFrame:
    rows = table[table["feature"].astype(str) == feature]
    column = qualifier_column(table)
    if column is not None and class_label is not None:
        rows = rows[rows[column].astype(str) == class_label]
    return rows


def _wide_source(
    tables: Mapping[str, pd.DataFrame], metric: str, feature: str, class_label: str | None
) -> pd.DataFrame | None:
    for name in WIDE_TABLES:
        table = tables.get(name)
        if table is not None and metric in table and "feature" in table:
            rows = _select(table, feature, class_label)
            if not rows.empty:
                return rows
    return None


def from_tables(
    tables: Mapping[str, pd.DataFrame], metric: Metric, feature: str, class_label: str | None
) -> GroupEstimates | None:
    """Estimates of any task's metric from the result's per-group tables (None if absent)."""
    wide = _wide_source(tables, metric.name, feature, class_label)
    if wide is None:
        return None
    name = metric.name
    groups = wide[wide["group"].astype(str) != OVERALL]
    whole = wide[wide["group"].astype(str) == OVERALL]
    frame = pd.DataFrame(
        {
            "group": groups["group"].astype(str).to_numpy(),
            "value": groups[name].to_numpy(dtype=float),
            "lower": _column(groups, f"{name}_lower"),
            "upper": _column(groups, f"{name}_upper"),
            "rows": groups["n"].to_numpy(dtype=float),
            "size": _column(groups, "weight", groups["n"].to_numpy(dtype=float)),
        }
    )
    overall = (math.nan, math.nan, math.nan)
    if not whole.empty:
        overall = (
            float(whole[name].iloc[0]),
            float(_column(whole, f"{name}_lower")[0]),
            float(_column(whole, f"{name}_upper")[0]),
        )
    method = "wald" if f"{name}_lower" in wide else "none"
    if name == "roc_auc" and f"{name}_lower" in wide:
        method = "hanley-mcneil"
    frame, overall, method = _long_intervals(
        tables, frame, overall, method, metric, feature, class_label
    )
    return GroupEstimates(
        feature=feature,
        metric=metric,
        labels=tuple(frame["group"]),
        values=frame["value"].to_numpy(dtype=float),
        lower=frame["lower"].to_numpy(dtype=float),
        upper=frame["upper"].to_numpy(dtype=float),
        rows=frame["rows"].to_numpy(dtype=float),
        sizes=frame["size"].to_numpy(dtype=float),
        overall=overall,
        overall_rows=int(frame["rows"].sum()) if whole.empty else int(whole["n"].iloc[0]),
        method=method,
        class_label=class_label,
    )


def _column(rows: pd.DataFrame, name: str, default: np.ndarray | None = None) -> np.ndarray:
    if name in rows:
        return np.asarray(rows[name].to_numpy(dtype=float), dtype=float)
    return np.full(len(rows), np.nan) if default is None else default


def _long_intervals(
    tables: Mapping[str, pd.DataFrame],
    frame: pd.DataFrame,
    overall: tuple[float, float, float],
    method: str,
    metric: Metric,
    feature: str,
    class_label: str | None,
) -> tuple[pd.DataFrame, tuple[float, float, float], str]:
    """Intervals from the long ``"intervals"`` table, where the audit made one."""
    table = tables.get("intervals")
    if table is None or "metric" not in table:
        return frame, overall, method
    rows = _select(table[table["metric"] == metric.name], feature, class_label)
    if rows.empty:
        return frame, overall, method
    by_group = rows.set_index(rows["group"].astype(str))
    known = frame["group"].isin(by_group.index)
    frame.loc[known, "lower"] = by_group.loc[frame.loc[known, "group"], "lower"].to_numpy(float)
    frame.loc[known, "upper"] = by_group.loc[frame.loc[known, "group"], "upper"].to_numpy(float)
    if OVERALL in by_group.index:
        row = by_group.loc[OVERALL]
        overall = (float(row["estimate"]), float(row["lower"]), float(row["upper"]))
    return frame, overall, str(rows["method"].iloc[0]) if "method" in rows else method


def reference_in(
    rule: Rule, est: GroupEstimates, direction: str, min_size: int, *, warn: bool = True
) -> str:
    """The group ``rule.reference`` picks among the groups of ``est`` (the judge's rule).

    Parameters
    ----------
    rule : Rule
        Its ``reference`` is resolved.
    est : GroupEstimates
        The groups, their sizes and values on the rule's metric.
    direction : str
        The metric's direction (which value is best).
    min_size : int
        The rule's minimum group size.
    warn : bool, default True
        Whether a reference that falls back warns.

    Returns
    -------
    str
        A group label or ``"<overall>"``.

    Raises
    ------
    ValueError
        When the reference names no group of the feature set.
    """
    return resolve_reference(
        rule.reference,
        feature_set=est.feature,
        labels=list(est.labels),
        sizes=est.sizes,
        values=est.values,
        direction=direction,
        rows=est.rows,
        min_group_size=min_size,
        warn=warn,
    )
