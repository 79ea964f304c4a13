"""Tests of group differences, each on the metric's own population of rows.

A rate such as the false positive rate is a share of one population of rows
(here the rows whose true label is negative). Whether two groups differ on it is
a question about those populations only, so each group is compared with the
reference by a test of two independent proportions on exactly the rows that
make up the rate's denominator: predicted positives among label-0 rows for the
FPR, label-1 rows among predicted positives for precision, and so on. (Aequitas'
"FPR significance" samples predicted-positive rows, i.e. tests the false
discovery rate; testing each metric on its own denominator avoids that.)

- Two-sided two-proportion z-test with the pooled variance (identical to
  Pearson's chi-square test of the 2 x 2 table without continuity correction),
  or Fisher's exact test when an expected cell count of that table is below 5
  (Cochran's rule).
- An omnibus Pearson chi-square test of homogeneity across all groups per metric.
- p-values adjusted for multiple comparisons: Holm's step-down method by default
  (controls the family-wise error rate under any dependence), Benjamini-Hochberg
  on request (controls the false discovery rate), or Bonferroni, or none.

Against the ``"overall"`` reference the group is part of the overall population,
so the test compares the group with the rest of the population (the group's rate
equals the overall rate exactly when it equals the rate of the others).

With sample weights each population's size is Kish's effective sample size and
the success count the weighted share times it (rounded for Fisher's test).

References
----------
S. Holm, A simple sequentially rejective multiple test procedure, Scandinavian
Journal of Statistics 6 (1979).
Y. Benjamini and Y. Hochberg, Controlling the false discovery rate, JRSS B 57 (1995).
W. G. Cochran, Some methods for strengthening the common chi-square tests,
Biometrics 10 (1954).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from fairscope.core._intervals import kish_effective_n

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.compute._group_metrics import GroupMetrics

#: Label of the rows holding omnibus tests (all groups at once).
ALL_GROUPS = "<all groups>"
CORRECTIONS: tuple[str | None, ...] = ("holm", "fdr_bh", "bonferroni", None)
#: Smallest expected cell count for the z-test; below it Fisher's exact test is used.
MIN_EXPECTED = 5.0


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
    p = 2 * stats.norm.sf(np.abs(z))
    valid = (n1 > 0) & (n2 > 0)
    degenerate = valid & (se == 0)
    p = np.where(degenerate, 1.0, p)
    z = np.where(degenerate, 0.0, z)
    return np.where(valid, z, np.nan), np.where(valid, p, np.nan)


def fisher_exact_test(x1: Any, n1: Any, x2: Any, n2: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Fisher exact test of the 2 x 2 table ``[[x1, n1 - x1], [x2, n2 - x2]]``.

    Counts are rounded to integers. Returns the sample odds ratio and the
    p-value of :func:`scipy.stats.fisher_exact`, elementwise.

    Examples
    --------
    >>> odds, p = fisher_exact_test(1, 10, 6, 10)
    >>> round(float(p), 4)
    0.0573
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.rint(np.asarray(a, float)) for a in (x1, n1, x2, n2)))
    odds = np.full(x1.shape, np.nan)
    p = np.full(x1.shape, np.nan)
    for i in np.ndindex(x1.shape):
        if n1[i] > 0 and n2[i] > 0:
            table = [[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]]
            res = stats.fisher_exact(np.asarray(table, dtype=np.int64))
            odds[i], p[i] = res.statistic, res.pvalue
    return odds, p


def compare_proportions(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z-test, or Fisher's exact test where an expected count is below 5.

    Returns
    -------
    test : ndarray of str
        ``"z-test"``, ``"fisher"``, or ``"none"`` where a population is empty.
    statistic : ndarray
        z for the z-test, the sample odds ratio for Fisher's test.
    p_value : ndarray
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x1, n1, x2, n2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        expected = np.minimum.reduce(
            [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)]
        )
    valid = (n1 > 0) & (n2 > 0)
    small = valid & (expected < MIN_EXPECTED) & (pooled > 0) & (pooled < 1)
    z, p = two_proportion_z_test(x1, n1, x2, n2)
    statistic = z.copy()
    if small.any():
        odds, p_exact = fisher_exact_test(x1[small], n1[small], x2[small], n2[small])
        statistic[small], p[small] = odds, p_exact
    test = np.where(valid, np.where(small, "fisher", "z-test"), "none")
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
    return stat, dof, float(stats.chi2.sf(stat, dof))


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
    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; choose one of {list(CORRECTIONS)}."
        )
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


def _populations(gm: GroupMetrics, metric) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successes, (effective) population size and rows of each group for a rate."""
    c = gm.statistics
    num, den = metric.numerator_denominator(c.weighted)
    _, den_rows = metric.numerator_denominator(c.rows)
    if not c.has_weights:
        return num, den, den_rows
    _, den_sq = metric.numerator_denominator(c.squared_weights)
    n_eff = kish_effective_n(den, den_sq)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, num / den, 0.0)
    return share * n_eff, n_eff, den_rows


def group_tests(
    gm: GroupMetrics, reference: Any = "largest", correction: str | None = "holm"
) -> pd.DataFrame:
    """Test each group against the reference, and all groups at once, for every rate.

    Parameters
    ----------
    gm : GroupMetrics
    reference : group label, tuple, or {"largest", "best", "overall"}, default "largest"
        As in :meth:`GroupMetrics.disparity`. Against ``"overall"`` each group
        is compared with the rest of the population.
    correction : {"holm", "fdr_bh", "bonferroni", None}, default "holm"
        Adjustment of the pairwise p-values, over all pairwise tests of the
        table (every metric and group); the omnibus p-values are adjusted
        among themselves (one per metric).

    Returns
    -------
    pandas.DataFrame
        One row per metric and non-reference group, then one omnibus row per
        metric (feature columns ``"<all groups>"``). Columns: one per
        sensitive feature, ``metric``, ``reference``, ``test`` (``"z-test"``,
        ``"fisher"``, ``"chi-square"`` or ``"none"``), ``statistic`` (z, the
        odds ratio, or chi-square), ``dof``, ``p_value``, ``p_value_adjusted``,
        ``correction``, ``value``, ``reference_value``, ``n`` and
        ``n_reference`` (rows of the group and of the reference, as in
        :meth:`GroupMetrics.disparity_intervals`), ``n_tested`` and
        ``n_tested_reference`` (rows of the metric's own population in each,
        e.g. label-0 rows for the false positive rate; Kish's effective size
        under weights). Metrics that are not rates are not tested.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> gm = GroupMetrics(y_true=[0, 0, 1] * 40, y_pred=[1, 0, 1] * 20 + [0, 0, 1] * 20,
    ...                   sensitive_features=["a"] * 60 + ["b"] * 60, metrics="fpr")
    >>> t = group_tests(gm, reference="a")
    >>> t.loc[0, "test"], int(t.loc[0, "n_tested"]), round(float(t.loc[0, "value"]), 2)
    ('z-test', 40, 0.0)
    """
    from fairscope.compute._group_metrics import OVERALL, group_label
    from fairscope.core._registry import get_metric

    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; choose one of {list(CORRECTIONS)}."
        )
    refs = gm.reference_groups(reference)
    c = gm.statistics
    groups = c.groups
    features = list(gm.sensitive_features)
    group_rows = c.group_rows
    pair_frames, omnibus = [], []
    for name in gm.metrics:
        metric = get_metric(name)
        if not metric.is_proportion:
            continue
        x, n, rows = _populations(gm, metric)
        key = refs[name]
        if key == OVERALL:
            keep = np.arange(len(groups))
            x_ref, n_ref = x.sum() - x, n.sum() - n
            rows_ref = rows.sum() - rows
            n_reference = group_rows.sum() - group_rows
            ref_label = OVERALL
        else:
            r = groups.get_loc(key)
            keep = np.flatnonzero(np.arange(len(groups)) != r)
            x_ref, n_ref = np.full(len(groups), x[r]), np.full(len(groups), n[r])
            rows_ref = np.full(len(groups), rows[r])
            n_reference = np.full(len(groups), group_rows[r])
            ref_label = group_label(key, gm.sensitive_features)
        test, statistic, p = compare_proportions(x[keep], n[keep], x_ref[keep], n_ref[keep])
        with np.errstate(divide="ignore", invalid="ignore"):
            value = x / n
            reference_value = x_ref / n_ref
        frame = pd.DataFrame(
            [k if isinstance(k, tuple) else (k,) for k in groups[keep]], columns=features
        )
        frame["metric"] = name
        frame["reference"] = ref_label
        frame["test"] = test
        frame["statistic"] = statistic
        frame["dof"] = np.where(test == "none", np.nan, 1.0)
        frame["p_value"] = p
        frame["value"] = value[keep]
        frame["reference_value"] = reference_value[keep]
        frame["n"] = group_rows[keep]
        frame["n_reference"] = n_reference[keep]
        frame["n_tested"] = (n if c.has_weights else rows)[keep].astype(float)
        frame["n_tested_reference"] = (n_ref if c.has_weights else rows_ref)[keep].astype(float)
        pair_frames.append(frame)
        stat, dof, p_all = chi_square_homogeneity(x, n)
        omnibus.append(
            {
                **dict.fromkeys(features, ALL_GROUPS),
                "metric": name,
                "reference": ALL_GROUPS,
                "test": "chi-square" if dof > 0 else "none",
                "statistic": stat,
                "dof": float(dof) if dof > 0 else np.nan,
                "p_value": p_all,
                "value": float(x.sum() / n.sum()) if n.sum() > 0 else np.nan,
                "reference_value": np.nan,
                "n": int(group_rows.sum()),
                "n_reference": int(group_rows.sum()),
                "n_tested": float(n.sum() if c.has_weights else rows.sum()),
                "n_tested_reference": np.nan,
            }
        )
    columns = [
        *features, "metric", "reference", "test", "statistic", "dof", "p_value",
        "p_value_adjusted", "correction", "value", "reference_value", "n", "n_reference",
        "n_tested", "n_tested_reference",
    ]  # fmt: skip
    if not pair_frames:
        return pd.DataFrame(columns=columns)
    pairs = pd.concat(pair_frames, ignore_index=True)
    pairs["p_value_adjusted"] = adjust_p_values(pairs["p_value"].to_numpy(), correction)
    overall = pd.DataFrame(omnibus)
    overall["p_value_adjusted"] = adjust_p_values(overall["p_value"].to_numpy(), correction)
    out = pd.concat([pairs, overall], ignore_index=True)
    out["correction"] = "none" if correction is None else correction
    out["n"] = out["n"].astype(int)
    out["n_reference"] = out["n_reference"].astype(int)
    return out[columns]
