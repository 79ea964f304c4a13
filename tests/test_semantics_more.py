"""Audit semantics, second round (issue 14): the dataset audit's outcome direction, label
vocabularies of engine inputs, saved dataset audits without features, and policies whose
rules pick different references."""

from __future__ import annotations

import pandas as pd

import fairscope

# -- 3. a dataset audit with no non-sensitive column saves JSON that loads --------------------


def test_dataset_audit_without_other_columns_round_trips_through_json(tmp_path):
    frame = pd.DataFrame({"g": ["a", "b"] * 50, "s": ["x", "y", "y", "x"] * 25,
                          "y": [0, 1, 1, 0] * 25})  # fmt: skip
    result = fairscope.audit_dataset(frame, target="y", sensitive_features=["g", "s"])
    assert result.tables["proxies"].empty  # every column is sensitive or the target
    path = tmp_path / "dataset.json"
    result.to_json(path)
    loaded = fairscope.AuditResult.from_json(path)
    for name, table in result.tables.items():
        assert list(loaded.tables[name].columns) == list(table.columns), name
        assert len(loaded.tables[name]) == len(table), name
    assert {"feature", "column", "strength", "is_proxy"} <= set(loaded.tables["proxies"].columns)
    assert loaded.to_json() == result.to_json()
