"""Per-group rates and means compared with a reference group, vectorized over groups.

Used by the dataset audit for base rates, missing rates and means: each group's
value gets an interval (Wilson for proportions, Student t for means), its
difference and ratio to the reference group get intervals (MOVER for
proportions, Welch for the difference of means) and a test of the group
against the reference (chi-square on the 2x2 table, or Fisher's exact test
when an expected count is below 5; Welch's t-test for means), with Holm's
adjustment for the number of comparisons.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from fairscope.core._intervals import mover_difference, mover_ratio, wilson_interval

#: An expected count below this in a 2x2 table switches to Fisher's exact test.
MIN_EXPECTED = 5.0


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values (NaN entries are left out and stay NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="stable")]
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out[order] = adjusted
    return out


def two_by_two_tests(
    x: np.ndarray, n: np.ndarray, x_ref: np.ndarray, n_ref: np.ndarray, min_n: float = 0
) -> tuple[np.ndarray, np.ndarray]:
    """p-values and test names of each group's proportion against the reference's.

    Pearson's chi-square (no continuity correction) on the 2x2 table, or
    Fisher's exact test when an expected count is below :data:`MIN_EXPECTED`.
    A table with an empty margin (no events at all, or no rows) gets p = 1;
    groups with fewer than ``min_n`` rows are not tested (NaN): their
    verdicts are skipped anyway, and thousands of tiny groups would cost
    thousands of exact tests. All arguments broadcast together.
    """
    a, n, c, n_ref = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x, n, x_ref, n_ref))
    )
    b, d = n - a, n_ref - c
    total = n + n_ref
    col1, col2 = a + c, b + d
    with np.errstate(divide="ignore", invalid="ignore"):
        expected_min = np.minimum.reduce(
            [n * col1 / total, n * col2 / total, n_ref * col1 / total, n_ref * col2 / total]
        )
        chi2 = total * (a * d - b * c) ** 2 / (n * n_ref * col1 * col2)
    p = np.asarray(stats.chi2.sf(chi2, 1), dtype=float)
    test = np.full(p.shape, "chi-square", dtype=object)
    untested = n < min_n
    degenerate = ((col1 == 0) | (col2 == 0) | (n == 0) | (n_ref == 0)) & ~untested
    small = (expected_min < MIN_EXPECTED) & ~degenerate & ~untested
    for i in zip(*np.nonzero(small), strict=True):
        p[i] = stats.fisher_exact([[a[i], b[i]], [c[i], d[i]]])[1]
        test[i] = "fisher exact"
    p = np.where(degenerate, 1.0, np.where(untested, np.nan, p))
    test[degenerate] = "none (empty margin)"
    test[untested] = "none (small group)"
    return p, test


def compare_proportions(
    x: np.ndarray, n: np.ndarray, ref: int, confidence: float = 0.95, min_n: float = 0
) -> dict[str, np.ndarray]:
    """Rate, Wilson interval, MOVER difference and ratio to group ``ref``, and the test.

    Groups are along the last axis; leading axes (e.g. columns) are vectorized over.
    """
    x, n = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    lower, upper = wilson_interval(x, n, confidence)
    at_ref = np.s_[..., ref : ref + 1]
    p_r, l_r, u_r = rate[at_ref], lower[at_ref], upper[at_ref]
    d_lo, d_hi = mover_difference(rate, lower, upper, p_r, l_r, u_r)
    r_lo, r_hi = mover_ratio(rate, lower, upper, p_r, l_r, u_r)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p_r > 0, rate / p_r, np.where(rate > 0, np.inf, np.nan))
    p_value, test = two_by_two_tests(x, n, x[at_ref], n[at_ref], min_n)
    p_value[..., ref] = np.nan
    test[..., ref] = None
    return {
        "value": rate,
        "lower": lower,
        "upper": upper,
        "difference": rate - p_r,
        "difference_lower": d_lo,
        "difference_upper": d_hi,
        "ratio": ratio,
        "ratio_lower": r_lo,
        "ratio_upper": r_hi,
        "p_value": p_value,
        "test": test,
    }


def compare_means(
    n: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    ref: int,
    confidence: float = 0.95,
    min_n: float = 0,
) -> dict[str, np.ndarray]:
    """Mean, t interval, Welch difference interval and test against group ``ref``.

    The ratio of means is given without an interval (it has no simple one for
    means of either sign).
    """
    n = np.asarray(n, dtype=float)
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        se2 = np.where(n > 1, var / n, np.nan)
        half = stats.t.ppf(1 - alpha / 2, n - 1) * np.sqrt(se2)
        se2_diff = se2 + se2[ref]
        # Welch-Satterthwaite degrees of freedom
        df = se2_diff**2 / (se2**2 / (n - 1) + se2[ref] ** 2 / (n[ref] - 1))
        diff = mean - mean[ref]
        half_diff = stats.t.ppf(1 - alpha / 2, df) * np.sqrt(se2_diff)
        t = diff / np.sqrt(se2_diff)
        p_value = 2 * stats.t.sf(np.abs(t), df)
        ratio = np.where(mean[ref] != 0, mean / mean[ref], np.nan)
    # identical constant groups: no difference, no evidence of one
    same = (se2_diff == 0) & (diff == 0)
    p_value = np.where(same, 1.0, p_value)
    p_value = np.where(n < min_n, np.nan, p_value)
    p_value[ref] = np.nan
    test = np.where(np.isnan(p_value), None, "welch t").astype(object)
    nan = np.full(len(n), np.nan)
    return {
        "value": mean,
        "lower": mean - half,
        "upper": mean + half,
        "difference": diff,
        "difference_lower": diff - half_diff,
        "difference_upper": diff + half_diff,
        "ratio": ratio,
        "ratio_lower": nan,
        "ratio_upper": nan,
        "p_value": p_value,
        "test": test,
    }
