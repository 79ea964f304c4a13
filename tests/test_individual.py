"""consistency_score: AIF360 itself (pinned values) and hand computation."""

from __future__ import annotations

import numpy as np
import pytest

import fairscope
from fairscope.individual import consistency_score, counterfactual_flip_test


def _random(seed: int = 16, n: int = 400):
    rng = np.random.default_rng(seed)
    _, y_pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2])
    rng.integers(0, 2, n)
    return rng.normal(size=(n, 3)), y_pred


@pytest.mark.parametrize(("k", "expected"), [(5, 0.6285), (10, 0.563)])
def test_consistency_equals_aif360(k, expected):
    # aif360 0.6.1 aif360.sklearn.metrics.consistency_score(X, y, n_neighbors=k) on _random(16)
    X, y_pred = _random()
    assert consistency_score(X, y_pred, n_neighbors=k) == pytest.approx(expected, abs=1e-12)


def test_consistency_by_hand():
    X = [[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]]
    # each neighbourhood is its cluster: |1 - 2/3| twice and |0 - 2/3| once per cluster
    assert consistency_score(X, [1, 1, 0, 0, 0, 1], n_neighbors=3) == pytest.approx(5 / 9)
    assert consistency_score(X, [1, 1, 1, 0, 0, 0], n_neighbors=3) == 1.0


def test_bad_arguments_fail_with_the_fix():
    with pytest.raises(ValueError, match="n_neighbors"):
        consistency_score([[0.0], [1.0]], [1, 0], n_neighbors=3)
    with pytest.raises(ValueError, match="one value per row"):
        consistency_score([[0.0], [1.0]], [1, 0, 1])


def test_counterfactual_flip_test_is_reexported():
    assert counterfactual_flip_test is fairscope.counterfactual_flip_test
