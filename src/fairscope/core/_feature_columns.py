"""Encoding of the (non-sensitive) feature columns of a dataset audit.

Every column is encoded once and the encoding is shared by the missingness,
feature-shift and proxy analyses: numeric columns keep their float values and
get quantile bins; other columns become integer category codes. Rare
categories of very high-cardinality columns are pooled into ``"<other>"`` so
that tables stay small (the pooling is recorded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._bincount import CACHE_ROWS
from fairscope.core._column_digest import narrow_codes

#: Categories kept per categorical column; rarer ones are pooled into OTHER.
MAX_CATEGORIES = 250
#: Quantile bins used to discretize numeric columns for mutual information.
N_BINS = 10
OTHER = "<other>"
#: Numeric columns with more observed values take their bin edges from a sample this big.
QUANTILE_SAMPLE = 100_000


@dataclass(eq=False)
class EncodedColumn:
    """One feature column, encoded for the dataset audit.

    Attributes
    ----------
    name : str
    kind : {"numeric", "categorical"}
    missing : ndarray of bool
        Missing (NaN/None/NaT) rows.
    values : ndarray of float or None
        Numeric values (NaN where missing); None for categorical columns.
    codes : ndarray of int64
        Category codes (categorical) or quantile-bin codes (numeric), -1 where missing.
    categories : list of str
        Labels of the codes.
    n_pooled : int
        Categories pooled into ``"<other>"``.
    constant : bool
        Whether the observed (non-missing) values take a single value.
    factorized : tuple of (ndarray, array-like) or None
        ``pandas.factorize(column, sort=False)`` before any pooling, its codes in
        any integer type (categorical columns): the input digest of the column
        reads it instead of factorizing again.
    narrow_codes : ndarray of int8 (or wider) or None
        ``codes`` in the narrowest integer type that holds them: the column
        statistics read an eighth of the bytes.
    """

    name: str
    kind: str
    missing: np.ndarray
    values: np.ndarray | None
    codes: np.ndarray
    categories: list[str] = field(default_factory=list)
    n_pooled: int = 0
    constant: bool = False
    factorized: tuple[np.ndarray, Any] | None = field(default=None, repr=False)
    narrow_codes: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_codes(self) -> int:
        """Number of codes (categories or quantile bins)."""
        return len(self.categories)

    @property
    def numbers(self) -> np.ndarray:
        """The numeric values (NaN where missing) of a numeric column."""
        if self.values is None:
            raise TypeError(f"column {self.name!r} is categorical; it has no numeric values.")
        return self.values

    @property
    def all_missing(self) -> bool:
        return bool(self.missing.all())


def is_numeric(series: pd.Series) -> bool:
    """Numbers (not booleans) and datetimes are numeric; everything else is categorical."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return bool(pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype))


def quantile_bins(values: np.ndarray, missing: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """Codes of quantile bins (-1 where missing); ties can merge bins."""
    edges = _bin_edges(values, missing, n_bins)
    if edges is None:
        return np.full(len(values), -1, dtype=np.int64)
    codes = _count_edges_below(values, missing, edges).astype(np.int64)
    codes[missing] = -1  # values where missing may be numbers here (encode_column's are NaN)
    return codes


def _bin_edges(values: np.ndarray, missing: np.ndarray, n_bins: int) -> np.ndarray | None:
    """The distinct inner quantiles of the observed values (None when none is observed)."""
    n_observed = len(values) - int(np.count_nonzero(missing))
    if n_observed == 0:
        return None
    if n_observed > QUANTILE_SAMPLE:
        # bin edges from a fixed-seed sample: the same bins, far cheaper than a full sort
        picks = np.random.default_rng(0).integers(0, n_observed, QUANTILE_SAMPLE)
        sample = values[picks] if n_observed == len(values) else values[~missing][picks]
    else:
        sample = values[~missing]
    # quantiles depend only on the sorted values; numpy's vectorized sort and one
    # selection on sorted data cost a third of the selections on unsorted data
    return np.unique(np.quantile(np.sort(sample), np.linspace(0, 1, n_bins + 1)[1:-1]))


def _count_edges_below(values: np.ndarray, missing: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``searchsorted(edges, value, side="right")`` of every value, -1 where missing.

    ``values`` must be NaN wherever ``missing`` is True: a NaN is never at or
    above an edge, so missing rows need no masking. One comparison per edge,
    block by block, beats a binary search per value several times over for ten
    bins. Returns int8 codes below 127 edges (int64 beyond).
    """
    if len(edges) >= 127:  # too many edges to count in int8
        codes = np.searchsorted(edges, values, side="right").astype(np.int64)
        codes[missing] = -1
        return codes
    counts = np.empty(len(values), dtype=np.int8)
    above = np.empty(min(CACHE_ROWS, len(values)), dtype=bool)
    for start in range(0, len(values), CACHE_ROWS):
        block = values[start : start + CACHE_ROWS]
        acc, hit = counts[start : start + CACHE_ROWS], above[: len(block)]
        # start at -1 on missing rows: NaN is never >= an edge, so they stay at -1
        np.negative(missing[start : start + CACHE_ROWS].view(np.int8), out=acc)
        for edge in edges:
            np.greater_equal(block, edge, out=hit)
            acc += hit.view(np.int8)
    return counts


def _float_scan(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Missing (NaN or infinite) rows of a float column and its extremes, in one pass.

    Block by block, so the values are read from memory once. The extremes ignore
    NaN but not infinities: an infinite extreme says the column has some.
    """
    missing = np.empty(len(values), dtype=bool)
    low, high = np.inf, -np.inf
    for start in range(0, len(values), CACHE_ROWS):
        block, out = values[start : start + CACHE_ROWS], missing[start : start + CACHE_ROWS]
        np.isfinite(block, out=out)
        np.logical_not(out, out=out)
        low = np.fmin(low, np.fmin.reduce(block))
        high = np.fmax(high, np.fmax.reduce(block))
    return missing, float(low), float(high)


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The values as floats (NaN where missing or infinite), the missing mask, and the
    smallest and largest observed values (NaN when none is)."""
    if isinstance(series.dtype, np.dtype) and series.dtype == np.float64:
        # NaN is the only missing value of a numpy float column: read the values in place
        values = series.to_numpy()
        missing, low, high = _float_scan(values)
        if np.isfinite([low, high]).all() or np.isnan([low, high]).all():
            return values, missing, low, high
        values = np.where(missing, np.nan, values)  # infinities are missing values too
    elif pd.api.types.is_datetime64_any_dtype(series.dtype):
        missing = series.isna().to_numpy()
        # seconds since the epoch: differences and quantiles keep their meaning
        values = series.astype("datetime64[ns]").astype("int64").to_numpy(dtype=float) / 1e9
        values[missing] = np.nan
    else:
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = series.isna().to_numpy() | ~np.isfinite(values)
        values = np.where(missing, np.nan, values)
    if len(values) == 0:
        return values, missing, np.nan, np.nan
    return values, missing, float(np.fmin.reduce(values)), float(np.fmax.reduce(values))


def encode_column(
    series: pd.Series, name: str, max_categories: int = MAX_CATEGORIES
) -> EncodedColumn:
    """Encode one feature column (see :class:`EncodedColumn`)."""
    if is_numeric(series):
        values, missing, low, high = _numbers(series)
        edges = _bin_edges(values, missing, N_BINS)
        if edges is None:
            codes = np.full(len(values), -1, dtype=np.int64)
            return EncodedColumn(name, "numeric", missing, values, codes, [])
        narrow = _count_edges_below(values, missing, edges)
        # the largest code is the bin of the largest value
        n_bins = int(np.searchsorted(edges, high, side="right")) + 1
        labels = [f"bin {i}" for i in range(n_bins)]
        return EncodedColumn(
            name, "numeric", missing, values, narrow.astype(np.int64), labels,
            constant=bool(low == high), narrow_codes=narrow,
        )  # fmt: skip
    raw_codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
    codes = np.asarray(raw_codes, dtype=np.int64)
    missing = codes < 0  # factorize codes exactly the missing values (isna) as -1
    labels = [str(u) for u in uniques]
    n_pooled = 0
    if len(labels) > max_categories:
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        keep = np.argsort(-counts, kind="stable")[: max_categories - 1]
        remap = np.full(len(labels), max_categories - 1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        n_pooled = len(labels) - len(keep)
        labels = [labels[i] for i in keep] + [OTHER]
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    constant = len(labels) == 1
    narrow = narrow_codes(codes, len(labels))
    # the digest hashes the narrow codes of the column as given: unpooled, these are they
    factorized = (narrow if n_pooled == 0 else raw_codes, uniques)
    return EncodedColumn(
        name, "categorical", missing, None, codes, labels, n_pooled, constant,
        factorized=factorized, narrow_codes=narrow,
    )  # fmt: skip
