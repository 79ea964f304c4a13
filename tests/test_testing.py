"""assert_fair: a fairness policy as a test assertion."""

from __future__ import annotations

import pytest

import fairscope
from fairscope.core._findings import Status
from fairscope.testing import assert_fair

HALF = ["a"] * 50 + ["b"] * 50


def unfair() -> fairscope.AuditResult:
    return fairscope.audit_predictions(
        [1, 0] * 50, [1, 0] * 25 + [0, 0] * 25, sensitive_features=HALF
    )


def test_a_failing_policy_fails_the_assertion_with_every_failing_finding():
    with pytest.raises(
        AssertionError, match=r"four-fifths failed: 1 of 1 findings.*\n  FAIL four-fifths"
    ):
        assert_fair(unfair(), policy="four-fifths")


def test_judging_a_result_leaves_the_callers_result_unjudged():
    result = fairscope.audit_predictions([1, 0] * 500, [1, 0] * 500, sensitive_features=HALF * 10)
    judged = assert_fair(result, policy="four-fifths", fail_on=["fail", "inconclusive"])
    assert [f.status for f in judged.findings] == [Status.PASS]
    assert result.findings == [] and result.policy is None and result.fail_on == ("fail",)
    assert judged.fail_on == ("fail", "inconclusive")


def test_a_result_needs_a_policy():
    with pytest.raises(ValueError, match="needs a policy"):
        assert_fair(unfair())


def test_audit_arguments_and_a_result_are_exclusive():
    with pytest.raises(TypeError, match="one or the other"):
        assert_fair(unfair(), policy="four-fifths", y_true=[1])
