"""The budget of the pairs against the data-chosen best (fairscope.judge._pair_budget)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from fairscope.judge._pair_budget import near_pairs, pair_slack, pair_tail


def _largest_triangle_free(k: int) -> int:
    """Most edges of a triangle-free graph on k vertices, by enumerating every graph."""
    edges = list(itertools.combinations(range(k), 2))
    triangles = [
        (edges.index((a, b)), edges.index((b, c)), edges.index((a, c)))
        for a, b, c in itertools.combinations(range(k), 3)
    ]
    best = 0
    for mask in range(1 << len(edges)):
        count = bin(mask).count("1")
        if count <= best:
            continue
        if all(not (mask >> i & mask >> j & mask >> m & 1) for i, j, m in triangles):
            best = count
    return best


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_near_pairs_is_the_largest_triangle_free_graph(k):
    assert near_pairs(k) == _largest_triangle_free(k)


def test_no_slack_is_bonferroni_over_every_ordered_pair():
    for k in (2, 3, 6, 12, 40):
        assert pair_tail(0.05, 0.025, k, 0.0) == pytest.approx(0.05 / (k * (k - 1)), rel=1e-15)
        assert pair_tail(0.05, 0.025, k, float("nan")) == pytest.approx(
            0.05 / (k * (k - 1)), rel=1e-15
        )


@pytest.mark.parametrize("k", [3, 6, 12, 30])
@pytest.mark.parametrize("slack", [0.2, 0.5, 1.0, 2.0])
def test_the_level_spends_exactly_the_share_or_stops_at_the_cap(k, slack):
    share, single = 0.05, 0.025
    m = (k * k) // 4
    far = k * (k - 1) - m

    def spent(a):
        return m * a + far * norm.sf(norm.isf(a) + slack) - share

    cap = min(share / m, single / (k - 1))
    expected = cap if spent(cap) <= 0 else brentq(spent, share / (k * (k - 1)), cap, xtol=1e-16)
    assert pair_tail(share, single, k, slack) == pytest.approx(expected, rel=1e-9)


def test_more_slack_never_spends_less_and_never_more_than_the_caps():
    for k in (3, 6, 12):
        levels = [pair_tail(0.05, 0.025, k, s) for s in np.linspace(0, 5, 26)]
        assert all(b >= a for a, b in itertools.pairwise(levels))
        assert levels[0] == pytest.approx(0.05 / (k * (k - 1)))
        assert max(levels) <= min(0.05 / near_pairs(k), 0.025 / (k - 1)) + 1e-18


def test_the_slack_is_half_the_room_over_the_largest_pair_standard_error():
    lower, upper = np.array([0.20, 0.25, 0.30]), np.array([0.30, 0.33, 0.36])
    z = norm.ppf(0.975)
    se = (np.log(upper) - np.log(lower)) / (2 * z)
    top = np.sort(se)[-2:]
    expected = -np.log(0.8) / (2 * np.sqrt(np.sum(top**2)))
    assert pair_slack("ratio", 0.8, lower, upper, z) == pytest.approx(expected, rel=1e-14)
    se = (upper - lower) / (2 * z)
    expected = 0.1 / (2 * np.sqrt(np.sum(np.sort(se)[-2:] ** 2)))
    assert pair_slack("difference", 0.1, lower, upper, z) == pytest.approx(expected, rel=1e-14)


def test_an_interval_reaching_zero_or_no_room_gives_no_slack():
    z = norm.ppf(0.975)
    assert pair_slack("ratio", 0.8, np.array([0.0, 0.2]), np.array([0.1, 0.3]), z) == 0.0
    assert pair_slack("ratio", 1.0, np.array([0.1, 0.2]), np.array([0.2, 0.3]), z) == 0.0
    assert pair_slack("difference", 0.0, np.array([0.1, 0.2]), np.array([0.2, 0.3]), z) == 0.0
    assert pair_slack("ratio", 0.8, np.array([0.1]), np.array([0.2]), z) == 0.0
