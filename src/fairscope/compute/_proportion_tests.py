"""Tests of two proportions and the multiple-comparison adjustments every audit uses.

The building blocks of :mod:`fairscope.compute._significance` (which explains the
choice of test per metric, and the family of the adjustment): the pooled two-proportion
z-test, Fisher's exact test, the one rule choosing between them
(:func:`compare_proportions`), Pearson's chi-square test of homogeneity and the
adjustments of p-values (Holm, Benjamini-Hochberg, Bonferroni).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairscope.compute._fisher import fisher_two_sided
from fairscope.core._distributions import chi2_sf, fisher_exact_2x2, normal_two_sided_p

CORRECTIONS: tuple[str | None, ...] = ("holm", "fdr_bh", "bonferroni", None)
#: Smallest expected cell count for the z-test; below it Fisher's exact test is used.
MIN_EXPECTED = 5.0


def check_correction(correction: str | None) -> None:
    """Refuse an unknown multiple-comparison correction, naming the known ones."""
    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; choose one of {list(CORRECTIONS)}."
        )


def two_proportion_z_test(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided z-test of ``x1 / n1 == x2 / n2`` with the pooled variance, vectorized.

    Returns
    -------
    z, p_value : ndarray
        NaN where a population is empty or the pooled share is 0 or 1 (then
        the shares are equal and the test has no variance; p is 1).

    Examples
    --------
    >>> z, p = two_proportion_z_test(30, 100, 45, 100)
    >>> round(float(z), 4), round(float(p), 4)
    (-2.1909, 0.0285)
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x1 / n1 - x2 / n2) / se
    p = normal_two_sided_p(z)  # 2 * scipy.stats.norm.sf(|z|), without importing scipy
    valid = (n1 > 0) & (n2 > 0)
    degenerate = valid & (se == 0)
    p = np.where(degenerate, 1.0, p)
    z = np.where(degenerate, 0.0, z)
    return np.where(valid, z, np.nan), np.where(valid, p, np.nan)


def fisher_exact_test(x1: Any, n1: Any, x2: Any, n2: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Fisher exact test of the 2 x 2 table ``[[x1, n1 - x1], [x2, n2 - x2]]``.

    Counts are rounded to integers. Returns the sample odds ratio and the
    p-value of :func:`scipy.stats.fisher_exact`, elementwise, computed for all
    tables at once: the p-value sums the hypergeometric probabilities of the
    tables no more likely than the observed one (relative tolerance 1e-7, as
    R's ``fisher.test``), so thousands of groups cost one array operation
    instead of thousands of calls.

    Examples
    --------
    >>> odds, p = fisher_exact_test(1, 10, 6, 10)
    >>> round(float(p), 4)
    0.0573
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.rint(np.asarray(a, float)) for a in (x1, n1, x2, n2)))
    odds = np.full(x1.shape, np.nan)
    p = np.full(x1.shape, np.nan)
    tested = (n1 > 0) & (n2 > 0)
    if np.count_nonzero(tested) > MANY_TABLES:
        a, b, c, d = x1[tested], n1[tested] - x1[tested], x2[tested], n2[tested] - x2[tested]
        with np.errstate(divide="ignore", invalid="ignore"):
            odds[tested] = np.where((b > 0) & (c > 0), a * d / (b * c), np.inf)
        p[tested] = fisher_two_sided(a, b, c, d)
        degenerate = tested & (((x1 + x2) == 0) | ((n1 - x1 + n2 - x2) == 0))
        odds[degenerate], p[degenerate] = np.nan, 1.0  # a column of zeros: nothing to test
        return odds, p
    for i in np.ndindex(x1.shape):
        if tested[i]:
            cells = (x1[i], n1[i] - x1[i], x2[i], n2[i] - x2[i])
            odds[i], p[i] = fisher_exact_2x2(*(int(v) for v in cells))
    return odds, p


#: Above this many tables Fisher's test runs on all of them at once (compute/_fisher.py);
#: below, a call per table keeps a small audit free of scipy's import.
MANY_TABLES = 32


def compare_proportions(
    x1: Any, n1: Any, x2: Any, n2: Any, *, min_n: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The test of two proportions every audit uses: z-test, or Fisher's exact test.

    The pooled two-sided z-test (equal to Pearson's chi-square test of the 2 x 2
    table without continuity correction), or Fisher's exact test where an
    expected cell count is below :data:`MIN_EXPECTED` (Cochran's rule).

    Parameters
    ----------
    x1, n1, x2, n2 : array-like
        Successes and population sizes of the group and of the reference
        (broadcast together).
    min_n : float, default 0
        Populations ``n1`` below this are not tested (NaN, test
        ``"none (small group)"``): their verdicts are skipped anyway, and
        thousands of tiny groups would cost thousands of exact tests.

    Returns
    -------
    test : ndarray of str
        ``"z-test"``, ``"fisher"``, ``"none"`` where a population is empty, or
        ``"none (small group)"``.
    statistic : ndarray
        z for the z-test, the sample odds ratio for Fisher's test.
    p_value : ndarray

    Examples
    --------
    >>> test, z, p = compare_proportions(30, 100, 45, 100)
    >>> str(test), round(float(p), 4)
    ('z-test', 0.0285)
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x1, n1, x2, n2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        expected = np.minimum.reduce(
            [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)]
        )
    untested = n1 < min_n
    valid = (n1 > 0) & (n2 > 0) & ~untested
    small = valid & (expected < MIN_EXPECTED) & (pooled > 0) & (pooled < 1)
    z, p = two_proportion_z_test(x1, n1, x2, n2)
    statistic = np.array(z, dtype=float, copy=True)
    p = np.array(p, dtype=float, copy=True)
    if small.any():
        odds, p_exact = fisher_exact_test(x1[small], n1[small], x2[small], n2[small])
        statistic[small], p[small] = odds, p_exact
    test = np.where(valid, np.where(small, "fisher", "z-test"), "none")
    test = np.where(untested, "none (small group)", test)
    statistic[untested] = np.nan
    p[untested] = np.nan
    return test, statistic, p


def chi_square_homogeneity(successes: np.ndarray, n: np.ndarray) -> tuple[float, int, float]:
    """Pearson's chi-square test that all groups share one proportion (no correction).

    Groups with an empty population are left out.

    Returns
    -------
    statistic, dof, p_value
        NaN (and dof 0) with fewer than two groups or a pooled share of 0 or 1.

    Examples
    --------
    >>> stat, dof, p = chi_square_homogeneity([10, 20, 30], [100, 100, 100])
    >>> round(stat, 4), dof, round(p, 6)
    (12.5, 2, 0.00193)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    keep = n > 0
    x, n = x[keep], n[keep]
    if len(n) < 2:
        return np.nan, 0, np.nan
    pooled = x.sum() / n.sum()
    if pooled <= 0 or pooled >= 1:
        return 0.0, len(n) - 1, 1.0
    expected_yes = n * pooled
    expected_no = n * (1 - pooled)
    stat = float((((x - expected_yes) ** 2) / expected_yes).sum())
    stat += float(((((n - x) - expected_no) ** 2) / expected_no).sum())
    dof = len(n) - 1
    return stat, dof, chi2_sf(stat, dof)


def adjust_p_values(p_values: Any, correction: str | None = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (NaN entries are left out and kept NaN).

    Parameters
    ----------
    p_values : array-like
    correction : {"holm", "fdr_bh", "bonferroni", None}, default "holm"
        Holm's step-down (family-wise error rate), Benjamini-Hochberg (false
        discovery rate), Bonferroni, or none.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005], "holm").tolist()
    [0.03, 0.06, 0.06, 0.02]
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005], "fdr_bh").tolist()
    [0.02, 0.04, 0.04, 0.02]
    """
    check_correction(correction)
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    if m == 0 or correction is None:
        out[ok] = q
        return out
    if correction == "bonferroni":
        adjusted = q * m
    elif correction == "holm":
        order = np.argsort(q, kind="mergesort")
        stepped = np.maximum.accumulate((m - np.arange(m)) * q[order])
        adjusted = np.empty(m)
        adjusted[order] = stepped
    else:
        order = np.argsort(q, kind="mergesort")[::-1]
        ranks = m - np.arange(m)  # ranks of the descending order
        stepped = np.minimum.accumulate(q[order] * m / ranks)
        adjusted = np.empty(m)
        adjusted[order] = stepped
    out[ok] = np.minimum(adjusted, 1.0)
    return out
