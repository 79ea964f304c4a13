"""The reference group a policy compares each feature set with.

An audit run with a policy uses one reference per feature set for its tables, its
findings, its charts and its text: the group the policy's first rule that compares
with a reference picks there (a named group, the largest, the best-off on the rule's
metric, or the overall value). :func:`policy_references` finds those groups from the
audit's statistics, by the judge's own rule (:func:`~fairscope.compute._references.
resolve_reference`), so the audit can tabulate against them before it is judged.
"""

from __future__ import annotations

from typing import Any

from fairscope.core._groups import OVERALL
from fairscope.core._registry import get_metric
from fairscope.judge._estimates import reference_in
from fairscope.judge._judging import _Audit
from fairscope.judge._loading import load_policy
from fairscope.judge._model import Rule, same_feature_set
from fairscope.judge._outcome import favourable_view, with_policy_outcome
from fairscope.result._audit_result import AuditResult


def _applies(rule: Rule, feature_set: str) -> bool:
    if rule.method == "between_groups":
        return False
    return rule.features is None or any(same_feature_set(f, feature_set) for f in rule.features)


def _reference(audit: _Audit, rule: Rule, feature_set: str) -> str | None:
    if rule.method == "to_overall":
        return "overall"
    metric = get_metric(rule.metric)
    metric = favourable_view(metric, audit.result.metadata) or metric
    est = audit.estimates(feature_set, metric, None)
    if est is None:
        return None
    min_size = rule.min_group_size if rule.min_group_size is not None else audit.min_size
    try:
        label = reference_in(rule, est, metric.direction, min_size, warn=False)
    except ValueError:  # the judge reports an unknown group as the rule's ERROR
        return None
    return "overall" if label == OVERALL else label


def policy_references(result: AuditResult, policy: Any) -> dict[str, str]:
    """The group each feature set is compared with under ``policy``.

    Parameters
    ----------
    result : AuditResult
        A binary audit, or a dataset audit of a binary target (other tasks give an
        empty dict: their tables keep the audit's reference).
    policy : str, dict or Policy
        Anything :func:`~fairscope.judge.load_policy` accepts.

    Returns
    -------
    dict of str to str
        Feature-set label to a group label or ``"overall"``, for the feature sets a
        rule compares with a reference; the first such rule decides.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0] * 50, [1, 0] * 25 + [0, 0] * 25, sensitive_features=["a"] * 50 + ["b"] * 50)
    >>> policy_references(result, "four-fifths")
    {'sensitive_feature': 'a'}
    """
    if result.task not in ("binary", "dataset"):  # a dataset: label-only counts of its target
        return {}
    policy = load_policy(policy)
    audit = _Audit(with_policy_outcome(result, policy))
    out: dict[str, str] = {}
    for feature_set in audit.groups:
        for rule in policy.rules:
            if not _applies(rule, feature_set):
                continue
            found = _reference(audit, rule, feature_set)
            if found is not None:
                out[feature_set] = found
                break
    return out


def policy_strategy(policy: Any, feature_set: str) -> str | None:
    """The reference the policy's first rule for ``feature_set`` asks for, as written.

    Parameters
    ----------
    policy : str, dict or Policy
        Anything :func:`~fairscope.judge.load_policy` accepts.
    feature_set : str
        A feature-set label.

    Returns
    -------
    str or None
        ``"overall"``, a strategy or group label, or None when no rule compares
        this feature set with a reference.
    """
    for rule in load_policy(policy).rules:
        if _applies(rule, feature_set):
            if rule.method == "to_overall":
                return "overall"
            ref = rule.reference
            if isinstance(ref, dict):
                match = [v for k, v in ref.items() if same_feature_set(k, feature_set)]
                return match[0] if match else "largest"
            return ref
    return None
