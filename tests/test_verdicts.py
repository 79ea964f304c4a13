"""Verdicts from intervals, and groups too small to judge."""

from __future__ import annotations

import math

import pytest

from fairscope.core._verdicts import (
    FAIL,
    INCONCLUSIVE,
    PASS,
    SKIPPED,
    disparity_verdict,
    interval_verdict,
    size_check,
)


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [(0.70, 0.79, FAIL), (0.82, 0.95, PASS), (0.75, 0.85, INCONCLUSIVE)],
)
def test_ratio_verdict_follows_where_the_interval_lies(lower, upper, expected):
    assert interval_verdict(0.8, lower, upper, 0.8, bound="min") == expected


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [(0.12, 0.2, FAIL), (0.01, 0.08, PASS), (0.05, 0.15, INCONCLUSIVE)],
)
def test_difference_verdict_follows_where_the_interval_lies(lower, upper, expected):
    assert interval_verdict(0.1, lower, upper, 0.1, bound="max") == expected


def test_without_an_interval_the_point_estimate_decides():
    assert interval_verdict(0.12, math.nan, math.nan, 0.1, bound="max") == FAIL
    assert interval_verdict(0.05, 0.0, 0.2, 0.1, bound="max", decide_on="point") == PASS


def test_size_check_flags_small_groups_and_small_references():
    assert size_check(29, 100) == "group too small for a verdict: 29 rows < min_group_size 30"
    assert "reference group too small" in size_check(100, 5)
    assert size_check(30, 30) is None
    assert size_check(10, None, min_group_size=5) is None


def test_disparity_verdict_skips_small_groups_instead_of_judging_them():
    status, reason = disparity_verdict(0.5, 0.3, 0.7, 0.8, bound="min", n=12, n_reference=400)
    assert status == SKIPPED
    assert "12 rows" in reason


def test_disparity_verdict_skips_undefined_disparities():
    assert disparity_verdict(math.nan, math.nan, math.nan, 0.8, bound="min", n=100)[0] == SKIPPED


@pytest.mark.parametrize(
    ("lower", "upper", "status", "words"),
    [
        (0.70, 0.79, FAIL, "entirely below 0.8"),
        (0.82, 0.95, PASS, "entirely within"),
        (0.75, 0.85, INCONCLUSIVE, "cannot decide"),
    ],
)
def test_disparity_verdict_gives_a_reason(lower, upper, status, words):
    got, reason = disparity_verdict(0.78, lower, upper, 0.8, bound="min", n=300, n_reference=900)
    assert got == status
    assert words in reason


def test_table_verdicts_judge_each_row_of_a_disparity_table():
    import pandas as pd

    table = pd.DataFrame(
        {
            "estimate": [1.0, 0.6, 0.78, 0.95, 0.5],
            "lower": [float("nan"), 0.5, 0.7, 0.85, 0.2],
            "upper": [float("nan"), 0.7, 0.9, 1.05, 0.9],
            "n": [500, 400, 300, 200, 10],
            "n_reference": [500] * 5,
            "is_reference": [True, False, False, False, False],
        }
    )
    from fairscope.core._verdicts import table_verdicts

    out = table_verdicts(table, 0.8, bound="min")
    assert out["status"].tolist() == [SKIPPED, FAIL, INCONCLUSIVE, PASS, SKIPPED]
    assert out["reason"].iloc[0] == "reference group"
    assert "10 rows" in out["reason"].iloc[4]
