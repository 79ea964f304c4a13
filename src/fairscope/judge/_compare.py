"""Disparities between groups computed from per-group estimates.

Used when a rule asks for a comparison the audit's tables do not hold (another
reference, the extreme groups among those large enough). Differences get Newcombe's
MOVER interval and ratios MOVER-R (Donner and Zou 2012), built from the two groups'
own intervals, exactly as the audit's disparity tables are built; a Wald interval of a
mean gives the Wald interval of the difference this way.
"""

from __future__ import annotations

import numpy as np

from fairscope.compute._disparities import DisparityRecord, gap_interval, mover_disparity
from fairscope.core._groups import OVERALL
from fairscope.judge._estimates import GroupEstimates


def _interval_method(est: GroupEstimates, kind: str) -> str:
    if est.method == "none" or (kind == "ratio" and est.metric.task == "regression"):
        return "none"
    return f"mover-{est.method}"


def _disparity(
    kind: str, p: np.ndarray, lo: np.ndarray, hi: np.ndarray, ref: float, r_lo: float, r_hi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    refs = (
        np.asarray(ref, dtype=float),
        np.asarray(r_lo, dtype=float),
        np.asarray(r_hi, dtype=float),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        lower, upper = mover_disparity(kind, p, lo, hi, *refs)
        return (p - ref if kind == "difference" else p / ref), lower, upper


def to_reference(est: GroupEstimates, kind: str, reference: str) -> list[DisparityRecord]:
    """Each group (but the reference) against ``reference`` (a label or ``"<overall>"``).

    Examples
    --------
    >>> import numpy as np
    >>> from fairscope.core._registry import get_metric
    >>> est = GroupEstimates("g", get_metric("selection_rate"), ("a", "b"),
    ...     np.array([0.5, 0.25]), np.array([0.4, 0.2]), np.array([0.6, 0.3]),
    ...     np.array([100.0, 100.0]), np.array([100.0, 100.0]), (0.375, 0.3, 0.45), 200, "wilson")
    >>> [(r.group, r.estimate) for r in to_reference(est, "ratio", "a")]
    [('b', 0.5)]
    """
    values, lower, upper = est.with_overall()
    r = est.index(reference)
    estimate, low, high = _disparity(
        kind, est.values, est.lower, est.upper, values[r], lower[r], upper[r]
    )
    method = _interval_method(est, kind)
    if method == "none":
        low = high = np.full(len(est.values), np.nan)
    n_reference = est.overall_rows if reference == OVERALL else int(est.rows[r])
    return [
        DisparityRecord(
            feature=est.feature,
            group=label,
            metric=est.metric.name,
            kind=kind,
            reference=reference,
            estimate=float(estimate[i]),
            lower=float(low[i]),
            upper=float(high[i]),
            value=float(est.values[i]),
            reference_value=float(values[r]),
            n=int(est.rows[i]),
            n_reference=n_reference,
            method=method,
            class_label=est.class_label,
        )
        for i, label in enumerate(est.labels)
        if label != reference
    ]


def between_groups(est: GroupEstimates, kind: str, eligible: np.ndarray) -> DisparityRecord:
    """The lowest eligible group against the highest: ``high - low`` or ``low / high``.

    The interval is MOVER(-R) of the two groups realising the gap, folded to the size
    of the gap (a lower bound of 0 means the order of the two groups is uncertain); it
    is conditional on which groups are the extremes.
    """
    values = np.where(eligible, est.values, np.nan)
    high, low = int(np.nanargmax(values)), int(np.nanargmin(values))
    high_low = [
        tuple(np.asarray(a[i], dtype=float) for a in (est.values, est.lower, est.upper))
        for i in (high, low)
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "difference":
            estimate = float(est.values[high] - est.values[low])
        else:
            estimate = float(est.values[low] / est.values[high])
        lower, upper = gap_interval(kind, high_low[0], high_low[1])
    method = _interval_method(est, kind)
    if method == "none":
        lower = upper = float("nan")
    return DisparityRecord(
        feature=est.feature,
        group=est.labels[low],
        metric=est.metric.name,
        kind=kind,
        reference=est.labels[high],
        estimate=estimate,
        lower=lower,
        upper=upper,
        value=float(est.values[low]),
        reference_value=float(est.values[high]),
        n=int(est.rows[low]),
        n_reference=int(est.rows[high]),
        method=method,
        class_label=est.class_label,
    )
