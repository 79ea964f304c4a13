"""Intervals that hold together for k groups, and the gap between the extreme groups.

The gap between the highest and the lowest group (``max - min``, ``min / max``) is an
extreme: a percentile bootstrap of it does not cover (six identical groups give a
ratio of 1 and a bootstrap interval far below it), and the MOVER interval of the two
groups that happen to be the extremes is conditional on that choice. Here each of the
k groups gets its exact (Clopper-Pearson) rate interval at ``1 - (1 - ci) / k``
(Bonferroni), so all k hold together with probability at least ``ci`` (Wilson's
one-sided errors near 0 exceed their nominal level, which the maximum of many small
counts exposes); on that event

* ``min / max`` lies in ``[min lower / max upper, min(min upper / max lower, 1)]``,
* ``max - min`` lies in ``[max(max lower - min upper, 0), max upper - min lower]``,

since the minimum of the rates is between the minimum of the lower and of the upper
bounds, and likewise for the maximum (interval arithmetic on order statistics). The
coverage is at least ``ci`` for every k and every configuration of rates; the
simulation in ``benchmarks/bench_verdicts.py`` measures it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def unit_confidence(ci: float, units: int) -> float:
    """Two-sided confidence of each of ``units`` intervals that must hold together.

    Parameters
    ----------
    ci : float
        The level wanted for all of them together.
    units : int
        Intervals in the family (at least 1).

    Returns
    -------
    float
        ``1 - (1 - ci) / units`` (Bonferroni).

    Examples
    --------
    >>> round(unit_confidence(0.95, 10), 6)
    0.995
    """
    return 1.0 - (1.0 - ci) / max(int(units), 1)


def gap_bounds(kind: str, lower: Any, upper: Any) -> tuple[float, float]:
    """Interval of ``min / max`` (or ``max - min``) from simultaneous per-group intervals.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    lower, upper : array-like
        Each group's interval, all holding together (NaN entries are left out).

    Returns
    -------
    tuple of float
        Lower and upper bound of the gap; NaN when fewer than two groups remain.

    Examples
    --------
    >>> gap_bounds("ratio", [0.4, 0.3], [0.6, 0.5])
    (0.5, 1.0)
    >>> gap_bounds("difference", [0.4, 0.3], [0.6, 0.5])
    (0.0, 0.3)
    """
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    keep = ~(np.isnan(lo) | np.isnan(hi))
    if keep.sum() < 2:
        return float("nan"), float("nan")
    lo, hi = lo[keep], hi[keep]
    if kind == "difference":
        return max(float(lo.max() - hi.min()), 0.0), float(hi.max() - lo.min())
    top_lower, top_upper = float(lo.max()), float(hi.max())
    low = float(lo.min()) / top_upper if top_upper > 0 else 0.0
    high = min(float(hi.min()) / top_lower, 1.0) if top_lower > 0 else 1.0
    return low, high
