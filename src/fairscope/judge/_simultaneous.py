"""FAIL bounds that keep the audit's error rate: simultaneous intervals over a family.

A rule judges k groups at once, often against a reference chosen from the data (the
``best`` group). Judging each comparison with its own 95 % interval lets the chance of
a false FAIL grow with the number of comparisons and with the winner's curse of the
chosen reference (the highest observed rate overstates the highest true rate). This
module gives each judged group the *FAIL side* of its interval (the upper bound of a
ratio, the lower bound of a difference, after the rule's direction is applied) from
intervals that hold together over the declared family; the PASS side stays the
unadjusted interval (an intersection-union test needs no adjustment, Berger 1982).

Error budget. A finding FAILs when its FAIL side violates the limit. With ``ci`` the
audit's level, the whole family's chance of any false FAIL is kept at most
``(1 - ci) / 2`` (2.5 % at the default 95 %), the one-sided error a single comparison
had before: each of the family's ``M`` units gets a two-sided interval at
``1 - (1 - ci) / M`` (Bonferroni), whose FAIL tail is ``(1 - ci) / (2 M)``.

A fixed reference (``largest``, a label, ``overall``). One unit per compared group:
the MOVER(-R) interval of the group against the reference at the unit's level.

The data-chosen best (Hsu 1996, *Multiple Comparisons*, ch. 4: comparisons with the
best). Let ``h*`` be the group with the truly best value and ``E`` the event that the
``k - 1`` intervals of every group against ``h*`` (of the rule's kind, at the unit
level) all cover; ``P(E) >= 1 - (k - 1) * unit error``. The judge forms a set ``S`` of
groups that might be the best: ``h`` is dropped only if some ``j`` is shown better than
``h`` (the interval of ``j`` against ``h`` lies wholly on the better side of equality).
On ``E``, ``h*`` is never dropped, since that would need an interval of ``j`` against
``h*`` excluding the truth. A group ``g`` FAILs only if its comparison with *every*
``h`` in ``S`` (other than ``g``) violates the limit; on ``E`` that includes
``h = h*``, whose interval covers, so ``g`` truly violates the rule. Hence every FAIL
is right on ``E``. Two shortcuts keep this near-linear in k and remain valid because
they can only make ``S`` larger or FAIL rarer: ``j`` is tried only for the observed
best and the group with the best one-sided bound (a superset of ``S``); and only
groups that already violate against the observed best (which is always in ``S``) are
compared with the rest of ``S``.

``between_groups`` (lowest against highest group): k units, the per-group intervals
that hold together, combined by :func:`fairscope.compute._simultaneous.gap_bounds`
(interval arithmetic, no bootstrap of an extreme).

References: Hsu, J. C. (1996), *Multiple Comparisons: Theory and Methods*, Chapman &
Hall; Donner, A. and Zou, G. Y. (2012), Closed-form confidence intervals for functions
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

#: Chunk of (group, candidate reference) pairs evaluated at once.
_CHUNK = 1 << 18
#: Pairs beyond which only the groups that could FAIL are compared with every candidate.
_BUDGET = 1 << 20


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
        return np.max(bounds, axis=axis) if self.bound == "min" else np.min(bounds, axis=axis)

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


def _better(side: FailSide, est: GroupEstimates, j: int, h: np.ndarray, best: str) -> np.ndarray:
    """Whether group ``j`` is shown better than each group ``h`` (interval of j vs h)."""
    values, lower, upper = est.values, est.lower, est.upper
    j_arr = np.full(len(h), j)
    low, high = mover_disparity(
        side.kind, values[j_arr], lower[j_arr], upper[j_arr], values[h], lower[h], upper[h]
    )
    neutral = 0.0 if side.kind == "difference" else 1.0
    with np.errstate(invalid="ignore"):
        shown = low > neutral if best == "higher" else high < neutral
    return np.asarray(shown & (h != j), dtype=bool)


def best_candidates(
    side: FailSide, est: GroupEstimates, eligible: np.ndarray, observed: int, best: str
) -> np.ndarray:
    """Indices of the groups that may be truly best (a superset of Hsu's set ``S``).

    Parameters
    ----------
    side : FailSide
    est : GroupEstimates
        Estimates at the unit level.
    eligible : ndarray of bool
        Groups that can be the reference (large enough, value defined, known).
    observed : int
        The observed best group (always kept).
    best : {"higher", "lower"}
        Whether the best value is the highest or the lowest.

    Returns
    -------
    ndarray of int
    """
    candidates = np.flatnonzero(eligible)
    bound = np.where(eligible, est.lower if best == "higher" else -est.upper, -np.inf)
    keep = np.ones(len(candidates), dtype=bool)
    for j in {observed, int(np.argmax(bound))}:
        keep &= ~_better(side, est, j, candidates, best)
    keep |= candidates == observed
    return np.asarray(candidates[keep], dtype=int)


def best_reference(
    side: FailSide,
    est: GroupEstimates,
    observed: str,
    eligible: np.ndarray,
    limit: float,
    best: str,
) -> np.ndarray:
    """FAIL side of every group against the data-chosen best (see the module's proof).

    Parameters
    ----------
    side : FailSide
    est : GroupEstimates
        Estimates with intervals at the family's unit level.
    observed : str
        Label of the observed best group (the rule's reference).
    eligible : ndarray of bool
        Groups among which the best is chosen.
    limit : float
        The rule's fail limit.
    best : {"higher", "lower"}

    Returns
    -------
    ndarray
        One bound per group: the least violating over the candidates for the best.
    """
    ref = est.index(observed)
    out = fixed_reference(side, est, observed)
    candidates = best_candidates(side, est, eligible, ref, best)
    if len(candidates) <= 1:
        return out
    # Every group's bound is the least violating over the candidates when that is cheap,
    # so each interval shown covers; otherwise only the groups that could FAIL (those
    # violating against the observed best, itself a candidate) are compared with the
    # rest, which leaves every verdict as it would be.
    targets = np.flatnonzero(~np.isnan(out))
    if len(targets) * len(candidates) > _BUDGET:
        targets = np.flatnonzero(side.violates(out, limit))
    step = max(1, _CHUNK // len(candidates))
    for start in range(0, len(targets), step):
        g = targets[start : start + step]
        gg, hh = np.meshgrid(g, candidates, indexing="ij")
        bounds = side.of(est, gg.ravel(), hh.ravel()).reshape(gg.shape)
        bounds = np.where(gg == hh, out[g][:, None], bounds)  # g is not its own reference
        out[g] = side.least_violating(bounds, axis=1)
    return out


def known_groups(labels: tuple[str, ...]) -> np.ndarray:
    """Groups that are not the missing-value group (the best is chosen among them)."""
    known = np.array([MISSING not in lab for lab in labels], dtype=bool)
    return known if known.any() else np.ones(len(labels), dtype=bool)
