"""Bootstrap intervals of disparities the audit's tables do not hold.

An audit with ``ci_method="bootstrap"`` or ``"bca"`` gives its disparities bootstrap
intervals. A rule comparing against another reference gets the same: the replicates
are drawn from the feature set's confusion counts with the audit's seed, ``n_boot`` and
scheme (a multinomial draw over cells is exactly resampling the rows), so the same
audit and rule always give the same interval. A reference picked from the data is kept
fixed across replicates, as in the audit's own tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from fairscope.compute._disparities import DisparityRecord
from fairscope.compute._resampled_intervals import (
    BOOTSTRAP_METHODS,
    bootstrap_interval,
    replicate_values,
)
from fairscope.core._counts import GroupCounts
from fairscope.core._registry import Metric
from fairscope.judge._estimates import GroupEstimates

#: Interval names of the bootstrap methods, as the audit's tables write them.
NAMES = BOOTSTRAP_METHODS

Statistic = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Resampling:
    """The audit's bootstrap settings."""

    ci: float
    method: str
    n_boot: int
    random_state: int | None
    scheme: Literal["multinomial", "stratified"]

    @property
    def name(self) -> str:
        """The interval method's name (``"bootstrap-percentile"``, ``"bootstrap-bca"``)."""
        return NAMES[self.method]


def resampling(metadata: Mapping[str, Any]) -> Resampling | None:
    """The bootstrap settings an audit recorded, or None for analytic intervals.

    Examples
    --------
    >>> resampling({"ci_method": "wilson"}) is None
    True
    >>> resampling({"ci_method": "bca", "n_boot": 200, "random_state": 1}).name
    'bootstrap-bca'
    """
    method = metadata.get("ci_method")
    if method not in NAMES:
        return None
    seed = metadata.get("random_state")
    return Resampling(
        ci=float(metadata.get("ci", 0.95)),
        method=str(method),
        n_boot=int(metadata.get("n_boot", 1000)),
        random_state=seed if isinstance(seed, int) else None,
        scheme="stratified" if metadata.get("bootstrap") == "stratified" else "multinomial",
    )


def interval(
    counts: GroupCounts, metric: Metric, statistic: Statistic, settings: Resampling
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap interval of ``statistic`` (of the metric per group and overall, last).

    Drawn by compute's :func:`~fairscope.compute._resampled_intervals.bootstrap_interval`,
    the code that gives :class:`~fairscope.GroupMetrics` its bootstrap intervals.
    """
    reps = replicate_values(
        counts,
        [metric],
        method=settings.method,
        n_boot=settings.n_boot,
        scheme=settings.scheme,
        random_state=settings.random_state,
    )
    lower, upper = bootstrap_interval(
        counts, [metric], lambda values: statistic(values[..., 0]), reps, ci=settings.ci
    )
    return np.asarray(lower), np.asarray(upper)


def to_reference(kind: str, reference: int) -> Statistic:
    """Each group's disparity to the group (or overall, last) at ``reference``."""

    def statistic(values: np.ndarray) -> np.ndarray:
        groups, ref = values[..., :-1], values[..., reference : reference + 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = groups - ref if kind == "difference" else groups / ref
        return np.asarray(out, dtype=float)

    return statistic


def between_groups(kind: str) -> Statistic:
    """The gap between the highest and the lowest group (``max - min`` or ``min / max``)."""

    def statistic(values: np.ndarray) -> np.ndarray:
        groups = values[..., :-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            high, low = np.nanmax(groups, axis=-1), np.nanmin(groups, axis=-1)
            out = high - low if kind == "difference" else low / high
        return np.asarray(out, dtype=float)

    return statistic


def subset(counts: GroupCounts, keep: np.ndarray) -> GroupCounts:
    """The counts of some groups only (the groups large enough for a verdict)."""
    return GroupCounts(
        counts.features,
        counts.groups[keep],
        weighted=counts.weighted[keep],
        rows=counts.rows[keep],
        squared_weights=counts.squared_weights[keep],
        has_weights=counts.has_weights,
    )


def records(
    settings: Resampling | None, est: GroupEstimates, found: list[DisparityRecord]
) -> list[DisparityRecord]:
    """Records with the audit's bootstrap intervals, when it used the bootstrap.

    Parameters
    ----------
    settings : Resampling or None
        The audit's bootstrap settings (None: analytic intervals, records unchanged).
    est : GroupEstimates
    found : list of DisparityRecord
        Each group against one reference, in label order.

    Returns
    -------
    list of DisparityRecord
    """
    if settings is None or est.counts is None or not found:
        return found
    label = found[0].reference
    statistic = to_reference(found[0].kind, est.index(label))
    low, high = interval(est.counts, est.metric, statistic, settings)
    positions = [i for i, group in enumerate(est.labels) if group != label]
    return [
        dataclasses.replace(rec, lower=float(low[i]), upper=float(high[i]), method=settings.name)
        for i, rec in zip(positions, found, strict=True)
    ]


def between_record(
    settings: Resampling | None, est: GroupEstimates, rec: DisparityRecord, keep: np.ndarray
) -> DisparityRecord:
    """The record with the audit's bootstrap interval of the whole statistic, if any.

    Only for metrics the judge cannot give simultaneous intervals (no counts): a
    percentile interval of an extreme is not valid (see docs/statistics.md).

    Parameters
    ----------
    settings : Resampling or None
    est : GroupEstimates
    rec : DisparityRecord
        The lowest against the highest group.
    keep : ndarray of bool
        The groups compared.

    Returns
    -------
    DisparityRecord
    """
    if settings is None or est.counts is None:
        return rec
    # max - min (or min / max) among the eligible groups, recomputed in every replicate
    statistic = between_groups(rec.kind)
    low, high = interval(subset(est.counts, keep), est.metric, statistic, settings)
    return dataclasses.replace(rec, lower=float(low), upper=float(high), method=settings.name)
