"""The one plain-language sentence of each finding."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fairscope.core._findings import Status
from fairscope.core._registry import Metric
from fairscope.judge._model import Rule


@dataclass(frozen=True)
class Judged:
    """One comparison as the judge sees it: the raw disparity and the folded one judged.

    ``raw*`` is the disparity as computed (group / or - reference); ``value``, ``lower``
    and ``upper`` are what is compared with the limit (a ratio <= 1 or a difference
    >= 0, for the rule's direction). None stands for undefined.
    """

    group: str
    reference: str
    n: int
    n_reference: int
    group_value: float | None
    reference_value: float | None
    raw: float | None
    raw_lower: float | None
    raw_upper: float | None
    value: float | None
    lower: float | None
    upper: float | None
    min_size: int
    ci: float
    class_label: str | None = None


def metric_name(metric: Metric) -> str:
    """The metric's label inside a sentence: lower case, acronyms kept (``ROC AUC``)."""
    first = metric.label.split()[0]
    return metric.label if first.isupper() and len(first) > 1 else metric.label.lower()


def fmt(value: float | None) -> str:
    """A number in three significant digits, or ``"undefined"``."""
    if value is None or math.isnan(value):
        return "undefined"
    return f"{value + 0.0:.3g}"  # + 0.0 turns -0.0 into 0.0


def _describe(kind: str, metric: Metric, j: Judged) -> str:
    raw = j.raw
    if kind == "ratio":
        relation = f"{fmt(raw)} times"
    elif raw is None:
        relation = "undefined relative to"
    else:
        relation = f"{fmt(abs(raw))} {'lower' if raw < 0 else 'higher'} than"
    ci = ""
    if j.raw_lower is not None and j.raw_upper is not None:
        ci = f" ({j.ci:.0%} CI of the {kind} {fmt(j.raw_lower)} to {fmt(j.raw_upper)})"
    name = metric_name(metric)
    if j.class_label is not None:
        name = f"{name} of class {j.class_label}"
    return (
        f"{name} of {j.group} ({fmt(j.group_value)}, n={j.n:,}) is "
        f"{relation} that of {j.reference} ({fmt(j.reference_value)}){ci}"
    )


def limit_text(rule: Rule, threshold: float) -> str:
    """The limit in words, e.g. ``"a ratio between 0.8 and 1.25"``."""
    if rule.comparison == "ratio":
        if rule.direction == "both":
            return f"a ratio between {threshold:g} and {1 / threshold:.3g}"
        if rule.direction == "lower":
            return f"a ratio of at least {threshold:g}"
        return f"a ratio of at most {1 / threshold:.3g}"
    if rule.direction == "both":
        return f"a difference within ±{threshold:g}"
    if rule.direction == "lower":
        return f"a difference of at least -{threshold:g}"
    return f"a difference of at most {threshold:g}"


def skipped(rule: Rule, j: Judged) -> str:
    """Why a comparison is too small for a verdict."""
    who, size = (j.group, j.n) if j.n < j.min_size else (j.reference, j.n_reference)
    return (
        f"{who} has {size:,} rows, fewer than the minimum {j.min_size} for a verdict, "
        f"so {rule.id} is not judged for {j.group}."
    )


def undefined(rule: Rule, metric: Metric, j: Judged) -> str:
    """Why an undefined disparity cannot be judged."""
    tail = f"so rule {rule.id} cannot be judged for {j.group}."
    if j.group_value is not None and j.reference_value is not None:
        return (
            f"The {rule.comparison} of the {metric_name(metric)} of {j.group} "
            f"({fmt(j.group_value)}) to that of {j.reference} ({fmt(j.reference_value)}) is "
            f"undefined, {tail}"
        )
    return (
        f"{metric.label} of {j.group} or of {j.reference} is undefined "
        f"({metric.undefined_when}), {tail}"
    )


def verdict(rule: Rule, metric: Metric, status: Status, j: Judged) -> str:
    """The sentence of a PASS, WARN, FAIL or INCONCLUSIVE finding."""
    text = _describe(rule.comparison, metric, j)
    limit = limit_text(rule, rule.fail)
    no_interval = j.lower is None
    point = rule.decide_on == "point" or no_interval
    if status == Status.PASS:
        tail = f"within the limit ({limit})"
    elif status == Status.FAIL:
        tail = f"outside the limit ({limit})" + ("" if point else " over its whole interval")
    elif status == Status.INCONCLUSIVE:
        tail = f"its interval straddles the limit ({limit}), so more data is needed to decide"
    else:
        warn = rule.warn if rule.warn is not None else rule.fail
        tail = (
            f"within the fail limit but not clearly within the warn limit "
            f"({limit_text(rule, warn)})"
        )
    note = ""
    if no_interval and rule.decide_on == "interval":
        note = (
            f" No interval is available for this {metric_name(metric)} comparison, so the "
            "verdict is on the point estimate."
        )
    return f"{text[0].upper()}{text[1:]}: {tail}.{note}"
