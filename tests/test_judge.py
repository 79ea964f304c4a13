"""The judge reads typed disparity records of any task and returns a new result.

Rules may name score, regression and per-class metrics; the p-values of findings are the
tests table's; the judge never rebuilds compute objects.
"""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.core._findings import Finding, Status
from fairscope.judge import Policy, PolicyError, Rule, Waiver, apply_policy, load_policy
from fairscope.judge._waivers import apply_waivers
from fairscope.result._audit_result import AuditResult


def policy(*rules: dict) -> dict:
    return {"name": "t", "version": "1", "rules": list(rules)}


@pytest.fixture(scope="module")
def scored() -> AuditResult:
    """A binary audit with scores: three groups of different sizes."""
    rng = np.random.default_rng(0)
    n = 3000
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + 0.7 * rng.random(n) - 0.05 * (group == "c"), 0, 1)
    return fairscope.audit_predictions(
        y_true=y, y_pred=(score > 0.5).astype(int), y_score=score, sensitive_features=group
    )


@pytest.fixture(scope="module")
def regression() -> dict[str, AuditResult]:
    rng = np.random.default_rng(1)
    n = 2000
    group = rng.choice(["a", "b"], n, p=[0.6, 0.4])
    y = rng.normal(size=n)
    pred = y + rng.normal(size=n) * (0.5 + 0.3 * (group == "b"))
    kwargs = {"y_true": y, "y_pred": pred, "sensitive_features": group, "task": "regression"}
    return {
        "plain": fairscope.audit_predictions(**kwargs),
        "threshold": fairscope.audit_predictions(**kwargs, selection_threshold=0.0),
    }


@pytest.fixture(scope="module")
def multiclass() -> AuditResult:
    rng = np.random.default_rng(2)
    n = 3000
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 3, n)
    pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, 3, n))
    pred[(group == "c") & (pred == 2) & (rng.random(n) < 0.5)] = 0  # c rarely predicted 2
    return fairscope.audit_predictions(y_true=y, y_pred=pred, sensitive_features=group)


def table_row(result: AuditResult, name: str, **where: object) -> pd.Series:
    table = result.tables[name]
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= (table[column].astype(str) == str(value)).to_numpy()
    [index] = np.flatnonzero(mask)
    return table.iloc[index]


# -- a new result ------------------------------------------------------------------------


def test_apply_policy_returns_a_new_result_and_leaves_the_input_alone(scored):
    before = copy.deepcopy(scored.to_dict())
    judged = apply_policy(
        scored, policy({"id": "sr", "metric": "sr", "fail": 0.8, "reference": "c"})
    )
    assert judged is not scored
    assert judged.findings and not scored.findings
    assert scored.policy is None and scored.reproducibility.get("policy") is None
    assert "expired_waivers" not in scored.metadata
    assert scored.to_dict() == before
    assert len(judged.tables["tests"]) > len(scored.tables["tests"])


def test_audits_given_a_policy_return_the_judged_result():
    result = fairscope.audit_predictions(
        [1, 0] * 50, [1, 0] * 25 + [0, 0] * 25, sensitive_features=["a"] * 50 + ["b"] * 50,
        policy="four-fifths",
    )  # fmt: skip
    assert [f.status for f in result.findings] == [Status.FAIL]


def test_waivers_return_new_findings():
    finding = Finding("sr", "selection_rate", "ratio_to_reference", "g", "b", Status.FAIL)
    waiver = Waiver("sr", "b", "legacy model", "risk team", dt.date(2030, 1, 1))
    [waived], expired = apply_waivers([finding], [waiver], dt.date(2029, 1, 1))
    assert waived.status == Status.WAIVED and finding.status == Status.FAIL
    assert finding.waiver is None and expired == []


# -- one p-value family ------------------------------------------------------------------


def test_findings_show_the_p_values_of_the_tests_table(scored):
    # the tests table adjusts over every rate of the feature set; a one-metric rebuild
    # adjusted over the groups of one rate only, and the two disagreed
    judged = apply_policy(scored, "equalized-odds")
    assert judged.findings
    for f in judged.findings:
        row = table_row(judged, "tests", feature=f.feature, metric=f.metric, group=f.group,
                        reference=f.reference)  # fmt: skip
        assert f.p_value == row["p_value"]
        assert f.p_value_adjusted == row["p_value_adjusted"]
        assert f.test == row["test"]


def test_tests_for_another_reference_are_added_to_the_table_in_one_family(scored):
    from fairscope.compute._significance import adjust_p_values

    rule = {"id": "fpr", "metric": "fpr", "comparison": "difference", "fail": 0.2, "reference": "c"}
    judged = apply_policy(scored, policy(rule))
    added = judged.tables["tests"]
    added = added[(added["reference"] == "c") & (added["metric"] == "false_positive_rate")]
    assert sorted(added["group"]) == ["a", "b"]
    assert added["p_value_adjusted"].tolist() == adjust_p_values(added["p_value"], "holm").tolist()
    for f in judged.findings:
        row = table_row(judged, "tests", feature=f.feature, metric=f.metric, group=f.group,
                        reference="c")  # fmt: skip
        assert (f.p_value, f.p_value_adjusted) == (row["p_value"], row["p_value_adjusted"])


def test_tests_the_judge_adds_are_the_rows_compute_makes(scored):
    # one code path: the rows added for another reference are compute's comparison_tests
    from fairscope.compute._significance import comparison_tests

    rule = {"id": "fpr", "metric": "fpr", "comparison": "difference", "fail": 0.2, "reference": "c"}
    judged = apply_policy(scored, policy(rule))
    tests = judged.tables["tests"]
    added = tests[(tests["reference"] == "c") & (tests["metric"] == "false_positive_rate")]
    feature = added["feature"].iloc[0]
    expected = comparison_tests(scored.statistics[feature], "fpr", "c")
    columns = ["group", "test", "statistic", "p_value", "p_value_adjusted", "n_tested"]
    pd.testing.assert_frame_equal(
        added[columns].reset_index(drop=True), expected[columns].reset_index(drop=True)
    )


# -- rules on every task -----------------------------------------------------------------


def test_score_and_regression_metrics_load_in_rules():
    loaded = load_policy(
        policy(
            {"id": "auc", "metric": "auc", "comparison": "difference", "fail": 0.05},
            {"id": "mae", "metric": "mae", "comparison": "difference", "fail": 2.5},
        )
    )
    assert [r.metric for r in loaded.rules] == ["roc_auc", "mean_absolute_error"]
    with pytest.raises(PolicyError, match=r"rules\[0\]\.metric"):
        load_policy(policy({"id": "n", "metric": "count", "fail": 0.8}))


def test_roc_auc_rule_judges_the_audits_auc_disparities(scored):
    rule = {"id": "auc", "metric": "roc_auc", "comparison": "difference", "fail": 0.05}
    judged = apply_policy(scored, policy(rule))
    assert {f.group for f in judged.findings} == {"b", "c"}
    for f in judged.findings:
        row = table_row(judged, "disparities", feature=f.feature, group=f.group,
                        metric="roc_auc", kind="difference")  # fmt: skip
        assert f.reference == row["reference"] == "a"
        assert f.value == pytest.approx(abs(row["estimate"]), abs=1e-15)
        assert f.status != Status.ERROR and f.upper is not None


def test_a_metric_without_an_interval_is_judged_on_its_point_estimate(scored):
    rule = {"id": "ap", "metric": "average_precision", "comparison": "difference", "fail": 0.5}
    judged = apply_policy(scored, policy(rule))
    assert {f.status for f in judged.findings} == {Status.PASS}
    assert all("verdict is on the point estimate" in f.message for f in judged.findings)


def test_roc_auc_against_the_best_group_is_computed_from_the_group_intervals(scored):
    rule = {"id": "auc", "metric": "auc", "fail": 0.9, "reference": "best", "direction": "lower"}
    judged = apply_policy(scored, policy(rule))
    table = scored.tables["score_metrics"].set_index("group")
    best = table.drop("<overall>")["roc_auc"].idxmax()
    for f in judged.findings:
        assert f.reference == best
        assert f.value == pytest.approx(table.loc[f.group, "roc_auc"] / table.loc[best, "roc_auc"])
        assert f.lower < f.value < f.upper


def test_mae_rule_judges_a_regression_audit(regression):
    rule = {"id": "mae", "metric": "mae", "comparison": "difference", "fail": 0.05}
    [finding] = apply_policy(regression["plain"], policy(rule)).findings
    row = table_row(regression["plain"], "disparities", group="b", metric="mean_absolute_error",
                    kind="difference")  # fmt: skip
    assert (finding.group, finding.reference) == ("b", "a")
    assert finding.value == pytest.approx(abs(row["estimate"]), abs=1e-15)
    assert finding.status == Status.FAIL  # b's errors are clearly larger


def test_four_fifths_judges_a_regression_audit_with_a_selection_threshold(regression):
    judged = apply_policy(regression["threshold"], "four-fifths")
    assert [f.status for f in judged.findings if f.status == Status.ERROR] == []
    assert {f.metric for f in judged.findings} == {"selection_rate"}


def test_four_fifths_without_a_selection_says_how_to_get_one(regression):
    [finding] = apply_policy(regression["plain"], "four-fifths").findings
    assert finding.status == Status.ERROR
    assert "selection_threshold" in finding.message


def test_a_metric_the_audit_did_not_compute_gives_one_clear_finding(scored):
    rule = {"id": "mae", "metric": "mae", "comparison": "difference", "fail": 0.5}
    [finding] = apply_policy(scored, policy(rule)).findings
    assert finding.status == Status.ERROR
    assert "unavailable" in finding.message and "task='regression'" in finding.message


def test_four_fifths_judges_every_class_of_a_multiclass_audit(multiclass):
    judged = apply_policy(multiclass, "four-fifths")
    assert {f.class_label for f in judged.findings} == {"0", "1", "2"}
    assert Status.ERROR not in {f.status for f in judged.findings}
    c2 = next(f for f in judged.findings if f.class_label == "2" and f.group == "c")
    shares = multiclass.tables["multiclass_metrics"]
    rates = shares[shares["class"].astype(str) == "2"].set_index("group")["selection_rate"]
    assert c2.reference == rates.idxmax()
    assert c2.value == pytest.approx(rates["c"] / rates.max())
    assert "class 2" in c2.message


def test_a_rule_may_name_one_class(multiclass):
    rule = {"id": "tpr", "metric": "tpr", "class": 1, "comparison": "difference", "fail": 0.1}
    judged = apply_policy(multiclass, policy(rule))
    assert {f.class_label for f in judged.findings} == {"1"}
    row = table_row(multiclass, "disparities", group="b", metric="true_positive_rate",
                    kind="difference", **{"class": 1})  # fmt: skip
    finding = next(f for f in judged.findings if f.group == "b")
    assert finding.value == pytest.approx(abs(row["estimate"]), abs=1e-15)
    [unknown] = apply_policy(multiclass, policy({**rule, "class": "7"})).findings
    assert unknown.status == Status.ERROR and "'0', '1', '2'" in unknown.message


def test_class_findings_round_trip_and_binary_findings_keep_their_layout(multiclass, scored):
    judged = apply_policy(multiclass, "four-fifths")
    again = AuditResult.from_json(judged.to_json())
    assert [f.class_label for f in again.findings] == [f.class_label for f in judged.findings]
    binary = apply_policy(scored, "four-fifths")
    assert "class_label" not in binary.findings[0].to_dict()


# -- the judge reads, it does not rebuild ------------------------------------------------


def test_the_judge_never_builds_group_metrics(scored, monkeypatch):
    from fairscope.compute import _group_metrics

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the judge rebuilt GroupMetrics")

    monkeypatch.setattr(_group_metrics.GroupMetrics, "__init__", refuse)
    monkeypatch.setattr(_group_metrics.GroupMetrics, "from_counts", refuse)
    rules = [
        {"id": "sr", "metric": "sr", "fail": 0.8, "reference": "best"},
        {"id": "bg", "metric": "fpr", "comparison": "difference_between_groups", "fail": 0.1},
        {"id": "ov", "metric": "tpr", "comparison": "ratio_to_overall", "fail": 0.8},
    ]
    judged = apply_policy(scored, policy(*rules))
    assert Status.ERROR not in {f.status for f in judged.findings}


def test_largest_reference_is_never_the_missing_value_group():
    groups = ["a"] * 300 + ["b"] * 200 + [None] * 500
    y = [1, 0] * 500
    result = fairscope.audit_predictions(y, y, sensitive_features=pd.Series(groups))
    judged = apply_policy(result, policy({"id": "sr", "metric": "sr", "fail": 0.8}))
    assert {f.reference for f in judged.findings} == {"a"}


def test_rules_built_in_python_may_name_a_class():
    rule = Rule("c", "selection_rate", fail=0.8, class_label=2)  # type: ignore[arg-type]
    assert rule.class_label == "2" and rule.to_dict()["class"] == "2"
    assert Policy("p", rules=(rule,)).hash != Policy("p", rules=(Rule("c", "sr", 0.8),)).hash


def test_interval_verdict_speaks_the_status_vocabulary():
    verdict = fairscope.interval_verdict(0.75, 0.70, 0.79, 0.8, bound="min")
    assert verdict is Status.FAIL and verdict == "FAIL"


@pytest.mark.parametrize("ci_method", ["bootstrap", "bca"])
def test_bootstrap_audits_give_bootstrap_intervals_for_other_references(ci_method):
    from fairscope.compute._group_metrics import GroupMetrics

    rng = np.random.default_rng(4)
    group = rng.choice(["a", "b", "c"], 1500, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, 1500)
    pred = (rng.random(1500) < 0.4 + 0.15 * (group == "c")).astype(int)
    options = {"ci_method": ci_method, "n_boot": 300, "random_state": 3}
    result = fairscope.audit_predictions(y, pred, sensitive_features=group, **options)
    rule = {"id": "sr", "metric": "sr", "fail": 0.8, "reference": "c", "direction": "lower"}
    # each comparison alone ("familywise: none") is judged on the bootstrap interval itself
    alone = apply_policy(result, {**policy(rule), "familywise": "none"})
    oracle = GroupMetrics.from_counts(
        result.statistics["sensitive_feature"], ["selection_rate"], **options
    ).disparity_intervals("ratio", reference="c")
    oracle = oracle.set_index("sensitive_feature")
    for f in alone.findings:
        assert (f.lower, f.upper) == (oracle.loc[f.group, "lower"], oracle.loc[f.group, "upper"])
    # by default the PASS side is the same and the FAIL side holds for both comparisons
    for f in apply_policy(result, policy(rule)).findings:
        assert f.lower == oracle.loc[f.group, "lower"]
        assert f.upper >= oracle.loc[f.group, "upper"]
