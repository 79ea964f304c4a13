"""The disparities table read back as typed records, and findings sharing the tests' p-values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope import AuditResult, audit_predictions
from fairscope.compute._disparities import (
    DISPARITY_COLUMNS,
    DisparityRecord,
    declare,
    disparity_records,
)
from fairscope.compute._significance import ALL_GROUPS


def _data(n: int = 3000, seed: int = 11) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c", "d", "e"], n, p=[0.4, 0.2, 0.2, 0.1, 0.1])
    y = rng.integers(0, 2, n)
    shift = np.select([g == "b", g == "c", g == "d"], [0.05, 0.08, 0.1], 0.0)
    p = (rng.random(n) < 0.4 + shift).astype(int)
    return {"y": y, "p": p, "g": g}


def test_policy_findings_show_the_adjusted_p_value_of_the_tests_table():
    d = _data()
    policy = {
        "name": "fpr",
        "version": "1",
        "rules": [
            {"id": "fpr", "metric": "false_positive_rate", "comparison": "difference",
             "method": "to_reference", "reference": "largest", "fail": 0.5},
        ],
    }  # fmt: skip
    result = audit_predictions(d["y"], d["p"], sensitive_features={"g": d["g"]}, policy=policy)
    tests = result.tables["tests"]
    fpr = tests[(tests["metric"] == "false_positive_rate") & (tests["group"] != ALL_GROUPS)]
    by_group = fpr.set_index("group")
    assert len(result.findings) == 4
    for finding in result.findings:
        row = by_group.loc[finding.group]
        assert finding.p_value == pytest.approx(row["p_value"], rel=1e-12)
        assert finding.p_value_adjusted == pytest.approx(row["p_value_adjusted"], rel=1e-12)


def test_disparity_records_survive_a_json_round_trip():
    d = _data()
    result = audit_predictions(d["y"], d["p"], sensitive_features={"g": d["g"]})
    again = AuditResult.from_json(result.to_json())
    before = list(disparity_records(result.tables["disparities"]))
    after = list(disparity_records(again.tables["disparities"]))
    assert len(before) == len(after) > 0
    for a, b in zip(before, after, strict=True):
        assert isinstance(b, DisparityRecord)
        assert (a.feature, a.group, a.metric, a.kind, a.reference) == (
            b.feature, b.group, b.metric, b.kind, b.reference,
        )  # fmt: skip
        assert a.n == b.n and a.is_reference == b.is_reference and b.cls is None


def test_multiclass_records_carry_their_class():
    rng = np.random.default_rng(1)
    g = rng.choice(["a", "b"], 400)
    result = audit_predictions(rng.integers(0, 3, 400), rng.integers(0, 3, 400),
                               sensitive_features={"g": g})  # fmt: skip
    records = list(disparity_records(result.tables["disparities"]))
    assert {r.cls for r in records} == {"0", "1", "2"}


def test_declare_orders_columns_and_keeps_optional_ones_after():
    frame = pd.DataFrame(
        {"threshold": [0.5], "group": ["a"], "metric": ["selection_rate"], "extra": [1]}
    )
    out = declare(frame, "g")
    assert list(out.columns) == [*DISPARITY_COLUMNS, "threshold", "extra"]
