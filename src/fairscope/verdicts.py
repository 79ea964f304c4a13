"""Verdicts on a disparity that respect its uncertainty.

A threshold is judged against the interval, not only the point estimate: the
verdict is FAIL when the whole interval violates the threshold, PASS when the
whole interval satisfies it, and INCONCLUSIVE when it straddles the threshold.
"""

from __future__ import annotations

import math
from typing import Literal

PASS = "PASS"
FAIL = "FAIL"
INCONCLUSIVE = "INCONCLUSIVE"

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
) -> str:
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
    str
        ``"PASS"``, ``"FAIL"`` or ``"INCONCLUSIVE"``.

    Examples
    --------
    >>> interval_verdict(0.75, 0.70, 0.79, 0.8, bound="min")
    'FAIL'
    >>> interval_verdict(0.78, 0.70, 0.86, 0.8, bound="min")
    'INCONCLUSIVE'
    """
    if bound not in ("max", "min"):
        raise ValueError(f"bound must be 'max' or 'min'; got {bound!r}.")
    if decide_on not in ("interval", "point"):
        raise ValueError(f"decide_on must be 'interval' or 'point'; got {decide_on!r}.")
    no_interval = lower is None or upper is None or math.isnan(lower) or math.isnan(upper)
    if decide_on == "point" or no_interval:
        return PASS if _satisfies(estimate, threshold, bound) else FAIL
    ok_low, ok_high = _satisfies(lower, threshold, bound), _satisfies(upper, threshold, bound)
    if ok_low and ok_high:
        return PASS
    if not ok_low and not ok_high:
        return FAIL
    return INCONCLUSIVE
