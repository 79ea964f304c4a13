"""Intervals of GroupMetrics: of each metric, of disparities to a reference, of summaries.

Analytic intervals (Wilson, Clopper-Pearson and their MOVER combinations) are
computed from the count table; bootstrap intervals from replicates of it (see
:mod:`fairscope.core._bootstrap`), vectorized over groups and replicates.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from fairscope.compute._disparities import disparity_columns, gap_interval, mover_disparity
from fairscope.compute._resampled_intervals import (
    BOOTSTRAP_METHODS,
    ReplicateValues,
    Statistic,
    bootstrap_interval,
    replicate_values,
)
from fairscope.compute._simultaneous import gap_bounds, unit_confidence
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._intervals import (
    binomial_interval,
    kish_effective_n,
    weighted_effective_n,
)
from fairscope.core._registry import Metric
from fairscope.core._warnings import StatisticsWarning

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.core._counts import GroupCounts


def rate_interval(
    metric: Metric,
    cells: np.ndarray,
    squared: np.ndarray,
    *,
    has_weights: bool,
    ci: float,
    method: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A rate per row of confusion cells, with its binomial interval on its own denominator.

    Under sample weights the interval uses the rate's effective size from its
    linearization (sandwich) variance (:func:`~fairscope.core._intervals.weighted_effective_n`). Shared by :class:`GroupIntervals` and the judge's per-group estimates.

    Parameters
    ----------
    metric : Metric
        A proportion metric.
    cells, squared : ndarray of shape (..., 4)
        Weighted confusion cells and their squared weights.
    has_weights : bool
        Whether the counts carry sample weights.
    ci : float
        Confidence level.
    method : {"wilson", "clopper-pearson"}

    Returns
    -------
    share, lower, upper, n
        The rate (NaN with an empty denominator), its interval and the (effective) n.

    Examples
    --------
    >>> from fairscope.core._registry import get_metric
    >>> cells = np.array([[10.0, 5.0, 5.0, 10.0]])
    >>> share, lo, hi, n = rate_interval(get_metric("selection_rate"), cells, cells,
    ...                                  has_weights=False, ci=0.95, method="wilson")
    >>> float(share[0]), float(n[0])
    (0.5, 30.0)
    """
    num, den = metric.numerator_denominator(cells)
    num_sq, den_sq = metric.numerator_denominator(squared)
    n_eff = weighted_effective_n(num, den, num_sq, den_sq) if has_weights else den
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, num / den, np.nan)
    lower, upper = binomial_interval(np.nan_to_num(share) * n_eff, n_eff, ci, method)
    return share, lower, upper, n_eff


class GroupIntervals:
    """The interval views of :class:`~fairscope.GroupMetrics` (a mixin over its state)."""

    _counts: GroupCounts
    _metrics: list[Metric]
    ci: float
    ci_method: str
    n_boot: int
    random_state: Any
    bootstrap: str
    reference_: dict[str, str]
    _replicates: ReplicateValues | None

    @property
    def sensitive_features(self) -> tuple[str, ...]:
        """Names of the sensitive features."""
        return self._counts.features

    # provided by GroupMetrics
    reference_groups: Callable[..., dict[str, Any]]
    difference: Callable[..., pd.Series]
    ratio: Callable[..., pd.Series]
    _check_method: Callable[[str], None]

    # -- intervals -----------------------------------------------------------------------

    @property
    def _bootstrapped(self) -> bool:
        return self.ci_method in BOOTSTRAP_METHODS

    @property
    def _interval_name(self) -> str:
        return BOOTSTRAP_METHODS.get(self.ci_method, self.ci_method)

    def _rate_interval(self, metric: Metric, cells: np.ndarray, squared: np.ndarray):
        """Estimate, lower, upper and n used for a proportion metric (any leading shape)."""
        method = "wilson" if self._bootstrapped else self.ci_method
        return rate_interval(
            metric, cells, squared, has_weights=self._counts.has_weights, ci=self.ci, method=method
        )

    def _metric_intervals(self, metric: Metric):
        """Analytic estimate, lower, upper, n per group and overall (last) for one metric."""
        c = self._counts
        cells = np.vstack([c.weighted, c.overall_weighted])
        squared = np.vstack([c.squared_weights, c.squared_weights.sum(axis=0)])
        if metric.is_proportion:
            return self._rate_interval(metric, cells, squared)
        # groups and overall apart: a share across groups reads the group axis
        values = np.append(
            metric.compute(c.weighted, c.rows), metric.compute_overall(c.weighted, c.rows)
        )
        nan = np.full(len(values), np.nan)
        return values, nan, nan, self._effective_rows()

    def _effective_rows(self) -> np.ndarray:
        """Rows per group and overall (Kish's effective n under weights)."""
        c = self._counts
        if not c.has_weights:
            return np.append(c.group_rows, c.group_rows.sum()).astype(float)
        sw = np.append(c.weighted.sum(axis=1), c.weighted.sum())
        sw2 = np.append(c.squared_weights.sum(axis=1), c.squared_weights.sum())
        return kish_effective_n(sw, sw2)

    def _replicate_values(self) -> ReplicateValues:
        """Metric values of the bootstrap replicates (and of the jackknife tables for BCa)."""
        if self._replicates is None:
            self._replicates = replicate_values(
                self._counts,
                self._metrics,
                method=self.ci_method,
                n_boot=self.n_boot,
                scheme=self.bootstrap,
                random_state=self.random_state,
            )
        return self._replicates

    def _bootstrap_interval(self, statistic: Statistic) -> tuple[np.ndarray, np.ndarray]:
        """Interval of ``statistic(values)`` (values of shape (..., groups + 1, metrics))."""
        return bootstrap_interval(
            self._counts, self._metrics, statistic, self._replicate_values(), ci=self.ci
        )

    def _index_frame(self, keys: Iterable[Any]) -> pd.DataFrame:
        features = self.sensitive_features
        rows = [
            (k if isinstance(k, tuple) else (k,)) if k != OVERALL else (OVERALL,) * len(features)
            for k in keys
        ]
        return pd.DataFrame(rows, columns=list(features))

    def _tidy(self, keys: Any, blocks: list[dict[str, Any]]) -> pd.DataFrame:
        """One tidy table: the group columns of ``keys`` repeated for each block of columns.

        Built column-wise in numpy and handed to pandas once (inserting columns one by one
        costs more than the bootstrap itself).
        """
        if not blocks:
            return pd.DataFrame()
        index = self._index_frame(keys)
        size = len(index)
        columns: dict[str, Any] = {
            f: np.tile(index[f].to_numpy(dtype=object), len(blocks)) for f in index.columns
        }
        for name in blocks[0]:
            parts = [np.asarray(block[name]) for block in blocks]
            if all(part.ndim == 0 for part in parts):
                columns[name] = np.repeat(np.array([part.item() for part in parts]), size)
            else:
                columns[name] = np.concatenate([np.broadcast_to(part, (size,)) for part in parts])
        return pd.DataFrame(columns)

    def confidence_intervals(self) -> pd.DataFrame:
        """Intervals of every metric per group and overall, as a tidy table.

        With ``ci_method="wilson"`` or ``"clopper-pearson"``, rates (proportion
        metrics) get a binomial interval on their own denominator; with sample
        weights ``n`` is Kish's effective sample size. Other metrics then have
        no interval (NaN, method ``"none"``). With ``"bootstrap"`` or ``"bca"``
        every metric gets a bootstrap interval.

        Returns
        -------
        pandas.DataFrame
            Columns: one per sensitive feature (``"<overall>"`` on overall rows),
            ``metric``, ``estimate``, ``lower``, ``upper``, ``n`` (the rate's
            denominator, or the group's rows for other metrics; Kish's
            effective n under weights), ``method``.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0] * 20, y_pred=[1, 1, 0, 0] * 10,
        ...                   sensitive_features=["a"] * 20 + ["b"] * 20,
        ...                   metrics=["selection_rate", "f1"], ci_method="bootstrap",
        ...                   n_boot=200, random_state=0)
        >>> table = gm.confidence_intervals()
        >>> table["metric"].tolist()
        ['selection_rate', 'selection_rate', 'selection_rate', 'f1', 'f1', 'f1']
        >>> table["method"].iloc[-1]
        'bootstrap-percentile'
        """
        keys = [*self._counts.groups, OVERALL]
        wanted = [j for j, m in enumerate(self._metrics) if not m.uses_row_counts]
        if self._bootstrapped and wanted:
            boot_lo, boot_hi = self._bootstrap_interval(lambda v: v)
        blocks = []
        for j in wanted:
            metric = self._metrics[j]
            est, lo, hi, n = self._metric_intervals(metric)
            method: Any = self._interval_name if metric.is_proportion else "none"
            if self._bootstrapped:
                lo, hi, method = few_events_fallback(
                    metric, est, n, (lo, hi), (boot_lo[:, j], boot_hi[:, j]), self._interval_name
                )
            blocks.append(
                {
                    "metric": metric.name,
                    "estimate": est,
                    "lower": lo,
                    "upper": hi,
                    "n": n,
                    "method": method,
                }
            )
        return self._tidy(keys, blocks)

    def disparity_intervals(
        self, kind: Literal["ratio", "difference"] = "difference", reference: Any = "largest"
    ) -> pd.DataFrame:
        """Each group's disparity to the reference, with an interval, as a tidy table.

        Analytic methods: differences use Newcombe's MOVER interval and ratios
        MOVER-R, built from the binomial intervals of the two rates. Against
        ``"overall"`` the group is part of the overall population; treating
        them as independent makes the interval conservative (wider). Bootstrap
        methods: the interval of the replicates' disparity to the same
        reference group (the group is chosen once, on the data), which accounts
        for the overlap with the overall population.

        Returns
        -------
        pandas.DataFrame
            Columns: one per sensitive feature, ``metric``, ``kind``,
            ``reference``, ``estimate``, ``lower``, ``upper``, ``value``,
            ``reference_value``, ``n``, ``n_reference``, ``is_reference``,
            ``method``.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0] * 40, y_pred=[1, 1, 0, 0] * 20,
        ...                   sensitive_features=["a"] * 40 + ["b"] * 40,
        ...                   metrics="selection_rate")
        >>> d = gm.disparity_intervals("difference", reference="a")
        >>> d[["estimate", "lower", "upper"]].round(3).to_numpy().tolist()[1]
        [0.0, -0.209, 0.209]
        """
        if kind not in ("ratio", "difference"):
            raise ValueError(f"kind={kind!r} is unknown; choose 'ratio' or 'difference'.")
        refs = self.reference_groups(reference)
        groups = self._counts.groups
        n_groups = len(groups)
        ref_index = {
            name: n_groups if key == OVERALL else groups.get_loc(key) for name, key in refs.items()
        }
        if self._bootstrapped:
            positions = np.array([ref_index[m.name] for m in self._metrics])
            boot_lo, boot_hi = self._bootstrap_interval(
                _to_reference_statistic(kind, positions, n_groups)
            )
        blocks = []
        for j, metric in enumerate(self._metrics):
            if metric.uses_row_counts:
                continue
            est, lo, hi, _n = self._metric_intervals(metric)
            key = refs[metric.name]
            r = ref_index[metric.name]
            p, p_lo, p_hi = est[:-1], lo[:-1], hi[:-1]
            if self._bootstrapped:
                lower, upper, method = boot_lo[:, j], boot_hi[:, j], self._interval_name
            else:
                lower, upper = mover_disparity(kind, p, p_lo, p_hi, est[r], lo[r], hi[r])
                method = "mover-" + self.ci_method
            if not metric.is_proportion and not self._bootstrapped:
                method = "none"
            blocks.append(
                disparity_columns(
                    metric=metric.name,
                    kind=kind,
                    reference=key if key == OVERALL else group_label(key, self.sensitive_features),
                    value=p,
                    reference_value=est[r],
                    is_reference=np.arange(n_groups) == r,
                    lower=lower,
                    upper=upper,
                    n=self._counts.group_rows,
                    n_reference=(
                        int(self._counts.group_rows.sum())
                        if key == OVERALL
                        else int(self._counts.group_rows[r])
                    ),
                    method=method,
                )
            )
        self.reference_ = {
            name: key if key == OVERALL else group_label(key, self.sensitive_features)
            for name, key in refs.items()
        }
        return self._tidy(groups, blocks)

    def difference_intervals(self, method: str = "between_groups") -> pd.DataFrame:
        """:meth:`difference` of each metric with an interval, as a tidy table.

        ``between_groups`` is the gap between the highest and the lowest group:
        for rates its interval comes from every group's exact interval at
        ``1 - (1 - ci) / k``, which hold together, by interval arithmetic
        (:mod:`fairscope.compute._simultaneous`; ``interval_method``
        ``"simultaneous-clopper-pearson"``, whatever ``ci_method``), because
        neither the MOVER interval of the two observed extremes nor a bootstrap
        of an extreme covers it. ``to_overall`` is the largest absolute gap
        between a group and the overall value: the MOVER interval of the group
        realising it (bootstrap methods recompute the whole statistic).

        Parameters
        ----------
        method : {"between_groups", "to_overall"}

        Returns
        -------
        pandas.DataFrame
            Columns ``metric``, ``method``, ``estimate`` (equal to
            :meth:`difference`), ``lower``, ``upper``, ``group_high``,
            ``group_low`` (the groups realising the gap), ``interval_method``.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0] * 40, y_pred=[1] * 30 + [0] * 50,
        ...                   sensitive_features=["a"] * 40 + ["b"] * 40,
        ...                   metrics="selection_rate")
        >>> gm.difference_intervals()[["estimate", "lower", "upper"]].round(3).to_numpy().tolist()
        [[0.75, 0.462, 0.886]]
        """
        return self._summary_intervals("difference", method)

    def ratio_intervals(self, method: str = "between_groups") -> pd.DataFrame:
        """:meth:`ratio` of each metric with an interval, as a tidy table.

        As :meth:`difference_intervals`, for the smallest ratio (at most 1):
        ``between_groups`` from simultaneous exact intervals of every group,
        ``to_overall`` MOVER-R of the group realising it (or the bootstrap of the
        whole statistic), in ``[0, 1]``.

        Parameters
        ----------
        method : {"between_groups", "to_overall"}

        Returns
        -------
        pandas.DataFrame
            Columns ``metric``, ``method``, ``estimate`` (equal to :meth:`ratio`),
            ``lower``, ``upper``, ``group_high``, ``group_low``, ``interval_method``.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0] * 40, y_pred=[1, 0, 0] * 10 + [1, 0] * 25,
        ...                   sensitive_features=["a"] * 40 + ["b"] * 40,
        ...                   metrics="selection_rate", ci_method="bootstrap",
        ...                   n_boot=200, random_state=0)
        >>> r = gm.ratio_intervals()
        >>> bool(r["lower"].iloc[0] < r["estimate"].iloc[0] < r["upper"].iloc[0])
        True
        """
        return self._summary_intervals("ratio", method)

    def _simultaneous_gap(
        self, metric: Metric, kind: str, values: np.ndarray
    ) -> tuple[float, float, str]:
        """Interval of max - min (min / max) from rate intervals that hold together."""
        c = self._counts
        confidence = unit_confidence(self.ci, int((~np.isnan(values)).sum()))
        method = "clopper-pearson"  # exact: the highest of many small counts needs it
        _, lo, hi, _ = rate_interval(
            metric, c.weighted, c.squared_weights, has_weights=c.has_weights,
            ci=confidence, method=method,
        )  # fmt: skip
        lower, upper = gap_bounds(kind, lo, hi)
        return lower, upper, f"simultaneous-{method}"

    def _summary_intervals(self, kind: str, method: str) -> pd.DataFrame:
        self._check_method(method)
        point = self.difference(method) if kind == "difference" else self.ratio(method)
        groups = self._counts.groups
        n_groups = len(groups)
        features = self.sensitive_features
        if self._bootstrapped:
            boot_lo, boot_hi = self._bootstrap_interval(
                lambda v: _summary_statistic(v, n_groups, kind, method)
            )
        rows = []
        for j, metric in enumerate(self._metrics):
            if metric.uses_row_counts:
                continue
            est, lo, hi, _n = self._metric_intervals(metric)
            values = est[:n_groups]
            high = low = None
            if not np.isnan(values).all():
                if method == "between_groups":
                    high, low = int(np.nanargmax(values)), int(np.nanargmin(values))
                else:
                    # The group realising the statistic: the largest gap, or the smallest
                    # ratio folded below 1, to the overall value.
                    with np.errstate(divide="ignore", invalid="ignore"):
                        if kind == "difference":
                            g = int(np.nanargmax(np.abs(values - est[n_groups])))
                        else:
                            r = values / est[n_groups]
                            g = int(np.nanargmin(np.where(r > 1, 1 / r, r)))
                    high, low = (g, n_groups) if values[g] >= est[n_groups] else (n_groups, g)
            lower = upper = np.nan
            if method == "between_groups" and metric.is_proportion and high is not None:
                # an extreme is not bootstrapped: see compute/_simultaneous.py
                lower, upper, interval = self._simultaneous_gap(metric, kind, values)
            elif self._bootstrapped:
                lower, upper = float(boot_lo[j]), float(boot_hi[j])
                interval = self._interval_name
            elif metric.is_proportion and high is not None:
                lower, upper = gap_interval(
                    kind, (est[high], lo[high], hi[high]), (est[low], lo[low], hi[low])
                )
                interval = "mover-" + self.ci_method
            else:
                interval = "none"
            label = (
                [
                    OVERALL if k == n_groups else group_label(groups[k], features)
                    for k in (high, low)
                ]
                if high is not None
                else [None, None]
            )
            rows.append(
                {
                    "metric": metric.name,
                    "method": method,
                    "estimate": float(point[metric.name]),
                    "lower": float(lower),
                    "upper": float(upper),
                    "group_high": label[0],
                    "group_low": label[1],
                    "interval_method": interval,
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "metric",
                "method",
                "estimate",
                "lower",
                "upper",
                "group_high",
                "group_low",
                "interval_method",
            ],
        )


#: Fewer events (or non-events) than this make a percentile bootstrap of a rate
#: undercover badly (18-47 % at p = 0.02 and n = 10-30 in the issue's simulation).
FEW_EVENTS = 10


def few_events_fallback(
    metric: Metric,
    share: np.ndarray,
    n: np.ndarray,
    analytic: tuple[np.ndarray, np.ndarray],
    boot: tuple[np.ndarray, np.ndarray],
    name: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap intervals of a rate, with Wilson's where there are few events (warned).

    Parameters
    ----------
    metric : Metric
    share, n : ndarray
        The rate and its (effective) denominator per row.
    analytic, boot : tuple of ndarray
        Wilson's and the bootstrap's lower and upper bounds.
    name : str
        The bootstrap method's name.

    Returns
    -------
    lower, upper, method : ndarray
    """
    methods = np.full(len(share), name, dtype=object)
    if not metric.is_proportion:
        return boot[0], boot[1], methods
    events = np.minimum(share * n, (1 - share) * n)
    few = np.nan_to_num(events, nan=np.inf) < FEW_EVENTS
    if few.any():
        warnings.warn(
            f"{int(few.sum())} {metric.name} interval(s) have fewer than {FEW_EVENTS} events "
            "or non-events, where a bootstrap interval undercovers; they are Wilson "
            "intervals (method 'wilson (few events)'). Use ci_method='clopper-pearson' to "
            "guarantee at least the nominal coverage.",
            StatisticsWarning,
            stacklevel=4,
        )
    methods[few] = "wilson (few events)"
    return np.where(few, analytic[0], boot[0]), np.where(few, analytic[1], boot[1]), methods


def _to_reference_statistic(kind: str, positions: np.ndarray, n_groups: int) -> Statistic:
    """Each group's disparity to the reference of each metric (at ``positions``), vectorized."""

    def statistic(values: np.ndarray) -> np.ndarray:
        ref = values[..., positions, np.arange(len(positions))][..., None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "difference":
                return np.asarray(values[..., :n_groups, :] - ref)
            return np.asarray(values[..., :n_groups, :] / ref)

    return statistic


def _summary_statistic(values: np.ndarray, n_groups: int, kind: str, method: str) -> np.ndarray:
    """difference() or ratio() of values shaped (..., n_groups + 1, n_metrics), vectorized."""
    groups, overall = values[..., :n_groups, :], values[..., n_groups, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "between_groups":
            high, low = np.nanmax(groups, axis=-2), np.nanmin(groups, axis=-2)
            return high - low if kind == "difference" else low / high
        if kind == "difference":
            return np.nanmax(np.abs(groups - overall[..., None, :]), axis=-2)
        ratios = groups / overall[..., None, :]
        ratios = np.where(ratios > 1, 1 / ratios, ratios)
        return np.nanmin(ratios, axis=-2)
