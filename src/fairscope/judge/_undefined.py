"""Disparities that are undefined (0/0) are not judged, and the finding says why.

A ratio of two zero rates (a perfect classifier's false negative rates, say) or a rate
whose denominator is empty in a group is not evidence of anything: the finding is
SKIPPED (not judged, as Aequitas reports it), never an ERROR that fails the audit, and
its message names the value that is undefined and the reason.
"""

from __future__ import annotations

from fairscope.core._registry import Metric
from fairscope.judge._messages import Judged, fmt, metric_name
from fairscope.judge._model import Rule


def undefined_reason(rule: Rule, metric: Metric, j: Judged) -> str:
    """Why the comparison of ``j`` is undefined, and that it is not judged.

    Parameters
    ----------
    rule : Rule
        The rule judged.
    metric : Metric
        Its metric (as judged).
    j : Judged
        The comparison.

    Returns
    -------
    str
        One sentence naming the undefined value and its cause.

    Examples
    --------
    >>> from fairscope.core._registry import get_metric
    >>> from fairscope.judge._model import Rule
    >>> j = Judged(group="b", reference="a", n=200, n_reference=200, group_value=0.0,
    ...            reference_value=0.0, raw=None, raw_lower=None, raw_upper=None, value=None,
    ...            lower=None, upper=None, min_size=30, ci=0.95)
    >>> undefined_reason(Rule(id="r", metric="fnr", fail=0.8), get_metric("fnr"), j)[:60]
    'The false negative rate is 0 for both b and a, so their rati'
    """
    name = metric_name(metric)
    tail = f"so rule {rule.id} is not judged for {j.group} (undefined, not a failure)."
    group, reference = j.group_value, j.reference_value
    if group is None or reference is None:
        who = j.group if group is None else j.reference
        cells = metric.undefined_when.replace(" in this group", f" in {who}")
        return f"The {name} of {who} is undefined ({cells}), {tail}"
    if rule.comparison == "ratio" and reference == 0:
        if group == 0:
            return (
                f"The {name} is 0 for both {j.group} and {j.reference}, so their ratio is "
                f"0/0 (undefined), {tail}"
            )
        return (
            f"The {name} of {j.reference} (the reference) is 0 and that of {j.group} is "
            f"{fmt(group)}, so their ratio is undefined (division by 0), {tail}"
        )
    return (
        f"The {rule.comparison} of the {name} of {j.group} ({fmt(group)}) to that of "
        f"{j.reference} ({fmt(reference)}) is undefined, {tail}"
    )
