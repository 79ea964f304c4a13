"""Verdicts on a disparity that respect its uncertainty.

A threshold is judged against the interval, not only the point estimate: the
verdict is FAIL when the whole interval violates the threshold, PASS when the
whole interval satisfies it, and INCONCLUSIVE when it straddles the threshold.

Groups (or reference groups) with fewer rows than ``min_group_size`` are not
judged at all: :func:`size_check` says why, and :func:`disparity_verdict`
returns SKIPPED with that reason. So are disparities that are undefined (0/0).

There is one verdict vocabulary: :class:`~fairscope.core._findings.Status`. It is a
string enum, so a verdict compares equal to its name (``Status.FAIL == "FAIL"``); the
constants below are the same members, kept for code that imported them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from fairscope.core._findings import Status

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PASS = Status.PASS
FAIL = Status.FAIL
INCONCLUSIVE = Status.INCONCLUSIVE
SKIPPED = Status.SKIPPED

Bound = Literal["max", "min"]


def _satisfies(value: float, threshold: float, bound: Bound) -> bool:
    return value <= threshold if bound == "max" else value >= threshold


def interval_verdict(
    estimate: float,
    lower: float | None,
    upper: float | None,
    threshold: float,
    *,
    bound: Bound,
    decide_on: Literal["interval", "point"] = "interval",
) -> Status:
    """Judge a disparity against a threshold.

    Parameters
    ----------
    estimate : float
        Point estimate of the disparity.
    lower, upper : float or None
        Interval of the disparity; when missing (None or NaN) the point
        estimate decides.
    threshold : float
        The limit.
    bound : {"max", "min"}
        ``"max"`` when the disparity must be at most the threshold (a
        difference), ``"min"`` when it must be at least the threshold (a ratio).
    decide_on : {"interval", "point"}, default "interval"

    Returns
    -------
    Status
        ``Status.PASS``, ``Status.FAIL`` or ``Status.INCONCLUSIVE`` (equal to the
        strings ``"PASS"``, ``"FAIL"``, ``"INCONCLUSIVE"``).

    Examples
    --------
    >>> interval_verdict(0.75, 0.70, 0.79, 0.8, bound="min") == "FAIL"
    True
    >>> print(interval_verdict(0.78, 0.70, 0.86, 0.8, bound="min"))
    INCONCLUSIVE
    """
    if bound not in ("max", "min"):
        raise ValueError(f"bound must be 'max' or 'min'; got {bound!r}.")
    if decide_on not in ("interval", "point"):
        raise ValueError(f"decide_on must be 'interval' or 'point'; got {decide_on!r}.")
    if decide_on == "point" or lower is None or upper is None:
        return PASS if _satisfies(estimate, threshold, bound) else FAIL
    if math.isnan(lower) or math.isnan(upper):
        return PASS if _satisfies(estimate, threshold, bound) else FAIL
    ok_low, ok_high = _satisfies(lower, threshold, bound), _satisfies(upper, threshold, bound)
    if ok_low and ok_high:
        return PASS
    if not ok_low and not ok_high:
        return FAIL
    return INCONCLUSIVE


def undecided_sentence(undecided: int) -> str:
    """What a passing audit with INCONCLUSIVE findings says: it did not show compliance.

    Parameters
    ----------
    undecided : int
        INCONCLUSIVE findings.

    Returns
    -------
    str
        The sentence, for the CLI summary and the report.

    Examples
    --------
    >>> undecided_sentence(3)
    'passed, but 3 checks could not be decided with this much data'
    """
    checks = "check" if undecided == 1 else "checks"
    return f"passed, but {undecided} {checks} could not be decided with this much data"


def size_check(
    n: float | None, n_reference: float | None = None, *, min_group_size: int = 30
) -> str | None:
    """Why a comparison is too small for a verdict, or None when it is large enough.

    Parameters
    ----------
    n : float or None
        Rows of the group.
    n_reference : float or None
        Rows of the reference group (None when not applicable).
    min_group_size : int, default 30

    Returns
    -------
    str or None
        The reason, naming the rows and the minimum; None when both are large enough.

    Examples
    --------
    >>> size_check(12, 500)
    'group too small for a verdict: 12 rows < min_group_size 30'
    >>> size_check(500, 12)
    'reference group too small for a verdict: 12 rows < min_group_size 30'
    >>> size_check(40, 500) is None
    True
    """
    if n is not None and not math.isnan(n) and n < min_group_size:
        return f"group too small for a verdict: {int(n)} rows < min_group_size {min_group_size}"
    if n_reference is not None and not math.isnan(n_reference) and n_reference < min_group_size:
        return (
            f"reference group too small for a verdict: {int(n_reference)} rows "
            f"< min_group_size {min_group_size}"
        )
    return None


def disparity_verdict(
    estimate: float,
    lower: float | None,
    upper: float | None,
    threshold: float,
    *,
    bound: Bound,
    n: float | None = None,
    n_reference: float | None = None,
    min_group_size: int = 30,
    decide_on: Literal["interval", "point"] = "interval",
) -> tuple[Status, str]:
    """Verdict and a one-line reason for one disparity, respecting group sizes.

    SKIPPED when a group is smaller than ``min_group_size`` (see
    :func:`size_check`) or the disparity is undefined (NaN); otherwise
    :func:`interval_verdict`.

    Parameters
    ----------
    estimate : float
        Point estimate of the disparity (NaN when undefined).
    lower, upper : float or None
        Its interval.
    threshold : float
        The limit.
    bound : {"max", "min"}
        As in :func:`interval_verdict`.
    n, n_reference : float, optional
        Rows of the group and of the reference group.
    min_group_size : int, default 30
    decide_on : {"interval", "point"}, default "interval"

    Returns
    -------
    status : Status
    reason : str

    Examples
    --------
    >>> status, reason = disparity_verdict(0.75, 0.70, 0.79, 0.8, bound="min", n=200,
    ...                                    n_reference=900)
    >>> print(status, reason, sep=": ")
    FAIL: interval [0.7, 0.79] entirely below 0.8
    >>> disparity_verdict(0.75, 0.40, 1.2, 0.8, bound="min", n=10, n_reference=900)[0] == "SKIPPED"
    True
    """
    small = size_check(n, n_reference, min_group_size=min_group_size)
    if small is not None:
        return SKIPPED, small
    if estimate is None or math.isnan(estimate):
        return SKIPPED, "disparity undefined (a rate is 0/0)"
    status = interval_verdict(estimate, lower, upper, threshold, bound=bound, decide_on=decide_on)
    side = "below" if bound == "min" else "above"
    no_interval = lower is None or upper is None or math.isnan(lower) or math.isnan(upper)
    if decide_on == "point" or no_interval:
        where = "within" if status == PASS else side
        return status, f"estimate {estimate:.3g} {where} limit {threshold:.3g} (no interval used)"
    span = f"interval [{lower:.3g}, {upper:.3g}]"
    if status == PASS:
        return status, f"{span} entirely within the limit {threshold:.3g}"
    if status == FAIL:
        return status, f"{span} entirely {side} {threshold:.3g}"
    return status, f"{span} contains the limit {threshold:.3g}: the data cannot decide"


def table_verdicts(
    disparities: pd.DataFrame,
    threshold: float,
    *,
    bound: Bound,
    min_group_size: int = 30,
    decide_on: Literal["interval", "point"] = "interval",
) -> pd.DataFrame:
    """Verdicts for every row of a disparity table (``GroupMetrics.disparity_intervals``).

    Uses the columns ``estimate``, ``lower``, ``upper``, ``n``, ``n_reference`` and
    ``is_reference`` (the reference's own row is SKIPPED: it is not compared with itself).

    Parameters
    ----------
    disparities : pandas.DataFrame
        A disparity table.
    threshold : float
        The limit.
    bound : {"max", "min"}
        As in :func:`interval_verdict`.
    min_group_size : int, default 30
    decide_on : {"interval", "point"}, default "interval"

    Returns
    -------
    pandas.DataFrame
        The table with two more columns, ``status`` and ``reason``.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> gm = GroupMetrics(y_true=[1, 0] * 100, y_pred=[1] * 100 + [1, 0, 0, 0] * 25,
    ...                   sensitive_features=["a"] * 100 + ["b"] * 100,
    ...                   metrics="selection_rate")
    >>> table = gm.disparity_intervals("ratio", reference="a")
    >>> table_verdicts(table, 0.8, bound="min")["status"].tolist()
    ['SKIPPED', 'FAIL']
    """
    statuses: list[Status] = []
    reasons: list[str] = []
    for row in disparities.itertuples(index=False):
        if bool(row.is_reference):
            statuses.append(SKIPPED)
            reasons.append("reference group")
            continue
        status, reason = disparity_verdict(
            float(row.estimate), float(row.lower), float(row.upper), threshold, bound=bound,
            n=float(row.n), n_reference=float(row.n_reference), min_group_size=min_group_size,
            decide_on=decide_on,
        )  # fmt: skip
        statuses.append(status)
        reasons.append(reason)
    return disparities.assign(status=statuses, reason=reasons)
