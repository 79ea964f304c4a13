"""Rate rules judged on the favourable outcome.

When the audit's positive label is adverse (``metadata["outcome"] == "adverse"``:
COMPAS's "high risk"), a rule on the selection rate or the true positive rate would
otherwise protect the groups that are flagged *least*. Such a rule is judged on the
rate of the favourable outcome instead: the share predicted negative (not flagged),
and among the rows whose true label is the favourable one, the share predicted
favourable (the true negative rate). Error-rate rules (false positive rate, ...)
keep their meaning: being wrongly flagged is already named as the harm.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from typing import Any

from fairscope.core._findings import Finding
from fairscope.core._groups import find_stacklevel
from fairscope.core._registry import Metric, get_metric
from fairscope.core._warnings import PolicyWarning
from fairscope.judge._model import Policy
from fairscope.result._audit_result import AuditResult

#: Cells of the favourable-outcome rate that replaces the selection rate.
_NOT_SELECTED: tuple[tuple[str, ...], tuple[str, ...]] = (("tn", "fn"), ("tn", "fp", "fn", "tp"))
#: Rules on these metrics are judged on the favourable outcome.
FAVOURABLE_RULES: tuple[str, ...] = ("selection_rate", "true_positive_rate")


def _positive(meta: Mapping[str, Any]) -> str:
    """The positive prediction in words: ``high_risk = 1``, or the label's repr."""
    found = meta.get("positive_prediction")
    return str(found) if found else repr(meta.get("pos_label", "1"))


def _of_labels(meta: Mapping[str, Any]) -> bool:
    """Whether the outcome is the observed label (a dataset audit), not a prediction."""
    return meta.get("task") == "dataset"


def is_adverse(meta: Mapping[str, Any]) -> bool:
    """Whether the audit's positive label is the adverse outcome.

    Parameters
    ----------
    meta : mapping
        The result's metadata.

    Returns
    -------
    bool
    """
    return meta.get("outcome") == "adverse"


def favourable_view(metric: Metric, meta: Mapping[str, Any]) -> Metric | None:
    """The metric as a rate of the favourable outcome, or None when it keeps its meaning.

    The selection rate becomes the share *not* predicted positive: it keeps the name
    ``selection_rate`` (the finding belongs to the rule's metric; its two-proportion
    test is the same) but counts the favourable cells and says so in its label. The
    true positive rate becomes the true negative rate.

    Parameters
    ----------
    metric : Metric
        The rule's metric.
    meta : mapping
        The result's metadata (``outcome``, ``pos_label``).

    Returns
    -------
    Metric or None

    Examples
    --------
    >>> from fairscope.core._registry import get_metric
    >>> view = favourable_view(get_metric("selection_rate"), {"outcome": "adverse",
    ...                                                       "pos_label": "1"})
    >>> view.label
    "Rate of the favourable outcome (not predicted '1')"
    """
    if metric.name not in FAVOURABLE_RULES or not is_adverse(meta):
        return None
    if metric.name == "true_positive_rate":
        # among rows whose true label is the favourable one, the share predicted favourable
        return get_metric("true_negative_rate")
    positive = _positive(meta)
    numerator, denominator = _NOT_SELECTED
    if _of_labels(meta):  # a dataset audit: the label is the outcome, nothing is predicted
        label = f"Rate of the favourable observed outcome (labels other than {positive})"
        definition = f"Share of the group not labelled {positive} (the adverse observed outcome)."
    else:
        label = f"Rate of the favourable outcome (not predicted {positive})"
        definition = f"Share of the group not predicted {positive} (the adverse outcome)."
    return dataclasses.replace(
        metric,
        label=label,
        definition=definition,
        formula_text="(TN + FN) / N",
        numerator=numerator,
        denominator=denominator,
        direction="higher",
    )


def with_adverse_rates(finding: Finding, meta: Mapping[str, Any]) -> Finding:
    """The finding of a favourable-outcome rate, its message also giving the adverse rates.

    A reader of a COMPAS finding should read "flagged high risk at 0.588 against 0.21",
    not only the complementary rate that the rule judged.

    Parameters
    ----------
    finding : Finding
        A finding of a rule judged through :func:`favourable_view` of the selection rate.
    meta : mapping
        The result's metadata (``pos_label``).

    Returns
    -------
    Finding
        A copy whose message ends with the rates of the adverse outcome.
    """
    group, reference = finding.group_value, finding.reference_value
    if group is None or reference is None or math.isnan(group) or math.isnan(reference):
        return finding
    positive = _positive(meta)
    more = "more" if 1 - group > 1 - reference else "less"
    if _of_labels(meta):
        what, gets = f"Labelled {positive} (the adverse observed outcome)", "has"
    else:
        what, gets = f"Predicted {positive} (the adverse outcome)", "gets"
    note = (
        f" {what}: {finding.group} {1 - group:.3g}, {finding.reference} {1 - reference:.3g}; "
        f"{finding.group} {gets} the adverse outcome {more} often."
    )
    return dataclasses.replace(finding, message=finding.message + note)


def with_policy_outcome(result: AuditResult, policy: Policy) -> AuditResult:
    """The result with the outcome direction of the policy's ``favorable`` key, if any.

    A policy that names its favourable label decides which outcome is harmful, as
    ``favorable_label=`` does for an audit; an audit given another direction
    explicitly is judged by the policy's, with a :class:`~fairscope.PolicyWarning`.

    Parameters
    ----------
    result : AuditResult
        A binary audit, or a dataset audit of a binary target (others are returned as
        they are).
    policy : Policy
        The loaded policy.

    Returns
    -------
    AuditResult
        A new result whose metadata records the policy's direction, or ``result``.
    """
    positive = result.metadata.get("pos_label")
    if policy.favorable is None or result.task not in ("binary", "dataset") or positive is None:
        return result  # a dataset audit: the rates of its binary target
    meta = result.metadata
    outcome = "favorable" if str(policy.favorable) == str(positive) else "adverse"
    if meta.get("outcome_given") and meta.get("outcome") != outcome:
        warnings.warn(
            f"policy {policy.name!r} says the favourable label is {policy.favorable!r}, so a "
            f"prediction of {positive!r} is {outcome}; the audit was run as "
            f"{meta.get('outcome')!r}. The policy's direction is used.",
            PolicyWarning,
            stacklevel=find_stacklevel(),
        )
    return dataclasses.replace(
        result,
        metadata={
            **meta,
            "outcome": outcome,
            "favorable_label": str(policy.favorable),
            "outcome_given": True,
        },
    )
