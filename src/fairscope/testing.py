"""Fairness assertions for test suites: ``assert_fair`` fails a pytest test like any assert."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from fairscope.audits._predictions import audit_predictions
from fairscope.core._findings import Status
from fairscope.judge import apply_policy
from fairscope.result._audit_result import AuditResult


def assert_fair(
    result_or_audit_args: AuditResult | Mapping[str, Any] | None = None,
    *,
    policy: Any = None,
    fail_on: Iterable[str] | None = None,
    today: Any = None,
    **audit_kwargs: Any,
) -> AuditResult:
    """Assert that an audit passes a fairness policy.

    Parameters
    ----------
    result_or_audit_args : AuditResult or dict, optional
        An audit result, or the keyword arguments of
        :func:`fairscope.audit_predictions` as a dict (``y_true``, ``y_pred``,
        ``sensitive_features``, ...). They may also be given as keyword
        arguments of this function.
    policy : str, path, dict or Policy, optional
        Policy to judge with; required unless the result already has one.
    fail_on : iterable of str, optional
        Statuses that fail the assertion (default: the result's, ``("fail",)``);
        ERROR always fails.
    today : date, optional
        Date for checking waivers (default today, UTC).

    Returns
    -------
    AuditResult
        The judged result, when it passes.

    Raises
    ------
    AssertionError
        Listing every failing finding with its message.

    Examples
    --------
    >>> from fairscope.testing import assert_fair
    >>> y = [1, 0] * 50
    >>> _ = assert_fair(y_true=y, y_pred=y, sensitive_features=["a"] * 50 + ["b"] * 50,
    ...                 policy="four-fifths")
    >>> assert_fair(y_true=y, y_pred=[1, 0] * 25 + [0, 0] * 25,
    ...             sensitive_features=["a"] * 50 + ["b"] * 50, policy="four-fifths")
    Traceback (most recent call last):
    ...
    AssertionError: fairness policy four-fifths failed: 1 of 1 findings ...
    """
    result = _judged(result_or_audit_args, policy, today, audit_kwargs)
    record = result.policy
    if record is None:
        raise ValueError(
            "assert_fair needs a policy: pass policy='four-fifths' (or a file or Policy), "
            "or a result audited with policy=."
        )
    if fail_on is not None:
        result = dataclasses.replace(result, fail_on=tuple(fail_on))
    failing_statuses = {Status(s.upper()) for s in result.fail_on} | {Status.ERROR}
    failing = [f for f in result.findings if f.status in failing_statuses]
    if failing:
        lines = [
            f"fairness policy {record.get('name')} failed: {len(failing)} of "
            f"{len(result.findings)} findings are {'/'.join(sorted(s.value for s in failing_statuses))}"
        ]
        lines += [
            f"  {f.status.value} {f.rule_id} [{f.feature}] {f.group}: {f.message}" for f in failing
        ]
        raise AssertionError("\n".join(lines))
    return result


def _judged(
    given: AuditResult | Mapping[str, Any] | None,
    policy: Any,
    today: Any,
    audit_kwargs: Mapping[str, Any],
) -> AuditResult:
    """The result to check: audited from arguments when needed, judged when given a policy."""
    if isinstance(given, AuditResult):
        if audit_kwargs:
            raise TypeError(
                f"assert_fair got an AuditResult and audit arguments {sorted(audit_kwargs)}; "
                "give one or the other."
            )
        result = given
    else:
        arguments = dict(given or {})
        arguments.update(audit_kwargs)
        if not arguments:
            raise TypeError("assert_fair needs an AuditResult or audit arguments.")
        result = audit_predictions(**arguments)
    # judging returns a new result: the caller's result is left as it was
    return result if policy is None else apply_policy(result, policy, today=today)
