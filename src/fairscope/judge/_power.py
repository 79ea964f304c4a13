"""What an INCONCLUSIVE finding could have detected, and how much data would decide it.

An INCONCLUSIVE verdict means the data cannot show that the rule holds, nor that it is
violated. Two numbers make that concrete:

* the *minimum detectable disparity*: the smallest violation (a ratio below the limit,
  or a difference beyond it) that a one-sided z-test at the FAIL side's level would
  detect with 80 % power at these group sizes; for a difference this is the limit
  plus ``(z_{1-alpha} + z_{power}) * sigma * sqrt(1/n + 1/n_ref)`` with ``sigma`` the
  reference rate's binomial standard deviation (the normal power computation of
  ``statsmodels.stats.power.NormalIndPower``); for a ratio ``r`` it solves
  ``(limit - r) * p_ref = (z_{1-alpha} + z_{power}) * se(r)``, ``se(r)^2 =
  limit^2 p_ref (1 - p_ref) / n_ref + r p_ref (1 - r p_ref) / n``;
* the *rows per group that would decide it*: the equal group size at which the
  observed disparity's normal-approximation interval would no longer contain the limit.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def minimum_detectable_disparity(
    kind: str,
    limit: float,
    reference_rate: float,
    n: float,
    n_reference: float,
    *,
    alpha: float,
    power: float = 0.8,
) -> float:
    """The smallest violation detected with ``power`` by a one-sided test at ``alpha``.

    Parameters
    ----------
    kind : {"ratio", "difference"}
        How the rule compares the group with its reference.
    limit : float
        The rule's fail limit (a ratio in (0, 1] or a difference >= 0).
    reference_rate : float
        The reference's rate.
    n, n_reference : float
        Rows of the group and of the reference.
    alpha : float
        One-sided level of the FAIL side (``(1 - ci) / (2 M)`` in a family of M units).
    power : float, default 0.8

    Returns
    -------
    float
        A ratio (below ``limit``; 0 when even a rate of 0 would not be detected) or a
        difference (above ``limit``).

    Examples
    --------
    >>> round(minimum_detectable_disparity("difference", 0.1, 0.3, 200, 200, alpha=0.025), 4)
    0.2284
    """
    normal = NormalDist()
    z = normal.inv_cdf(1 - alpha) + normal.inv_cdf(power)
    p = reference_rate
    if kind == "difference":
        return float(limit + z * math.sqrt(p * (1 - p) * (1 / n + 1 / n_reference)))
    # squaring (limit - r) p = z se(r) gives a quadratic a r^2 - b r + c = 0 in r; the
    # root below the limit is the smaller one (c < 0: not even a rate of 0 is detected)
    reference_part = limit**2 * p * (1 - p) / n_reference
    a = p**2 * (1 + z**2 / n)
    b = 2 * limit * p**2 + z**2 * p / n
    c = limit**2 * p**2 - z**2 * reference_part
    if p <= 0 or c < 0:
        return 0.0
    return float((b - math.sqrt(b * b - 4 * a * c)) / (2 * a))


def rows_to_decide(
    kind: str,
    limit: float,
    value: float,
    reference_value: float,
    *,
    z: float,
) -> float:
    """Rows per group (both groups equal) at which the observed disparity would be decided.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    limit : float
        The rule's fail limit.
    value, reference_value : float
        The group's and the reference's rates.
    z : float
        Normal quantile of the interval's side that would decide it.

    Returns
    -------
    float
        ``inf`` when the estimate is on the limit.

    Examples
    --------
    >>> round(rows_to_decide("difference", 0.1, 0.2, 0.35, z=1.96))
    596
    """
    variance = value * (1 - value) + reference_value * (1 - reference_value)
    if kind == "difference":
        distance = abs(abs(value - reference_value) - limit)
    else:
        variance = value * (1 - value) + limit**2 * reference_value * (1 - reference_value)
        ratio = value / reference_value if reference_value > 0 else math.nan
        distance = abs(ratio - limit) * reference_value
    if not distance > 0:
        return math.inf
    return math.ceil(z**2 * variance / distance**2)


def undecided_note(
    kind: str,
    limit: float,
    value: float,
    reference_value: float,
    n: float,
    n_reference: float,
    *,
    alpha: float,
) -> str:
    """The sentence an INCONCLUSIVE finding adds: what was detectable, what would decide.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    limit : float
    value, reference_value : float
        The group's and the reference's rates.
    n, n_reference : float
        Their rows.
    alpha : float
        One-sided level of the FAIL side.

    Returns
    -------
    str

    Examples
    --------
    >>> undecided_note("ratio", 0.8, 0.2, 0.25, 100, 100, alpha=0.025)[:59]
    ' At 80 % power these sizes detect a ratio of 0.31 or lower;'
    """
    low = min(value, reference_value)
    high = max(value, reference_value)
    detect = minimum_detectable_disparity(kind, limit, high, n, n_reference, alpha=alpha)
    rows = rows_to_decide(kind, limit, low, high, z=NormalDist().inv_cdf(1 - alpha))
    relation = "or lower" if kind == "ratio" else "or more"
    need = "" if math.isinf(rows) else f" about {rows:,.0f} rows per group would decide it."
    return f" At 80 % power these sizes detect a {kind} of {detect:.3g} {relation};" + (
        need or " the estimate is on the limit, so no size would decide it."
    )
