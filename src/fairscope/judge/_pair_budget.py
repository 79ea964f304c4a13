"""How much of the error budget each pair of groups gets against the data-chosen best.

A group FAILs against the best when some pair ``(g, h)`` shows ``p_g`` below
``limit * p_h`` (:mod:`fairscope.judge._simultaneous`). Bonferroni over every ordered
pair spends ``alpha / (k (k - 1))`` on each, as if every pair could sit on its limit at
once. They cannot, and this module spends the budget on the pairs that can.

Write ``d = log p_h - log p_g`` for a ratio rule (``p_h - p_g`` for a difference) and
``D = -log(limit)`` (the limit itself for a difference). The claim "``g`` is below the
limit against ``h``" is false exactly when ``d <= D``; a false claim is made with
probability at most ``a`` when ``d = D`` (the pair's FAIL side is a one-sided bound at
level ``a``), and, to a normal approximation, at most ``Phi(-(z_a + (D - d) / s))``
closer in, ``s`` being the pair's standard error. Call a true pair *near* when
``d > D / 2``. Near pairs cannot form a triangle: with ``a -> b`` and ``b -> c`` near,
``d(a, c) = d(a, b) + d(b, c) > D``, so ``(a, c)`` is no true pair. A triangle-free
graph on ``k`` vertices has at most ``floor(k^2 / 4)`` edges (Mantel, 1907). Whatever
the true rates, the chance of any false FAIL is therefore at most

    m a + (k (k - 1) - m) Phi(-(z_a + D / (2 s_max))),    m = floor(k^2 / 4),

and the pair level ``a`` solves this equal to the rule's share of the budget. With much
data (``s_max`` small against ``D``) the second term vanishes and ``a`` approaches
``alpha / m``: 9 pairs' worth at k = 6 instead of 30 (a one-sided z of 2.54 instead of
2.94); with little data ``a`` falls back to Bonferroni's ``alpha / (k (k - 1))``. One
group's FAIL is also kept at most ``(1 - ci) / 2`` wrong (what a single comparison
always promised): its ``k - 1`` pairs could all be near, so ``a <= (1 - ci) / (2 (k - 1))``.

``s_max`` is the largest standard error of a pair, read from the groups' own intervals
(half the width on the rule's scale over the normal quantile; a rate interval that
reaches 0 has an unbounded log scale, which falls back to Bonferroni), so that a wider
interval than the normal's makes the budget more cautious, not less.

References: Mantel, W. (1907), Problem 28, Wiskundige Opgaven 10; Hochberg, Y. and
Tamhane, A. C. (1987), *Multiple Comparison Procedures*, Wiley (Bonferroni bounds).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_NORMAL = NormalDist()


def near_pairs(k: int) -> int:
    """Most ordered pairs of ``k`` groups that can all be near their limit at once.

    Parameters
    ----------
    k : int
        Groups compared.

    Returns
    -------
    int
        ``floor(k^2 / 4)`` (Mantel's bound on a triangle-free graph).

    Examples
    --------
    >>> near_pairs(6), near_pairs(12)
    (9, 36)
    """
    return (k * k) // 4


def pair_tail(share: float, single: float, k: int, slack: float) -> float:
    """One-sided level of each pair's FAIL side against the data-chosen best.

    Parameters
    ----------
    share : float
        The rule's share of the family's error budget (``1 - ci`` when it is alone).
    single : float
        The most one group's FAIL may be wrong (``(1 - ci) / 2``).
    k : int
        Groups among which the best is chosen.
    slack : float
        ``D / (2 s_max)``: how many standard errors a pair that is not near lies
        inside its limit, at least (0 when unknown).

    Returns
    -------
    float
        The level ``a``: at least Bonferroni's ``share / (k (k - 1))``.

    Examples
    --------
    >>> round(pair_tail(0.05, 0.025, 6, 0.0) * 30, 6)  # no slack: Bonferroni
    0.05
    >>> round(pair_tail(0.05, 1.0, 6, 50.0) * 9, 6)  # much data: nine near pairs
    0.05
    >>> round(pair_tail(0.05, 0.025, 6, 50.0), 6)  # one group's five pairs: 2.5 %
    0.005
    """
    ordered = k * (k - 1)
    if k < 2 or share <= 0:
        return max(share, 0.0) / 2
    near = near_pairs(k)
    far = ordered - near
    bonferroni = share / ordered
    cap = min(share / near, single / (k - 1))
    if not math.isfinite(slack) or slack <= 0 or cap <= bonferroni:
        return min(bonferroni, cap) if cap > 0 else bonferroni

    def spent(a: float) -> float:
        z = _NORMAL.inv_cdf(1.0 - a)
        return near * a + far * _NORMAL.cdf(-(z + slack))

    if spent(cap) <= share:
        return cap
    low, high = bonferroni, cap  # spent(low) <= share < spent(high); spent increases
    for _ in range(60):
        mid = math.sqrt(low * high)
        if spent(mid) <= share:
            low = mid
        else:
            high = mid
    return low


def pair_slack(kind: str, limit: float, lower: np.ndarray, upper: np.ndarray, z: float) -> float:
    """``D / (2 s_max)`` of :func:`pair_tail` from the groups' own intervals.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    limit : float
        The rule's FAIL limit (a ratio in (0, 1], or a difference >= 0).
    lower, upper : ndarray
        The intervals of the groups among which the best is chosen.
    z : float
        The two-sided normal quantile of those intervals' level.

    Returns
    -------
    float
        0 when any interval is unbounded on the rule's scale or the limit gives no room.

    Examples
    --------
    >>> round(pair_slack("difference", 0.1, np.array([0.2, 0.3]), np.array([0.3, 0.4]),
    ...     1.959964), 4)
    1.3859
    """
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    if kind == "ratio":
        room = -math.log(limit) if 0 < limit < 1 else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            width = np.log(hi) - np.log(lo)
    else:
        room = float(limit) if limit > 0 else 0.0
        width = hi - lo
    if room <= 0 or len(width) < 2 or z <= 0 or not np.all(np.isfinite(width)):
        return 0.0
    se = np.sort(width / (2 * z))[-2:]
    s_max = math.sqrt(float(np.sum(se * se)))
    return room / (2 * s_max) if s_max > 0 else 0.0
