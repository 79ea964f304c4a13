"""Fisher's exact test for many 2 x 2 tables at once.

The p-value of a table sums the hypergeometric probabilities (margins fixed) of every
table no more likely than the observed one, with the relative tolerance 1e-7 that R's
``fisher.test`` and scipy use for ties: the definition of ``scipy.stats.fisher_exact``,
evaluated for all tables as one array operation over their supports. An audit of
thousands of small groups tests each against its reference with Fisher's test; a call
per table (scipy's, or :func:`fairscope.core._distributions.fisher_exact_2x2`) costs
tens of microseconds each, this a fraction of that.
"""

from __future__ import annotations

import numpy as np

#: Most cells (tables x support) evaluated at once.
FISHER_CELLS = 4_000_000


def _log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    from scipy.special import gammaln  # imported with the first many-table call only

    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def fisher_two_sided(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Two-sided Fisher p-values of the tables ``[[a, b], [c, d]]``.

    Parameters
    ----------
    a, b, c, d : ndarray
        1-D float arrays of whole counts, one table per position.

    Returns
    -------
    ndarray
        The p-values (1 for a table whose support is a single table).

    Examples
    --------
    >>> p = fisher_two_sided(*(np.array([v], dtype=float) for v in (1, 9, 6, 4)))
    >>> round(float(p[0]), 4)
    0.0573
    """
    rows, other, column = a + b, c + d, a + c
    low = np.maximum(0, column - other)
    high = np.minimum(column, rows)
    out = np.ones(a.shape)
    if not a.size:
        return out
    width = int((high - low).max()) + 1
    step = max(1, FISHER_CELLS // width)
    for start in range(0, a.size, step):
        part = slice(start, start + step)
        x = low[part, None] + np.arange(width)[None, :]
        inside = x <= high[part, None]
        x = np.where(inside, x, low[part, None])

        def log_pmf(k: np.ndarray, part: slice = part) -> np.ndarray:
            return (
                _log_choose(rows[part, None], k)
                + _log_choose(other[part, None], column[part, None] - k)
                - _log_choose(rows[part, None] + other[part, None], column[part, None])
            )

        observed = log_pmf(a[part, None])
        as_likely = inside & (log_pmf(x) <= observed + np.log1p(1e-7))
        out[part] = np.minimum(1.0, np.where(as_likely, np.exp(log_pmf(x)), 0.0).sum(axis=1))
    return out
