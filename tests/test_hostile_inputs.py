"""Sensitive features that would give a wrong or unreadable audit are refused by name
(issue 15, "Scale" and "Errors that do not name the column")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.core._sensitive_checks import DEFAULT_MAX_GROUPS


def rows(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.integers(0, 2, n)


@pytest.mark.parametrize("value", [{"k": 1}, [1, 2]], ids=["dict", "list"])
def test_unhashable_values_name_the_column(value):
    y, p = rows(4)
    frame = pd.DataFrame({"y": y, "p": p, "race": ["a", value, "b", "a"]})
    with pytest.raises(ValueError, match=r"sensitive feature 'race' holds values .*astype\(str\)"):
        fairscope.audit_predictions("y", "p", sensitive_features="race", data=frame)


def test_columns_1_and_text_1_are_refused_by_name():
    y, p = rows(4)
    frame = pd.DataFrame({"y": y, "p": p, 1: list("abab"), "1": list("ccdd")})
    with pytest.raises(ValueError, match=r"names 1 and '1', which read the same"):
        fairscope.audit_predictions("y", "p", sensitive_features=[1, "1"], data=frame)
    with pytest.raises(ValueError, match=r"names 1 and '1'"):
        fairscope.audit_predictions(y, p, sensitive_features=frame[[1, "1"]])


def test_feature_keys_1_and_text_1_are_not_silently_merged():
    y, p = rows(4)
    with pytest.raises(ValueError, match=r"sensitive_features has the names 1 and '1'"):
        fairscope.audit_predictions(y, p, sensitive_features={1: list("abab"), "1": list("ccdd")})


def test_a_name_with_the_intersection_separator_is_refused_with_several_features():
    y, p = rows(4)
    features = {"race & sex": list("abab"), "age": list("ccdd")}
    with pytest.raises(ValueError, match=r"'race & sex' contains ' & '"):
        fairscope.audit_predictions(y, p, sensitive_features=features)


def test_one_feature_may_hold_the_separator():
    y, p = rows(4)
    result = fairscope.audit_predictions(y, p, sensitive_features={"race & sex": list("abab")})
    assert "race & sex" in set(result.tables["group_metrics"]["feature"])


def test_more_groups_than_the_limit_name_the_column_and_the_option():
    n = DEFAULT_MAX_GROUPS + 1
    y, p = rows(n)
    ids = [f"id{i}" for i in range(n)]
    with pytest.raises(ValueError, match=rf"'user_id' has {n:,} groups, more than max_groups="):
        fairscope.audit_predictions(y, p, sensitive_features={"user_id": ids})
    with pytest.raises(ValueError, match="max_groups"):
        fairscope.GroupMetrics(y, p, pd.Series(ids, name="user_id"))


def test_the_limit_applies_to_intersections_too():
    y, p = rows(400)
    a = np.arange(400) % 20
    b = np.arange(400) // 20
    with pytest.raises(ValueError, match=r"intersection of 'a', 'b' has 400 groups"):
        fairscope.audit_predictions(y, p, sensitive_features={"a": a, "b": b}, max_groups=100)


def test_max_groups_raises_the_limit():
    n = 50
    y, p = rows(n)
    ids = [f"id{i}" for i in range(n)]
    with pytest.raises(ValueError, match="max_groups=10"):
        fairscope.audit_predictions(y, p, sensitive_features=ids, max_groups=10)
    result = fairscope.audit_predictions(y, p, sensitive_features=ids, max_groups=n)
    assert result.tables["group_metrics"]["group"].nunique() >= n
    gm = fairscope.GroupMetrics(y, p, ids, max_groups=n)
    assert len(gm.by_group) >= n


def test_audit_dataset_has_the_same_limit():
    frame = pd.DataFrame({"y": [0, 1] * 10, "id": [f"u{i}" for i in range(20)]})
    with pytest.raises(ValueError, match=r"'id' has 20 groups, more than max_groups=5"):
        fairscope.audit_dataset(frame, target="y", sensitive_features="id", max_groups=5)


def test_the_limit_holds_when_an_engine_counts_the_groups():
    pa = pytest.importorskip("pyarrow")
    n = 300
    y, p = rows(n)
    table = pa.table({"y": y, "p": p, "id": [f"u{i}" for i in range(n)]})
    with pytest.raises(ValueError, match=r"'id' has 300 groups, more than max_groups=50"):
        fairscope.audit_predictions("y", "p", sensitive_features="id", data=table, max_groups=50)
    with pytest.raises(ValueError, match=r"'id' has 300 groups, more than max_groups=50"):
        fairscope.GroupMetrics("y", "p", "id", data=table, max_groups=50)
    result = fairscope.audit_predictions("y", "p", sensitive_features="id", data=table)
    assert result.tables["group_metrics"]["group"].nunique() >= n
