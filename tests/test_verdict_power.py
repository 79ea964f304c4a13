"""Minimum detectable disparity and rows to decide, against hand power computations."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from fairscope.judge._power import minimum_detectable_disparity, rows_to_decide


@pytest.mark.parametrize(("n", "n_ref", "alpha"), [(200, 200, 0.025), (80, 500, 0.025 / 11)])
def test_detectable_difference_has_80_percent_power(n, n_ref, alpha):
    # the normal power of a one-sided two-sample test (statsmodels' NormalIndPower):
    # power = Phi(d * sqrt(n n_ref / (n + n_ref)) - z_{1 - alpha}), d = effect / sigma
    p, limit = 0.3, 0.1
    mdd = minimum_detectable_disparity("difference", limit, p, n, n_ref, alpha=alpha)
    d = (mdd - limit) / math.sqrt(p * (1 - p))
    power = stats.norm.cdf(d * math.sqrt(n * n_ref / (n + n_ref)) - stats.norm.ppf(1 - alpha))
    assert power == pytest.approx(0.8, abs=1e-9)


def test_detectable_ratio_has_80_percent_power():
    p, limit, n, n_ref, alpha = 0.3, 0.8, 2000, 2000, 0.025
    r = minimum_detectable_disparity("ratio", limit, p, n, n_ref, alpha=alpha)
    # the test of p_g < limit * p_ref: (limit p_ref - p_g) / se against z_{1 - alpha}
    se = math.sqrt(limit**2 * p * (1 - p) / n_ref + r * p * (1 - r * p) / n)
    power = stats.norm.cdf((limit - r) * p / se - stats.norm.ppf(1 - alpha))
    assert power == pytest.approx(0.8, abs=1e-9)
    assert 0.6 < r < limit


def test_rows_to_decide_put_the_interval_edge_on_the_limit():
    m = rows_to_decide("difference", 0.1, 0.2, 0.35, z=1.96)
    half_width = 1.96 * math.sqrt((0.2 * 0.8 + 0.35 * 0.65) / m)
    assert 0.15 - half_width >= 0.1 > 0.15 - 1.96 * math.sqrt((0.2 * 0.8 + 0.35 * 0.65) / (m - 1))
    assert rows_to_decide("ratio", 0.8, 0.24, 0.3, z=1.96) == math.inf  # on the limit


def test_weighted_sandwich_variance_from_cells_equals_the_row_sum():
    import numpy as np

    from fairscope.core._intervals import weighted_effective_n, weighted_rate_variance

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 500)
    w = np.where(y == 1, rng.uniform(1, 5, 500), rng.uniform(0.5, 1, 500))  # w goes with y
    p = (w * y).sum() / w.sum()
    by_hand = (w**2 * (y - p) ** 2).sum() / w.sum() ** 2
    cells = ((w * y).sum(), w.sum(), (w**2 * y).sum(), (w**2).sum())
    assert weighted_rate_variance(*cells) == pytest.approx(by_hand, rel=1e-12)
    assert weighted_effective_n(*cells) == pytest.approx(p * (1 - p) / by_hand, rel=1e-12)


def test_bootstrap_rate_intervals_with_few_events_are_wilson_with_a_warning():
    import numpy as np

    from fairscope import GroupMetrics, StatisticsWarning
    from fairscope.core._intervals import wilson_interval

    y = np.r_[np.ones(2), np.zeros(98), np.ones(30), np.zeros(70)].astype(int)
    groups = ["rare"] * 100 + ["common"] * 100
    with pytest.warns(StatisticsWarning, match="fewer than 10 events"):
        gm = GroupMetrics(y_true=y, y_pred=y, sensitive_features=groups,
                          metrics="selection_rate", ci_method="bootstrap", n_boot=200,
                          random_state=0)  # fmt: skip
        table = gm.confidence_intervals().set_index("sensitive_feature")
    low, high = wilson_interval(np.array(2), np.array(100))
    assert table.loc["rare", "method"] == "wilson (few events)"
    assert (table.loc["rare", "lower"], table.loc["rare", "upper"]) == pytest.approx((low, high))
    assert table.loc["common", "method"] == "bootstrap-percentile"


def test_a_degenerate_bca_correction_says_so():
    import numpy as np

    from fairscope import StatisticsWarning
    from fairscope.core._bootstrap import bca_interval

    replicates = np.linspace(0.5, 0.9, 200)[:, None]  # all above the estimate 0.4
    jackknife = np.array([[0.39], [0.41]])
    with pytest.warns(StatisticsWarning, match="BCa correction is undefined for 1"):
        low, high = bca_interval(replicates, np.array([0.4]), jackknife, np.array([1, 1]))
    assert (low[0], high[0]) == pytest.approx(np.quantile(replicates, [0.025, 0.975]))
