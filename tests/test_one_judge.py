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
