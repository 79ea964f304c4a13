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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairscope.compute._proportion_tests import (
    adjust_p_values,
    check_correction,
    chi_square_homogeneity,
    compare_proportions,
    fisher_exact_test,
    two_proportion_z_test,
)
from fairscope.compute._references import check_reference, feature_set_label, resolve_reference
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._intervals import (
    mover_difference,
    mover_ratio,
    weighted_effective_n,
    wilson_interval,
)
from fairscope.core._registry import Metric, get_metric

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.core._counts import GroupCounts

__all__ = [
    "ALL_GROUPS",
    "FAMILY",
    "TEST_COLUMNS",
    "adjust_p_values",
    "chi_square_homogeneity",
    "compare_proportions",
    "comparison_tests",
    "fisher_exact_test",
    "group_tests",
    "mean_comparisons",
    "pairwise_tests",
    "rate_comparisons",
    "two_proportion_z_test",
    "with_group_column",
]

#: Label of the rows holding omnibus tests (all groups at once).
ALL_GROUPS = "<all groups>"


def _populations(counts: GroupCounts, metric: Metric) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successes, (effective) population size and rows of each group for a rate."""
    c = counts
    num, den = metric.numerator_denominator(c.weighted)
    _, den_rows = metric.numerator_denominator(c.rows)
    if not c.has_weights:
        return num, den, den_rows
    num_sq, den_sq = metric.numerator_denominator(c.squared_weights)
    n_eff = weighted_effective_n(num, den, num_sq, den_sq)  # sandwich variance
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


def _metric_tests(
    counts: GroupCounts,
    metric: Metric,
    key: Any,
    correction: str | None,
    tested: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The family of one metric (each group against the reference ``key``) and its omnibus row.

    ``tested`` (positions of groups) narrows the family; default every group but the
    reference.
    """
    c = counts
    groups = c.groups
    features = list(c.features)
    group_rows = c.group_rows
    x, n, rows = _populations(c, metric)
    if key == OVERALL:
        keep = np.arange(len(groups)) if tested is None else np.asarray(tested, dtype=int)
        x_ref, n_ref = x.sum() - x, n.sum() - n
        rows_ref = rows.sum() - rows
        n_reference = group_rows.sum() - group_rows
        ref_label = OVERALL
    else:
        r = groups.get_loc(key)
        keep = (
            np.flatnonzero(np.arange(len(groups)) != r)
            if tested is None
            else np.asarray(tested, dtype=int)
        )
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
    check_correction(correction)
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
    check_correction(correction)
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


def pairwise_tests(
    counts: GroupCounts,
    metric: Metric,
    reference: str,
    *,
    feature: str,
    tested: Sequence[int] | None = None,
    correction: str | None = "holm",
) -> pd.DataFrame:
    """Groups against a resolved reference label on one rate, in the tests table's layout.

    The rows :func:`comparison_tests` gives (the same family and adjustment), for a
    reference already resolved to a label and, optionally, a subset of the groups:
    what the judge adds to the tests table when a rule asks for a comparison the
    audit did not test.

    Parameters
    ----------
    counts : GroupCounts
        Statistics of one feature set.
    metric : Metric
        A rate (others give an empty table).
    reference : str
        Reference group label, or ``"<overall>"`` (each group against the rest).
    feature : str
        Feature-set label written in the ``feature`` column.
    tested : sequence of int, optional
        Positions of the groups tested (and adjusted together); default every group
        but the reference.
    correction : {"holm", "fdr_bh", "bonferroni", None}, default "holm"

    Returns
    -------
    pandas.DataFrame
        Columns ``feature``, ``group`` then :data:`TEST_COLUMNS`.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> from fairscope.core._registry import get_metric
    >>> gm = GroupMetrics([1, 0] * 50, [1, 1] * 25 + [0, 0] * 25, ["a"] * 50 + ["b"] * 50)
    >>> t = pairwise_tests(gm.statistics, get_metric("selection_rate"), "a", feature="g")
    >>> t[["feature", "group", "reference", "test"]].values.tolist()
    [['g', 'b', 'a', 'z-test']]
    """
    check_correction(correction)
    features = counts.features
    columns = ["feature", "group", *TEST_COLUMNS]
    if not metric.is_proportion:
        return pd.DataFrame(columns=columns)
    if reference == OVERALL:
        key: Any = OVERALL
    else:
        labels = [group_label(k, features) for k in counts.groups]
        key = counts.groups[labels.index(reference)]
    frame, _ = _metric_tests(counts, metric, key, correction, tested)
    frame["correction"] = "none" if correction is None else correction
    frame["n"] = frame["n"].astype(int)
    frame["n_reference"] = frame["n_reference"].astype(int)
    out = with_group_column(frame[[*features, *TEST_COLUMNS]], features)
    out.insert(0, "feature", feature)
    return out[columns]


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
    from scipy import stats

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
