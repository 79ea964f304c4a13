"""Named fairness functions against fairlearn's functions of the same name."""

from __future__ import annotations

import fairlearn.metrics as fl
import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope import GroupMetrics


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 2000
    race = rng.choice(np.array(["Asian", "Black", "White"], dtype=object), n, p=[0.2, 0.3, 0.5])
    sex = rng.choice(np.array(["F", "M"], dtype=object), n)
    y_true = (rng.random(n) < 0.35).astype(int)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.6, 0.25) + (race == "White") * 0.1).astype(
        int
    )
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sensitive_features": pd.DataFrame({"race": race, "sex": sex}),
        "sample_weight": rng.uniform(0.5, 2.0, n),
    }


NAMED = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
]
WITH_AGG = ["equalized_odds_difference", "equalized_odds_ratio"]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize("name", NAMED)
def test_named_function_matches_fairlearn(data, name, method, weighted):
    kwargs = {
        "sensitive_features": data["sensitive_features"],
        "method": method,
        "sample_weight": data["sample_weight"] if weighted else None,
    }
    ours = getattr(fairscope, name)(data["y_true"], data["y_pred"], **kwargs)
    theirs = getattr(fl, name)(data["y_true"], data["y_pred"], **kwargs)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("agg", ["worst_case", "mean"])
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize("name", WITH_AGG)
def test_equalized_odds_matches_fairlearn(data, name, method, agg):
    kwargs = {
        "sensitive_features": data["sensitive_features"],
        "method": method,
        "sample_weight": data["sample_weight"],
        "agg": agg,
    }
    ours = getattr(fairscope, name)(data["y_true"], data["y_pred"], **kwargs)
    theirs = getattr(fl, name)(data["y_true"], data["y_pred"], **kwargs)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_predictive_parity_difference_by_hand():
    # a: predicted positives rows 0, 1 -> precision 1/2; b: predicted positives 3, 4, 5 -> 2/3
    y_true = [1, 0, 1, 0, 1, 1]
    y_pred = [1, 1, 0, 1, 1, 1]
    value = fairscope.predictive_parity_difference(
        y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"]
    )
    assert value == pytest.approx(2 / 3 - 1 / 2, rel=1e-15)


def test_predictive_parity_difference_to_overall_by_hand():
    y_true = [1, 0, 1, 0, 1, 1]
    y_pred = [1, 1, 0, 1, 1, 1]
    value = fairscope.predictive_parity_difference(
        y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"], method="to_overall"
    )
    overall = 3 / 5  # 3 true positives among 5 predicted positives
    assert value == pytest.approx(max(abs(1 / 2 - overall), abs(2 / 3 - overall)), rel=1e-15)


def test_named_function_reads_columns_of_data(data):
    frame = data["sensitive_features"].assign(label=data["y_true"], pred=data["y_pred"])
    by_name = fairscope.demographic_parity_difference(
        "label", "pred", sensitive_features="race", data=frame
    )
    by_array = fairscope.demographic_parity_difference(
        data["y_true"], data["y_pred"], sensitive_features=frame["race"]
    )
    assert by_name == by_array


def test_named_function_is_the_groupmetrics_view(data):
    gm = GroupMetrics(data["y_true"], data["y_pred"], data["sensitive_features"], metrics="tpr")
    assert fairscope.equal_opportunity_difference(
        data["y_true"], data["y_pred"], sensitive_features=data["sensitive_features"]
    ) == float(gm.difference()["true_positive_rate"])


def test_equalized_odds_rejects_unknown_agg(data):
    with pytest.raises(ValueError, match=r"agg='median' is unknown; choose 'worst_case' or 'mean'"):
        fairscope.equalized_odds_difference(
            data["y_true"],
            data["y_pred"],
            sensitive_features=data["sensitive_features"],
            agg="median",
        )


def test_named_function_rejects_unknown_method(data):
    with pytest.raises(ValueError, match=r"method='max' is unknown"):
        fairscope.demographic_parity_ratio(
            data["y_true"],
            data["y_pred"],
            sensitive_features=data["sensitive_features"],
            method="max",
        )


def test_string_labels_need_pos_label():
    y = ["yes", "no", "yes", "no"]
    assert (
        fairscope.demographic_parity_difference(
            y, ["yes", "yes", "no", "no"], sensitive_features=list("aabb"), pos_label="yes"
        )
        == 1.0
    )
