"""A multiclass audit's per-class findings name their class in every findings view."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

import fairscope


@pytest.fixture(scope="module")
def multiclass_result():
    rng = np.random.default_rng(0)
    n = 600
    y = rng.choice(list("ABC"), n)
    pred = rng.choice(list("ABC"), n)
    sex = rng.choice(["Female", "Male"], n)
    return fairscope.audit_predictions(y, pred, sensitive_features=sex, policy="four-fifths")


def _shown(result):
    return {f"{f.group} [class {f.class_label}]" for f in result.findings}


def test_findings_carry_a_class(multiclass_result):
    assert multiclass_result.findings
    assert all(f.class_label is not None for f in multiclass_result.findings)


def test_markdown_shows_the_class(multiclass_result):
    text = multiclass_result.to_markdown()
    for shown in _shown(multiclass_result):
        escaped = shown.replace("[", "\\[").replace("]", "\\]")
        assert f"| {escaped} |" in text


def test_junit_case_names_show_the_class(multiclass_result):
    root = ET.fromstring(multiclass_result.to_junit())
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(names) == len(set(names)), "per-class findings must not repeat a test name"
    assert {n.split(": ", 1)[1] for n in names} == _shown(multiclass_result)


def test_cli_findings_table_shows_the_class(multiclass_result):
    text = multiclass_result.summary(limit=25)
    for shown in _shown(multiclass_result):
        assert shown in text


def test_binary_findings_show_the_group_alone():
    result = fairscope.audit_predictions(
        [1, 0] * 50,
        [1, 0] * 25 + [0, 0] * 25,
        sensitive_features=["a"] * 50 + ["b"] * 50,
        policy="four-fifths",
    )
    assert "[class" not in result.to_markdown()
    assert "[class" not in result.to_junit()
    assert "[class" not in result.summary()


def test_html_findings_show_the_class(multiclass_result):
    html = multiclass_result.to_html()
    for shown in _shown(multiclass_result):
        assert shown in html
