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

The family of the adjustment is declared once, here, and used by the ``tests``
table and by policy findings alike: **all comparisons of the groups of one
feature set with its reference group, for one metric** (:data:`FAMILY` states it, and
audits record it in ``metadata["tests_family"]``). So a finding on a rule about
one metric shows exactly the adjusted p-value of the table's row
(:func:`comparison_tests` gives those rows). The omnibus rows (one chi-square test
per metric) form one family of their own per feature set.

One test of two proportions serves every audit (:func:`compare_proportions`):
the pooled z-test, which equals Pearson's chi-square test of the 2 x 2 table
without continuity correction, or Fisher's exact test below an expected count of
5. The dataset audit's rate comparisons (:func:`rate_comparisons`) and the tests
of means (:func:`mean_comparisons`, Welch's t-test) live here too.

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

from fairscope.compute._references import check_reference, feature_set_label, resolve_reference
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._intervals import (
    kish_effective_n,
    mover_difference,
    mover_ratio,
    wilson_interval,
)
from fairscope.core._registry import Metric, get_metric

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.core._counts import GroupCounts

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


def _populations(counts: GroupCounts, metric: Metric) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successes, (effective) population size and rows of each group for a rate."""
    c = counts
    num, den = metric.numerator_denominator(c.weighted)
    _, den_rows = metric.numerator_denominator(c.rows)
    if not c.has_weights:
        return num, den, den_rows
    _, den_sq = metric.numerator_denominator(c.squared_weights)
    n_eff = kish_effective_n(den, den_sq)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, num / den, 0.0)
    return share * n_eff, n_eff, den_rows


#: Columns of the tests table after the sensitive-feature columns.
TEST_COLUMNS: tuple[str, ...] = (
    "metric", "reference", "test", "statistic", "dof", "p_value", "p_value_adjusted",
    "correction", "value", "reference_value", "n", "n_reference", "n_tested",
    "n_tested_reference",
)  # fmt: skip
#: The family of the multiple-comparison adjustment, as audits record it.
FAMILY = (
    "each metric and feature set: every group against the reference "
    "(omnibus tests: the metrics of a feature set)"
)


def _check_correction(correction: str | None) -> None:
    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; choose one of {list(CORRECTIONS)}."
        )


def _metric_tests(
    counts: GroupCounts, metric: Metric, key: Any, correction: str | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The family of one metric (each group against the reference ``key``) and its omnibus row."""
    c = counts
    groups = c.groups
    features = list(c.features)
    group_rows = c.group_rows
    x, n, rows = _populations(c, metric)
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
        ref_label = group_label(key, c.features)
    test, statistic, p = compare_proportions(x[keep], n[keep], x_ref[keep], n_ref[keep])
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n
        reference_value = x_ref / n_ref
    frame = pd.DataFrame(
        [k if isinstance(k, tuple) else (k,) for k in groups[keep]], columns=features
    )
    frame["metric"] = metric.name
    frame["reference"] = ref_label
    frame["test"] = test
    frame["statistic"] = statistic
    frame["dof"] = np.where(test == "none", np.nan, 1.0)
    frame["p_value"] = p
    frame["p_value_adjusted"] = adjust_p_values(p, correction)
    frame["value"] = value[keep]
    frame["reference_value"] = reference_value[keep]
    frame["n"] = group_rows[keep]
    frame["n_reference"] = n_reference[keep]
    frame["n_tested"] = (n if c.has_weights else rows)[keep].astype(float)
    frame["n_tested_reference"] = (n_ref if c.has_weights else rows_ref)[keep].astype(float)
    stat, dof, p_all = chi_square_homogeneity(x, n)
    omnibus = {
        **dict.fromkeys(features, ALL_GROUPS),
        "metric": metric.name,
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
    return frame, omnibus


def _assemble(
    features: list[str], pairs: list[pd.DataFrame], omnibus: list[dict], correction: str | None
) -> pd.DataFrame:
    columns = [*features, *TEST_COLUMNS]
    if not pairs:
        return pd.DataFrame(columns=columns)
    overall = pd.DataFrame(omnibus)
    overall["p_value_adjusted"] = adjust_p_values(overall["p_value"].to_numpy(), correction)
    out = pd.concat([*pairs, overall], ignore_index=True)
    out["correction"] = "none" if correction is None else correction
    out["n"] = out["n"].astype(int)
    out["n_reference"] = out["n_reference"].astype(int)
    return out[columns]


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
        Adjustment of the pairwise p-values within their family: the groups of
        this feature set against the reference, for one metric (see the module
        docstring); the omnibus p-values are adjusted among themselves (one per
        metric).

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
        under weights).
        Metrics that are not rates are not tested.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> gm = GroupMetrics(y_true=[0, 0, 1] * 40, y_pred=[1, 0, 1] * 20 + [0, 0, 1] * 20,
    ...                   sensitive_features=["a"] * 60 + ["b"] * 60, metrics="fpr")
    >>> t = group_tests(gm, reference="a")
    >>> t.loc[0, "test"], int(t.loc[0, "n_tested"]), round(float(t.loc[0, "value"]), 2)
    ('z-test', 40, 0.0)
    """
    _check_correction(correction)
    refs = gm.reference_groups(reference)
    pairs, omnibus = [], []
    for name in gm.metrics:
        metric = get_metric(name)
        if not metric.is_proportion:
            continue
        frame, row = _metric_tests(gm.statistics, metric, refs[name], correction)
        pairs.append(frame)
        omnibus.append(row)
    return _assemble(list(gm.sensitive_features), pairs, omnibus, correction)


def comparison_tests(
    counts: GroupCounts,
    metric: str,
    reference: Any = "largest",
    *,
    correction: str | None = "holm",
    min_group_size: int = 30,
) -> pd.DataFrame:
    """The rows of the ``tests`` table for one feature set, metric and reference.

    The same computation, and so the same family and adjusted p-values, as the
    audit's ``tests`` table: a policy finding about ``metric`` reads its
    ``p_value``, ``p_value_adjusted`` and ``test`` here.

    Parameters
    ----------
    counts : GroupCounts
        Statistics of one feature set (``AuditResult.statistics[label]``).
    metric : str
        A rate of the registry (name or alias).
    reference : group label, tuple, or {"largest", "best", "overall"}, default "largest"
        Usually the resolved label recorded in ``metadata["reference_groups"]``.
    correction : {"holm", "fdr_bh", "bonferroni", None}, default "holm"
    min_group_size : int, default 30
        Eligibility of groups for the ``"best"`` reference.

    Returns
    -------
    pandas.DataFrame
        The pairwise rows (each group against the reference; the omnibus rows
        form a family of their own): columns ``group`` (the group label) then
        :data:`TEST_COLUMNS`; empty when the metric is not a rate.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> gm = GroupMetrics([1, 0] * 50, [1, 1] * 25 + [0, 0] * 25, ["a"] * 50 + ["b"] * 50)
    >>> t = comparison_tests(gm.statistics, "selection_rate", "a")
    >>> t[["group", "reference", "test"]].values.tolist()[0]
    ['b', 'a', 'z-test']
    """
    _check_correction(correction)
    chosen = get_metric(metric)
    features = counts.features
    label = feature_set_label(features)
    labels = [group_label(k, features) for k in counts.groups]
    check_reference(reference, {label: labels})
    picked = resolve_reference(
        reference,
        feature_set=label,
        labels=labels,
        sizes=counts.weighted.sum(axis=1),
        values=chosen.compute(counts.weighted, counts.rows),
        direction=chosen.direction,
        rows=counts.group_rows,
        min_group_size=min_group_size,
    )
    key = OVERALL if picked == OVERALL else counts.groups[labels.index(picked)]
    if not chosen.is_proportion:
        return with_group_column(_assemble(list(features), [], [], correction), features)
    frame, _ = _metric_tests(counts, chosen, key, correction)
    frame["correction"] = "none" if correction is None else correction
    frame["n"] = frame["n"].astype(int)
    frame["n_reference"] = frame["n_reference"].astype(int)
    return with_group_column(frame[[*features, *TEST_COLUMNS]], features)


def with_group_column(table: pd.DataFrame, features: tuple[str, ...]) -> pd.DataFrame:
    """Replace the per-feature columns of a tests table by one ``group`` label column."""
    names = list(features)
    groups = [
        ALL_GROUPS if key[0] == ALL_GROUPS else group_label(key, features)
        for key in table[names].itertuples(index=False, name=None)
    ]
    out = table.drop(columns=names)
    out.insert(0, "group", groups)
    return out


# -- rates and means of many groups against one (the dataset audit) -------------------


def rate_comparisons(
    x: np.ndarray, n: np.ndarray, ref: int, confidence: float = 0.95, min_n: float = 0
) -> dict[str, np.ndarray]:
    """Rate, Wilson interval, MOVER difference and ratio to group ``ref``, and the test.

    Groups are along the last axis; leading axes (e.g. columns) are vectorized
    over. The test is :func:`compare_proportions`; a table with an empty margin
    (no events at all, or no rows) gets p = 1 and test ``"none (empty margin)"``.

    Examples
    --------
    >>> out = rate_comparisons(np.array([10.0, 30.0]), np.array([100.0, 100.0]), ref=1)
    >>> round(float(out["difference"][0]), 2), str(out["test"][0])
    (-0.2, 'z-test')
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
    x_ref, n_ref = np.broadcast_arrays(x[at_ref], n[at_ref])
    test, _, p_value = compare_proportions(x, n, x_ref, n_ref, min_n=min_n)
    events, rest = x + x_ref, (n - x) + (n_ref - x_ref)
    empty = ((events == 0) | (rest == 0) | (n == 0) | (n_ref == 0)) & (n >= min_n)
    p_value = np.where(empty, 1.0, p_value)
    test = np.where(empty, "none (empty margin)", test).astype(object)
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


def mean_comparisons(
    n: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    ref: int,
    confidence: float = 0.95,
    min_n: float = 0,
) -> dict[str, np.ndarray]:
    """Mean, t interval, Welch difference interval and Welch's t-test against group ``ref``.

    The ratio of means is given without an interval (it has no simple one for
    means of either sign).

    Examples
    --------
    >>> out = mean_comparisons(np.array([50.0, 50.0]), np.array([1.0, 2.0]),
    ...                        np.array([1.0, 1.0]), ref=1)
    >>> float(out["difference"][0]), str(out["test"][0])
    (-1.0, 'welch t')
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
    test = np.full(p_value.shape, "welch t", dtype=object)
    test[np.isnan(p_value)] = None
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
