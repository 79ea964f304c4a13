"""The policy's declared family of FAILs, and each rule's FAIL sides within it.

A policy's ``familywise`` key says which comparisons share one error budget
(:data:`~fairscope.judge._schema.FAMILYWISE`): ``audit`` (default: every comparison of
every rule in every feature set), ``feature_set`` (all rules' comparisons in one
feature set), ``rule`` (one rule in one feature set) or ``none`` (each comparison alone,
as fairscope 0.1 judged). A rule in a feature set counts one *unit* per interval it needs
(k - 1 against a fixed reference, k (k - 1) / 2 pairs against the data-chosen best, k
against the overall value or between groups); each unit's
interval is made at ``1 - (1 - ci) / M`` with ``M`` the units of its family, so that the
family's chance of any false FAIL stays at most ``1 - ci``
(:mod:`fairscope.judge._simultaneous` has the construction and its proof). The pairs of a
rule against the data-chosen best spend their rule's share ``(1 - ci) k (k - 1) / (2 M)``
by how many of them can be near the limit at once (:mod:`fairscope.judge._pair_budget`).

Every rule deciding on the interval takes part. Rates judged from the audit's confusion
counts get exact Clopper-Pearson intervals at the unit's level; metrics read from
per-group tables (scores, regression, per-class rates), which keep only their interval
at the audit's level, get it scaled to the unit's level as an asymptotically normal
estimate's interval would be (each side's distance from the estimate times
``z_unit / z_ci``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from fairscope.compute._disparities import DisparityRecord
from fairscope.compute._references import choice_for
from fairscope.compute._simultaneous import gap_bounds, unit_confidence
from fairscope.core._distributions import normal_quantile_two_sided
from fairscope.core._findings import Finding, Status
from fairscope.core._groups import OVERALL
from fairscope.judge import _simultaneous as sim
from fairscope.judge._compare import to_reference
from fairscope.judge._estimates import GroupEstimates, from_counts
from fairscope.judge._model import Rule
from fairscope.judge._pair_budget import pair_slack, pair_tail
from fairscope.judge._power import undecided_note

UnitKey = tuple[str, str, str | None]
#: The rate interval every simultaneous construction uses (exact: at least its level).
SIMULTANEOUS_METHOD = "clopper-pearson"


def from_rate_counts(est: GroupEstimates) -> bool:
    """Whether ``est`` holds rates with their counts (exact intervals at any level)."""
    return est.counts is not None and est.metric.is_proportion


def takes_part(rule: Rule, est: GroupEstimates) -> bool:
    """Whether a rule's comparisons in ``est`` get simultaneous FAIL sides.

    Rates from the audit's counts always do; other metrics (scores, regression,
    per-class rates read from the tables) do when their groups have intervals.
    """
    if rule.decide_on != "interval":
        return False
    if from_rate_counts(est):
        return True
    known = ~np.isnan(est.values)
    return bool(known.any() and np.isfinite(est.lower[known]).any())


def eligible(est: GroupEstimates, min_size: int) -> np.ndarray:
    """Groups large enough for a verdict with a defined value."""
    return np.asarray((est.rows >= min_size) & ~np.isnan(est.values), dtype=bool)


def units_of(rule: Rule, est: GroupEstimates, min_size: int) -> int:
    """Units (compared groups) of one rule in one feature set.

    Examples
    --------
    >>> import numpy as np
    >>> from fairscope.core._registry import get_metric
    >>> est = GroupEstimates("g", get_metric("selection_rate"), ("a", "b", "c"),
    ...     np.array([0.5, 0.4, 0.3]), np.full(3, 0.2), np.full(3, 0.6),
    ...     np.array([100.0, 100.0, 10.0]), np.array([100.0, 100.0, 10.0]),
    ...     (0.45, 0.4, 0.5), 210, "wilson")
    >>> units_of(Rule("r", "selection_rate", fail=0.8), est, 30)
    1
    """
    n = int(eligible(est, min_size).sum())
    if _best_side(rule, est) is not None:
        return max(n * (n - 1) // 2, 1)  # every pair: see fairscope.judge._simultaneous
    return max(n - 1, 1) if rule.method == "to_reference" else max(n, 1)


@dataclass
class Family:
    """Units of every (rule, feature set, class), and the family size of each."""

    scope: str = "audit"
    units: dict[UnitKey, int] = field(default_factory=dict)

    def size(self, key: UnitKey) -> int:
        """``M``: the units sharing the error budget with ``key``'s comparisons."""
        if self.scope == "none":
            return 1
        if self.scope == "rule":
            return self.units.get(key, 1)
        if self.scope == "feature_set":
            return max(sum(v for k, v in self.units.items() if k[1] == key[1]), 1)
        return max(sum(self.units.values()), 1)

    def record(self) -> Mapping[str, object]:
        """What the result's metadata keeps: the scope and the audit's total units."""
        return {"familywise": self.scope, "units": int(sum(self.units.values()))}


def at_level(est: GroupEstimates, confidence: float, ci: float) -> GroupEstimates:
    """The same estimates with each group's interval at ``confidence``.

    Rates with counts get their Clopper-Pearson interval: the FAIL side uses the exact
    interval whatever the audit's method, since Wilson's lower bound of the highest of
    many small counts lies above the true rate far more often than its nominal
    one-sided level (at p = 0.05, n = 50 and 12 groups, a four-fifths audit then FAILed
    10 % of the time with all rates equal). Other metrics have only their interval at
    the audit's ``ci``: each side's distance from the estimate is scaled by the ratio of
    the normal quantiles (``z_confidence / z_ci``), the interval an asymptotically
    normal estimate has at the other level.
    """
    if from_rate_counts(est):
        assert est.counts is not None
        return from_counts(
            est.counts, est.metric, est.feature, ci=confidence, ci_method=SIMULTANEOUS_METHOD
        )
    scale = normal_quantile_two_sided(confidence) / normal_quantile_two_sided(ci)
    values, lower, upper = est.with_overall()
    with np.errstate(invalid="ignore"):
        low = values - (values - lower) * scale
        high = values + (upper - values) * scale
        # a scale that cannot go below 0 (a rate, an AUC, an error) stays there
        low = np.where((lower >= 0) & (low < 0), 0.0, low)
    return dataclasses.replace(
        est,
        lower=low[:-1],
        upper=high[:-1],
        overall=(float(values[-1]), float(low[-1]), float(high[-1])),
        method=f"{est.method} scaled to {confidence:.6g}",
    )


def simultaneous_method(est: GroupEstimates) -> str:
    """How the simultaneous intervals of ``est`` are made (recorded in the findings)."""
    if from_rate_counts(est):
        return f"simultaneous-{SIMULTANEOUS_METHOD}"
    return f"simultaneous-normal (from {est.method})"


def _best_side(rule: Rule, est: GroupEstimates) -> str | None:
    """``"higher"``/``"lower"`` when the rule's reference is the data-chosen best."""
    if rule.method != "to_reference" or choice_for(rule.reference, est.feature) != "best":
        return None
    direction: str = est.metric.direction
    if direction == "zero":
        return None  # closest to 0: compared as a fixed reference (documented limit)
    return "lower" if direction == "lower" else "higher"


def reference_fail_sides(
    rule: Rule, est: GroupEstimates, reference: str, *, ci: float, tail: float, min_size: int
) -> np.ndarray:
    """FAIL side of every group's comparison with ``reference``, at the family's level.

    Parameters
    ----------
    rule : Rule
    est : GroupEstimates
        The audit's estimates.
    reference : str
        The resolved reference label (or ``"<overall>"``).
    ci : float
        The audit's confidence level.
    tail : float
        One-sided level of each comparison's FAIL side (:func:`fail_tail`).
    min_size : int
        The rule's minimum group size.

    Returns
    -------
    ndarray
        One bound per group of ``est`` (NaN for the reference).
    """
    adjusted = at_level(est, 1.0 - 2.0 * tail, ci)
    towards = _towards_best(rule, est, reference)
    if towards is None:
        side = sim.FailSide(rule.comparison, rule.direction, rule.bound)
        return sim.fixed_reference(side, adjusted, reference)
    best, below = towards
    pairs = sim.FailSide(rule.comparison, below, rule.bound)
    return sim.any_pair_reference(pairs, adjusted, reference, _candidates(est, min_size), best)


def reference_pass_sides(
    rule: Rule, est: GroupEstimates, reference: str, *, min_size: int
) -> np.ndarray | None:
    """PASS side of every group against the data-chosen best: the least favourable pair.

    A group passes only when it clears the limit against every group that could be the
    best, each pair at the audit's own level (intersection-union); None for a fixed
    reference, whose own interval is the PASS side.

    Parameters
    ----------
    rule : Rule
    est : GroupEstimates
        The audit's estimates, with their own intervals.
    reference : str
        The resolved reference label.
    min_size : int
        The rule's minimum group size.

    Returns
    -------
    ndarray or None
        One bound per group of ``est`` (NaN for the reference).
    """
    towards = _towards_best(rule, est, reference)
    if towards is None:
        return None
    best, below = towards
    return sim.every_pair_pass_side(
        rule.comparison, below, rule.bound, est, reference, _candidates(est, min_size), best
    )


def _towards_best(rule: Rule, est: GroupEstimates, reference: str) -> tuple[str, str] | None:
    """``(best, below)`` when the rule is judged from pairs of groups against the best.

    Below the best is the only way to differ from it: a pair ``(g, h)`` tells about the
    best only in that direction, and a rule judging the other one cannot fail (its
    comparisons are then read as against a fixed reference). None otherwise.
    """
    best = _best_side(rule, est)
    if best is None or reference == OVERALL:
        return None
    below = "lower" if best == "higher" else "higher"
    return (best, below) if rule.direction in ("both", below) else None


def _candidates(est: GroupEstimates, min_size: int) -> np.ndarray:
    """Groups that may be the best: large enough, value defined, not the missing group."""
    return np.asarray(eligible(est, min_size) & sim.known_groups(est.labels), dtype=bool)


def fail_tail(
    rule: Rule, est: GroupEstimates, *, ci: float, units: int, min_size: int, reference: str
) -> float:
    """One-sided level of each comparison's FAIL side in the declared family.

    ``(1 - ci) / (2 M)`` for a comparison with a fixed reference (Bonferroni over the
    family's ``M`` units); against the data-chosen best, each pair's level from the
    rule's share of the budget (:func:`fairscope.judge._pair_budget.pair_tail`).

    Parameters
    ----------
    rule : Rule
    est : GroupEstimates
    ci : float
        The audit's confidence level.
    units : int
        Units of the family (``M``).
    min_size : int
        The rule's minimum group size.
    reference : str
        The resolved reference label.

    Returns
    -------
    float
        The level, in (0, (1 - ci) / 2].
    """
    base = (1 - ci) / (2 * max(units, 1))
    if _towards_best(rule, est, reference) is None:
        return base
    candidates = _candidates(est, min_size)
    k = int(eligible(est, min_size).sum())
    share = (1 - ci) * max(k * (k - 1) // 2, 1) / max(units, 1)
    z = normal_quantile_two_sided(ci)
    slack = pair_slack(rule.comparison, rule.fail, est.lower[candidates], est.upper[candidates], z)
    return max(base, pair_tail(share, (1 - ci) / 2, k, slack))


def between_interval(
    rule: Rule, est: GroupEstimates, groups: np.ndarray, *, ci: float, units: int
) -> tuple[float, float]:
    """Simultaneous interval of the gap between the extreme ``groups`` (a bool mask).

    Parameters
    ----------
    rule : Rule
    est : GroupEstimates
    groups : ndarray of bool
        The groups compared (large enough, value defined).
    ci : float
        The audit's confidence level.
    units : int
        Units of the family (``M``).

    Returns
    -------
    tuple of float
        Lower and upper bound of ``min / max`` (or ``max - min``).
    """
    adjusted = at_level(est, unit_confidence(ci, units), ci)
    return gap_bounds(rule.comparison, adjusted.lower[groups], adjusted.upper[groups])


def adjusted_note(bound: float, units: int | None = None) -> str:
    """Why a comparison whose own interval violates the limit is not a FAIL.

    Examples
    --------
    >>> adjusted_note(0.83, 12)
    ' Its own interval lies beyond the limit, but the interval that holds together with the other 11 comparisons of the declared family reaches 0.83, so the data cannot show a violation without inflating the false-FAIL rate.'
    """
    others = "the other comparisons" if units is None else f"the other {units - 1} comparisons"
    return (
        f" Its own interval lies beyond the limit, but the interval that holds together with "
        f"{others} of the declared family reaches {bound:.3g}, so the data cannot show a "
        "violation without inflating the false-FAIL rate."
    )


def widened(
    bound: str,
    lower: float,
    upper: float,
    fail_bound: float | None,
    pass_bound: float | None = None,
) -> tuple[float, float]:
    """The judged interval with its FAIL side from the family's simultaneous intervals.

    The PASS side is the comparison's own interval, or against the data-chosen best the
    least favourable of the group's own pair intervals (``pass_bound``,
    intersection-union); the FAIL side is the least violating bound, never narrower
    than the comparison's own.

    Examples
    --------
    >>> widened("min", 0.70, 0.78, 0.83)
    (0.7, 0.83)
    >>> widened("min", 0.70, 0.78, 0.83, 0.66)
    (0.66, 0.83)
    """
    if math.isnan(lower) or math.isnan(upper):
        return lower, upper
    if pass_bound is not None and not math.isnan(pass_bound):
        if bound == "min":
            lower = min(lower, pass_bound)
        else:
            upper = max(upper, pass_bound)
    if fail_bound is None or math.isnan(fail_bound):
        return lower, upper
    if bound == "min":
        return lower, max(upper, fail_bound)
    return min(lower, fail_bound), upper


def analytic_fallback(
    bootstrapped: bool, est: GroupEstimates, found: list[DisparityRecord], reference: str
) -> list[DisparityRecord]:
    """Bootstrap records whose interval is undefined or of zero width get the analytic one.

    A reference with no selections in some replicates leaves the percentile interval
    undefined, and a group with no selections gives [0, 0]; neither may let the point
    estimate decide. The replacement is recorded in the record's ``method``.

    Parameters
    ----------
    bootstrapped : bool
        Whether the audit's intervals are bootstrap intervals.
    est : GroupEstimates
    found : list of DisparityRecord
    reference : str

    Returns
    -------
    list of DisparityRecord
    """
    if not bootstrapped or est.counts is None or not est.metric.is_proportion or not found:
        return found
    analytic = {rec.group: rec for rec in to_reference(est, found[0].kind, reference)}
    out = []
    for rec in found:
        other = analytic.get(rec.group)
        broken = math.isnan(rec.lower) or math.isnan(rec.upper) or rec.lower == rec.upper
        if other is not None and broken and not math.isnan(other.lower):
            rec = dataclasses.replace(
                rec,
                lower=other.lower,
                upper=other.upper,
                method=f"{other.method} (bootstrap interval undefined or of zero width)",
            )
        out.append(rec)
    return out


def explain_undecided(
    findings: list[Finding], rule: Rule, *, ci: float, units: int, tail: float | None = None
) -> list[Finding]:
    """INCONCLUSIVE findings say what was detectable and how many rows would decide them.

    Parameters
    ----------
    findings : list of Finding
        One rule's findings in one feature set.
    rule : Rule
    ci : float
        The audit's confidence level.
    units : int
        Units of the family (``M``): the FAIL side's one-sided level is
        ``(1 - ci) / (2 M)`` unless ``tail`` gives it.
    tail : float, optional
        The one-sided level of the FAIL sides (:func:`fail_tail`).

    Returns
    -------
    list of Finding
    """
    alpha = (1 - ci) / (2 * max(units, 1)) if tail is None else tail
    out = []
    for f in findings:
        value, reference, n, n_ref = f.group_value, f.reference_value, f.n, f.n_reference
        if (
            f.status == Status.INCONCLUSIVE
            and value is not None
            and reference is not None
            and n
            and n_ref
        ):
            note = undecided_note(
                rule.comparison, rule.fail, value, reference, n, n_ref, alpha=alpha
            )
            f = dataclasses.replace(f, message=f.message + note)
        out.append(f)
    return out
