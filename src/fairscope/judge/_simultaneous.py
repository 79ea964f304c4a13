"""FAIL bounds that keep the audit's error rate: simultaneous intervals over a family.

A rule judges k groups at once, often against a reference chosen from the data (the
``best`` group). Judging each comparison with its own 95 % interval lets the chance of
a false FAIL grow with the number of comparisons and with the winner's curse of the
chosen reference (the highest observed rate overstates the highest true rate). This
module gives each judged group the *FAIL side* of its interval (the upper bound of a
ratio, the lower bound of a difference, after the rule's direction is applied) from
intervals that hold together over the declared family; the PASS side stays the
unadjusted interval (an intersection-union test needs no adjustment, Berger 1982).

Error budget. A finding FAILs when its FAIL side violates the limit. Each of the
family's ``M`` units gets a two-sided interval at ``1 - (1 - ci) / M`` (Bonferroni); a
false FAIL needs some unit's interval to miss, so the family's chance of any false FAIL
is at most ``1 - ci`` (5 % at the default 95 %). A FAIL uses one tail of an interval, so
any one finding is wrong with probability at most ``(1 - ci) / 2``, as a single
comparison always was, and so is the whole family when its rules judge one direction
against a fixed reference.

A fixed reference (``largest``, a label, ``overall``). One unit per compared group:
the MOVER(-R) interval of the group against the reference at the unit's level.

The data-chosen best (the highest rate, or the lowest for a metric where lower is
better). The rule holds when ``p_g >= limit * max_h p_h`` for every ``g``. With
intervals such that no true ``p_g / p_h >= limit`` is shown below the limit by any pair
(the pairs' share of the budget is spread by :mod:`fairscope.judge._pair_budget`: at most
``k^2 / 4`` ordered pairs can be near the limit at once, so each gets more than a
Bonferroni share over all ``k (k - 1)``), ``p_g / p_h <= U(g, h)`` wherever it matters,
and ``p_g / max p <= p_g / p_h`` for
any ``h``; so ``min_h U(g, h)`` is an upper confidence bound of ``g``'s ratio to the
true best, and ``g`` FAILs when *some* ``U(g, h)`` lies below the limit: one group
shown far enough above ``g`` is enough, whichever group is truly best, and whatever
group the data made the reference. Which groups can matter: trying ``h`` from any
subset of the groups gives fewer FAILs and never a wrong one, so the judge tries only
the 32 groups with the best one-sided bound and the 32 with the best estimate, which
keeps the work linear in k (a ``U(g, h)`` below the limit needs ``p_h`` well above
``p_g``, so these are where it is found). (Hsu's comparisons with the best, 1996 ch. 4,
spend only ``k - 1`` units but need ``g`` beaten by every group that might be the
best; with several groups near the top it detected a true ratio of 0.7 half as often.)

``between_groups`` (lowest against highest group): k units, the per-group intervals
that hold together, combined by :func:`fairscope.compute._simultaneous.gap_bounds`
(interval arithmetic, no bootstrap of an extreme).

References: Hsu, J. C. (1996), *Multiple Comparisons: Theory and Methods*, Chapman &
Hall (ch. 4, comparisons with the best); Donner, A. and Zou, G. Y. (2012), Closed-form confidence intervals for functions
of the normal mean and standard deviation, SMMR 21(4) (MOVER-R); Newcombe, R. G.
(1998), Interval estimation for the difference between independent proportions,
Stat. Med. 17 (MOVER); Berger, R. L. (1982), Multiparameter hypothesis testing and
acceptance sampling, Technometrics 24.
"""

from __future__ import annotations

import numpy as np

from fairscope.compute._disparities import mover_disparity
from fairscope.core._groups import MISSING
from fairscope.judge._estimates import GroupEstimates


def judged_bounds(
    kind: str, direction: str, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The interval of the judged disparity (see ``judged``) for many intervals at once.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    direction : {"both", "lower", "higher"}
    lower, upper : ndarray
        Intervals of the raw disparity (group / or - reference).

    Returns
    -------
    tuple of ndarray
        Lower and upper bounds of the judged disparity (a ratio folded to <= 1 or a
        difference made >= 0 for the rule's direction).

    Examples
    --------
    >>> lo, hi = judged_bounds("ratio", "both", np.array([1.1]), np.array([1.4]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.7143, 0.9091)
    """
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "difference":
            if direction == "higher":
                return lo, hi
            if direction == "lower":
                return -hi, -lo
            above, below = lo >= 0, hi <= 0
            return (
                np.where(above, lo, np.where(below, -hi, 0.0)),
                np.where(above, hi, np.where(below, -lo, np.maximum(-lo, hi))),
            )
        inv_lo = np.where(lo == 0, np.inf, 1.0 / lo)
        inv_hi = np.where(hi == 0, np.inf, 1.0 / hi)
        if direction == "lower":
            return lo, hi
        if direction == "higher":
            return inv_hi, inv_lo
        above, below = lo >= 1, hi <= 1
        return (
            np.where(above, inv_hi, np.where(below, lo, np.minimum(lo, inv_hi))),
            np.where(above, inv_lo, np.where(below, hi, 1.0)),
        )


class FailSide:
    """How one rule reads the FAIL side of comparisons at the family's unit level."""

    def __init__(self, kind: str, direction: str, bound: str) -> None:
        self.kind, self.direction, self.bound = kind, direction, bound

    def of(self, est: GroupEstimates, g: np.ndarray, h: np.ndarray) -> np.ndarray:
        """FAIL side of groups ``g`` against references ``h`` (``len(labels)``: overall)."""
        values, lower, upper = est.with_overall()
        low, high = mover_disparity(
            self.kind, values[g], lower[g], upper[g], values[h], lower[h], upper[h]
        )
        judged_low, judged_high = judged_bounds(self.kind, self.direction, low, high)
        # an undefined comparison (a reference rate that may be 0) is no evidence of a
        # violation: its FAIL side is unbounded
        if self.bound == "min":
            return np.where(np.isnan(judged_high), np.inf, judged_high)
        return np.where(np.isnan(judged_low), -np.inf, judged_low)

    def least_violating(self, bounds: np.ndarray, axis: int) -> np.ndarray:
        """The bound least against the rule."""
        worst = np.max(bounds, axis=axis) if self.bound == "min" else np.min(bounds, axis=axis)
        return np.asarray(worst, dtype=float)

    def violates(self, bounds: np.ndarray, limit: float) -> np.ndarray:
        """Whether FAIL sides lie beyond the limit (False for NaN)."""
        with np.errstate(invalid="ignore"):
            return bounds < limit if self.bound == "min" else bounds > limit


def fixed_reference(side: FailSide, est: GroupEstimates, reference: str) -> np.ndarray:
    """FAIL side of every group against a fixed reference (NaN for the reference itself).

    Parameters
    ----------
    side : FailSide
    est : GroupEstimates
        Estimates with intervals at the family's unit level.
    reference : str
        A group label or ``"<overall>"``.

    Returns
    -------
    ndarray
        One bound per group of ``est``, in label order.
    """
    r = est.index(reference)
    groups = np.arange(len(est.labels))
    out = side.of(est, groups, np.full(len(groups), r))
    if r < len(groups):
        out[r] = np.nan
    return np.asarray(out, dtype=float)


def known_groups(labels: tuple[str, ...]) -> np.ndarray:
    """Groups that are not the missing-value group (the best is chosen among them)."""
    known = np.array([MISSING not in lab for lab in labels], dtype=bool)
    return known if known.any() else np.ones(len(labels), dtype=bool)


def any_pair_reference(
    side: FailSide,
    est: GroupEstimates,
    observed: str,
    eligible: np.ndarray,
    best: str,
    width: int = 32,
) -> np.ndarray:
    """FAIL side of every group against the best, from intervals over all pairs.

    With intervals that hold together for every pair of groups (``k (k - 1) / 2`` units),
    ``p_g / p_h <= U(g, h)`` for every ``h`` at once, and ``p_g / max p <= p_g / p_h``,
    so ``min_h U(g, h)`` bounds ``g``'s ratio to the true best: one group shown far
    enough above ``g`` is enough. Only the ``width`` groups with the best one-sided bound
    and the ``width`` with the best estimate are tried as ``h``: a subset of the pairs
    gives fewer FAILs, never a wrong one, and keeps the work linear in k.

    Parameters
    ----------
    side : FailSide
    est : GroupEstimates
        Estimates with intervals at the family's unit level (pairs counted).
    observed : str
        Label of the observed best group.
    eligible : ndarray of bool
        Groups among which the best is chosen.
    best : {"higher", "lower"}
    width : int, default 32

    Returns
    -------
    ndarray
        One bound per group: the most violating over the tried references.
    """
    tried = _tried(est, eligible, best, width, optimistic=False)
    return _over_pairs(side, est, observed, tried, side.bound)


def _tried(
    est: GroupEstimates, eligible: np.ndarray, best: str, width: int, *, optimistic: bool
) -> np.ndarray:
    """The eligible groups tried as ``h``: the ``width`` with the highest bound towards the
    best (the optimistic one, or the cautious one) and the ``width`` best estimates."""
    pool = np.flatnonzero(eligible)
    sign = 1.0 if best == "higher" else -1.0
    high, low = (est.upper, est.lower) if optimistic else (est.lower, est.upper)
    towards = high[pool] if best == "higher" else -low[pool]
    return np.union1d(
        pool[np.argsort(-towards, kind="stable")[:width]],
        pool[np.argsort(-sign * est.values[pool], kind="stable")[:width]],
    )


def _over_pairs(
    side: FailSide, est: GroupEstimates, observed: str, tried: np.ndarray, limit: str
) -> np.ndarray:
    """Each group's bound against the observed best, then the lowest (``limit`` "min") or
    highest over the pairs with the ``tried`` groups."""
    out = fixed_reference(side, est, observed)
    groups = np.flatnonzero(~np.isnan(out))
    if len(groups) == 0 or len(tried) == 0:  # no group large enough to be the best
        return out
    gg, hh = np.meshgrid(groups, tried, indexing="ij")
    bounds = side.of(est, gg.ravel(), hh.ravel()).reshape(gg.shape)
    neutral = np.inf if limit == "min" else -np.inf
    bounds = np.where(gg == hh, neutral, bounds)
    reduced = np.min(bounds, axis=1) if limit == "min" else np.max(bounds, axis=1)
    out[groups] = np.asarray(reduced, dtype=float)
    return out


def every_pair_pass_side(
    kind: str,
    direction: str,
    bound: str,
    est: GroupEstimates,
    observed: str,
    eligible: np.ndarray,
    best: str,
    width: int = 64,
) -> np.ndarray:
    """PASS side of every group against the best: the least favourable over the pairs.

    The rule holds for ``g`` when ``p_g >= limit * p_h`` for *every* ``h`` (then also for
    the truly best one), an intersection-union test: each pair at its own level, and
    the group passes only when all of them clear the limit (Berger 1982). A pair whose
    bound is undefined cannot show it. With more than ``width`` candidates, those with
    the ``width`` highest bounds towards the best and the ``width`` best estimates are
    tried (the pairs that can come nearest the limit).

    Parameters
    ----------
    kind : {"ratio", "difference"}
    direction : {"lower", "higher"}
        The rule's direction towards the best (below it).
    bound : {"min", "max"}
        The rule's limit: a minimum (ratios) or a maximum (differences).
    est : GroupEstimates
        Estimates with the audit's own intervals.
    observed : str
        Label of the observed best group.
    eligible : ndarray of bool
        Groups among which the best is chosen.
    best : {"higher", "lower"}
    width : int, default 64

    Returns
    -------
    ndarray
        One bound per group (NaN for the observed best).
    """
    # the other side of each pair's interval, undefined ones counted against the group
    side = FailSide(kind, direction, "max" if bound == "min" else "min")
    tried = _tried(est, eligible, best, width, optimistic=True)
    return _over_pairs(side, est, observed, tried, bound)
