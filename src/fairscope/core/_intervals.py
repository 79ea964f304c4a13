"""Confidence intervals for rates and for disparities between rates.

Rates are proportions ``x / n`` of a population of rows, so they get binomial
intervals (Wilson by default). A difference or ratio of two independent rates
gets the MOVER interval built from the two rates' own intervals (Newcombe 1998
for differences, Donner and Zou 2012 for ratios), which keeps the good coverage
of Wilson without a normal approximation on the disparity scale.

Clopper-Pearson (the "exact" interval, inverting two one-sided binomial tests)
is offered for those who need guaranteed coverage of at least the nominal level;
it is conservative (wider) in exchange.

With sample weights the binomial ``n`` is Kish's effective sample size
``(sum w)^2 / sum w^2`` and ``x`` is the weighted share times that ``n``, for
both Wilson and Clopper-Pearson (the beta quantiles accept non-integer counts).

References
----------
E. B. Wilson, Probable inference, the law of succession, and statistical
inference, JASA 22 (1927).
R. G. Newcombe, Interval estimation for the difference between independent
proportions: comparison of eleven methods, Statistics in Medicine 17 (1998).
A. Donner and G. Y. Zou, Closed-form confidence intervals for functions of the
normal mean and standard deviation, Stat Methods Med Res 21 (2012).
L. Kish, Survey Sampling, Wiley (1965).
C. J. Clopper and E. S. Pearson, The use of confidence or fiducial limits
illustrated in the case of the binomial, Biometrika 26 (1934).
"""

from __future__ import annotations

import numpy as np

from fairscope.core._distributions import normal_quantile_two_sided


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {confidence!r}.")
    return normal_quantile_two_sided(confidence)  # scipy.stats.norm.ppf, without scipy


def wilson_interval(
    successes: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion, vectorized.

    Parameters
    ----------
    successes, n : array-like
        Number of successes and of trials (may be non-integer effective counts).
    confidence : float, default 0.95

    Returns
    -------
    lower, upper : ndarray
        NaN where ``n`` is 0.

    Examples
    --------
    >>> lo, hi = wilson_interval(5, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2366, 0.7634)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lower = np.clip(centre - half, 0.0, 1.0)
        upper = np.clip(centre + half, 0.0, 1.0)
    # Exact endpoints at the boundary (float round-off would give 1e-17 instead of 0).
    lower = np.where(x <= 0, 0.0, lower)
    upper = np.where(x >= n, 1.0, upper)
    invalid = ~(n > 0)
    return np.where(invalid, np.nan, lower), np.where(invalid, np.nan, upper)


def clopper_pearson_interval(
    successes: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson ("exact") interval of a binomial proportion, vectorized.

    The bounds are beta quantiles, ``Beta(a/2; x, n - x + 1)`` and
    ``Beta(1 - a/2; x + 1, n - x)``, equal to
    ``scipy.stats.binomtest(x, n).proportion_ci(method="exact")``; they are
    also defined for the non-integer effective counts of weighted data.

    Parameters
    ----------
    successes, n : array-like
        Number of successes and of trials (may be non-integer effective counts).
    confidence : float, default 0.95

    Returns
    -------
    lower, upper : ndarray
        NaN where ``n`` is 0.

    Examples
    --------
    >>> lo, hi = clopper_pearson_interval(5, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.1871, 0.8129)
    """
    # the beta quantile itself (what scipy.stats.beta.ppf evaluates), without the 0.6 s
    # import of scipy.stats on an audit's first call
    from scipy.special import betaincinv

    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1 - confidence
    _z(confidence)  # validates the level
    valid = n > 0
    # Clip into the beta parameter domain; the boundary cases are set exactly below.
    xs = np.clip(np.where(valid, x, 0.5), 0.0, np.where(valid, n, 1.0))
    ns = np.where(valid, n, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = betaincinv(np.maximum(xs, 1e-300), ns - xs + 1, alpha / 2)
        upper = betaincinv(xs + 1, np.maximum(ns - xs, 1e-300), 1 - alpha / 2)
    lower = np.where(xs <= 0, 0.0, lower)
    upper = np.where(xs >= ns, 1.0, upper)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def binomial_interval(
    successes: np.ndarray, n: np.ndarray, confidence: float = 0.95, method: str = "wilson"
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson or Clopper-Pearson interval by name (``"wilson"``, ``"clopper-pearson"``)."""
    if method == "wilson":
        return wilson_interval(successes, n, confidence)
    if method == "clopper-pearson":
        return clopper_pearson_interval(successes, n, confidence)
    raise ValueError(f"method={method!r} is unknown; choose 'wilson' or 'clopper-pearson'.")


def kish_effective_n(sum_weights: np.ndarray, sum_squared_weights: np.ndarray) -> np.ndarray:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 where there are no rows)."""
    sw = np.asarray(sum_weights, dtype=float)
    sw2 = np.asarray(sum_squared_weights, dtype=float)
    out = np.zeros(np.broadcast(sw, sw2).shape)
    np.divide(sw * sw, sw2, out=out, where=sw2 > 0)
    return out


def mover_difference(
    p1: np.ndarray,
    lower1: np.ndarray,
    upper1: np.ndarray,
    p2: np.ndarray,
    lower2: np.ndarray,
    upper2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """MOVER (Newcombe's hybrid score) interval for ``p1 - p2`` from each rate's interval."""
    d = np.asarray(p1, float) - np.asarray(p2, float)
    lower = d - np.sqrt((p1 - lower1) ** 2 + (upper2 - p2) ** 2)
    upper = d + np.sqrt((upper1 - p1) ** 2 + (p2 - lower2) ** 2)
    return lower, upper


def mover_ratio(
    p1: np.ndarray,
    lower1: np.ndarray,
    upper1: np.ndarray,
    p2: np.ndarray,
    lower2: np.ndarray,
    upper2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """MOVER-R interval (Donner and Zou 2012) for ``p1 / p2`` from each rate's interval."""
    p1, l1, u1, p2, l2, u2 = (
        np.asarray(a, dtype=float) for a in (p1, lower1, upper1, p2, lower2, upper2)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        prod = p1 * p2
        lower = (
            prod - np.sqrt(np.maximum(prod**2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2), 0))
        ) / (u2 * (2 * p2 - u2))
        upper_den = l2 * (2 * p2 - l2)
        upper = (
            prod + np.sqrt(np.maximum(prod**2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2), 0))
        ) / (upper_den)
    upper = np.where(upper_den > 0, upper, np.inf)
    lower = np.maximum(lower, 0.0)
    undefined = ~(p2 > 0)
    return np.where(undefined, np.nan, lower), np.where(undefined, np.nan, upper)


def weighted_rate_variance(
    numerator: np.ndarray,
    denominator: np.ndarray,
    numerator_squared: np.ndarray,
    denominator_squared: np.ndarray,
) -> np.ndarray:
    """Linearization (sandwich) variance of a weighted rate, from cell sums.

    For a rate ``p = sum(w y) / sum(w)`` over the rows of its denominator (``y = 1`` on
    the numerator's rows), ``Var(p) = sum(w^2 (y - p)^2) / (sum w)^2``; with ``S1`` the
    squared weights of the numerator's rows and ``S`` those of the denominator's, the
    sum is ``S1 (1 - p)^2 + (S - S1) p^2``: no row is needed.

    Parameters
    ----------
    numerator, denominator : ndarray
        Sums of weights of the numerator's and the denominator's rows.
    numerator_squared, denominator_squared : ndarray
        Sums of squared weights of the same rows.

    Returns
    -------
    ndarray
        The variance (NaN where the denominator is empty).

    Examples
    --------
    >>> float(weighted_rate_variance(np.array(3.0), np.array(10.0), np.array(3.0),
    ...                              np.array(10.0)))  # no weights: p (1 - p) / n
    0.021
    """
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    s1 = np.asarray(numerator_squared, dtype=float)
    s = np.asarray(denominator_squared, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = num / den
        return np.where(den > 0, (s1 * (1 - p) ** 2 + (s - s1) * p**2) / den**2, np.nan)


def weighted_effective_n(
    numerator: np.ndarray,
    denominator: np.ndarray,
    numerator_squared: np.ndarray,
    denominator_squared: np.ndarray,
) -> np.ndarray:
    """Effective size of a weighted rate: ``p (1 - p) / Var(p)`` with the sandwich variance.

    A binomial interval or test on this size has the rate's linearization variance, so
    weights that go with the outcome are accounted for (Kish's ``(sum w)^2 / sum w^2``
    ignores the outcome). Where ``p`` is 0 or 1 the variance carries no information
    about the design and Kish's size is used.

    Parameters
    ----------
    numerator, denominator, numerator_squared, denominator_squared : ndarray
        As in :func:`weighted_rate_variance`.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> float(weighted_effective_n(np.array(3.0), np.array(10.0), np.array(3.0),
    ...                            np.array(10.0)))
    10.0
    """
    variance = weighted_rate_variance(
        numerator, denominator, numerator_squared, denominator_squared
    )
    kish = kish_effective_n(denominator, denominator_squared)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(numerator, dtype=float) / np.asarray(denominator, dtype=float)
        sandwich = p * (1 - p) / variance
    return np.where((variance > 0) & (p > 0) & (p < 1), sandwich, kish)
