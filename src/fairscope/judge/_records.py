"""Typed disparity records: what rules judge, whatever the task that produced them.

A record is one group's disparity on one metric (and, for a multiclass audit, one
class) against one reference: the value, its interval, the sizes and the test of the
difference. Every task's audit lists its disparities in the result's ``"disparities"``
table and its tests in the ``"tests"`` table; :func:`disparity_records` is the one
adapter from those tables to records, so that pointing the judge at another table
layout touches only this function.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: Columns of a tests table that key one comparison.
TEST_KEY = ("feature", "metric", "group", "reference")


@dataclass(frozen=True)
class DisparityRecord:
    """One group's disparity to a reference on one metric.

    Attributes
    ----------
    feature : str
        Feature-set label (``"race"``, ``"race & sex"``).
    group : str
        Group label.
    metric : str
        Canonical metric name.
    kind : {"ratio", "difference"}
    reference : str
        Reference group label, or ``"<overall>"``.
    estimate, lower, upper : float
        The disparity (group / or - reference) and its interval (NaN when none).
    value, reference_value : float
        The metric in the group and in the reference.
    n, n_reference : int
        Rows of the group and of the reference.
    method : str
        How the interval was made (``"mover-wilson"``, ``"wald"``, ``"none"``, ...).
    class_label : str or None
        Class (multiclass audits) or selection (regression audits with several
        selection thresholds) the metric belongs to.
    p_value, p_value_adjusted : float or None
        Test of the group against the reference, as in the result's ``"tests"``
        table (see :mod:`fairscope.judge._tests`); None when not tested.
    test : str or None
        Name of the test.
    """

    feature: str
    group: str
    metric: str
    kind: str
    reference: str
    estimate: float
    lower: float
    upper: float
    value: float
    reference_value: float
    n: int
    n_reference: int
    method: str = "none"
    class_label: str | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    test: str | None = None

    @property
    def has_interval(self) -> bool:
        """Whether both ends of the interval are defined."""
        return not (math.isnan(self.lower) or math.isnan(self.upper))


def _qualifier(row: Mapping[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def qualifier_column(table: pd.DataFrame) -> str | None:
    """The column that splits a metric into several (class, or one of several selections)."""
    if "class" in table:
        return "class"
    if "selection" in table and table["selection"].dropna().nunique() > 1:
        return "selection"
    return None


def disparity_records(tables: Mapping[str, pd.DataFrame]) -> list[DisparityRecord]:
    """Records of every non-reference row of a result's ``"disparities"`` table.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The result's tables (``AuditResult.tables``).

    Returns
    -------
    list of DisparityRecord
        Empty when the audit has no disparities table.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"feature": ["g"] * 2, "group": ["a", "b"],
    ...     "metric": ["selection_rate"] * 2, "kind": ["ratio"] * 2, "reference": ["a"] * 2,
    ...     "estimate": [1.0, 0.5], "lower": [None, 0.4], "upper": [None, 0.6],
    ...     "value": [0.6, 0.3], "reference_value": [0.6, 0.6], "n": [100, 50],
    ...     "n_reference": [100, 100], "is_reference": [True, False], "method": ["mover-wilson"] * 2})
    >>> [(r.group, r.estimate) for r in disparity_records({"disparities": table})]
    [('b', 0.5)]
    """
    table = tables.get("disparities")
    if table is None or table.empty:
        return []
    qualifier = qualifier_column(table)
    out = []
    for row in table.to_dict("records"):
        if bool(row["is_reference"]):
            continue
        out.append(
            DisparityRecord(
                feature=str(row["feature"]),
                group=str(row["group"]),
                metric=str(row["metric"]),
                kind=str(row["kind"]),
                reference=str(row["reference"]),
                estimate=_float(row["estimate"]),
                lower=_float(row["lower"]),
                upper=_float(row["upper"]),
                value=_float(row["value"]),
                reference_value=_float(row["reference_value"]),
                n=int(row["n"]),
                n_reference=int(row["n_reference"]),
                method=str(row.get("method", "none")),
                class_label=_qualifier(row, qualifier),
            )
        )
    return out


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)
