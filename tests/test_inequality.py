"""Inequality indices: AIF360's own expected values, AIF360 itself, and hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from fairscope.inequality import (
    between_group_generalized_entropy_index,
    between_group_theil_index,
    coefficient_of_variation,
    generalized_entropy_index,
    theil_index,
)

# AIF360 tests/test_classification_metric.py (commit 1eb958f2): labels of `data` and the
# predictions of test_generalized_entropy_index (lines 9-40), test_theil_index (42-64) and
# test_between_all_groups (66-89); `feat` is the protected attribute.
AIF_FEAT = [0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
AIF_TRUE = [1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
AIF_PRED = [1, 0, 0, 0, 1, 1, 1, 0, 1, 0]  # rows 3 and 9 set to 0, rows 4 and 5 to 1
AIF_PRED_2 = [0, 1, 1, 0, 0, 0, 0, 1, 1, 1]


def _random(seed: int = 16, n: int = 400):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    race = rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2])
    sex = rng.integers(0, 2, n)
    return y_true, y_pred, race, sex


def test_generalized_entropy_index_equals_aif360s_published_values():
    # test_generalized_entropy_index: `assert cm.generalized_entropy_index() == 0.2` and `== 0.3`
    assert generalized_entropy_index(AIF_TRUE, AIF_PRED) == pytest.approx(0.2, abs=1e-15)
    assert generalized_entropy_index(AIF_TRUE, AIF_PRED_2) == pytest.approx(0.3, abs=1e-15)


def test_theil_index_equals_aif360s_published_value():
    # test_theil_index: `assert cm.theil_index() == 4*np.log(2)/10`
    assert theil_index(AIF_TRUE, AIF_PRED) == pytest.approx(4 * np.log(2) / 10, abs=1e-15)


def test_between_all_groups_index_equals_aif360s_published_value():
    # test_between_all_groups: b = group mean benefits, `== 1/20*np.sum(b**2 - 1)`
    b = np.array([1, 1, 1.25, 1.25, 1.25, 1.25, 0.75, 0.75, 0.75, 0.75])
    ours = between_group_generalized_entropy_index(AIF_TRUE, AIF_PRED, sensitive_features=AIF_FEAT)
    assert ours == pytest.approx(1 / 20 * np.sum(b**2 - 1), abs=1e-15)


def test_between_group_index_equals_aif360s_published_value():
    # test_between_group (lines 91-111): privileged feat=1, unprivileged feat=0,
    # `== 1/12*np.sum(b**2 - 1)` with b = [0.5, 0.5, 1.25, 1.25, 1.25, 1.25]
    b = np.array([0.5, 0.5, 1.25, 1.25, 1.25, 1.25])
    ours = between_group_generalized_entropy_index(
        [1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 1], sensitive_features=[0, 0, 1, 1, 1, 1]
    )
    assert ours == pytest.approx(1 / 12 * np.sum(b**2 - 1), abs=1e-15)


# Oracle values from aif360 0.6.1 (aif360.sklearn.metrics.generalized_entropy_error and
# between_group_generalized_entropy_error) on _random(16), computed in a separate venv.
@pytest.mark.parametrize(
    ("alpha", "expected"),
    [
        (1, 0.360725951572878),
        (2, 0.25847744404770245),
        (3, 0.2549915482331338),
        (0.5, 0.6100420630462322),
    ],
)
def test_generalized_entropy_index_equals_aif360_on_random_data(alpha, expected):
    y_true, y_pred, _, _ = _random()
    assert generalized_entropy_index(y_true, y_pred, alpha=alpha) == pytest.approx(
        expected, rel=1e-12
    )


def test_alpha_zero_is_the_mean_log_deviation():
    # aif360 0.6.1 returns -mean(log(b / mu) / mu) (sklearn/metrics/metrics.py, line 1013):
    # the published definition (its own docstring, Speicher et al.) has no 1 / mu, so
    # ours is aif360's value times mu. On _random(16) without false negatives:
    y_true, y_pred, _, _ = _random()
    y_pred = np.maximum(y_pred, y_true)
    aif360_value, mu = 0.04172376593538006, 1.295
    ours = generalized_entropy_index(y_true, y_pred, alpha=0)
    b = 1 + y_pred - y_true
    assert ours == pytest.approx(-np.mean(np.log(b / b.mean())), rel=1e-12)
    assert ours == pytest.approx(aif360_value * mu, rel=1e-12)
    # a false negative has benefit 0: its log deviation is infinite
    assert generalized_entropy_index([1, 0], [0, 0], alpha=0) == np.inf


@pytest.mark.parametrize(
    ("features", "alpha", "expected"),
    [
        ("race", 1, 0.0007840441327369313),
        ("race", 2, 0.0007920994676769898),
        ("race,sex", 2, 0.0014047616082584022),
    ],
)
def test_between_group_index_equals_aif360_on_random_data(features, alpha, expected):
    y_true, y_pred, race, sex = _random()
    sensitive = {"race": race} if features == "race" else {"race": race, "sex": sex}
    ours = between_group_generalized_entropy_index(
        y_true, y_pred, sensitive_features=sensitive, alpha=alpha
    )
    assert ours == pytest.approx(expected, rel=1e-12)


def test_theil_and_coefficient_of_variation_by_hand():
    # benefits 0, 1, 1, 2: mean 1, population variance 0.5
    assert theil_index([1, 0, 1, 0], [0, 0, 1, 1]) == pytest.approx(2 * np.log(2) / 4)
    assert coefficient_of_variation([1, 0, 1, 0], [0, 0, 1, 1]) == pytest.approx(np.sqrt(0.5))
    assert between_group_theil_index(
        [1, 0, 0, 0], [0, 0, 0, 1], sensitive_features=["a", "a", "b", "b"]
    ) == pytest.approx((0.5 * np.log(0.5) + 1.5 * np.log(1.5)) / 2)


def test_weights_equal_repeating_rows():
    y_true, y_pred = [1, 0, 1, 0, 1], [0, 0, 1, 1, 1]
    weights = [2, 1, 3, 1, 1]
    repeated = np.repeat(np.arange(5), weights)
    for alpha in (1, 2, 3):
        assert generalized_entropy_index(
            y_true, y_pred, alpha=alpha, sample_weight=weights
        ) == pytest.approx(
            generalized_entropy_index(
                np.array(y_true)[repeated], np.array(y_pred)[repeated], alpha=alpha
            )
        )


def test_pos_label_picks_the_favourable_outcome():
    # with "no" favourable, a (yes, no) row is a false positive of "no": benefit 2
    assert generalized_entropy_index(["yes", "no"], ["no", "no"], pos_label="no") == (
        generalized_entropy_index([0, 1], [1, 1])
    )


def test_mismatched_lengths_name_the_arguments():
    with pytest.raises(ValueError, match="y_pred"):
        generalized_entropy_index([1, 0], [1])


def test_many_groups_do_not_overflow_the_group_codes():
    # 100 groups: codes fit in int8, codes * 3 does not
    rng = np.random.default_rng(9)
    y_true, y_pred = rng.integers(0, 2, 2000), rng.integers(0, 2, 2000)
    groups = rng.integers(0, 100, 2000)
    b = 1 + y_pred - y_true
    means = np.array([b[groups == g].mean() for g in groups])
    expected = np.mean((means / means.mean()) ** 2 - 1) / 2
    ours = between_group_generalized_entropy_index(y_true, y_pred, sensitive_features=groups)
    assert ours == pytest.approx(expected, rel=1e-12)
