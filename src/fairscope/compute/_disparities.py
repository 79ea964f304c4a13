"""Disparities: each group's metric against the reference, one schema for every task.

Every audit (binary, scored, multiclass, regression) writes its disparities
through :func:`disparity_columns` and :func:`declare`, so the
``"disparities"`` table of any result has the columns of
:data:`DISPARITY_COLUMNS`, in that order, and a policy can judge any metric of
any task from it (:func:`disparity_records` reads it back as typed records).

A disparity of ``kind`` ``"difference"`` is ``value - reference_value``, of
kind ``"ratio"`` ``value / reference_value``; the reference's own row has no
interval. Optional columns follow the declared ones: ``class`` (multiclass:
the one-vs-rest class), ``threshold`` and ``selection`` (regression audited as
a selection at a threshold).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairscope.core._intervals import mover_difference, mover_ratio
from fairscope.core._registry import REGISTRY

#: Columns of every disparities table, with what they hold.
DISPARITY_COLUMNS: dict[str, str] = {
    "feature": "feature-set label (``race`` or ``race & sex``)",
    "group": "group label",
    "metric": "canonical metric name of the registry",
    "kind": "``difference`` (value - reference_value) or ``ratio`` (value / reference_value)",
    "reference": "label of the reference group, or ``<overall>``",
    "estimate": "the disparity",
    "lower": "lower bound of its interval (NaN: none)",
    "upper": "upper bound of its interval (NaN: none)",
    "value": "the group's metric value",
    "reference_value": "the reference's metric value",
    "n": "rows of the group",
    "n_reference": "rows of the reference",
    "is_reference": "whether the group is the reference",
    "method": "interval method (``none`` without an interval)",
}
#: Optional columns, placed after the declared ones when present.
OPTIONAL_COLUMNS: tuple[str, ...] = ("class", "threshold", "selection")
KINDS: tuple[Literal["difference"], Literal["ratio"]] = ("difference", "ratio")


def disparity_columns(
    *,
    metric: str,
    kind: str,
    reference: str,
    value: np.ndarray,
    reference_value: Any,
    is_reference: np.ndarray,
    lower: Any,
    upper: Any,
    n: Any,
    n_reference: Any,
    method: str,
) -> dict[str, Any]:
    """One block of disparity columns (one metric and kind, every group).

    The estimate is computed here, once for every task, and the reference's own
    row gets no interval.

    Parameters
    ----------
    metric, kind, reference : str
        Metric name, ``"difference"`` or ``"ratio"``, reference label.
    value : ndarray
        The metric per group.
    reference_value : float or ndarray
        The reference's value (broadcast against ``value``).
    is_reference : ndarray of bool
        Which group is the reference.
    lower, upper : ndarray or float
        Interval of the disparity (NaN without one).
    n, n_reference : ndarray or int
        Rows of each group and of the reference.
    method : str
        Interval method, ``"none"`` without an interval.

    Returns
    -------
    dict
        Column name to array or scalar (scalars are broadcast by the caller).

    Examples
    --------
    >>> import numpy as np
    >>> block = disparity_columns(
    ...     metric="selection_rate", kind="ratio", reference="a",
    ...     value=np.array([0.5, 0.4]), reference_value=0.5,
    ...     is_reference=np.array([True, False]), lower=np.nan, upper=np.nan,
    ...     n=np.array([10, 10]), n_reference=10, method="none")
    >>> block["estimate"].tolist()
    [1.0, 0.8]
    """
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} is unknown; choose 'ratio' or 'difference'.")
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = value - reference_value if kind == "difference" else value / reference_value
    return {
        "metric": metric,
        "kind": kind,
        "reference": reference,
        "estimate": estimate,
        "lower": np.where(is_reference, np.nan, lower),
        "upper": np.where(is_reference, np.nan, upper),
        "value": value,
        "reference_value": reference_value,
        "n": n,
        "n_reference": n_reference,
        "is_reference": is_reference,
        "method": method,
    }


def mover_disparity(
    kind: str, value: Any, lower: Any, upper: Any, ref: Any, ref_lower: Any, ref_upper: Any
) -> tuple[Any, Any]:
    """Interval of a group's disparity to a reference from the two values' own intervals.

    Newcombe's MOVER for a difference, MOVER-R (Donner and Zou 2012) for a ratio;
    arguments broadcast together.

    Examples
    --------
    >>> lo, hi = mover_disparity("difference", 0.5, 0.4, 0.6, 0.5, 0.4, 0.6)
    >>> round(float(lo), 3), round(float(hi), 3)
    (-0.141, 0.141)
    """
    if kind == "difference":
        return mover_difference(value, lower, upper, ref, ref_lower, ref_upper)
    return mover_ratio(value, lower, upper, ref, ref_lower, ref_upper)


def fold_absolute(lower: Any, upper: Any) -> tuple[float, float]:
    """Interval of ``|d|`` from an interval of ``d``.

    Examples
    --------
    >>> fold_absolute(-0.1, 0.3)
    (0.0, 0.3)
    """
    lower, upper = float(lower), float(upper)
    if lower >= 0:
        return lower, upper
    if upper <= 0:
        return -upper, -lower
    return 0.0, max(-lower, upper)


def fold_ratio(lower: Any, upper: Any) -> tuple[float, float]:
    """Interval of ``min(r, 1 / r)`` from an interval of a ratio ``r`` (low / high).

    Examples
    --------
    >>> fold_ratio(0.8, 1.25)
    (0.8, 1.0)
    """
    lower, upper = float(lower), float(upper)
    if upper <= 1:
        return lower, upper
    inverse = 1 / upper if upper > 0 else 0.0
    return min(lower, inverse), 1.0


def gap_interval(kind: str, high: Sequence[Any], low: Sequence[Any]) -> tuple[float, float]:
    """Interval of the gap between two groups: ``high - low`` or ``low / high``.

    MOVER(-R) of the two groups realising the gap, each given as (value, lower,
    upper), folded to the size of the gap (a lower bound of 0 means the order of the
    two groups is uncertain); it is conditional on which groups are the extremes.

    Examples
    --------
    >>> lo, hi = gap_interval("difference", (0.6, 0.5, 0.7), (0.4, 0.3, 0.5))
    >>> round(lo, 3), round(hi, 3)
    (0.059, 0.341)
    """
    if kind == "difference":
        return fold_absolute(*mover_difference(*high, *low))
    return fold_ratio(*mover_ratio(*low, *high))


def block_frame(groups: Any, blocks: list[dict[str, Any]]) -> pd.DataFrame:
    """Blocks of :func:`disparity_columns` over the same groups as one frame with ``group``."""
    size = len(groups)
    columns: dict[str, Any] = {"group": np.tile(np.asarray(groups, dtype=object), len(blocks))}
    for name in blocks[0] if blocks else ():
        parts = [np.broadcast_to(np.asarray(b[name]), (size,)) for b in blocks]
        columns[name] = np.concatenate(parts) if parts else np.array([])
    return pd.DataFrame(columns)


def direction_of(metric: str) -> str:
    """The favourable direction the registry declares for a metric."""
    return REGISTRY[metric].direction if metric in REGISTRY else "neutral"


def declare(frame: pd.DataFrame, feature: str | None = None) -> pd.DataFrame:
    """Give a disparities frame the declared columns, in order (optional ones after).

    Parameters
    ----------
    frame : pandas.DataFrame
        Disparity rows with at least ``group`` and the columns of
        :func:`disparity_columns`.
    feature : str, optional
        Feature-set label, when ``frame`` has no ``feature`` column yet.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"group": ["a"], "metric": ["roc_auc"]})
    >>> declare(frame, "race")[["feature", "group", "metric"]].values.tolist()
    [['race', 'a', 'roc_auc']]
    """
    out = frame.copy()
    if feature is not None:
        out["feature"] = feature
    for column in DISPARITY_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    extra = [c for c in OPTIONAL_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in DISPARITY_COLUMNS and c not in extra]
    return out[[*DISPARITY_COLUMNS, *extra, *rest]].reset_index(drop=True)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Declared disparities frames stacked, keeping the declared order of columns."""
    if not frames:
        return declare(pd.DataFrame({"group": [], "metric": []}))
    return declare(pd.concat(frames, ignore_index=True))


@dataclass(frozen=True)
class DisparityRecord:
    """One group's disparity to a reference on one metric: what a policy rule judges.

    The one typed record of a disparity, whatever the task that produced it: a row
    of a result's ``"disparities"`` table (:func:`disparity_records`) or a
    comparison the judge makes for a rule the table does not hold.

    Attributes
    ----------
    feature, group, metric, kind, reference : str
        As the columns of :data:`DISPARITY_COLUMNS`.
    estimate, lower, upper : float
        The disparity (group / or - reference) and its interval (NaN when none).
    value, reference_value : float
        The metric in the group and in the reference.
    n, n_reference : int
        Rows of the group and of the reference.
    method : str
        How the interval was made (``"mover-wilson"``, ``"wald"``, ``"none"``, ...).
    is_reference : bool
        Whether the group is the reference (its row has no interval).
    class_label : str or None
        Class (multiclass audits) or selection (regression audits with several
        selection thresholds) the metric belongs to.
    threshold : float or None
        The selection threshold of a regression audit.
    p_value, p_value_adjusted : float or None
        Test of the group against the reference, as in the result's ``"tests"``
        table; None when not tested.
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
    is_reference: bool = False
    class_label: str | None = None
    threshold: float | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    test: str | None = None

    @property
    def direction(self) -> str:
        """The metric's favourable direction, as the registry declares it."""
        return direction_of(self.metric)

    @property
    def cls(self) -> str | None:
        """Alias of :attr:`class_label`."""
        return self.class_label

    @property
    def has_interval(self) -> bool:
        """Whether both ends of the interval are defined."""
        return not (math.isnan(self.lower) or math.isnan(self.upper))


def qualifier_column(table: pd.DataFrame) -> str | None:
    """The column that splits a metric into several (class, or one of several selections).

    Examples
    --------
    >>> qualifier_column(pd.DataFrame({"class": ["A"]}))
    'class'
    >>> qualifier_column(pd.DataFrame({"selection": ["top 10%", "top 10%"]})) is None
    True
    """
    if "class" in table:
        return "class"
    if "selection" in table and table["selection"].dropna().nunique() > 1:
        return "selection"
    return None


def _optional(row: Mapping[str, Any], name: str | None) -> Any:
    if name is None:
        return None
    value = row.get(name)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def disparity_records(table: pd.DataFrame) -> Iterator[DisparityRecord]:
    """The rows of a disparities table as :class:`DisparityRecord`.

    Parameters
    ----------
    table : pandas.DataFrame
        A result's ``"disparities"`` table (columns :data:`DISPARITY_COLUMNS`).

    Yields
    ------
    DisparityRecord
        One per row, the reference's own rows included (``is_reference``).

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0, 1, 0], [1, 0, 0, 0],
    ...                                      sensitive_features=["a", "a", "b", "b"])
    >>> record = next(disparity_records(result.tables["disparities"]))
    >>> record.metric, record.kind, record.reference
    ('selection_rate', 'difference', 'a')
    """
    qualifier = qualifier_column(table)
    for row in table.to_dict("records"):
        label = _optional(row, qualifier)
        threshold = _optional(row, "threshold")
        yield DisparityRecord(
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
            is_reference=bool(row["is_reference"]),
            class_label=None if label is None else str(label),
            threshold=None if threshold is None else float(threshold),
        )
