"""The judged view of a disparity and its verdict against a rule's limits.

``judged`` folds a raw disparity (group / or - reference) into the direction a rule reads;
``rule_status`` decides PASS / WARN / FAIL / INCONCLUSIVE from the judged interval.
"""

from __future__ import annotations

import math
from typing import Literal

from fairscope.core._findings import Status
from fairscope.core._verdicts import interval_verdict
from fairscope.judge._model import Rule


def _none_if_nan(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _inverse(x: float) -> float:
    return math.inf if x == 0 else 1 / x


def _judged_difference(direction: str, v: float, lo: float, hi: float) -> tuple[float, ...]:
    if direction == "higher":
        return v, lo, hi
    if direction == "lower":
        return -v, -hi, -lo
    if lo >= 0:
        return abs(v), lo, hi
    if hi <= 0:
        return abs(v), -hi, -lo
    if math.isnan(lo) or math.isnan(hi):
        return abs(v), math.nan, math.nan
    return abs(v), 0.0, max(-lo, hi)


def _judged_ratio(direction: str, v: float, lo: float, hi: float) -> tuple[float, ...]:
    if direction == "lower":
        return v, lo, hi
    if direction == "higher":
        return _inverse(v), _inverse(hi), _inverse(lo)
    folded = min(v, _inverse(v))
    if math.isnan(lo) or math.isnan(hi):
        return folded, math.nan, math.nan
    if lo >= 1:
        return folded, _inverse(hi), _inverse(lo)
    if hi <= 1:
        return folded, lo, hi
    return folded, min(lo, _inverse(hi)), 1.0


def judged(kind: str, direction: str, v: float, lo: float, hi: float) -> tuple[float, ...]:
    """The disparity compared with the limit (a ratio <= 1 or a difference >= 0), with its
    interval, for the rule's direction.

    Examples
    --------
    >>> judged("ratio", "both", 1.25, 1.1, 1.4)
    (0.8, 0.7142857142857143, 0.9090909090909091)
    """
    if kind == "difference":
        return _judged_difference(direction, v, lo, hi)
    return _judged_ratio(direction, v, lo, hi)


def rule_status(rule: Rule, value: float, lower: float, upper: float) -> Status:
    """PASS, WARN, FAIL or INCONCLUSIVE of a judged disparity (see ``interval_verdict``)."""
    bound: Literal["min", "max"] = "min" if rule.bound == "min" else "max"
    decide_on: Literal["interval", "point"] = "point" if rule.decide_on == "point" else "interval"
    verdict = interval_verdict(value, lower, upper, rule.fail, bound=bound, decide_on=decide_on)
    if verdict != Status.PASS:
        return verdict
    if rule.warn is not None:
        warn = interval_verdict(value, lower, upper, rule.warn, bound=bound, decide_on=decide_on)
        if warn != Status.PASS:
            return Status.WARN
    return Status.PASS
