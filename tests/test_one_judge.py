"""The judge reads compute's records, tests and intervals: one implementation of each."""

from __future__ import annotations

import importlib.util

import fairscope
from fairscope.compute import _disparities
from fairscope.judge import DisparityRecord


def test_one_disparity_record_type():
    assert DisparityRecord is _disparities.DisparityRecord
    assert importlib.util.find_spec("fairscope.judge._records") is None


def test_records_carry_class_label_and_tests_fields():
    result = fairscope.audit_predictions(
        ["A", "B", "C"] * 40,
        ["A", "C", "C"] * 40,
        sensitive_features=["x"] * 60 + ["y"] * 60,
    )
    records = list(_disparities.disparity_records(result.tables["disparities"]))
    assert {r.class_label for r in records} == {"A", "B", "C"}
    assert all(r.cls == r.class_label for r in records)
    assert all(r.p_value is None and r.test is None for r in records)
    judged = fairscope.apply_policy(result, "four-fifths")
    assert {f.class_label for f in judged.findings} <= {"A", "B", "C"}


def test_between_groups_interval_is_group_metrics_one_and_never_a_bootstrap_of_the_extremes():
    # one code path: the judge's interval of max - min is GroupMetrics' simultaneous one,
    # in bootstrap audits too (a percentile interval of an extreme does not cover)
    import numpy as np

    from fairscope.compute._group_metrics import GroupMetrics

    rng = np.random.default_rng(5)
    group = rng.choice(["a", "b", "c"], 1500, p=[0.4, 0.35, 0.25])
    y = rng.integers(0, 2, 1500)
    pred = (rng.random(1500) < 0.4 + 0.1 * (group == "c")).astype(int)
    options = {"ci_method": "bca", "n_boot": 300, "random_state": 2}
    result = fairscope.audit_predictions(y, pred, sensitive_features=group, **options)
    rule = {"id": "gap", "metric": "sr", "comparison": "difference", "fail": 0.3,
            "method": "between_groups"}  # fmt: skip
    judged = fairscope.apply_policy(result, {"name": "p", "version": "1", "rules": [rule]})
    oracle = GroupMetrics.from_counts(
        result.statistics["sensitive_feature"], ["selection_rate"], **options
    ).difference_intervals()
    [finding] = judged.findings
    assert (finding.lower, finding.upper) == (oracle["lower"].iloc[0], oracle["upper"].iloc[0])
    assert oracle["interval_method"].iloc[0] == "simultaneous-clopper-pearson"
