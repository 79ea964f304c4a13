"""Bootstrap intervals of statistics of metrics, drawn from a feature set's counts.

One implementation for :class:`~fairscope.GroupMetrics` (every metric at once) and
for the judge (one metric, for a comparison the audit's tables do not hold): the
replicates are multinomial (or stratified) draws over the count table's cells
(:func:`~fairscope.core._bootstrap.bootstrap_counts`), which is exactly resampling
the rows, so the same counts, seed and settings always give the same interval.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from fairscope.core._bootstrap import (
    bca_interval,
    bootstrap_counts,
    jackknife_counts,
    percentile_interval,
)
from fairscope.core._registry import Metric

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.core._counts import GroupCounts

#: Interval names of the bootstrap methods, as the tables write them.
BOOTSTRAP_METHODS = {"bootstrap": "bootstrap-percentile", "bca": "bootstrap-bca"}

#: Values of the metrics, (..., n_groups + 1, n_metrics), to the statistic's values.
Statistic = Callable[[np.ndarray], Any]
#: Bootstrap values, jackknife values and multiplicities (the last two for BCa only).
ReplicateValues = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]


def metric_values(metrics: Sequence[Metric], weighted: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Every metric per group and overall (last), shape ``(..., n_groups + 1, n_metrics)``.

    Examples
    --------
    >>> from fairscope.core._registry import get_metric
    >>> cells = np.array([[1.0, 1.0, 0.0, 2.0], [2.0, 0.0, 1.0, 1.0]])
    >>> metric_values([get_metric("selection_rate")], cells, cells)[:, 0].round(3).tolist()
    [0.75, 0.25, 0.5]
    """
    # groups and overall apart: a share across groups reads the group axis
    return np.stack(
        [
            np.concatenate(
                [m.compute(weighted, rows), m.compute_overall(weighted, rows)[..., None]], axis=-1
            )
            for m in metrics
        ],
        axis=-1,
    )


def replicate_values(
    counts: GroupCounts,
    metrics: Sequence[Metric],
    *,
    method: str,
    n_boot: int,
    scheme: Any = "multinomial",
    random_state: Any = None,
) -> ReplicateValues:
    """The metrics in each bootstrap replicate (and each jackknife table for BCa).

    Parameters
    ----------
    counts : GroupCounts
    metrics : sequence of Metric
    method : {"bootstrap", "bca"}
    n_boot : int
    scheme : {"multinomial", "stratified"}, default "multinomial"
    random_state : int, Generator or None

    Returns
    -------
    boot, jack, multiplicity
        :func:`metric_values` of the replicates; of the jackknife tables and their
        multiplicities with ``method="bca"`` (None otherwise).
    """
    reps = bootstrap_counts(counts, n_boot, scheme=scheme, random_state=random_state)
    boot = metric_values(metrics, reps.weighted, reps.rows)
    if method != "bca":
        return boot, None, None
    jw, jr, mult = jackknife_counts(counts)
    return boot, metric_values(metrics, jw, jr), mult


def bootstrap_interval(
    counts: GroupCounts,
    metrics: Sequence[Metric],
    statistic: Statistic,
    replicates: ReplicateValues,
    *,
    ci: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of ``statistic`` over the replicates, or BCa with jackknife values.

    Parameters
    ----------
    counts : GroupCounts
        The counts the replicates were drawn from (BCa needs the estimate).
    metrics : sequence of Metric
        The metrics of the replicates, in their order.
    statistic : callable
        Values ``(..., n_groups + 1, n_metrics)`` to the statistic.
    replicates : tuple
        From :func:`replicate_values`.
    ci : float
        Confidence level.

    Returns
    -------
    lower, upper : ndarray

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> from fairscope.core._registry import get_metric
    >>> gm = GroupMetrics([1, 0] * 40, [1, 1, 0, 0] * 20, ["a"] * 40 + ["b"] * 40)
    >>> metrics = [get_metric("selection_rate")]
    >>> reps = replicate_values(gm.statistics, metrics, method="bootstrap", n_boot=200,
    ...                         random_state=0)
    >>> lo, hi = bootstrap_interval(gm.statistics, metrics, lambda v: v[..., 0], reps, ci=0.95)
    >>> bool((lo < 0.5).all() and (hi > 0.5).all())
    True
    """
    boot, jack, mult = replicates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices of tiny groups
        values = statistic(boot)
        if jack is not None and mult is not None:
            estimate = statistic(metric_values(metrics, counts.weighted, counts.rows))
            return bca_interval(values, estimate, statistic(jack), mult, ci)
    return percentile_interval(values, ci)
