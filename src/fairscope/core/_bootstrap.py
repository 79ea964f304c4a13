"""The bootstrap on sufficient statistics: B replicates in O(B x cells), whatever N is.

Resampling the N rows of an audit with replacement only matters through how
many rows land in each cell of the sufficient-statistics table (group x label x
prediction). Those cell counts of one resample follow exactly a
``Multinomial(N, p)`` distribution with ``p`` the observed cell shares, so
drawing the counts directly gives *the same distribution* as the row bootstrap
at a cost that does not depend on N. Every metric is a formula over the cells
that broadcasts over a leading replicate axis, so B replicates of every metric,
disparity and summary are a few array operations.

Two schemes:

``"multinomial"`` (the default)
    One ``Multinomial(N, p)`` draw over all cells: exactly the ordinary
    nonparametric bootstrap of rows (what fairlearn's ``MetricFrame(n_boot=...)``
    does by brute force). Group sizes vary between replicates as they would
    between samples of the population, so the default makes no assumption about
    how the data were collected.
``"stratified"``
    One ``Multinomial(n_g, p_g)`` draw per group over its four cells: the row
    bootstrap within each group, group sizes held fixed (a stratified design, or
    an audit that conditions on the group sizes like the analytic intervals do).
    Tiny groups never vanish from a replicate.

Sample weights: the row counts of each cell are drawn as above, and a cell drawn
``k`` times gets the weight sum of ``k`` rows drawn from that cell's weights.
The table keeps only the sum and the sum of squares of the weights per cell, so
that sum is drawn from a normal distribution with the exact mean ``k * mean(w)``
and variance ``k * var(w)`` (moment-matched, clipped at 0). Without weights (or
with constant weights within a cell) this is exact; otherwise it is a central
limit approximation for the within-cell weight spread, which only matters for
cells holding a few rows with very unequal weights.

References
----------
B. Efron and R. J. Tibshirani, An Introduction to the Bootstrap, Chapman & Hall
(1993), chapters 13-14 (percentile and BCa intervals, the jackknife estimate of
the acceleration).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from fairscope.core._counts import GroupCounts
from fairscope.core._warnings import StatisticsWarning

Scheme = Literal["multinomial", "stratified"]
SCHEMES: tuple[str, ...] = ("multinomial", "stratified")


@dataclass(frozen=True)
class Replicates:
    """B bootstrap replicates of a sufficient-statistics table.

    Attributes
    ----------
    weighted : ndarray of float, shape (B, n_groups, 4)
        Weighted confusion counts of each replicate (row counts without weights).
    rows : ndarray of int, shape (B, n_groups, 4)
        Row counts of each replicate.
    scheme : str
        ``"multinomial"`` or ``"stratified"``.
    """

    weighted: np.ndarray
    rows: np.ndarray
    scheme: str

    @property
    def n_boot(self) -> int:
        """Number of replicates."""
        return int(self.rows.shape[0])


def check_bootstrap_args(n_boot: int, scheme: str) -> None:
    """Validate ``n_boot`` and the resampling scheme, with messages naming the argument."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer (e.g. 1000); got {n_boot!r}.")
    if scheme not in SCHEMES:
        raise ValueError(f"bootstrap={scheme!r} is unknown; choose one of {list(SCHEMES)}.")


def bootstrap_counts(
    counts: GroupCounts,
    n_boot: int = 1000,
    *,
    scheme: Scheme = "multinomial",
    random_state: Any = None,
) -> Replicates:
    """Draw bootstrap replicates of a count table, equivalent to resampling its rows.

    Parameters
    ----------
    counts : GroupCounts
        The sufficient statistics of the audit.
    n_boot : int, default 1000
        Number of replicates B.
    scheme : {"multinomial", "stratified"}, default "multinomial"
        Resample all rows at once (group sizes vary) or within each group
        (group sizes fixed); see the module docstring.
    random_state : None, int or numpy.random.Generator
        Seed; the same seed gives the same replicates.

    Returns
    -------
    Replicates

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from fairscope.core._counts import reduce_confusion
    >>> c = reduce_confusion([0, 1, 1, 0], [0, 1, 0, 1], np.array([0, 0, 1, 1]),
    ...                      pd.Index(["a", "b"]))
    >>> reps = bootstrap_counts(c, 5, random_state=0)
    >>> reps.rows.shape, int(reps.rows[0].sum())
    ((5, 2, 4), 4)
    >>> reps = bootstrap_counts(c, 5, scheme="stratified", random_state=0)
    >>> reps.rows.sum(axis=2)[:, 0].tolist()
    [2, 2, 2, 2, 2]
    """
    check_bootstrap_args(n_boot, scheme)
    rng = np.random.default_rng(random_state)
    rows = np.asarray(counts.rows, dtype=np.int64)
    n_groups, n_cells = rows.shape
    drawn = np.zeros((n_boot, n_groups, n_cells), dtype=np.int64)
    if scheme == "multinomial":
        flat = rows.reshape(-1)
        total = int(flat.sum())
        occupied = np.flatnonzero(flat)
        if total:
            # Only occupied cells can be drawn: the cost is O(B x occupied cells).
            draws = rng.multinomial(total, flat[occupied] / total, size=n_boot)
            drawn.reshape(n_boot, -1)[:, occupied] = draws
    else:
        for g in range(n_groups):
            size = int(rows[g].sum())
            if size:
                drawn[:, g, :] = rng.multinomial(size, rows[g] / size, size=n_boot)
    if not counts.has_weights:
        return Replicates(drawn.astype(float), drawn, scheme)
    return Replicates(_weight_sums(counts, drawn, rng), drawn, scheme)


def _weight_sums(counts: GroupCounts, drawn: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Weight sums of ``drawn`` rows per cell, moment-matched to drawing the cell's weights."""
    rows = counts.rows.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(rows > 0, counts.weighted / rows, 0.0)
        var = np.where(rows > 0, counts.squared_weights / rows - mean * mean, 0.0)
    var = np.maximum(var, 0.0)  # round-off can make a constant-weight cell slightly negative
    k = drawn.astype(float)
    sums = k * mean
    spread = var > 1e-12 * np.maximum(mean * mean, 1e-300)
    if spread.any():
        noise = rng.standard_normal(drawn.shape)
        sums = np.where(spread, sums + np.sqrt(k * var) * noise, sums)
    clipped: np.ndarray = np.maximum(sums, 0.0)
    return clipped


def jackknife_counts(counts: GroupCounts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leave-one-row-out tables, one per occupied cell, with their multiplicities.

    Deleting any one of the ``n_c`` rows of cell ``c`` gives the same table, so
    the N jackknife tables are the occupied cells' tables, each counted ``n_c``
    times. A deleted row of a weighted cell carries the cell's mean weight.

    Returns
    -------
    weighted, rows : ndarray of shape (K, n_groups, 4)
        The K leave-one-out tables (K occupied cells).
    multiplicity : ndarray of shape (K,)
        Rows in each cell (how many of the N jackknife samples equal that table).
    """
    rows = np.asarray(counts.rows, dtype=np.int64)
    occupied = np.flatnonzero(rows.reshape(-1))
    k = len(occupied)
    jr = np.broadcast_to(rows, (k, *rows.shape)).copy()
    jw = np.broadcast_to(counts.weighted, (k, *rows.shape)).astype(float).copy()
    mult = rows.reshape(-1)[occupied]
    mean_w = counts.weighted.reshape(-1)[occupied] / mult
    jr.reshape(k, -1)[np.arange(k), occupied] -= 1
    jw.reshape(k, -1)[np.arange(k), occupied] -= mean_w
    return jw, jr, mult.astype(float)


def percentile_interval(
    replicates: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval from replicates on axis 0 (undefined replicates ignored).

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0), 0.9)
    >>> float(lo), float(hi)
    (5.0, 95.0)
    """
    alpha = 1 - confidence
    return _quantiles(np.asarray(replicates, dtype=float), alpha / 2, 1 - alpha / 2)


def _quantiles(
    replicates: np.ndarray, low: np.ndarray | float, high: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    shape = replicates.shape[1:]
    flat = replicates.reshape(replicates.shape[0], -1)
    low = np.broadcast_to(np.asarray(low, dtype=float), shape).reshape(-1)
    high = np.broadcast_to(np.asarray(high, dtype=float), shape).reshape(-1)
    ordered = np.sort(flat, axis=0)  # NaN sort last, so the defined values lead each column
    defined = (~np.isnan(flat)).sum(axis=0)
    lower = _interpolate(ordered, defined, low)
    upper = _interpolate(ordered, defined, high)
    return lower.reshape(shape), upper.reshape(shape)


def _interpolate(ordered: np.ndarray, defined: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantile ``q`` of each column's first ``defined`` values (numpy's linear rule)."""
    cols = np.arange(ordered.shape[1])
    position = q * np.maximum(defined - 1, 0)
    below = np.clip(np.floor(np.nan_to_num(position)).astype(np.int64), 0, ordered.shape[0] - 1)
    above = np.clip(below + 1, 0, np.maximum(defined - 1, 0))
    frac = np.nan_to_num(position) - below
    lo, hi = ordered[below, cols], ordered[above, cols]
    with np.errstate(invalid="ignore"):
        value = lo + (hi - lo) * frac
    return np.where((defined > 0) & np.isfinite(q), value, np.nan)


def bca_interval(
    replicates: np.ndarray,
    estimate: np.ndarray,
    jackknife: np.ndarray,
    multiplicity: np.ndarray,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected and accelerated (BCa) interval, vectorized over statistics.

    Parameters
    ----------
    replicates : ndarray of shape (B, ...)
        Bootstrap replicates of the statistics.
    estimate : ndarray of shape (...)
        The statistics on the observed table.
    jackknife : ndarray of shape (K, ...)
        The statistics on the leave-one-row-out tables of :func:`jackknife_counts`.
    multiplicity : ndarray of shape (K,)
        How many rows each jackknife table stands for.
    confidence : float, default 0.95

    Returns
    -------
    lower, upper : ndarray of shape (...)
        Where the correction is undefined (a statistic that is undefined, or every
        replicate on one side of the estimate) the percentile interval is returned,
        with a ``StatisticsWarning`` for the latter.
    """
    from scipy import stats

    replicates = np.asarray(replicates, dtype=float)
    estimate = np.asarray(estimate, dtype=float)
    alpha = 1 - confidence
    defined = ~np.isnan(replicates)
    n_def = defined.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = ((replicates < estimate) & defined).sum(axis=0) + 0.5 * (
            (replicates == estimate) & defined
        ).sum(axis=0)
        share = below / n_def
        z0 = stats.norm.ppf(share)
        w = np.asarray(multiplicity, dtype=float).reshape(-1, *([1] * estimate.ndim))
        jk = np.asarray(jackknife, dtype=float)
        jk_ok = ~np.isnan(jk)
        wj = np.where(jk_ok, w, 0.0)
        mean = np.nansum(wj * np.nan_to_num(jk), axis=0) / wj.sum(axis=0)
        dev = np.where(jk_ok, mean - jk, 0.0)
        num = (wj * dev**3).sum(axis=0)
        den = 6.0 * ((wj * dev**2).sum(axis=0)) ** 1.5
        accel = np.where(den > 0, num / den, 0.0)
        z_lo, z_hi = stats.norm.ppf(alpha / 2), stats.norm.ppf(1 - alpha / 2)
        q_lo = stats.norm.cdf(z0 + (z0 + z_lo) / (1 - accel * (z0 + z_lo)))
        q_hi = stats.norm.cdf(z0 + (z0 + z_hi) / (1 - accel * (z0 + z_hi)))
    usable = np.isfinite(q_lo) & np.isfinite(q_hi) & np.isfinite(z0)
    degenerate = ~usable & (n_def > 0) & ~np.isnan(estimate)
    if degenerate.any():
        # every replicate on one side of the estimate (an extreme, a rate of 0 or 1):
        # the bias correction is infinite and BCa says nothing more than the percentiles
        warnings.warn(
            f"the BCa correction is undefined for {int(degenerate.sum())} statistic(s) (every "
            "bootstrap replicate lies on one side of the estimate); their percentile interval "
            "is given, which can miss the estimate itself. Prefer an analytic interval "
            "(ci_method='clopper-pearson') for rates.",
            StatisticsWarning,
            stacklevel=3,
        )
    q_lo = np.where(usable, q_lo, alpha / 2)
    q_hi = np.where(usable, q_hi, 1 - alpha / 2)
    return _quantiles(replicates, q_lo, q_hi)
