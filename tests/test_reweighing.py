"""Specification of Kamiran-Calders reweighing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fairscope


def weighted_rates(frame: pd.DataFrame, weights: pd.Series, group: str, label: str) -> pd.Series:
    positive = (weights * frame[label]).groupby(frame[group]).sum()
    return positive / weights.groupby(frame[group]).sum()


def test_weights_follow_the_kamiran_calders_formula():
    frame = pd.DataFrame({"g": list("aaaabb"), "y": [1, 1, 1, 0, 1, 0]})
    w = fairscope.reweighing_weights(frame, target="y", sensitive_features="g")
    # P(a)=4/6, P(y=1)=4/6, P(a,1)=3/6 -> (4/6)(4/6)/(3/6) = 8/9
    assert w.iloc[0] == pytest.approx(8 / 9, abs=1e-15)
    # P(b)=2/6, P(y=0)=2/6, P(b,0)=1/6 -> 2/3
    assert w.iloc[5] == pytest.approx(2 / 3, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 1)), min_size=6, max_size=300),
)
def test_weighted_base_rates_are_equal_across_groups(rows):
    frame = pd.DataFrame(rows, columns=["g", "y"])
    cells = frame.groupby(["g", "y"]).size()
    groups = frame["g"].unique()
    # equalization needs both labels present in every group
    if len(cells) != 2 * len(groups):
        return
    w = fairscope.reweighing_weights(frame, target="y", sensitive_features="g")
    rates = weighted_rates(frame, w, "g", "y")
    np.testing.assert_allclose(rates, frame["y"].mean(), rtol=0, atol=1e-12)
    assert w.sum() == pytest.approx(len(frame), rel=1e-12)


def test_intersectional_weights_equalize_each_feature_too():
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "race": rng.choice(["p", "q", "r"], n)})
    frame["y"] = (rng.random(n) < np.where(frame["sex"] == "m", 0.6, 0.3)).astype(int)
    w = fairscope.reweighing_weights(frame, target="y", sensitive_features=["sex", "race"])
    for feature in ("sex", "race"):
        np.testing.assert_allclose(
            weighted_rates(frame, w, feature, "y"), frame["y"].mean(), rtol=0, atol=1e-12
        )


def test_weights_are_aligned_with_the_data_index_and_missing_labels_get_nan():
    frame = pd.DataFrame(
        {"g": ["a", "a", "b", "b"], "y": [1, np.nan, 0, 1]}, index=[10, 11, 12, 13]
    )
    w = fairscope.reweighing_weights(frame, target="y", sensitive_features="g")
    assert w.index.tolist() == [10, 11, 12, 13]
    assert np.isnan(w.loc[11]) and w.drop(11).notna().all()


def test_weights_plug_into_scikit_learn_fit():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    n = 500
    frame = pd.DataFrame({"g": rng.choice(["a", "b"], n), "x": rng.normal(size=n)})
    frame["y"] = (frame["x"] + (frame["g"] == "a") + rng.normal(size=n) > 0.5).astype(int)
    w = fairscope.reweighing_weights(frame, target="y", sensitive_features="g")
    model = LogisticRegression().fit(frame[["x"]], frame["y"], sample_weight=w)
    assert model.coef_.shape == (1, 1)


def test_continuous_target_is_rejected_with_a_fix():
    frame = pd.DataFrame({"g": ["a", "b"] * 50, "y": np.linspace(0, 1, 100)})
    with pytest.raises(ValueError, match="Binarize it first"):
        fairscope.reweighing_weights(frame, target="y", sensitive_features="g")


def test_absent_column_is_a_clear_error():
    frame = pd.DataFrame({"g": ["a", "b"], "y": [0, 1]})
    with pytest.raises(ValueError, match="target='label' is not a column of data"):
        fairscope.reweighing_weights(frame, target="label", sensitive_features="g")
