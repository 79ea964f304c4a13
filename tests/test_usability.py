"""Behaviours a first-time user hits: input alignment, odd columns, CLI files, reports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope as fs


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], n),
            "y": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
        },
        index=rng.permutation(n) + 1000,  # as after train_test_split
    )


def test_series_with_split_index_and_array_predictions_pair_by_position(frame):
    result = fs.audit_predictions(frame["y"], frame["p"].to_numpy(), sensitive_features=frame["g"])
    expected = fs.audit_predictions(
        frame["y"].to_numpy(),
        frame["p"].to_numpy(),
        sensitive_features={"g": frame["g"].to_numpy()},
    )
    pd.testing.assert_frame_equal(result.tables["counts"], expected.tables["counts"])


def test_same_index_labels_in_another_order_is_refused_not_mixed(frame):
    with pytest.raises(ValueError, match=r"y_true and y_pred have the same index labels"):
        fs.audit_predictions(frame["y"], frame["p"].sort_index(), sensitive_features=frame["g"])


def test_sensitive_feature_sorted_differently_is_refused_in_group_metrics(frame):
    with pytest.raises(ValueError, match=r"sensitive_features.*different order"):
        fs.GroupMetrics(frame["y"], frame["p"], frame["g"].sort_index())


def test_dataset_audit_refuses_a_reordered_sensitive_series(frame):
    with pytest.raises(ValueError, match=r"data and sensitive_features"):
        fs.audit_dataset(frame, sensitive_features=frame["g"].sort_index(), target="y")


def test_reweighing_refuses_a_reordered_target(frame):
    with pytest.raises(ValueError, match=r"different order"):
        fs.reweighing_weights(target=frame["y"].sort_index(), sensitive_features=frame["g"])
